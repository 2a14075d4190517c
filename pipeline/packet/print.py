"""Turn a packet and its documents into the printed packet: one HTML, one WeasyPrint layout, PDF.

The packet is rendered as one document, so folios run on from the cover to the last page and the
contents' `target-counter` page numbers are those the pages really carry (WeasyPrint's
`target-counter` breaks when the page counter is reset). Each document's body is the print
edition's own markup (`writers/pdf.py` `document_values` and `templates/print-document.html.j2`),
its ids prefixed `dN-`; `styles/packet.css` adds the cover, contents, running heads naming the
packet and the document, an outline packet → documents → sessions, and (in duplex) documents
opening on right-hand pages with blank left pages left truly blank.

The layout is checked as the print edition's is (`writers/pdf.py`): every footnote on its
call's page and whole, no page ending in a hyphenated word, and each paragraph number in the
outer margin of its page; a failed check lays the packet out again with its cause removed, and
a note too tall for any page follows that document's own `long_notes` setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import weasyprint
from weasyprint.formatting_structure import boxes

from pipeline.context import STYLES_DIR
from pipeline.errors import PipelineError
from pipeline.packet.assemble import PacketDocument, prefixed
from pipeline.packet.front import (
    citation_rule,
    contents,
    cover_lines,
    credits,
    introduction_markup,
)
from pipeline.packet.identifiers import print_identifier
from pipeline.packet.spec import PacketSpec
from pipeline.writers.breaking import book_breaking
from pipeline.writers.fetcher import StylesFetcher
from pipeline.writers.pdf import (
    BASE_URL,
    PAGE_GEOMETRY,
    PRINT_CSS,
    TEXT_WIDTH_MM,
    LayoutRound,
    NotePlacement,
    anchor_pages,
    block_at_page_end,
    describe_placement,
    document_markup,
    document_values,
    environment,
    font_configuration,
    note_placements,
    page_turn_words,
    verso_numbers,
)
from pipeline.writers.shared import content_date, edition_title, generator
from pipeline.writers.xmp import PdfMetadata, metadata_finisher

PACKET_CSS = STYLES_DIR / "packet.css"
TEMPLATE = "packet.html.j2"


@dataclass(frozen=True, slots=True)
class PacketGeometry:
    """A packet's page: size and margins in mm, the text width, and why."""

    size: str
    width: float
    height: float
    head: float
    foot: float
    inner: float
    text_width: float
    why: str

    @property
    def outer(self) -> float:
        return round(self.width - self.text_width - self.inner, 1)


def _print_edition_page(paper: str) -> PacketGeometry:
    """A4 and Letter are the print edition's own pages (pdf.PAGE_GEOMETRY: 120 mm, ≈ 68
    characters), taken from there so that the two cannot drift apart."""
    page = PAGE_GEOMETRY[paper]
    return PacketGeometry(
        page.size, page.width, page.height, page.head, page.foot, page.inner, TEXT_WIDTH_MM,
        f"the print edition's page: {page.why}",
    )  # fmt: skip


# The half sizes, which a booklet imposes two-up, hold a shorter measure at the same type size.
GEOMETRY: dict[str, PacketGeometry] = {
    "a4": _print_edition_page("a4"),
    "letter": _print_edition_page("letter"),
    "a5": PacketGeometry(
        "A5", 148.0, 210.0, head=17.0, foot=24.0, inner=15.0, text_width=106.0,
        why="half an A4 sheet: 106 mm hold about 60 characters, a book's measure still",
    ),
    "half-letter": PacketGeometry(
        "139.7mm 215.9mm", 139.7, 215.9, head=17.0, foot=25.0, inner=14.0, text_width=102.0,
        why="half a US Letter sheet (5.5 × 8.5 in): about 58 characters to the line",
    ),
}  # fmt: skip

# The annotation option: this much of the text block goes to the outer margin, and the text's
# leading opens from 15 pt to ANNOTATION_LEADING (room between the lines for a word or a mark).
ANNOTATION_MARGIN = {"a4": 18.0, "letter": 18.0, "a5": 14.0, "half-letter": 14.0}
ANNOTATION_LEADING = "19pt"

# --marks: the print shop's bleed and crop marks (WeasyPrint's `bleed` and `marks`).
BLEED = "3mm"


def geometry_for(spec: PacketSpec) -> PacketGeometry:
    geometry = GEOMETRY[spec.paper]
    if spec.options.annotation:
        return replace(geometry, text_width=geometry.text_width - ANNOTATION_MARGIN[spec.paper])
    return geometry


def page_stylesheet(
    spec: PacketSpec, keep_whole: frozenset[str] = frozenset(), marks: bool = False
) -> str:
    """The packet's @page rules (mirrored margins), its options, and any block kept whole."""
    g = geometry_for(spec)
    rules = [
        f"@page {{ size: {g.size}; margin: {g.head}mm {g.outer}mm {g.foot}mm {g.inner}mm; }}",
        f"@page :right {{ margin-left: {g.inner}mm; margin-right: {g.outer}mm; }}",
        f"@page :left {{ margin-left: {g.outer}mm; margin-right: {g.inner}mm; }}",
    ]
    if marks:
        rules.append(f"@page {{ bleed: {BLEED}; marks: crop; }}")
    if spec.options.annotation:
        rules.append(f".packet-document .record p {{ line-height: {ANNOTATION_LEADING}; }}")
    rules += [
        f'[id="{block_id}"] {{ break-inside: avoid; orphans: 99; widows: 99; }}'
        for block_id in sorted(keep_whole)
    ]
    return "\n".join(rules) + "\n"


# --- the HTML ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PacketRound:
    """What one layout of the packet is asked to do: each document's own layout round (notes
    moved to the back, words kept whole, paragraph numbers and their sides) and the blocks,
    by prefixed id, not to split at a page foot."""

    documents: tuple[LayoutRound, ...]
    keep_whole: frozenset[str] = field(default=frozenset())


def first_round(spec: PacketSpec, documents: tuple[PacketDocument, ...]) -> PacketRound:
    numbers: frozenset[int] | None = frozenset() if spec.options.paragraph_numbers else None
    return PacketRound(tuple(LayoutRound(numbers=numbers) for _ in documents))


def packet_html(
    spec: PacketSpec, documents: tuple[PacketDocument, ...], layout: PacketRound
) -> str:
    measure = geometry_for(spec).text_width
    bodies = []
    for item, round_ in zip(documents, layout.documents, strict=True):
        doc = prefixed(item.doc, item.prefix)
        values = document_values(doc, item.ctx, round_, item.prefix, measure)
        bodies.append(
            {
                "number": item.number,
                "lang": values["lang"],
                "markup": document_markup(values, item.prefix, item.number),
            }
        )
    description = " · ".join(cover_lines(spec))
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            lang=spec.language,
            title=spec.title,
            short_title=spec.short_title,
            instructor=spec.instructor,
            description=description,
            generator=generator(),
            date=spec.date,
            duplex=spec.options.duplex,
            annotation=spec.options.annotation,
            numbered=spec.options.paragraph_numbers,
            cover_lines=cover_lines(spec),
            contents=contents(documents),
            introduction=introduction_markup(spec),
            credits=credits(documents),
            citation_rule=citation_rule(spec, documents),
            imprint=f"Set by {generator()}, with WeasyPrint {weasyprint.__version__}.",
            documents=bodies,
        )
    )


# --- layout and its check --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PacketLayout:
    """A finished, checked layout of the packet and the HTML it was made from."""

    rendered: weasyprint.document.Document
    html: str
    page_css: str
    layouts: int


def _note_key(box: boxes.Box) -> str | None:
    """A footnote's element id (`dN-…`): note numbers repeat across a packet's documents."""
    element = box.element
    if element is None or "footnote" not in (element.get("class") or "").split():
        return None
    return element.get("id")


def _document_of(element_id: str, documents: tuple[PacketDocument, ...]) -> int:
    """The index (0-based) in `documents` of the document an element id belongs to."""
    for index, item in enumerate(documents):
        if element_id.startswith(item.prefix):
            return index
    raise ValueError(f"no document for id {element_id!r}")


def next_round(
    documents: tuple[PacketDocument, ...],
    rendered: weasyprint.document.Document,
    current: PacketRound,
) -> PacketRound | None:
    """What the next layout must do differently, or None when this one passes every check
    (the print edition's checks, `pdf._next_round`, applied to each document of the packet)."""
    rounds = list(current.documents)
    bad: dict[int, list[NotePlacement]] = {}
    squeezed: set[str] = set()
    for key, placement in note_placements(rendered, _note_key).items():
        if placement.ok:
            continue
        index = _document_of(key, documents)
        bad.setdefault(index, []).append(placement)
        if (placement.inside and placement.body_page > placement.call_page) or (
            placement.body_page == 0
        ):
            block = block_at_page_end(rendered, placement.call_page)
            if block is not None and block not in current.keep_whole:
                squeezed.add(block)
    turned = page_turn_words(rendered)
    changed = False
    for index, round_ in enumerate(rounds):
        if not turned <= round_.whole_words:
            rounds[index] = replace(round_, whole_words=round_.whole_words | turned)
            changed = True
    if squeezed:
        return PacketRound(tuple(rounds), current.keep_whole | squeezed)
    for index, placements in bad.items():
        item = documents[index]
        if item.ctx.settings.long_notes == "fail":
            raise PipelineError(
                "; ".join(describe_placement(p, " of the packet") for p in placements)
                + " (WeasyPrint cannot split a footnote across pages; shorten the note, or set "
                'long_notes = "endnotes" under [print] in edition.toml)',
                path=item.doc.source_path or item.ctx.source,
            )
        too_tall = [p for p in placements if not p.inside] or placements
        rounds[index] = replace(
            rounds[index], endnotes=rounds[index].endnotes | {p.number for p in too_tall}
        )
        changed = True
    if not changed:
        changed = _number_sides(documents, rendered, rounds)
    return PacketRound(tuple(rounds), current.keep_whole) if changed else None


def _number_sides(
    documents: tuple[PacketDocument, ...],
    rendered: weasyprint.document.Document,
    rounds: list[LayoutRound],
) -> bool:
    """Move each paragraph number to the outer margin of the page it landed on; True if any
    moved (the pages break alike: numbers take no room)."""
    pages: Mapping[str, int] = anchor_pages(rendered)
    changed = False
    for index, item in enumerate(documents):
        if rounds[index].numbers is None:
            continue
        verso = verso_numbers(prefixed(item.doc, item.prefix), dict(pages))
        if verso != rounds[index].numbers:
            rounds[index] = replace(rounds[index], numbers=verso)
            changed = True
    return changed


def layout_packet(
    spec: PacketSpec, documents: tuple[PacketDocument, ...], marks: bool = False
) -> PacketLayout:
    """Lay the packet out and check it (see the module docstring)."""
    fetcher = StylesFetcher()
    current = first_round(spec, documents)
    notes = sum(len(item.doc.notes) for item in documents)
    sessions = sum(len(item.doc.sessions) for item in documents)
    # Each round keeps a word or block whole, moves a note back or a number across: this ends.
    limit = 2 * notes + sessions + 6
    for count in range(1, limit + 1):
        fonts = font_configuration()
        html = packet_html(spec, documents, current)
        page_css = page_stylesheet(spec, current.keep_whole, marks)
        with book_breaking():
            rendered = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
                stylesheets=[
                    weasyprint.CSS(filename=str(PRINT_CSS), url_fetcher=fetcher, font_config=fonts),
                    weasyprint.CSS(
                        filename=str(PACKET_CSS), url_fetcher=fetcher, font_config=fonts
                    ),
                    weasyprint.CSS(string=page_css, url_fetcher=fetcher, font_config=fonts),
                ],
                font_config=fonts,
            )
        following = next_round(documents, rendered, current)
        if following is None:
            return PacketLayout(rendered, html, page_css, count)
        current = following
    raise PipelineError("could not place the packet's notes", path=spec.path)


def write_packet_pdf(
    layout: PacketLayout, spec: PacketSpec, documents: tuple[PacketDocument, ...]
) -> bytes:
    """The packet's PDF from its layout: fonts subset, every date from the packet file, and the
    single PDFs' Info fields and XMP packet (`writers/xmp.py`) saying what the packet is."""
    finisher = metadata_finisher(packet_pdf_metadata(spec, documents))
    return layout.rendered.write_pdf(finisher=finisher)


def packet_pdf_metadata(spec: PacketSpec, documents: tuple[PacketDocument, ...]) -> PdfMetadata:
    """What a catalogue reads from the packet's PDF. The packet is a compilation: its instructor
    is its editor (MARC relator edt, as in the EPUB), its keywords the documents' titles, its
    coverage the span of the talks; a publisher or rights statement is the packet's only when
    every document gives the same one (a packet does not claim what its documents do not)."""

    def common(values: list[str]) -> str:
        kept = {" ".join(v.split()) for v in values}
        return kept.pop() if len(kept) == 1 else ""

    talks = sorted(d for d in (content_date(item.doc.meta) for item in documents) if d)
    coverage = talks[0] if talks and talks[0] == talks[-1] else "/".join(talks[:1] + talks[-1:])
    return PdfMetadata(
        title=spec.title,
        language=spec.language,
        creators=(spec.instructor,) if spec.instructor else (),
        contributors=((spec.instructor, "edt"),) if spec.instructor else (),
        subject=" · ".join(cover_lines(spec)),
        keywords=tuple(edition_title(item.doc) for item in documents),
        published=spec.date,
        modified=spec.date,
        coverage=coverage,
        identifier=print_identifier(spec),
        publisher=common([item.doc.meta.publisher for item in documents]),
        rights=common([item.doc.meta.rights for item in documents]),
        source="",
    )
