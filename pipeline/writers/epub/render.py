"""Turn a book plan and the part of the record a file shows into that file's XHTML bytes.

One function per kind of file (cover, title page, chapter, editorial note, colophon, navigation
document, NCX), each taking the plan and what it renders, so files can be rendered in any order.
The markup of the record's own blocks and inlines is `writers/html.py`'s, shared with the print
edition; this module adds what only the ebook has:

- note calls as `doc-noteref` links to asides in the file of the note's first call, and a
  backlink from each note to that call;
- the print edition's page breaks, as `doc-pagebreak` markers placed from the plan's page marks
  (data, never nodes of the model) at the first word of each print page;
- the emended, supplied, kept and [sic] words as links to their entry in the editorial note,
  each with an accessible name that says what the link is (WCAG 2.4.4).

Templates (``templates/epub/``) receive finished values and only arrange them; Jinja2
autoescaping stays on, so text from a source can never become markup (NOTES.md, Security).
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import assert_never

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from pipeline.cache import template_bytecode
from pipeline.context import PAPER_SIZES, TEMPLATES_DIR
from pipeline.model import (
    SUPPLIED_OPEN,
    Block,
    Closing,
    Field,
    Inlines,
    Intervention,
    Note,
    NoteRef,
    Omission,
    Paragraph,
    Session,
    Subheading,
    Text,
    Turn,
    block_text,
    inline_text,
    note_refs,
)
from pipeline.writers.editorial import NO_CORRECTIONS, apparatus, correction_place, shown_reading
from pipeline.writers.epub.colophon import colophon_entries, colophon_notes
from pipeline.writers.epub.plan import (
    EDITORIAL_ID,
    ENDNOTES_ID,
    TITLE_ID,
    BookFile,
    BookPlan,
    PageMark,
    anchor,
    correction_target,
)
from pipeline.writers.html import (
    PLAIN,
    InterventionView,
    Marks,
    NoteCall,
    editors_marks,
    render_block,
    render_inlines,
)
from pipeline.writers.shared import generator, note_id, session_hours, session_label

log = logging.getLogger(__name__)

TEMPLATES = TEMPLATES_DIR / "epub"
CSS_FILE = "epub.css"
COVER_IMAGE = "cover.png"

# What an intervention's link leads to, in the words its accessible name gives after the words
# themselves ("those: emended reading, see the editorial note"): WCAG 2.4.4 asks that a link's
# purpose be clear from the link, and the bare word "those" says nothing of where it goes. The
# name begins with the visible words, so speech input finds the link by them (WCAG 2.5.3).
LINK_PURPOSES = {
    "emend": "emended reading",
    "supply": "words supplied by the editors",
    "sic": "error kept as the source has it",
    "keep": "reading considered and kept",
}

# Where html.py's element for a block takes the block's words: rendering a block around this
# placeholder gives its element, and the words (with their page breaks) go in its place. A
# Unicode noncharacter, which no interchanged text holds (and not one of stages/tokens.py's
# private-use marks).
_WORDS = "\ufdd0"


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # text from a source can never become markup (NOTES.md, Security)
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=template_bytecode(__file__),  # compiled once per machine (cache.py)
    )


def _page(file: BookFile, template: str, plan: BookPlan, **values: object) -> bytes:
    text = (
        environment()
        .get_template(template)
        .render(
            lang=plan.lang,
            title=file.label,
            stylesheet=CSS_FILE,
            matter=file.matter,
            generator=generator(),
            **values,
        )
    )
    # Bytes, never str: a str starting with an XML declaration is written as an empty file
    # (NOTES.md EbookLib item 1).
    return text.encode("utf-8")


# --- page breaks ------------------------------------------------------------------------------


def page_break(page: int) -> Markup:
    return Markup(
        '<span epub:type="pagebreak" role="doc-pagebreak" id="page-{0}" aria-label="{0}"/>'
    ).format(page)


def breaks(marks: Sequence[PageMark]) -> Markup:
    return Markup("").join(page_break(m.page) for m in marks)


@dataclass(frozen=True, slots=True)
class Inlining:
    """How one file shows note calls and interventions (see `note_calls`, `intervention_view`)."""

    call: NoteCall
    view: InterventionView
    marks: Marks = PLAIN  # a block's paragraph number, when the edition shows them


def marked_inlines(content: Inlines, marks: Sequence[PageMark], how: Inlining) -> Markup:
    """`content` as html.py renders it, with a page break before the character each mark's
    offset counts to (in `inline_text(content)`); marks past the end follow the content.

    A page that starts inside an intervention's words is marked inside them (the link holds the
    marker); one that starts inside an editorial bracket is marked before the bracket.
    """
    pending = sorted(marks, key=lambda m: m.offset)
    parts = _marked(content, pending, 0, how)
    parts.extend(page_break(m.page) for m in pending)
    return Markup("").join(parts)


def _marked(
    content: Inlines, pending: list[PageMark], position: int, how: Inlining
) -> list[Markup]:
    """The markup of `content` (starting at `position`), taking the marks that fall inside it
    off the front of `pending`."""
    parts: list[Markup] = []
    for node in content:
        width = len(inline_text((node,)))
        end = position + width
        if not pending or pending[0].offset >= end:
            parts.append(render_inlines((node,), how.call, how.view))
        elif isinstance(node, Text):
            cut = 0
            while pending and pending[0].offset < end:
                split = max(pending[0].offset - position, cut)
                if split > cut:
                    parts.append(render_inlines((Text(node.text[cut:split]),), how.call, how.view))
                    cut = split
                parts.append(page_break(pending.pop(0).page))
            if cut < width:
                parts.append(render_inlines((Text(node.text[cut:]),), how.call, how.view))
        elif isinstance(node, Intervention):
            while pending and pending[0].offset <= position:  # a page that opens with "⟨was⟩"
                parts.append(page_break(pending.pop(0).page))
            opening = len(SUPPLIED_OPEN) if node.kind == "supply" else 0
            inner = _marked(node.content, pending, position + opening, how)
            while pending and pending[0].offset < end:  # in the closing ⟩ or the ⟨sic⟩
                inner.append(page_break(pending.pop(0).page))
            parts.append(how.view(node, Markup("").join(inner)))
        else:
            while pending and pending[0].offset < end:
                parts.append(page_break(pending.pop(0).page))
            parts.append(render_inlines((node,), how.call, how.view))
        position = end
    return parts


def marked_block(block: Block, marks: Sequence[PageMark], how: Inlining) -> Markup:
    """One block of the record, with the page breaks that fall in it: a page that starts at the
    block's first word or inside a speaker's or field's label is marked before the block."""
    prefix = len(block_text(block)) - len(inline_text(block.content))
    before = [m for m in marks if m.offset == 0 or m.offset < prefix]
    inside = [PageMark(m.page, m.offset - prefix) for m in marks if m not in before]
    match block:
        case Subheading(id=id_):
            # h2, not the shared h3: in the EPUB each session is its own file with one h1, and
            # a skipped level is an Ace "heading-order" finding.
            words = marked_inlines(block.content, inside, how)
            return breaks(before) + Markup('<h2 class="subheading" id="{}">{}</h2>').format(
                id_, words
            )
        case Paragraph() | Turn() | Omission() | Closing() | Field():
            shell = render_block(
                replace(block, content=(Text(_WORDS),)), how.call, how.view, how.marks
            )
            if not block.content or shell.count(_WORDS) != 1:
                # No words (a caption), or a label that holds the placeholder itself: html.py's
                # element as it is, any page break before it.
                return breaks(marks) + render_block(block, how.call, how.view, how.marks)
            words = marked_inlines(block.content, inside, how)
            return breaks(before) + Markup(shell.replace(_WORDS, words))
        case _:
            assert_never(block)


# --- note calls and interventions -------------------------------------------------------------


def note_calls(plan: BookPlan, file: BookFile) -> tuple[NoteCall, NoteCall]:
    """How `file` shows a note call in the text, and one inside a note.

    The first call of a note in the whole book has the id `noteref-N`, which the note links
    back to; later calls count on (`noteref-N-2`…) from the calls in earlier files the plan
    counted, so a file's ids do not depend on which file was rendered first.
    """
    counts = Counter(plan.calls_before.get(file.name, {}))

    def href(number: int) -> str:
        home = plan.note_home[number]
        return f"#note-{number}" if home == file.name else f"{home}#note-{number}"

    def missing(number: int) -> Markup:
        return Markup('<sup class="noteref-missing">{}</sup>').format(number)

    def call(number: int) -> Markup:
        if number not in plan.note_home:
            return missing(number)
        counts[number] += 1
        count = counts[number]
        ref_id = f"noteref-{number}" if count == 1 else f"noteref-{number}-{count}"
        return Markup(
            '<a epub:type="noteref" role="doc-noteref" href="{}" id="{}" aria-label="Note {}">'
            "{}</a>"
        ).format(href(number), ref_id, number, number)

    def call_in_note(number: int) -> Markup:
        # A call inside a note links to the other note but is no reference of its own: the
        # called note links back to its call in the text.
        if number not in plan.note_home:
            return missing(number)
        return Markup(
            '<a epub:type="noteref" role="doc-noteref" href="{}" aria-label="Note {}">{}</a>'
        ).format(href(number), number, number)

    return call, call_in_note


def link_name(node: Intervention) -> str:
    """The accessible name of an intervention's link: its words, then what they are."""
    words = " ".join(inline_text(node.content, brackets=False).split())
    # "population.: emended reading" reads badly; the full stop is no part of the name.
    words = words.strip(".,;:!?") or words
    if node.kind == "sic":
        words = f"{words} (sic)"
    return f"{words}: {LINK_PURPOSES[node.kind]}, see the editorial note"


def intervention_view(plan: BookPlan) -> InterventionView:
    """An entry of the editorial note links its words there, and the note links back to them
    (`emendation-<id>`). Words holding a note call get an anchor only: a link may not hold
    another link; so do the empty words of a deletion."""

    def view(node: Intervention, words: Markup) -> Markup:
        marked = editors_marks(node, words)
        if node.correction not in plan.linked:
            return marked
        target = anchor(node.correction)
        if next(note_refs(node.content), None) is not None or not node.content:
            return Markup('<span class="emendation" id="emendation-{}">{}</span>').format(
                target, marked
            )
        return Markup(
            '<a class="emendation" id="emendation-{0}" href="{1}#correction-{0}" '
            'aria-label="{2}">{3}</a>'
        ).format(target, plan.editorial.name, link_name(node), marked)

    return view


def _inlining(plan: BookPlan, file: BookFile) -> tuple[Inlining, Inlining]:
    call, call_in_note = note_calls(plan, file)
    view = intervention_view(plan)
    marks = Marks(number=paragraph_number) if plan.paragraph_numbers else PLAIN
    return Inlining(call, view, marks), Inlining(call_in_note, view)


def paragraph_number(number: int) -> Markup:
    """A paragraph's citation number, shown before its words: "12" to the eye, "paragraph 12"
    to a screen reader (the word is there, visually hidden, so it is read and copied too)."""
    return Markup(
        '<span class="paragraph-number"><span class="visually-hidden">Paragraph </span>{}</span> '
    ).format(number)


# --- the files --------------------------------------------------------------------------------


def footnotes(plan: BookPlan, file: BookFile, how: Inlining) -> list[dict[str, object]]:
    """The asides of the notes that live in `file`, each paragraph with its page breaks."""
    views = []
    for number in file.notes:
        note = plan.notes[number]
        views.append(
            {
                "anchor": f"note-{number}",
                "number": number,
                "backlink": f"#noteref-{number}" if number in plan.called else "",
                "paragraphs": _note_paragraphs(plan, note, how) or [Markup("")],
            }
        )
    return views


def _note_paragraphs(plan: BookPlan, note: Note, how: Inlining) -> list[Markup]:
    marks = plan.marks(note_id(note))
    paragraphs = []
    start = 0
    for index, paragraph in enumerate(note.paragraphs):
        # Page-map offsets count the paragraphs joined by one space.
        end = start + len(inline_text(paragraph)) + 1
        last = index == len(note.paragraphs) - 1
        inside = [
            PageMark(m.page, m.offset - start)
            for m in marks
            if start <= m.offset and (m.offset < end or last)
        ]
        paragraphs.append(marked_inlines(paragraph, inside, how))
        start = end
    return paragraphs


def _endnotes_mark(plan: BookPlan, file: BookFile) -> list[Markup]:
    """A print page that starts in the print edition's "Notes" section is marked where the
    last file of the text ends, before its asides."""
    if file.name != plan.last_text_file.name or not plan.marks(ENDNOTES_ID):
        return []
    return [breaks(plan.marks(ENDNOTES_ID))]


def render_titlepage(plan: BookPlan) -> bytes:
    header = plan.doc.header
    text, in_note = _inlining(plan, plan.titlepage)
    # As in print (pdf._title_markup): the edition's title is the metadata's, followed by any
    # note the source hung on its own title line.
    title: Inlines = (Text(plan.title), *(NoteRef(n) for n in note_refs(header.title)))
    marks = plan.marks(TITLE_ID)
    blocks = [marked_block(b, plan.marks(b.id), text) for b in header.blocks]
    return _page(
        plan.titlepage,
        "titlepage.xhtml.j2",
        plan,
        heading_id=TITLE_ID,
        before_heading=breaks([m for m in marks if m.offset == 0]),
        heading=marked_inlines(title, [m for m in marks if m.offset > 0], text),
        subtitle=" ".join(plan.doc.meta.subtitle.split()),
        dateline=marked_inlines(header.dateline, (), text),
        date=_iso_date(plan.doc.meta.date),
        blocks=blocks + _endnotes_mark(plan, plan.titlepage),
        notes=footnotes(plan, plan.titlepage, in_note),
    )


def _iso_date(value: str) -> str:
    """A date a `<time datetime>` may hold (YYYY, YYYY-MM or YYYY-MM-DD), else ""."""
    value = value.strip()
    return value if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value) else ""


def render_chapter(plan: BookPlan, file: BookFile, session: Session) -> bytes:
    text, in_note = _inlining(plan, file)
    heading = session.heading or (Text(plan.title),)
    marks = plan.marks(session.id)
    heading_markup = marked_inlines(heading, [m for m in marks if m.offset > 0], text)
    label = session_label(session)
    if session.heading and label != " ".join(inline_text(session.heading).split()):
        # The parser took the hours out of the heading; the reader sees them where the print
        # edition prints them (shared.session_label), after the heading's own words.
        heading_markup += escape(f" ({session_hours(session)})")
    return _page(
        file,
        "chapter.xhtml.j2",
        plan,
        heading_id=session.id,
        before_heading=breaks([m for m in marks if m.offset == 0]),
        heading=heading_markup,
        blocks=[marked_block(b, plan.marks(b.id), text) for b in session.blocks]
        + _endnotes_mark(plan, file),
        notes=footnotes(plan, file, in_note),
    )


def render_editorial(plan: BookPlan) -> bytes:
    doc = plan.doc
    note = apparatus(doc)
    sections = []
    for section in note.sections:
        rows = []
        for correction in section.entries:
            href = correction_target(plan, correction.id, correction.block_id)
            if not href and correction.block_id:
                log.warning(
                    "correction target %r is not in the document; listed unlinked",
                    correction.block_id,
                )
            rows.append(
                {
                    "anchor": "correction-" + anchor(correction.id),
                    "href": href,
                    "where": correction_place(doc, correction),
                    "reading": shown_reading(correction),
                    "source": correction.source_reading,
                    "reason": correction.reason,
                    "note": correction.note,
                }
            )
        sections.append({"heading": section.heading, "intro": section.intro, "rows": rows})
    return _page(
        plan.editorial,
        "editorial.xhtml.j2",
        plan,
        before_heading=breaks(plan.marks(EDITORIAL_ID)),
        policy=note.policy,
        sections=sections,
        regularised=note.regularised,
        empty=NO_CORRECTIONS if note.empty else "",
    )


def render_colophon(plan: BookPlan) -> bytes:
    return _page(
        plan.colophon,
        "colophon.xhtml.j2",
        plan,
        entries=colophon_entries(plan),
        paragraphs=colophon_notes(plan),
    )


def render_cover(plan: BookPlan, alt: str) -> bytes:
    return _page(plan.cover, "cover.xhtml.j2", plan, image=COVER_IMAGE, alt=alt)


@dataclass(frozen=True, slots=True)
class Entry:
    """A contents entry: where it leads, its words, and the entries under it."""

    href: str
    label: str
    children: tuple[Entry, ...] = ()


def contents(plan: BookPlan) -> tuple[Entry, ...]:
    """The table of contents: the title page holding the sessions and their subheadings, then
    the editorial note and the colophon (the nav document and the NCX show the same tree)."""
    chapters = []
    for file, session in zip(plan.chapters, plan.doc.sessions, strict=True):
        subheadings = tuple(
            Entry(f"{file.name}#{b.id}", " ".join(inline_text(b.content).split()))
            for b in session.blocks
            if isinstance(b, Subheading) and inline_text(b.content).strip()
        )
        chapters.append(Entry(file.name, file.label, subheadings))
    return (
        Entry(plan.titlepage.name, plan.title, tuple(chapters)),
        Entry(plan.editorial.name, plan.editorial.label),
        Entry(plan.colophon.name, plan.colophon.label),
    )


def landmarks(plan: BookPlan) -> list[dict[str, str]]:
    first_body = (plan.chapters[0] if plan.chapters else plan.titlepage).name
    return [
        {"kind": "cover", "href": plan.cover.name, "label": "Cover"},
        {"kind": "titlepage", "href": plan.titlepage.name, "label": "Title page"},
        {"kind": "toc", "href": f"{plan.nav.name}#toc", "label": "Contents"},
        {"kind": "bodymatter", "href": first_body, "label": "Start of the record"},
        {"kind": "colophon", "href": plan.colophon.name, "label": "Colophon"},
    ]


def page_list_heading(plan: BookPlan) -> str:
    return f"Pages of the print edition ({PAPER_SIZES.get(plan.paper, plan.paper)})"


def render_nav(plan: BookPlan) -> bytes:
    pages = [{"href": f"{p.file}#page-{p.page}", "label": str(p.page)} for p in plan.pages]
    return _page(
        plan.nav,
        "nav.xhtml.j2",
        plan,
        toc=contents(plan),
        landmarks=landmarks(plan),
        pages=pages,
        pages_heading=page_list_heading(plan),
    )


@dataclass(frozen=True, slots=True)
class NavPoint:
    """A contents entry as the NCX gives it: an id and its place in the play order."""

    id: str
    label: str
    href: str
    play: int
    children: tuple[NavPoint, ...]


def _place(plan: BookPlan, href: str) -> tuple[int, int, int]:
    """Where a link target stands in the book's reading order (spine, element, offset)."""
    name, _, fragment = href.partition("#")
    if fragment in plan.element_order:
        return (*plan.element_order[fragment], 0)
    return ([f.name for f in plan.spine].index(name), -1, 0)


def _walk(entries: Sequence[Entry]) -> Iterator[Entry]:
    for entry in entries:
        yield entry
        yield from _walk(entry.children)


def _depth(entries: Sequence[Entry]) -> int:
    return 1 + max((_depth(e.children) for e in entries), default=0) if entries else 0


def render_ncx(plan: BookPlan, identifier: str, authors: Sequence[str]) -> bytes:
    """The EPUB 2 navigation (NCX): the same contents, and the page-list for readers that know
    no EPUB 3 nav (Adobe's RMSDK, older Kobo and Sony readers). playOrder counts the targets in
    reading order, one number for each target (Z39.86-2005, NCX)."""
    entries = contents(plan)
    # One number per target: two targets at the same place with other addresses (a page that
    # starts at a chapter's heading) may not share one (EPUBCheck RSC-005).
    targets = {(_place(plan, e.href), e.href) for e in _walk(entries)} | {
        (p.order, f"{p.file}#page-{p.page}") for p in plan.pages
    }
    play = {target: n for n, target in enumerate(sorted(targets), start=1)}
    numbers = itertools.count(1)

    def points(items: Sequence[Entry]) -> tuple[NavPoint, ...]:
        return tuple(
            NavPoint(
                f"navpoint-{next(numbers)}",
                e.label,
                e.href,
                play[(_place(plan, e.href), e.href)],
                points(e.children),
            )
            for e in items
        )

    pages = [
        {
            "id": f"pagetarget-{p.page}",
            "value": p.page,
            "href": f"{p.file}#page-{p.page}",
            "play": play[(p.order, f"{p.file}#page-{p.page}")],
        }
        for p in plan.pages
    ]
    text = (
        environment()
        .get_template("toc.ncx.j2")
        .render(
            lang=plan.lang,
            identifier=identifier,
            title=plan.title,
            authors=list(authors),
            depth=_depth(entries),
            points=points(entries),
            pages=pages,
            pages_label=page_list_heading(plan),
            max_page=max((p.page for p in plan.pages), default=0),
        )
    )
    return text.encode("utf-8")


def render_book(plan: BookPlan, cover_alt: str) -> dict[str, bytes]:
    """Every XHTML file of the book, by file name, in spine order."""
    files = {
        plan.cover.name: render_cover(plan, cover_alt),
        plan.titlepage.name: render_titlepage(plan),
        plan.nav.name: render_nav(plan),
    }
    for file, session in zip(plan.chapters, plan.doc.sessions, strict=True):
        files[file.name] = render_chapter(plan, file, session)
    files[plan.editorial.name] = render_editorial(plan)
    files[plan.colophon.name] = render_colophon(plan)
    return files
