"""Turn a built EPUB and the finished model into step 2 of the audit for the ebook.

The record's text is the XHTML of the spine's record parts (the title page and the chapters);
every other spine item is generated, and each is checked for what it must say:

- the footnote asides are found whole and taken out; the rest is aligned word by word with the
  model (expected.py), no-break spaces kept, letter case exact (an ebook's text is its markup);
- the Editorial note (`editorial.xhtml`) against the errata (apparatus.py), and each row's link:
  it must lead to the entry's words, in the entry's block, and those words must link back to
  the row;
- the navigation document: each chapter's heading as printed and in spine order, each link
  leading somewhere, the page-list in order with every page of the print edition, each entry
  on its page-break marker and, given the PDF's pages, on the words that open that page there;
- the colophon (colophon.py) and the package metadata it must agree with.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from pipeline.editorial.audit.apparatus import (
    REGULARISED_HEADING,
    Entry,
    NoteCheck,
    PrintedClass,
    PrintedNote,
    PrintedSection,
    Row,
    norm,
)
from pipeline.editorial.audit.colophon import check_colophon
from pipeline.editorial.audit.expected import compare_words, expected_words, title_block
from pipeline.editorial.audit.pdf import errata_of
from pipeline.editorial.audit.report import AuditReport, Tally
from pipeline.editorial.audit.words import NO_BREAK_SPACES, Word, context, note_alterations
from pipeline.model import Document, all_inlines, inline_text, interventions
from pipeline.stages.errata import Errata

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
BLOCKS = frozenset(
    (
        *("p", "div", "section", "aside", "header", "nav", "blockquote", "br", "caption"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "li", "ol", "ul", "dl", "dt", "dd"),
        *("table", "tr", "td", "th"),
    )
)
RECORD_PARTS = ("chapter", "titlepage")
"""Spine items holding the record's text (section epub:type); every other item is generated."""
EDITORIAL_FILE = "editorial.xhtml"
NAV_FILE = "nav.xhtml"
_WORD = re.compile(rf"(?:[^\s]|[{NO_BREAK_SPACES}])+")


def _types(element: etree._Element) -> set[str]:
    return set((element.get(EPUB_TYPE) or "").split())


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def text_of(element: etree._Element, *, calls: bool = False) -> str:
    """The text a reader sees in an element; note calls left out unless `calls`."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        skip = not calls and "noteref" in _types(node)
        if node.text and not skip:
            parts.append(node.text)
        if not skip:
            for child in node:
                if isinstance(child.tag, str):
                    walk(child)
                if child.tail:
                    parts.append(child.tail)

    walk(element)
    return "".join(parts)


@dataclass
class Book:
    """An EPUB's package read once: the spine's documents, every XHTML document by file name
    (relative to the package document), each document's ids, and the package metadata."""

    spine: list[tuple[str, etree._Element]]
    documents: dict[str, etree._Element]
    opf: etree._Element
    ids: dict[str, dict[str, etree._Element]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, root in self.documents.items():
            self.ids[name] = {e.get("id"): e for e in root.iter() if e.get("id")}

    def resolve(self, href: str, base: str) -> tuple[str, str]:
        """(file, fragment) of a link in document `base`."""
        path, _, fragment = href.partition("#")
        name = posixpath.normpath(posixpath.join(posixpath.dirname(base), path)) if path else base
        return name, fragment

    def target(self, href: str, base: str) -> etree._Element | None:
        name, fragment = self.resolve(href, base)
        if name not in self.documents:
            return None
        if not fragment:
            return self.documents[name]
        return self.ids[name].get(fragment)


def read_book(epub_bytes: bytes) -> Book:
    with zipfile.ZipFile(io.BytesIO(epub_bytes)) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_path))
        base = posixpath.dirname(opf_path)
        manifest = {
            item.get("id"): item.get("href") for item in opf.iterfind(".//{*}manifest/{*}item")
        }
        documents = {
            href: etree.fromstring(archive.read(posixpath.join(base, href) if base else href))
            for href in manifest.values()
            if href.endswith(".xhtml")
        }
        spine = [
            (manifest[ref.get("idref")], documents[manifest[ref.get("idref")]])
            for ref in opf.iterfind(".//{*}spine/{*}itemref")
        ]
    return Book(spine, documents, opf)


def _element_words(element: etree._Element, where: str) -> list[Word]:
    """The words of an element, blocks kept apart, located by the nearest block id."""
    pieces: list[str] = []
    spans: list[tuple[int, str]] = []
    length = 0

    def walk(node: etree._Element, place: str) -> None:
        nonlocal length
        tag = _local(node)
        if not tag:
            return
        if node.get("id") and tag in BLOCKS:
            place = f"{where}#{node.get('id')}"
        block = tag in BLOCKS
        if block:
            pieces.append(" ")
            length += 1
        spans.append((length, place))
        if node.text:
            pieces.append(node.text)
            length += len(node.text)
        for child in node:
            walk(child, place)
            spans.append((length, place))
            if child.tail:
                pieces.append(child.tail)
                length += len(child.tail)
        if block:
            pieces.append(" ")
            length += 1

    walk(element, where)
    text = "".join(pieces)
    words = []
    for match in _WORD.finditer(text):
        place = where
        for offset, name in spans:
            if offset > match.start():
                break
            place = name
        words.append(Word(match.group(), place))
    return words


def _record(
    book: Book, tally: Tally
) -> tuple[list[Word], dict[int, list[Word]], list[tuple[str, list[Word]]]]:
    """The record's words, its footnote asides by number, and asides that are no note."""
    rendered: list[Word] = []
    asides: dict[int, list[Word]] = {}
    extra: list[tuple[str, list[Word]]] = []
    for name, root in book.spine:
        body = root.find(f"{XHTML}body")
        sections = [s for s in body.iter(f"{XHTML}section") if _types(s) & set(RECORD_PARTS)]
        if not sections:
            kind = body.get(EPUB_TYPE) or "document"
            inner = next((e.get(EPUB_TYPE) for e in body.iter() if e.get(EPUB_TYPE)), kind)
            tally.add(f"generated: {name} ({inner})")
            continue
        for section in sections:
            section = _copy(section)
            for aside in list(section.iter(f"{XHTML}aside")):
                if "footnote" not in _types(aside):
                    continue
                words = _element_words(aside, f"{name}#{aside.get('id', '')}")
                aside.getparent().remove(aside)
                number = words[0].text if words else ""
                if number.isdigit() and int(number) not in asides:
                    asides[int(number)] = words[1:]
                else:
                    extra.append((name, words))
            rendered.extend(_element_words(section, name))
    return rendered, asides, extra


def _copy(element: etree._Element) -> etree._Element:
    # The book's trees serve the link checks too: take asides out of a copy only.
    return etree.fromstring(etree.tostring(element))


def compare_epub(
    doc: Document,
    epub_bytes: bytes,
    source_text: str = "",
    source_name: str = "source.txt",
    *,
    errata: Errata | None = None,
    errata_name: str = "errata.toml",
    counts: Mapping[str, int] | None = None,
    print_pages: Sequence[Sequence[str]] | None = None,
) -> AuditReport:
    """Step 2 for the ebook: the text of the EPUB's spine against the finished model, and its
    generated parts against what they must say. `print_pages`: the first words of each page
    of the print edition (index 0 is page 1), to check the page-list by."""
    tally = Tally()
    expected = expected_words(doc, source_text, source_name, keep_no_break=True, hours="{}")
    book = read_book(epub_bytes)
    rendered, asides, extra_asides = _record(book, tally)
    for number, words in expected.notes.items():
        got = asides.pop(number, None)
        if got is not None and [w.text for w in got] == [w.text for w in words]:
            tally.add("generated: note marker")
            tally.add("note body found whole")
            for w in words:
                tally.add("generated: note call number", w.calls)
            continue
        if got is None:
            tally.problem(
                f"note {number} missing from the EPUB",
                words[0].where if words else "?",
                "EPUB (no footnote aside with this number)",
                context(words, 0, len(words)),
                "",
            )
            continue
        note_alterations(tally, number, "EPUB", words, got)
    for number, got in asides.items():
        extra_asides.append((f"note {number}", got))
    for name, got in extra_asides:
        tally.problem(
            "a footnote in the EPUB that the model does not have",
            "(none)",
            f"EPUB {got[0].where if got else name}",
            "",
            context(got, 0, len(got)),
        )
    body = title_block(expected, rendered, tally) + expected.body
    compare_words(body, rendered, "EPUB", tally)
    _check_editorial(book, doc, errata, errata_name, counts, tally)
    check_nav(book, tally, print_pages)
    check_colophon(book, doc, tally)
    checked = f"model → EPUB: {len(rendered)} words in {len(book.spine)} spine items"
    return tally.report(checked, len(rendered))


# --- the editorial note -------------------------------------------------------------------------


def read_note(book: Book) -> PrintedNote | None:
    """The editorial note as the ebook has it: policy, lists with their rows, classes."""
    root = book.documents.get(EDITORIAL_FILE)
    if root is None:
        return None
    section = next((s for s in root.iter(f"{XHTML}section") if "appendix" in _types(s)), root)
    policy: list[str] = []
    sections: list[PrintedSection] = []
    classes: list[PrintedClass] = []
    empty = ""
    heading = ""
    for child in section:
        tag = _local(child)
        if tag == "p" and "policy" in (child.get("class") or "").split():
            policy.append(text_of(child))
        elif tag == "p":
            empty = norm(text_of(child))
        elif tag == "h2":
            heading = norm(text_of(child))
        elif tag == "table" and heading == REGULARISED_HEADING:
            classes.extend(_classes(child))
        elif tag == "table":
            sections.append(_section(child, heading))
    return PrintedNote(
        tuple(policy), tuple(sections), tuple(classes), empty, f"EPUB {EDITORIAL_FILE}"
    )


def _section(table: etree._Element, heading: str) -> PrintedSection:
    caption = table.find(f"{XHTML}caption")
    rows = []
    for tr in table.iterfind(f"{XHTML}tbody/{XHTML}tr"):
        cells = tr.findall(f"{XHTML}td")
        cells += [etree.Element(f"{XHTML}td")] * (4 - len(cells))
        link = cells[0].find(f".//{XHTML}a")
        remark = cells[3].find(f".//{XHTML}span[@class='correction-note']")
        reason = cells[3]
        if remark is not None:
            reason = _copy(cells[3])
            for span in reason.iterfind(f".//{XHTML}span[@class='correction-note']"):
                span.getparent().remove(span)
        anchor = tr.get("id") or ""
        rows.append(
            Row(
                place=norm(text_of(cells[0])),
                reading=norm(text_of(cells[1])),
                source=norm(text_of(cells[2])),
                remarks=(
                    norm(text_of(reason)),
                    norm(text_of(remark)) if remark is not None else "",
                ),
                where=f"EPUB {EDITORIAL_FILE}#{anchor}",
                href=link.get("href", "") if link is not None else "",
                anchor=anchor,
                split=True,
            )
        )
    text = norm(text_of(caption)) if caption is not None else ""
    return PrintedSection(heading, text, tuple(rows), f"EPUB {EDITORIAL_FILE}, “{heading}”")


def _classes(table: etree._Element) -> list[PrintedClass]:
    out = []
    for tr in table.iterfind(f"{XHTML}tbody/{XHTML}tr"):
        cells = [norm(text_of(td)) for td in tr.findall(f"{XHTML}td")] + ["", "", ""]
        out.append(PrintedClass(cells[0], cells[1], cells[2], f"EPUB {EDITORIAL_FILE}, {cells[0]}"))
    return out


def _check_editorial(
    book: Book,
    doc: Document,
    errata: Errata | None,
    errata_name: str,
    counts: Mapping[str, int] | None,
    tally: Tally,
) -> None:
    printed = read_note(book)
    if printed is None:
        tally.problem(
            "the EPUB has no editorial note", errata_name, "EPUB", EDITORIAL_FILE, "(none)"
        )
        return
    links = _Links(book, doc, tally)
    NoteCheck(
        doc,
        errata if errata is not None else errata_of(doc),
        errata_name,
        "EPUB",
        tally,
        counts if counts is not None else {r.name: r.count for r in doc.typography},
        exact=True,
        row_checks=(links.check,),
    ).run(printed)
    links.unreached()


class _Links:
    """Each row's link leads to its entry's words, and the words lead back to the row."""

    def __init__(self, book: Book, doc: Document, tally: Tally) -> None:
        self.book = book
        self.tally = tally
        self.words: dict[str, str] = {}  # entry → the words the edition shows for it
        for content in all_inlines(doc):
            for node in interventions(content):
                self.words.setdefault(node.correction, inline_text((node,)))
        self.reached: set[int] = set()

    def _problem(self, entry: Entry, row: Row, what: str, expected: str, found: str) -> None:
        self.tally.problem(
            f"errata entry {entry.id!r}: {what} (EPUB)",
            entry.errata_place,
            row.where,
            expected,
            found,
        )

    def check(self, row: Row, entry: Entry) -> None:
        c = entry.correction
        words = self.words.get(c.id)
        if not row.href:
            if words is not None or c.in_label:
                self._problem(entry, row, "its row has no link to its words", "a link", "(none)")
            return
        target = self.book.target(row.href, EDITORIAL_FILE)
        if target is None:
            self._problem(entry, row, "its row's link leads nowhere", "an element", row.href)
            return
        self.reached.add(id(target))
        file, _ = self.book.resolve(row.href, EDITORIAL_FILE)
        block = _block_of(target, self.book.ids.get(file, {}))
        expected_block = f"note-{c.note_number}" if c.note_number else c.block_id
        if block != expected_block and c.block_id != "title":
            self._problem(
                entry, row, "its row's link leads to another block", expected_block, block
            )
        if words is None:
            if c.in_label and entry.correction.reading not in text_of(target):
                self._problem(
                    entry,
                    row,
                    "its row's link leads to a label without its words",
                    entry.correction.reading,
                    norm(text_of(target)),
                )
            self.tally.add("editorial note: link leads to the entry's block (EPUB)")
            return
        shown = norm(text_of(target))
        if shown != norm(words):
            self._problem(entry, row, "its row's link leads to other words", norm(words), shown)
            return
        back = target.get("href") if _local(target) == "a" else None
        if back is None:
            # A link may not hold another link: words holding a note call, or a deletion,
            # carry an anchor only (pipeline/writers/epub.py `_intervention`).
            holds_call = any("noteref" in _types(e) for e in target.iter())
            if not (holds_call or not words.strip()):
                self._problem(
                    entry, row, "its words do not link back to its row", row.anchor, "(no link)"
                )
                return
        elif self.book.resolve(back, file) != (EDITORIAL_FILE, row.anchor):
            self._problem(
                entry, row, "its words link back elsewhere", f"{EDITORIAL_FILE}#{row.anchor}", back
            )
            return
        self.tally.add("editorial note: link leads to the entry's words and back (EPUB)")

    def unreached(self) -> None:
        """Words marked as an entry's that no row of the note leads to."""
        for name, root in self.book.spine:
            for element in root.iter():
                if (
                    "emendation" in (element.get("class") or "").split()
                    and id(element) not in self.reached
                ):
                    self.tally.problem(
                        "words marked as an errata entry's that no row of the editorial note"
                        " leads to (EPUB)",
                        "(none)",
                        f"EPUB {name}#{element.get('id', '')}",
                        "(a row)",
                        norm(text_of(element)),
                    )


def _block_of(element: etree._Element, ids: Mapping[str, etree._Element]) -> str:
    """The id of the nearest block (or footnote aside) holding an element."""
    node: etree._Element | None = element
    while node is not None:
        if node.get("id") and _local(node) in BLOCKS and _local(node) != "section":
            return node.get("id")
        node = node.getparent()
    return ""


# --- the navigation document --------------------------------------------------------------------


def check_nav(book: Book, tally: Tally, print_pages: Sequence[Sequence[str]] | None) -> None:
    nav = book.documents.get(NAV_FILE)
    if nav is None:
        tally.problem("the EPUB has no navigation document", "(none)", "EPUB", NAV_FILE, "(none)")
        return
    toc = next((n for n in nav.iter(f"{XHTML}nav") if "toc" in _types(n)), None)
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
        if any("chapter" in _types(s) for s in root.iter(f"{XHTML}section"))
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
    page_list = next((n for n in nav.iter(f"{XHTML}nav") if "page-list" in _types(n)), None)
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
    labels = []
    order = _reading_order(book)
    last = (-1, -1)
    for link in page_list.iter(f"{XHTML}a"):
        label = norm(text_of(link))
        labels.append(label)
        href = link.get("href", "")
        target = book.target(href, NAV_FILE)
        if target is None or "pagebreak" not in _types(target):
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
        if print_pages and label.isdigit() and 0 < int(label) <= len(print_pages):
            _check_page_start(target, href, int(label), print_pages[int(label) - 1], tally)
    if print_pages is not None:
        wanted = [str(n) for n in range(1, len(print_pages) + 1)]
        if labels != wanted:
            tally.problem(
                "the EPUB's page-list is not every page of the print edition in order",
                "(none)",
                f"EPUB {NAV_FILE}",
                " ".join(wanted),
                " ".join(labels),
            )
        else:
            tally.add("generated: page-list entry (EPUB)", len(labels))


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
    """The next words of the document after an element, footnotes left out (a note call's
    number stays glued to its word, as a PDF's text shows it)."""
    texts: list[str] = []
    reached = False

    def walk(node: etree._Element, skip: bool) -> None:
        nonlocal reached
        reached = reached or node is marker
        skip = skip or "footnote" in _types(node)
        block = _local(node) in BLOCKS
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
