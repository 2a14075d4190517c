"""Turn the print edition's layout into where each PDF page begins in the text.

A `PageStart(page, block_id, offset)` says: PDF page `page` (1-based) begins in the element whose
HTML id is `block_id` (a body block, a header field, a note, or a session heading, whose id is
`session.id`), at character `offset` of that element's visible text:

- a block: `pipeline.model.block_text(block)`;
- a session heading: `inline_text(session.heading)`;
- a note: its paragraphs' `inline_text`, joined by one space (only endnotes can begin a page:
  footnotes sit in the footnote area, which never does).

Page 1 begins at the title block (`"title"`, 0). A page that begins in back matter with no model
block behind it (the "Notes" or "Editorial note" heading, the corrections table) points at that
section's id (`"endnotes"`, `"editorial-note"`) with offset 0.

The answer is read from WeasyPrint's box tree: the first text box of the page's body (not the
running heads, not the footnote area, not note calls), aligned with the element's text. When
WeasyPrint hyphenated a word across the page break (it inserts U+2010), the page start points at
the beginning of that word, so a reader following the page list lands on a whole word.

The EPUB's page list imports this; pass the layout from `pdf.render_print` to share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure import boxes

from pipeline.context import Context
from pipeline.model import Document, Note, block_text, inline_text
from pipeline.writers.pdf import note_id, render_print

HYPHEN = "\u2010"
TITLE_ID = "title"
BACK_MATTER_IDS = ("endnotes", "editorial-note")

# Boxes whose text is not the element's own words: note calls and numbers added by the layout.
_SKIPPED_CLASSES = frozenset({"noteref", "noteref-plain", "endnote-number"})


@dataclass(frozen=True, slots=True)
class PageStart:
    """PDF page `page` begins at character `offset` of the visible text of element `block_id`."""

    page: int
    block_id: str
    offset: int


def note_text(note: Note) -> str:
    """A note's visible text, as page starts count it."""
    return " ".join(inline_text(paragraph) for paragraph in note.paragraphs)


def element_texts(doc: Document) -> dict[str, str]:
    """Every element a page may begin in, by HTML id, with the text its offsets count in."""
    texts: dict[str, str] = {TITLE_ID: ""}
    for block in doc.header.blocks:
        if block.id:
            texts[block.id] = block_text(block)
    for session in doc.sessions:
        if session.id and session.heading:
            texts[session.id] = inline_text(session.heading)
        for block in session.blocks:
            if block.id:
                texts[block.id] = block_text(block)
    for note in doc.notes:
        texts[note_id(note)] = note_text(note)
    for section in BACK_MATTER_IDS:
        texts.setdefault(section, "")
    return texts


def _skipped(box: boxes.Box) -> bool:
    tag = box.element_tag or ""
    if tag.endswith(("::footnote-call", "::footnote-marker", "::marker")):
        return True
    element = box.element
    if element is None:
        return False
    return not _SKIPPED_CLASSES.isdisjoint((element.get("class") or "").split())


def _text_boxes(
    box: boxes.Box, owner: str | None, ids: dict[str, str]
) -> Iterator[tuple[str, str]]:
    """(owner id, text) of every text box under `box`, in reading order."""
    if _skipped(box):
        return
    element = box.element
    if element is not None and not (box.element_tag or "").count("::"):
        element_id = element.get("id")
        if element_id in ids:
            owner = element_id
    if isinstance(box, boxes.TextBox):
        if owner is not None:
            yield owner, box.text
        return
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, owner, ids)


def _body_boxes(page: weasyprint.document.Page, ids: dict[str, str]) -> Iterator[tuple[str, str]]:
    for child in page._page_box.children:
        # Running heads and folios live in margin boxes, notes in the footnote area.
        if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue
        yield from _text_boxes(child, None, ids)


def page_starts_from_layout(
    doc: Document, rendered: weasyprint.document.Document
) -> tuple[PageStart, ...]:
    """The page starts of an existing layout (see the module docstring)."""
    texts = element_texts(doc)
    cursors: dict[str, int] = {}
    hyphenated: dict[str, bool] = {}
    starts: list[PageStart] = []
    for number, page in enumerate(rendered.pages, start=1):
        first: PageStart | None = PageStart(1, TITLE_ID, 0) if number == 1 else None
        for owner, box_text in _body_boxes(page, texts):
            text = texts[owner]
            words = box_text.strip()
            inserted_hyphen = words.endswith(HYPHEN) and HYPHEN not in text
            words = words.removesuffix(HYPHEN) if inserted_hyphen else words
            if not words:
                continue
            cursor = cursors.get(owner, 0)
            found = text.find(words, cursor)
            offset = found if found >= 0 else cursor
            if first is None:
                start = offset
                if hyphenated.get(owner):
                    # The page opens with the end of a word hyphenated on the page before.
                    while start > 0 and not text[start - 1].isspace():
                        start -= 1
                first = PageStart(number, owner, start)
            cursors[owner] = offset + len(words)
            hyphenated[owner] = inserted_hyphen
        if first is not None:
            starts.append(first)
    return tuple(starts)


def print_page_starts(
    doc: Document, ctx: Context, rendered: weasyprint.document.Document | None = None
) -> tuple[PageStart, ...]:
    """Where each page of the print edition begins; lays the document out unless given
    `rendered` from `pdf.render_print(doc, ctx)`."""
    if rendered is None:
        rendered = render_print(doc, ctx)
    return page_starts_from_layout(doc, rendered)
