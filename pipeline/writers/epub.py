"""Turn a Document into an EPUB 3.3 edition: the bytes of a valid, accessible, reproducible ebook.

One XHTML file per session (`<section epub:type="chapter">`), a cover, a title page with the
header block, an editorial note, a colophon, and a navigation document with the contents,
landmarks and a page-list that points at the print edition's page starts. Notes become
`epub:type="noteref"` links and `epub:type="footnote"` asides in the file of their first call, so
reading systems show them as pop-ups.

EbookLib 0.20 only packages what we give it. Every trap listed in ``shared/NOTES.md``
("EbookLib", items 1–10) is avoided here, and the comments cite the item number:
all XHTML (chapters, nav, cover page) is rendered by Jinja2 and added as raw ``EpubItem`` bytes,
and the zip is rewritten at the end with pinned entry dates, so two builds are byte-identical.

Nothing here reads the clock, the environment or a host font: identifiers derive from the
document id, `dcterms:modified` from the document's metadata.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol, assert_never

from ebooklib import epub
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from lxml import etree
from markupsafe import Markup

from pipeline.context import STYLES_DIR, TEMPLATES_DIR, Context
from pipeline.errors import PipelineError
from pipeline.metadata import LANGUAGE_TAG
from pipeline.model import (
    SUPPLIED_OPEN,
    Block,
    Closing,
    Document,
    Field,
    Inline,
    Inlines,
    Intervention,
    Meta,
    Note,
    NoteRef,
    Omission,
    Paragraph,
    Session,
    Subheading,
    Text,
    Turn,
    all_inlines,
    block_text,
    inline_text,
    interventions,
    note_refs,
)
from pipeline.writers.cover import render_cover
from pipeline.writers.editorial import (
    NO_CORRECTIONS,
    apparatus,
    correction_place,
    shown_reading,
)
from pipeline.writers.html import editors_marks, render_block, render_inlines

log = logging.getLogger(__name__)

TEMPLATES = TEMPLATES_DIR / "epub"
STYLESHEET = STYLES_DIR / "epub.css"

# Stable identifiers: uuid5 of a fixed URL per document. The host is under the reserved
# `.invalid` TLD (RFC 2606): the URL only names the document, it is never fetched.
IDENTIFIER_BASE = "https://records.edition.invalid/"

# When the metadata has neither `modified` nor `date`, dcterms:modified must still be a fixed
# value (NOTES.md EbookLib item 6: EbookLib defaults to now()). 1980-01-01 is the earliest date a
# zip entry can carry, the same epoch the entries of the archive are pinned to.
FALLBACK_MODIFIED = datetime(1980, 1, 1, tzinfo=UTC)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
SELF_EVALUATION = "Self-evaluation by the edition pipeline (EPUBCheck 5.3, Ace by DAISY 1.4.6)"

XHTML = "application/xhtml+xml"
COVER_IMAGE = "cover.png"
CSS_FILE = "epub.css"

# Ids the writer gives its own elements; a document id that looks like one is renamed.
# Back-matter sections of the print edition that a page may start in (``pagemap.BACK_MATTER_IDS``).
ENDNOTES_ID = "endnotes"
EDITORIAL_ID = "editorial-note"

RESERVED_ID = re.compile(
    r"(note|noteref|page|correction)-.*|title|toc|toc-heading|landmarks.*|"
    r"page-list.*|colophon-heading|editorial-heading"
)
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

# The kinds of intervention the editorial note lists one by one: their words link to the entry.
LINKED_KINDS = frozenset({"emend", "supply", "sic", "keep"})

ROLES = (
    ("authors", "aut"),
    ("translator", "trl"),
    ("compiler", "com"),
    ("editor", "edt"),
)
ROLE_LABELS = {"aut": "Author", "trl": "Translator", "com": "Compiler", "edt": "Editor"}


class PageStart(Protocol):
    """Where a page of the print edition starts (``pipeline.writers.pagemap.PageStart``)."""

    @property
    def page(self) -> int: ...
    @property
    def block_id(self) -> str: ...
    @property
    def offset(self) -> int: ...


def write_epub(
    doc: Document, ctx: Context, page_starts: Sequence[PageStart] | None = None
) -> bytes:
    """Build the EPUB of `doc`. `page_starts` defaults to the print edition's page map."""
    if page_starts is None:
        page_starts = _print_page_starts(doc, ctx)
    doc = _with_unique_ids(doc)
    book = _Book(doc, page_starts)
    return book.package()


def epub_identifier(meta: Meta) -> str:
    """The EPUB's unique identifier: the editor's own, else a uuid5 of the document id."""
    if meta.identifier.strip():
        return meta.identifier.strip()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, IDENTIFIER_BASE + meta.id)}"


def print_identifier(meta: Meta) -> str:
    """The print (PDF) edition's identifier: the `dc:source` the page-list's numbers come from."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, IDENTIFIER_BASE + meta.id + '/print')}"


def modified_date(meta: Meta) -> datetime:
    """`dcterms:modified` from `meta.modified`, else `meta.date`, else FALLBACK_MODIFIED."""
    for name in ("modified", "date"):
        value = getattr(meta, name).strip()
        if not value:
            continue
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            log.warning(
                "meta.%s %r is not an ISO 8601 date; not used for dcterms:modified",
                name,
                value,
            )
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).replace(microsecond=0)
    return FALLBACK_MODIFIED


# --- page starts --------------------------------------------------------------------------------


def _print_page_starts(doc: Document, ctx: Context) -> Sequence[PageStart]:
    try:
        from pipeline.writers.pagemap import print_page_starts
    except ImportError:
        # TODO(#4): the print page map (pagemap.py) lands with the PDF writer.
        return ()
    try:
        return print_page_starts(doc, ctx)
    except PipelineError as error:
        # The ebook does not depend on the print layout succeeding: it is built without a
        # page-list (and without claiming page navigation), and the reason is logged.
        log.warning("no page-list: the print layout failed: %s", error)
        return ()


def _word_start(text: str, offset: int) -> int:
    """Move a page start to the beginning of its word: a page that opens with the second half
    of a word hyphenated across pages is cited from that word (DAISY KB, "Page navigation")."""
    offset = max(0, min(offset, len(text)))
    while offset < len(text) and text[offset].isspace():
        offset += 1
    while offset > 0 and not text[offset - 1].isspace():
        offset -= 1
    return offset


def _insert_markers(content: Inlines, marks: Sequence[tuple[int, int]]) -> Inlines:
    """Insert `NoteRef(marker)` at each (offset in inline_text(content), marker) in `marks`.

    Markers are negative numbers: the writer's note_call turns them into page-break spans, so the
    shared `render_block` markup is reused unchanged (a writer-local value, never in a Document).
    A page that starts inside an intervention's words is marked inside it.
    """
    pending = sorted(marks)
    out, rest = _insert_into(content, pending, 0)
    out.extend(NoteRef(marker) for _, marker in rest)
    return tuple(out)


def _insert_into(
    content: Inlines, pending: list[tuple[int, int]], position: int
) -> tuple[list[Inline], list[tuple[int, int]]]:
    out: list[Inline] = []
    for node in content:
        width = len(inline_text((node,)))
        if isinstance(node, Text):
            cut = 0
            while pending and pending[0][0] < position + width:
                split = max(pending[0][0] - position, cut)
                if split > cut:
                    out.append(Text(node.text[cut:split]))
                    cut = split
                out.append(NoteRef(pending.pop(0)[1]))
            if cut < width:
                out.append(Text(node.text[cut:]))
        elif isinstance(node, Intervention):
            opening = len(SUPPLIED_OPEN) if node.kind == "supply" else 0
            inner, pending = _insert_into(node.content, pending, position + opening)
            out.append(replace(node, content=tuple(inner)))
        else:
            # A page that starts inside an editorial bracket is marked before the bracket.
            while width and pending and pending[0][0] < position + width:
                out.append(NoteRef(pending.pop(0)[1]))
            out.append(node)
        position += width
    return out, pending


def _anchor(correction_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", correction_id)


# --- ids ----------------------------------------------------------------------------------------


def _with_unique_ids(doc: Document) -> Document:
    """Give every block and session a unique, non-empty id that cannot clash with the writer's
    own (`note-N`, `page-N`…): links, notes and page breaks all need one (EPUBCheck RSC-005)."""
    seen: set[str] = set()
    counter = 0

    def fix(kind: str, id_: str, line: int) -> str:
        nonlocal counter
        if id_ and id_ not in seen and not RESERVED_ID.fullmatch(id_) and not re.search(r"\s", id_):
            seen.add(id_)
            return id_
        counter += 1
        new = f"epub-{kind}-{counter}"
        while new in seen:
            counter += 1
            new = f"epub-{kind}-{counter}"
        if id_:
            log.warning(
                "%s id %r (line %d) is duplicate or reserved; the EPUB uses %r",
                kind,
                id_,
                line,
                new,
            )
        seen.add(new)
        return new

    def blocks(items: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(replace(b, id=fix("block", b.id, b.line)) for b in items)

    header = replace(doc.header, blocks=blocks(doc.header.blocks))
    sessions = tuple(
        replace(s, id=fix("session", s.id, s.line), blocks=blocks(s.blocks)) for s in doc.sessions
    )
    return replace(doc, header=header, sessions=sessions)


# --- the book -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _File:
    """One XHTML file of the spine, as planned before rendering."""

    name: str
    label: str
    notes: list[int] = field(default_factory=list)  # note numbers whose aside lives here


class _Book:
    """Plans the files, renders them, and packages them with EbookLib."""

    def __init__(self, doc: Document, page_starts: Sequence[PageStart]) -> None:
        self.doc = doc
        self.meta = doc.meta
        self.lang = _language(doc.meta)
        self.title = _title(doc)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,  # text from a source can never become markup (NOTES.md, Security)
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
        self.notes: dict[int, Note] = {}
        for note in doc.notes:
            if note.number in self.notes:
                log.warning("note %d is defined twice; the EPUB keeps the first", note.number)
                continue
            self.notes[note.number] = note
        self.titlepage = _File("title.xhtml", "Title page")
        self.chapters = [
            _File(f"chapter-{i:02d}.xhtml", self._session_label(s))
            for i, s in enumerate(doc.sessions, 1)
        ]
        self.nav = _File("nav.xhtml", "Contents")
        self.editorial = _File("editorial.xhtml", "Editorial note")
        self.colophon = _File("colophon.xhtml", "Colophon")
        self.cover_page = _File("cover.xhtml", "Cover")
        self.last_chapter = self.chapters[-1] if self.chapters else self.titlepage
        self.note_home = self._place_notes()
        self.id_file = self._locate_ids()
        self.markers: dict[int, int] = {}  # marker (negative) -> page number
        self.page_marks, self.pages = self._resolve_pages(page_starts)
        self.ref_count: dict[int, int] = {}
        self.current: _File = self.titlepage
        # Entries whose words stand in the text as a node (an entry that changed only export
        # markup has none): those words and their row link to each other.
        kinds = {c.id: c.kind for c in doc.corrections}
        self.linked = frozenset(
            node.correction
            for content in all_inlines(doc)
            for node in interventions(content)
            if kinds.get(node.correction) in LINKED_KINDS
        )

    # --- planning ---------------------------------------------------------------------------

    def _session_label(self, session: Session) -> str:
        return " ".join(inline_text(session.heading).split()) or self.title

    def _place_notes(self) -> dict[int, str]:
        """Each note lives in the file of its first call; a note never called goes to the last
        chapter (with a warning), so no note is ever dropped."""
        home: dict[int, str] = {}
        header = self.doc.header
        header_inlines = [
            header.title,
            header.dateline,
            *(b.content for b in header.blocks),
        ]
        units: list[tuple[_File, list[Inlines]]] = [(self.titlepage, header_inlines)]
        for chapter, session in zip(self.chapters, self.doc.sessions, strict=True):
            units.append((chapter, [session.heading, *(b.content for b in session.blocks)]))
        for file, contents in units:
            for content in contents:
                for number in note_refs(content):
                    if number in self.notes and number not in home:
                        home[number] = file.name
                        file.notes.append(number)
                    elif number not in self.notes:
                        log.warning("note call %d has no note; shown as plain text", number)
        last = self.last_chapter
        for number in self.notes:
            if number not in home:
                log.warning("note %d is never called; placed after the last chapter", number)
                home[number] = last.name
                last.notes.append(number)
        return home

    def _locate_ids(self) -> dict[str, str]:
        """Which file holds each element id (for corrections and the page-list)."""
        where = {"title": self.titlepage.name}
        for block in self.doc.header.blocks:
            where[block.id] = self.titlepage.name
        for chapter, session in zip(self.chapters, self.doc.sessions, strict=True):
            where[session.id] = chapter.name
            for block in session.blocks:
                where[block.id] = chapter.name
        for number, note in self.notes.items():
            if note.id:
                where.setdefault(note.id, self.note_home[number])
        return where

    def _element_texts(self) -> dict[str, tuple[str, str]]:
        """Every element a print page may start in, keyed by the id the page map uses
        (``pagemap.element_texts``), in the EPUB's reading order: (file name, visible text)."""
        doc = self.doc
        out: dict[str, tuple[str, str]] = {"title": (self.titlepage.name, "")}
        for block in doc.header.blocks:
            out[block.id] = (self.titlepage.name, block_text(block))
        units: list[tuple[_File, Session | None]] = [
            (self.titlepage, None),
            *zip(self.chapters, doc.sessions, strict=True),
        ]
        for file, session in units:
            if session is not None:
                out[session.id] = (file.name, inline_text(session.heading))
                for block in session.blocks:
                    out[block.id] = (file.name, block_text(block))
            if file is self.last_chapter:
                # The print edition's "Notes" section: in the EPUB the notes are in their
                # chapters, so its page starts where the last chapter's text ends.
                out[ENDNOTES_ID] = (file.name, "")
            for number in file.notes:
                note = self.notes[number]
                out[_page_map_note_id(note)] = (file.name, _note_text(note))
        out[EDITORIAL_ID] = (self.editorial.name, "")
        return out

    def _resolve_pages(
        self, page_starts: Sequence[PageStart]
    ) -> tuple[dict[str, list[tuple[int, int]]], list[tuple[int, str]]]:
        """Map each page start to (offset, marker) on its element; pages in reading order."""
        texts = self._element_texts()
        marks: dict[str, list[tuple[int, int]]] = {}
        seen_pages: set[int] = set()
        for start in page_starts:
            if start.page in seen_pages:
                log.warning("print page %d starts twice; the page-list keeps the first", start.page)
                continue
            if start.block_id not in texts:
                log.warning(
                    "print page %d starts in unknown element %r; left out of the page-list",
                    start.page,
                    start.block_id,
                )
                continue
            seen_pages.add(start.page)
            marker = -(len(self.markers) + 1)
            self.markers[marker] = start.page
            offset = _word_start(texts[start.block_id][1], start.offset)
            marks.setdefault(start.block_id, []).append((offset, marker))
        order = {element_id: i for i, element_id in enumerate(texts)}
        pages = sorted(
            (
                (self.markers[marker], block_id, offset)
                for block_id, found in marks.items()
                for offset, marker in found
            ),
            key=lambda item: (order[item[1]], item[2]),
        )
        return marks, [(page, texts[block_id][0]) for page, block_id, _ in pages]

    # --- rendering --------------------------------------------------------------------------

    def _intervention(self, node: Intervention, words: Markup) -> Markup:
        """An entry of the editorial note links its words there, and the note links back to
        them (`emendation-<id>`). Words holding a note call get an anchor only: a link may not
        hold another link."""
        marked = editors_marks(node, words)
        if node.correction not in self.linked:
            return marked
        anchor = _anchor(node.correction)
        # (Negative numbers are the writer's page-break markers, not note calls.)
        if any(n > 0 for n in note_refs(node.content)) or not node.content:
            return Markup('<span class="emendation" id="emendation-{}">{}</span>').format(
                anchor, marked
            )
        return Markup(
            '<a class="emendation" id="emendation-{0}" href="{1}#correction-{0}">{2}</a>'
        ).format(anchor, self.editorial.name, marked)

    def _note_call(self, number: int) -> Markup:
        if number < 0:
            page = self.markers[number]
            return Markup(
                '<span epub:type="pagebreak" role="doc-pagebreak" id="page-{0}" aria-label="{0}"/>'
            ).format(page)
        home = self.note_home.get(number)
        if home is None:
            return Markup('<sup class="noteref-missing">{}</sup>').format(number)
        count = self.ref_count[number] = self.ref_count.get(number, 0) + 1
        ref_id = f"noteref-{number}" if count == 1 else f"noteref-{number}-{count}"
        href = f"#note-{number}" if home == self.current.name else f"{home}#note-{number}"
        return Markup('<a epub:type="noteref" role="doc-noteref" href="{}" id="{}">{}</a>').format(
            href, ref_id, number
        )

    def _note_call_in_note(self, number: int) -> Markup:
        # A call inside a note links to the other note but is no reference of its own: the
        # called note links back to its call in the text.
        if number < 0:
            return self._note_call(number)  # a page break inside the note
        home = self.note_home.get(number)
        if home is None:
            return Markup('<sup class="noteref-missing">{}</sup>').format(number)
        href = f"#note-{number}" if home == self.current.name else f"{home}#note-{number}"
        return Markup('<a epub:type="noteref" role="doc-noteref" href="{}">{}</a>').format(
            href, number
        )

    def _split(self, element_id: str, content: Inlines, prefix: int) -> tuple[Markup, Inlines]:
        """Page breaks for an element: markup to put before it (a page that starts at the
        element's first word or in a speaker's label) and content with the rest inserted."""
        before: list[Markup] = []
        inside: list[tuple[int, int]] = []
        for offset, marker in self.page_marks.get(element_id, ()):
            if offset == 0 or offset < prefix:
                before.append(self._note_call(marker))
            else:
                inside.append((offset - prefix, marker))
        return Markup("").join(before), _insert_markers(content, inside) if inside else content

    def _block(self, block: Block) -> Markup:
        prefix = len(block_text(block)) - len(inline_text(block.content))
        before, content = self._split(block.id, block.content, prefix)
        block = replace(block, content=content)
        match block:
            case Subheading(id=id_):
                # h2, not the shared h3: in the EPUB each session is its own file with one h1, and
                # a skipped level is an Ace "heading-order" finding.
                body = render_inlines(block.content, self._note_call, self._intervention)
                return before + Markup('<h2 class="subheading" id="{}">{}</h2>').format(id_, body)
            case Paragraph() | Turn() | Omission() | Closing() | Field():
                return before + render_block(block, self._note_call, self._intervention)
            case _:
                assert_never(block)

    def _notes_for(self, file: _File) -> list[dict[str, object]]:
        views = []
        for number in file.notes:
            note = self.notes[number]
            marks = self.page_marks.get(_page_map_note_id(note), [])
            paragraphs = []
            start = 0
            for index, paragraph in enumerate(note.paragraphs):
                # Page-map offsets count the paragraphs joined by one space.
                end = start + len(inline_text(paragraph)) + 1
                last = index == len(note.paragraphs) - 1
                inside = [(o - start, m) for o, m in marks if start <= o and (o < end or last)]
                content = _insert_markers(paragraph, inside) if inside else paragraph
                paragraphs.append(
                    render_inlines(content, self._note_call_in_note, self._intervention)
                )
                start = end
            views.append(
                {
                    "anchor": f"note-{number}",
                    "number": number,
                    "backlink": f"#noteref-{number}" if number in self.ref_count else "",
                    "paragraphs": paragraphs or [Markup("")],
                }
            )
        return views

    def _render(self, template: str, file: _File, matter: str, **values: object) -> bytes:
        text = self.env.get_template(template).render(
            lang=self.lang,
            title=file.label,
            stylesheet=CSS_FILE,
            matter=matter,
            **values,
        )
        # Bytes, never str: a str starting with an XML declaration is written as an empty file
        # (NOTES.md EbookLib item 1).
        return text.encode("utf-8")

    def _render_titlepage(self) -> bytes:
        self.current = self.titlepage
        header = self.doc.header
        # As in print (pdf._title_markup): the edition's title is the metadata's, followed by
        # any note the source hung on its own title line.
        title = (Text(self.title), *(NoteRef(n) for n in note_refs(header.title)))
        before, title = self._split("title", title, 0)
        values = {
            "heading_id": "title",
            "before_heading": before,
            "heading": render_inlines(title, self._note_call, self._intervention),
            "subtitle": self.meta.subtitle,
            "dateline": render_inlines(header.dateline, self._note_call, self._intervention),
            "blocks": [self._block(b) for b in header.blocks] + self._endnotes_mark(self.titlepage),
        }
        return self._render(
            "titlepage.xhtml.j2",
            self.titlepage,
            "frontmatter",
            notes=self._notes_for(self.titlepage),
            **values,
        )

    def _endnotes_mark(self, file: _File) -> list[Markup]:
        if file is not self.last_chapter or ENDNOTES_ID not in self.page_marks:
            return []
        return [self._split(ENDNOTES_ID, (), 0)[0]]

    def _render_chapter(self, chapter: _File, session: Session) -> bytes:
        self.current = chapter
        heading = session.heading or (Text(self.title),)
        before, heading = self._split(session.id, heading, 0)
        time = ""
        if session.time and session.time.start not in inline_text(session.heading):
            time = "–".join(t for t in (session.time.start, session.time.end) if t)
        values = {
            "heading_id": session.id,
            "before_heading": before,
            "heading": render_inlines(heading, self._note_call, self._intervention),
            "time": time,
            "blocks": [self._block(b) for b in session.blocks] + self._endnotes_mark(chapter),
        }
        return self._render(
            "chapter.xhtml.j2",
            chapter,
            "bodymatter",
            notes=self._notes_for(chapter),
            **values,
        )

    def _render_nav(self) -> bytes:
        self.current = self.nav
        chapters = []
        for chapter, session in zip(self.chapters, self.doc.sessions, strict=True):
            subheadings = [
                {
                    "href": f"{chapter.name}#{b.id}",
                    "label": inline_text(b.content),
                    "children": [],
                }
                for b in session.blocks
                if isinstance(b, Subheading) and inline_text(b.content).strip()
            ]
            chapters.append({"href": chapter.name, "label": chapter.label, "children": subheadings})
        toc = [
            {"href": self.titlepage.name, "label": self.title, "children": chapters},
            {
                "href": self.editorial.name,
                "label": self.editorial.label,
                "children": [],
            },
            {"href": self.colophon.name, "label": self.colophon.label, "children": []},
        ]
        first_body = self.chapters[0].name if self.chapters else self.titlepage.name
        landmarks = [
            {"kind": "cover", "href": self.cover_page.name, "label": "Cover"},
            {"kind": "titlepage", "href": self.titlepage.name, "label": "Title page"},
            {"kind": "toc", "href": f"{self.nav.name}#toc", "label": "Contents"},
            {"kind": "bodymatter", "href": first_body, "label": "Start of the record"},
            {"kind": "colophon", "href": self.colophon.name, "label": "Colophon"},
        ]
        pages = [{"href": f"{name}#page-{page}", "label": str(page)} for page, name in self.pages]
        return self._render(
            "nav.xhtml.j2",
            self.nav,
            "frontmatter",
            toc=toc,
            landmarks=landmarks,
            pages=pages,
        )

    def _render_editorial(self) -> bytes:
        self.current = self.editorial
        note = apparatus(self.doc)
        sections = []
        for section in note.sections:
            rows = []
            for correction in section.entries:
                href, _ = self._correction_target(correction.block_id)
                if href and correction.id in self.linked:
                    href = f"{href.split('#')[0]}#emendation-{_anchor(correction.id)}"
                rows.append(
                    {
                        "anchor": "correction-" + _anchor(correction.id),
                        "href": href,
                        "where": correction_place(self.doc, correction),
                        "reading": shown_reading(correction),
                        "source": correction.source_reading,
                        "reason": correction.reason,
                        "note": correction.note,
                    }
                )
            sections.append({"heading": section.heading, "intro": section.intro, "rows": rows})
        return self._render(
            "editorial.xhtml.j2",
            self.editorial,
            "backmatter",
            before_heading=self._split(EDITORIAL_ID, (), 0)[0],
            policy=note.policy,
            sections=sections,
            regularised=note.regularised,
            empty=NO_CORRECTIONS if note.empty else "",
        )

    def _correction_target(self, block_id: str) -> tuple[str, str]:
        for number, note in self.notes.items():
            if block_id and note.id == block_id:
                return f"{self.note_home[number]}#note-{number}", f"Note {number}"
        file_name = self.id_file.get(block_id) if block_id else None
        if file_name is None:
            if block_id:
                log.warning(
                    "correction target %r is not in the document; listed unlinked",
                    block_id,
                )
            return "", ""
        label = next(f.label for f in (self.titlepage, *self.chapters) if f.name == file_name)
        return f"{file_name}#{block_id}", label

    def _render_colophon(self) -> bytes:
        self.current = self.colophon
        meta = self.meta
        entries: list[dict[str, str]] = [{"label": "Title", "value": self.title, "href": ""}]
        for attribute, role in ROLES:
            for name in _names(getattr(meta, attribute)):
                entries.append({"label": ROLE_LABELS[role], "value": name, "href": ""})
        for label, value in (("Archive", meta.archive), ("Source", meta.citation)):
            if value.strip():
                entries.append({"label": label, "value": value.strip(), "href": ""})
        if meta.source_url.strip():
            url = meta.source_url.strip()
            # Only web addresses become links: a `javascript:` or `file:` URL stays text.
            href = url if re.match(r"https?://", url) else ""
            entries.append({"label": "Online", "value": url, "href": href})
        for label, value in (("Publisher", meta.publisher), ("Rights", meta.rights)):
            if value.strip():
                entries.append({"label": label, "value": value.strip(), "href": ""})
        entries.append({"label": "Identifier", "value": epub_identifier(meta), "href": ""})
        entries.append(
            {
                "label": "Edition date",
                "value": modified_date(meta).date().isoformat(),
                "href": "",
            }
        )
        paragraphs = []
        if self.pages:
            paragraphs.append(
                "Page numbers (in the page list) are those of the print edition, "
                f"{print_identifier(meta)}, built from the same text."
            )
        return self._render(
            "colophon.xhtml.j2",
            self.colophon,
            "backmatter",
            entries=entries,
            paragraphs=paragraphs,
        )

    # --- packaging --------------------------------------------------------------------------

    def package(self) -> bytes:
        meta = self.meta
        cover = render_cover(self.title, _cover_date(meta))
        files: list[tuple[_File, bytes]] = [
            (
                self.cover_page,
                self._render(
                    "cover.xhtml.j2",
                    self.cover_page,
                    "cover",
                    image=COVER_IMAGE,
                    alt=cover.alt,
                ),
            ),
            (self.titlepage, self._render_titlepage()),
        ]
        for chapter, session in zip(self.chapters, self.doc.sessions, strict=True):
            files.append((chapter, self._render_chapter(chapter, session)))
        files.append((self.editorial, self._render_editorial()))
        files.append((self.colophon, self._render_colophon()))
        nav = self._render_nav()  # last: the page-list needs every page break placed

        book = epub.EpubBook()
        self._metadata(book, bool(self.pages))
        items = {}
        for file, content in files:
            stem = file.name.removesuffix(".xhtml")
            items[file.name] = epub.EpubItem(
                uid=stem, file_name=file.name, media_type=XHTML, content=content
            )
            book.add_item(items[file.name])
        # Our own nav as a raw item (NOTES.md EbookLib items 2, 5 and 7).
        nav_item = epub.EpubItem(uid="nav", file_name=self.nav.name, media_type=XHTML, content=nav)
        nav_item.properties = ["nav"]
        book.add_item(nav_item)
        book.add_item(
            epub.EpubItem(
                uid="css",
                file_name=CSS_FILE,
                media_type="text/css",
                content=STYLESHEET.read_bytes(),
            )
        )
        cover_image = epub.EpubCover(uid="cover-image", file_name=COVER_IMAGE)
        cover_image.media_type = "image/png"
        cover_image.content = cover.png
        book.add_item(cover_image)
        # The EPUB 2 cover hint, for older readers; the page itself is in the spine and the
        # landmarks (NOTES.md item 8).
        book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
        book.add_item(epub.EpubNcx())  # the spine always says toc="ncx" (NOTES.md item 4)
        book.toc = [
            epub.Link(file.name, file.label, file.name.removesuffix(".xhtml"))
            for file in (self.titlepage, *self.chapters, self.editorial, self.colophon)
        ]
        spine_names = [self.cover_page.name, self.titlepage.name]
        book.spine = (
            [items[n] for n in spine_names]
            + [nav_item]
            + [items[f.name] for f in (*self.chapters, self.editorial, self.colophon)]
        )
        book.guide = [
            {"type": "cover", "href": self.cover_page.name, "title": "Cover"},
            {"type": "toc", "href": self.nav.name, "title": "Contents"},
            {
                "type": "text",
                "href": (self.chapters[0] if self.chapters else self.titlepage).name,
                "title": "Start of the record",
            },
        ]
        out = io.BytesIO()
        writer = _Writer(
            out,
            book,
            self.lang,
            {
                "epub3_pages": False,  # its page-list would list notes and calls (NOTES.md item 5)
                "epub3_landmark": False,
                "raise_exceptions": True,  # NOTES.md item 10
                "mtime": modified_date(meta),  # NOTES.md item 6: never now()
            },
        )
        writer.process()
        writer.write()
        return _pin_zip(out.getvalue())

    def _metadata(self, book: epub.EpubBook, has_pages: bool) -> None:
        meta = self.meta
        book.set_identifier(epub_identifier(meta))
        book.set_title(self.title)
        if meta.subtitle.strip():
            book.add_metadata("DC", "title", meta.subtitle.strip(), {"id": "subtitle"})
            book.add_metadata(
                None,
                "meta",
                "subtitle",
                {"refines": "#subtitle", "property": "title-type"},
            )
        book.set_language(self.lang)
        # One id per creator: EbookLib's add_author reuses id="creator" (NOTES.md item 7).
        index = 0
        for attribute, role in ROLES:
            for name in _names(getattr(meta, attribute)):
                index += 1
                book.add_metadata("DC", "creator", name, {"id": f"creator-{index}"})
                book.add_metadata(
                    None,
                    "meta",
                    role,
                    {
                        "refines": f"#creator-{index}",
                        "property": "role",
                        "scheme": "marc:relators",
                    },
                )
        if ISO_DATE.fullmatch(meta.date.strip()):
            book.add_metadata("DC", "date", meta.date.strip())
        elif meta.date.strip():
            log.warning("meta.date %r is not an ISO 8601 date; dc:date left out", meta.date)
        for name, value in (
            ("publisher", meta.publisher),
            ("rights", meta.rights),
            ("description", meta.description),
        ):
            if value.strip():
                book.add_metadata("DC", name, value.strip())
        for source in (meta.citation, meta.source_url):
            if source.strip():
                book.add_metadata("DC", "source", source.strip())
        for subject in meta.subjects:
            if subject.strip():
                book.add_metadata("DC", "subject", subject.strip())
        if has_pages:
            # EPUB 3.3 §D.3.11 source-of: this dc:source is where the page-list comes from.
            book.add_metadata("DC", "source", print_identifier(meta), {"id": "print-source"})
            book.add_metadata(
                None,
                "meta",
                "pagination",
                {"refines": "#print-source", "property": "source-of"},
            )
        self._accessibility(book, has_pages)

    def _accessibility(self, book: epub.EpubBook, has_pages: bool) -> None:
        """The EPUB Accessibility 1.1 discovery metadata (§2 and §3 of that spec)."""
        features = [
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "alternativeText",
            "displayTransformability",
        ]
        if has_pages:
            features += ["pageBreakMarkers", "pageNavigation", "printPageNumbers"]
        properties: list[tuple[str, str]] = [
            ("schema:accessMode", "textual"),
            ("schema:accessMode", "visual"),  # the cover image
            ("schema:accessModeSufficient", "textual"),
            *(("schema:accessibilityFeature", f) for f in features),
            ("schema:accessibilityHazard", "none"),
            ("schema:accessibilitySummary", self._summary(has_pages)),
            ("dcterms:conformsTo", CONFORMS_TO),
            # EPUB Accessibility 1.1 §5.2: a conformance claim names who evaluated it. Without a
            # publisher that is the build's own checks, and the value says so.
            ("a11y:certifiedBy", self.meta.publisher.strip() or SELF_EVALUATION),
        ]
        for prop, value in properties:
            book.add_metadata(None, "meta", value, {"property": prop})

    def _summary(self, has_pages: bool) -> str:
        summary = (
            "This edition is text with structural markup: each session is a chapter with its "
            "heading, speakers are marked, notes are linked both ways, and a table of contents "
            "and landmarks lead to every part. The only image, the cover, has a text "
            "description. No fonts, colours or sizes are imposed."
        )
        if has_pages:
            summary += " Page breaks and a page list follow the print edition."
        return summary


class _Writer(epub.EpubWriter):
    """EbookLib's writer, plus `xml:lang` on the package element, which it cannot set and which
    Ace reports as serious when missing (issue 4)."""

    def __init__(self, out: io.BytesIO, book: epub.EpubBook, lang: str, options: dict) -> None:
        super().__init__(out, book, options)
        self.lang = lang

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.lang)
        super()._write_opf_file(root)


def _pin_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed entry dates and attributes (NOTES.md item 6): `mimetype`
    first and stored (OCF §4.3), everything else deflated, in EbookLib's order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        names = source.namelist()
        names.sort(key=lambda name: name != "mimetype")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # ZipInfo picks 0 on Windows, 3 elsewhere: pin it
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()


def _page_map_note_id(note: Note) -> str:
    """The id the print edition gives a note (``pdf.note_id``), which page starts refer to."""
    return note.id or f"note-{note.number}"


def _note_text(note: Note) -> str:
    """A note's text as page-map offsets count it (``pagemap.note_text``)."""
    return " ".join(inline_text(paragraph) for paragraph in note.paragraphs)


def _language(meta: Meta) -> str:
    lang = meta.language.strip()
    if LANGUAGE_TAG.fullmatch(lang):
        return lang
    log.warning("language %r is not a BCP 47 tag; the EPUB says 'und' (undetermined)", lang)
    return "und"


def _title(doc: Document) -> str:
    for candidate in (
        doc.meta.title,
        doc.meta.source_title,
        inline_text(doc.header.title),
    ):
        title = " ".join(candidate.split())
        if title:
            return title
    log.warning("the document has no title; the EPUB uses its id %r", doc.meta.id)
    return doc.meta.id or "Untitled record"


def _cover_date(meta: Meta) -> str:
    """The date as the source spells it ("8 October 1973"), else the ISO date."""
    return " ".join((meta.dateline or meta.date).split())


def _names(value: str | Iterable[str]) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in values if v.strip()]
