"""The example packet (packets/seminar.toml), built once and read back as an instructor and a
student would: the contents against the pages, duplex blanks, folios, running heads, the
outline, the paragraph numbers against the single-document editions, the booklet, EPUBCheck and
Ace on the EPUB, and the same bytes on a rebuild."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from pipeline.packet import build_packet
from pipeline.packet.print import GEOMETRY
from pipeline.packet.spec import read_packet
from pipeline.pipeline import prepare
from pipeline.writers import ace
from pipeline.writers.epub import write_epub
from pipeline.writers.pagemap import print_page_starts

ROOT = Path(__file__).resolve().parents[2]
PACKET = ROOT / "packets" / "seminar.toml"
MM = 72 / 25.4
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    x: float
    y: float
    text: str


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return build_packet(PACKET, booklet=True)


@pytest.fixture(scope="module")
def spec():
    return read_packet(PACKET)


@pytest.fixture(scope="module")
def pdf(files: dict[str, bytes]) -> PdfReader:
    return PdfReader(io.BytesIO(files["seminar.pdf"]))


def words(page) -> list[Word]:
    found: list[Word] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(Word(x, y, " ".join(text.split())))

    page.extract_text(visitor_text=visit)
    return found


def layout_text(data: bytes, page: int) -> str:
    """pdftotext -layout of one page (the audit's reading: leaders and page numbers kept)."""
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")


def document_starts(pdf: PdfReader) -> dict[int, int]:
    """Document number → the page whose first line is "Document N" (the title block)."""
    starts = {}
    for index, page in enumerate(pdf.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        if lines and (match := re.fullmatch(r"Document (\d+)", lines[0])):
            starts[int(match.group(1))] = index
    return starts


def test_the_contents_give_the_pages_where_the_documents_start(files, pdf, spec) -> None:
    starts = document_starts(pdf)
    assert sorted(starts) == [1, 2, 3]
    contents = layout_text(files["seminar.pdf"], 3)
    assert contents.lstrip().startswith("Contents")
    for number, folder in enumerate(spec.documents, start=1):
        doc, _ = prepare(folder)
        title = doc.meta.title
        # "1   Record of Soviet–Japanese Talks, 8 October 1973 ........ 7"; a long title
        # wraps, and its leaders and page end its last line.
        lines = contents.splitlines()
        first = next(
            i
            for i, line in enumerate(lines)
            if re.match(rf"\s*{number}\s+{re.escape(title.split()[0])}", line)
        )
        line = next(line for line in lines[first:] if re.search(r"\.{3,}\s*\d+\s*$", line))
        assert int(re.search(r"(\d+)\s*$", line).group(1)) == starts[number], line


def test_in_duplex_each_document_opens_on_a_right_hand_page(pdf) -> None:
    assert all(page % 2 == 1 for page in document_starts(pdf).values())


def test_blank_pages_are_truly_blank_and_only_where_duplex_needs_them(pdf) -> None:
    starts = set(document_starts(pdf).values())
    blank = [i for i, page in enumerate(pdf.pages, start=1) if not page.extract_text().strip()]
    assert blank, "the example packet needs at least one duplex blank"
    for page in blank:
        # A blank is a left-hand page before a right-hand opening (a document, the contents).
        assert page % 2 == 0
        assert page + 1 in starts | {3}
        assert words(pdf.pages[page - 1]) == []


def test_folios_run_on_from_the_cover_to_the_last_page(pdf, spec) -> None:
    foot = GEOMETRY[spec.paper].foot * MM
    folios = {}
    for index, page in enumerate(pdf.pages, start=1):
        below = [w.text for w in words(page) if w.y < foot]
        if below:
            assert len(below) == 1, below
            folios[index] = int(below[0])
    assert folios, "no folios found"
    assert all(folio == page for page, folio in folios.items())
    assert 1 not in folios  # the cover carries none
    assert len(folios) >= len(pdf.pages) - 1 - 3  # every page but the cover and the blanks


def test_running_heads_name_the_document_in_force(pdf, spec) -> None:
    starts = document_starts(pdf)
    geometry = GEOMETRY[spec.paper]
    top = float(pdf.pages[0].mediabox.height) - geometry.head * MM
    bounds = sorted(starts.items(), key=lambda item: item[1])
    checked = 0
    for number, first in bounds:
        following = [p for n, p in bounds if n == number + 1]
        last = following[0] - 1 if following else len(pdf.pages)
        for page in range(first, last + 1):
            head = " ".join(w.text for w in words(pdf.pages[page - 1]) if w.y > top)
            if page == first or not pdf.pages[page - 1].extract_text().strip():
                assert head == ""  # the opening page and a blank carry no head
                continue
            assert f"Document {number}" in head, (page, head)
            if page % 2 == 0:
                assert spec.short_title.split()[0] in head
            checked += 1
    assert checked > 20


def test_the_outline_is_packet_then_documents_then_sessions(pdf, spec) -> None:
    outline = pdf.outline
    assert len(outline) == 2 and outline[0].title == spec.title
    children = outline[1]
    titles = [item.title for item in children if not isinstance(item, list)]
    assert titles[:3] == ["Contents", "Introduction", "Credits"]
    documents = [t for t in titles if re.match(r"\d+\. ", t)]
    assert len(documents) == 3
    sessions = [item for item in children if isinstance(item, list)]
    assert len(sessions) == 3
    for folder, entries in zip(spec.documents, sessions, strict=True):
        doc, _ = prepare(folder)
        labels = [e.title for e in entries]
        assert labels[-1] == "Editorial note"
        assert len(labels) - 1 == sum(1 for s in doc.sessions if s.heading)


def margin_numbers(pdf: PdfReader, pages: range, left_text: float, width: float) -> list:
    """(page, number, side) of every number set outside the text block, between head and
    foot: the paragraph numbers. `left_text(page)` is the text block's left edge."""
    found = []
    for index in pages:
        page = pdf.pages[index - 1]
        height = float(page.mediabox.height)
        left = left_text(index)
        for w in words(page):
            if not w.text.isdigit() or not 30 * MM < w.y < height - 15 * MM:
                continue
            if w.x < left - 2:
                found.append((index, int(w.text), "left"))
            elif w.x > left + width + 2:
                found.append((index, int(w.text), "right"))
    return found


def numbered_blocks(folder: Path) -> list[int]:
    doc, _ = prepare(folder)
    return [b.number for s in doc.sessions for b in s.blocks if getattr(b, "number", 0)]


def test_paragraph_numbers_stand_in_the_outer_margin_and_count_as_the_model_does(pdf, spec) -> None:
    geometry = GEOMETRY[spec.paper]
    starts = [*sorted(document_starts(pdf).values()), len(pdf.pages) + 1]

    def left(page: int) -> float:
        return (geometry.inner if page % 2 else geometry.outer) * MM

    for folder, first, end in zip(spec.documents, starts, starts[1:], strict=False):
        found = margin_numbers(pdf, range(first, end), left, geometry.text_width * MM)
        assert [n for _, n, _ in found] == numbered_blocks(folder)
        # Outer margin: right on a right-hand (odd) page, left on a left-hand one.
        assert all(side == ("right" if page % 2 else "left") for page, _, side in found)


def single_edition(folder: Path) -> tuple[PdfReader, bytes, object]:
    doc, ctx = prepare(folder)
    ctx = replace(ctx, settings=replace(ctx.settings, paragraph_numbers=True))
    from pipeline.writers.pdf import layout_print, write_pdf

    layout = layout_print(doc, ctx)
    pdf = PdfReader(io.BytesIO(write_pdf(doc, ctx, layout.rendered)))
    epub = write_epub(doc, ctx, print_page_starts(doc, ctx, layout.rendered))
    return pdf, epub, ctx


def epub_numbers(data: bytes, files: list[str]) -> list[tuple[int, str]]:
    """(number, the paragraph's first words) of every numbered paragraph of the files."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in files:
            tree = etree.fromstring(book.read(f"EPUB/{name}"))
            for span in tree.iter(f"{XHTML}span"):
                if span.get("class") == "paragraph-number":
                    text = " ".join("".join(span.getparent().itertext()).split())
                    label = " ".join("".join(span.itertext()).split())
                    assert label.startswith("Paragraph ")
                    found.append((int(label.removeprefix("Paragraph ")), text[:60]))
    return found


def test_paragraph_numbers_are_those_of_the_single_document_editions(files, spec) -> None:
    folder = spec.documents[0]  # the 1973 record: two sessions, notes, an omission
    single_pdf, single_epub, _ = single_edition(folder)
    geometry_left = {1: 36.0, 0: 210.0 - 120.0 - 36.0}  # pdf.PAGE_GEOMETRY["a4"]

    def left(page: int) -> float:
        return geometry_left[page % 2] * MM

    single = margin_numbers(single_pdf, range(1, len(single_pdf.pages) + 1), left, 120 * MM)
    assert [n for _, n, _ in single] == numbered_blocks(folder)
    with zipfile.ZipFile(io.BytesIO(single_epub)) as book:
        chapters = sorted(n.removeprefix("EPUB/") for n in book.namelist() if "chapter-" in n)
    packet_chapters = [f"d1-{name}" for name in chapters]
    assert epub_numbers(files["seminar.epub"], packet_chapters) == epub_numbers(
        single_epub, chapters
    )
    assert [n for n, _ in epub_numbers(single_epub, chapters)] == numbered_blocks(folder)


def test_the_booklet_holds_the_pages_in_saddle_stitch_order(files, pdf) -> None:
    booklet = PdfReader(io.BytesIO(files["seminar-booklet.pdf"]))
    total = -(-len(pdf.pages) // 4) * 4
    assert len(booklet.pages) == total // 2
    # The first side of the first sheet holds the last page (or a blank) and the cover.
    first = booklet.pages[0]
    half = float(first.mediabox.width) / 2
    right = " ".join(w.text for w in words(first) if w.x >= half)
    assert pdf.pages[0].extract_text().split()[0] in right


def test_the_packet_epub_has_every_document_and_its_nav(files) -> None:
    with zipfile.ZipFile(io.BytesIO(files["seminar.epub"])) as book:
        names = book.namelist()
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        opf = book.read("EPUB/content.opf").decode()
    for number in (1, 2, 3):
        assert f"EPUB/d{number}-title.xhtml" in names
        assert f"EPUB/d{number}-editorial.xhtml" in names
    toc = nav.find(f".//{XHTML}nav[@id='toc']")
    top = [li.find(f"{XHTML}a").text for li in toc.find(f"{XHTML}ol").findall(f"{XHTML}li")]
    assert [t for t in top if t.startswith("Document ")] == [
        "Document 1. Record of Soviet–Japanese Talks",
        "Document 2. Memorandum of Conversation: Kissinger and Tack",
        "Document 3. Record of U.S.–Polish Talks",
    ]
    assert 'property="pageBreakSource"' in opf
    assert "schema:accessibilitySummary" in opf


def test_the_page_list_follows_the_printed_packet(files, pdf) -> None:
    with zipfile.ZipFile(io.BytesIO(files["seminar.epub"])) as book:
        nav = book.read("EPUB/nav.xhtml").decode()
    listed = [int(n) for n in re.findall(r'#page-(\d+)"', nav)]
    assert listed == sorted(listed)
    blank = {i for i, page in enumerate(pdf.pages, start=1) if not page.extract_text().strip()}
    # Every printed page but the cover and the blanks.
    assert set(listed) == set(range(2, len(pdf.pages) + 1)) - blank


def test_epubcheck_reports_nothing(files, tmp_path: Path) -> None:
    from pipeline.writers.checks import Verdict, epubcheck

    path = tmp_path / "seminar.epub"
    path.write_bytes(files["seminar.epub"])
    assert epubcheck(path) == Verdict((), valid=True)


@pytest.mark.skipif(
    ace.ace_executable() is None or ace.chromium_executable() is None,
    reason="Ace is not installed (tools/ace.sh installs it into .tools/ace; needs npm, chromium)",
)
def test_ace_reports_no_violation(files, tmp_path: Path) -> None:
    path = tmp_path / "seminar.epub"
    path.write_bytes(files["seminar.epub"])
    assert [str(v) for v in ace.run_ace(path)] == []


def test_a_rebuild_gives_the_same_bytes(files) -> None:
    again = build_packet(PACKET, booklet=True)
    assert again.keys() == files.keys()
    for name, data in files.items():
        assert again[name] == data, name


def test_the_pdf_says_what_the_packet_is_in_info_and_xmp(files, spec, pdf) -> None:
    # A catalogue reads the packet's PDF as it reads a single edition's (writers/xmp.py).
    info = pdf.metadata
    assert info["/Title"] == spec.title
    assert info["/Author"] == spec.instructor
    assert info["/Keywords"].split("; ") == [
        "Record of Soviet–Japanese Talks",
        "Memorandum of Conversation: Kissinger and Tack",
        "Record of U.S.–Polish Talks",
    ]
    assert info["/Producer"].startswith("edition-pipeline")
    assert info["/CreationDate"] == "D:" + spec.date.replace("-", "")
    xmp = etree.fromstring(pdf.trailer["/Root"]["/Metadata"].get_object().get_data())
    ns = {
        "dc": "http://purl.org/dc/elements/1.1/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "marcrel": "http://id.loc.gov/vocabulary/relators/",
    }
    (identifier,) = xmp.xpath("//dc:identifier/text()", namespaces=ns)
    with zipfile.ZipFile(io.BytesIO(files["seminar.epub"])) as book:
        opf = book.read("EPUB/content.opf").decode()
    # The PDF is the printed packet that the EPUB's page-list follows.
    assert f'<meta property="pageBreakSource">{identifier}</meta>' in opf
    assert xmp.xpath("//dc:language//rdf:li/text()", namespaces=ns) == [spec.language]
    assert xmp.xpath("//dc:coverage/text()", namespaces=ns) == ["1973-10-08/1974-10-08"]
    assert xmp.xpath("//marcrel:edt//rdf:li/text()", namespaces=ns) == [spec.instructor]
    # The three records carry different rights statements: the packet claims none of them.
    assert xmp.xpath("//dc:rights", namespaces=ns) == []
    booklet = PdfReader(io.BytesIO(files["seminar-booklet.pdf"])).metadata
    assert booklet["/Title"] == spec.title
