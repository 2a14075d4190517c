"""Turn the source text and its errata list into the corrected text and a record of each fix.

`sources/<id>/errata.toml` is an array of `[[fix]]` tables:

    [[fix]]
    id = "spheres"                                  # unique name, used in reports
    find = "economic and other spehres"             # exact source text, unique in the file
    replace = "economic and other spheres"
    reason = "typo"                                 # typo, missing word, punctuation …
    note = "optional remark for the editorial note"

`find` is matched against the source as the editor sees it in `source.txt` (after decoding
only: export junk such as `[bookmark: …]` is still there), so an entry can be written by copying
from the file. Application is strict, because every departure from the source must be declared
exactly once: an entry that matches zero times or more than once, or overlaps another entry,
stops the build with a message naming the entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from pipeline.errors import PipelineError, parse_toml
from pipeline.model import Correction

FIELDS = {"id": True, "find": True, "replace": True, "reason": True, "note": False}
"""Allowed keys of a `[[fix]]` table, and whether each is required."""


@dataclass(frozen=True, slots=True)
class Fix:
    """One declared correction as written in the errata file (`line`: its `[[fix]]` header)."""

    id: str
    find: str
    replace: str
    reason: str
    note: str = ""
    line: int = 0


def parse_errata(text: str, path: Path | str = "errata.toml") -> tuple[Fix, ...]:
    """Read and check an errata file's text; every problem names the file and the entry's line."""
    data = parse_toml(text, path)
    header_lines = [i + 1 for i, ln in enumerate(text.split("\n")) if ln.strip() == "[[fix]]"]
    unknown = sorted(set(data) - {"fix"})
    if unknown:
        raise PipelineError(
            f"unknown top-level key {unknown[0]!r}: an errata file holds only [[fix]] tables", path
        )
    entries = data.get("fix", [])
    if not isinstance(entries, list):
        raise PipelineError("`fix` must be an array of tables, written [[fix]]", path)
    fixes: list[Fix] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        line = header_lines[index] if index < len(header_lines) else None
        name = entry.get("id") if isinstance(entry, dict) else None
        label = f"fix {name!r}" if isinstance(name, str) and name else f"fix #{index + 1}"
        if not isinstance(entry, dict):
            raise PipelineError(f"{label}: must be a table", path, line)
        for key in entry:
            if key not in FIELDS:
                raise PipelineError(
                    f"{label}: unknown key {key!r} (allowed: {', '.join(FIELDS)})", path, line
                )
        for key, required in FIELDS.items():
            value = entry.get(key)
            if value is None:
                if required:
                    raise PipelineError(f"{label}: missing key {key!r}", path, line)
                continue
            if not isinstance(value, str):
                raise PipelineError(f"{label}: {key!r} must be a string", path, line)
            if key in ("id", "find", "reason") and not value.strip():
                raise PipelineError(f"{label}: {key!r} must not be empty", path, line)
            if key in ("find", "replace") and "\n" in value:
                # A paragraph is one line of the source; keeping line counts stable keeps
                # every later message pointing at the right line.
                raise PipelineError(f"{label}: {key!r} must not span lines", path, line)
        if entry["find"] == entry["replace"]:
            raise PipelineError(f"{label}: `replace` is the same as `find`", path, line)
        if entry["id"] in seen:
            raise PipelineError(
                f"{label}: id already used by the entry at line {seen[entry['id']]}", path, line
            )
        seen[entry["id"]] = line or 0
        fixes.append(
            Fix(
                id=entry["id"],
                find=entry["find"],
                replace=entry["replace"],
                reason=entry["reason"],
                note=entry.get("note", ""),
                line=line or 0,
            )
        )
    return tuple(fixes)


def load_errata(path: Path) -> tuple[Fix, ...]:
    """The fixes declared in `path`; none when the file does not exist."""
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PipelineError(f"cannot read errata: {error}", path) from None
    return parse_errata(text, path)


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


def apply_errata(
    text: str,
    fixes: tuple[Fix, ...],
    *,
    errata_path: Path | str = "errata.toml",
    source_path: Path | str = "source.txt",
) -> tuple[str, tuple[Correction, ...]]:
    """Apply every fix exactly once; return the corrected text and the corrections in source
    order, each with the source line and column where it falls."""
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
    for (_, end_a, fix_a), (start_b, _, fix_b) in pairwise(placed):
        if start_b < end_a:
            line = _line_and_column(text, start_b)[0]
            raise PipelineError(
                f"fix {fix_b.id!r} overlaps fix {fix_a.id!r} (entry at line {fix_a.line}) at"
                f" line {line} of {source_path}; merge them into one entry",
                errata_path,
                fix_b.line,
            )
    pieces: list[str] = []
    corrections: list[Correction] = []
    cursor = 0
    for start, end, fix in placed:
        pieces.append(text[cursor:start])
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
            )
        )
    pieces.append(text[cursor:])
    return "".join(pieces), tuple(corrections)
