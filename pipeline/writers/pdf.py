"""Turn a Document into the print edition: a typeset PDF, laid out once by WeasyPrint.

`render_print` builds the HTML (templates/print.html.j2, styles/print.css and a stylesheet
generated here for the paper's page geometry), lays it out and checks the layout; `write_pdf`
writes the PDF from that layout, with its Info dictionary and XMP packet (`xmp.py`), and
`pagemap.print_page_starts` reads the same layout, so the PDF and the EPUB's page list share one
render.

Typesetting decisions made before layout, in the markup (so no second layout is needed):
which words may be hyphenated (`hyphenation.py`: names, acronyms, numbers and compounds stay
whole), a label in capitals set in small capitals, two note calls side by side set apart, the
title's lines balanced, the subtitle left out when it only repeats the date line. During
layout `breaking.book_breaking()` keeps notes with their calls, hyphenated runs to two lines
and words whole across a page turn.

The layout is then checked, because WeasyPrint never splits a footnote: a note that does not
fit moves whole to a later page, and one taller than the footnote area is clipped without a
warning (NOTES.md, "Footnotes"). After layout every note body must stand on its call's page,
inside the page, and no page may end in a hyphenated word. If a check fails, one more layout
is made with the cause removed (the word kept whole; the paragraph at the page foot kept
whole), and for a note too tall for any page `ctx.settings.long_notes` decides: "fail" raises
a PipelineError naming the note and the page; "endnotes" lays the document out again with that
note in a "Notes" section at the end (its call still a superscript, now a link).
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import shutil
import weakref
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import weasyprint
from fontTools.ttLib import TTFont
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration

from pipeline.cache import template_bytecode
from pipeline.context import PAPER_SIZES, STYLES_DIR, TEMPLATES_DIR, Context
from pipeline.errors import PipelineError
from pipeline.model import (
    Correction,
    Document,
    Inlines,
    Intervention,
    Note,
    NoteRef,
    inline_text,
    map_inlines,
    note_refs,
)
from pipeline.writers.breaking import HYPHEN, book_breaking
from pipeline.writers.editorial import (
    NO_CORRECTIONS,
    apparatus,
    correction_place,
    shown_reading,
)
from pipeline.writers.fetcher import StylesFetcher
from pipeline.writers.html import (
    InterventionView,
    Marks,
    NoteCall,
    editors_marks,
    no_number,
    plain_intervention,
    render_block,
    render_inlines,
)
from pipeline.writers.hyphenation import WordMarks
from pipeline.writers.hyphenation_patterns import preload as preload_patterns
from pipeline.writers.shared import (
    content_date,
    contributors,
    edition_date,
    edition_title,
    generator,
    note_call_id,
    note_id,
    print_identifier,
    session_label,
    spelled_date,
    words_anchor,
)
from pipeline.writers.xmp import finish_pdf, pdf_metadata

LOGGER = logging.getLogger(__name__)

PRINT_CSS = STYLES_DIR / "print.css"
TEMPLATE = "print.html.j2"
DOCUMENT_TEMPLATE = "print-document.html.j2"  # the body, included by TEMPLATE
BASE_URL = STYLES_DIR.as_uri() + "/"
TITLE_FONT = STYLES_DIR / "fonts" / "LinLibertine_R.otf"

# Layout coordinates are floats; a note flush with the page bottom must not count as clipped.
_TOLERANCE = 0.5

__all__ = [
    "PAGE_GEOMETRY",
    "PageGeometry",
    "PrintLayout",
    "layout_print",
    "note_call_id",
    "note_id",
    "note_placements",
    "print_html",
    "render_print",
    "session_label",
    "write_pdf",
]


# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """A paper's page: its CSS size and margins in mm. The text block is the same width on
    every paper, so the measure (characters per line) does not change with the paper."""

    size: str
    width: float
    height: float
    head: float
    foot: float
    inner: float
    why: str

    @property
    def outer(self) -> float:
        return round(self.width - TEXT_WIDTH_MM - self.inner, 1)

    @property
    def text_height(self) -> float:
        return round(self.height - self.head - self.foot, 1)


# 120 mm of 11.5 pt Linux Libertine holds about 68 characters: the 60–70 of a book measure
# (Bringhurst, The Elements of Typographic Style 2.1.2; issue 9 asks a median of 62–72). Of the
# widths tried on the bundled records (114–122 mm), it gave the fewest hyphens and loose
# lines together (benchmarks/print_quality.py).
TEXT_WIDTH_MM = 120.0

# Margins grow from the spine outwards and from the head down, in the proportions of the
# classical book page (inner : head : outer : foot close to 2 : 2.8 : 3 : 4.2), so the text
# block sits high and towards the spine, and the two pages of a spread read as one.
PAGE_GEOMETRY: dict[str, PageGeometry] = {
    "a4": PageGeometry(
        "A4", 210.0, 297.0, head=27.0, foot=40.0, inner=36.0,
        why="A4, 210 × 297 mm: an outer margin of 54 mm holds a reader's notes",
    ),
    "letter": PageGeometry(
        "letter", 215.9, 279.4, head=24.0, foot=36.0, inner=38.0,
        why="US Letter, 8.5 × 11 in: a shorter page, so a shorter head and foot",
    ),
}  # fmt: skip


def page_stylesheet(paper: str, keep_whole: Iterable[str] = ()) -> str:
    """The paper's @page rules (recto: inner margin on the left), and any block kept whole."""
    geometry = PAGE_GEOMETRY[paper]
    head, foot, inner, outer = geometry.head, geometry.foot, geometry.inner, geometry.outer
    rules = [
        f"@page {{ size: {geometry.size}; margin: {head}mm {outer}mm {foot}mm {inner}mm; }}",
        f"@page :right {{ margin-left: {inner}mm; margin-right: {outer}mm; }}",
        f"@page :left {{ margin-left: {outer}mm; margin-right: {inner}mm; }}",
    ]
    rules += [
        f'[id="{block_id}"] {{ break-inside: avoid; orphans: 99; widows: 99; }}'
        for block_id in sorted(keep_whole)
    ]
    return "\n".join(rules) + "\n"


# --- the title block -----------------------------------------------------------------------

TITLE_SIZE_PT = 20.0  # h1.title in print.css
TITLE_LETTER_SPACING_EM = 0.02
# A break after a colon, semicolon, comma or dash reads best: it may make a line this much
# longer than the most even split and still win.
PUNCTUATION_BONUS = 0.12


@cache
def _advances() -> tuple[dict[int, int], int]:
    font = TTFont(TITLE_FONT, lazy=True)
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    advances = {code: metrics[glyph][0] for code, glyph in cmap.items()}
    return advances, font["head"].unitsPerEm


def text_width_pt(text: str, size_pt: float, letter_spacing_em: float = 0.0) -> float:
    """The advance width of `text` in the title face (without kerning: a close estimate)."""
    advances, units = _advances()
    width = sum(advances.get(ord(c), units // 2) for c in text) / units * size_pt
    return width + len(text) * letter_spacing_em * size_pt


# The ways of cutting a title into lines grow as binomials: a 60-word title has billions, and
# the search held a build for hours (issue 13). Past this many, the title is set line by line.
MAX_TITLE_CUTS = 3_000


def _filled_lines(
    words: list[str], width: Callable[[list[str]], float], measure_pt: float
) -> list[str]:
    """Each line as full as the measure allows (first fit), for a title too long to balance."""
    lines: list[list[str]] = [[]]
    for word in words:
        if lines[-1] and width([*lines[-1], word]) > measure_pt:
            lines.append([])
        lines[-1].append(word)
    return [" ".join(line) for line in lines]


def balanced_lines(title: str, measure_pt: float) -> list[str]:
    """The title in as few lines as fit the measure, with line lengths as even as possible
    and a preference for breaking after punctuation: never one word alone on the last line."""
    words = title.split()

    def width(line: list[str]) -> float:
        return text_width_pt(" ".join(line), TITLE_SIZE_PT, TITLE_LETTER_SPACING_EM)

    if len(words) < 2 or width(words) <= measure_pt:
        return [" ".join(words)]
    # No fewer lines than the words' own widths fill (the spaces at the cuts vanish).
    fewest = max(2, math.ceil(sum(width([word]) for word in words) / measure_pt))
    for count in range(fewest, len(words) + 1):
        if math.comb(len(words) - 1, count - 1) > MAX_TITLE_CUTS:
            return _filled_lines(words, width, measure_pt)
        best: tuple[float, list[str]] | None = None
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = [words[a:b] for a, b in itertools.pairwise(bounds)]
            widths = [width(line) for line in lines]
            if max(widths) > measure_pt:
                continue
            bonus = sum(
                PUNCTUATION_BONUS * measure_pt for line in lines[:-1] if line[-1][-1] in ":;,–—"
            )
            score = max(widths) - min(widths) - bonus
            if best is None or score < best[0]:
                best = (score, [" ".join(line) for line in lines])
        if best is not None:
            return best[1]
    return [" ".join(words)]


_WORD = re.compile(r"[^\W_]+")


def printed_subtitle(doc: Document) -> str:
    """The subtitle, unless each of its words is already in the date line ("Washington, 23
    April 1974" under "Washington, April 23, 1974"): the date line is the source's own and
    carries its notes, so it stays, and the date is printed once (issue 9, "the date printed
    twice in two styles"). A subtitle with words of its own is printed whole: the audit and
    the EPUB's title page read it as edition.toml gives it."""
    subtitle = " ".join(doc.meta.subtitle.split())
    dateline = {w.lower() for w in _WORD.findall(inline_text(doc.header.dateline))}
    words = {w.lower() for w in _WORD.findall(subtitle)}
    if subtitle and dateline and words <= dateline:
        return ""
    return subtitle


# --- the HTML ------------------------------------------------------------------------------


def calls_after_calls(doc: Document) -> frozenset[int]:
    """Notes whose call directly follows another call ("1974¹²"): printed set apart, with a
    separating comma drawn by print.css, so that "¹²" is not read as note 12."""
    found: set[int] = set()

    def look(content: Inlines) -> Inlines:
        for before, node in itertools.pairwise(content):
            if isinstance(before, NoteRef) and isinstance(node, NoteRef):
                found.add(node.number)
        return content

    map_inlines(doc, look)
    return frozenset(found)


_WORD_TAIL = re.compile(r"(?<=[^\W\d_])[^\W\d_]+")


def _label_marks(label: str) -> Markup:
    """A label in capitals ("SENATOR PERCY") set like the others ("Senator Percy"), which print
    their capitals full size and the rest in small capitals: `small-caps` alone leaves capitals
    as they are, so all but each word's first letter go in a `capitals` span (print.css,
    all-small-caps). The text itself is unchanged: copied from the PDF, it reads as written."""
    if not any(c.isupper() for c in label) or any(c.islower() for c in label):
        return escape(label)
    parts, position = [], 0
    for match in _WORD_TAIL.finditer(label):
        parts.append(escape(label[position : match.start()]))
        parts.append(Markup('<span class="capitals">{}</span>').format(match.group()))
        position = match.end()
    parts.append(escape(label[position:]))
    return Markup("").join(parts)


def anchored_interventions(id_prefix: str, anchored: set[str]) -> InterventionView:
    """How the print edition prints an intervention: the editors' marks, inside a span whose
    id is its entry's `words_anchor` (the first time the entry's words are printed; the
    entries so anchored are added to `anchored`, so the editorial note points only at
    anchors that exist)."""

    def view(node: Intervention, words: Markup) -> Markup:
        marked = editors_marks(node, words)
        if not node.correction or node.correction in anchored:
            return marked
        anchored.add(node.correction)
        return Markup('<span id="{}">{}</span>').format(
            words_anchor(node.correction, id_prefix), marked
        )

    return view


def _note_calls(
    doc: Document,
    lang: str,
    endnotes: frozenset[int],
    marks: Marks,
    view: InterventionView = plain_intervention,
) -> NoteCall:
    """How a note call prints: the whole note floated to the page foot, or a link to an endnote."""
    notes = {note.number: note for note in doc.notes}
    placed: set[int] = set()
    after_calls = calls_after_calls(doc)

    def classes(number: int, base: str) -> str:
        return f"{base} after-call" if number in after_calls else base

    def note_body(note: Note) -> Markup:
        paragraphs = [render_inlines(p, plain_call, view, marks) for p in note.paragraphs]
        # A float:footnote box takes block children: later paragraphs start a new line.
        rest = Markup("").join(
            Markup('<span class="note-paragraph">{}</span>').format(p) for p in paragraphs[1:]
        )
        return (paragraphs[0] if paragraphs else Markup("")) + rest

    def plain_call(number: int) -> Markup:
        return Markup('<span class="{}">{}</span>').format(classes(number, "noteref-plain"), number)

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
            return Markup('<a class="{}" id="{}" href="#{}">{}</a>').format(
                classes(number, "noteref"), note_call_id(note), note_id(note), number
            )
        return Markup(
            '<span class="{}" id="{}" data-n="{}" lang="{}"><span class="note-text">{}</span>'
            "</span>"
        ).format(classes(number, "footnote"), note_id(note), number, lang, note_body(note))

    return call


def _heading_markup(
    content: Inlines,
    label: str,
    call: NoteCall,
    marks: Marks,
    view: InterventionView = plain_intervention,
) -> Markup:
    markup = render_inlines(content, call, view, marks)
    if label != " ".join(inline_text(content).split()):
        # Hours restored by session_label: keep the heading's own note calls after them.
        calls = Markup("").join(call(n) for n in note_refs(content))
        markup = escape(label) + calls
    return markup


def _title_markup(
    doc: Document, title: str, call: NoteCall, text_width_mm: float = TEXT_WIDTH_MM
) -> Markup:
    # The edition's title is the metadata's; a note the source hung on its own title line must
    # still be printed, so its call follows the title.
    measure = text_width_mm / 25.4 * 72
    lines = balanced_lines(title, measure)
    calls = Markup("").join(call(n) for n in note_refs(doc.header.title))
    return Markup("<br>").join(escape(line) for line in lines) + calls


def _page_target(
    c: Correction, known_ids: frozenset[str], id_prefix: str, anchored: frozenset[str]
) -> str:
    """Where the page column points: the entry's words when they are printed, else its block
    (a label, a title the metadata replaces), else nowhere (the column stays blank)."""
    if c.id in anchored:
        return words_anchor(c.id, id_prefix)
    return c.block_id if c.block_id in known_ids else ""


def _editorial_note(
    doc: Document,
    known_ids: frozenset[str],
    id_prefix: str = "",
    anchored: frozenset[str] = frozenset(),
) -> dict[str, object]:
    """The editorial note's values: the shared policy and apparatus (writers/editorial.py), one
    list per kind of intervention, each entry laid out as a scholarly apparatus gives it: its
    place, the page (pointing at the id), the edition's reading, the source's, the reason, and
    its remark set apart."""
    note = apparatus(doc)
    sections = [
        {
            "kind": section.kind,
            "heading": section.heading,
            "intro": section.intro,
            "rows": [
                {
                    "id": f"{id_prefix}correction-{c.id}",
                    "place": correction_place(doc, c),
                    "target": _page_target(c, known_ids, id_prefix, anchored),
                    "edition": shown_reading(c),
                    "source": c.source_reading,
                    "reason": c.reason,
                    "remark": c.note,
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


def _colophon(doc: Document, paper: str) -> list[dict[str, str]]:
    """Who made the edition, from what, when: the print edition's imprint, at its very end.
    Dates are spelt as the ebook's colophon spells them (`shared.spelled_date`)."""
    meta = doc.meta
    entries = [{"label": c.label, "value": c.name} for c in contributors(meta)]
    published, talks = edition_date(meta), content_date(meta)
    for label, value in (
        ("Publisher", meta.publisher),
        ("Published", spelled_date(published) if published else ""),
        ("Talks held", spelled_date(talks) if talks else ""),
        ("Source", meta.archive or meta.citation),
        ("Online", meta.source_url),
        ("Rights", meta.rights),
        ("Identifier", print_identifier(meta, paper)),
        # The source file as received: the audit checks the errata were written against it.
        ("Source file", f"SHA-256 {doc.source_sha256}" if doc.source_sha256 else ""),
        ("Typeset by", f"{generator()}, with WeasyPrint {weasyprint.__version__}"),
    ):
        if value.strip():
            entries.append({"label": label, "value": " ".join(value.split())})
    return entries


@cache
def environment() -> Environment:
    # One environment per process: Jinja2 then compiles the template once, not per layout.
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(("html", "j2", "xml"), default=True),
        trim_blocks=False,
        lstrip_blocks=False,
        bytecode_cache=template_bytecode(__file__),  # compiled once per machine (cache.py)
    )


@dataclass(frozen=True, slots=True)
class LayoutRound:
    """What one layout is asked to do differently, after a check failed on the one before."""

    endnotes: frozenset[int] = frozenset()  # notes moved to the back
    keep_whole: frozenset[str] = frozenset()  # blocks not to split at a page foot
    whole_words: frozenset[str] = frozenset()  # words not to hyphenate
    # Paragraph numbers printed in the outer margin (None: not printed), and which of them
    # stand on a left-hand page, whose outer margin is on the left (`verso_numbers`).
    numbers: frozenset[int] | None = None


def print_html(doc: Document, ctx: Context, layout: LayoutRound | None = None) -> str:
    """The print edition's HTML for one layout round (default: the first)."""
    metadata = pdf_metadata(doc, ctx.settings.paper)
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            authors=metadata.creators,
            description=metadata.subject,
            keywords=", ".join(metadata.keywords),
            generator=generator(),
            created=metadata.published,
            modified=metadata.modified,
            **document_values(doc, ctx, layout or LayoutRound()),
        )
    )


def document_values(
    doc: Document,
    ctx: Context,
    layout: LayoutRound,
    id_prefix: str = "",
    text_width_mm: float = TEXT_WIDTH_MM,
) -> dict[str, object]:
    """What `templates/print-document.html.j2` shows of one document: its title block, its
    sessions' blocks, its endnotes, its editorial note and colophon, as finished markup. A
    reading packet (`pipeline/packet/print.py`) renders the same template once per document,
    its ids prefixed with `id_prefix` (the model's ids it prefixes itself), on its own measure."""
    lang = doc.meta.language or "en"
    marks = Marks(
        text=WordMarks.for_document(doc, layout.whole_words),
        label=_label_marks,
        number=no_number if layout.numbers is None else margin_number(layout.numbers),
    )
    anchored: set[str] = set()
    view = anchored_interventions(id_prefix, anchored)
    call = _note_calls(doc, lang, layout.endnotes, marks, view)
    title = edition_title(doc)
    # Rendering order is reading order: the title block's notes come before the record's.
    title_html = _title_markup(doc, title, call, text_width_mm)
    dateline_html = (
        render_inlines(doc.header.dateline, call, view, marks) if doc.header.dateline else ""
    )
    header_blocks = [render_block(block, call, view, marks) for block in doc.header.blocks]
    sessions = []
    for session in doc.sessions:
        label = session_label(session)
        heading_html = _heading_markup(session.heading, label, call, marks, view) if label else ""
        sessions.append(
            {
                "id": session.id,
                "label": label,
                "heading_html": heading_html,
                "blocks": [render_block(block, call, view, marks) for block in session.blocks],
            }
        )
    endnote_items = [
        {
            "id": note_id(note),
            "call_id": note_call_id(note),
            "number": note.number,
            "paragraphs": [
                render_inlines(p, lambda n: Markup("<sup>{}</sup>").format(n), view, marks)
                for p in note.paragraphs
            ],
        }
        for note in doc.notes
        if note.number in layout.endnotes
    ]
    known_ids = frozenset(_known_ids(doc))
    return {
        "lang": lang,
        "title": title,
        "title_html": title_html,
        "subtitle": printed_subtitle(doc),
        "dateline_html": dateline_html,
        "header_blocks": header_blocks,
        "sessions": sessions,
        "endnotes": endnote_items,
        "editorial": _editorial_note(doc, known_ids, id_prefix, frozenset(anchored)),
        "colophon": _colophon(doc, ctx.settings.paper),
        "numbered": layout.numbers is not None,
    }


def margin_number(verso: frozenset[int]) -> Callable[[int], Markup]:
    """A paragraph number as print.css sets it in the outer margin: on the left of a left-hand
    page (numbers in `verso`), on the right of a right-hand one. It is positioned absolutely, so
    it takes no room in the line and the pages break as they would without it."""

    def number(value: int) -> Markup:
        side = "verso" if value in verso else "recto"
        return Markup('<span class="paragraph-number {}">{}</span>').format(side, value)

    return number


def anchor_pages(rendered: weasyprint.document.Document) -> dict[str, int]:
    """The page (1-based) where each element with an id begins."""
    pages: dict[str, int] = {}
    for index, page in enumerate(rendered.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, index)
    return pages


def verso_numbers(doc: Document, pages: dict[str, int]) -> frozenset[int]:
    """The paragraph numbers of `doc` whose block begins on a left-hand (even) page."""
    return frozenset(
        number
        for session in doc.sessions
        for block in session.blocks
        if (number := getattr(block, "number", 0)) and pages.get(block.id, 1) % 2 == 0
    )


def document_markup(values: dict[str, object], id_prefix: str, document_number: int) -> Markup:
    """One document's body (`document_values`) as the packet includes it: ids prefixed, the
    title block headed "Document N"."""
    template = environment().get_template(DOCUMENT_TEMPLATE)
    return Markup(template.render(id_prefix=id_prefix, document_number=document_number, **values))


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


def _flow(page: weasyprint.document.Page) -> Iterator[boxes.Box]:
    """The boxes of a page's text flow: not the running heads, folios or footnote area."""
    for child in page._page_box.children:
        if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            yield from _walk(child)


def _note_number(box: boxes.Box) -> int | None:
    element = box.element
    if element is None or "footnote" not in (element.get("class") or "").split():
        return None
    number = element.get("data-n")
    return int(number) if number and number.isdigit() else None


def note_placements(
    rendered: weasyprint.document.Document,
    key: Callable[[boxes.Box], Hashable | None] = _note_number,
) -> dict[Any, NotePlacement]:
    """Every footnote of a layout, found in WeasyPrint's box tree (calls and footnote areas),
    by `key` of its box: the note's number (a packet, whose documents share numbers, keys them
    by element id)."""
    calls: dict[Any, int] = {}
    bodies: dict[Any, tuple[int, bool]] = {}
    numbers: dict[Any, int] = {}
    for index, page in enumerate(rendered.pages, start=1):
        page_box = page._page_box
        top = page_box.content_box_y()
        bottom = top + page_box.height
        for child in page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                area_bottom = child.position_y + child.margin_height()
                for body in child.children:
                    number = key(body)
                    if number is None or number in bodies:
                        continue
                    # The border box: a note's own bottom margin may hang below the area.
                    body_bottom = body.position_y + body.margin_top + body.border_height()
                    inside = (
                        body.position_y >= top - _TOLERANCE
                        and body_bottom <= min(bottom, area_bottom) + _TOLERANCE
                    )
                    bodies[number] = (index, inside)
        for box in _flow(page):
            if (box.element_tag or "").endswith("::footnote-call"):
                number = key(box)
                if number is not None:
                    calls.setdefault(number, index)
                    numbers.setdefault(number, _note_number(box) or 0)
    return {
        number: NotePlacement(
            number=numbers[number],
            call_page=call_page,
            body_page=bodies.get(number, (0, False))[0],
            inside=bodies.get(number, (0, False))[1],
        )
        for number, call_page in calls.items()
    }


def describe_placement(placement: NotePlacement, pages_of: str = "") -> str:
    """What is wrong with a note's placement, in words; `pages_of` names the document the
    page numbers count in (" of the packet"), when it is not the edition itself."""
    if placement.body_page == 0:
        return f"note {placement.number} (called on page {placement.call_page}) was not printed"
    if placement.body_page != placement.call_page:
        return (
            f"note {placement.number} is called on page {placement.call_page} but printed on "
            f"page {placement.body_page}{pages_of}"
        )
    return (
        f"note {placement.number} on page {placement.call_page} is too long for the page "
        "and would be cut off"
    )


def _line_text(line: boxes.LineBox) -> str:
    return "".join(
        box.text
        for box in _walk(line)
        if isinstance(box, boxes.TextBox)
        and not (box.element_tag or "").endswith("::footnote-call")
    )


_LETTERS = re.compile(r"[^\W\d_]+")


def page_turn_words(rendered: weasyprint.document.Document) -> frozenset[str]:
    """Words hyphenated across a page turn: the last line of a page's text ends in U+2010."""
    lines = [
        [_line_text(box) for box in _flow(page) if isinstance(box, boxes.LineBox)]
        for page in rendered.pages
    ]
    words: set[str] = set()
    for page, following in itertools.pairwise(lines):
        texts = [t.strip() for t in page if t.strip()]
        nexts = [t.strip() for t in following if t.strip()]
        if texts and nexts and texts[-1].endswith(HYPHEN):
            head = texts[-1].removesuffix(HYPHEN).split()[-1]
            word = head + nexts[0].split()[0]
            words.update(w for w in _LETTERS.findall(word) if len(w) > 1)
    return frozenset(words)


_SAFE_ID = re.compile(r"[A-Za-z0-9_.:-]+")


def block_at_page_end(rendered: weasyprint.document.Document, page: int) -> str | None:
    """The id of the last block with an id on `page` (1-based): the one the page break splits."""
    last: str | None = None
    for box in _flow(rendered.pages[page - 1]):
        element = box.element
        if isinstance(box, boxes.BlockBox) and element is not None:
            block_id = element.get("id")
            if block_id and _SAFE_ID.fullmatch(block_id) and "::" not in box.element_tag:
                last = block_id
    return last


@dataclass(frozen=True, slots=True)
class PrintLayout:
    """A finished layout and what made it: the final HTML and page stylesheet, and how many
    layouts it took (1 unless a check after layout failed)."""

    rendered: weasyprint.document.Document
    html: str
    page_css: str
    layouts: int
    rounds: tuple[LayoutRound, ...] = field(default=())


def stylesheets(
    page_css: str, fetcher: StylesFetcher, fonts: FontConfiguration
) -> list[weasyprint.CSS]:
    return [
        # Without a FontConfiguration WeasyPrint ignores @font-face and silently (DEBUG level)
        # falls back to the host's fonts.
        weasyprint.CSS(filename=str(PRINT_CSS), url_fetcher=fetcher, font_config=fonts),
        weasyprint.CSS(string=page_css, url_fetcher=fetcher, font_config=fonts),
    ]


def _check_settings(ctx: Context) -> None:
    if ctx.settings.paper not in PAPER_SIZES or ctx.settings.paper not in PAGE_GEOMETRY:
        raise PipelineError(
            f"unknown paper {ctx.settings.paper!r}; choose one of {', '.join(sorted(PAPER_SIZES))}",
            path=ctx.edition,
        )
    if ctx.settings.long_notes not in ("fail", "endnotes"):
        raise PipelineError(
            f"unknown long_notes setting {ctx.settings.long_notes!r}; choose 'fail' or 'endnotes'",
            path=ctx.edition,
        )


def _next_round(
    doc: Document,
    ctx: Context,
    rendered: weasyprint.document.Document,
    current: LayoutRound,
) -> LayoutRound | None:
    """What the next layout must do differently, or None when this one passes its checks."""
    bad = [p for p in note_placements(rendered).values() if not p.ok]
    turned = page_turn_words(rendered) - current.whole_words
    if not bad and not turned:
        return None
    if turned:
        # A page that ends in a hyphen the line-box patch could not prevent (a page break
        # WeasyPrint moved back to an earlier line): keep those words whole.
        LOGGER.info("words broken across a page turn, kept whole: %s", ", ".join(sorted(turned)))
    layout = replace(current, whole_words=current.whole_words | turned)
    if not bad:
        return layout
    # A note that still lands away from its call (or is lost, as WeasyPrint 70.0 can do at a
    # page foot squeezed by widows and orphans): keep the paragraph split at that page foot
    # whole, so the page ends a few lines short and the note stays with its call.
    squeezed = {
        block_id
        for p in bad
        if (p.inside and p.body_page > p.call_page) or p.body_page == 0
        if (block_id := block_at_page_end(rendered, p.call_page)) is not None
    } - current.keep_whole
    if squeezed:
        return replace(layout, keep_whole=layout.keep_whole | squeezed)
    if ctx.settings.long_notes == "fail":
        raise PipelineError(
            "; ".join(describe_placement(p) for p in bad)
            + " (WeasyPrint cannot split a footnote across pages; shorten the note, or set "
            'long_notes = "endnotes" under [print] in edition.toml)',
            path=doc.source_path or ctx.source,
        )
    # A note too tall for any page pushes its neighbours off their pages too: move the tall
    # ones first and look again before moving anything else.
    too_tall = [p for p in bad if not p.inside] or bad
    for placement in too_tall:
        LOGGER.info("%s: moved to the endnotes", describe_placement(placement))
    return replace(layout, endnotes=layout.endnotes | {p.number for p in too_tall})


# Every FontConfiguration our layouts make. Each copies the vendored fonts into a folder of its
# own (/tmp/weasyprint-*, 1.3 MB) that only its `__del__` removes, and a layout holds it in
# reference cycles: a process stopped before collecting them left one folder per layout. The
# build removes them (`release_fonts`) once the PDF is written, without scanning every live
# object for them (which cost 3–4 % of a warm build).
_FONT_CONFIGURATIONS: weakref.WeakSet[FontConfiguration] = weakref.WeakSet()


def font_configuration() -> FontConfiguration:
    """A new FontConfiguration for one layout, known to `release_fonts`."""
    fonts = FontConfiguration()
    _FONT_CONFIGURATIONS.add(fonts)
    return fonts


def release_fonts() -> None:
    """Remove the font copies of every layout made so far (their PDFs are written)."""
    for fonts in list(_FONT_CONFIGURATIONS):
        if folder := getattr(fonts, "_folder", None):
            shutil.rmtree(folder, ignore_errors=True)
            fonts._folder = None


def layout_print(doc: Document, ctx: Context, fetcher: StylesFetcher | None = None) -> PrintLayout:
    """Lay out the print edition and check it (see the module docstring)."""
    _check_settings(ctx)
    fetcher = fetcher or StylesFetcher()
    preload_patterns(doc.meta.language or "en")
    current = LayoutRound(numbers=frozenset() if ctx.settings.paragraph_numbers else None)
    rounds = []
    # Each round keeps a word or a block whole or moves a note to the back, so this ends.
    limit = 2 * len(doc.notes) + len(doc.sessions) + 4
    for count in range(1, limit + 1):
        rounds.append(current)
        fonts = font_configuration()
        html = print_html(doc, ctx, current)
        page_css = page_stylesheet(ctx.settings.paper, current.keep_whole)
        with book_breaking():
            rendered = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
                stylesheets=stylesheets(page_css, fetcher, fonts), font_config=fonts
            )
        following = _next_round(doc, ctx, rendered, current)
        if following is None and current.numbers is not None:
            # Each paragraph number in the outer margin of its page: where a number stood on
            # the wrong side, lay out again with it moved (the pages break alike).
            verso = verso_numbers(doc, anchor_pages(rendered))
            if verso != current.numbers:
                following = replace(current, numbers=verso)
        if following is None:
            return PrintLayout(rendered, html, page_css, count, tuple(rounds))
        current = following
    raise PipelineError(
        "could not place the notes after moving them all to the endnotes",
        path=doc.source_path or ctx.source,
    )


def render_print(
    doc: Document, ctx: Context, fetcher: StylesFetcher | None = None
) -> weasyprint.document.Document:
    """Lay out the print edition and check it; the layout serves the PDF and the page map.

    Raises PipelineError when a note cannot stand whole on its call's page and the document's
    settings say "fail".
    """
    return layout_print(doc, ctx, fetcher).rendered


# PDF variants the print edition can be written as: name → the PDF/UA part its XMP claims.
# "pdf/ua-1" is the archival, accessible file of a library release (pipeline/dist/archival.py).
PDF_VARIANTS = {"pdf/ua-1": 1}


def write_pdf(
    doc: Document,
    ctx: Context,
    rendered: weasyprint.document.Document | None = None,
    variant: str | None = None,
) -> bytes:
    """The print edition as PDF bytes; pass `rendered` (from `render_print`) to reuse a layout.
    `variant` (a key of PDF_VARIANTS) writes the same pages as that PDF variant: tagged, with
    WeasyPrint's structure tree, and identified as such in the XMP."""
    if rendered is None:
        rendered = render_print(doc, ctx)
    if variant is not None and variant not in PDF_VARIANTS:
        raise ValueError(f"unknown PDF variant: {variant}")
    # Fonts are subset by default (NOTES.md). Every date comes from the metadata, never the
    # clock, so two builds are byte-identical.
    finisher = finish_pdf(doc, ctx.settings.paper, PDF_VARIANTS.get(variant or ""))
    if variant is None:
        return rendered.write_pdf(finisher=finisher)
    return rendered.write_pdf(pdf_variant=variant, finisher=finisher)
