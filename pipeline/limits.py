"""Turn a document's size into a verdict: within what a real record can be, or a clear stop.

Nothing in a source, an errata list or the typo finder's work is bounded by its format: one
20,000-letter word made `suggest` take more than 8 GiB, a 30 MB record held WeasyPrint for
minutes (issue 13 §6). Each limit below is set far above what the family of records reaches
(measured on the FRUS records of `../shared/sources/` and the bundled documents, see `why`),
and is checked on the text before anything expensive runs: before the typo finder's edit
distances, before parsing and before WeasyPrint. A record beyond one stops with the line that
passes it, and `build --all` goes on with the other documents.

A document may set its own limits in edition.toml (a genuinely longer record):

    [limits]
    record_characters = 2000000
    paragraph_characters = 80000

up to each limit's `ceiling`. The ceiling is there because a document folder may come from
someone else: its edition.toml must not be able to lift the protection of the machine that
builds it. Beyond the ceilings, change this table (a decision for the project, not a document).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError

if TYPE_CHECKING:
    from pipeline.stages.errata import Fix


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: its key in `[limits]`, its default, the most a document may ask for, what it
    counts (for messages) and why it has the value it has."""

    name: str
    default: int
    ceiling: int
    counts: str
    why: str


LIMITS: tuple[Limit, ...] = (
    Limit(
        "record_characters",
        1_000_000,
        8_000_000,
        "characters",
        "the longest record of the family is 27,000 characters (about 12 printed pages); a "
        "million is about 400 pages and builds in about a minute; 8 million (the size "
        "inputs.py reads at most) is about half an hour of layout",
    ),
    Limit(
        "paragraph_characters",
        50_000,
        1_000_000,
        "characters",
        "the longest paragraph of the family is 2,813 characters; 50,000 is some 20 pages of "
        "one paragraph",
    ),
    Limit(
        "word_characters",
        300,
        2_000,
        "characters",
        "the longest word of the family is 26 characters with its export junk, a FRUS URL "
        "about 70; the typo finder's edits grow with the square of a word's length (a "
        "3,000-letter word took 600 MB)",
    ),
    Limit(
        "title_characters",
        500,
        2_000,
        "characters",
        "the longest title of the family is 56 characters (edition.toml's; 43 in a source); "
        "the title is set on the title page, balanced over lines, and repeated in every "
        "running head, so a title of 100,000 characters held the print layout for minutes",
    ),
    Limit(
        "text_lines",
        10_000,
        100_000,
        "lines holding text",
        "the family's longest record has 217 lines holding text (paragraphs, headings, notes); "
        "each is a block of the print layout, and 20,000 one-line paragraphs, far under the "
        "record's size limit, kept the layout busy for minutes (issue 13 §6)",
    ),
    Limit(
        "notes",
        1_000,
        10_000,
        "notes",
        "the family has at most 10 notes a record; each footnote costs the print layout "
        "about 65 ms (1,000 notes: over a minute)",
    ),
    Limit(
        "note_number",
        99_999,
        999_999_999,
        "as a note number",
        "the family numbers its notes from 1 to at most 10; a number thousands of digits long "
        "cannot even be read as a number (issue 13 §7)",
    ),
    Limit(
        "errata_entries",
        5_000,
        20_000,
        "entries",
        "the family's errata lists have at most 10 entries; each entry is a search of the "
        "whole source and a line of the editorial note",
    ),
)
"""Every limit, with its reason. A new limit is a new row and a field of `Limits`."""

BY_NAME = {limit.name: limit for limit in LIMITS}


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits one document is built under (defaults from LIMITS)."""

    record_characters: int = BY_NAME["record_characters"].default
    paragraph_characters: int = BY_NAME["paragraph_characters"].default
    word_characters: int = BY_NAME["word_characters"].default
    title_characters: int = BY_NAME["title_characters"].default
    text_lines: int = BY_NAME["text_lines"].default
    notes: int = BY_NAME["notes"].default
    note_number: int = BY_NAME["note_number"].default
    errata_entries: int = BY_NAME["errata_entries"].default


DEFAULT_LIMITS = Limits()

# The most bytes inputs.py reads of a source before decoding: the largest record any [limits]
# may allow, at up to 4 bytes a character in UTF-8 (checked again, in characters, once decoded).
MAX_SOURCE_BYTES = BY_NAME["record_characters"].ceiling * 4
# edition.toml and errata.toml: a real one is a few kilobytes.
MAX_SETTINGS_BYTES = 2 * 1024 * 1024


def limits_from(table: dict[str, int]) -> Limits:
    """`[limits]` values (already checked by `check_value`) over the defaults."""
    return Limits(**table)


def check_value(name: str, value: object) -> str | None:
    """Why `value` cannot be limit `name`, or None if it can."""
    limit = BY_NAME.get(name)
    if limit is None:
        return f"unknown limit {name!r} (allowed: {', '.join(BY_NAME)})"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"[limits] {name} must be a whole number"
    if value < 1:
        return f"[limits] {name} must be at least 1"
    if value > limit.ceiling:
        return (
            f"[limits] {name} can be at most {limit.ceiling:,} (a document folder cannot lift "
            "the protection further; see pipeline/limits.py)"
        )
    return None


assert [f.name for f in fields(Limits)] == [limit.name for limit in LIMITS]


# --- checking text -----------------------------------------------------------------------------

# What the export writes around a note number: a call `[bookmark: _ftn_GoBack0][1]`, a body
# `[bookmark: _ftn0][1]` (clean.py's note rules read the same shapes).
_NOTE_MARKER = re.compile(r"\[bookmark:[^\[\]\n]*_(?:ftn|edn)[^\[\]\n]*\]\s*\[(\d+)\]", re.I)
_NOTE_BODY = re.compile(r"^\s*\[bookmark:\s*_(?:ftn|edn)\d+\]", re.I)
_WORD = re.compile(r"\S+")


def _advice(name: str) -> str:
    return f"a record never has this; if it is right, raise [limits] {name} in edition.toml"


def _exceeds(
    name: str, what: str, size: int, limit: int, path: Path | str, line: int | None
) -> None:
    raise PipelineError(
        f"{what} is {size:,} {BY_NAME[name].counts}, more than the limit of {limit:,}"
        f" ({_advice(name)})",
        path,
        line,
    )


def check_text(text: str, path: Path | str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Stop at the first line of `text` (a decoded source) beyond a limit: record size,
    paragraph (line) length, word length, note numbers and the number of notes. Linear in the
    text; run before anything whose cost grows faster."""
    if len(text) > limits.record_characters:
        at = text.count("\n", 0, limits.record_characters) + 1
        _exceeds("record_characters", "the record", len(text), limits.record_characters, path, at)
    notes = 0
    lines = 0
    titled = False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():  # str.strip takes the no-break spaces of separator lines too
            lines += 1
            if lines > limits.text_lines:
                raise PipelineError(
                    f"line {lines:,} holding text is more than the limit of "
                    f"{limits.text_lines:,} ({_advice('text_lines')})",
                    path,
                    number,
                )
        if not titled and line.strip():
            # The title begins on the first line holding text (parse.py).
            titled = True
            check_title(line.strip(), path, number, limits)
        if len(line) > limits.paragraph_characters:
            _exceeds(
                "paragraph_characters",
                "this paragraph",
                len(line),
                limits.paragraph_characters,
                path,
                number,
            )
        check_note_numbers(line, path, number, limits)  # first: the more precise message
        check_words(line, path, number, limits)
        if _NOTE_BODY.match(line):
            notes += 1
            if notes > limits.notes:
                raise PipelineError(
                    f"note body number {notes:,} is more than the limit of {limits.notes:,} notes"
                    f" ({_advice('notes')})",
                    path,
                    number,
                )


def check_title(
    title: str, path: Path | str, line: int | None, limits: Limits, what: str = "the title"
) -> None:
    """Stop at a title (the source's first line, or edition.toml's) longer than the limit."""
    if len(title) > limits.title_characters:
        _exceeds("title_characters", what, len(title), limits.title_characters, path, line)


def check_words(line: str, path: Path | str, number: int, limits: Limits) -> None:
    """Stop at a word (a run without spaces) longer than the limit."""
    if len(line) <= limits.word_characters:
        return
    for word in _WORD.finditer(line):
        if word.end() - word.start() > limits.word_characters:
            size = word.end() - word.start()
            raise PipelineError(
                f"column {word.start() + 1}: a word of {size:,} characters without a space "
                f"({word.group()[:20]}…), more than the limit of {limits.word_characters:,}"
                f" ({_advice('word_characters')})",
                path,
                number,
            )


def check_note_numbers(line: str, path: Path | str, number: int, limits: Limits) -> None:
    """Stop at a note number beyond the limit (before anything reads it as a number: Python
    refuses to convert more than 4,300 digits)."""
    for marker in _NOTE_MARKER.finditer(line):
        digits = marker.group(1).lstrip("0")
        if len(digits) > len(str(limits.note_number)) or int(digits or "0") > limits.note_number:
            shown = digits if len(digits) <= 12 else f"{digits[:6]}… ({len(digits):,} digits)"
            raise PipelineError(
                f"column {marker.start(1) + 1}: note number {shown} is more than the limit of "
                f"{limits.note_number:,} ({_advice('note_number')})",
                path,
                number,
            )


def check_fixes(fixes: Sequence[Fix], path: Path | str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Stop at the errata entry that passes a limit (the words it puts into the text), or at
    the file when it has more entries than the limit; reported at the entry, not at the source
    line it changes, because the entry is what to correct (issue 13 §9)."""
    if len(fixes) > limits.errata_entries:
        raise PipelineError(
            f"{len(fixes):,} entries, more than the limit of {limits.errata_entries:,}"
            f" ({_advice('errata_entries')})",
            path,
        )
    for fix in fixes:
        line = fix.line or None
        if len(fix.replace) > limits.paragraph_characters:
            raise PipelineError(
                f"fix {fix.id!r}: `replace` is {len(fix.replace):,} characters, more than the "
                f"limit of {limits.paragraph_characters:,} for a paragraph"
                f" ({_advice('paragraph_characters')})",
                path,
                line,
            )
        try:
            check_note_numbers(fix.replace, path, fix.line, limits)
            check_words(fix.replace, path, fix.line, limits)
        except PipelineError as error:
            message = re.sub(r"^column \d+: ", "", error.message)
            raise PipelineError(f"fix {fix.id!r}: `replace` holds {message}", path, line) from None
