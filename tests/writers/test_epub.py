"""Tests for pipeline/writers/epub/: the EPUB is valid, complete, navigable, accessible,
reproducible, and its metadata is what catalogues and reading systems read.

Fixture documents are built with model constructors (STYLE.md §7), so a parser bug cannot fail a
writer test; the end-to-end tests at the bottom build the bundled documents through the whole
pipeline and compare the page-list with the PDF's own pages. Each EPUB is built once per module:
EPUBCheck takes a few seconds per run.
"""

from __future__ import annotations

import io
import logging
import os
import re
import uuid
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from lxml import etree

from pipeline.context import Context
from pipeline.model import (
    Closing,
    Correction,
    Document,
    Editorial,
    Field,
    Header,
    Intervention,
    Meta,
    Note,
    NoteRef,
    Omission,
    Paragraph,
    RuleReport,
    Session,
    Subheading,
    Text,
    Time,
    Turn,
    block_text,
    inline_text,
)
from pipeline.writers import ace
from pipeline.writers.epub import (
    CONFORMS_TO,
    FALLBACK_MODIFIED,
    SELF_EVALUATION,
    epub_identifier,
    print_identifier,
    write_epub,
)
from pipeline.writers.shared import generator

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS_NS}}}type"
NS = {"h": XHTML_NS, "epub": OPS_NS, "opf": OPF_NS, "dc": DC_NS}

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"
INJECTION = '<link rel="attachment" href="file:///etc/passwd">'


@dataclass(frozen=True)
class Start:
    """A print page start, shaped like ``pagemap.PageStart``."""

    page: int
    block_id: str
    offset: int


# --- fixture documents --------------------------------------------------------------------------


def text(*parts: str | int) -> tuple:
    """Inlines from strings (text), ints (note calls) and "[…]" strings (editorial brackets)."""
    out = []
    for part in parts:
        if isinstance(part, int):
            out.append(NoteRef(part))
        elif part.startswith("[") and part.endswith("]"):
            out.append(Editorial(part[1:-1]))
        else:
            out.append(Text(part))
    return tuple(out)


META = Meta(
    id="1973-10-08-test-talks",
    title="Record of Test Talks",
    date="1973-10-08",
    language="en",
    dateline="8 October 1973",
    subtitle="Brezhnev and Tanaka, Moscow",
    authors=("Soviet Ministry of Foreign Affairs",),
    translator="A. Translator",
    compiler="B. Compiler",
    editor="C. Editor",
    archive="Archive of Foreign Policy",
    citation="AVP RF, fond 1, opis 2",
    source_url="https://example.org/record",
    rights="Public domain",
    publisher="Test Press",
    description="A record built for the tests.",
    subjects=("Soviet Union – Foreign relations – Japan",),
    # Three dates that must never be confused (issue 9, "Dates"): the talks, the edition's
    # publication, its last revision.
    published="2024-05-01",
    modified="2024-06-15",
)

SINK = Document(
    meta=META,
    header=Header(
        title=text("RECORD OF TEST TALKS"),
        dateline=text("8 October 1973", 1),
        blocks=(
            Field("The talks were conducted", (), ":", id="h1"),
            Field("From the Soviet side", text("L.I. Brezhnev, A.N. Kosygin"), "–", id="h2"),
            Field("Subject", text("Test & <talks>"), ":", id="h3"),
            Omission(text("[…]", 2), id="h4"),
        ),
    ),
    sessions=(
        Session(
            heading=(),
            id="s0",
            blocks=(Paragraph(text("Before any heading, some words."), id="p0"),),
        ),
        Session(
            heading=text("Morning meeting (11:30-13:40)"),
            time=Time("11:30", "13:40"),
            id="s1",
            blocks=(
                Paragraph(text("At the start the Prime Minister says ", INJECTION, "."), id="p1"),
                Turn(
                    "Tanaka",
                    "Tanaka",
                    text("First of all, I would like", 3, " to thank you."),
                    id="p2",
                ),
                Paragraph(
                    (
                        *text("17 years ago Prime Minister ", "[Ichiro]", " "),
                        Intervention("c2", "emend", text("Hatoyama")),
                        *text(" came."),
                    ),
                    speaker="Tanaka",
                    id="p3",
                ),
                Subheading(text("I. BACKGROUND"), id="p4"),
                Turn(
                    "L.I. Brezhnev", "Brezhnev", text("That’s not our fault (laughter)."), id="p5"
                ),
                Omission(text("[…]", 4), id="p6"),
            ),
        ),
        Session(
            heading=text("Evening meeting", 5),
            id="s2",
            blocks=(
                Turn(
                    "Tanaka",
                    "Tanaka",
                    text("We return", 3, " to the question of the islands."),
                    id="p7",
                ),
                Paragraph(text("Unhyphenated words run across the page here."), id="p8"),
                Closing(text("Recorded by: N.N. Solov’ev."), id="p9"),
            ),
        ),
    ),
    notes=(
        Note(1, (text("The source note."),), id="n1"),
        Note(2, (text("Omitted: the list of experts."),), id="n2"),
        Note(3, (text("First paragraph of a long note."), text("Its second paragraph.")), id="n3"),
        Note(4, (text("Omitted here is a discussion; see note ", 3, "."),), id="n4"),
        Note(5, (text("The evening meeting note."),), id="n5"),
    ),
    corrections=(
        Correction(
            "c1",
            "gratitute",
            "gratitude",
            "typo in the translation",
            block_id="p2",
            session="s1",
            paragraph=3,
            reading="gratitude",
            source_reading="gratitute",
        ),
        Correction(
            "c2",
            "Hatoyma",
            "Hatoyama",
            "misspelt name",
            note="See the index.",
            block_id="p3",
            session="s1",
            paragraph=4,
            reading="Hatoyama",
            source_reading="Hatoyma",
        ),
        Correction(
            "c3",
            "sorce",
            "source",
            "typo",
            block_id="n1",
            note_number=1,
            reading="source",
            source_reading="sorce",
        ),
    ),
    typography=(
        RuleReport("number-range", "number ranges take an en dash", 1),
        RuleReport("unused", "a rule that never fired", 0),
    ),
)

# Page starts as the print edition's page map gives them, with the word each page must open with
# in the EPUB (offsets count a turn's label; "[Ichiro]" counts its brackets).
PAGES = (
    (Start(1, "title", 0), "Record"),  # the edition's title, as in print
    (Start(2, "p2", 14), "of"),  # "Tanaka. First |of all"
    (Start(3, "p3", 30), "[Ichiro]"),  # inside the bracket: before the bracket
    (Start(4, "s2", 0), "Evening"),  # a session heading
    (Start(5, "p7", 0), "Tanaka."),  # at a speaker's label: before the turn
    (Start(6, "p8", 16), "words"),  # mid-word ("Unhyphenated wo|rds"): back to the word start
    (Start(7, "n3", 32), "Its"),  # in a note's second paragraph (endnotes in print)
    (Start(8, "editorial-note", 0), "Editorial"),
)

CTX = Context(id=META.id, source=Path("sources/test/source.txt"))


# --- reading an EPUB back -----------------------------------------------------------------------


@dataclass
class Book:
    data: bytes
    opf: etree._Element
    files: dict[str, etree._Element]  # manifest href -> parsed XHTML
    spine: list[str]

    def nav(self) -> etree._Element:
        return next(root for name, root in self.files.items() if name == "nav.xhtml")

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]

    def dc(self, name: str) -> list[str]:
        return [e.text or "" for e in self.opf.iterfind(f".//dc:{name}", NS)]

    def resolve(self, base: str, href: str) -> etree._Element | None:
        """The element an internal link points at (None: broken)."""
        name, fragment = urldefrag(href)
        root = self.files.get(name or base)
        if root is None:
            return None
        if not fragment:
            return root
        found = root.xpath("//*[@id=$id]", id=fragment)
        return found[0] if found else None


def read_book(data: bytes) -> Book:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_path))
        folder = opf_path.rpartition("/")[0]
        items = {i.get("id"): i for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
        files = {
            item.get("href"): etree.fromstring(archive.read(f"{folder}/{item.get('href')}"))
            for item in items.values()
            if item.get("media-type") == "application/xhtml+xml"
        }
        spine = [items[ref.get("idref")].get("href") for ref in opf.iterfind(".//opf:itemref", NS)]
    return Book(data, opf, files, spine)


def is_noteref(element: etree._Element) -> bool:
    return "noteref" in (element.get(EPUB_TYPE) or "").split()


def visible_text(element: etree._Element) -> str:
    """What a reader sees of an element: its text without note-call numbers."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if not is_noteref(child):
            parts.append(visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def build(doc: Document) -> bytes:
    """An EPUB without a page-list (no print layout)."""
    return write_epub(doc, CTX, page_starts=[])


# --- the kitchen sink ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sink_bytes() -> bytes:
    return write_epub(SINK, CTX, page_starts=[start for start, _ in PAGES])


@pytest.fixture(scope="module")
def sink(sink_bytes: bytes) -> Book:
    return read_book(sink_bytes)


@pytest.fixture(scope="module", autouse=True)
def checks_started(epub_verdicts, sink_bytes: bytes) -> None:  # type: ignore[no-untyped-def]
    """EPUBCheck and Ace take seconds per book and run in other processes: start them on this
    module's books now, so they run while the other tests do (tests/conftest.py). The odd
    book's warnings are the concern of its own test, which builds it again."""
    epub_verdicts.start(sink_bytes)
    epub_verdicts.start(build(EMPTY), ("epubcheck",))
    logger = logging.getLogger()
    level, logger.level = logger.level, logging.ERROR
    try:
        epub_verdicts.start(build_odd(), ("epubcheck",))
    finally:
        logger.level = level


def test_epubcheck_reports_nothing(sink_bytes: bytes, epub_verdicts) -> None:  # type: ignore[no-untyped-def]
    messages = epub_verdicts.epubcheck(sink_bytes)
    assert messages == [], "\n".join(messages)


def test_every_block_is_present_in_reading_order(sink: Book) -> None:
    expected = [(b.id, block_text(b)) for b in SINK.header.blocks]
    for session in SINK.sessions:
        expected += [(b.id, block_text(b)) for b in session.blocks]
    ids = {block_id for block_id, _ in expected}
    found = []
    for name in sink.spine:
        for element in sink.files[name].iter():
            if element.get("id") in ids:
                found.append((element.get("id"), " ".join(visible_text(element).split())))
    assert found == [(i, " ".join(t.split())) for i, t in expected]


def test_one_chapter_per_session_with_its_heading(sink: Book) -> None:
    chapters = [
        sink.files[name]
        for name in sink.spine
        if sink.files[name].find(".//h:section[@role='doc-chapter']", NS) is not None
    ]
    headings = [" ".join(visible_text(c.find(".//h:h1", NS)).split()) for c in chapters]
    # The text before the first heading is a chapter titled from the document.
    assert headings == ["Record of Test Talks", "Morning meeting (11:30-13:40)", "Evening meeting"]
    for chapter in chapters:
        section = chapter.find(".//h:section", NS)
        assert section.get(EPUB_TYPE) == "chapter"
        assert len(chapter.findall(".//h:h1", NS)) == 1
    # Subheadings sit one level below the chapter's h1, never skipping a level.
    assert [visible_text(h) for h in chapters[1].findall(".//h:h2", NS)] == ["I. BACKGROUND"]


def test_speaker_labels_and_editorial_brackets_are_marked_up(sink: Book) -> None:
    chapter = sink.files["chapter-02.xhtml"]
    labels = [visible_text(s) for s in chapter.iterfind(".//h:span[@class='speaker']", NS)]
    assert labels == ["Tanaka.", "L.I. Brezhnev."]
    brackets = [visible_text(s) for s in chapter.iterfind(".//h:span[@class='editorial']", NS)]
    assert brackets == ["[Ichiro]", "[…]"]


def test_source_text_never_becomes_markup(sink: Book) -> None:
    chapter = sink.files["chapter-02.xhtml"]
    assert chapter.find(".//h:link[@rel='attachment']", NS) is None
    assert INJECTION in visible_text(chapter.xpath("//*[@id='p1']")[0])
    assert "Test & <talks>" in visible_text(sink.files["title.xhtml"].xpath("//*[@id='h3']")[0])


def test_every_note_is_an_aside_in_the_file_of_its_first_call(sink: Book) -> None:
    homes = {}
    for name, root in sink.files.items():
        for aside in root.iterfind(".//h:aside", NS):
            assert aside.get(EPUB_TYPE) == "footnote" and aside.get("role") == "doc-footnote"
            homes[aside.get("id")] = (name, aside)
    assert sorted(homes) == [f"note-{n.number}" for n in SINK.notes]
    assert homes["note-1"][0] == "title.xhtml"  # called on the date line
    assert homes["note-2"][0] == "title.xhtml"  # called in the header block
    assert homes["note-3"][0] == "chapter-02.xhtml"  # called again in chapter 3
    assert homes["note-5"][0] == "chapter-03.xhtml"  # called in a session heading
    for note in SINK.notes:
        paragraphs = homes[f"note-{note.number}"][1].findall("h:p", NS)
        texts = [" ".join(visible_text(p).split()) for p in paragraphs]
        expected = [" ".join(inline_text(p).split()) for p in note.paragraphs]
        expected[0] = f"{note.number} {expected[0]}"  # the number is the backlink
        assert texts == expected


def test_every_noteref_resolves_and_every_note_links_back(sink: Book) -> None:
    refs = 0
    for name, root in sink.files.items():
        for link in root.iter(f"{{{XHTML_NS}}}a"):
            if is_noteref(link):
                refs += 1
                assert link.get("role") == "doc-noteref"
                target = sink.resolve(name, link.get("href"))
                assert target is not None and target.get(EPUB_TYPE) == "footnote", link.get("href")
                assert link.text == target.get("id").removeprefix("note-")
            if link.get("role") == "doc-backlink":
                target = sink.resolve(name, link.get("href"))
                assert target is not None and is_noteref(target), link.get("href")
    # Six calls in the text (note 3 twice) and one inside note 4, which has no id of its own.
    assert refs == 7
    ref_ids = [a.get("id") for r in sink.files.values() for a in r.iter() if is_noteref(a)]
    assert ref_ids == [
        "noteref-1",
        "noteref-2",
        "noteref-3",
        "noteref-4",
        None,  # the call inside note 4
        "noteref-5",
        "noteref-3-2",
    ]


def test_every_internal_link_resolves(sink: Book) -> None:
    for name, root in sink.files.items():
        for link in root.iter(f"{{{XHTML_NS}}}a"):
            href = link.get("href")
            if href and not re.match(r"https?:", href):
                assert sink.resolve(name, href) is not None, f"{name}: {href}"


def test_nav_lists_title_sessions_and_subheadings(sink: Book) -> None:
    toc = sink.nav().find(".//h:nav[@id='toc']", NS)
    assert toc.get(EPUB_TYPE) == "toc"
    labels = [" ".join(visible_text(a).split()) for a in toc.iter(f"{{{XHTML_NS}}}a")]
    assert labels == [
        "Record of Test Talks",
        "Record of Test Talks",
        "Morning meeting (11:30-13:40)",
        "I. BACKGROUND",
        "Evening meeting",
        "Editorial note",
        "Colophon",
    ]


def test_landmarks_reach_cover_title_page_body_and_colophon(sink: Book) -> None:
    landmarks = sink.nav().find(".//h:nav[@id='landmarks']", NS)
    found = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter(f"{{{XHTML_NS}}}a")}
    assert found == {
        "cover": "cover.xhtml",
        "titlepage": "title.xhtml",
        "toc": "nav.xhtml#toc",
        "bodymatter": "chapter-01.xhtml",
        "colophon": "colophon.xhtml",
    }
    cover = sink.files["cover.xhtml"].find(".//h:img", NS)
    assert cover.get("role") == "doc-cover"
    assert "Record of Test Talks" in cover.get("alt") and "8 October 1973" in cover.get("alt")
    assert sink.spine[:2] == ["cover.xhtml", "title.xhtml"]


def text_after_markers(book: Book) -> dict[str, str]:
    """For each page break span: the visible text that follows it in its file."""
    out = {}
    for name in book.spine:
        root = etree.fromstring(etree.tostring(book.files[name]))
        spans = root.xpath("//h:span[@role='doc-pagebreak']", namespaces=NS)
        for span in spans:
            span.tail = f"\ue000{span.get('id')}\ue000" + (span.tail or "")
        body = visible_text(root.find("h:body", NS))
        for match in re.finditer(r"\ue000(page-\d+)\ue000", body):
            following = re.sub(r"\ue000page-\d+\ue000", "", body[match.end() :])
            out[match.group(1)] = following.lstrip()
    return out


def test_page_list_entries_land_before_the_word_that_starts_the_page(sink: Book) -> None:
    page_list = sink.nav().find(".//h:nav[@id='page-list']", NS)
    assert page_list.get(EPUB_TYPE) == "page-list"
    entries = [(a.text, a.get("href")) for a in page_list.iter(f"{{{XHTML_NS}}}a")]
    # In the EPUB's reading order (EPUBCheck NAV-011): page 7 starts in a note of chapter 2.
    assert [label for label, _ in entries] == ["1", "2", "3", "7", "4", "5", "6", "8"]
    following = text_after_markers(sink)
    words = {str(start.page): (start, word) for start, word in PAGES}
    for label, href in entries:
        start, word = words[label]
        span = sink.resolve("nav.xhtml", href)
        assert span is not None and span.get("role") == "doc-pagebreak"
        assert span.get(EPUB_TYPE) == "pagebreak" and span.get("aria-label") == label
        assert following[f"page-{start.page}"].split()[0] == word, (start, following)


def calibre_authors(opf: etree._Element) -> list[str]:
    """The authors calibre reads from an EPUB 3 package (calibre's ebooks/metadata/opf3.py,
    read_authors): dc:creator elements whose first role refinement is `aut` in the MARC relators
    scheme (or that have no role at all, when no creator has one). No author: "Unknown"."""
    roled, unroled = [], []
    for creator in opf.iterfind(".//opf:metadata/dc:creator", NS):
        roles = opf.findall(f".//opf:meta[@refines='#{creator.get('id')}'][@property='role']", NS)
        if not roles:
            unroled.append(creator.text)
        elif roles[0].text == "aut" and roles[0].get("scheme") in (None, "marc:relators"):
            roled.append(creator.text)
    return roled or unroled


def refinements(opf: etree._Element, element: etree._Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in opf.iterfind(f".//opf:meta[@refines='#{element.get('id')}']", NS):
        found.setdefault(meta.get("property"), []).append(meta.text)
        if meta.get("property") == "role":
            assert meta.get("scheme") == "marc:relators"
    return found


def test_metadata(sink: Book) -> None:
    url = "https://records.edition.invalid/" + META.id
    identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"
    assert sink.dc("identifier") == [identifier] == [epub_identifier(META)]
    assert sink.opf.get(XML_LANG) == "en"
    assert sink.dc("title") == ["Record of Test Talks", "Brezhnev and Tanaka, Moscow"]
    assert sink.dc("language") == ["en"]
    assert sink.dc("publisher") == ["Test Press"] and sink.dc("rights") == ["Public domain"]
    assert sink.dc("subject") == list(META.subjects)
    assert sink.dc("description") == [META.description]
    # The sources of the text; the print edition is no source of it (it has its own property).
    assert sink.dc("source") == [META.citation, META.source_url]
    generators = sink.opf.findall(".//opf:meta[@name='generator']", NS)
    assert [g.get("content") for g in generators] == [generator() + " (EbookLib 0.20.0)"]
    assert generator().startswith("edition-pipeline ")


def test_dates_keep_the_talks_apart_from_the_edition(sink: Book) -> None:
    """Issue 9: calibre showed the 1973 record as "published 1973"."""
    assert sink.dc("date") == ["2024-05-01"]  # the edition's publication
    assert sink.meta("dcterms:modified") == ["2024-06-15T00:00:00Z"]
    assert sink.meta("dcterms:temporal") == ["1973-10-08"]  # the content's date
    colophon = " ".join(visible_text(sink.files["colophon.xhtml"]).split())
    assert "Date of the talks 8 October 1973" in colophon
    assert "Published 1 May 2024" in colophon and "Last revised 15 June 2024" in colophon
    dateline = sink.files["title.xhtml"].find(".//h:p[@class='dateline']/h:time", NS)
    assert dateline.get("datetime") == "1973-10-08"


def test_creator_and_contributors_with_their_roles(sink: Book) -> None:
    creators = sink.opf.findall(".//dc:creator", NS)
    assert [c.text for c in creators] == ["Soviet Ministry of Foreign Affairs"]
    assert refinements(sink.opf, creators[0]) == {"role": ["aut"]}
    contributors = {
        c.text: refinements(sink.opf, c)["role"] for c in sink.opf.iterfind(".//dc:contributor", NS)
    }
    assert contributors == {"A. Translator": ["trl"], "C. Editor": ["edt"], "B. Compiler": ["com"]}
    assert calibre_authors(sink.opf) == ["Soviet Ministry of Foreign Affairs"]
    colophon = " ".join(visible_text(sink.files["colophon.xhtml"]).split())
    for entry in ("Author Soviet", "Translator A. Translator", "Editor C. Editor", "Compiler B."):
        assert entry in colophon


def test_a_government_record_is_filed_under_its_issuing_body() -> None:
    """Issue 9: calibre read "Author: Unknown" from every EPUB, whose creators were all trl/com."""
    meta = replace(META, authors=(), issuing_body="United States. Department of State")
    book = read_book(build(replace(SINK, meta=meta)))
    (creator,) = book.opf.findall(".//dc:creator", NS)
    assert creator.text == "United States. Department of State"
    # Filed as written: calibre would otherwise invert it like a person's name.
    # `aut` first (calibre files under the first role), the body's own role after it.
    assert refinements(book.opf, creator) == {
        "role": ["aut", "isb"],
        "file-as": ["United States. Department of State"],
    }
    assert calibre_authors(book.opf) == ["United States. Department of State"]
    colophon = " ".join(visible_text(book.files["colophon.xhtml"]).split())
    assert "Issuing body United States. Department of State" in colophon


def test_no_creator_is_invented() -> None:
    book = read_book(build(replace(SINK, meta=replace(META, authors=(), compiler=""))))
    assert book.dc("creator") == [] and calibre_authors(book.opf) == []
    assert "A. Translator" in book.dc("contributor")


def test_a_compilation_is_filed_under_its_compiler() -> None:
    """No author, no issuing body: the compiler is the creator (RDA I.2.1), as in print."""
    book = read_book(build(replace(SINK, meta=replace(META, authors=()))))
    (creator,) = book.opf.findall(".//dc:creator", NS)
    assert creator.text == "B. Compiler"
    assert refinements(book.opf, creator) == {"role": ["aut", "com"]}
    assert calibre_authors(book.opf) == ["B. Compiler"]
    assert "B. Compiler" not in book.dc("contributor")


def test_an_undated_edition_says_so_and_never_takes_the_talks_date() -> None:
    """A bare .txt has no edition date: before issue 9 the talks' date stood in for it."""
    book = read_book(build(replace(SINK, meta=replace(META, published="", modified=""))))
    assert book.dc("date") == []
    assert book.meta("dcterms:modified") == [FALLBACK_MODIFIED.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert book.meta("dcterms:temporal") == ["1973-10-08"]
    colophon = " ".join(visible_text(book.files["colophon.xhtml"]).split())
    assert "Published Undated: no date of publication or revision was given" in colophon
    assert "1980" not in colophon


def test_page_list_names_the_print_edition_and_its_paper(sink: Book) -> None:
    (source,) = sink.meta("pageBreakSource")
    assert source == print_identifier(META, "a4") != print_identifier(META, "letter")
    assert not sink.opf.findall(".//opf:meta[@property='source-of']", NS)  # deprecated
    heading = sink.nav().find(".//h:nav[@id='page-list']/h:h2", NS)
    assert heading.text == "Pages of the print edition (A4)"
    letter = replace(CTX, settings=replace(CTX.settings, paper="letter"))
    book = read_book(write_epub(SINK, letter, page_starts=[start for start, _ in PAGES]))
    assert book.meta("pageBreakSource") == [print_identifier(META, "letter")]
    colophon = " ".join(visible_text(book.files["colophon.xhtml"]).split())
    assert f"{print_identifier(META, 'letter')} (letter)" in colophon
    assert "print edition on letter paper" in colophon


def ncx(book: Book) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(book.data)) as archive:
        return etree.fromstring(archive.read("EPUB/toc.ncx"))


NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}


def test_ncx_has_the_contents_and_the_page_list_for_epub_2_readers(sink: Book) -> None:
    root = ncx(sink)
    assert root.find(".//n:meta[@name='dtb:uid']", NCX).get("content") == epub_identifier(META)
    assert root.get(XML_LANG) == "en"
    labels = [t.text for t in root.iterfind(".//n:navMap//n:navLabel/n:text", NCX)]
    toc = sink.nav().find(".//h:nav[@id='toc']", NS)
    assert labels == [" ".join(visible_text(a).split()) for a in toc.iter(f"{{{XHTML_NS}}}a")]
    targets = root.findall(".//n:pageList/n:pageTarget", NCX)
    page_list = sink.nav().find(".//h:nav[@id='page-list']", NS)
    nav_pages = [(a.text, a.get("href")) for a in page_list.iter(f"{{{XHTML_NS}}}a")]
    ncx_pages = [(t.get("value"), t.find("n:content", NCX).get("src")) for t in targets]
    assert ncx_pages == nav_pages
    assert {t.get("type") for t in targets} == {"normal"}
    pages = root.find(".//n:meta[@name='dtb:totalPageCount']", NCX).get("content")
    assert pages == str(len(PAGES))
    # playOrder follows reading order through the contents and the pages together.
    points = [*root.iterfind(".//n:navPoint", NCX), *targets]
    order = sorted(points, key=lambda p: int(p.get("playOrder")))
    srcs = [p.find("n:content", NCX).get("src") for p in order]
    spine_position = [sink.spine.index(src.partition("#")[0]) for src in srcs]
    assert spine_position == sorted(spine_position)


def test_accessibility_metadata(sink: Book) -> None:
    assert sink.meta("schema:accessMode") == ["textual", "visual"]
    assert sink.meta("schema:accessModeSufficient") == ["textual"]
    features = sink.meta("schema:accessibilityFeature")
    assert set(features) == {
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
        "displayTransformability",
        "ARIA",  # DPUB-ARIA roles and aria-labels are used (issue 9: undeclared before)
        "pageNavigation",
        "pageBreakMarkers",
    }
    assert len(features) == len(set(features))
    assert sink.meta("schema:accessibilityHazard") == ["none"]
    assert sink.meta("dcterms:conformsTo") == [CONFORMS_TO]
    # No certifier named in edition.toml: the claim says it is a self-evaluation.
    assert sink.meta("a11y:certifiedBy") == [SELF_EVALUATION] != [META.publisher]
    assert sink.opf.find(".//opf:link[@rel='a11y:certifierReport']", NS) is None
    colophon = " ".join(visible_text(sink.files["colophon.xhtml"]).split())
    assert "WCAG 2.1 Level AA, a self-evaluation, not an independent certification" in colophon


def test_a_named_certifier_and_its_report() -> None:
    meta = replace(
        META,
        accessibility_certifier="Accessible Books Consortium",
        accessibility_report="https://example.org/reports/test-talks",
    )
    book = read_book(build(replace(SINK, meta=meta)))
    assert book.meta("a11y:certifiedBy") == ["Accessible Books Consortium"]
    link = book.opf.find(".//opf:link[@rel='a11y:certifierReport']", NS)
    assert link.get("href") == "https://example.org/reports/test-talks"
    certifier = book.opf.find(".//opf:meta[@property='a11y:certifiedBy']", NS)
    assert link.get("refines") == "#" + certifier.get("id")
    colophon = " ".join(visible_text(book.files["colophon.xhtml"]).split())
    assert "certified by Accessible Books Consortium" in colophon


def test_edition_toml_names_a_certifier_and_an_address_for_the_report() -> None:
    from pipeline.errors import PipelineError
    from pipeline.metadata import parse_edition

    given = parse_edition(
        '[document]\naccessibility_certifier = "ABC"\n'
        'accessibility_report = "https://example.org/r"\n'
    )
    assert given.meta == {
        "accessibility_certifier": "ABC",
        "accessibility_report": "https://example.org/r",
    }
    with pytest.raises(PipelineError, match="accessibility_report must be the web address") as err:
        parse_edition('[document]\naccessibility_report = "javascript:alert(1)"\n')
    assert err.value.line == 2


def summary_of(doc: Document) -> str:
    (text_,) = read_book(build(doc)).meta("schema:accessibilitySummary")
    return text_


def test_the_accessibility_summary_says_what_this_book_has(sink: Book) -> None:
    (text_,) = sink.meta("schema:accessibilitySummary")
    # SINK: an untitled opening part and two headed sessions, 3 turns, 5 notes, 3 entries.
    assert "3 chapters: 2 have their own headings; 1 part without a heading" in text_
    assert "Each of the 3 turns of speech opens with the speaker’s name" in text_
    assert "Its 5 notes are linked from their calls and back" in text_
    assert "lists 3 interventions, each linked to its place" in text_
    assert "follow the print edition on A4 paper (8 pages)" in text_


def test_the_accessibility_summary_claims_nothing_the_book_lacks() -> None:
    """Issue 9: the summary said every session had its heading and speakers were marked."""
    reported = Document(
        meta=META,
        header=Header(title=text("RECORD")),
        sessions=(Session(heading=(), blocks=(Paragraph(text("He said so."), id="p1"),), id="s"),),
    )
    text_ = summary_of(reported)
    assert "No speakers are marked" in text_ and "speaker’s name" not in text_
    assert "without a heading" in text_ and "each of its" not in text_
    assert "has no notes" in text_ and "There are no print page numbers" in text_
    assert "each linked" not in text_


def test_every_document_declares_its_language(sink: Book) -> None:
    for name, root in sink.files.items():
        assert root.get("lang") == root.get(XML_LANG) == "en", name
        assert root.nsmap.get("epub") == OPS_NS, name


def css_rules() -> list[tuple[str, str]]:
    css = (ROOT / "styles" / "epub.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"@media[^{]*\{", "", css)  # the rules inside a media query count alike
    return [(m[1].strip(), m[2]) for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css)]


def test_stylesheet_leaves_the_reader_in_charge() -> None:
    for selector, body in css_rules():
        # The one px sizes allowed: hairlines, and the box a visually hidden header row keeps.
        sizes = re.sub(r"\b(border(-top)?: 1px solid|width: 1px|height: 1px)", "", body)
        assert not re.search(r"\d(px|pt)\b", sizes), selector
        assert "!important" not in body, selector
        assert not re.search(r"(^|[\s;])(background(-color)?|font-family)\s*:", body), selector
        for colour in re.findall(r"(?:^|[\s;])color\s*:\s*([^;]+)", body):
            # Only the text's own colour: a fixed link colour fell to 1.99:1 in a night mode.
            assert colour.strip() in ("inherit", "currentColor"), (selector, colour)


def test_links_note_calls_and_contents_take_the_colour_of_the_text() -> None:
    inherit = {
        selector
        for selectors, body in css_rules()
        if re.search(r"(^|[\s;])color:\s*inherit", body)
        for selector in map(str.strip, selectors.split(","))
    }
    assert {"a", 'a[role~="doc-noteref"]', "nav a", "a.emendation"} <= inherit


def test_emended_words_link_with_a_name_that_says_where_they_lead(sink: Book) -> None:
    """WCAG 2.4.4 (issue 9): the link's text is only the word; its name says what it is."""
    (link,) = sink.files["chapter-02.xhtml"].iterfind(".//h:a[@class='emendation']", NS)
    assert link.text == "Hatoyama"
    assert link.get("aria-label") == "Hatoyama: emended reading, see the editorial note"
    assert link.get("href") == "editorial.xhtml#correction-c2"


def test_generated_text_has_no_straight_quotes(sink: Book) -> None:
    for name in ("nav.xhtml", "editorial.xhtml", "colophon.xhtml", "title.xhtml"):
        words = visible_text(sink.files[name].find("h:body", NS))
        assert "'" not in words and '"' not in words, name


def test_two_builds_are_byte_identical_with_pinned_entries(sink_bytes: bytes) -> None:
    assert write_epub(SINK, CTX, page_starts=[start for start, _ in PAGES]) == sink_bytes
    with zipfile.ZipFile(io.BytesIO(sink_bytes)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_editorial_note_lists_corrections_with_links(sink: Book) -> None:
    root = sink.files["editorial.xhtml"]
    rows = root.findall(".//h:tbody/h:tr", NS)
    assert [row.get("id") for row in rows] == ["correction-c1", "correction-c2", "correction-c3"]
    cells = [[" ".join(visible_text(td).split()) for td in row.findall("h:td", NS)] for row in rows]
    # Place, the edition's reading, the source's, the reason (issue 9: as scholarly editions).
    assert cells[0] == ["¶ 3", "gratitude", "gratitute", "typo in the translation"]
    assert cells[2][0] == "note 1"
    assert cells[1][3] == "misspelt name See the index."
    targets = [sink.resolve("editorial.xhtml", row.find(".//h:a", NS).get("href")) for row in rows]
    # A reading found in its block is linked precisely (and links back); others link the block.
    assert [t.get("id") for t in targets] == ["p2", "emendation-c2", "note-1"]
    policy = " ".join(" ".join(visible_text(p).split()) for p in root.iterfind(".//h:p", NS))
    assert "normalised: number ranges take an en dash (1 time)." in policy
    assert "never fired" not in policy


def test_editorial_note_says_when_nothing_was_corrected() -> None:
    book = read_book(build(replace(SINK, corrections=(), typography=())))
    text_ = " ".join(visible_text(book.files["editorial.xhtml"]).split())
    assert "No corrections were made to the source text." in text_
    assert "The typography of the source has been kept as it stands." in text_
    assert book.files["editorial.xhtml"].find(".//h:table", NS) is None


def test_colophon_names_source_people_rights_identifier_and_build(sink: Book) -> None:
    colophon = " ".join(visible_text(sink.files["colophon.xhtml"]).split())
    for value in (
        META.citation,
        META.archive,
        META.translator,
        META.compiler,
        META.rights,
        META.editor,
        epub_identifier(META),
        "8 October 1973",
        print_identifier(META, "a4"),
        generator(),
    ):
        assert value in colophon


def test_without_page_starts_there_is_no_page_list_and_no_page_claim() -> None:
    book = read_book(build(SINK))
    assert book.nav().find(".//h:nav[@id='page-list']", NS) is None
    assert not book.files["chapter-02.xhtml"].xpath(
        "//h:span[@role='doc-pagebreak']", namespaces=NS
    )
    features = set(book.meta("schema:accessibilityFeature"))
    assert not features & {"printPageNumbers", "pageNavigation", "pageBreakMarkers"}
    assert book.dc("source") == [META.citation, META.source_url]
    assert book.meta("pageBreakSource") == []
    assert not ncx(book).findall(".//n:pageList", NCX)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (replace(META, modified="2024-05-01T12:30:00+02:00"), "2024-05-01T10:30:00Z"),
        (replace(META, modified=""), "2024-05-01T00:00:00Z"),  # the publication date
        # Never the date of the talks (issue 9): a fixed, documented date.
        (
            replace(META, modified="", published=""),
            FALLBACK_MODIFIED.strftime("%Y-%m-%dT%H:%M:%SZ"),
        ),
    ],
)
def test_modified_comes_from_metadata_never_the_clock(meta: Meta, expected: str) -> None:
    book = read_book(build(replace(SINK, meta=meta)))
    assert book.meta("dcterms:modified") == [expected]


def test_identifier_is_the_editors_own_when_given() -> None:
    book = read_book(build(replace(SINK, meta=replace(META, identifier="urn:isbn:9780000000002"))))
    assert book.dc("identifier") == ["urn:isbn:9780000000002"]


def test_cover_is_deterministic_and_depends_on_title_and_date() -> None:
    from pipeline.writers.cover import render_cover

    first = render_cover("Record of Test Talks", "8 October 1973")
    assert first == render_cover("Record of Test Talks", "8 October 1973")
    assert first.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert render_cover("Record of Test Talks", "9 October 1973").png != first.png
    long_title = render_cover("Word " * 200, "")
    assert long_title.png.startswith(b"\x89PNG") and "Word Word" in long_title.alt


def test_the_cover_date_is_the_typeset_date_line() -> None:
    """Issue 9: the cover read "8-9 October" where the title page has "8–9 October"."""
    doc = replace(
        SINK,
        meta=replace(META, dateline="Moscow, 8-9 October 1973"),
        header=replace(SINK.header, dateline=text("Moscow, 8\u20139 October 1973", 1)),
    )
    book = read_book(build(doc))
    alt = book.files["cover.xhtml"].find(".//h:img", NS).get("alt")
    assert "Moscow, 8\u20139 October 1973" in alt and "8-9" not in alt
    title_page = " ".join(visible_text(book.files["title.xhtml"]).split())
    assert "Moscow, 8\u20139 October 1973" in title_page


# --- bad and unusual input ----------------------------------------------------------------------

ODD = Document(
    meta=Meta(id="odd", title="", language="not a language", date="October 1973"),
    header=Header(title=()),
    sessions=(
        Session(
            heading=text("Only session"),
            id="",
            blocks=(
                Paragraph(text("Calls a missing note", 9, "."), id="dup"),
                Paragraph(text("Same id again."), id="dup"),
                Paragraph(text("An id the writer reserves."), id="note-1"),
                Paragraph(text("No id at all."), id=""),
            ),
        ),
    ),
    notes=(Note(1, (text("Never called."),)), Note(1, (text("Defined twice."),))),
    corrections=(Correction("x y", "a", "b", "why", block_id="nowhere"),),
)


def build_odd() -> bytes:
    return write_epub(
        ODD, CTX, page_starts=[Start(1, "title", 0), Start(1, "dup", 0), Start(2, "missing", 0)]
    )


@pytest.mark.allow_warnings
def test_odd_input_builds_a_valid_epub_and_says_what_it_changed(
    epub_verdicts,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        data = build_odd()
    warnings = "\n".join(r.getMessage() for r in caplog.records)
    for expected in (
        "not a BCP 47 tag",
        "not an ISO 8601 date",
        "no title",
        "note call 9",
        "never called",
        "defined twice",
        "duplicate or reserved",
        "starts twice",
        "unknown element 'missing'",
        "correction target 'nowhere'",
    ):
        assert expected in warnings
    messages = epub_verdicts.epubcheck(data)
    assert messages == [], "\n".join(messages)
    book = read_book(data)
    assert book.opf.get(XML_LANG) == "und"
    assert "Never called." in visible_text(book.files["chapter-01.xhtml"])
    assert "Calls a missing note9." in " ".join(
        visible_text(book.files["chapter-01.xhtml"]).split()
    )


EMPTY = Document(meta=Meta(id="empty", title="Empty"), header=Header(title=()), sessions=())


def test_empty_document_builds_a_valid_epub(epub_verdicts) -> None:  # type: ignore[no-untyped-def]
    messages = epub_verdicts.epubcheck(build(EMPTY))
    assert messages == [], "\n".join(messages)


# --- Ace ----------------------------------------------------------------------------------------

needs_ace = pytest.mark.skipif(
    ace.ace_executable() is None or ace.chromium_executable() is None,
    reason="Ace is not installed (tools/ace.sh installs it into .tools/ace; needs npm, chromium)",
)


@needs_ace
def test_ace_reports_no_violations(sink_bytes: bytes, epub_verdicts) -> None:  # type: ignore[no-untyped-def]
    violations = epub_verdicts.ace(sink_bytes)
    assert violations == [], "\n".join(map(str, violations))


@needs_ace
def test_ace_harness_catches_a_violation(sink_bytes: bytes, epub_verdicts) -> None:  # type: ignore[no-untyped-def]
    """A control: the same book without the cover's alt text and languages must fail."""
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sink_bytes)) as source, zipfile.ZipFile(broken, "w") as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith(".xhtml"):
                content = re.sub(rb' alt="[^"]*"', b"", content)
                content = re.sub(rb' (xml:)?lang="en"', b"", content)
            out.writestr(info, content)
    rules = {v.rule for v in epub_verdicts.ace(broken.getvalue())}
    assert {"image-alt", "html-has-lang"} <= rules, rules


# --- end to end on the bundled documents --------------------------------------------------------

DOCUMENTS = sorted(p for p in SOURCES.glob("*/") if (p / "source.txt").is_file())


def letters(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalpha())


@pytest.mark.skipif(not DOCUMENTS, reason="no bundled documents in sources/")
def test_bundled_documents_pass_epubcheck(bundled, epub_verdicts) -> None:  # type: ignore[no-untyped-def]
    messages = epub_verdicts.epubcheck(bundled.epub)
    assert messages == [], "\n".join(messages)


@pytest.mark.skipif(not DOCUMENTS, reason="no bundled documents in sources/")
def test_bundled_documents_keep_every_paragraph_and_note(bundled) -> None:
    doc, book = bundled.doc, read_book(bundled.epub)
    found = {}
    for name in book.spine:
        for element in book.files[name].iter():
            if element.get("id"):
                found.setdefault(element.get("id"), " ".join(visible_text(element).split()))
    for session in doc.sessions:
        for block in session.blocks:
            assert found[block.id] == " ".join(block_text(block).split())
    assert sorted(k for k in found if re.fullmatch(r"note-\d+", k)) == sorted(
        f"note-{n.number}" for n in doc.notes
    )


NOTE_HEADING = "Editorial note"  # as templates/print-document.html.j2 and the ebook head it


@pytest.mark.skipif(not DOCUMENTS, reason="no bundled documents in sources/")
def test_bundled_page_list_matches_the_pdf_pages(bundled_on_paper) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    # Each page's text once: pypdf's extraction is the dear part of this test.
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(bundled_on_paper.pdf)).pages]
    book = read_book(bundled_on_paper.epub)
    following = text_after_markers(book)
    page_list = book.nav().find(".//h:nav[@id='page-list']", NS)
    labels = [a.text for a in page_list.iter(f"{{{XHTML_NS}}}a")]
    assert sorted(labels, key=int) == [str(n) for n in range(1, len(texts) + 1)]
    for number, text_ in enumerate(texts, start=1):
        # The PDF's page text begins with the page's first words (running heads come last);
        # U+2010 is WeasyPrint's hyphenation hyphen, joined back before comparing.
        pdf_words = letters(text_.replace("\u2010\n", ""))
        first, *rest = following[f"page-{number}"].split()[:8]
        if number > 1 and texts[number - 2].count("\u2010"):
            # A page that opens with the end of a word hyphenated on the page before is marked
            # before that whole word in the EPUB (pagemap.py, DAISY KB "Page navigation").
            tails = [letters(first)[k:] for k in range(len(letters(first)))]
            first = next((t for t in tails if pdf_words.startswith(t)), letters(first))
        epub_words = (letters(first) + letters(" ".join(rest)))[:30]
        if epub_words.startswith(letters(NOTE_HEADING)) and not pdf_words.startswith(epub_words):
            # A page that opens inside the editorial note (its table, or the print colophon
            # that closes it) is marked where the note begins (pagemap.BACK_MATTER_IDS): the
            # note must have begun on this page or an earlier one.
            assert any(letters(NOTE_HEADING) in letters(t) for t in texts[:number]), number
            continue
        assert pdf_words.startswith(epub_words), (number, epub_words, pdf_words[:80])


@pytest.mark.skipif(not DOCUMENTS, reason="no bundled documents in sources/")
def test_bundled_generated_text_has_no_straight_quotes(bundled) -> None:
    """Issue 9: "New Hart's Rules" in the editorial note, from the typography rules' reasons."""
    book = read_book(bundled.epub)
    for name in ("nav.xhtml", "editorial.xhtml", "colophon.xhtml"):
        words = visible_text(book.files[name].find("h:body", NS))
        assert "'" not in words and '"' not in words, (name, re.findall(r".{20}'.{20}", words))


@pytest.mark.skipif(not DOCUMENTS, reason="no bundled documents in sources/")
def test_bundled_creator_is_what_edition_toml_names(bundled) -> None:
    doc, book = bundled.doc, read_book(bundled.epub)
    # The authors, else the issuing body, else the compiler (README, "Metadata").
    filed = [[*doc.meta.authors], [doc.meta.issuing_body], [doc.meta.compiler]]
    expected = next((names for names in filed if any(names)), [])
    assert calibre_authors(book.opf) == expected
    assert book.meta("dcterms:temporal") == [doc.meta.date]
    assert book.dc("date") == [doc.meta.published]


@pytest.mark.skipif(not DOCUMENTS, reason="no bundled documents in sources/")
def test_each_paper_s_page_list_names_its_own_print_edition(bundled_on_paper) -> None:  # type: ignore[no-untyped-def]
    """Issue 9: a Letter build paginates differently from A4, yet the EPUB followed A4 only.
    The print design gives both papers the same text block, so the two paginations may
    coincide (the page-list test above follows each); what must differ is the edition named."""
    meta, paper = bundled_on_paper.doc.meta, bundled_on_paper.paper
    assert print_identifier(meta, "a4") != print_identifier(meta, "letter")
    book = read_book(bundled_on_paper.epub)
    assert book.meta("pageBreakSource") == [print_identifier(meta, paper)]


@needs_ace
@pytest.mark.skipif(not DOCUMENTS, reason="no bundled documents in sources/")
def test_bundled_documents_pass_ace(bundled, epub_verdicts) -> None:  # type: ignore[no-untyped-def]
    violations = epub_verdicts.ace(bundled.epub)
    assert violations == [], "\n".join(map(str, violations))


def test_ace_report_parser_counts_failures() -> None:
    report = {
        "earl:result": {"earl:outcome": "fail"},
        "assertions": [
            {
                "earl:testSubject": {"url": "a.xhtml"},
                "assertions": [
                    {
                        "earl:test": {"dct:title": "image-alt", "earl:impact": "critical"},
                        "earl:result": {"earl:outcome": "fail", "dct:description": "no alt"},
                    },
                    {"earl:test": {"dct:title": "ok"}, "earl:result": {"earl:outcome": "pass"}},
                ],
            }
        ],
    }
    assert [str(v) for v in ace.violations_in(report)] == ["a.xhtml: [critical] image-alt: no alt"]
    assert ace.violations_in({"earl:result": {"earl:outcome": "pass"}, "assertions": []}) == []


def test_tools_ace_sh_hands_its_books_to_the_checker_from_the_project_root(tmp_path: Path) -> None:
    """tools/ace.sh (what `make check` and CI call) runs `python -m pipeline.writers.ace
    --install BOOK…` from the project root, wherever it is called from, and exits with the
    checker's status (0 clean, 1 violations, 2 Ace could not run). The interpreter is a
    stand-in that reports how it was called: Ace itself is tested above."""
    import subprocess

    called = tmp_path / "called.txt"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\n{{ pwd; printf "%s\\n" "$@"; }} > {called}\nexit 3\n')
    python.chmod(0o755)
    done = subprocess.run(
        [str(ROOT / "tools" / "ace.sh"), "a book.epub", "b.epub"],
        cwd=tmp_path,
        env={**os.environ, "PYTHON": str(python)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    cwd, *argv = called.read_text().splitlines()
    assert Path(cwd) == ROOT
    assert argv == ["-m", "pipeline.writers.ace", "--install", "a book.epub", "b.epub"]


def test_ace_is_run_again_verbose_when_its_browser_dies_before_a_report(tmp_path) -> None:
    # Seen on a fresh CI clone: Ace exited 1 with no report, twice, then passed. A crash is no
    # verdict: the second run, verbose, gives the report (or says why there is none).
    from pipeline.writers import ace as ace_module

    if ace_module.chromium_executable() is None:
        pytest.skip("no Chromium: run_ace stops before starting Ace")
    calls = tmp_path / "calls"
    fake = tmp_path / "ace-cli"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {calls}\n'
        'case "$*" in *--verbose*) ;; *) echo "Re-run Ace using --verbose" >&2; exit 1;; esac\n'
        'while [ "$1" != -o ]; do shift; done; mkdir -p "$2"\n'
        'echo \'{"earl:result": {"earl:outcome": "pass"}, "assertions": []}\' > "$2/report.json"\n'
    )
    fake.chmod(0o755)
    assert ace_module.run_ace(tmp_path / "book.epub", fake) == []
    runs = calls.read_text().splitlines()
    assert len(runs) == 2 and "-s" in runs[0].split() and "--verbose" in runs[1].split()


def test_epubcheck_runs_with_the_short_run_jvm_options_and_says_when_it_wrote_no_report(
    tmp_path, monkeypatch
) -> None:
    # The options are passed to the JVM (they halve its CPU time), and a JVM that dies before
    # its report is a failed verdict that says so, not a JSON traceback.
    from pipeline.writers import checks

    called = tmp_path / "argv"
    fake = tmp_path / "java"
    fake.write_text(f'#!/bin/sh\necho "$@" > {called}\necho "Error: boom" >&2\nexit 1\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    verdict = checks.epubcheck(tmp_path / "book.epub")
    assert not verdict.valid
    assert verdict.messages == ("EPUBCheck wrote no report (exit status 1): Error: boom",)
    argv = called.read_text().split()
    assert set(checks.JAVA_OPTIONS) <= set(argv)
    assert argv.index("-jar") > max(argv.index(o) for o in checks.JAVA_OPTIONS)


def test_epubcheck_without_java_is_a_failed_verdict_that_names_the_package(
    tmp_path, monkeypatch
) -> None:
    from pipeline.writers import checks

    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no java in it
    verdict = checks.epubcheck(tmp_path / "book.epub")
    assert not verdict.valid
    assert verdict.messages == (f"EPUBCheck needs Java: {checks.JAVA_MISSING}",)
    assert "default-jre-headless" in verdict.messages[0]
