"""Letter case (issue 14 §4): small capitals must not make the audit blind to a label printed
"L.I. BREZHNEV" or "l.i. brezhnev". Case is compared exactly, except where the print style sets
all-small-caps and the PDF's own text map shows the case otherwise (caps.py)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

import pytest
import weasyprint

from pipeline.editorial.audit import compare_epub, compare_pdf
from pipeline.editorial.audit import pdf as audit_pdf_module
from pipeline.editorial.audit.caps import (
    PRINT_CSS,
    calibrate,
    print_nested_caps,
    print_small_caps,
    small_capitals,
    small_caps_classes,
)
from pipeline.editorial.audit.pdf_text import pdf_lines
from pipeline.editorial.audit.words import Word
from pipeline.model import Document, Turn
from pipeline.writers import pdf as pdf_writer
from tests.conftest import RECORD_1973
from tests.editorial.conftest import built_once


def record() -> tuple[Document, object]:
    built = built_once(RECORD_1973)
    return built.final, built.ctx


def record_epub() -> bytes:
    return built_once(RECORD_1973).epub


def record_pdf() -> bytes:
    return built_once(RECORD_1973).pdf


def with_label(doc: Document, old: str, new: str, which: int = 3) -> tuple[Document, Turn]:
    """`doc` with the `which`-th turn labelled `old` relabelled `new`."""
    turns = [b for s in doc.sessions for b in s.blocks if isinstance(b, Turn) and b.label == old]
    target = turns[which]
    sessions = tuple(
        replace(
            s,
            blocks=tuple(replace(b, label=new) if b is target else b for b in s.blocks),
        )
        for s in doc.sessions
    )
    return replace(doc, sessions=sessions), target


def test_the_print_style_sets_labels_in_small_caps_and_their_capitals_in_all_small_caps():
    # print.css: a label is set in small-caps; a label written in capitals has all but each
    # word's first letter in a span set in all-small-caps, so both look alike.
    kinds = print_small_caps()
    assert {kinds.get(c) for c in ("speaker", "field-caption")} == {"small-caps"}
    assert kinds.get("capitals") == kinds.get("subheading") == "all-small-caps"
    assert print_nested_caps() == {"speaker"}


def test_small_capitals_are_the_letters_drawn_with_their_glyphs():
    assert small_capitals("Brezhnev.", "small-caps", True) == [False] + [True] * 7 + [False]
    # A word in capitals under a nested all-small-caps span: all but its first letter.
    assert small_capitals("JAGIELSKI.", "small-caps", True) == [False] + [True] * 8 + [False]
    assert small_capitals("JAGIELSKI.", "small-caps", False) == [False] * 10
    assert small_capitals("L.I.", "all-small-caps", False) == [True, False, True, False]


def test_small_caps_classes_read_the_last_declaration_of_each_class():
    css = """
    /* .commented { font-variant-caps: small-caps } */
    .speaker { font-variant-caps: all-small-caps; letter-spacing: 0.04em }
    h3.subheading, .caption { font-variant: small-caps }
    .caption { font-variant-caps: normal }
    .footnote::footnote-call { font-variant-caps: small-caps }
    """
    assert small_caps_classes(css) == {"speaker": "all-small-caps", "subheading": "small-caps"}


def test_a_label_in_capitals_prints_as_the_label_it_stands_for():
    # By design (print.css, .speaker .capitals), "L.I. BREZHNEV" is set like "L.I. Brezhnev":
    # the same glyphs, so the same text map. The PDF cannot show the difference, the EPUB does
    # (test_a_label_printed_in_another_case_fails_in_the_epub).
    doc, ctx = record()
    damaged, _ = with_label(doc, "L.I. Brezhnev", "L.I. BREZHNEV")
    printed = [ln.text for page in pdf_lines(pdf_writer.write_pdf(damaged, ctx)) for ln in page]
    assert printed == [ln.text for page in pdf_lines(record_pdf()) for ln in page]


@pytest.mark.parametrize("label", ["l.i. brezhnev", "L.i. Brezhnev", "L.I. BREzhnev"])
def test_a_label_printed_in_another_case_fails_in_the_pdf(label):
    doc, ctx = record()
    damaged, turn = with_label(doc, "L.I. Brezhnev", label)
    report = compare_pdf(doc, pdf_writer.write_pdf(damaged, ctx))
    assert report.problems, "the changed label passed"
    assert {p.what for p in report.problems} == {"letter case changed in the PDF"}
    assert all(p.source == f"source.txt:{turn.line}" for p in report.problems)
    found = " ".join(p.found for p in report.problems)
    assert any(word in found for word in label.split() if word not in ("L.I.",))


@pytest.mark.parametrize("label", ["L.I. BREZHNEV", "l.i. brezhnev"])
def test_a_label_printed_in_another_case_fails_in_the_epub(label):
    doc, _ = record()
    epub = record_epub()
    out = io.BytesIO()
    changed = False
    with zipfile.ZipFile(io.BytesIO(epub)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if "chapter-01" in info.filename:
                text = content.decode("utf-8")
                new = re.sub(
                    r'<span class="speaker">L\.I\. Brezhnev\.</span>',
                    f'<span class="speaker">{label}.</span>',
                    text,
                    count=1,
                )
                changed = new != text
                content = new.encode("utf-8")
            target.writestr(info, content)
    assert changed
    report = compare_epub(doc, out.getvalue())
    printed = f"{label}.".split()
    changed_words = [
        new for new, old in zip(printed, ["L.I.", "Brezhnev."], strict=True) if new != old
    ]
    assert [(p.what, p.found) for p in report.problems] == [
        ("letter case changed in the EPUB", word) for word in changed_words
    ]


def test_all_small_caps_is_allowed_the_case_its_text_map_shows_and_nothing_else(monkeypatch):
    # With labels in all-small-caps, WeasyPrint's text map gives "L" and "l" one character:
    # the extraction reads "l.I. Brezhnev", "tanaka." (README, Traps). Read with the style's
    # own kinds, the audit allows exactly that; read as small-caps, it would not.
    doc, ctx = record()
    extra = ".speaker { font-variant-caps: all-small-caps }"
    original = pdf_writer.stylesheets

    def with_all_small_caps(page_css, fetcher, fonts):
        return [*original(page_css, fetcher, fonts), weasyprint.CSS(string=extra)]

    monkeypatch.setattr(pdf_writer, "stylesheets", with_all_small_caps)
    data = pdf_writer.write_pdf(doc, ctx)
    strict = compare_pdf(doc, data)
    assert strict.problems and {p.what for p in strict.problems} == {
        "letter case changed in the PDF"
    }
    kinds = small_caps_classes(PRINT_CSS.read_text(encoding="utf-8") + extra)
    monkeypatch.setattr(audit_pdf_module, "print_small_caps", lambda: kinds)
    monkeypatch.setattr(audit_pdf_module, "print_nested_caps", frozenset)
    report = compare_pdf(doc, data)
    assert report.ok, [p.describe() for p in report.problems]
    assert report.count("all small capitals (letter case as the PDF's text map shows it)") > 0


def test_the_text_map_is_learnt_from_the_document_so_one_odd_word_still_fails():
    kinds = {"speaker": "all-small-caps"}
    word = lambda text, caps="speaker": Word(text, "here", caps=caps)  # noqa: E731
    pairs = [(word("L.I."), word("l.I.")), (word("Brezhnev."), word("Brezhnev."))] * 20
    tolerance = calibrate(kinds, [*pairs, (word("Brezhnev."), word("BREZHNEV."))])
    assert tolerance.allows(word("L.I."), word("l.I."))  # the map's own "l"
    assert not tolerance.allows(word("Brezhnev."), word("BREZHNEV."))  # against the map
    assert not tolerance.allows(word("Brezhnev.", ""), word("brezhnev."))  # not small caps
    # Under small-caps alone lower case has its own glyphs: nothing is allowed.
    exact = calibrate({"speaker": "small-caps"}, pairs)
    assert not exact.allows(word("L.I."), word("l.I."))
