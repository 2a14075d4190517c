"""Turn a built PDF and the finished model into step 2 of the audit for the print edition.

The text of each page (pdf_text.py) loses its generated elements by position or as whole
phrases: the folio on the last line, a running head on the first (the title or a section's
label), each note body, found whole at its page foot or in the endnotes. What remains is
aligned word by word with the model (expected.py). Then the Editorial note, which closes the
edition, is read back with its table columns (word boxes) and checked against the errata
(apparatus.py); its page column must give the page where each entry's words were found in this
PDF by that alignment, not the page the writer meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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
from pipeline.editorial.audit.caps import print_nested_caps, print_small_caps
from pipeline.editorial.audit.colophon import check_print_colophon
from pipeline.editorial.audit.expected import (
    Expected,
    compare_words,
    expected_words,
    fold,
    title_block,
)
from pipeline.editorial.audit.numbers import expected_numbers, strip_pdf_numbers
from pipeline.editorial.audit.pdf_text import (
    HYPHEN_BREAK,
    BoxLine,
    BoxWord,
    PdfLine,
    page_of,
    pdf_box_lines,
    pdf_lines,
    pdf_words,
)
from pipeline.editorial.audit.report import AuditReport, Tally
from pipeline.editorial.audit.words import Word, context, note_alterations
from pipeline.model import Correction, Document
from pipeline.stages.errata import Errata
from pipeline.writers.editorial import NO_CORRECTIONS, SECTIONS

NOTE_HEADING = "Editorial note"
ENDNOTES_HEADING = "Notes"
# The column heads of the print edition's lists (templates/print.html.j2), left to right.
CORRECTION_COLUMNS = ("Place", "Page", "This edition", "The source", "Reason")
CLASS_COLUMNS = ("Class", "What was regularised", "Places")
# A new row of a list: its cells have 3pt of padding above and below (styles/print.css), so the
# step from one row's last line to the next row's first is half a line more than within a cell.
ROW_STEP = 1.5  # × the height of a word's box
_COLUMN_SLACK = 2.0  # points


def _is_label(text: str, labels: Iterable[str]) -> bool:
    folded = " ".join(fold(text).split())
    return any(folded == " ".join(fold(label).split()) for label in labels if label)


@dataclass
class _Notes:
    """What taking the note bodies out found: the lines left, each note's words paired with
    the model's, and the lines taken (page, text) so the editorial note's reader skips them."""

    lines: list[PdfLine]
    pairs: list[tuple[Word, Word]] = field(default_factory=list)
    taken: set[tuple[int, str]] = field(default_factory=set)


def _take_notes(lines: list[PdfLine], expected: Expected, label: str, tally: Tally) -> _Notes:
    """Find each note body whole (at its page foot, or in an endnotes section) and take its
    lines out of the stream; a note not found whole is a problem."""
    taken: set[int] = set()
    pairs: list[tuple[Word, Word]] = []
    for number, words in expected.notes.items():
        marker = f"{number}."
        want = [marker, *(w.text for w in words)]
        starts = [
            i for i, ln in enumerate(lines) if ln.text.split()[:1] == [marker] and i not in taken
        ]
        best: tuple[float, int, int, list[Word]] = (0.0, -1, -1, [])
        for start in starts:
            # A note is never longer than its own lines: read as many lines as it needs.
            got: list[Word] = []
            end = start
            while end < len(lines) and len(got) < len(want) and end not in taken:
                got = pdf_words(lines[start : end + 1], None)
                end += 1
            if [w.text for w in got] == want:
                best = (1.0, start, end, got)
                break
            ratio = difflib.SequenceMatcher(
                None, [w.text for w in got], want, autojunk=False
            ).ratio()
            if ratio > best[0]:
                best = (ratio, start, end, got)
        ratio, start, end, got = best
        if ratio == 1.0:
            pdf_words(lines[start:end], tally)  # count its hyphenation breaks
            tally.add("generated: note marker")
            tally.add("note body found whole")
            pairs.extend(zip(words, got[1:], strict=True))
            taken.update(range(start, end))
            if start > 0 and lines[start - 1].text.strip() == ENDNOTES_HEADING:
                taken.add(start - 1)
                tally.add("generated: endnotes heading")
            continue
        model = [Word(marker, words[0].where if words else "?"), *words]
        if ratio >= 0.6:
            taken.update(range(start, end))  # altered, not lost: keep it out of the body
            note_alterations(tally, number, label, model, got)
        else:
            tally.problem(
                f"note {number} missing from the {label}",
                model[0].where,
                label,
                context(model, 0, len(model)),
                "(no note body with this number and text)",
            )
    return _Notes(
        [line for i, line in enumerate(lines) if i not in taken],
        pairs,
        {(lines[i].page, norm(lines[i].text)) for i in taken},
    )


@dataclass(frozen=True)
class PdfAudit:
    """Step 2 for the print edition, and what it found that other checks use: the page where
    each entry's words are, and the words that open each page (for the ebook's page-list)."""

    report: AuditReport
    pages: dict[str, int]
    openings: list[list[str]]


def _strip_margins(
    pages: Sequence[Sequence[PdfLine]], running: Iterable[str], tally: Tally
) -> list[list[PdfLine]]:
    out = []
    for index, page in enumerate(pages, start=1):
        page = list(page)
        # Folio: the page number alone on the page's last line.
        if page and page[-1].text.strip() == str(index):
            page.pop()
            tally.add("generated: folio")
        # Running head: the page's first line, when it is the title or a section's heading.
        # Only that one line: a heading opening the page below its own running head stays.
        if index > 1 and page and _is_label(page[0].text, running):
            page.pop(0)
            tally.add("generated: running head")
        out.append(page)
    return out


OPENING_WORDS = 4


def _openings(
    pages: Sequence[Sequence[PdfLine]],
    back: tuple[int, int] | None,
    pairs: Sequence[tuple[Word, Word]],
) -> list[list[str]]:
    """The first words of each page, as the model spells them where the alignment paired them
    (a label in small capitals may be extracted in another case: the ebook's is the model's);
    none for a page that opens inside the back matter (the endnotes or the editorial note,
    past its heading), where the ebook marks the section."""
    spelt = {got: want.text for want, got in pairs if fold(want.text) == fold(got.text)}
    out = []
    for page in pages:
        words = [spelt.get(w, w.text) for w in pdf_words(page[:3])][:OPENING_WORDS]
        first = page[0] if page else None
        if first is None or (back and (first.page, first.number) > back):
            words = []
        out.append(words)
    return out


def audit_print(
    doc: Document,
    pdf_bytes: bytes,
    source_text: str = "",
    source_name: str = "source.txt",
    *,
    errata: Errata | None = None,
    errata_name: str = "errata.toml",
    counts: Mapping[str, int] | None = None,
    numbers: bool = False,
) -> PdfAudit:
    """Step 2 for the print edition: the PDF's text against the finished model, and its
    Editorial note against the errata. `errata` defaults to what the model records of them;
    `counts` (each typography rule's, as step 1 found them) to the model's own; `numbers`: the
    edition prints paragraph numbers in the margin (`[print] paragraph_numbers`)."""
    tally = Tally()
    expected = expected_words(doc, source_text, source_name)
    running = (doc.meta.title, *expected.labels, ENDNOTES_HEADING, NOTE_HEADING)
    pages = _strip_margins(pdf_lines(pdf_bytes), running, tally)
    if numbers:
        pages = strip_pdf_numbers(pages, expected_numbers(doc), tally)
    flat = [ln for page in pages for ln in page]
    endnotes = next((ln for ln in reversed(flat) if ln.text.strip() == ENDNOTES_HEADING), None)
    notes = _take_notes(flat, expected, "PDF", tally)
    lines = notes.lines
    # The back matter closes the edition: the endnotes (their bodies taken out above), then
    # the editorial note, whose words are the pipeline's, checked against the errata below.
    heading = next(
        (i for i in range(len(lines) - 1, -1, -1) if lines[i].text.strip() == NOTE_HEADING), None
    )
    back = (lines[heading].page, lines[heading].number) if heading is not None else None
    if heading is not None:
        lines = lines[:heading]
    rendered = pdf_words(lines, tally)
    body = title_block(expected, rendered, tally) + expected.body
    caps = print_small_caps()
    pairs = compare_words(body, rendered, "PDF", tally, caps, print_nested_caps()) + notes.pairs
    places = _Places(doc, pairs)
    if heading is None:
        tally.problem(
            "the PDF has no editorial note",
            errata_name,
            "PDF",
            f"a section headed “{NOTE_HEADING}”",
            "(none)",
        )
    elif back is not None:  # always, with a heading: it is the heading's place
        read = read_note(pdf_bytes, back[0], running, notes.taken)
        printed, colophon = read.note, read.colophon
        for line in read.overlaps:
            tally.problem(
                "words printed over each other in the editorial note (PDF)",
                errata_name,
                f"PDF page {line.page}, editorial note",
                "each word clear of the next",
                line.text,
            )
        NoteCheck(
            doc,
            errata if errata is not None else errata_of(doc),
            errata_name,
            "PDF",
            tally,
            counts if counts is not None else {r.name: r.count for r in doc.typography},
            exact=False,
            row_checks=(places.check_page(tally),),
        ).run(printed)
        at = f"PDF page {colophon[0].page}, colophon" if colophon else "PDF, editorial note"
        check_print_colophon(colophon, doc, pdf_bytes, tally, at)
    start = (endnotes.page, endnotes.number - 1) if endnotes is not None else back
    checked = f"model → PDF: {len(rendered)} words on {len(pages)} pages"
    return PdfAudit(
        tally.report(checked, len(rendered)),
        {c.id: page for c in doc.corrections if (page := places.page_of(c)) is not None},
        _openings(pages, start, pairs),
    )


def compare_pdf(
    doc: Document,
    pdf_bytes: bytes,
    source_text: str = "",
    source_name: str = "source.txt",
    **options: Any,
) -> AuditReport:
    """Step 2 for the print edition (see `audit_print`), as a report."""
    return audit_print(doc, pdf_bytes, source_text, source_name, **options).report


# --- where each entry's words are -----------------------------------------------------------------


class _Places:
    """The page of each entry's words and of each block, as this PDF prints them."""

    def __init__(self, doc: Document, pairs: Sequence[tuple[Word, Word]]) -> None:
        self.entries: dict[str, int] = {}
        self.blocks: dict[str, int] = {}
        for want, got in pairs:
            page = page_of(got)
            for entry in want.entries:
                self.entries[entry] = min(page, self.entries.get(entry, page))
            if want.block:
                self.blocks[want.block] = min(page, self.blocks.get(want.block, page))
        self.blocks.setdefault("title", 1)

    def page_of(self, c: Correction) -> int | None:
        return self.entries.get(c.id) or self.blocks.get(c.block_id)

    def check_page(self, tally: Tally):
        def check(row: Row, entry: Entry) -> None:
            wanted = self.page_of(entry.correction)
            printed = (row.page or "").strip()
            # The title block opens page 1: the writer need not print its page.
            if not printed and entry.correction.block_id in ("title", ""):
                return
            if printed == str(wanted):
                tally.add("editorial note: page found where the entry's words are (PDF)")
                return
            tally.problem(
                f"errata entry {entry.id!r}: the editorial note gives another page (PDF)",
                entry.errata_place,
                row.where,
                f"page {wanted}" if wanted else "(its words are not in the PDF)",
                f"page {printed}" if printed else "(no page)",
            )

        return check


# --- reading the editorial note back ------------------------------------------------------------


def _cell_text(lines: Sequence[str]) -> str:
    """A cell's lines as one text: a word WeasyPrint hyphenated at a line end joined again."""
    out = ""
    for line in lines:
        joined = out[:-1] + line if out.endswith(HYPHEN_BREAK) else f"{out} {line}"
        out = joined if out else line
    return out


HEAD_LINES = 3  # a column head may wrap ("This edi-/tion"): its lines, set bottom-aligned


def _columns(lines: Sequence[BoxLine], labels: Sequence[str]) -> list[float] | None:
    """The left edge of each column, if `lines` are the head row of a list with these
    columns: each label's first word opens its column, and the words between two columns'
    edges, read line by line, are the label."""
    words = sorted((w for line in lines for w in line.words), key=lambda w: w.left)
    lefts: list[float] = []
    for label in labels:
        first = fold(label.split()[0])
        start = next(
            (
                w.left
                for w in words
                if (not lefts or w.left > lefts[-1]) and _opens(fold(w.text), first)
            ),
            None,
        )
        if start is None:
            return None
        lefts.append(start)
    for index, label in enumerate(labels):
        right = lefts[index + 1] if index + 1 < len(labels) else float("inf")
        column = [
            w
            for line in lines
            for w in line.words
            if lefts[index] - _COLUMN_SLACK <= w.left < right
        ]
        if fold(_cell_text([w.text for w in column])) != fold(label):
            return None
    return lefts


def _opens(word: str, first: str) -> bool:
    """Whether a head's word opens a label whose first word is `first`: that word, or its
    start hyphenated at the line end ("Reas-" of "Reason" in a narrow column)."""
    if word.endswith(HYPHEN_BREAK):
        return len(word) > 2 and first.startswith(word[:-1])
    return word == first


def _head(lines: Sequence[BoxLine], at: int, labels: Sequence[str]) -> tuple[int, list[float]]:
    """(how many lines, the column edges) of a head row starting at line `at`; (0, []) if
    none starts there."""
    for size in range(1, HEAD_LINES + 1):
        group = lines[at : at + size]
        if len(group) == size and len({ln.page for ln in group}) == 1:
            lefts = _columns(group, labels)
            if lefts is not None:
                return size, lefts
    return 0, []


def _cells(line: BoxLine, lefts: Sequence[float]) -> list[list[str]]:
    cells: list[list[str]] = [[] for _ in lefts]
    for word in line.words:
        column = max(
            i for i, left in enumerate(lefts) if word.left >= left - _COLUMN_SLACK or i == 0
        )
        cells[column].append(word.text)
    return cells


def _rows(
    lines: Sequence[BoxLine],
    labels: Sequence[str],
    by_spacing: bool,
    margins: Mapping[int, float],
) -> list[list[list[str]]]:
    """Group a list's lines into rows of cells, each cell the texts of its lines. The head row
    gives the columns, as offsets from the page's left margin (`margins`: a left page has other
    margins than a right one), again on each page it is repeated on. `by_spacing`: a row starts
    where the step from the line before is larger than within a cell (the corrections' cells
    are padded); else where the first column has words."""
    height = sorted(w.bottom - w.top for line in lines for w in line.words)
    step = ROW_STEP * height[len(height) // 2] if height else 0.0
    rows: list[list[list[str]]] = []
    offsets: list[float] | None = None
    previous: BoxLine | None = None
    skip = 0
    for index, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        size, head = _head(lines, index, labels)
        if size:
            offsets, skip = [left - margins[line.page] for left in head], size - 1
            continue
        if offsets is None:
            continue
        lefts = [margins[line.page] + offset for offset in offsets]
        cells = _cells(line, lefts)
        if not rows or previous is None:
            new = True
        elif line.page != previous.page:
            # A row taller than a page goes on below the head repeated on the next one.
            new = bool(cells[0])
        elif by_spacing:
            new = line.top - previous.top > step
        else:
            new = bool(cells[0])
        if new:
            rows.append([[] for _ in lefts])
        for column, words in enumerate(cells):
            if words:
                rows[-1][column].append(" ".join(words))
        previous = line
    return rows


def _unbroken(lines: Sequence[str]) -> list[str]:
    """A cell's lines with each word WeasyPrint hyphenated at a line end joined again (the
    remark starts a line of its own, so it never follows a broken word)."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith(HYPHEN_BREAK):
            out[-1] = out[-1][:-1] + line
        else:
            out.append(line)
    return out


def note_lines(
    lines: Sequence[BoxLine], first_page: int, running: Iterable[str], taken: set[tuple[int, str]]
) -> list[BoxLine]:
    """The editorial note's printed lines: from its heading to the end, without running heads,
    folios and the record's own note bodies at a page foot."""
    by_page: dict[int, list[BoxLine]] = {}
    for line in lines:
        if line.page >= first_page:
            by_page.setdefault(line.page, []).append(line)
    kept: list[BoxLine] = []
    for page, page_lines in sorted(by_page.items()):
        if page_lines and page_lines[-1].text.strip() == str(page):
            page_lines = page_lines[:-1]
        if page > 1 and page_lines and _is_label(page_lines[0].text, running):
            page_lines = page_lines[1:]
        kept.extend(ln for ln in page_lines if (page, norm(ln.text)) not in taken)
    start = next((i for i, ln in enumerate(kept) if ln.text.strip() == NOTE_HEADING), len(kept))
    return kept[start + 1 :]


def page_margins(lines: Sequence[BoxLine]) -> dict[int, float]:
    """The left margin of each page: the leftmost line start on any page of its side (left
    pages have other margins than right ones). A page may hold nothing at its margin (a
    list's cell running on from the page before), so its own lines alone cannot tell."""
    sides: dict[int, float] = {}
    for line in lines:
        side = line.page % 2
        sides[side] = min(line.words[0].left, sides.get(side, line.words[0].left))
    return {line.page: sides[line.page % 2] for line in lines}


_OVERLAP = 1.0  # points: words of one line whose boxes overlap by more are printed over each other


def overlaps(lines: Sequence[BoxLine]) -> list[BoxLine]:
    """The lines where words are printed over each other (a cell's text running into the
    next column): what a reader sees there is neither."""
    return [
        line
        for line in lines
        if any(
            after.left < before.right - _OVERLAP
            for before, after in zip(line.words, line.words[1:], strict=False)
        )
    ]


# The colophon closes the Editorial note after a rule: 15pt of margin and 5pt of padding above
# it (styles/print.css, p.colophon), more than any other step in the note (a heading's 12pt).
COLOPHON_GAP = 18.0  # points between the last line before it and its first line


def split_colophon(lines: Sequence[BoxLine]) -> tuple[list[BoxLine], list[PdfLine]]:
    """(the note's lines, the colophon's): the colophon is the run of lines at the note's end,
    on one page (it is never split), below the last gap of at least `COLOPHON_GAP`; or, when
    that page has no such gap, the whole page: a colophon that does not fit below the note
    begins the next page (print.css keeps it whole), where no gap sets it apart."""

    def taken(index: int) -> tuple[list[BoxLine], list[PdfLine]]:
        colophon = [
            PdfLine(ln.page, number, ln.text)
            for number, ln in enumerate(lines[index:], start=index + 1)
        ]
        return list(lines[:index]), colophon

    for index in range(len(lines) - 1, 0, -1):
        line, before = lines[index], lines[index - 1]
        if before.page != line.page:
            return taken(index) if line.page == lines[-1].page else (list(lines), [])
        if line.top - before.bottom >= COLOPHON_GAP:
            return taken(index)
    return list(lines), []


@dataclass(frozen=True)
class ReadNote:
    """The editorial note as read back: its parts, the colophon's lines that close it, and
    the words printed over each other in it."""

    note: PrintedNote
    colophon: list[PdfLine]
    overlaps: list[BoxLine]


def read_note(
    pdf_bytes: bytes, first_page: int, running: Iterable[str], taken: set[tuple[int, str]]
) -> ReadNote:
    """The editorial note as this PDF prints it: policy, lists and their rows, classes."""
    every = pdf_box_lines(pdf_bytes)
    margins = page_margins(every)
    whole = note_lines(every, first_page, running, taken)
    lines, colophon = split_colophon(whole)
    headings = {fold(h) for _, h, _ in SECTIONS} | {fold(REGULARISED_HEADING)}
    parts: list[tuple[str, list[BoxLine]]] = [("", [])]
    for line in lines:
        if fold(line.text.strip()) in headings:
            parts.append((line.text.strip(), []))
        else:
            parts[-1][1].append(line)
    policy = norm(_cell_text([ln.text for ln in parts[0][1]]))
    empty = ""
    # With nothing to list, the note ends with one sentence saying so, right after the policy.
    if policy.endswith(NO_CORRECTIONS):
        empty, policy = NO_CORRECTIONS, policy[: -len(NO_CORRECTIONS)].strip()
    where = f"PDF page {first_page}, editorial note"
    sections: list[PrintedSection] = []
    classes: list[PrintedClass] = []
    for heading, body in parts[1:]:
        at = f"PDF page {body[0].page if body else first_page}, “{heading}”"
        if fold(heading) == fold(REGULARISED_HEADING):
            classes.extend(_read_classes(body, at, margins))
        else:
            sections.append(_read_section(heading, body, at, margins))
    printed = PrintedNote((policy,), tuple(sections), tuple(classes), empty, where)
    return ReadNote(printed, colophon, overlaps(whole))


def _intro(lines: Sequence[BoxLine], labels: Sequence[str]) -> tuple[list[BoxLine], list[BoxLine]]:
    """(the lines before the list's first head row, the lines from it on)."""
    for index in range(len(lines)):
        if _head(lines, index, labels)[0]:
            return list(lines[:index]), list(lines[index:])
    return list(lines), []


def _read_section(
    heading: str, lines: Sequence[BoxLine], at: str, margins: Mapping[int, float]
) -> PrintedSection:
    intro, body = _intro(lines, CORRECTION_COLUMNS)
    rows: list[Row] = []
    for cells in _rows(body, CORRECTION_COLUMNS, True, margins):
        place, page, reading, source, remarks = cells
        rows.append(
            Row(
                place=_cell_text(place),
                reading=_cell_text(reading),
                source=_cell_text(source),
                remarks=tuple(_unbroken(remarks)),
                where=f"{at}, row “{_cell_text(place)}”",
                page=_cell_text(page),
            )
        )
    return PrintedSection(heading, _cell_text([ln.text for ln in intro]), tuple(rows), at)


def _read_classes(
    lines: Sequence[BoxLine], at: str, margins: Mapping[int, float]
) -> list[PrintedClass]:
    _, body = _intro(lines, CLASS_COLUMNS)
    return [
        PrintedClass(
            _cell_text(name), _cell_text(text), _cell_text(count), f"{at}, {_cell_text(name)}"
        )
        for name, text, count in _rows(body, CLASS_COLUMNS, False, margins)
    ]


__all__ = ["BoxWord", "PdfAudit", "audit_print", "compare_pdf", "read_note"]
