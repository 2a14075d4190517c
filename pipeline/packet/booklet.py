"""Turn a PDF of half-size pages into a saddle-stitched booklet: two pages to a sheet side.

    impose(pdf bytes of A5 pages, "a4") -> pdf bytes of A4 landscape sheets

The pages are padded with blank pages to a multiple of 4 (a folded sheet holds four pages) and
placed so that the printed sheets, stacked in order, printed on both sides (flip on the short
edge) and folded once down the middle, read 1, 2, 3 …: for N pages, the first sheet's front
holds N and 1, its back 2 and N−1, the next sheet's front N−2 and 3, and so on
(`sheet_order`). A page larger than half the sheet is scaled down to fit, centred (the
command line never imposes pages with bleed: `--booklet` and `--marks` are refused together).
Pure: bytes in, bytes out, nothing read from the clock.
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

from pipeline.errors import PipelineError

MM = 72 / 25.4

# The sheet a half-size packet is imposed on, landscape (width, height in points), with why.
SHEETS: dict[str, tuple[float, float, str]] = {
    "a5": (297 * MM, 210 * MM, "two A5 pages fill an A4 sheet"),
    "half-letter": (11 * 72, 8.5 * 72, "two 5.5 × 8.5 in pages fill a US Letter sheet"),
}


def padded(pages: int) -> int:
    """The page count rounded up to a multiple of 4."""
    return -(-pages // 4) * 4


def sheet_order(pages: int) -> list[tuple[int, int]]:
    """The (left, right) page numbers (1-based; 0 for a blank) of every sheet side, in print
    order: front of sheet 1, back of sheet 1, front of sheet 2 …"""
    total = padded(pages)
    sides = []
    for sheet in range(total // 4):
        front = (total - 2 * sheet, 1 + 2 * sheet)
        back = (2 + 2 * sheet, total - 1 - 2 * sheet)
        sides += [front, back]
    return [tuple(n if n <= pages else 0 for n in side) for side in sides]  # type: ignore[misc]


def impose(pdf: bytes, paper: str) -> bytes:
    """The booklet of `pdf`'s pages on the sheet that holds two pages of `paper`."""
    if paper not in SHEETS:
        raise PipelineError(
            f"a booklet needs half-size pages (paper {' or '.join(SHEETS)}), not {paper!r}"
        )
    width, height, _ = SHEETS[paper]
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    for left, right in sheet_order(len(reader.pages)):
        sheet = PageObject.create_blank_page(width=width, height=height)
        for slot, number in ((0, left), (1, right)):
            if number:
                _place(sheet, reader.pages[number - 1], slot, width / 2, height)
        writer.add_page(sheet)
    # The packet's Info fields (title, author, dates) go with it; its XMP packet does not, since
    # that names the printed pages in their own order (dc:identifier), not this imposition.
    writer.add_metadata(dict(reader.metadata or {}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _place(sheet: PageObject, page: PageObject, slot: int, width: float, height: float) -> None:
    box = page.mediabox
    page_width, page_height = float(box.width), float(box.height)
    scale = min(1.0, width / page_width, height / page_height)
    x = slot * width + (width - page_width * scale) / 2 - float(box.left) * scale
    y = (height - page_height * scale) / 2 - float(box.bottom) * scale
    sheet.merge_transformed_page(page, Transformation().scale(scale).translate(x, y))
