"""Turn an EPUB's navigation document into problems: its contents and its page-list checked.

The contents must list each chapter once, in reading order, labelled with its heading as the
chapter prints it, and each entry inside a chapter with the heading it leads to; every link
must lead somewhere. The page-list must give every page of the print edition, in order, each
on a page-break marker of that number, standing where the words that open that page in the
PDF begin (given the PDF's page openings, pdf.py `PdfAudit.openings`).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from pipeline.editorial.audit.apparatus import norm
from pipeline.editorial.audit.book import BLOCKS, XHTML, Book, local, text_of, types
from pipeline.editorial.audit.report import Tally

NAV_FILE = "nav.xhtml"


def check_nav(book: Book, tally: Tally, print_pages: Sequence[Sequence[str]] | None) -> None:
    nav = book.documents.get(NAV_FILE)
    if nav is None:
        tally.problem("the EPUB has no navigation document", "(none)", "EPUB", NAV_FILE, "(none)")
        return
    toc = next((n for n in nav.iter(f"{XHTML}nav") if "toc" in types(n)), None)
    links = [] if toc is None else list(toc.iter(f"{XHTML}a"))
    for link in links:
        target = book.target(link.get("href", ""), NAV_FILE)
        if target is None:
            tally.problem(
                "a contents entry of the EPUB leads nowhere",
                "(none)",
                f"EPUB {NAV_FILE}",
                "an element",
                link.get("href", ""),
            )
    # Each chapter: one entry, labelled with its heading as printed, in spine order.
    chapters = [
        (name, root)
        for name, root in book.spine
        if any("chapter" in types(s) for s in root.iter(f"{XHTML}section"))
    ]
    homes = {name: next(root.iter(f"{XHTML}h1"), None) for name, root in chapters}
    listed: list[tuple[str, str]] = []
    for link in links:
        name, fragment = book.resolve(link.get("href", ""), NAV_FILE)
        h1 = homes.get(name, False)
        if h1 is False:
            continue
        if not fragment or (h1 is not None and fragment == h1.get("id")):
            listed.append((name, norm(text_of(link))))
            continue
        # An entry inside a chapter (a subheading): its label is what it leads to.
        target = book.ids[name].get(fragment)
        if target is not None and norm(text_of(target)) != norm(text_of(link)):
            tally.problem(
                "a contents entry of the EPUB is not the heading it leads to",
                "(none)",
                f"EPUB {NAV_FILE} → {name}#{fragment}",
                norm(text_of(target)),
                norm(text_of(link)),
            )
    if [f for f, _ in listed] != [name for name, _ in chapters]:
        tally.problem(
            "the EPUB's contents do not list each chapter once, in reading order",
            "(none)",
            f"EPUB {NAV_FILE}",
            ", ".join(n for n, _ in chapters),
            ", ".join(f for f, _ in listed),
        )
    for name, label in listed:
        h1 = homes[name]
        heading = norm(text_of(h1)) if h1 is not None else ""
        if label != heading:
            tally.problem(
                "a contents entry of the EPUB is not its chapter's heading as printed",
                "(none)",
                f"EPUB {NAV_FILE} → {name}",
                heading,
                label,
            )
        else:
            tally.add("generated: contents entry (EPUB)")
    _check_page_list(book, nav, tally, print_pages)


def _check_page_list(
    book: Book, nav: etree._Element, tally: Tally, print_pages: Sequence[Sequence[str]] | None
) -> None:
    page_list = next((n for n in nav.iter(f"{XHTML}nav") if "page-list" in types(n)), None)
    if page_list is None:
        if print_pages:
            tally.problem(
                "the EPUB has no page-list of the print edition",
                "(none)",
                f"EPUB {NAV_FILE}",
                f"{len(print_pages)} pages",
                "(none)",
            )
        return
    labels: list[str] = []
    in_text: list[str] = []  # labels of pages marked outside a footnote
    order = _reading_order(book)
    last = (-1, -1)
    for link in page_list.iter(f"{XHTML}a"):
        label = norm(text_of(link))
        labels.append(label)
        href = link.get("href", "")
        target = book.target(href, NAV_FILE)
        if target is None or "pagebreak" not in types(target):
            tally.problem(
                f"page {label} of the page-list leads to no page-break marker",
                "(none)",
                f"EPUB {NAV_FILE}",
                "a page-break marker",
                href,
            )
            continue
        if (target.get("aria-label") or target.get("title") or "") != label:
            tally.problem(
                f"page {label} of the page-list leads to another page's marker",
                "(none)",
                f"EPUB {href}",
                label,
                target.get("aria-label") or "",
            )
        position = order.get(id(target), (-1, -1))
        if position < last:
            tally.problem(
                f"page {label} of the page-list stands before an earlier page",
                "(none)",
                f"EPUB {href}",
                "reading order",
                "out of order",
            )
        last = max(last, position)
        if not any("footnote" in types(a) for a in target.iterancestors()):
            in_text.append(label)
        if print_pages and label.isdigit() and 0 < int(label) <= len(print_pages):
            _check_page_start(target, href, int(label), print_pages[int(label) - 1], tally)
    if print_pages is not None:
        wanted = [str(n) for n in range(1, len(print_pages) + 1)]
        # A page that opens in a note the print edition moved to its endnotes is marked in the
        # note, which the ebook keeps in its chapter: there the list may step back.
        ascending = in_text == sorted(
            in_text, key=lambda label: int(label) if label.isdigit() else 0
        )
        if sorted(labels, key=lambda x: int(x) if x.isdigit() else 0) != wanted or not ascending:
            tally.problem(
                "the EPUB's page-list is not every page of the print edition in order",
                "(none)",
                f"EPUB {NAV_FILE}",
                " ".join(wanted),
                " ".join(labels),
            )
        else:
            tally.add("generated: page-list entry (EPUB)", len(labels))


def _number(label: str) -> int:
    return int(label) if label.isdigit() else 0


def _reading_order(book: Book) -> dict[int, tuple[int, int]]:
    order: dict[int, tuple[int, int]] = {}
    for index, (_, root) in enumerate(book.spine):
        for position, element in enumerate(root.iter()):
            order[id(element)] = (index, position)
    return order


def _check_page_start(
    marker: etree._Element, href: str, page: int, opening: Sequence[str], tally: Tally
) -> None:
    """The words after a page-break marker are the words that open that page in print."""
    if not opening:
        return  # a page that opens inside the back matter: its marker stands at its heading
    words = _words_after(marker, len(opening))
    # The print page may open with the rest of a word hyphenated across the break; the marker
    # stands before the whole word.
    if words == list(opening) or (len(opening) > 1 and words[1:] == list(opening[1:])):
        tally.add("page-break marker where the print page starts (EPUB)")
        return
    tally.problem(
        f"print page {page} starts elsewhere than its page-break marker (EPUB)",
        "(none)",
        f"EPUB {href}",
        " ".join(opening),
        " ".join(words),
    )


def _words_after(marker: etree._Element, count: int) -> list[str]:
    """The next words of the document after an element, footnotes and paragraph numbers left
    out (a note call's number stays glued to its word, as a PDF's text shows it; the print
    edition's margin numbers are taken out of its page openings, `numbers.py`)."""
    texts: list[str] = []
    reached = False

    def walk(node: etree._Element, skip: bool) -> None:
        nonlocal reached
        reached = reached or node is marker
        skip = skip or "footnote" in types(node)
        skip = skip or "paragraph-number" in (node.get("class") or "").split()
        block = local(node) in BLOCKS
        if reached and block:
            texts.append(" ")
        if reached and node.text and not skip:
            texts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child, skip)
            if reached and child.tail and not skip:
                texts.append(child.tail)
        if reached and block:
            texts.append(" ")

    walk(marker.getroottree().getroot(), False)
    return "".join(texts).split()[:count]
