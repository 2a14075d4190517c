"""Turn a packet, its documents and the printed packet's layout into the packet's EPUB 3.

Each document is planned and rendered by the ebook writer itself (`writers/epub/plan.py`,
`render.py`), its files named `dN-…` (`plan_book(file_prefix=…)`), its page marks read from
the printed packet's one layout (`writers/pagemap.py` on the document with its packet ids), so
the page-list follows the printed packet's continuous folios. The packet adds what only it has:
a cover, a front file (contents, citation rule, introduction, credits), one navigation
document (packet → documents → sessions, landmarks, page-list) and NCX, and one package
document with the accessibility metadata. Each document keeps its title page, chapters,
editorial note and colophon; its own cover and contents give way to the packet's.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import ebooklib
from ebooklib import epub
from markupsafe import Markup

from pipeline.packet.assemble import PacketDocument, prefixed
from pipeline.packet.front import citation_rule, contents, cover_lines, credits, introduction_markup
from pipeline.packet.identifiers import packet_identifier, print_identifier
from pipeline.packet.print import PacketLayout
from pipeline.packet.spec import PacketSpec
from pipeline.writers.cover import render_cover as cover_image
from pipeline.writers.epub.accessibility import CONFORMS_TO, SELF_EVALUATION
from pipeline.writers.epub.package import (
    FALLBACK_MODIFIED,
    _Writer,
    add_contents,
    pin_zip,
)
from pipeline.writers.epub.plan import BookFile, BookPlan, plan_book
from pipeline.writers.epub.render import (
    COVER_IMAGE,
    CSS_FILE,
    Entry,
    environment,
    page_break,
    render_book,
)
from pipeline.writers.epub.render import (
    contents as document_contents,
)
from pipeline.writers.pagemap import (
    BACK_MATTER_IDS,
    PageStart,
    page_starts_from_layout,
)
from pipeline.writers.pdf import anchor_pages
from pipeline.writers.shared import generator, spelled_date

COVER = BookFile("cover.xhtml", "Cover", "cover")
FRONT = BookFile("packet-front.xhtml", "Contents and introduction", "frontmatter")
NAV = BookFile("nav.xhtml", "Contents", "frontmatter")
# Front-matter sections of the printed packet whose first page the page-list points at.
FRONT_SECTIONS = ("packet-contents", "packet-introduction", "packet-credits")


@dataclass(frozen=True, slots=True)
class PacketPage:
    """A page of the page-list: its number, its file and its place in reading order."""

    page: int
    file: str
    order: tuple[int, ...]


def document_plans(
    spec: PacketSpec, documents: tuple[PacketDocument, ...], layout: PacketLayout
) -> tuple[BookPlan, ...]:
    plans = []
    anchors = anchor_pages(layout.rendered)
    for item in documents:
        doc = prefixed(item.doc, item.prefix)
        starts = page_starts_from_layout(doc, layout.rendered)
        # Page 1 of the packet is its cover, never this document's title block.
        starts = (
            *(s for s in starts if s.page != 1),
            *back_matter_starts(item, documents, layout, anchors, {s.page for s in starts}),
        )
        plans.append(
            plan_book(
                doc,
                starts,
                spec.paper,
                file_prefix=item.prefix,
                paragraph_numbers=spec.options.paragraph_numbers,
            )
        )
    return tuple(plans)


def back_matter_starts(
    item: PacketDocument,
    documents: tuple[PacketDocument, ...],
    layout: PacketLayout,
    anchors: Mapping[str, int],
    found: set[int],
) -> list[PageStart]:
    """The pages of a document's endnotes and editorial note that begin with no model block (a
    heading, a table), as `pagemap` gives them for one document: at that section's start. The
    page map knows the sections by their single-document ids; in the packet they are prefixed."""
    following = [d for d in documents if d.number == item.number + 1]
    end = len(layout.rendered.pages) + 1
    if following:
        end = anchors.get(f"{following[0].prefix}title", end)
    sections = sorted(
        (anchors[item.prefix + section], section)
        for section in BACK_MATTER_IDS
        if item.prefix + section in anchors
    )
    starts = []
    for page in range(sections[0][0] if sections else end, end):
        if page in found or _blank(layout, page):
            continue
        section = [name for first, name in sections if first <= page][-1]
        starts.append(PageStart(page, section, 0))
    return starts


def _blank(layout: PacketLayout, page: int) -> bool:
    """A left-hand page that duplex left blank (WeasyPrint's :blank page): not in the list."""
    return bool(layout.rendered.pages[page - 1]._page_box.page_type.blank)


def _document_files(plan: BookPlan) -> tuple[BookFile, ...]:
    """A document's files in the packet: all but its own cover and contents."""
    return tuple(f for f in plan.spine if f not in (plan.cover, plan.nav))


def _page(file: BookFile, template: str, lang: str, **values: object) -> bytes:
    text = (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            title=file.label,
            stylesheet=CSS_FILE,
            matter=file.matter,
            generator=generator(),
            **values,
        )
    )
    return text.encode("utf-8")


def front_page_marks(layout: PacketLayout) -> dict[str, Markup]:
    """The page break marker of the page each front-matter section begins on."""
    pages = anchor_pages(layout.rendered)
    return {s: page_break(pages[s]) for s in FRONT_SECTIONS if s in pages}


def _toc(
    spec: PacketSpec, documents: tuple[PacketDocument, ...], plans: Sequence[BookPlan]
) -> tuple[Entry, ...]:
    entries = [Entry(f"{FRONT.name}#packet-contents", "Contents")]
    if spec.introduction is not None:
        entries.append(Entry(f"{FRONT.name}#packet-introduction", "Introduction"))
    entries.append(Entry(f"{FRONT.name}#packet-credits", "Credits"))
    for item, plan in zip(documents, plans, strict=True):
        own = document_contents(plan)
        title_entry, rest = own[0], own[1:]
        entries.append(
            Entry(
                title_entry.href,
                f"Document {item.number}. {title_entry.label}",
                (*title_entry.children, *rest),
            )
        )
    return tuple(entries)


def _pages(plans: Sequence[BookPlan], front: Mapping[str, Markup], layout: PacketLayout) -> list:
    pages = anchor_pages(layout.rendered)
    found = [
        PacketPage(pages[s], FRONT.name, (0, i)) for i, s in enumerate(FRONT_SECTIONS) if s in front
    ]
    for index, plan in enumerate(plans, start=1):
        found += [PacketPage(p.page, p.file, (index, *p.order)) for p in plan.pages]
    return sorted(found, key=lambda p: p.order)


def _ncx(
    spec: PacketSpec, toc: Sequence[Entry], pages: Sequence[PacketPage], order: Mapping[str, int]
) -> bytes:
    """The EPUB 2 navigation: the same contents and page-list; playOrder is one number per
    target in reading order (EPUBCheck RSC-005: two targets may not share one)."""

    def place(href: str) -> tuple[int, str]:
        return (order[href.partition("#")[0]], href)

    def walk(items: Sequence[Entry]) -> list[Entry]:
        return [x for e in items for x in (e, *walk(e.children))]

    targets = {place(e.href) for e in walk(toc)} | {place(f"{p.file}#page-{p.page}") for p in pages}
    play = {target: n for n, target in enumerate(sorted(targets), start=1)}
    counter = iter(range(1, 10**6))

    def points(items: Sequence[Entry]) -> list[dict[str, object]]:
        return [
            {
                "id": f"navpoint-{next(counter)}",
                "label": e.label,
                "href": e.href,
                "play": play[place(e.href)],
                "children": points(e.children),
            }
            for e in items
        ]

    def depth(items: Sequence[Entry]) -> int:
        return 1 + max((depth(e.children) for e in items), default=0) if items else 0

    text = (
        environment()
        .get_template("toc.ncx.j2")
        .render(
            lang=spec.language,
            identifier=packet_identifier(spec),
            title=spec.title,
            authors=[spec.instructor] if spec.instructor else [],
            depth=depth(toc),
            points=points(toc),
            pages=[
                {
                    "id": f"pagetarget-{p.page}",
                    "value": p.page,
                    "href": f"{p.file}#page-{p.page}",
                    "play": play[place(f"{p.file}#page-{p.page}")],
                }
                for p in pages
            ],
            pages_label=page_list_heading(spec),
            max_page=max((p.page for p in pages), default=0),
        )
    )
    return text.encode("utf-8")


def page_list_heading(spec: PacketSpec) -> str:
    return f"Pages of the printed packet ({spec.paper.upper()})"


def write_packet_epub(
    spec: PacketSpec, documents: tuple[PacketDocument, ...], layout: PacketLayout
) -> bytes:
    plans = document_plans(spec, documents, layout)
    cover = cover_image(spec.title, spelled_date(spec.date) if spec.date else spec.term)
    files: dict[str, bytes] = {}
    spine: list[BookFile] = [COVER, NAV, FRONT]
    for plan in plans:
        rendered = render_book(plan, cover.alt)
        for file in _document_files(plan):
            files[file.name] = rendered[file.name]
            spine.append(file)
    front = front_page_marks(layout)
    files[COVER.name] = _page(
        COVER, "cover.xhtml.j2", spec.language, image=COVER_IMAGE, alt=cover.alt
    )
    files[FRONT.name] = _page(
        FRONT,
        "packet-front.xhtml.j2",
        spec.language,
        packet_title=spec.title,
        cover_lines=cover_lines(spec),
        entries=contents(documents),
        first_files={p.doc.meta.id: p.titlepage.name for p in plans},
        titlepages=[p.titlepage.name for p in plans],
        citation_rule=citation_rule(spec, documents),
        introduction=introduction_markup(spec),
        credits=credits(documents),
        marks=front,
    )
    toc = _toc(spec, documents, plans)
    pages = _pages(plans, front, layout)
    first_body = plans[0].chapters[0].name if plans[0].chapters else plans[0].titlepage.name
    files[NAV.name] = _page(
        NAV,
        "nav.xhtml.j2",
        spec.language,
        toc=toc,
        landmarks=[
            {"kind": "cover", "href": COVER.name, "label": "Cover"},
            {"kind": "toc", "href": f"{NAV.name}#toc", "label": "Contents"},
            {"kind": "frontmatter", "href": FRONT.name, "label": "Introduction and credits"},
            {"kind": "bodymatter", "href": first_body, "label": "Start of the first record"},
        ],
        pages=[{"href": f"{p.file}#page-{p.page}", "label": str(p.page)} for p in pages],
        pages_heading=page_list_heading(spec),
    )
    order = {file.name: index for index, file in enumerate(spine)}
    return _package(spec, spine, files, cover.png, _ncx(spec, toc, pages, order), bool(pages))


def _modified(spec: PacketSpec) -> datetime:
    if spec.date:
        return datetime.fromisoformat(spec.date).replace(tzinfo=UTC)
    return FALLBACK_MODIFIED


def _package(
    spec: PacketSpec,
    spine: Sequence[BookFile],
    files: Mapping[str, bytes],
    cover_png: bytes,
    ncx: bytes,
    paged: bool,
) -> bytes:
    book = epub.EpubBook()
    book.set_identifier(packet_identifier(spec))
    book.set_title(spec.title)
    book.set_language(spec.language)
    if spec.instructor:
        book.add_metadata("DC", "creator", spec.instructor, {"id": "creator"})
        book.add_metadata(
            None,
            "meta",
            "edt",
            {"refines": "#creator", "property": "role", "scheme": "marc:relators"},
        )
    if spec.date:
        book.add_metadata("DC", "date", spec.date)
    if description := " · ".join(cover_lines(spec)):
        book.add_metadata("DC", "description", description)
    # EbookLib names itself the generator; say what made the book (as package.py does).
    made_with = f"{generator()} (EbookLib {'.'.join(map(str, ebooklib.VERSION))})"
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": made_with})
    if paged:
        book.add_metadata(None, "meta", print_identifier(spec), {"property": "pageBreakSource"})
    features = [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ]
    if paged:
        features += ["pageNavigation", "printPageNumbers"]
    summary = (
        f"A reading packet of {len(spine)} files: every record's text, notes (as linked "
        "footnotes) and editorial note, navigable by document and session"
        + (", with the printed packet's page numbers" if paged else "")
        + ". The cover image has a text alternative; no other images."
    )
    for prop, value in (
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", f) for f in features),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        ("dcterms:conformsTo", CONFORMS_TO),
    ):
        book.add_metadata(None, "meta", value, {"property": prop})
    book.add_metadata(None, "meta", SELF_EVALUATION, {"property": "a11y:certifiedBy"})
    add_contents(book, spine, NAV, files, cover_png, ncx, spec.options.paragraph_numbers)
    out = io.BytesIO()
    writer = _Writer(
        out,
        book,
        spec.language,
        {
            "epub3_pages": False,
            "epub3_landmark": False,
            "raise_exceptions": True,
            "mtime": _modified(spec),
        },
    )
    writer.process()
    writer.write()
    return pin_zip(out.getvalue())
