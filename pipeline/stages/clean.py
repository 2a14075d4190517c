"""Turn Word-export text into clean lines: junk dropped, note markers kept as plain tokens.

Every line stays where it was (a dropped line becomes an empty one), so line numbers still match
the source file. The note markers of the export become two private-use tokens that only the
parser reads:

    "8 October 1973[bookmark: _ftn_GoBack0][1]"   →  "8 October 1973" + note_ref_token(1)
    "[bookmark: _ftn0][1] The record …"            →  note_body_token(1) + " The record …"

Each cleaning rule is a row of CLEAN_RULES with the reason it exists; a new export quirk is a new
row here, and no other module needs to know about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.stages.tokens import (
    BODY_OPEN,
    NOTE_BODY_TOKEN,
    NOTE_REF_TOKEN,
    REF_OPEN,
    TOKEN_CLOSE,
    note_body_token,
    note_ref_token,
)

# The tokens are one table shared by errata, clean and parse (tokens.py); re-exported here, where
# the note tokens are made.
__all__ = [
    "BODY_OPEN",
    "CLEAN_RULES",
    "NOTE_BODY_TOKEN",
    "NOTE_REF_TOKEN",
    "REF_OPEN",
    "TOKEN_CLOSE",
    "clean",
    "clean_line",
    "note_body_token",
    "note_ref_token",
]


@dataclass(frozen=True, slots=True)
class CleanRule:
    name: str
    pattern: re.Pattern[str]
    replacement: str
    why: str


CLEAN_RULES: tuple[CleanRule, ...] = (
    CleanRule(
        "note-call",
        # The export names the bookmark at a footnote call `_ftn_GoBackN` (`_edn_GoBackN` for
        # endnotes; Word's own HTML says `_ftnrefN`); the bracketed number after it is the
        # note's printed number, which we keep.
        re.compile(r"\[bookmark:\s*_(?:ftn|edn)(?:_GoBack|ref)\d*\]\s*\[(\d+)\]", re.IGNORECASE),
        REF_OPEN + r"\1" + TOKEN_CLOSE,
        "a footnote call exported as a bookmark plus the printed note number",
    ),
    CleanRule(
        "note-body",
        re.compile(r"^\s*\[bookmark:\s*_(?:ftn|edn)\d+\]\s*\[(\d+)\]", re.IGNORECASE),
        BODY_OPEN + r"\1" + TOKEN_CLOSE,
        "the start of a note body, piled at the end of the export",
    ),
    CleanRule(
        "stray-bookmark",
        # `_GoBack` is Word's last-edit mark; `_Hlk…`, `_Toc…` and friends are internal
        # anchors. None of them is text of the record.
        re.compile(r"\[bookmark:[^\[\]\n]*\]", re.IGNORECASE),
        "",
        "Word's internal bookmarks (_GoBack, _Hlk…, _Toc…) are not part of the text",
    ),
    CleanRule(
        "invisible",
        re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]"),
        "",
        "soft hyphens, zero-width characters and stray byte-order marks are invisible junk",
    ),
    CleanRule(
        "manual-break",
        re.compile("[\u000b\u000c\u2028\u2029]"),
        " ",
        "Word writes a manual line break as a vertical tab or line separator inside a paragraph",
    ),
    CleanRule(
        "space-run",
        re.compile(r"[ \t]{2,}|\t"),
        " ",
        "runs of spaces and tabs are layout, not text",
    ),
)


def clean_line(line: str) -> str:
    for rule in CLEAN_RULES:
        line = rule.pattern.sub(rule.replacement, line)
    # str.strip() also removes U+00A0, so lines holding only no-break spaces (the export's
    # paragraph separators) become empty, and leading/trailing spaces on real lines go too.
    return line.strip()


def clean(text: str, path: Path | str = "<input>") -> str:
    """Clean every line of `text`; the result has exactly as many lines. (Characters the
    pipeline reserves for its tokens were refused when the source was read: read.py.)"""
    return "\n".join(clean_line(line) for line in text.split("\n"))
