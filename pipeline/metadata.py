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
from pipeline.errors import PipelineError
from pipeline.limits import LIMITS, check_title, check_value, limits_from
from pipeline.model import Meta
from pipeline.stages.read import encoding_problem
from pipeline.toml_tables import BOOL, NUMBER, TABLE, TEXT, TEXTS, checked_tables, line_of

SCHEMA: dict[str, dict[str, str]] = {
    "document": {
        "title": TEXT,
        "subtitle": TEXT,
        "date": TEXT,
        "language": TEXT,
        "authors": TEXTS,
        "translator": TEXT,
        "compiler": TEXT,
        "editor": TEXT,
        "publisher": TEXT,
        "rights": TEXT,
        "identifier": TEXT,
        "description": TEXT,
        "subjects": TEXTS,
        "modified": TEXT,
        "published": TEXT,
        "issuing_body": TEXT,
        "accessibility_certifier": TEXT,
        "accessibility_report": TEXT,
        "places": TEXTS,
    },
    "source": {"archive": TEXT, "citation": TEXT, "url": TEXT, "encoding": TEXT, "language": TEXT},
    "print": {"paper": TEXT, "long_notes": TEXT, "paragraph_numbers": BOOL},
    "parse": {"headings": TEXTS, "speakers": TEXTS, "not_speakers": TEXTS, "aliases": TABLE},
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


@dataclass(frozen=True, slots=True)
class EditionFile:
    """What edition.toml says: metadata fields given (by Meta field name) and build settings."""

    meta: dict[str, Any] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)


def parse_edition(text: str, path: Path | str = "edition.toml") -> EditionFile:
    values = checked_tables(text, path, SCHEMA, "the editions")

    document = values.get("document", {})
    for key in ("date", "modified", "published"):
        if key in document and document[key] and not _is_calendar_date(document[key]):
            raise PipelineError(
                f"[document] {key} must be an ISO date like 1973-10-08 that exists"
                f" (got {document[key]!r})",
                path,
                line_of(text, key, "document"),
            )
    report = document.get("accessibility_report", "")
    if report and not re.match(r"https?://\S+$", report):
        raise PipelineError(
            "[document] accessibility_report must be the web address (https://…) of the report",
            path,
            line_of(text, "accessibility_report", "document"),
        )
    for section, table in (("document", document), ("source", values.get("source", {}))):
        if "language" in table and not LANGUAGE_TAG.fullmatch(table["language"]):
            raise PipelineError(
                f"[{section}] language must be a language tag like en-GB",
                path,
                line_of(text, "language", section),
            )
    printing = values.get("print", {})
    if printing.get("paper", "a4") not in PAPER_SIZES:
        raise PipelineError(
            f"[print] paper must be one of {', '.join(PAPER_SIZES)}",
            path,
            line_of(text, "paper", "print"),
        )
    if printing.get("long_notes", "fail") not in LONG_NOTE_POLICIES:
        raise PipelineError(
            f"[print] long_notes must be one of {', '.join(LONG_NOTE_POLICIES)}",
            path,
            line_of(text, "long_notes", "print"),
        )
    source = values.get("source", {})
    if "encoding" in source and (problem := encoding_problem(source["encoding"])):
        line = line_of(text, "encoding", "source")
        raise PipelineError(f"[source] encoding: {problem}", path, line)
    limits = values.get("limits", {})
    for key, value in limits.items():
        if problem := check_value(key, value):
            raise PipelineError(problem, path, line_of(text, key, "limits"))
    for key in ("title", "subtitle"):
        line = line_of(text, key, "document")
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
