"""Turn a Document into an EPUB 3.3 edition: the bytes of a valid, accessible, reproducible ebook.

One XHTML file per session (`<section epub:type="chapter">`), a cover, a title page with the
header block, an editorial note, a colophon, a navigation document with the contents, landmarks
and a page-list that follows the print edition's page starts, and an EPUB 2 NCX with the same
contents and page-list. Notes become `doc-noteref` links and `doc-footnote` asides in the file of
their first call, so reading systems show them as pop-ups.

Three steps, each a module:

    plan.py      Document + print page starts → BookPlan   (frozen: files, ids, note homes,
                                                           page marks, linked interventions)
    render.py    BookPlan + what a file shows → XHTML bytes (one function per kind of file)
    package.py   BookPlan + rendered files → EPUB bytes     (EbookLib, OPF metadata, zip pins)

`pipeline/writers/shared.py` holds what the print edition computes too (title, session labels,
roles, dates, identifiers), `accessibility.py` the accessibility claims, `colophon.py` the
colophon's entries.
Nothing here reads the clock, the environment or a host font: identifiers derive from the
document id, dates from the document's metadata.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pipeline.context import Context
from pipeline.errors import PipelineError
from pipeline.model import Document, inline_text
from pipeline.writers.cover import render_cover
from pipeline.writers.epub.accessibility import CONFORMS_TO, SELF_EVALUATION
from pipeline.writers.epub.package import FALLBACK_MODIFIED, modified_date, package_book
from pipeline.writers.epub.plan import BookPlan, PageStart, plan_book
from pipeline.writers.epub.render import render_book
from pipeline.writers.shared import (
    content_date,
    epub_identifier,
    print_identifier,
    spelled_date,
)

log = logging.getLogger(__name__)


def write_epub(
    doc: Document, ctx: Context, page_starts: Sequence[PageStart] | None = None
) -> bytes:
    """Build the EPUB of `doc`. `page_starts` are those of the print edition on
    `ctx.settings.paper` (as `build.build_one` lays it out); by default that layout is made."""
    if page_starts is None:
        page_starts = _print_page_starts(doc, ctx)
    plan = plan_book(doc, page_starts, ctx.settings.paper)
    cover = render_cover(plan.title, cover_date(plan))
    return package_book(plan, render_book(plan, cover.alt), cover.png)


def cover_date(plan: BookPlan) -> str:
    """The date on the cover as the title page prints it: the date line after the house
    typography (so a range has its en dash, as on the title page), else the talks' date."""
    dateline = " ".join(inline_text(plan.doc.header.dateline).split())
    return dateline or spelled_date(content_date(plan.doc.meta))


def _print_page_starts(doc: Document, ctx: Context) -> Sequence[PageStart]:
    from pipeline.writers.pagemap import print_page_starts

    try:
        return print_page_starts(doc, ctx)
    except PipelineError as error:
        # The ebook does not depend on the print layout succeeding: it is built without a
        # page-list (and without claiming page navigation), and the reason is logged.
        log.warning("no page-list: the print layout failed: %s", error)
        return ()


__all__ = [
    "CONFORMS_TO",
    "FALLBACK_MODIFIED",
    "SELF_EVALUATION",
    "epub_identifier",
    "modified_date",
    "print_identifier",
    "write_epub",
]
