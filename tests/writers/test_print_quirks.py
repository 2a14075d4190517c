"""Issue 9's quirks of the print page, each on a small fixture built with model constructors and
checked on a real layout (WeasyPrint's box tree, the lines as the PDF draws them):

- two note calls side by side print set apart (and the PDF's text keeps them as the source does);
- a name of a speaker or participant is never hyphenated, a compound only at its own hyphen,
  while ordinary long words still are (so the test can fail);
- a label in capitals is set in small capitals like the others;
- the first paragraph after a heading, a subheading or an omission is set full out, every
  other paragraph indented (the `p + h3 + p` specificity slip);
- the title's lines are balanced, and a subtitle that only repeats the date line is left out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from weasyprint.formatting_structure import boxes

from benchmarks.print_quality import HYPHEN, breaks, flow_lines
from pipeline.context import Context, Settings
from pipeline.model import (
    Document,
    Field,
    Header,
    Meta,
    Note,
    Omission,
    Paragraph,
    Session,
    Subheading,
    Turn,
)
from pipeline.writers.pdf import layout_print, write_pdf

CTX = Context(id="quirks", source=Path("quirks.txt"), settings=Settings())


def document(
    blocks: tuple, notes: tuple = (), dateline: tuple = (), header: tuple = (), **meta: object
) -> Document:
    base = {"id": "quirks", "title": "Record of Test Talks", "language": "en-GB"}
    base.update(meta)
    return Document(
        meta=Meta(**base),  # type: ignore[arg-type]
        header=Header(title=(), dateline=dateline, blocks=header),
        sessions=(Session(heading=(), blocks=blocks, id="s1"),),
        notes=notes,
    )


def laid_out(doc: Document):  # type: ignore[no-untyped-def]
    return layout_print(doc, CTX).rendered


def walk(box: boxes.Box):  # type: ignore[no-untyped-def]
    yield box
    for child in getattr(box, "children", ()):
        yield from walk(child)


def page_boxes(rendered):  # type: ignore[no-untyped-def]
    for page in rendered.pages:
        for child in page._page_box.children:
            if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
                yield from walk(child)


# --- two calls side by side ----------------------------------------------------------------


@pytest.fixture(scope="module")
def side_by_side(docs: SimpleNamespace):  # type: ignore[no-untyped-def]
    text = docs.text
    doc = document(
        (Paragraph(text(docs.sentences(0, 6)), id="p1"),),
        notes=(
            Note(1, (text("The source note."),), id="fn1"),
            Note(2, (text("The summary note."),), id="fn2"),
        ),
        dateline=text("New York, December 21, 1974", 1, 2),
    )
    rendered = laid_out(doc)
    return doc, rendered


def test_two_calls_side_by_side_are_set_apart(side_by_side) -> None:  # type: ignore[no-untyped-def]
    _, rendered = side_by_side
    calls = [
        box
        for box in page_boxes(rendered)
        if isinstance(box, boxes.InlineBox) and (box.element_tag or "").endswith("::footnote-call")
    ]
    first, second = calls[:2]
    gap = second.position_x - (first.position_x + first.margin_width())
    # The second call opens with room for the comma print.css draws there …
    assert second.padding_left > 0.05 * second.style["font_size"]
    assert gap + second.padding_left > 0.05 * second.style["font_size"]
    assert second.style["background_image"][0][0] == "url"
    # … and the first call has none: only a call that follows a call is set apart.
    assert first.padding_left == 0


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_text_of_two_calls_is_the_sources(side_by_side) -> None:  # type: ignore[no-untyped-def]
    # The separating comma is drawn, not typed, and narrower than the gap at which poppler
    # splits words (0.1 em): the audit still reads the calls as the source has them.
    doc, rendered = side_by_side
    pdf = write_pdf(doc, CTX, rendered)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "197412" in text.replace(" ", "") and re.search(r"197412(\s|$)", text), text[:300]


# --- names and compounds -------------------------------------------------------------------

NAME = "Dobryninovsky"  # a speaker: never to be divided
PLACE = "Vladivostokian"  # a capitalised word inside sentences: a proper name by its shape
COMPOUND = "Soviet-Japanese-American"


@pytest.fixture(scope="module")
def names(docs: SimpleNamespace):  # type: ignore[no-untyped-def]
    text, sentences = docs.text, docs.sentences
    blocks = []
    for i in range(40):
        words = sentences(i, 3).split()
        # The name, the place and the compound at a different point of every paragraph, so
        # that many of them come to a line end.
        words.insert(3 + i % 9, f"{PLACE}")
        words.insert(7 + i % 11, COMPOUND)
        blocks.append(Turn(NAME, NAME, text(" ".join(words)), id=f"p{i}"))
    doc = document(tuple(blocks))
    return flow_lines(laid_out(doc))


def test_ordinary_long_words_are_still_hyphenated(names) -> None:  # type: ignore[no-untyped-def]
    assert any(line.text.endswith(HYPHEN) for line in names)


def test_a_speakers_name_and_a_proper_name_are_never_divided(names) -> None:  # type: ignore[no-untyped-def]
    broken = [b.word for b in breaks(names)]
    assert broken
    assert not [w for w in broken if NAME in w or PLACE in w or w in NAME or w in PLACE]


def test_a_compound_breaks_only_at_its_own_hyphen(names) -> None:  # type: ignore[no-untyped-def]
    hyphenated = [b.word for b in breaks(names) if "-" in b.word]
    assert hyphenated == []
    # It does break, where it may: after one of its own hyphens.
    ends = [line.text.split()[-1] for line in names if line.text.split()]
    assert any(end.endswith("-") and end.rstrip("-") in COMPOUND for end in ends)


# --- labels in capitals --------------------------------------------------------------------


def test_a_label_in_capitals_is_set_in_small_capitals(docs: SimpleNamespace) -> None:
    text = docs.text
    doc = document(
        (
            Turn("SENATOR PERCY", "Percy", text(docs.sentences(0, 2)), ":", id="p1"),
            Turn("Gierek", "Gierek", text(docs.sentences(1, 2)), id="p2"),
        )
    )
    styles = {
        box.text: box.style["font_variant_caps"]
        for box in page_boxes(laid_out(doc))
        if isinstance(box, boxes.TextBox)
    }
    # Each word's capital stays full size, the rest is set as small capitals, like "Gierek".
    assert styles["ENATOR"] == styles["ERCY"] == "all-small-caps"
    assert styles["S"] == styles["Gierek."] == "small-caps"


# --- indents -------------------------------------------------------------------------------


def test_first_paragraph_after_any_heading_is_set_full_out(docs: SimpleNamespace) -> None:
    text, sentences = docs.text, docs.sentences
    doc = document(
        (
            Paragraph(text(sentences(0, 3)), id="after-heading"),
            Paragraph(text(sentences(1, 3)), id="second"),
            Subheading(text("II. Economic Questions"), id="sub"),
            Paragraph(text(sentences(2, 3)), id="after-subheading"),
            Turn("Tanaka", "Tanaka", text(sentences(3, 3)), id="turn"),
            Omission(text("[…]"), id="cut"),
            Paragraph(text(sentences(4, 3)), id="after-omission"),
        )
    )
    doc = replace(doc, sessions=(replace(doc.sessions[0], heading=text("Morning meeting")),))
    indents = {
        box.element.get("id"): box.style["text_indent"].value
        for box in page_boxes(laid_out(doc))
        if isinstance(box, boxes.BlockBox) and box.element is not None and box.element.get("id")
    }
    assert indents["after-heading"] == indents["after-subheading"] == 0
    assert indents["after-omission"] == 0
    assert indents["second"] == indents["turn"] > 0


# --- the title block -----------------------------------------------------------------------


def test_a_long_title_leaves_no_word_alone_on_its_last_line(docs: SimpleNamespace) -> None:
    doc = document(
        (Paragraph(docs.text(docs.sentences(0, 2)), id="p1"),),
        title="Memorandum of Conversation: Kissinger and Tack",
    )
    lines = [
        line.text for line in flow_lines(laid_out(doc)) if line.block_id == "title" or not line.body
    ]
    assert lines[:2] == ["Memorandum of Conversation:", "Kissinger and Tack"]


def test_a_subtitle_that_repeats_the_date_line_is_left_out(docs: SimpleNamespace) -> None:
    text = docs.text
    blocks = (Paragraph(text(docs.sentences(0, 2)), id="p1"),)
    dateline = text("Washington, April 23, 1974")
    repeated = document(blocks, dateline=dateline, subtitle="Washington, 23 April 1974")
    own = document(blocks, dateline=dateline, subtitle="Kissinger and Tack in Washington")
    texts = {
        name: " ".join(line.text for line in flow_lines(laid_out(doc))[:4])
        for name, doc in (("repeated", repeated), ("own", own))
    }
    assert "23 April" not in texts["repeated"] and "April 23, 1974" in texts["repeated"]
    assert "Kissinger and Tack in Washington" in texts["own"]


def test_the_header_fields_print_with_their_labels(docs: SimpleNamespace) -> None:
    text = docs.text
    doc = document(
        (Paragraph(text(docs.sentences(0, 2)), id="p1"),),
        header=(Field("Subject", text("Fisheries"), ":", id="h1"),),
    )
    first = [line.text for line in flow_lines(laid_out(doc))]
    assert "Subject: Fisheries" in first
