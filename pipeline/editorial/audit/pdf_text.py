"""Turn a PDF's bytes into its text as a reader sees it: lines per page, words with positions.

Poppler's `pdftotext` reads the text. `-layout` keeps a real hyphen at a line end (without it
"Japanese-/American" comes out as "JapaneseAmerican", README "Traps") and gives each page's
lines in reading order; `-bbox-layout` gives every word with its box, which is what tells the
columns of a table apart (the editorial note's apparatus).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline.editorial.audit.report import Tally
from pipeline.editorial.audit.words import Word
from pipeline.errors import PipelineError

HYPHEN_BREAK = "\u2010"  # what WeasyPrint prints at a line end when it hyphenates a word
_SAME_LINE = 2.0  # points: words whose baselines are this close stand on one printed line


@dataclass(frozen=True, slots=True)
class PdfLine:
    page: int
    number: int  # line on its page, 1-based
    text: str


@dataclass(frozen=True, slots=True)
class BoxWord:
    """A word of the PDF and its box, in points from the page's top left corner."""

    text: str
    page: int
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True, slots=True)
class BoxLine:
    """One printed line: its words from left to right."""

    page: int
    words: tuple[BoxWord, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


def _pdftotext(pdf_bytes: bytes, *options: str) -> str:
    binary = shutil.which("pdftotext")
    if binary is None:
        raise PipelineError("the audit needs pdftotext (Debian package poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "edition.pdf"
        source.write_bytes(pdf_bytes)
        result = subprocess.run(
            [binary, *options, "-enc", "UTF-8", str(source), "-"], capture_output=True, check=False
        )
    if result.returncode != 0:
        raise PipelineError(f"pdftotext failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode("utf-8")


def pdf_lines(pdf_bytes: bytes) -> list[list[PdfLine]]:
    """The text of each page as lines, in reading order."""
    pages = _pdftotext(pdf_bytes, "-layout").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    # Lines are numbered as a reader counts them on the page: printed lines only, the running
    # head first (pdftotext's layout mode adds empty lines for vertical space).
    return [
        [
            PdfLine(index, number, text)
            for number, text in enumerate((t for t in page.split("\n") if t.strip()), start=1)
        ]
        for index, page in enumerate(pages, start=1)
    ]


def pdf_box_lines(pdf_bytes: bytes, first_page: int = 1) -> list[BoxLine]:
    """Every printed line from `first_page` on, top to bottom on each page, with word boxes."""
    text = _pdftotext(pdf_bytes, "-bbox", "-f", str(first_page))
    root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(recover=True))
    lines: list[BoxLine] = []
    for index, page in enumerate(root.iter("{*}page"), start=first_page):
        words = sorted(
            (
                BoxWord(
                    word.text or "",
                    index,
                    float(word.get("xMin")),
                    float(word.get("yMin")),
                    float(word.get("xMax")),
                    float(word.get("yMax")),
                )
                for word in page.iter("{*}word")
                if (word.text or "").strip()
            ),
            key=lambda w: (w.bottom, w.left),
        )
        current: list[BoxWord] = []
        for word in words:
            if current and abs(word.bottom - current[-1].bottom) > _SAME_LINE:
                lines.append(BoxLine(index, tuple(sorted(current, key=lambda w: w.left))))
                current = []
            current.append(word)
        if current:
            lines.append(BoxLine(index, tuple(sorted(current, key=lambda w: w.left))))
    return lines


def pdf_words(lines: Sequence[PdfLine], tally: Tally | None = None) -> list[Word]:
    """Words of consecutive lines, a word hyphenated at a line end joined again.

    WeasyPrint marks its own hyphenation with U+2010: that hyphen goes. A hyphen-minus at a line
    end is the source's own ("Japanese-/American"): it stays.
    """
    words: list[Word] = []
    carry: Word | None = None
    for line in lines:
        tokens = line.text.split()
        for index, token in enumerate(tokens):
            where = f"page {line.page}, line {line.number}"
            if carry is not None:
                token = carry.text + token
                where = carry.where
                carry = None
            last = index == len(tokens) - 1
            if last and token.endswith(HYPHEN_BREAK) and len(token) > 1:
                if tally is not None:
                    tally.add("hyphenation at a line end (U+2010 removed)")
                carry = Word(token[:-1], where)
                continue
            if last and token.endswith(("\u2013", "\u2014", "/")) and len(token) > 1:
                # A line may break after an unspaced dash or slash ("33.3–/2", "and/or").
                if tally is not None:
                    tally.add("line break after a dash or slash")
                carry = Word(token, where)
                continue
            if last and token.endswith("-") and len(token) > 1:
                if tally is not None:
                    tally.add("hyphen of the source at a line end (kept)")
                carry = Word(token, where)
                continue
            words.append(Word(token, where))
    if carry is not None:
        words.append(carry)
    return words


def page_of(word: Word) -> int:
    """The page a PDF word stands on (its `where` is "page N, line L")."""
    return int(word.where.split(",")[0].removeprefix("page "))
