"""Tests of the print edition on real renders: text, notes, heads, outline, fonts, metadata read
back from the PDF with pypdf; the layout checks and the page map against the same PDF."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import pypdf
import pytest

from pipeline.context import STYLES_DIR, Context, Settings
from pipeline.errors import PipelineError
from pipeline.model import (
    SIC,
    Document,
    Editorial,
    Inlines,
    Intervention,
    Note,
    NoteRef,
    Paragraph,
    Session,
    Text,
    block_text,
    body_blocks,
    inline_text,
    supplied,
)
from pipeline.writers.fetcher import StylesFetcher
from pipeline.writers.pagemap import (
    BACK_MATTER_IDS,
    PageStart,
    element_texts,
    page_starts_from_layout,
)
from pipeline.writers.pdf import PAGE_GEOMETRY, render_print, session_label, write_pdf

PX = 0.75  # WeasyPrint writes sizes in CSS px; 1px = 0.75pt
NOTE_SIZE_PT = 9.0
HYPHEN = "\u2010"
ROOT = Path(__file__).resolve().parents[2]


# --- reading the PDF back ------------------------------------------------------------------


@dataclass(frozen=True)
class PageText:
    """One page's text, split by where it stands: the body, the footnote area, the margins."""

    body: str
    notes: str
    margins: str


def squeeze(value: str) -> str:
    """Text for comparison: lower case, no whitespace (pypdf's spacing of justified lines and the
    case of small-caps glyphs are not the text's)."""
    return re.sub(r"\s+", "", value).lower()


def join_hyphens(value: str) -> str:
    return re.sub(HYPHEN + r"\s*", "", value)


def page_texts(pdf: bytes, paper: str = "a4") -> list[PageText]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    geometry = PAGE_GEOMETRY[paper]
    pages = []
    for page in reader.pages:
        chunks: dict[str, list[str]] = {"body": [], "notes": [], "margins": []}

        def visit(
            chunk: str,
            cm: list,
            tm: list,
            font: object,
            size: float,
            chunks: dict[str, list[str]] = chunks,
        ) -> None:
            if not chunk.strip():
                return
            y_mm = tm[5] * 25.4 / 96  # baseline, from the top of the page
            # The text block runs from the head margin to the foot margin (pdf.PAGE_GEOMETRY):
            # the running heads stand above it, the folios below it.
            if y_mm < geometry.head - 1 or y_mm > geometry.height - geometry.foot + 3:
                chunks["margins"].append(chunk)
            elif abs(size * PX - NOTE_SIZE_PT) < 0.1:
                chunks["notes"].append(chunk)
            else:
                chunks["body"].append(chunk)

        page.extract_text(visitor_text=visit)
        pages.append(PageText(*("\n".join(chunks[k]) for k in ("body", "notes", "margins"))))
    return pages


def printed(content: Inlines) -> str:
    """What the PDF shows for inline content: the words, brackets and note call numbers."""
    parts = []
    for node in content:
        match node:
            case Text(value):
                parts.append(value)
            case Editorial(value):
                parts.append(f"[{value}]")
            case NoteRef(number):
                parts.append(str(number))
            case Intervention(kind=kind, content=inner):
                words = printed(inner)
                if kind == "supply":
                    words = supplied(words)
                elif kind == "sic":
                    words = f"{words} {supplied(SIC)}"
                parts.append(words)
    return "".join(parts)


def printed_block(block) -> str:  # type: ignore[no-untyped-def]
    label = block_text(block)[: len(block_text(block)) - len(inline_text(block.content))]
    return label + printed(block.content)


# --- builds (each rendered once per module) ------------------------------------------------


@dataclass(frozen=True)
class Build:
    doc: Document
    ctx: Context
    pdf: bytes
    pages: list[PageText]
    starts: tuple[PageStart, ...]
    fetcher: StylesFetcher | None  # None for a bundled record: build_one keeps its own


def build(doc: Document, **settings: str) -> Build:
    ctx = Context(id=doc.meta.id, source=Path("test.txt"), settings=Settings(**settings))
    fetcher = StylesFetcher()
    # A warning here fails the test whose setup made the build (tests/conftest.py's guard).
    rendered = render_print(doc, ctx, fetcher)
    pdf = write_pdf(doc, ctx, rendered)
    starts = page_starts_from_layout(doc, rendered)
    return Build(doc, ctx, pdf, page_texts(pdf, ctx.settings.paper), starts, fetcher)


@pytest.fixture(scope="module")
def sink(docs: SimpleNamespace) -> Build:
    return build(docs.kitchen_sink())


def bundled_build(built) -> Build:  # type: ignore[no-untyped-def]
    """A bundled record as the session built it (tests/conftest.py: `build_one`, one layout)."""
    starts = page_starts_from_layout(built.doc, built.layout.rendered)
    return Build(built.doc, built.ctx, built.pdf, page_texts(built.pdf, built.paper), starts, None)


RECORDS = sorted(path.parent.name for path in (ROOT / "sources").glob("*/source.txt"))


@pytest.fixture(scope="module", params=["kitchen-sink", *RECORDS])
def book(request: pytest.FixtureRequest, bundled_builds) -> Build:  # type: ignore[no-untyped-def]
    """The kitchen sink, then each bundled record: the promises every print edition keeps."""
    if request.param == "kitchen-sink":
        return request.getfixturevalue("sink")
    return bundled_build(bundled_builds.get(ROOT / "sources" / request.param))


def long_note_document(docs: SimpleNamespace) -> Document:
    """The kitchen sink with a note of eight long paragraphs: taller than any footnote area."""
    text, sentences = docs.text, docs.sentences
    base = docs.kitchen_sink()
    long_note = Note(9, tuple(text(sentences(i, 12)) for i in range(8)), id="fn9")
    session = base.sessions[1]
    blocks = list(session.blocks)
    blocks[5] = replace(blocks[5], content=text(sentences(2, 3), 9, " ", sentences(1, 2)))
    sessions = (base.sessions[0], replace(session, blocks=tuple(blocks)), base.sessions[2])
    return replace(base, sessions=sessions, notes=(*base.notes, long_note))


@pytest.fixture(scope="module")
def endnoted(docs: SimpleNamespace) -> Build:
    return build(long_note_document(docs), long_notes="endnotes")


HOSTILE = '<link rel="attachment" href="file:///etc/passwd"> http://example.invalid/x.css'


@pytest.fixture(scope="module")
def hostile(docs: SimpleNamespace) -> Build:
    text = docs.text
    base = docs.kitchen_sink(
        title=f"Hostile {HOSTILE}",
        description=HOSTILE,
        authors=(HOSTILE,),
        subjects=(HOSTILE,),
    )
    body = Paragraph(text(f"Body {HOSTILE} end.", 1), id="hostile")
    note = Note(1, (text(f"Note <img src='http://example.invalid/i.png'> {HOSTILE}"),), id="fn1")
    sessions = (
        Session(
            heading=text("Evil <style>@import url(http://x.invalid)</style>"),
            blocks=(body,),
            id="evil",
        ),
    )
    header = replace(base.header, title=text("HOSTILE"), dateline=(), blocks=())
    return build(replace(base, header=header, sessions=sessions, notes=(note,)))


# --- text and notes ------------------------------------------------------------------------


def body_stream(b: Build) -> str:
    return squeeze(join_hyphens("\n".join(p.body for p in b.pages)))


def test_every_body_block_is_printed_in_order(book: Build) -> None:
    stream = body_stream(book)
    cursor = 0
    for _, block in body_blocks(book.doc):
        expected = squeeze(printed_block(block))
        found = stream.find(expected, cursor)
        assert found >= 0, f"block {block.id} missing or out of order: {expected[:60]}"
        cursor = found + len(expected)


def test_title_block_and_headings_are_printed(sink: Build) -> None:
    first = squeeze(sink.pages[0].body)
    assert first.startswith(squeeze("Record of Test Talks1"))
    assert squeeze("Moscow, 8 October 19732") in first
    for block in sink.doc.header.blocks:
        assert squeeze(printed_block(block)) in first
    stream = body_stream(sink)
    for session in sink.doc.sessions[1:]:
        assert squeeze(session_label(session)) in stream


def test_every_note_is_on_its_calls_page(book: Build) -> None:
    for note in book.doc.notes:
        note_words = squeeze(
            join_hyphens(f"{note.number}." + " ".join(map(printed, note.paragraphs)))
        )
        pages_with_body = [
            i for i, p in enumerate(book.pages, 1) if note_words in squeeze(join_hyphens(p.notes))
        ]
        assert len(pages_with_body) == 1, (note.number, pages_with_body)
        context = call_context(book.doc, note.number)
        pages_with_call = [
            i for i, p in enumerate(book.pages, 1) if context in squeeze(join_hyphens(p.body))
        ]
        assert pages_with_body == pages_with_call, note.number


def call_context(doc: Document, number: int) -> str:
    """A few characters before the call of note `number`, and its number, as printed."""
    contents = [doc.header.title, doc.header.dateline]
    contents += [b.content for b in doc.header.blocks]
    contents += [s.heading for s in doc.sessions] + [b.content for _, b in body_blocks(doc)]
    for content in contents:
        for index, node in enumerate(content):
            if node == NoteRef(number):
                before = squeeze(printed(content[:index]))
                if content is doc.header.title:
                    before = squeeze(doc.meta.title)
                return before[-12:] + str(number)
    raise AssertionError(f"note {number} is never called")


def test_multi_paragraph_note_keeps_both_paragraphs(sink: Build) -> None:
    notes = squeeze("\n".join(p.notes for p in sink.pages))
    first, second = (squeeze(printed(p)) for p in sink.doc.notes[5].paragraphs)
    assert first + second in notes


# --- running heads, folios, outline --------------------------------------------------------


def test_no_running_head_on_the_first_page(book: Build) -> None:
    assert squeeze(book.pages[0].margins) == "1"


def test_folios_on_every_page(book: Build) -> None:
    for number, page in enumerate(book.pages, 1):
        assert re.search(rf"(^|\n){number}($|\n)", page.margins), (number, page.margins)


def test_running_heads_title_on_verso_session_on_recto(book: Build) -> None:
    # The back matter's headings set the recto head too (the editorial note opens a page).
    labels = [session_label(s) for s in book.doc.sessions if s.heading]
    labels += ["Notes", "Editorial note"]
    in_force = ""
    assert len(book.pages) >= 4
    for number, page in enumerate(book.pages, 1):
        body = squeeze(page.body)
        starts_with_heading = next((lbl for lbl in labels if body.startswith(squeeze(lbl))), None)
        at_top = starts_with_heading or in_force
        if number > 1:
            expected = book.doc.meta.title if number % 2 == 0 else at_top
            assert squeeze(expected) in squeeze(page.margins), (number, page.margins)
        for label in labels:
            if squeeze(label) in body:
                in_force = label


def test_outline_is_title_then_sessions(book: Build) -> None:
    reader = pypdf.PdfReader(io.BytesIO(book.pdf))
    top, children = reader.outline[0], reader.outline[1]
    assert top["/Title"] == book.doc.meta.title
    titles = [item["/Title"] for item in children]
    sessions = [session_label(s) for s in book.doc.sessions if s.heading]
    assert titles[: len(sessions)] == sessions
    assert titles[len(sessions) :] == ["Editorial note"]


# --- the file ------------------------------------------------------------------------------


def test_fonts_are_the_vendored_ones_embedded_and_subset(sink: Build) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sink.pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = descriptor
    assert fonts
    for name, descriptor in fonts.items():
        assert re.fullmatch(r"/[A-Z]{6}\+.+", name), name  # subset tag
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name
    fetched = {Path(url.removeprefix("file://")).name for url in sink.fetcher.requested}
    assert {"LinLibertine_R.otf", "LinLibertine_RI.otf"} <= fetched


def test_metadata_comes_from_the_document(sink: Build) -> None:
    # Issue 9: the Author is the creator (the translator is a contributor, in the XMP), the
    # dates are the edition's (no `published` here: it is the `modified` date), never the
    # talks' 1973-10-08 (tests/writers/test_print_metadata.py reads the XMP).
    reader = pypdf.PdfReader(io.BytesIO(sink.pdf))
    info = reader.metadata
    meta = sink.doc.meta
    assert info["/Title"] == meta.title
    assert info["/Author"] == "Ministry of Foreign Affairs"
    assert info["/Subject"] == meta.description
    assert info["/Keywords"] == "fisheries; peace treaty"
    assert info["/CreationDate"] == "D:20240501"
    assert info["/ModDate"] == "D:20240501"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


# Two builds give the same bytes: tests/test_documents.py, every file of each bundled record.


def test_letter_paper(docs: SimpleNamespace) -> None:
    base = docs.kitchen_sink()
    doc = replace(base, sessions=base.sessions[:2])
    ctx = Context(id="t", source=Path("t.txt"), settings=Settings(paper="letter"))
    page = pypdf.PdfReader(io.BytesIO(write_pdf(doc, ctx))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_unknown_paper_is_an_error(docs: SimpleNamespace) -> None:
    ctx = Context(id="t", source=Path("t.txt"), settings=Settings(paper="a3"))
    with pytest.raises(PipelineError, match="unknown paper"):
        render_print(docs.kitchen_sink(), ctx)


# --- security ------------------------------------------------------------------------------


def test_hostile_text_is_printed_not_fetched(hostile: Build) -> None:
    root = pypdf.PdfReader(io.BytesIO(hostile.pdf)).trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    assert b"root:x:0:0" not in hostile.pdf
    assert all(url.startswith(STYLES_DIR.as_uri() + "/") for url in hostile.fetcher.requested)
    assert hostile.fetcher.refused == []
    body = squeeze(hostile.pages[0].body)
    assert squeeze('<link rel="attachment" href="file:///etc/passwd">') in body
    assert squeeze("http://example.invalid/x.css") in body
    assert squeeze("<img src='http://example.invalid/i.png'>") in squeeze(hostile.pages[0].notes)
    info = pypdf.PdfReader(io.BytesIO(hostile.pdf)).metadata
    assert info["/Author"].startswith('<link rel="attachment"')


# --- the layout check ----------------------------------------------------------------------


def test_an_over_long_note_fails_the_build_by_default(docs: SimpleNamespace) -> None:
    ctx = Context(id="t", source=Path("t.txt"))
    with pytest.raises(PipelineError, match=r"note 9 .*page \d+"):
        render_print(long_note_document(docs), ctx)


def test_an_over_long_note_moves_to_the_endnotes(endnoted: Build) -> None:
    notes_at_foot = squeeze("\n".join(p.notes for p in endnoted.pages))
    long_note = endnoted.doc.notes[-1]
    first_words = squeeze(printed(long_note.paragraphs[0]))[:80]
    assert first_words not in notes_at_foot
    back = body_stream(endnoted)
    heading = back.find(squeeze("Notes 9."))
    assert heading >= 0
    assert squeeze(join_hyphens("9." + printed(long_note.paragraphs[0]))) in back[heading:]
    for paragraph in long_note.paragraphs:
        assert squeeze(printed(paragraph)) in back[heading:]
    # The call stays in the text, as a superscript number after its sentence.
    assert call_context(endnoted.doc, 9) in back
    # The other notes are still at the foot of their pages.
    for note in endnoted.doc.notes[:-1]:
        assert squeeze(printed(note.paragraphs[0]))[:30] in notes_at_foot


# --- the page map --------------------------------------------------------------------------


def assert_page_starts_match_pdf(b: Build) -> None:
    texts = element_texts(b.doc)
    assert [s.page for s in b.starts] == list(range(1, len(b.pages) + 1))
    assert b.starts[0] == PageStart(1, "title", 0)
    for start in b.starts[1:]:
        page = b.pages[start.page - 1]
        head = squeeze(join_hyphens(page.body))
        previous = b.pages[start.page - 2].body.rstrip()
        if previous.endswith(HYPHEN):
            # The page opens with the end of a hyphenated word: the map points at its start.
            head = squeeze(previous.removesuffix(HYPHEN).split()[-1]) + head
        if start.block_id in BACK_MATTER_IDS:
            # Back matter without model blocks: the page is somewhere in that section.
            heading = {"endnotes": "Notes", "editorial-note": "Editorial note"}[start.block_id]
            assert any(squeeze(heading) in squeeze(p.body) for p in b.pages[: start.page]), start
            continue
        text_there = texts[start.block_id][start.offset :]
        first_word = squeeze(text_there.split()[0]) if text_there.split() else ""
        assert first_word, start
        assert head.startswith(first_word), (start, first_word, head[:40])


def test_page_starts_agree_with_the_pdf(book: Build) -> None:
    assert len(book.starts) >= 5
    assert_page_starts_match_pdf(book)


def test_page_starts_in_endnotes_and_editorial_note(endnoted: Build) -> None:
    assert_page_starts_match_pdf(endnoted)
