"""Turn a Document and the print edition's page starts into a frozen plan of the ebook.

The plan decides everything that depends on more than one file, before anything is rendered:
which files the book has and in what order, the ids every element gets, which file each note
lives in (the file of its first call, so a reading system can show it as a pop-up), how the
calls of a note are numbered across files, which element each print page starts in and at which
word, and which interventions link to the editorial note. Rendering a file then needs only the
plan and what that file shows (`render.py`), in any order.

Every decision that changes what the reader gets (a duplicate id renamed, a note never called,
a page start that cannot be placed) is logged as a warning naming what it changed.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Protocol, TypeVar

from pipeline.metadata import LANGUAGE_TAG
from pipeline.model import (
    Block,
    Document,
    Inlines,
    Meta,
    Note,
    block_text,
    inline_text,
    interventions,
    note_refs,
)
from pipeline.writers.shared import (
    FALLBACK_TITLE,
    edition_title,
    note_id,
    session_label,
)

log = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")

# Back-matter sections of the print edition a page may start in (``pagemap.BACK_MATTER_IDS``):
# the "Notes" section (in the EPUB the notes stay in their chapters, so such a page starts
# where the last text file's words end) and the editorial note.
ENDNOTES_ID = "endnotes"
EDITORIAL_ID = "editorial-note"
TITLE_ID = "title"

# Ids the writer gives its own elements; a document id that looks like one is renamed.
RESERVED_ID = re.compile(
    r"(note|noteref|page|correction|emendation)-.*|title|toc|toc-heading|landmarks.*|"
    r"page-list.*|colophon-heading|editorial-heading|epub-.*"
)

# The kinds of intervention the editorial note lists one by one: their words link to the entry.
LINKED_KINDS = frozenset({"emend", "supply", "sic", "keep"})


class PageStart(Protocol):
    """Where a page of the print edition starts (``pipeline.writers.pagemap.PageStart``)."""

    @property
    def page(self) -> int: ...
    @property
    def block_id(self) -> str: ...
    @property
    def offset(self) -> int: ...


@dataclass(frozen=True, slots=True)
class BookFile:
    """One XHTML file of the book: its name, its label (its `<title>` and contents entry), the
    `epub:type` of its body, and the notes whose asides it holds (by number, in call order)."""

    name: str
    label: str
    matter: str
    notes: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class PageMark:
    """Print page `page` starts at character `offset` of an element's visible text, at a word
    start (the text `pagemap.py` counts in: `block_text`, a heading, a note's paragraphs)."""

    page: int
    offset: int


@dataclass(frozen=True, slots=True)
class PageEntry:
    """A page of the page-list: its number, the file its marker is in, and where in the book's
    reading order that marker stands (for the NCX's playOrder)."""

    page: int
    file: str
    order: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class BookPlan:
    """Everything about the book that more than one file depends on."""

    doc: Document  # with every id unique and not one of the writer's own
    title: str
    lang: str
    paper: str  # the paper of the print edition the page-list follows (context.PAPER_SIZES)
    cover: BookFile
    titlepage: BookFile
    chapters: tuple[BookFile, ...]  # one per session, in order
    nav: BookFile
    editorial: BookFile
    colophon: BookFile
    notes: Mapping[int, Note]  # the first definition of each number
    note_home: Mapping[int, str]  # note number → file holding its aside
    calls_before: Mapping[str, Mapping[int, int]]  # file → note → its calls in earlier files
    called: frozenset[int]  # notes called from the text (their number links back)
    element_file: Mapping[str, str]  # element id → file holding it
    element_order: Mapping[str, tuple[int, int]]  # element id → (spine index, index in file)
    page_marks: Mapping[str, tuple[PageMark, ...]]  # element id → page starts in it
    pages: tuple[PageEntry, ...]  # in the book's reading order
    linked: Mapping[str, str]  # correction id → file holding its words (they link both ways)

    @property
    def text_files(self) -> tuple[BookFile, ...]:
        """The files holding the record's own words: the title page and the chapters."""
        return (self.titlepage, *self.chapters)

    @property
    def last_text_file(self) -> BookFile:
        return self.chapters[-1] if self.chapters else self.titlepage

    @property
    def spine(self) -> tuple[BookFile, ...]:
        """Reading order: cover, title page, contents, the record, editorial note, colophon."""
        return (
            self.cover,
            self.titlepage,
            self.nav,
            *self.chapters,
            self.editorial,
            self.colophon,
        )

    def marks(self, element_id: str) -> tuple[PageMark, ...]:
        return self.page_marks.get(element_id, ())


def plan_book(doc: Document, page_starts: Sequence[PageStart], paper: str) -> BookPlan:
    """The plan of `doc`'s ebook, its page-list following `page_starts` of the print edition on
    `paper`."""
    doc = with_unique_ids(doc)
    title = edition_title(doc)
    if title == (doc.meta.id or FALLBACK_TITLE) and not doc.meta.title.strip():
        log.warning("the document has no title; the EPUB uses %r", title)
    titlepage = BookFile("title.xhtml", "Title page", "frontmatter")
    chapters = [
        BookFile(f"chapter-{i:02d}.xhtml", session_label(s) or title, "bodymatter")
        for i, s in enumerate(doc.sessions, 1)
    ]
    notes = first_notes(doc.notes)
    units = text_units(doc, titlepage.name, [c.name for c in chapters])
    home, calls_before, called = place_notes(units, notes, (chapters or [titlepage])[-1].name)
    text_files = [titlepage, *chapters]
    text_files = [
        replace(f, notes=tuple(n for n in notes if home.get(n) == f.name)) for f in text_files
    ]
    titlepage, chapters = text_files[0], text_files[1:]
    plan = BookPlan(
        doc=doc,
        title=title,
        lang=book_language(doc.meta),
        paper=paper,
        cover=BookFile("cover.xhtml", "Cover", "cover"),
        titlepage=titlepage,
        chapters=tuple(chapters),
        nav=BookFile("nav.xhtml", "Contents", "frontmatter"),
        editorial=BookFile("editorial.xhtml", "Editorial note", "backmatter"),
        colophon=BookFile("colophon.xhtml", "Colophon", "backmatter"),
        notes=notes,
        note_home=home,
        calls_before=calls_before,
        called=called,
        element_file={},
        element_order={},
        page_marks={},
        pages=(),
        linked={},
    )
    texts = element_texts(plan)
    spine_index = {f.name: i for i, f in enumerate(plan.spine)}
    order = {
        element_id: (spine_index[file], i)
        for i, (element_id, (file, _)) in enumerate(texts.items())
    }
    marks, pages = resolve_pages(texts, order, page_starts)
    return replace(
        plan,
        notes=frozen(notes),
        note_home=frozen(home),
        calls_before=frozen({file: frozen(counts) for file, counts in calls_before.items()}),
        element_file=frozen({element_id: file for element_id, (file, _) in texts.items()}),
        element_order=frozen(order),
        page_marks=frozen(marks),
        pages=pages,
        linked=frozen(linked_corrections(plan)),
    )


def frozen(mapping: Mapping[K, V]) -> Mapping[K, V]:
    """A read-only view of a fresh copy: the plan's maps cannot change once it is made."""
    return MappingProxyType(dict(mapping))


# --- ids and language -------------------------------------------------------------------------


def with_unique_ids(doc: Document) -> Document:
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


def book_language(meta: Meta) -> str:
    lang = meta.language.strip()
    if LANGUAGE_TAG.fullmatch(lang):
        return lang
    log.warning("language %r is not a BCP 47 tag; the EPUB says 'und' (undetermined)", lang)
    return "und"


# --- notes ----------------------------------------------------------------------------------


def first_notes(notes: Sequence[Note]) -> dict[int, Note]:
    """Each note number once: a number defined twice keeps its first text (with a warning)."""
    found: dict[int, Note] = {}
    for note in notes:
        if note.number in found:
            log.warning("note %d is defined twice; the EPUB keeps the first", note.number)
            continue
        found[note.number] = note
    return found


def text_units(doc: Document, titlepage: str, chapters: Sequence[str]) -> list[tuple[str, Inlines]]:
    """Every inline sequence of the record's text, with the file it is shown in, in reading
    order (the order in which `render.py` shows them, so note calls are counted alike)."""
    header = doc.header
    units = [(titlepage, header.title), (titlepage, header.dateline)]
    units += [(titlepage, block.content) for block in header.blocks]
    for name, session in zip(chapters, doc.sessions, strict=True):
        units.append((name, session.heading))
        units += [(name, block.content) for block in session.blocks]
    return units


def place_notes(
    units: Sequence[tuple[str, Inlines]], notes: Mapping[int, Note], last_file: str
) -> tuple[dict[int, str], dict[str, dict[int, int]], frozenset[int]]:
    """Where each note lives (the file of its first call; a note never called goes to the last
    file of the text, with a warning, so no note is ever dropped), how many calls of each note
    precede each file, and which notes are called at all."""
    home: dict[int, str] = {}
    seen: Counter[int] = Counter()
    before: dict[str, dict[int, int]] = {}
    for file, content in units:
        before.setdefault(file, dict(seen))
        for number in note_refs(content):
            if number not in notes:
                log.warning("note call %d has no note; shown as plain text", number)
                continue
            home.setdefault(number, file)
            seen[number] += 1
    called = frozenset(home)
    for number in notes:
        if number not in home:
            log.warning("note %d is never called; placed after the last chapter", number)
            home[number] = last_file
    return home, before, called


def note_text(note: Note) -> str:
    """A note's text as page-map offsets count it (``pagemap.note_text``)."""
    return " ".join(inline_text(paragraph) for paragraph in note.paragraphs)


# --- page starts ----------------------------------------------------------------------------


def element_texts(plan: BookPlan) -> dict[str, tuple[str, str]]:
    """Every element a print page may start in, by the id the page map uses
    (``pagemap.element_texts``), in the EPUB's reading order: (file name, visible text)."""
    doc = plan.doc
    out: dict[str, tuple[str, str]] = {TITLE_ID: (plan.titlepage.name, "")}
    for block in doc.header.blocks:
        out[block.id] = (plan.titlepage.name, block_text(block))
    files = [(plan.titlepage, None), *zip(plan.chapters, doc.sessions, strict=True)]
    for file, session in files:
        if session is not None:
            out[session.id] = (file.name, inline_text(session.heading))
            for block in session.blocks:
                out[block.id] = (file.name, block_text(block))
        if file.name == plan.last_text_file.name:
            out[ENDNOTES_ID] = (file.name, "")
        for number in file.notes:
            out.setdefault(note_id(plan.notes[number]), (file.name, note_text(plan.notes[number])))
    out[EDITORIAL_ID] = (plan.editorial.name, "")
    return out


def word_start(text: str, offset: int) -> int:
    """Move a page start to the beginning of its word: a page that opens with the second half
    of a word hyphenated across pages is cited from that word (DAISY KB, "Page navigation")."""
    offset = max(0, min(offset, len(text)))
    while offset < len(text) and text[offset].isspace():
        offset += 1
    while offset > 0 and not text[offset - 1].isspace():
        offset -= 1
    return offset


def resolve_pages(
    texts: Mapping[str, tuple[str, str]],
    order: Mapping[str, tuple[int, int]],
    page_starts: Sequence[PageStart],
) -> tuple[dict[str, tuple[PageMark, ...]], tuple[PageEntry, ...]]:
    """Each usable page start as a mark on its element, and the pages in reading order (the
    order EPUBCheck NAV-011 asks of a page-list, which need not be the numbers' order)."""
    marks: dict[str, list[PageMark]] = {}
    entries: list[PageEntry] = []
    seen: set[int] = set()
    for start in page_starts:
        if start.page in seen:
            log.warning("print page %d starts twice; the page-list keeps the first", start.page)
            continue
        if start.block_id not in texts:
            log.warning(
                "print page %d starts in unknown element %r; left out of the page-list",
                start.page,
                start.block_id,
            )
            continue
        seen.add(start.page)
        file, text = texts[start.block_id]
        mark = PageMark(start.page, word_start(text, start.offset))
        marks.setdefault(start.block_id, []).append(mark)
        entries.append(PageEntry(start.page, file, (*order[start.block_id], mark.offset)))
    entries.sort(key=lambda entry: entry.order)
    ordered = {
        element: tuple(sorted(found, key=lambda m: m.offset)) for element, found in marks.items()
    }
    return ordered, tuple(entries)


# --- interventions ----------------------------------------------------------------------------


def _inlines_by_file(plan: BookPlan) -> Iterator[tuple[str, Inlines]]:
    yield from text_units(plan.doc, plan.titlepage.name, [c.name for c in plan.chapters])
    for number, note in plan.notes.items():
        for paragraph in note.paragraphs:
            yield plan.note_home[number], paragraph


def linked_corrections(plan: BookPlan) -> dict[str, str]:
    """The entries listed one by one whose words stand in the text as a node (an entry that
    changed only export markup has none), with the file holding them: those words and their
    entry in the editorial note link to each other. Words shown twice cannot both carry the
    entry's anchor, so an entry found more than once links from its row to its block only."""
    kinds = {c.id: c.kind for c in plan.doc.corrections}
    where: dict[str, list[str]] = {}
    for file, content in _inlines_by_file(plan):
        for node in interventions(content):
            if kinds.get(node.correction) in LINKED_KINDS:
                where.setdefault(node.correction, []).append(file)
    linked = {}
    for correction, files in where.items():
        if len(files) == 1:
            linked[correction] = files[0]
        else:
            log.warning(
                "the words of errata entry %r stand in %d places; none links to it",
                correction,
                len(files),
            )
    return linked


def correction_target(plan: BookPlan, correction_id: str, block_id: str) -> str:
    """Where an entry of the editorial note links: its words when they link back, else the
    block, note or heading holding them; "" when the document has no such element."""
    if correction_id in plan.linked:
        return f"{plan.linked[correction_id]}#emendation-{anchor(correction_id)}"
    if not block_id:
        return ""
    for number, note in plan.notes.items():
        if note.id == block_id:
            return f"{plan.note_home[number]}#note-{number}"
    file = plan.element_file.get(block_id)
    return f"{file}#{block_id}" if file else ""


def anchor(correction_id: str) -> str:
    """A correction id as an XML id fragment (entry ids may hold spaces or other characters)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", correction_id)
