"""Turn the source text and its errata list into the edited text, with each intervention marked.

`sources/<id>/errata.toml` holds the SHA-256 of the source the entries were written against,
an optional `[classes]` table and an array of `[[fix]]` tables:

    source_sha256 = "9f2c…"                         # of source.txt as received (64 hex digits)

    [classes]                                       # declared classes of silent regularisation
    names = "Spellings of personal names are made consistent."

    [[fix]]
    id = "spheres"                                  # unique name, used in reports and links
    kind = "emend"                                  # see KINDS (default "emend")
    find = "economic and other spehres"             # exact source text, unique in the file
    replace = "economic and other spheres"          # emend, regularise, supply
    reason = "typo"                                 # why (regularise: the class says it)
    note = "optional remark for the editorial note"
    class = "names"                                 # regularise only: a declared class
    reading = "spehres"                             # sic, keep: the words of `find` meant
    by = "S. Radchenko"                             # who made the decision
    date = "2026-11-28"                             # when (ISO)
    status = "accepted"                             # "proposed" or "accepted" (default)

`find` is matched against the source as the editor sees it in `source.txt` (after decoding
only: export junk such as `[bookmark: …]` is still there), so an entry can be written by copying
from the file. Application is strict, because every departure from the source must be declared
exactly once: an entry that matches zero times or more than once, or overlaps another entry,
stops the build with a message naming the entry.

The words each entry accounts for are wrapped in intervention marks (tokens.py), which survive
cleaning and become `Intervention` nodes when the text is parsed: writers read the span from the
model and never search the text for it again (issue 14).
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError, parse_toml
from pipeline.inputs import InputFile, decoded
from pipeline.model import Correction
from pipeline.stages.clean import CLEAN_RULES
from pipeline.stages.read import character_name, xml_unfit
from pipeline.stages.tokens import INTERVENTION_CLOSE, RESERVED, RESERVED_RANGE, intervention_open

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of intervention: what it does to the text and how the editions show it."""

    name: str
    changes_text: bool
    shown: str  # how a reader of the edition can tell


KINDS: tuple[Kind, ...] = (
    Kind("emend", True, "the edition's reading, listed with the source's in the editorial note"),
    Kind("regularise", True, "silently, counted by its declared class in the editorial note"),
    Kind("supply", True, "the words the editors supply, in angle brackets ⟨ ⟩"),
    Kind("sic", False, "the source's reading kept, followed by the editors' ⟨sic⟩"),
    Kind("keep", False, "the source's reading kept as it is, recorded in the editorial note"),
)
KIND_NAMES = tuple(kind.name for kind in KINDS)
STATUSES = ("accepted", "proposed")

# key → (allowed for these kinds, required for these kinds)
_ALL = frozenset(KIND_NAMES)
_CHANGING = frozenset({"emend", "regularise", "supply"})
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "id": (_ALL, _ALL),
    "kind": (_ALL, frozenset()),
    "find": (_ALL, _ALL),
    "replace": (_CHANGING, _CHANGING),
    "reason": (_ALL, _ALL - {"regularise"}),
    "note": (_ALL, frozenset()),
    "class": (frozenset({"regularise"}), frozenset({"regularise"})),
    "reading": (frozenset({"sic", "keep"}), frozenset()),
    "by": (_ALL, frozenset()),
    "date": (_ALL, frozenset()),
    "status": (_ALL, frozenset()),
}
"""Allowed keys of a `[[fix]]` table, the kinds each is allowed for and required for."""


@dataclass(frozen=True, slots=True)
class Fix:
    """One declared intervention as written in the errata file (`line`: its `[[fix]]` header)."""

    id: str
    find: str
    replace: str
    reason: str
    note: str = ""
    line: int = 0
    kind: str = "emend"
    category: str = ""
    reading: str = ""
    by: str = ""
    date: str = ""
    status: str = "accepted"


@dataclass(frozen=True, slots=True)
class Errata:
    """A parsed errata file: its declared regularisation classes and its entries, and the
    SHA-256 of the source they were written against ("" when the file does not say)."""

    classes: tuple[tuple[str, str], ...] = ()
    fixes: tuple[Fix, ...] = ()
    source_sha256: str = ""


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _check_entry(entry: dict[str, Any], label: str, path: Path | str, line: int | None) -> str:
    kind = entry.get("kind", "emend")
    if not isinstance(kind, str) or kind not in KIND_NAMES:
        raise PipelineError(
            f"{label}: kind must be one of {', '.join(KIND_NAMES)} (got {kind!r})", path, line
        )
    for key in entry:
        if key not in FIELDS:
            raise PipelineError(
                f"{label}: unknown key {key!r} (allowed: {', '.join(FIELDS)})", path, line
            )
        if kind not in FIELDS[key][0]:
            raise PipelineError(f"{label}: {key!r} does not apply to kind {kind!r}", path, line)
    for key, (_, required) in FIELDS.items():
        value = entry.get(key)
        if value is None:
            if kind in required:
                raise PipelineError(f"{label}: missing key {key!r}", path, line)
            continue
        if not isinstance(value, str):
            raise PipelineError(f"{label}: {key!r} must be a string", path, line)
        if key in ("id", "find", "reason", "class", "reading") and not value.strip():
            raise PipelineError(f"{label}: {key!r} must not be empty", path, line)
        if key in ("find", "replace", "reading") and "\n" in value:
            # A paragraph is one line of the source; keeping line counts stable keeps
            # every later message pointing at the right line.
            raise PipelineError(f"{label}: {key!r} must not span lines", path, line)
        # Every value: `reason`, `note` and the rest reach the model and the editorial note,
        # where a token character would be read as a mark (found by the fuzzer).
        if found := RESERVED.search(value):
            raise PipelineError(
                f"{label}: {key!r} holds U+{ord(found.group()):04X}, one of the private-use "
                f"characters {RESERVED_RANGE} the pipeline reserves for its own marks",
                path,
                line,
            )
        if found := xml_unfit(value):
            # Reported here, at the entry: the source line it would reach is not what to fix.
            what = character_name(found.group())
            raise PipelineError(
                f"{label}: {key!r} holds {what}, which reading the source refuses, drops or "
                "replaces (CHARACTER_RULES in pipeline/stages/read.py): write `find` as the "
                "source reads after that"
                if key == "find"
                else f"{label}: {key!r} holds {what}, a character the editions cannot hold",
                path,
                line,
            )
    return kind


def _check_values(fix: Fix, label: str, classes: dict[str, str], path: Path | str) -> None:
    line = fix.line or None
    if fix.kind in _CHANGING and fix.find == fix.replace:
        raise PipelineError(f"{label}: `replace` is the same as `find`", path, line)
    if fix.kind == "supply" and _insertion(fix.find, fix.replace) is None:
        raise PipelineError(
            f"{label}: a `supply` entry only adds words: `replace` must be `find` with words "
            "inserted at one place",
            path,
            line,
        )
    if fix.kind == "regularise" and fix.category not in classes:
        declared = ", ".join(classes) or "none"
        raise PipelineError(
            f"{label}: class {fix.category!r} is not declared in [classes] (declared: {declared})",
            path,
            line,
        )
    if fix.reading and fix.find.count(fix.reading) != 1:
        raise PipelineError(
            f"{label}: `reading` {fix.reading!r} must occur exactly once in `find`", path, line
        )
    if fix.status not in STATUSES:
        raise PipelineError(
            f"{label}: status must be one of {', '.join(STATUSES)} (got {fix.status!r})",
            path,
            line,
        )
    if fix.date:
        try:
            datetime.date.fromisoformat(fix.date)
        except ValueError:
            raise PipelineError(
                f"{label}: date must be an ISO date like 2026-11-28 (got {fix.date!r})", path, line
            ) from None


# Table headers as TOML allows them to be written ("[[ fix ]]  # typos"), so that every entry's
# messages name its own line, not the next entry's.
_FIX_HEADER = re.compile(r"""^\s*\[\[\s*(?:fix|"fix"|'fix')\s*\]\]\s*(?:#.*)?$""")
_CLASSES_HEADER = re.compile(r"""^\s*\[\s*(?:classes|"classes"|'classes')\s*\]\s*(?:#.*)?$""")


def _id_in_books(entry_id: str) -> str:
    """An entry id as the editions spell it in their XML ids (pipeline/writers/epub/plan.py
    `anchor`): what is not a letter, digit, `_`, `.` or `-` becomes `-`."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", entry_id)


def _unfit_character(value: str) -> str | None:
    """What in a value written by the editor no edition can take as it is, if anything."""
    if found := xml_unfit(value):
        return f"{character_name(found.group())}, a character the editions cannot hold"
    if found := RESERVED.search(value):
        return (
            f"U+{ord(found.group()):04X}, one of the private-use characters {RESERVED_RANGE} "
            "the pipeline reserves for its own marks"
        )
    return None


def _classes(data: dict[str, Any], path: Path | str, text: str) -> dict[str, str]:
    table = data.get("classes", {})
    line = next((i + 1 for i, ln in enumerate(text.split("\n")) if _CLASSES_HEADER.match(ln)), None)
    if not isinstance(table, dict) or not all(
        isinstance(v, str) and v.strip() for v in table.values()
    ):
        raise PipelineError(
            "[classes] must map each class name to a description of what it regularises",
            path,
            line,
        )
    for name, description in table.items():
        for what, value in (("name", name), ("description", description)):
            # The description is the reason of every entry of its class, in the editorial note.
            if problem := _unfit_character(value):
                raise PipelineError(
                    f"[classes] {name!r}: the {what} holds {problem}",
                    path,
                    _key_line(text, name, line),
                )
    return dict(table)


def _key_line(text: str, key: str, after: int | None) -> int | None:
    """The line of `key = …` at or after line `after` (a [classes] entry), else `after`."""
    lines = text.split("\n")
    for number in range((after or 1) - 1, len(lines)):
        if re.match(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", lines[number]):
            return number + 1
    return after


def parse_errata_file(text: str, path: Path | str = "errata.toml") -> Errata:
    """Read and check an errata file's text; every problem names the file and the entry's line."""
    data = parse_toml(text, path)
    header_lines = [i + 1 for i, ln in enumerate(text.split("\n")) if _FIX_HEADER.match(ln)]
    unknown = sorted(set(data) - {"fix", "classes", "source_sha256"})
    if unknown:
        raise PipelineError(
            f"unknown top-level key {unknown[0]!r}: an errata file holds source_sha256, a"
            " [classes] table and [[fix]] tables",
            path,
        )
    source_sha256 = _source_sha256(data, path, text)
    classes = _classes(data, path, text)
    entries = data.get("fix", [])
    if not isinstance(entries, list):
        raise PipelineError("`fix` must be an array of tables, written [[fix]]", path)
    fixes: list[Fix] = []
    seen: dict[str, int] = {}
    spelt_ids: dict[str, str] = {}
    for index, entry in enumerate(entries):
        line = header_lines[index] if index < len(header_lines) else None
        name = entry.get("id") if isinstance(entry, dict) else None
        label = f"fix {name!r}" if isinstance(name, str) and name else f"fix #{index + 1}"
        if not isinstance(entry, dict):
            raise PipelineError(f"{label}: must be a table", path, line)
        kind = _check_entry(entry, label, path, line)
        if entry["id"] in seen:
            raise PipelineError(
                f"{label}: id already used by the entry at line {seen[entry['id']]}", path, line
            )
        seen[entry["id"]] = line or 0
        spelt = _id_in_books(entry["id"])
        if (other := spelt_ids.setdefault(spelt, entry["id"])) != entry["id"]:
            # Both would be the same XML id in the editions (EPUBCheck RSC-005, duplicate id).
            raise PipelineError(
                f"{label}: id is written {spelt!r} in the editions, as the entry {other!r} "
                f"(line {seen[other]}) is; choose ids that differ in letters or digits",
                path,
                line,
            )
        category = entry.get("class", "")
        fix = Fix(
            id=entry["id"],
            find=entry["find"],
            replace=str(entry.get("replace", entry["find"])),
            reason=entry.get("reason") or classes.get(category, ""),
            note=entry.get("note", ""),
            line=line or 0,
            kind=kind,
            category=category,
            reading=entry.get("reading", ""),
            by=entry.get("by", ""),
            date=entry.get("date", ""),
            status=entry.get("status", "accepted"),
        )
        _check_values(fix, label, classes, path)
        fixes.append(fix)
    return Errata(classes=tuple(classes.items()), fixes=tuple(fixes), source_sha256=source_sha256)


def _source_sha256(data: dict[str, Any], path: Path | str, text: str) -> str:
    """The recorded hash, lower case; the audit compares it with source.txt (issue 14 §4)."""
    if "source_sha256" not in data:
        return ""
    value = data["source_sha256"]
    line = next(
        (i + 1 for i, ln in enumerate(text.split("\n")) if ln.lstrip().startswith("source_sha256")),
        None,
    )
    if not isinstance(value, str) or not _SHA256.fullmatch(value.strip().lower()):
        raise PipelineError(
            "source_sha256 must be the 64 hexadecimal digits of the SHA-256 of source.txt"
            f" (got {value!r}; `sha256sum source.txt` prints it)",
            path,
            line,
        )
    return value.strip().lower()


def parse_errata(text: str, path: Path | str = "errata.toml") -> tuple[Fix, ...]:
    """The entries of an errata file's text (see `parse_errata_file`)."""
    return parse_errata_file(text, path).fixes


def load_errata(path: Path) -> tuple[Fix, ...]:
    """The fixes declared in `path`; none when the file does not exist."""
    if not path.exists():
        return ()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PipelineError(f"cannot read errata: {error.strerror}", path) from None
    # The same reading as a build's (a byte-order mark allowed, UTF-16 named), so that the
    # typo finder reports a bad file as the build does.
    return parse_errata(decoded(InputFile(str(path), data), "errata"), path)


def check_release(fixes: tuple[Fix, ...], path: Path | str) -> None:
    """A release build publishes only decisions: a proposed entry stops it, naming the entry."""
    for fix in fixes:
        if fix.status == "proposed":
            raise PipelineError(
                f'fix {fix.id!r} is still proposed; accept it (status = "accepted") or remove'
                " it before a --release build",
                path,
                fix.line or None,
            )


def check_release_errata(errata: Errata, source: bytes, path: Path | str) -> None:
    """A release's checks of its errata, one place for `build --release`, the batch and
    `dist`: no entry still proposed (`check_release`), and entries decided on this very source
    (`check_source_hash`, which a release turns from a warning into a refusal)."""
    check_release(errata.fixes, path)
    check_source_hash(errata, hashlib.sha256(source).hexdigest(), path, release=True)


def check_source_hash(
    errata: Errata, source_sha256: str, path: Path | str, *, release: bool = False
) -> None:
    """Errata written against another source: the entries' `find` may still match, but what
    they were decided on is gone. A build warns (the editor may be mid-way through updating the
    entries), a release build refuses, and the audit fails (issue 14 §4)."""
    if not errata.source_sha256 or errata.source_sha256 == source_sha256:
        return
    message = (
        f"source.txt has changed since the errata were written: its SHA-256 is {source_sha256},"
        f" errata.toml records {errata.source_sha256}; review every entry against the new"
        " source, then record its hash in source_sha256"
    )
    if release:
        raise PipelineError(message, path)
    LOGGER.warning("%s: %s", path, message)


# --- where in the text an entry's words are ----------------------------------------------------

# Export junk and brackets are units a span never cuts: a note call is its bookmark and its
# number, an editorial bracket is whole.
_NOTE_CALL = re.compile(r"\[bookmark:[^\[\]\n]*\](?:\s*\[\d+\])?", re.IGNORECASE)
_BRACKET = re.compile(r"\[[^\[\]\n]*\]")


def _insertion(find: str, replace: str) -> tuple[int, int] | None:
    """Where `replace` adds to `find` (start, stop in `replace`), if it only adds at one place:
    the earliest such place. Linear: a long entry must not cost the square of its length."""
    if len(replace) <= len(find):
        return None
    prefix = 0
    while prefix < len(find) and find[prefix] == replace[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(find) and find[-1 - suffix] == replace[-1 - suffix]:
        suffix += 1
    start = len(find) - suffix
    if start > prefix:
        return None
    return start, start + len(replace) - len(find)


def _common_ends(find: str, replace: str) -> tuple[int, int]:
    """Lengths of the longest common prefix and suffix (not overlapping in either string)."""
    shortest = min(len(find), len(replace))
    prefix = 0
    while prefix < shortest and find[prefix] == replace[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and find[-1 - suffix] == replace[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def _whole_words(text: str, start: int, stop: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while stop < len(text) and not text[stop].isspace():
        stop += 1
    return start, stop


def _trim_spaces(text: str, start: int, stop: int) -> tuple[int, int]:
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    return start, stop


def _respect_units(text: str, start: int, stop: int) -> tuple[int, int]:
    """Move span edges out of note calls (the call stays outside, unless wholly inside) and
    widen them to whole editorial brackets."""
    for unit in _NOTE_CALL.finditer(text):
        if unit.start() < start < unit.end():
            start = unit.end()
        if unit.start() < stop < unit.end():
            stop = unit.start()
    for unit in _BRACKET.finditer(_NOTE_CALL.sub(lambda m: "\0" * len(m.group()), text)):
        if unit.start() < start < unit.end():
            start = unit.start()
        if unit.start() < stop < unit.end():
            stop = unit.end()
    return start, max(start, stop)


def _span(fix: Fix) -> tuple[int, int]:
    """The words of `fix.replace` the entry accounts for (start, stop): the changed words, the
    inserted words of a `supply`, or the `reading` of a `sic` or `keep`."""
    text = fix.replace
    if fix.kind == "supply":
        inserted = _insertion(fix.find, fix.replace)
        assert inserted is not None  # checked when the file was read
        start, stop = _trim_spaces(text, *inserted)
    elif fix.kind in ("sic", "keep"):
        reading = fix.reading or fix.find
        start = text.index(reading)
        start, stop = _trim_spaces(text, start, start + len(reading))
    else:
        prefix, suffix = _common_ends(fix.find, fix.replace)
        start, stop = prefix, len(text) - suffix
        deleted = fix.find[prefix : len(fix.find) - suffix]
        # A deletion of whole words ("the the" → "the") is a point between words; one inside
        # a word ("your" → "you") changed that word, which is then the reading.
        if stop > start or not (deleted[:1].isspace() or deleted[-1:].isspace()):
            changed = (start, stop)
            start, stop = _whole_words(text, start, stop)
            start, stop = _trim_spaces(text, start, stop)
            # Quotation marks and brackets around the word are context, not the reading
            # ("“The", not "“Teh" → "“The"), unless they are what changed ("population.").
            while start < changed[0] and not text[start].isalnum() and text[start] != "[":
                start += 1
            while stop > changed[1] and not text[stop - 1].isalnum() and text[stop - 1] != "]":
                stop -= 1
    return _respect_units(text, start, stop)


def _source_reading(fix: Fix, start: int, stop: int) -> str:
    """The source's words where the edition's span [start, stop) of `fix.replace` stands."""
    if fix.kind == "supply":
        return ""
    if fix.kind in ("sic", "keep"):
        return fix.replace[start:stop]
    # The span covers the changed middle, so outside it both readings are the same text.
    return fix.find[start : stop + len(fix.find) - len(fix.replace)]


# --- applying ----------------------------------------------------------------------------------


def _occurrences(text: str, find: str) -> list[int]:
    """Every start of `find` in `text`, overlapping ones included ("aa" twice in "aaa")."""
    starts, at = [], text.find(find)
    while at != -1:
        starts.append(at)
        at = text.find(find, at + 1)
    return starts


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _place(
    text: str, fixes: tuple[Fix, ...], errata_path: Path | str, source_path: Path | str
) -> list[tuple[int, int, Fix]]:
    placed: list[tuple[int, int, Fix]] = []
    for fix in fixes:
        starts = _occurrences(text, fix.find)
        if not starts:
            raise PipelineError(
                f"fix {fix.id!r}: `find` text {fix.find!r} does not occur in {source_path}",
                errata_path,
                fix.line,
            )
        if len(starts) > 1:
            lines = ", ".join(str(_line_and_column(text, s)[0]) for s in starts[:5])
            raise PipelineError(
                f"fix {fix.id!r}: `find` text {fix.find!r} occurs {len(starts)} times in"
                f" {source_path} (lines {lines}); add context to make it unique",
                errata_path,
                fix.line,
            )
        placed.append((starts[0], starts[0] + len(fix.find), fix))
    placed.sort(key=lambda item: item[0])
    brackets = _brackets(text)
    for start, end, fix in placed:
        _check_brackets(text, brackets, start, end, fix, errata_path, source_path)
    for (_, end_a, fix_a), (start_b, _, fix_b) in pairwise(placed):
        if start_b < end_a:
            line = _line_and_column(text, start_b)[0]
            raise PipelineError(
                f"fix {fix_b.id!r} overlaps fix {fix_a.id!r} (entry at line {fix_a.line}) at"
                f" line {line} of {source_path}; merge them into one entry",
                errata_path,
                fix_b.line,
            )
    return placed


# --- note calls an entry adds or removes -------------------------------------------------------

# The export's note markers, as clean.py reads them.
_CALL_MARK = next(rule.pattern for rule in CLEAN_RULES if rule.name == "note-call")
_BODY_MARK = next(rule.pattern for rule in CLEAN_RULES if rule.name == "note-body")


def _note_marks(text: str) -> tuple[Counter[str], Counter[str]]:
    """How often each note number is called, and how many bodies it has (numbers as digit
    strings: nothing here converts a number thousands of digits long)."""
    calls: Counter[str] = Counter()
    bodies: Counter[str] = Counter()
    for line in text.split("\n"):
        body = _BODY_MARK.match(line)
        if body:
            bodies[body.group(1).lstrip("0")] += 1
            line = line[body.end() :]
        calls.update(m.group(1).lstrip("0") for m in _CALL_MARK.finditer(line))
    return calls, bodies


def _check_notes(
    before: str, after: str, fixes: list[Fix], errata_path: Path | str, source_path: Path | str
) -> None:
    """An entry that adds, moves or removes a note marker must leave that note called once with
    one body. Checked here, so that the message names the entry: parse.py would report the
    same problem at the source line, where there is nothing to correct (issue 13 §9)."""
    touched: dict[str, Fix] = {}
    for fix in fixes:
        marks = (*_note_marks(fix.find), *_note_marks(fix.replace))
        if marks[:2] != marks[2:]:
            for number in set().union(*marks):
                touched.setdefault(number, fix)
    if not touched:
        return
    calls_before, bodies_before = _note_marks(before)
    calls, bodies = _note_marks(after)
    for number, fix in touched.items():
        state = (calls[number], bodies[number])
        if state in ((1, 1), (0, 0)) or state == (calls_before[number], bodies_before[number]):
            continue  # a sound note, or the source's own problem (parse.py reports it there)
        if calls[number] == 0:
            problem = f"removes the call of note {number}, whose body stays in {source_path}"
        elif calls[number] > 1:
            problem = f"calls note {number}, which is called elsewhere in {source_path} too"
        elif bodies[number] == 0:
            problem = f"calls note {number}, which has no body in {source_path}"
        else:
            problem = f"leaves note {number} with {bodies[number]} bodies"
        raise PipelineError(
            f"fix {fix.id!r}: {problem}; each note must be called once and have one body",
            errata_path,
            fix.line or None,
        )


def _brackets(text: str) -> list[tuple[int, int]]:
    """(start, end) of every bracket of the source, in order (note calls are not brackets)."""
    masked = _NOTE_CALL.sub(lambda m: "\0" * len(m.group()), text)
    return [(unit.start(), unit.end()) for unit in _BRACKET.finditer(masked)]


def _check_brackets(
    text: str,
    brackets: list[tuple[int, int]],
    start: int,
    end: int,
    fix: Fix,
    errata_path: Path | str,
    source_path: Path | str,
) -> None:
    """An entry's `find` takes a bracket of the source ("[Ichiro]") whole or leaves it alone:
    the words inside are an Editorial node, which holds no intervention, so marks cut into it
    would be printed as they are (found by the fuzzer: tests/test_properties.py)."""
    for edge in (start, end):
        index = bisect.bisect_right(brackets, (edge, len(text) + 1)) - 1
        if index < 0:
            continue
        a, b = brackets[index]
        if a < edge < b:
            raise PipelineError(
                f"fix {fix.id!r}: `find` cuts into the source's bracket {text[a:b]!r} (line "
                f"{_line_and_column(text, a)[0]} of {source_path}); take the whole bracket into "
                "`find` and `replace`",
                errata_path,
                fix.line or None,
            )


def apply_errata(
    text: str,
    fixes: tuple[Fix, ...],
    *,
    errata_path: Path | str = "errata.toml",
    source_path: Path | str = "source.txt",
    marked: bool = True,
) -> tuple[str, tuple[Correction, ...]]:
    """Apply every entry exactly once; return the edited text, with each entry's words wrapped
    in intervention marks (mark K is the K-th correction returned; `marked=False` leaves them
    out, for a reader of the text), and the corrections in source order, each with the source
    line and column where its `find` starts."""
    pieces: list[str] = []
    plain: list[str] = []  # the edited text without marks, to check the notes on
    corrections: list[Correction] = []
    cursor = 0
    placed = _place(text, fixes, errata_path, source_path)
    for start, end, fix in placed:
        pieces.append(text[cursor:start])
        plain += [text[cursor:start], fix.replace]
        a, b = _span(fix)
        index = len(corrections)
        if marked:
            pieces += [fix.replace[:a], intervention_open(index), fix.replace[a:b]]
            pieces += [INTERVENTION_CLOSE, fix.replace[b:]]
        else:
            pieces.append(fix.replace)
        cursor = end
        line, column = _line_and_column(text, start)
        corrections.append(
            Correction(
                id=fix.id,
                find=fix.find,
                replace=fix.replace,
                reason=fix.reason,
                note=fix.note,
                line=line,
                column=column,
                kind=fix.kind,
                category=fix.category,
                by=fix.by,
                date=fix.date,
                status=fix.status,
                reading=fix.replace[a:b],
                source_reading=_source_reading(fix, a, b),
                errata_line=fix.line,
            )
        )
    pieces.append(text[cursor:])
    plain.append(text[cursor:])
    _check_notes(text, "".join(plain), [fix for _, _, fix in placed], errata_path, source_path)
    return "".join(pieces), tuple(corrections)
