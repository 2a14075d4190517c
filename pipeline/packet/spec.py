"""Turn a packet file (`packets/<name>.toml`) into a checked PacketSpec, strictly.

    [packet]    title, short_title (the running head; default: title), course, term,
                instructor, date (ISO: the packet's own date, for its metadata; never the
                clock), language (default "en"), introduction (a .md or .txt file beside the
                packet file), documents (ids of folders under `sources`, in reading order),
                sources (the folder holding them; default: ../sources from the packet file),
                paper ("a4" | "letter" | "a5" | "half-letter")
    [options]   duplex (each document opens on a right-hand page; default true),
                paragraph_numbers (in the outer margin; default true), annotation (a wide
                outer margin and extra leading for the students' notes; default false)

Every problem (an unknown key, a value of the wrong type, a document, introduction or paper
that does not exist) is a PipelineError at its line of the packet file, before anything is
built, so a packet that names something missing writes nothing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError, parse_toml
from pipeline.metadata import LANGUAGE_TAG
from pipeline.stages.read import character_name, xml_unfit

STR, LIST, BOOL = "text", "a list of text", "true or false"

# Each key with its type; `REQUIRED` the keys a packet cannot do without.
SCHEMA: dict[str, dict[str, str]] = {
    "packet": {
        "title": STR,
        "short_title": STR,
        "course": STR,
        "term": STR,
        "instructor": STR,
        "date": STR,
        "language": STR,
        "introduction": STR,
        "documents": LIST,
        "sources": STR,
        "paper": STR,
    },
    "options": {"duplex": BOOL, "paragraph_numbers": BOOL, "annotation": BOOL},
}
REQUIRED = ("title", "documents")

# The papers a packet is printed on: the two of the editions and their halves, which a
# booklet imposes two-up on the full sheet (booklet.py).
PAPERS = ("a4", "letter", "a5", "half-letter")
INTRODUCTION_SUFFIXES = (".md", ".txt")


@dataclass(frozen=True, slots=True)
class Options:
    """How the packet is set: for double-sided printing, with citation numbers, for notes."""

    duplex: bool = True
    paragraph_numbers: bool = True
    annotation: bool = False


@dataclass(frozen=True, slots=True)
class PacketSpec:
    """A checked packet file: every path exists and every value has its type."""

    name: str  # the file's stem: output/packets/<name>.pdf
    path: Path
    title: str
    short_title: str
    course: str
    term: str
    instructor: str
    date: str
    language: str
    introduction: Path | None
    documents: tuple[Path, ...]  # document folders, in order
    paper: str
    options: Options


def line_of(text: str, key: str, section: str | None = None) -> int | None:
    """The line (1-based) where `key = …` is set, in `[section]` if given."""
    lines = text.split("\n")
    start = 0
    if section:
        start = next((i for i, line in enumerate(lines) if line.strip() == f"[{section}]"), 0)
    for i in range(start, len(lines)):
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return None


def line_of_item(text: str, key: str, item: str, occurrence: int = 1) -> int | None:
    """The line holding the `occurrence`-th `item` quoted in the value of `key` (a list may
    span lines)."""
    start = line_of(text, key) or 1
    quoted = re.compile(r"""(["'])""" + re.escape(item) + r"\1")
    seen = 0
    for number, line in enumerate(text.split("\n")[start - 1 :], start=start):
        seen += len(quoted.findall(line))
        if seen >= occurrence:
            return number
    return start


def section_line(text: str, section: str) -> int | None:
    """The line of the `[section]` header."""
    for number, line in enumerate(text.split("\n"), start=1):
        if re.fullmatch(rf"\s*\[\s*{re.escape(section)}\s*\]\s*(#.*)?", line):
            return number
    return None


def _typed(value: Any, kind: str) -> Any:
    if kind == BOOL:
        return value if isinstance(value, bool) else None
    if kind == LIST:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return tuple(value) if ok else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value if isinstance(value, str) else None


def _values(text: str, path: Path) -> dict[str, dict[str, Any]]:
    data = parse_toml(text, path)
    values: dict[str, dict[str, Any]] = {}
    for section, table in data.items():
        if section not in SCHEMA:
            raise PipelineError(
                f"unknown section [{section}] (allowed: {', '.join(SCHEMA)})",
                path,
                section_line(text, section) or line_of(text, section),
            )
        if not isinstance(table, dict):
            raise PipelineError(f"{section!r} must be a [{section}] table", path)
        values[section] = {}
        for key, value in table.items():
            kind = SCHEMA[section].get(key)
            line = line_of(text, key, section)
            if kind is None:
                raise PipelineError(
                    f"unknown key {key!r} in [{section}] (allowed: {', '.join(SCHEMA[section])})",
                    path,
                    line,
                )
            checked = _typed(value, kind)
            if checked is None:
                raise PipelineError(f"[{section}] {key} must be {kind}", path, line)
            for part in checked if isinstance(checked, tuple) else (checked,):
                if isinstance(part, str) and (found := xml_unfit(part)):
                    raise PipelineError(
                        f"[{section}] {key} holds {character_name(found.group())}, a character "
                        "the packet cannot hold; remove it",
                        path,
                        line,
                    )
            values[section][key] = " ".join(checked.split()) if kind == STR else checked
    return values


def _documents(text: str, path: Path, packet: dict[str, Any]) -> tuple[Path, ...]:
    sources = path.parent / packet.get("sources", "../sources")
    if not sources.is_dir():
        raise PipelineError(
            f"[packet] sources: no folder {sources}", path, line_of(text, "sources", "packet")
        )
    ids = packet["documents"]
    if not ids:
        raise PipelineError(
            "[packet] documents is empty: name at least one document",
            path,
            line_of(text, "documents"),
        )
    found = []
    seen: set[str] = set()
    for document in ids:
        line = line_of_item(text, "documents", document, 2 if document in seen else 1)
        folder = sources / document
        if document in seen:
            raise PipelineError(f"document {document!r} is named twice", path, line)
        seen.add(document)
        if "/" in document or document in (".", "..") or not (folder / "source.txt").is_file():
            known = sorted(p.name for p in sources.iterdir() if (p / "source.txt").is_file())
            raise PipelineError(
                f"no document {document!r} under {sources} (known: {', '.join(known) or 'none'})",
                path,
                line,
            )
        found.append(folder)
    return tuple(found)


def _introduction(text: str, path: Path, packet: dict[str, Any]) -> Path | None:
    name = packet.get("introduction", "")
    if not name:
        return None
    line = line_of(text, "introduction", "packet")
    intro = path.parent / name
    if intro.suffix not in INTRODUCTION_SUFFIXES:
        raise PipelineError(
            f"[packet] introduction must be a Markdown (.md) or plain-text (.txt) file, "
            f"not {name!r}",
            path,
            line,
        )
    if not intro.is_file():
        raise PipelineError(
            f"[packet] introduction: no file {name!r} beside {path.name}", path, line
        )
    return intro


def parse_packet(text: str, path: Path) -> PacketSpec:
    """The checked packet of the packet file's `text` (read from `path`, which locates the
    documents and the introduction)."""
    values = _values(text, path)
    packet = values.get("packet", {})
    for key in REQUIRED:
        if not packet.get(key):
            raise PipelineError(f"[packet] {key} is required", path, line_of(text, key) or 1)
    paper = packet.get("paper", "a4")
    if paper not in PAPERS:
        raise PipelineError(
            f"[packet] paper must be one of {', '.join(PAPERS)} (got {paper!r})",
            path,
            line_of(text, "paper", "packet"),
        )
    date = packet.get("date", "")
    if date and not _is_date(date):
        raise PipelineError(
            f"[packet] date must be an ISO date like 2027-01-15 that exists (got {date!r})",
            path,
            line_of(text, "date", "packet"),
        )
    language = packet.get("language", "en")
    if not LANGUAGE_TAG.fullmatch(language):
        raise PipelineError(
            "[packet] language must be a language tag like en-GB",
            path,
            line_of(text, "language", "packet"),
        )
    return PacketSpec(
        name=path.stem,
        path=path,
        title=packet["title"],
        short_title=packet.get("short_title") or packet["title"],
        course=packet.get("course", ""),
        term=packet.get("term", ""),
        instructor=packet.get("instructor", ""),
        date=date,
        language=language,
        introduction=_introduction(text, path, packet),
        documents=_documents(text, path, packet),
        paper=paper,
        options=Options(**values.get("options", {})),
    )


def _is_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def read_packet(path: Path) -> PacketSpec:
    """Read and check a packet file; a file that cannot be read is a PipelineError too."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise PipelineError(f"cannot read the packet file: {error.strerror}", path) from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise PipelineError("the packet file is not UTF-8 text", path, line) from None
    return parse_packet(text.replace("\r\n", "\n"), path)
