"""Turn a Document into the print edition: a typeset PDF, laid out once by WeasyPrint.

`render_print` builds the HTML (templates/print.html.j2, styles/print.css), lays it out and checks
the layout; `write_pdf` writes the PDF from that layout, and `pagemap.print_page_starts` reads the
same layout, so the PDF and the EPUB's page list can share one render.

The layout check exists because WeasyPrint never splits a footnote: a note that does not fit moves
whole to a later page, and one taller than the footnote area is clipped without a warning
(NOTES.md, "Footnotes"). After layout every note body must stand on its call's page, inside the
page. If one does not, `ctx.settings.long_notes` decides: "fail" raises a PipelineError naming the
note and the page; "endnotes" lays the document out again with that note in a "Notes" section at
the end (its call still a superscript, now a link), and checks again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version

import weasyprint
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration

from pipeline.context import PAPER_SIZES, STYLES_DIR, TEMPLATES_DIR, Context
from pipeline.errors import PipelineError
from pipeline.model import (
    Correction,
    Document,
    Inlines,
    Intervention,
    Note,
    Session,
    inline_text,
    note_refs,
)
from pipeline.writers.editorial import (
    NO_CORRECTIONS,
    apparatus,
    correction_place,
    shown_reading,
)
from pipeline.writers.fetcher import StylesFetcher
from pipeline.writers.html import NoteCall, editors_marks, render_block, render_inlines

LOGGER = logging.getLogger(__name__)

PRINT_CSS = STYLES_DIR / "print.css"
TEMPLATE = "print.html.j2"
GENERATOR = "edition pipeline (WeasyPrint {})".format(version("weasyprint"))

# Layout coordinates are floats; a note flush with the page bottom must not count as clipped.
_TOLERANCE = 0.5


# --- the HTML --------------------------------------------------------------------------------


def note_id(note: Note) -> str:
    """The HTML id of a note body (footnote or endnote): the model's id, else its number."""
    return note.id or f"note-{note.number}"


def note_call_id(note: Note) -> str:
    return f"{note_id(note)}-call"


def session_label(session: Session) -> str:
    """A session heading as plain words, for the outline and the running head.

    The heading normally carries its hours ("Morning meeting (11:30–13:40)"); if the parser has
    taken them out into `time`, they are put back so the reader still sees them.
    """
    label = inline_text(session.heading).strip()
    time = session.time
    if label and time and time.start and time.start not in label:
        hours = f"{time.start}\u2013{time.end}" if time.end else time.start
        label = f"{label} ({hours})"
    return label


def words_anchor(correction_id: str) -> str:
    """The id of an errata entry's words in the print edition: the editorial note's page column
    points there, not at the block, whose first page may be another (issue 14 §4)."""
    return "words-" + re.sub(r"[^A-Za-z0-9_.-]", "-", correction_id)


class _Anchors:
    """Prints an entry's words with their anchor, and remembers which entries it printed: the
    words of one the edition does not print (the source's title line, replaced by the
    edition's title; a heading whose hours were put back) have no anchor to point at."""

    def __init__(self) -> None:
        self.printed: set[str] = set()

    def __call__(self, node: Intervention, words: Markup) -> Markup:
        self.printed.add(node.correction)
        return Markup('<span id="{}">{}</span>').format(
            words_anchor(node.correction), editors_marks(node, words)
        )


def _note_calls(doc: Document, lang: str, endnotes: frozenset[int], anchored: _Anchors) -> NoteCall:
    """How a note call prints: the whole note floated to the page foot, or a link to an endnote."""
    notes = {note.number: note for note in doc.notes}
    placed: set[int] = set()

    def note_body(note: Note) -> Markup:
        paragraphs = [render_inlines(p, plain_call, anchored) for p in note.paragraphs]
        # A float:footnote box takes block children: later paragraphs start a new line.
        rest = Markup("").join(
            Markup('<span class="note-paragraph">{}</span>').format(p) for p in paragraphs[1:]
        )
        return (paragraphs[0] if paragraphs else Markup("")) + rest

    def plain_call(number: int) -> Markup:
        return Markup('<span class="noteref-plain">{}</span>').format(number)

    def call(number: int) -> Markup:
        note = notes.get(number)
        if note is None:
            LOGGER.warning("note %d is called but has no text; printing the bare call", number)
            return plain_call(number)
        if number in placed:
            # A note printed twice would be numbered twice; later calls only point at it.
            return plain_call(number)
        placed.add(number)
        if number in endnotes:
            return Markup('<a class="noteref" id="{}" href="#{}">{}</a>').format(
                note_call_id(note), note_id(note), number
            )
        return Markup(
            '<span class="footnote" id="{}" data-n="{}" lang="{}"><span class="note-text">{}</span>'
            "</span>"
        ).format(note_id(note), number, lang, note_body(note))

    return call


def _heading_markup(content: Inlines, label: str, call: NoteCall, anchored: _Anchors) -> Markup:
    if label != inline_text(content).strip():
        # Hours restored by session_label: keep the heading's own note calls after them. (The
        # heading is not rendered first: that would place its notes in markup thrown away.)
        return escape(label) + Markup("").join(call(n) for n in note_refs(content))
    return render_inlines(content, call, anchored)


def _title_markup(doc: Document, title: str, call: NoteCall) -> Markup:
    # The edition's title is the metadata's; a note the source hung on its own title line must
    # still be printed, so its call follows the title.
    calls = Markup("").join(call(n) for n in note_refs(doc.header.title))
    return escape(title) + calls


def _editorial_note(
    doc: Document, known_ids: frozenset[str], anchored: frozenset[str]
) -> dict[str, object]:
    """The editorial note's values: the shared policy and apparatus (writers/editorial.py),
    each entry with its place, the id the page column points at, and both readings."""
    note = apparatus(doc)

    def target(c: Correction) -> str:
        if c.id in anchored:
            return words_anchor(c.id)
        return c.block_id if c.block_id in known_ids else ""

    sections = [
        {
            "kind": section.kind,
            "heading": section.heading,
            "intro": section.intro,
            "rows": [
                {
                    "id": f"correction-{c.id}",
                    "place": correction_place(doc, c),
                    "target": target(c),
                    "reading": shown_reading(c),
                    "source": c.source_reading,
                    "reason": c.reason,
                    "note": c.note,
                }
                for c in section.entries
            ],
        }
        for section in note.sections
    ]
    return {
        "policy": note.policy,
        "sections": sections,
        "regularised": note.regularised,
        "empty": NO_CORRECTIONS if note.empty else "",
    }


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(("html", "j2", "xml"), default=True),
        trim_blocks=False,
        lstrip_blocks=False,
    )


def print_html(doc: Document, ctx: Context, endnotes: frozenset[int] = frozenset()) -> str:
    """The print edition's HTML; the notes numbered in `endnotes` go to the back, not the foot."""
    lang = doc.meta.language or "en"
    anchored = _Anchors()
    call = _note_calls(doc, lang, endnotes, anchored)
    title = doc.meta.title or inline_text(doc.header.title).strip()
    # Rendering order is reading order: the title block's notes come before the record's.
    title_html = _title_markup(doc, title, call)
    dateline_html = (
        render_inlines(doc.header.dateline, call, anchored) if doc.header.dateline else ""
    )
    header_blocks = [render_block(block, call, anchored) for block in doc.header.blocks]
    sessions = []
    for session in doc.sessions:
        label = session_label(session)
        heading_html = _heading_markup(session.heading, label, call, anchored) if label else ""
        sessions.append(
            {
                "id": session.id,
                "label": label,
                "heading_html": heading_html,
                "blocks": [render_block(block, call, anchored) for block in session.blocks],
            }
        )
    endnote_items = [
        {
            "id": note_id(note),
            "call_id": note_call_id(note),
            "number": note.number,
            "paragraphs": [
                render_inlines(p, lambda n: Markup("<sup>{}</sup>").format(n), anchored)
                for p in note.paragraphs
            ],
        }
        for note in doc.notes
        if note.number in endnotes
    ]
    known_ids = frozenset(_known_ids(doc))
    authors = list(dict.fromkeys(a for a in (*doc.meta.authors, doc.meta.compiler) if a))
    if doc.meta.translator and doc.meta.translator not in authors:
        authors.append(doc.meta.translator)
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            lang=lang,
            title=title,
            authors=authors,
            description=doc.meta.description,
            keywords=", ".join(doc.meta.subjects),
            generator=GENERATOR,
            created=doc.meta.date,
            modified=doc.meta.modified,
            title_html=title_html,
            subtitle=doc.meta.subtitle,
            dateline_html=dateline_html,
            header_blocks=header_blocks,
            sessions=sessions,
            endnotes=endnote_items,
            editorial=_editorial_note(doc, known_ids, frozenset(anchored.printed)),
        )
    )


def _known_ids(doc: Document) -> Iterator[str]:
    for block in doc.header.blocks:
        if block.id:
            yield block.id
    for session in doc.sessions:
        if session.id:
            yield session.id
        for block in session.blocks:
            if block.id:
                yield block.id
    for note in doc.notes:
        yield note_id(note)


# --- layout and its check --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotePlacement:
    """Where a footnote landed: the page of its call and of its body (1-based), and whether the
    body lies wholly inside the page (False: WeasyPrint clipped it)."""

    number: int
    call_page: int
    body_page: int
    inside: bool

    @property
    def ok(self) -> bool:
        return self.call_page == self.body_page and self.inside


def _walk(box: boxes.Box) -> Iterator[boxes.Box]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _note_number(box: boxes.Box) -> int | None:
    element = box.element
    if element is None or "footnote" not in (element.get("class") or "").split():
        return None
    number = element.get("data-n")
    return int(number) if number and number.isdigit() else None


def note_placements(rendered: weasyprint.document.Document) -> dict[int, NotePlacement]:
    """Every footnote of a layout, found in WeasyPrint's box tree (calls and footnote areas)."""
    calls: dict[int, int] = {}
    bodies: dict[int, tuple[int, bool]] = {}
    for index, page in enumerate(rendered.pages, start=1):
        page_box = page._page_box
        top = page_box.content_box_y()
        bottom = top + page_box.height
        for child in page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                area_bottom = child.position_y + child.margin_height()
                for body in child.children:
                    number = _note_number(body)
                    if number is None or number in bodies:
                        continue
                    # The border box: a note's own bottom margin may hang below the area.
                    body_bottom = body.position_y + body.margin_top + body.border_height()
                    inside = (
                        body.position_y >= top - _TOLERANCE
                        and body_bottom <= min(bottom, area_bottom) + _TOLERANCE
                    )
                    bodies[number] = (index, inside)
            elif not isinstance(child, boxes.MarginBox):
                for box in _walk(child):
                    if (box.element_tag or "").endswith("::footnote-call"):
                        number = _note_number(box)
                        if number is not None:
                            calls.setdefault(number, index)
    return {
        number: NotePlacement(
            number=number,
            call_page=call_page,
            body_page=bodies.get(number, (0, False))[0],
            inside=bodies.get(number, (0, False))[1],
        )
        for number, call_page in calls.items()
    }


def _describe(placement: NotePlacement) -> str:
    if placement.body_page == 0:
        return f"note {placement.number} (called on page {placement.call_page}) was not printed"
    if placement.body_page != placement.call_page:
        return (
            f"note {placement.number} is called on page {placement.call_page} but printed on "
            f"page {placement.body_page}"
        )
    return (
        f"note {placement.number} on page {placement.call_page} is too long for the page "
        "and would be cut off"
    )


def _stylesheets(
    ctx: Context, fetcher: StylesFetcher, fonts: FontConfiguration, keep_whole: frozenset[str]
) -> list[weasyprint.CSS]:
    paper = ctx.settings.paper
    if paper not in PAPER_SIZES:
        raise PipelineError(
            f"unknown paper {paper!r}; choose one of {', '.join(sorted(PAPER_SIZES))}",
            path=ctx.edition,
        )
    generated = f"@page {{ size: {PAPER_SIZES[paper]}; }}\n" + "".join(
        f'[id="{block_id}"] {{ break-inside: avoid; orphans: 99; widows: 99; }}\n'
        for block_id in sorted(keep_whole)
    )
    return [
        # Without a FontConfiguration WeasyPrint ignores @font-face and silently (DEBUG level)
        # falls back to the host's fonts.
        weasyprint.CSS(filename=str(PRINT_CSS), url_fetcher=fetcher, font_config=fonts),
        weasyprint.CSS(string=generated, url_fetcher=fetcher, font_config=fonts),
    ]


_SAFE_ID = re.compile(r"[A-Za-z0-9_.:-]+")


def _block_at_page_end(rendered: weasyprint.document.Document, page: int) -> str | None:
    """The id of the last block with an id on `page` (1-based): the one the page break splits."""
    last: str | None = None
    for child in rendered.pages[page - 1]._page_box.children:
        if isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue
        for box in _walk(child):
            element = box.element
            if isinstance(box, boxes.BlockBox) and element is not None:
                block_id = element.get("id")
                if block_id and _SAFE_ID.fullmatch(block_id) and "::" not in box.element_tag:
                    last = block_id
    return last


def render_print(
    doc: Document, ctx: Context, fetcher: StylesFetcher | None = None
) -> weasyprint.document.Document:
    """Lay out the print edition and check it; the layout serves the PDF and the page map.

    Raises PipelineError when a note cannot stand whole on its call's page and the document's
    settings say "fail".
    """
    policy = ctx.settings.long_notes
    if policy not in ("fail", "endnotes"):
        raise PipelineError(
            f"unknown long_notes setting {policy!r}; choose 'fail' or 'endnotes'",
            path=ctx.edition,
        )
    fetcher = fetcher or StylesFetcher()
    endnotes: frozenset[int] = frozenset()
    keep_whole: frozenset[str] = frozenset()
    # Each round keeps one more block whole or moves one more note to the back, so this ends.
    for _ in range(2 * len(doc.notes) + 1):
        fonts = FontConfiguration()
        html = print_html(doc, ctx, endnotes)
        rendered = weasyprint.HTML(
            string=html, base_url=STYLES_DIR.as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=_stylesheets(ctx, fetcher, fonts, keep_whole), font_config=fonts)
        bad = [p for p in note_placements(rendered).values() if not p.ok]
        if not bad:
            return rendered
        # WeasyPrint 70.0, to honour widows and orphans at a page foot, may send an earlier
        # note of the page to the next one and leave its call behind (layout/block.py,
        # "report footnotes"). Keeping the paragraph split at that page foot whole avoids the
        # squeeze: the page ends a line or two short, and the note stays with its call.
        # A note lost altogether (seen on US Letter with the 1973 record's note 4, called from
        # the last line of a page) is the same squeeze at its worst: treat it the same way.
        squeezed = {
            block_id
            for p in bad
            if (p.inside and p.body_page > p.call_page) or p.body_page == 0
            if (block_id := _block_at_page_end(rendered, p.call_page)) is not None
        } - keep_whole
        if squeezed:
            keep_whole = keep_whole | squeezed
            continue
        if policy == "fail":
            raise PipelineError(
                "; ".join(_describe(p) for p in bad)
                + " (WeasyPrint cannot split a footnote across pages; shorten the note, or set "
                'long_notes = "endnotes" under [print] in edition.toml)',
                path=doc.source_path or ctx.source,
            )
        # A note too tall for any page pushes its neighbours off their pages too: move the
        # tall ones first and look again before moving anything else.
        too_tall = [p for p in bad if not p.inside] or bad
        for placement in too_tall:
            LOGGER.info("%s: moved to the endnotes", _describe(placement))
        endnotes = endnotes | {p.number for p in too_tall}
    raise PipelineError(
        "could not place the notes after moving them all to the endnotes",
        path=doc.source_path or ctx.source,
    )


def write_pdf(
    doc: Document, ctx: Context, rendered: weasyprint.document.Document | None = None
) -> bytes:
    """The print edition as PDF bytes; pass `rendered` (from `render_print`) to reuse a layout."""
    if rendered is None:
        rendered = render_print(doc, ctx)
    # Fonts are subset by default (NOTES.md); no date is passed, so the PDF's dates are the ones
    # from <meta name="dcterms.*">, never the clock, and two builds are byte-identical.
    return rendered.write_pdf()
