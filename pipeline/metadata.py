"""Turn a document's `edition.toml` into its metadata and build settings, strictly.

    [document]   title, subtitle, date (ISO), language (BCP 47, e.g. "en-GB"), authors,
                 translator, compiler, editor, publisher, rights, identifier, description,
                 subjects, modified (ISO date of this edition's last change), published
                 (ISO date of its publication; default: modified), issuing_body (the
                 corporate body that issued the record), accessibility_certifier and
                 accessibility_report (who evaluated the EPUB's accessibility, and the
                 address of their report; unset, the EPUB says it is a self-evaluation),
                 places (the names of places among the subjects' headings: a catalogue
                 files "Japan – Foreign relations – Soviet Union" as a geographic heading)
    [source]     archive, citation, url, encoding (default "utf-8"), language (of the
                 original, when the record is a translation)
    [print]      paper ("a4" | "letter"), long_notes ("fail" | "endnotes"), paragraph_numbers
                 (true: the citation numbers in the outer margin and in the EPUB)
    [parse]      headings, speakers, not_speakers (lists), aliases (table: label → speaker)
    [limits]     record_characters, paragraph_characters, word_characters,
                 title_characters, text_lines, notes, note_number, errata_entries (whole numbers;
                 see limits.py)

Every key is optional; an unknown key or a value of the wrong type is an error naming the file
and line, because a misspelt key would otherwise be silently ignored. So is a value the editions
cannot hold (a control character in the title), a date that does not exist, or an encoding that
is not a text file's (issue 13 §7).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.context import LONG_NOTE_POLICIES, PAPER_SIZES, ParseHints, Settings
from pipeline.errors import PipelineError, parse_toml
from pipeline.limits import LIMITS, check_title, check_value, limits_from
from pipeline.model import Meta
from pipeline.stages.read import character_name, encoding_problem, xml_unfit
from pipeline.stages.tokens import RESERVED, RESERVED_RANGE

STR, LIST, TABLE, NUMBER = "text", "list of text", "table of text", "a whole number"
BOOL = "true or false"

SCHEMA: dict[str, dict[str, str]] = {
    "document": {
        "title": STR,
        "subtitle": STR,
        "date": STR,
        "language": STR,
        "authors": LIST,
        "translator": STR,
        "compiler": STR,
        "editor": STR,
        "publisher": STR,
        "rights": STR,
        "identifier": STR,
        "description": STR,
        "subjects": LIST,
        "modified": STR,
        "published": STR,
        "issuing_body": STR,
        "accessibility_certifier": STR,
        "accessibility_report": STR,
        "places": LIST,
    },
    "source": {"archive": STR, "citation": STR, "url": STR, "encoding": STR, "language": STR},
    "print": {"paper": STR, "long_notes": STR, "paragraph_numbers": BOOL},
    "parse": {"headings": LIST, "speakers": LIST, "not_speakers": LIST, "aliases": TABLE},
    "limits": {limit.name: NUMBER for limit in LIMITS},
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A BCP 47 language tag ("en-GB"); the EPUB writer checks its input with the same pattern.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _is_calendar_date(value: str) -> bool:
    """ "1973-10-08" yes; "1973-02-30" no (the pattern alone would let it through)."""
    if not _ISO_DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_characters(value: Any, what: str, path: Path | str, line: int | None) -> None:
    """Refuse a value holding a character the editions cannot hold (read.py's table) or one of
    the pipeline's tokens: it would reach the XHTML and PDF metadata as it is, since nothing
    cleans edition.toml."""
    texts = [value] if isinstance(value, str) else [] if isinstance(value, int) else value
    for text in texts:
        for part in text if isinstance(text, tuple) else (text,):
            if found := xml_unfit(part):
                raise PipelineError(
                    f"{what} holds {character_name(found.group())}, a character the editions "
                    "cannot hold; remove it",
                    path,
                    line,
                )
            # The title, the hints and the rest meet text stages and writers that read these
            # characters as note calls and interventions (found by the fuzzer).
            if found := RESERVED.search(part):
                raise PipelineError(
                    f"{what} holds U+{ord(found.group()):04X}, one of the private-use "
                    f"characters {RESERVED_RANGE} the pipeline reserves for its own marks; "
                    "remove it",
                    path,
                    line,
                )


@dataclass(frozen=True, slots=True)
class EditionFile:
    """What edition.toml says: metadata fields given (by Meta field name) and build settings."""

    meta: dict[str, Any] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)


def _line_of(text: str, key: str, section: str | None = None) -> int | None:
    lines = text.split("\n")
    start = 0
    if section:
        for i, line in enumerate(lines):
            # As TOML allows a header to be written: "[ document ]  # the book".
            if re.match(rf"""^\s*\[\s*["']?{section}["']?\s*\]\s*(?:#.*)?$""", line):
                start = i
                break
    for i in range(start, len(lines)):
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return None


def _check(value: Any, kind: str) -> Any:
    if kind == NUMBER:
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if kind == BOOL:
        return value if isinstance(value, bool) else None
    if kind == STR:
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value if isinstance(value, str) else None
    if kind == LIST:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return tuple(value) if ok else None
    ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    return tuple(value.items()) if ok else None


def parse_edition(text: str, path: Path | str = "edition.toml") -> EditionFile:
    data = parse_toml(text, path)
    values: dict[str, dict[str, Any]] = {}
    for section, table in data.items():
        if section not in SCHEMA:
            raise PipelineError(
                f"unknown section [{section}] (allowed: {', '.join(SCHEMA)})",
                path,
                _line_of(text, f"[{section}]") or _line_of(text, section),
            )
        if not isinstance(table, dict):
            raise PipelineError(f"{section!r} must be a [{section}] table", path)
        values[section] = {}
        for key, value in table.items():
            kind = SCHEMA[section].get(key)
            line = _line_of(text, key, section)
            if kind is None:
                raise PipelineError(
                    f"unknown key {key!r} in [{section}] (allowed: {', '.join(SCHEMA[section])})",
                    path,
                    line,
                )
            checked = _check(value, kind)
            if checked is None:
                raise PipelineError(f"[{section}] {key} must be {kind}", path, line)
            _check_characters(checked, f"[{section}] {key}", path, line)
            values[section][key] = checked

    document = values.get("document", {})
    for key in ("date", "modified", "published"):
        if key in document and document[key] and not _is_calendar_date(document[key]):
            raise PipelineError(
                f"[document] {key} must be an ISO date like 1973-10-08 that exists"
                f" (got {document[key]!r})",
                path,
                _line_of(text, key, "document"),
            )
    report = document.get("accessibility_report", "")
    if report and not re.match(r"https?://\S+$", report):
        raise PipelineError(
            "[document] accessibility_report must be the web address (https://…) of the report",
            path,
            _line_of(text, "accessibility_report", "document"),
        )
    for section, table in (("document", document), ("source", values.get("source", {}))):
        if "language" in table and not LANGUAGE_TAG.fullmatch(table["language"]):
            raise PipelineError(
                f"[{section}] language must be a language tag like en-GB",
                path,
                _line_of(text, "language", section),
            )
    printing = values.get("print", {})
    if printing.get("paper", "a4") not in PAPER_SIZES:
        raise PipelineError(
            f"[print] paper must be one of {', '.join(PAPER_SIZES)}",
            path,
            _line_of(text, "paper", "print"),
        )
    if printing.get("long_notes", "fail") not in LONG_NOTE_POLICIES:
        raise PipelineError(
            f"[print] long_notes must be one of {', '.join(LONG_NOTE_POLICIES)}",
            path,
            _line_of(text, "long_notes", "print"),
        )
    source = values.get("source", {})
    if "encoding" in source and (problem := encoding_problem(source["encoding"])):
        line = _line_of(text, "encoding", "source")
        raise PipelineError(f"[source] encoding: {problem}", path, line)
    limits = values.get("limits", {})
    for key, value in limits.items():
        if problem := check_value(key, value):
            raise PipelineError(problem, path, _line_of(text, key, "limits"))
    for key in ("title", "subtitle"):
        line = _line_of(text, key, "document")
        check_title(document.get(key, ""), path, line, limits_from(limits), f"[document] {key}")
    parse = values.get("parse", {})
    settings = Settings(
        paper=printing.get("paper", "a4"),
        long_notes=printing.get("long_notes", "fail"),
        paragraph_numbers=printing.get("paragraph_numbers", False),
        encoding=source.get("encoding", "utf-8"),
        hints=ParseHints(
            headings=parse.get("headings", ()),
            speakers=parse.get("speakers", ()),
            not_speakers=parse.get("not_speakers", ()),
            aliases=parse.get("aliases", ()),
        ),
        limits=limits_from(limits),
    )
    meta = dict(document)
    renamed = (
        ("archive", "archive"),
        ("citation", "citation"),
        ("url", "source_url"),
        ("language", "original_language"),
    )
    for key, meta_key in renamed:
        if key in source:
            meta[meta_key] = source[key]
    return EditionFile(meta=meta, settings=settings)


def load_edition(path: Path | None) -> EditionFile:
    if path is None or not path.exists():
        return EditionFile()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PipelineError(f"cannot read edition settings: {error}", path) from None
    return parse_edition(text, path)


_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "between",
    ]
)


def title_case(text: str) -> str:
    """ "RECORD OF U.S.-POLISH TALKS" → "Record of U.S.-Polish Talks" (for a title in capitals)."""
    if any(c.islower() for c in text):
        return text

    def word(w: str, first: bool) -> str:
        if "." in w.split("-")[0]:
            head, _, tail = w.partition("-")
            return head + ("-" + "-".join(p.capitalize() for p in tail.split("-")) if tail else "")
        if not first and w.lower() in _SMALL_WORDS:
            return w.lower()
        return "-".join(p.capitalize() for p in w.split("-"))

    return " ".join(word(w, i == 0) for i, w in enumerate(text.split()))


def merge_meta(inferred: Meta, given: dict[str, Any], document_id: str) -> Meta:
    """edition.toml wins; what it leaves out comes from the text; the rest stays empty."""
    meta = replace(inferred, id=document_id, title=title_case(inferred.title))
    meta = replace(meta, **given)
    # An edition is published when it is last changed unless edition.toml says otherwise.
    return meta if meta.published else replace(meta, published=meta.modified)
