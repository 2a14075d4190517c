"""`pipeline/editorial/audit/`: the fidelity audit, on real renders of the bundled records and
on renders damaged on purpose (a paragraph dropped, a note dropped, a word changed).

The other test_audit_*.py files cover the rest of what the reader sees: the editorial note
(test_audit_editorial.py), typography (…_typography.py), letter case (…_case.py), the source's
hash (…_provenance.py), the ebook's navigation and colophon (…_navigation.py), and records of
the family the audit was not developed on (…_family.py)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.editorial.audit import (
    AuditReport,
    PdfLine,
    audit_command,
    audit_epub,
    audit_pdf,
    audit_source,
    pdf_words,
)
from pipeline.errors import PipelineError
from pipeline.model import Document, Paragraph, Subheading, Text, Turn, block_text, body_blocks
from pipeline.writers.pdf import write_pdf
from tests.conftest import DOCUMENTS, RECORD_1973
from tests.editorial.conftest import Built, built_once


def build(folder: Path) -> Built:
    """Each document is prepared and built once for the whole session (conftest.py)."""
    return built_once(folder)


def pdf_report(b: Built, pdf: bytes | None = None) -> AuditReport:
    return audit_pdf(b.read, b.final, b.source_text, b.pdf if pdf is None else pdf)


def epub_report(b: Built, epub: bytes | None = None) -> AuditReport:
    return audit_epub(b.read, b.final, b.source_text, b.epub if epub is None else epub)


def problems(report: AuditReport) -> str:
    return "\n".join(p.describe() for p in report.problems)


# --- the bundled records pass clean ----------------------------------------------------------


@pytest.mark.parametrize("folder", DOCUMENTS, ids=lambda p: p.name)
def test_bundled_pdf_passes_with_every_note_found_whole(folder):
    b = build(folder)
    report = pdf_report(b)
    assert report.ok, problems(report)
    assert report.count("note body found whole") == len(b.final.notes)
    assert report.count("generated: folio") >= 2
    assert report.count("hyphenation at a line end (U+2010 removed)") > 0
    # Letter case is tolerated only on small capitals (test_audit_case.py): never more often
    # than the words of the record's labels and subheadings.
    small = [
        block_text(block) if isinstance(block, Subheading) else block.label
        for _, block in body_blocks(b.final)
        if isinstance(block, (Turn, Subheading))
    ]
    tolerated = report.count("all small capitals (letter case as the PDF's text map shows it)")
    assert tolerated <= sum(len(text.split()) for text in small)


@pytest.mark.parametrize("folder", DOCUMENTS, ids=lambda p: p.name)
def test_bundled_epub_passes_with_every_note_found_whole(folder):
    b = build(folder)
    report = epub_report(b)
    assert report.ok, problems(report)
    assert report.count("note body found whole") == len(b.final.notes)


@pytest.mark.parametrize("folder", DOCUMENTS, ids=lambda p: p.name)
def test_typography_attribution_agrees_with_the_stage_own_counts(folder):
    # The audit attributes character changes to rules from what each rule can make, without
    # running the rules; it must arrive at the counts the typography stage recorded.
    b = build(folder)
    report = audit_source(b.read, b.final, b.source_text)
    audited = {
        cause.removeprefix("typography: "): n
        for cause, n in report.causes
        if cause.startswith("typography: ")
    }
    assert audited == {rule.name: rule.count for rule in b.final.typography if rule.count}


def test_each_errata_entry_of_1973_is_counted_once():
    b = build(RECORD_1973)
    report = audit_source(b.read, b.final, b.source_text)
    assert report.ok, problems(report)
    for correction in b.final.corrections:
        assert report.count(f"errata: {correction.id} ({correction.reason})") == 1


# --- damaged renders are caught ----------------------------------------------------------------


def _some_paragraph(doc: Document, index: int = 12) -> Paragraph | Turn:
    blocks = [b for _, b in body_blocks(doc) if isinstance(b, (Paragraph, Turn))]
    return blocks[index]


def without_block(doc: Document, block: object) -> Document:
    sessions = tuple(
        replace(s, blocks=tuple(b for b in s.blocks if b is not block)) for s in doc.sessions
    )
    return replace(doc, sessions=sessions)


def with_text(doc: Document, block: Paragraph | Turn, change: Callable[[str], str]) -> Document:
    """`doc` with `change` applied to the text runs of the block with `block`'s id."""
    content = tuple(Text(change(n.text)) if isinstance(n, Text) else n for n in block.content)
    sessions = tuple(
        replace(
            s,
            blocks=tuple(replace(b, content=content) if b.id == block.id else b for b in s.blocks),
        )
        for s in doc.sessions
    )
    return replace(doc, sessions=sessions)


def with_word_changed(doc: Document, block: Paragraph | Turn, old: str, new: str) -> Document:
    return with_text(doc, block, lambda text: re.sub(rf"\b{old}\b", new, text, count=1))


def first_word(block: Paragraph | Turn) -> str:
    text = "".join(n.text for n in block.content if isinstance(n, Text))
    return next(w for w in re.findall(r"[a-z]{6,}", text))


def test_pdf_with_a_dropped_paragraph_fails_with_both_locations():
    b = build(RECORD_1973)
    block = _some_paragraph(b.final)
    damaged = write_pdf(without_block(b.final, block), b.ctx)
    report = pdf_report(b, damaged)
    assert not report.ok
    missing = [p for p in report.problems if "missing from the PDF" in p.what]
    assert missing, problems(report)
    assert any(p.source.endswith(f"source.txt:{block.line}") for p in missing), problems(report)
    assert all(re.search(r"page \d+", p.rendered) for p in missing)


@pytest.mark.allow_warnings  # the PDF writer says the dropped note's call has no text
def test_pdf_with_a_dropped_note_fails_naming_the_note():
    b = build(RECORD_1973)
    note = b.final.notes[2]
    doc = replace(b.final, notes=tuple(n for n in b.final.notes if n is not note))
    damaged = write_pdf(doc, b.ctx)
    report = pdf_report(b, damaged)
    assert any(p.what == f"note {note.number} missing from the PDF" for p in report.problems), (
        problems(report)
    )
    assert report.count("note body found whole") == len(b.final.notes) - 1


def test_pdf_with_a_silently_changed_word_fails_with_both_words():
    b = build(RECORD_1973)
    block = _some_paragraph(b.final, 20)
    old = first_word(block)
    damaged = write_pdf(with_word_changed(b.final, block, old, "zebra"), b.ctx)
    report = pdf_report(b, damaged)
    assert len(report.problems) == 1, problems(report)
    (problem,) = report.problems
    assert f"[{old}]" in problem.expected and "[zebra]" in problem.found
    assert problem.source.startswith(f"source.txt:{block.line}")
    assert re.fullmatch(r"PDF page \d+, line \d+", problem.rendered)


def rewrite_epub(data: bytes, change: Callable[[str, str], str]) -> bytes:
    """The EPUB with `change(name, text)` applied to every XHTML file inside the zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".xhtml"):
                content = change(info.filename, content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def test_epub_with_a_dropped_paragraph_fails_with_both_locations():
    b = build(RECORD_1973)
    block = _some_paragraph(b.final)
    pattern = re.compile(rf'<p class="[a-z]+" id="{block.id}">.*?</p>', re.S)
    damaged = rewrite_epub(b.epub, lambda name, text: pattern.sub("", text))
    assert damaged != b.epub
    report = epub_report(b, damaged)
    missing = [p for p in report.problems if "missing from the EPUB" in p.what]
    assert missing, problems(report)
    assert any(p.source.endswith(f"source.txt:{block.line}") for p in missing)
    assert all(".xhtml" in p.rendered for p in missing)


def test_epub_with_a_dropped_note_fails_naming_the_note():
    b = build(RECORD_1973)
    number = b.final.notes[1].number
    pattern = re.compile(rf'<aside epub:type="footnote"[^>]*id="note-{number}".*?</aside>', re.S)
    damaged = rewrite_epub(b.epub, lambda name, text: pattern.sub("", text))
    assert damaged != b.epub
    report = epub_report(b, damaged)
    assert [p.what for p in report.problems] == [f"note {number} missing from the EPUB"]


def test_epub_with_a_silently_changed_word_fails_with_both_words():
    b = build(RECORD_1973)
    block = _some_paragraph(b.final, 20)
    old = first_word(block)
    paragraph = re.compile(rf'(<p class="[a-z]+" id="{block.id}">.*?)\b{old}\b', re.S)
    damaged = rewrite_epub(b.epub, lambda name, text: paragraph.sub(r"\1zebra", text, count=1))
    assert damaged != b.epub
    report = epub_report(b, damaged)
    assert len(report.problems) == 1, problems(report)
    (problem,) = report.problems
    assert f"[{old}]" in problem.expected and "[zebra]" in problem.found
    assert re.fullmatch(rf"EPUB chapter-\d+\.xhtml#{block.id}", problem.rendered)


def test_epub_with_a_silently_inserted_word_fails_even_when_the_word_is_the_title():
    # Generated elements are recognised by their place, not as allowed words: the title's own
    # words slipped into a paragraph are still an insertion.
    b = build(RECORD_1973)
    block = _some_paragraph(b.final, 20)
    word = b.final.meta.title.split()[-1]
    opening = re.compile(rf'(<p class="[a-z]+" id="{block.id}">)')
    damaged = rewrite_epub(b.epub, lambda name, text: opening.sub(rf"\1{word} ", text))
    assert damaged != b.epub
    report = epub_report(b, damaged)
    assert [p.what for p in report.problems] == [
        "1 word(s) in the EPUB that the source does not have"
    ]
    assert report.problems[0].source.startswith(f"source.txt:{block.line}")


def test_a_changed_note_word_is_an_altered_note():
    b = build(RECORD_1973)
    damaged = rewrite_epub(b.epub, lambda name, text: text.replace("participants.</p>", "x.</p>"))
    assert damaged != b.epub
    report = epub_report(b, damaged)
    assert [p.what for p in report.problems] == ["note 2 altered in the EPUB"]


# --- step 1 on its own -------------------------------------------------------------------------


def test_a_word_the_model_changed_without_an_errata_entry_is_unexplained():
    b = build(RECORD_1973)
    block = _some_paragraph(b.read, 5)
    old = first_word(block)
    report = audit_source(
        with_word_changed(b.read, block, old, "zebra"),
        with_word_changed(b.final, _some_paragraph(b.final, 5), old, "zebra"),
        b.source_text,
    )
    assert [p.what for p in report.problems] == ["word(s) changed in the model"]
    assert report.problems[0].source.startswith(f"source.txt:{block.line}:")


def test_a_character_change_no_typography_rule_makes_is_unexplained():
    b = build(RECORD_1973)
    block = _some_paragraph(b.final, 5)
    final = with_text(b.final, block, lambda text: text.replace("e", "é", 1))
    report = audit_source(b.read, final, b.source_text)
    assert [p.what for p in report.problems] == ["a character change no typography rule makes"]
    assert report.problems[0].source == f"source.txt:{block.line}"


# --- PDF text -------------------------------------------------------------------------------------


def test_pdf_words_join_hyphenation_and_keep_the_source_hyphen():
    lines = [
        PdfLine(1, 1, "From my child\u2010"),
        PdfLine(1, 2, "hood the Japanese-"),
        PdfLine(1, 3, "American 33.3–"),
        PdfLine(2, 1, "2 end"),
    ]
    assert [w.text for w in pdf_words(lines)] == [
        "From",
        "my",
        "childhood",
        "the",
        "Japanese-American",
        "33.3–2",
        "end",
    ]


# --- the command ----------------------------------------------------------------------------------


def _copy_build(b: Built, folder: Path, pdf: bytes | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{b.ctx.id}.pdf").write_bytes(b.pdf if pdf is None else pdf)
    (folder / f"{b.ctx.id}.epub").write_bytes(b.epub)


def test_command_reports_counts_per_cause_and_returns_0(tmp_path, capsys):
    b = build(RECORD_1973)
    _copy_build(b, tmp_path)
    assert audit_command(RECORD_1973, out=tmp_path) == 0
    out = capsys.readouterr().out
    assert "errata: these-those (wrong word)" in out and "generated: running head" in out
    assert "every difference is explained" in out


def test_command_prints_each_unexplained_difference_and_returns_1(tmp_path, capsys):
    b = build(RECORD_1973)
    block = _some_paragraph(b.final)
    _copy_build(b, tmp_path, pdf=write_pdf(without_block(b.final, block), b.ctx))
    assert audit_command(RECORD_1973, out=tmp_path) == 1
    out = capsys.readouterr().out
    assert "UNEXPLAINED" in out and f"source.txt:{block.line}" in out and "PDF page" in out


def test_command_without_a_build_says_to_build_first(tmp_path):
    with pytest.raises(PipelineError, match="build it first"):
        audit_command(RECORD_1973, out=tmp_path)
