"""Turn a TOML file's text into its tables, checked against a schema, each problem at its line.

`edition.toml` (`metadata.py`) and a packet file (`packet/spec.py`) are read the same way.
Every section and key must be known, because a misspelt key would otherwise be silently
ignored. Every value must have its kind. No value may hold a character the built files cannot
hold, or one of the pipeline's private-use tokens (`stages/tokens.py`): nothing cleans these
files, so their values reach the XHTML and the PDF metadata as they are.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError, parse_toml
from pipeline.stages.read import character_name, xml_unfit
from pipeline.stages.tokens import RESERVED, RESERVED_RANGE

# The kinds a schema names, in the words an error message gives them.
TEXT, TEXTS, TABLE, NUMBER, BOOL = (
    "text",
    "list of text",
    "table of text",
    "a whole number",
    "true or false",
)

Schema = dict[str, dict[str, str]]  # section → key → kind


def section_line(text: str, section: str) -> int | None:
    """The line (1-based) of the `[section]` header, as TOML allows it to be written
    ("[ document ]  # the book")."""
    header = re.compile(rf"""^\s*\[\s*["']?{re.escape(section)}["']?\s*\]\s*(?:#.*)?$""")
    for number, line in enumerate(text.split("\n"), start=1):
        if header.match(line):
            return number
    return None


def line_of(text: str, key: str, section: str | None = None) -> int | None:
    """The line (1-based) where `key = …` is set, after the `[section]` header if given."""
    lines = text.split("\n")
    start = (section_line(text, section) or 1) - 1 if section else 0
    for i in range(start, len(lines)):
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return None


def typed(value: Any, kind: str) -> Any:
    """`value` as the kind holds it (a date as ISO text, a list as a tuple), or None."""
    if kind == NUMBER:
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == BOOL:
        return value if isinstance(value, bool) else None
    if kind == TEXT:
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value if isinstance(value, str) else None
    if kind == TEXTS:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return tuple(value) if ok else None
    ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    return tuple(value.items()) if ok else None


def check_characters(
    value: Any, what: str, holder: str, path: Path | str, line: int | None
) -> None:
    """Refuse a value holding a character `holder` ("the editions") cannot hold, or one of the
    pipeline's tokens, which text stages and writers would read as its own marks."""
    texts = [value] if isinstance(value, str) else [] if isinstance(value, int) else value
    for text in texts:
        for part in text if isinstance(text, tuple) else (text,):
            if found := xml_unfit(part):
                raise PipelineError(
                    f"{what} holds {character_name(found.group())}, a character {holder} "
                    "cannot hold; remove it",
                    path,
                    line,
                )
            if found := RESERVED.search(part):
                raise PipelineError(
                    f"{what} holds U+{ord(found.group()):04X}, one of the private-use "
                    f"characters {RESERVED_RANGE} the pipeline reserves for its own marks; "
                    "remove it",
                    path,
                    line,
                )


def checked_tables(
    text: str, path: Path | str, schema: Schema, holder: str
) -> dict[str, dict[str, Any]]:
    """The file's tables, each value checked and typed (see the module docstring)."""
    data = parse_toml(text, path)
    values: dict[str, dict[str, Any]] = {}
    for section, table in data.items():
        if section not in schema:
            raise PipelineError(
                f"unknown section [{section}] (allowed: {', '.join(schema)})",
                path,
                section_line(text, section) or line_of(text, section),
            )
        if not isinstance(table, dict):
            raise PipelineError(f"{section!r} must be a [{section}] table", path)
        values[section] = {}
        for key, value in table.items():
            kind = schema[section].get(key)
            line = line_of(text, key, section)
            if kind is None:
                raise PipelineError(
                    f"unknown key {key!r} in [{section}] (allowed: {', '.join(schema[section])})",
                    path,
                    line,
                )
            checked = typed(value, kind)
            if checked is None:
                raise PipelineError(f"[{section}] {key} must be {kind}", path, line)
            check_characters(checked, f"[{section}] {key}", holder, path, line)
            values[section][key] = checked
    return values
