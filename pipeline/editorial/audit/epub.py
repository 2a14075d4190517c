"""Turn a built EPUB and the finished model into step 2 of the audit for the ebook.

The record's text is the XHTML of the spine's record parts (the title page and the chapters);
every other spine item is generated, and each is checked for what it must say:

- the footnote asides are found whole and taken out; the rest is aligned word by word with the
  model (expected.py), no-break spaces kept, letter case exact (an ebook's text is its markup);
- the Editorial note (`editorial.xhtml`) against the errata (apparatus.py), and each row's link:
  it must lead to the entry's words, in the entry's block, and those words must link back to
  the row;
- the navigation document (navigation.py) and the colophon (colophon.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from lxml import etree

from pipeline.editorial.audit.apparatus import (
    REGULARISED_HEADING,
    Entry,
    NoteCheck,
    PrintedClass,
    PrintedNote,
    PrintedSection,
    Row,
    errata_of,
    norm,
)
from pipeline.editorial.audit.book import (
    BLOCKS,
    EPUB_TYPE,
    XHTML,
    Book,
    local,
    read_book,
    text_of,
    types,
)
from pipeline.editorial.audit.colophon import check_colophon
from pipeline.editorial.audit.expected import compare_words, expected_words, title_block
from pipeline.editorial.audit.navigation import check_nav
from pipeline.editorial.audit.numbers import (
    check_epub_numbers,
    expected_numbers,
    take_epub_numbers,
)
from pipeline.editorial.audit.report import AuditReport, Tally
from pipeline.editorial.audit.words import NO_BREAK_SPACES, Word, context, note_alterations
from pipeline.model import Document, all_inlines, inline_text, interventions
from pipeline.stages.errata import Errata

RECORD_PARTS = ("chapter", "titlepage")
"""Spine items holding the record's text (section epub:type); every other item is generated."""
EDITORIAL_FILE = "editorial.xhtml"
_WORD = re.compile(rf"(?:[^\s]|[{NO_BREAK_SPACES}])+")


def _element_words(element: etree._Element, where: str) -> list[Word]:
    """The words of an element, blocks kept apart, located by the nearest block id."""
    pieces: list[str] = []
    spans: list[tuple[int, str]] = []
    length = 0

    def walk(node: etree._Element, place: str) -> None:
        nonlocal length
        tag = local(node)
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
) -> tuple[list[Word], dict[int, list[Word]], list[tuple[str, list[Word]]], list[str]]:
    """The record's words, its footnote asides by number, asides that are no note, and the
    paragraph numbers printed (taken out of the words: `numbers.py`)."""
    numbers: list[str] = []
    rendered: list[Word] = []
    asides: dict[int, list[Word]] = {}
    extra: list[tuple[str, list[Word]]] = []
    for name, root in book.spine:
        body = root.find(f"{XHTML}body")
        sections = [s for s in body.iter(f"{XHTML}section") if types(s) & set(RECORD_PARTS)]
        if not sections:
            kind = body.get(EPUB_TYPE) or "document"
            inner = next((e.get(EPUB_TYPE) for e in body.iter() if e.get(EPUB_TYPE)), kind)
            tally.add(f"generated: {name} ({inner})")
            continue
        for section in sections:
            section = _copy(section)
            numbers += take_epub_numbers(section)
            for aside in list(section.iter(f"{XHTML}aside")):
                if "footnote" not in types(aside):
                    continue
                words = _element_words(aside, f"{name}#{aside.get('id', '')}")
                aside.getparent().remove(aside)
                number = words[0].text if words else ""
                if number.isdigit() and int(number) not in asides:
                    asides[int(number)] = words[1:]
                else:
                    extra.append((name, words))
            rendered.extend(_element_words(section, name))
    return rendered, asides, extra, numbers


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
    print_identifier: str = "",
    numbers: bool = False,
) -> AuditReport:
    """Step 2 for the ebook: the text of the EPUB's spine against the finished model, and its
    generated parts against what they must say. `print_pages`: the first words of each page
    of the print edition (index 0 is page 1), to check the page-list by; `print_identifier`:
    the print edition's own identifier (the PDF's dc:identifier), that the page-list names;
    `numbers`: the edition prints paragraph numbers (`[print] paragraph_numbers`)."""
    tally = Tally()
    expected = expected_words(doc, source_text, source_name, keep_no_break=True, hours="{}")
    book = read_book(epub_bytes)
    rendered, asides, extra_asides, found_numbers = _record(book, tally)
    if numbers or found_numbers:
        check_epub_numbers(found_numbers, expected_numbers(doc) if numbers else [], tally)
    _check_notes(expected.notes, asides, extra_asides, tally)
    body = title_block(expected, rendered, tally) + expected.body
    compare_words(body, rendered, "EPUB", tally)
    _check_editorial(book, doc, errata, errata_name, counts, tally)
    check_nav(book, tally, print_pages)
    check_colophon(book, doc, tally, print_identifier)
    checked = f"model → EPUB: {len(rendered)} words in {len(book.spine)} spine items"
    return tally.report(checked, len(rendered))


def _check_notes(
    notes: Mapping[int, list[Word]],
    asides: dict[int, list[Word]],
    extra: list[tuple[str, list[Word]]],
    tally: Tally,
) -> None:
    """Each note of the model is one footnote aside, whole; no aside is there that no note is."""
    for number, words in notes.items():
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
    extra = [*extra, *((f"note {number}", got) for number, got in asides.items())]
    for name, got in extra:
        tally.problem(
            "a footnote in the EPUB that the model does not have",
            "(none)",
            f"EPUB {got[0].where if got else name}",
            "",
            context(got, 0, len(got)),
        )


# --- the editorial note -------------------------------------------------------------------------


def read_note(book: Book) -> PrintedNote | None:
    """The editorial note as the ebook has it: policy, lists with their rows, classes."""
    root = book.documents.get(EDITORIAL_FILE)
    if root is None:
        return None
    section = next((s for s in root.iter(f"{XHTML}section") if "appendix" in types(s)), root)
    policy: list[str] = []
    sections: list[PrintedSection] = []
    classes: list[PrintedClass] = []
    empty = ""
    heading = ""
    for child in section:
        tag = local(child)
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
        back = target.get("href") if local(target) == "a" else None
        if back is None:
            # A link may not hold another link: words holding a note call, or a deletion,
            # carry an anchor only (pipeline/writers/epub.py `_intervention`).
            holds_call = any("noteref" in types(e) for e in target.iter())
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
        if node.get("id") and local(node) in BLOCKS and local(node) != "section":
            return node.get("id")
        node = node.getparent()
    return ""
