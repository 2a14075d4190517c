"""Turn the print stylesheet and a PDF's extracted words into the letter-case changes to allow.

Small capitals change what a PDF's text extraction shows only in one case: `all-small-caps`
draws "L" and "l" with one glyph, and WeasyPrint writes one character per glyph into the PDF's
text map (the first it drew with it), so "L.I. Brezhnev" may come out as "l.I. Brezhnev"
(README, "Traps"). `small-caps` draws only lower-case letters as small capitals, so on its own
the extraction shows the text's own case. The glyphs are the font's, shared by every element:
once one class is set in `all-small-caps`, a small-caps heading elsewhere may come out as
"EmendatIons". Hence a case difference is allowed only

- when the stylesheet sets some class in `all-small-caps`, in an element set in small
  capitals of either kind, and
- where it is the one this PDF's text map really makes: each letter in small capitals is
  extracted as the same character throughout the PDF (the glyph's one character), so a word
  that shows another case than the document's other small-capital words show is caught.

Everywhere else, and always in the EPUB (whose text is the markup's), letter case is compared
exactly: "L.I. BREZHNEV" or "l.i. brezhnev" for "L.I. Brezhnev" fails.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline.context import STYLES_DIR
from pipeline.editorial.audit.words import Word

PRINT_CSS = STYLES_DIR / "print.css"

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
_CAPS = re.compile(r"font-variant(?:-caps)?\s*:\s*([^;]+)")
_CLASS = re.compile(r"\.([A-Za-z][\w-]*)")


def small_caps_classes(css: str) -> dict[str, str]:
    """Each class whose own rule (the last compound of a selector, no pseudo-element) sets
    small capitals → "small-caps" or "all-small-caps"; the last declaration wins."""
    kinds: dict[str, str] = {}
    for selectors, body in _RULE.findall(_COMMENT.sub("", css)):
        declared = _CAPS.findall(body)
        if not declared:
            continue
        value = declared[-1].split()
        kind = next((v for v in value if v in ("small-caps", "all-small-caps")), "")
        for selector in selectors.split(","):
            compound = selector.split()[-1] if selector.split() else ""
            if ":" in compound:
                continue
            for name in _CLASS.findall(compound):
                if kind:
                    kinds[name] = kind
                else:
                    kinds.pop(name, None)
    return kinds


@cache
def print_small_caps(path: Path = PRINT_CSS) -> dict[str, str]:
    return small_caps_classes(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CaseTolerance:
    """The letter-case changes one PDF's extraction makes (see the module docstring)."""

    kinds: dict[str, str] = field(default_factory=dict)  # class → small-caps kind
    glyphs: dict[str, str] = field(default_factory=dict)  # folded letter → extracted character

    @property
    def merged(self) -> bool:
        """Whether upper and lower case share small-capital glyphs in this style."""
        return "all-small-caps" in self.kinds.values()

    def allows(self, want: Word, got: Word) -> bool:
        if not self.merged or want.caps not in self.kinds or len(want.text) != len(got.text):
            return False
        for a, b in zip(want.text, got.text, strict=True):
            if a != b and (a.casefold() != b.casefold() or self.glyphs.get(a.casefold()) != b):
                return False
        return True


def calibrate(kinds: dict[str, str], pairs: Iterable[tuple[Word, Word]]) -> CaseTolerance:
    """Learn, from every word in small capitals and its extraction, the character each letter
    is extracted as: the one most of its occurrences show."""
    votes: dict[str, Counter[str]] = {}
    for want, got in pairs:
        if want.caps not in kinds or len(want.text) != len(got.text):
            continue
        for a, b in zip(want.text, got.text, strict=True):
            if a.casefold() == b.casefold() and a.isalpha():
                votes.setdefault(a.casefold(), Counter())[b] += 1
    glyphs = {letter: counter.most_common(1)[0][0] for letter, counter in votes.items()}
    return CaseTolerance(kinds, glyphs)
