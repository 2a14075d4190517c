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

from pipeline.errors import PipelineError
from pipeline.metadata import LANGUAGE_TAG
from pipeline.toml_tables import BOOL, TEXT, TEXTS, checked_tables, line_of

# Each key with its type; `REQUIRED` the keys a packet cannot do without.
SCHEMA: dict[str, dict[str, str]] = {
    "packet": {
        "title": TEXT,
        "short_title": TEXT,
        "course": TEXT,
        "term": TEXT,
        "instructor": TEXT,
        "date": TEXT,
        "language": TEXT,
        "introduction": TEXT,
        "documents": TEXTS,
        "sources": TEXT,
        "paper": TEXT,
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


def _values(text: str, path: Path) -> dict[str, dict[str, Any]]:
    values = checked_tables(text, path, SCHEMA, "the packet")
    for table in values.values():
        for key, value in table.items():
            if isinstance(value, str):
                table[key] = " ".join(value.split())
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
