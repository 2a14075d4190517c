"""Turn pieces of text with their roles into the words the audit aligns, each with its place.

A piece is (text, role, entries): `role` is "call" for a note call's digits, the CSS class of
an element a writer may set in small capitals ("speaker", "field-caption", "subheading"), or
""; `entries` are the errata entries (correction ids) whose words the piece is. A piece with no
text and an entry is the point where an entry deleted words: it belongs to the word after it.

How words are cut depends on the text compared: an ebook keeps its no-break spaces, so there a
no-break space joins two words into one (a space turned no-break is a changed word); a PDF's
text extraction shows every space as a space, so there they are spaces.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pipeline.editorial.audit.report import Tally

CONTEXT_WORDS = 5
"""Words of context shown on each side of an unexplained difference."""

NO_BREAK_SPACES = "\u00a0\u202f\u2007"
_WORD = re.compile(r"\S+")
_WORD_NO_BREAK = re.compile(rf"(?:[^\s]|[{NO_BREAK_SPACES}])+")
_NO_BREAK = str.maketrans(dict.fromkeys(NO_BREAK_SPACES, " "))


class Piece(NamedTuple):
    text: str
    role: str = ""
    entries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Word:
    """A word of one of the texts and where it stands there.

    `caps`: the class of the small-capitals candidate element it is in ("speaker", …), whose
    letter case a PDF's extraction may show otherwise. `calls`: note-call numbers glued to it.
    `generated`: the cause, when the whole word is made by the writer (edition title, session
    hours, note marker) rather than taken from the source. `entries`: the errata entries whose
    words it holds (or that deleted words just before it).
    """

    text: str
    where: str
    caps: str = ""
    calls: int = 0
    generated: str = ""
    opens: bool = True  # the first word of a generated phrase, so phrases are counted once
    entries: frozenset[str] = frozenset()
    block: str = ""  # the id writers give the element it is in ("title", "p12", "note-3")


def split_words(
    pieces: Iterable[Piece | tuple[str, str]],
    where: str,
    generated: str = "",
    *,
    keep_no_break: bool = False,
    block: str = "",
) -> list[Word]:
    """Split pieces into words; a word keeps every role and entry any of its characters had."""
    chars: list[str] = []
    roles: list[str] = []
    entries: list[tuple[str, ...]] = []
    points: list[tuple[int, tuple[str, ...]]] = []
    for piece in pieces:
        text, role, ids = Piece(*piece)
        if not text and ids:
            points.append((len(roles), ids))
        chars.append(text)
        roles.extend(role for _ in text)
        entries.extend(ids for _ in text)
    joined = "".join(chars)
    pattern = _WORD_NO_BREAK if keep_no_break else _WORD
    if not keep_no_break:
        joined = joined.translate(_NO_BREAK)
    matches = list(pattern.finditer(joined))
    at_point: dict[int, set[str]] = {}
    for offset, ids in points:
        at_point.setdefault(_point_word(matches, offset), set()).update(ids)
    out: list[Word] = []
    for index, match in enumerate(matches):
        span = range(match.start(), match.end())
        found = {i for at in span for i in entries[at]} | at_point.get(index, set())
        out.append(
            Word(
                text=match.group(),
                where=where,
                caps=next((roles[at] for at in span if roles[at] not in ("", "call")), ""),
                calls=sum(
                    1 for at in span if roles[at] == "call" and (at == 0 or roles[at - 1] != "call")
                ),
                generated=generated,
                opens=index == 0,
                entries=frozenset(found),
                block=block,
            )
        )
    return out


def _point_word(matches: Sequence[re.Match[str]], offset: int) -> int:
    """The word a deletion point belongs to: the one holding it or after it, else the last."""
    for index, match in enumerate(matches):
        if match.end() > offset:
            return index
    return len(matches) - 1


def context(words: Sequence[Word], start: int, end: int) -> str:
    """The words start:end in brackets, with a few words on each side."""
    before = " ".join(w.text for w in words[max(0, start - CONTEXT_WORDS) : start])
    span = [w.text for w in words[start:end]]
    if len(span) > 4 * CONTEXT_WORDS:
        # A lost paragraph is named by its first and last words, not printed whole.
        span = [*span[: 2 * CONTEXT_WORDS], f"… {len(span)} words in all …", *span[-CONTEXT_WORDS:]]
    inside = " ".join(span)
    after = " ".join(w.text for w in words[end : end + CONTEXT_WORDS])
    return f"…{before} [{inside}] {after}…".replace("  ", " ")


def where(words: Sequence[Word], start: int, end: int) -> str:
    if start < end:
        return words[start].where
    if start < len(words):
        return f"{words[start].where}, before “{words[start].text}”"
    return f"{words[-1].where}, after “{words[-1].text}”" if words else "(empty)"


def what_changed(tag: str, place: str, expected: Sequence[Word], found: Sequence[Word]) -> str:
    if tag == "delete":
        return f"{len(expected)} word(s) of the source missing from the {place}"
    if tag == "insert":
        return f"{len(found)} word(s) in the {place} that the source does not have"
    return f"word(s) changed in the {place}"


def note_alterations(
    tally: Tally, number: int, label: str, model: Sequence[Word], got: Sequence[Word]
) -> None:
    """Every word-level difference between a note as the model has it and as it was found."""
    matcher = difflib.SequenceMatcher(
        None, [w.text for w in model], [w.text for w in got], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            tally.problem(
                f"note {number} altered in the {label}",
                where(model, i1, i2),
                f"{label} {where(got, j1, j2)}",
                context(model, i1, i2),
                context(got, j1, j2),
            )
