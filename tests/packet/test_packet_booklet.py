"""The booklet: sheets hold the pages in saddle-stitch order, padded to a multiple of 4, each
page on its half of the sheet (checked on a small booklet, read back with pypdf)."""

from __future__ import annotations

import io

import pytest
import weasyprint
from pypdf import PdfReader

from pipeline.errors import PipelineError
from pipeline.packet.booklet import SHEETS, impose, padded, sheet_order


def test_sheet_order_of_a_small_booklet() -> None:
    # 6 pages pad to 8: two sheets; folded and stacked they read 1…8 (7 and 8 blank).
    assert padded(6) == 8
    assert sheet_order(6) == [(0, 1), (2, 0), (6, 3), (4, 5)]
    assert sheet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert sheet_order(4) == [(4, 1), (2, 3)]


@pytest.mark.parametrize("pages", range(1, 14))
def test_every_page_is_on_exactly_one_side_and_each_sheet_folds_in_order(pages: int) -> None:
    order = sheet_order(pages)
    numbers = [n for side in order for n in side if n]
    assert sorted(numbers) == list(range(1, pages + 1))
    assert len(order) % 2 == 0 and len(order) * 2 == padded(pages)
    full = sheet_order(padded(pages))
    # On each side of a folded sheet the two pages add up to N + 1: they face each other.
    assert all(left + right == padded(pages) + 1 for left, right in full)
    # The blanks are the pages past the last, so the booklet ends with them.
    assert order == [tuple(n if n <= pages else 0 for n in side) for side in full]


def small_pdf(count: int) -> bytes:
    pages = "".join(
        f'<p style="break-before: page; font-size: 40pt">P{n}</p>' for n in range(1, count + 1)
    )
    html = f"<html><body style='margin:0'>{pages}</body></html>"
    css = weasyprint.CSS(string="@page { size: A5; margin: 20mm }")
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])


def halves(page) -> tuple[str, str]:
    """The words on the left and right half of a sheet side."""
    width = float(page.mediabox.width)
    found: dict[int, list[str]] = {0: [], 1: []}

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            found[int(x >= width / 2)].append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(found[0]), " ".join(found[1])


def test_a_five_page_booklet_holds_its_pages_two_up_in_order() -> None:
    booklet = PdfReader(io.BytesIO(impose(small_pdf(5), "a5")))
    assert len(booklet.pages) == 4  # 2 sheets, both sides
    width, height, _ = SHEETS["a5"]
    for page in booklet.pages:
        assert round(float(page.mediabox.width)) == round(width)  # A4 landscape
        assert round(float(page.mediabox.height)) == round(height)
    assert [halves(page) for page in booklet.pages] == [
        ("", "P1"),
        ("P2", ""),
        ("", "P3"),
        ("P4", "P5"),
    ]


def test_imposing_twice_gives_the_same_bytes() -> None:
    pdf = small_pdf(3)
    assert impose(pdf, "a5") == impose(pdf, "a5")


def test_full_size_pages_are_refused() -> None:
    with pytest.raises(PipelineError, match="half-size pages"):
        impose(small_pdf(2), "a4")
