"""Turn the paragraph numbers an edition prints into a verdict: the model's, in order, or a problem.

With `[print] paragraph_numbers` on, the print edition sets each body paragraph's number in the
outer margin, and the ebook puts it first in the paragraph (`span.paragraph-number`, read
"Paragraph 12"). `pdftotext -layout` gives a margin number at the start of a left-hand page's
line or at the end of a right-hand page's. The numbers are generated text. Each one is taken out
before the words are compared, but only where it is the next number the model gives
(`stages/numbering.py`), so a number the text itself begins with stays text. Numbers of the
model left over at the end, or printed out of order, are problems.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from lxml import etree

from pipeline.editorial.audit.pdf_text import PdfLine
from pipeline.editorial.audit.report import Tally
from pipeline.model import Document

GENERATED = "generated: paragraph number"
_XHTML = "{http://www.w3.org/1999/xhtml}"


def expected_numbers(doc: Document) -> list[int]:
    """The model's paragraph numbers, in reading order."""
    return [
        number
        for session in doc.sessions
        for block in session.blocks
        if (number := getattr(block, "number", 0))
    ]


def strip_pdf_numbers(
    pages: Sequence[Sequence[PdfLine]], numbers: Sequence[int], tally: Tally
) -> list[list[PdfLine]]:
    """The pages without their margin numbers; the numbers not found are problems."""
    pending = list(numbers)
    out = []
    for page in pages:
        kept = []
        for line in page:
            if pending:
                line = _without(line, str(pending[0]), tally, pending)
            kept.append(line)
        out.append(kept)
    _missing(pending, "PDF", tally)
    return out


def _without(line: PdfLine, number: str, tally: Tally, pending: list[int]) -> PdfLine:
    for pattern in (rf"^\s*{number}(\s+)", rf"(\s+){number}\s*$"):
        text, found = re.subn(pattern, " ", line.text, count=1)
        if found:
            tally.add(GENERATED)
            pending.pop(0)
            return replace(line, text=text)
    return line


def take_epub_numbers(section: etree._Element) -> list[str]:
    """Take every paragraph number out of `section` (a copy), its tail kept; their digits."""
    found = []
    for span in list(section.iter(f"{_XHTML}span")):
        if "paragraph-number" not in (span.get("class") or "").split():
            continue
        words = "".join(span.itertext()).split()  # "Paragraph" (for screen readers), "12"
        found.append(words[-1] if words else "")
        parent, previous = span.getparent(), span.getprevious()
        tail = span.tail or ""
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(span)
    return found


def check_epub_numbers(found: Sequence[str], numbers: Sequence[int], tally: Tally) -> None:
    """The ebook's numbers against the model's: the same, in the same order."""
    for index, (got, want) in enumerate(zip(found, numbers, strict=False)):
        if got != str(want):
            tally.problem(
                "a paragraph number is not the model's (EPUB)",
                "model",
                f"EPUB, paragraph number {index + 1}",
                str(want),
                got,
            )
            return
        tally.add(GENERATED)
    if len(found) > len(numbers):
        tally.problem(
            "paragraph numbers the model does not give (EPUB)",
            "model",
            "EPUB",
            f"{len(numbers)} numbers",
            f"{len(found)} numbers",
        )
    _missing(list(numbers[len(found) :]), "EPUB", tally)


def _missing(pending: Sequence[int], edition: str, tally: Tally) -> None:
    if pending:
        tally.problem(
            f"paragraph {pending[0]} has no number where the edition prints them ({edition})",
            "model",
            edition,
            f"the numbers {pending[0]}–{pending[-1]}",
            "(not found)",
        )
