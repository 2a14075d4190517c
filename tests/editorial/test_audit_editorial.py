"""The audit reads the Editorial note back from both built editions and checks it against the
errata (issue 14 §4): a deleted or altered row, a wrong page or paragraph, a wrong count, or a
template that silently drops a row each fail, naming the entry.

The record is the 1973 one with errata of every kind added (emendations in a paragraph, a
heading, a speaker's label and a note, a deletion, silent regularisations in two classes, a
supplied word, a sic, a reading kept). It is the audit's tuning material; records it was not
developed on are in test_audit_family.py.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.build import build_one
from pipeline.cli import main
from pipeline.context import TEMPLATES_DIR, Context
from pipeline.editorial.audit import audit_print, compare_epub
from pipeline.editorial.audit.pdf_text import pdf_lines
from pipeline.editorial.audit.report import AuditReport
from pipeline.editorial.audit.typography import rule_counts
from pipeline.inputs import read_inputs
from pipeline.model import Document
from pipeline.pipeline import prepare
from pipeline.stages.errata import Errata, parse_errata_file
from pipeline.stages.read import read_source
from pipeline.writers import pdf as pdf_writer
from pipeline.writers.shared import words_anchor
from tests.conftest import RECORD_1973

EVERY_KIND = """
[classes]
names = "Russian names are transliterated as in the Library of Congress tables."
spelling = "American spellings of the translation are made British."

[[fix]]
id = "podgorny"
kind = "regularise"
class = "names"
find = "Podgornyi"
replace = "Podgorny"

[[fix]]
id = "normalisation-1"
kind = "regularise"
class = "spelling"
find = "normalization of relations, contacts"
replace = "normalisation of relations, contacts"

[[fix]]
id = "normalisation-2"
kind = "regularise"
class = "spelling"
find = "normalization of diplomatic relations"
replace = "normalisation of diplomatic relations"

[[fix]]
id = "truly"
kind = "supply"
find = "Understanding must be mutual."
replace = "Understanding must be truly mutual."
reason = "a word lost in translation"

[[fix]]
id = "oceania"
kind = "sic"
find = "islands in the Oceania"
reading = "Oceania"
reason = "the translator's article, kept"

[[fix]]
id = "prefecture"
kind = "keep"
find = "Niigata prefecture"
reading = "prefecture"
reason = "lower case, as in the translation"
note = "Japanese usage would capitalise it."

[[fix]]
id = "k-tanaka"
find = "Tanaka. We agree to meet"
replace = "K. Tanaka. We agree to meet"
reason = "the speaker's initial, as in the header"

[[fix]]
id = "coal-comma"
find = "fisheries, gas, coal, and timber"
replace = "fisheries, gas, coal and timber"
reason = "punctuation"

[[fix]]
id = "exactly"
find = "We are used to exactly such talks"
replace = "We are used to such talks"
reason = "a word repeated from the sentence before"

[[fix]]
id = "session"
find = "Morning meeting (11:30"
replace = "Morning session (11:30"
reason = "as the evening's heading calls it"
"""


@dataclass(frozen=True)
class Edition:
    read: Document
    final: Document
    ctx: Context
    source_text: str
    errata: Errata
    pdf: bytes
    epub: bytes
    errata_json: bytes


def every_kind_folder(root: Path) -> Path:
    """The 1973 record with the errata above added to its own."""
    folder = root / "every-kind"
    shutil.copytree(RECORD_1973, folder)
    errata = (folder / "errata.toml").read_text(encoding="utf-8")
    # TOML: the top-level source_sha256 stays above the [classes] table, the table above the
    # record's own entries.
    head, _, fixes = errata.partition("[[fix]]")
    classes, _, extra = EVERY_KIND.partition("[[fix]]")
    text = f"{head}{classes}[[fix]]{fixes}\n[[fix]]{extra}"
    (folder / "errata.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Edition:
    folder = every_kind_folder(tmp_path_factory.mktemp("audit"))
    read, ctx = prepare(folder, typography=False)
    final, _ = prepare(folder)
    files = build_one(read_inputs(folder), ("pdf", "epub")).files
    errata = parse_errata_file((folder / "errata.toml").read_text(encoding="utf-8"))
    return Edition(
        read,
        final,
        ctx,
        read_source(ctx.source),
        errata,
        files[f"{ctx.id}.pdf"],
        files[f"{ctx.id}.epub"],
        files["errata.json"],
    )


def pdf_report(e: Edition, pdf: bytes | None = None) -> AuditReport:
    """The print edition's audit, of the built PDF or of a damaged copy."""
    return audit_print(
        e.final,
        e.pdf if pdf is None else pdf,
        e.source_text,
        errata=e.errata,
        counts=rule_counts(e.read),
    ).report


def epub_report(e: Edition, epub: bytes | None = None) -> AuditReport:
    return compare_epub(
        e.final,
        e.epub if epub is None else epub,
        e.source_text,
        errata=e.errata,
        counts=rule_counts(e.read),
    )


def whats(report: AuditReport) -> list[str]:
    return [p.what for p in report.problems]


def describe(report: AuditReport) -> str:
    return "\n".join(p.describe() for p in report.problems)


# --- the clean build -------------------------------------------------------------------------


def test_every_kind_of_entry_is_listed_where_the_errata_say_in_both_editions(edition):
    listed = [c for c in edition.final.corrections if c.kind != "regularise"]
    assert {c.kind for c in listed} == {"emend", "supply", "sic", "keep"}
    pdf = pdf_report(edition)
    # Long places ("the heading “Morning session (11:30–13:40)”") wrap in their column: none
    # is printed over the page or reading columns, which the audit would report.
    assert pdf.ok, describe(pdf)
    assert pdf.count("editorial note: row found as the errata say (PDF)") == len(listed)
    assert pdf.count("editorial note: page found where the entry's words are (PDF)") == len(listed)
    assert pdf.count("editorial note: regularisation class counted (PDF)") == 2
    assert pdf.count("generated: editorial note policy (PDF)") == 1
    epub = epub_report(edition)
    assert epub.ok, describe(epub)
    assert epub.count("editorial note: row found as the errata say (EPUB)") == len(listed)
    linked = epub.count("editorial note: link leads to the entry's words and back (EPUB)")
    labels = epub.count("editorial note: link leads to the entry's block (EPUB)")
    assert (linked, labels) == (len(listed) - 1, 1)  # the speaker's label has no words node


def test_the_policy_names_every_kind_with_its_count(edition):
    """The note's first sentence is true of the document: each kind used, counted, its pointer
    in brackets so that a list of three reads as three; errors marked [sic] and readings kept
    are said apart, since they leave the text as it was."""
    from collections import Counter

    from pipeline.writers.editorial import policy_paragraphs

    counts = Counter(c.kind for c in edition.final.corrections)
    first = policy_paragraphs(edition.final)[0]
    assert first == (
        f"The text is the source’s, except for {counts['emend']} emendations (listed below), "
        f"{counts['regularise']} silent regularisations (counted by class below) and "
        f"{counts['supply']} supplied word or phrase (listed below). Kept as the source has "
        f"them and listed below: {counts['sic']} error of the source (marked ⟨sic⟩) and "
        f"{counts['keep']} reading the editors considered."
    )
    # That both editions print it is the audit's check ("generated: editorial note policy").


def test_pages_are_where_the_words_are(edition):
    # 'podgorny' stands at the end of its paragraph: the page the audit finds is the page of
    # the word itself in this PDF, and errata.json gives the same.
    pages = [" ".join(line.text for line in page) for page in pdf_lines(edition.pdf)]
    word = next(n for n, text in enumerate(pages, start=1) if "Podgorny" in text)
    assert audit_print(edition.final, edition.pdf, edition.source_text).pages["podgorny"] == word
    rows = json.loads(edition.errata_json)["corrections"]
    assert next(r["page"] for r in rows if r["id"] == "podgorny") == word


# --- the print edition, broken in the template's output --------------------------------------


def rebuilt_pdf(e: Edition, monkeypatch, change: Callable[[str], str]) -> bytes:
    """The PDF laid out from the print HTML with `change` applied to it."""
    original = pdf_writer.print_html

    def broken(*args, **kwargs):
        html = original(*args, **kwargs)
        changed = change(html)
        assert changed != html, "the breakage did not apply"
        return changed

    monkeypatch.setattr(pdf_writer, "print_html", broken)
    return pdf_writer.write_pdf(e.final, e.ctx)


def in_row(entry: str, old: str, new: str) -> Callable[[str], str]:
    row = re.compile(rf'(<tr id="correction-{entry}">.*?)({re.escape(old)})(.*?</tr>)', re.S)
    return lambda html: row.sub(lambda m: m.group(1) + new + m.group(3), html, count=1)


def test_pdf_with_a_deleted_row_fails_naming_the_entry(edition, monkeypatch):
    row = re.compile(r'<tr id="correction-truly">.*?</tr>', re.S)
    report = pdf_report(edition, rebuilt_pdf(edition, monkeypatch, lambda h: row.sub("", h)))
    assert whats(report) == [
        "errata entry 'truly' (supply) is not listed in the editorial note (PDF)"
    ], describe(report)


@pytest.mark.parametrize(
    ("entry", "old", "new", "what"),
    [
        ("european", ">European<", ">Europaean<", "reading of this edition"),
        ("holland", ">Holand<", ">Holand.<", "reading of the source"),
        ("european", "¶\u00a035", "¶\u00a036", "place"),
        ("spheres", ">typo<", ">slip<", "reason"),
        ("prefecture", "capitalise it.", "capitalise it not.", "remark"),
    ],
)
def test_pdf_with_an_altered_cell_fails_naming_the_entry_and_the_cell(
    edition, monkeypatch, entry, old, new, what
):
    report = pdf_report(edition, rebuilt_pdf(edition, monkeypatch, in_row(entry, old, new)))
    assert whats(report) == [
        f"errata entry {entry!r}: the editorial note prints another {what} (PDF)"
    ], describe(report)


def test_pdf_with_a_wrong_page_fails_with_the_page_of_the_words(edition, monkeypatch):
    found = audit_print(edition.final, edition.pdf, edition.source_text, errata=edition.errata)
    assert found.pages["european"] != found.pages["spheres"]
    # The page column points at the entry's words; point it at another entry's.
    broken = in_row(
        "european", f'href="#{words_anchor("european")}"', f'href="#{words_anchor("spheres")}"'
    )
    report = pdf_report(edition, rebuilt_pdf(edition, monkeypatch, broken))
    assert whats(report) == ["errata entry 'european': the editorial note gives another page (PDF)"]
    (problem,) = report.problems
    assert problem.expected == f"page {found.pages['european']}"
    assert problem.found == f"page {found.pages['spheres']}"


def test_pdf_with_a_wrong_rule_count_fails(edition, monkeypatch):
    counts = rule_counts(edition.read)
    wrong = f"({counts['initials-no-break'] + 1} times)"

    def broken(html):
        return html.replace(f"({counts['initials-no-break']} times)", wrong, 1)

    report = pdf_report(edition, rebuilt_pdf(edition, monkeypatch, broken))
    assert whats(report) == [
        "the editorial note's policy gives a wrong count for “initials stay on the line of the"
        " surname they belong to” (PDF)"
    ], describe(report)


def test_pdf_with_a_wrong_regularisation_count_fails(edition, monkeypatch):
    cell = re.compile(r'(<tr><td>spelling</td>.*?<td class="count">)2(</td>)', re.S)

    def broken(html):
        return cell.sub(r"\g<1>3\2", html)

    report = pdf_report(edition, rebuilt_pdf(edition, monkeypatch, broken))
    assert whats(report) == [
        "regularisation class 'spelling': the editorial note prints another count (PDF)"
    ], describe(report)


def test_pdf_with_a_row_no_entry_made_fails(edition, monkeypatch):
    row = re.compile(r'(<tr id="correction-european">.*?</tr>)', re.S)

    def extra(html):
        return row.sub(lambda m: m.group(1) + m.group(1).replace("correction-european", "x"), html)

    report = pdf_report(edition, rebuilt_pdf(edition, monkeypatch, extra))
    assert whats(report) == ["a row in the editorial note that no errata entry made (PDF)"]


def test_pdf_from_a_template_that_silently_drops_a_row_fails(
    edition, monkeypatch, tmp_path, request
):
    # The template's loop drops each list's last row: nothing in the writer notices.
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    template = templates / "print-document.html.j2"
    text = template.read_text(encoding="utf-8")
    assert "{%- for row in section.rows %}" in text
    template.write_text(
        text.replace("{%- for row in section.rows %}", "{%- for row in section.rows[:-1] %}"),
        encoding="utf-8",
    )
    monkeypatch.setattr(pdf_writer, "TEMPLATES_DIR", templates)
    # The writer compiles its template once per process: make it read the broken copy, and
    # the real one again afterwards.
    pdf_writer.environment.cache_clear()
    request.addfinalizer(pdf_writer.environment.cache_clear)
    report = pdf_report(edition, pdf_writer.write_pdf(edition.final, edition.ctx))
    lists = [c for c in edition.final.corrections if c.kind != "regularise"]
    last = {kind: [c.id for c in lists if c.kind == kind][-1] for kind in {c.kind for c in lists}}
    assert sorted(whats(report)) == sorted(
        f"errata entry {entry!r} ({kind}) is not listed in the editorial note (PDF)"
        for kind, entry in last.items()
    ), describe(report)


# --- the ebook, broken in the built file -------------------------------------------------------


def rewrite_epub(data: bytes, name: str, change: Callable[[str], str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith("/" + name):
                changed = change(content.decode("utf-8"))
                assert changed != content.decode("utf-8"), "the breakage did not apply"
                content = changed.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def test_epub_with_a_deleted_row_fails_naming_the_entry(edition):
    row = re.compile(r'<tr id="correction-oceania">.*?</tr>', re.S)
    epub = rewrite_epub(edition.epub, "editorial.xhtml", lambda t: row.sub("", t))
    report = epub_report(edition, epub)
    # Its words are still marked in the text: no row leads to them any more.
    assert whats(report) == [
        "errata entry 'oceania' (sic) is not listed in the editorial note (EPUB)",
        "words marked as an errata entry's that no row of the editorial note leads to (EPUB)",
    ], describe(report)


@pytest.mark.parametrize(
    ("entry", "old", "new", "what"),
    [
        ("these-those", ">those</td>", ">these</td>", "reading of this edition"),
        ("european", ">Europen</td>", ">European</td>", "reading of the source"),
        ("these-those", ">¶\u00a010<", ">¶\u00a011<", "place"),
        ("these-those", "already named.", "named.", "remark"),
    ],
)
def test_epub_with_an_altered_cell_fails_naming_the_entry_and_the_cell(
    edition, entry, old, new, what
):
    epub = rewrite_epub(edition.epub, "editorial.xhtml", in_row(entry, old, new))
    report = epub_report(edition, epub)
    assert whats(report) == [
        f"errata entry {entry!r}: the editorial note prints another {what} (EPUB)"
    ], describe(report)


def test_epub_row_linking_to_other_words_fails(edition):
    broken = in_row("european", "#emendation-european", "#emendation-holland")
    report = epub_report(edition, rewrite_epub(edition.epub, "editorial.xhtml", broken))
    assert "errata entry 'european': its row's link leads to other words (EPUB)" in whats(report)


def test_epub_words_linking_back_to_another_row_fails(edition):
    def broken(text: str) -> str:
        return text.replace(
            'href="editorial.xhtml#correction-european"',
            'href="editorial.xhtml#correction-holland"',
        )

    chapter = next(
        name
        for name in zipfile.ZipFile(io.BytesIO(edition.epub)).namelist()
        if b"correction-european" in zipfile.ZipFile(io.BytesIO(edition.epub)).read(name)
        and "chapter" in name
    )
    report = epub_report(edition, rewrite_epub(edition.epub, Path(chapter).name, broken))
    assert whats(report) == ["errata entry 'european': its words link back elsewhere (EPUB)"]


def test_epub_with_a_wrong_kind_count_fails(edition):
    def broken(t):
        return t.replace("14 emendations", "13 emendations", 1)

    report = epub_report(edition, rewrite_epub(edition.epub, "editorial.xhtml", broken))
    assert whats(report) == [
        "the editorial note's policy gives a wrong count of emendations (EPUB)"
    ], describe(report)


def test_a_row_running_over_to_a_left_page_without_its_head_is_read_whole():
    # Seen with a 1,000-word reading: the row ran from a right page onto a left page (other
    # margins) where WeasyPrint repeated no head; the columns are offsets from each page's
    # margin, and a line with an empty first column continues the row.
    from pipeline.editorial.audit.pdf import CORRECTION_COLUMNS, _rows
    from pipeline.editorial.audit.pdf_text import BoxLine, BoxWord

    def line(page: int, top: float, *cells: tuple[float, str]) -> BoxLine:
        words = []
        for left, text in cells:
            for k, word in enumerate(text.split()):
                words.append(BoxWord(word, page, left + 20 * k, top, left + 20 * k + 15, top + 9))
        return BoxLine(page, tuple(words))

    right, left = 90.0, 80.0  # each page's margin
    columns = [0, 30, 60, 200, 260]
    head = line(9, 100, *zip([right + c for c in columns], CORRECTION_COLUMNS, strict=True))
    lines = [
        head,
        line(9, 118, (right, "note"), (right + 30, "7"), (right + 60, "one"), (right + 260, "why")),
        line(9, 129.5, (right + 60, "two")),
        line(10, 60, (left + 60, "three")),
        line(10, 71.5, (left + 60, "four"), (left + 200, "was")),
        line(10, 89, (left, "¶ 2"), (left + 30, "10"), (left + 60, "five"), (left + 260, "typo")),
    ]
    rows = _rows(lines, CORRECTION_COLUMNS, True, {9: right, 10: left})
    assert rows == [
        [["note"], ["7"], ["one", "two", "three", "four"], ["was"], ["why"]],
        [["¶ 2"], ["10"], ["five"], [], ["typo"]],
    ]


def test_an_entry_at_the_end_of_a_paragraph_running_over_a_page_is_given_its_words_page(
    tmp_path, capsys
):
    # ¶ 13 of the 1973 record starts on page 2 and ends on page 3 (A4): an entry in its last
    # words is on page 3, which the editorial note must say.
    folder = tmp_path / "spans"
    shutil.copytree(RECORD_1973, folder)
    with (folder / "errata.toml").open("a", encoding="utf-8") as errata:
        errata.write(
            '\n[[fix]]\nid = "science-and-technology"\n'
            'find = "great successes in science and technology"\n'
            'replace = "great successes in science and in technology"\n'
            'reason = "a word the translation lost"\n'
        )
    out = tmp_path / "out"
    assert main(["build", str(folder), "--to", "pdf", "--to", "epub", "--out", str(out)]) == 0
    capsys.readouterr()
    status = main(["audit", str(folder), "--out", str(out)])
    report = capsys.readouterr().out
    assert "errata entry 'science-and-technology': the editorial note gives another page" not in (
        report
    )
    assert status == 0, report
