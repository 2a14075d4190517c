"""Turn the print stylesheet and a PDF's extracted words into the letter-case changes to allow.

Small capitals change what a PDF's text extraction shows only in one case: `all-small-caps`
draws "L" and "l" with one glyph, and WeasyPrint writes one character per glyph into the PDF's
text map (the first it drew with it), so "L.I. Brezhnev" may come out as "l.I. Brezhnev"
(README, "Traps"). `small-caps` draws only lower-case letters as small capitals, so on its own
the extraction shows the text's own case. The glyphs are the font's, shared by every element:
once one class is set in `all-small-caps`, a small-caps heading elsewhere may come out as
"EmendatIons". Which letters are drawn with a small capital's glyph:

- every letter of an element whose class is set in `all-small-caps`;
- the lower-case letters of one set in `small-caps`;
- in a `small-caps` element holding a span set in `all-small-caps` (print.css, ".speaker
  .capitals": a label in capitals set like the others), the capitals of a word written in
  capitals, but its first: that one is printed full size.

A case difference is allowed only on such a letter, when the stylesheet sets some class in
`all-small-caps`, and only as the one this PDF's text map really makes: each small capital is
extracted as the same character throughout the PDF (the glyph's one character), learnt from
the document's own small-capital words, so a word that shows another case is caught.

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


def nested_all_small_caps(css: str) -> frozenset[str]:
    """The classes whose rule sets `small-caps` and that hold a descendant set in
    `all-small-caps` (".speaker .capitals"): the class of the ancestor compound."""
    kinds = small_caps_classes(css)
    nested: set[str] = set()
    for selectors, body in _RULE.findall(_COMMENT.sub("", css)):
        declared = _CAPS.findall(body)
        if not declared or "all-small-caps" not in declared[-1].split():
            continue
        for selector in selectors.split(","):
            compounds = selector.split()
            for compound in compounds[:-1]:
                nested.update(n for n in _CLASS.findall(compound) if kinds.get(n) == "small-caps")
    return frozenset(nested)


@cache
def print_small_caps(path: Path = PRINT_CSS) -> dict[str, str]:
    return small_caps_classes(path.read_text(encoding="utf-8"))


@cache
def print_nested_caps(path: Path = PRINT_CSS) -> frozenset[str]:
    return nested_all_small_caps(path.read_text(encoding="utf-8"))


def small_capitals(text: str, kind: str, nested: bool) -> list[bool]:
    """For each character of a word, whether it is drawn with a small capital's glyph (see
    the module docstring): `kind` is its element's, `nested` whether that element holds an
    all-small-caps span for the capitals of words written in capitals."""
    if kind == "all-small-caps":
        return [c.isalpha() for c in text]
    in_capitals = nested and not any(c.islower() for c in text)
    out = []
    for index, c in enumerate(text):
        initial = index == 0 or not text[index - 1].isalpha()
        out.append(c.islower() or (in_capitals and c.isupper() and not initial))
    return out


@dataclass(frozen=True)
class CaseTolerance:
    """The letter-case changes one PDF's extraction makes (see the module docstring)."""

    kinds: dict[str, str] = field(default_factory=dict)  # class → small-caps kind
    glyphs: dict[str, str] = field(default_factory=dict)  # folded letter → extracted character
    nested: frozenset[str] = frozenset()  # classes holding an all-small-caps span

    @property
    def merged(self) -> bool:
        """Whether upper and lower case share small-capital glyphs in this style."""
        return "all-small-caps" in self.kinds.values()

    def allows(self, want: Word, got: Word) -> bool:
        if not self.merged or want.caps not in self.kinds or len(want.text) != len(got.text):
            return False
        drawn = small_capitals(want.text, self.kinds[want.caps], want.caps in self.nested)
        for a, b, small in zip(want.text, got.text, drawn, strict=True):
            if a == b:
                continue
            if not small or a.casefold() != b.casefold() or self.glyphs.get(a.casefold()) != b:
                return False
        return True


def calibrate(
    kinds: dict[str, str],
    pairs: Iterable[tuple[Word, Word]],
    nested: frozenset[str] = frozenset(),
) -> CaseTolerance:
    """Learn, from every letter drawn as a small capital and its extraction, the character
    each is extracted as: the one most of its occurrences show."""
    votes: dict[str, Counter[str]] = {}
    for want, got in pairs:
        if want.caps not in kinds or len(want.text) != len(got.text):
            continue
        drawn = small_capitals(want.text, kinds[want.caps], want.caps in nested)
        for a, b, small in zip(want.text, got.text, drawn, strict=True):
            if small and a.casefold() == b.casefold():
                votes.setdefault(a.casefold(), Counter())[b] += 1
    glyphs = {letter: counter.most_common(1)[0][0] for letter, counter in votes.items()}
    return CaseTolerance(kinds, glyphs, nested)
