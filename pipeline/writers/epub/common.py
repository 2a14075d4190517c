"""Turn a Document's metadata and structure into the values both editions state the same way.

The print and the ebook edition must agree on the edition's title, a session's label with its
hours, the ids of notes, who made the edition and in what role, which date is the edition's and
which the talks', and the identifiers of both files. Each is a pure function of the model here.

These are the ebook's copies of what `pipeline/writers/shared.py` gives the print edition, with
the same names and signatures, so that the two can become one module (issue 9, "Code"):
`edition_title(doc)`, `session_label(session)`, `note_id(note)`, `contributors(meta)`,
`creators(meta)`, `edition_date(meta)`, `content_date(meta)`, `epub_identifier(meta)`,
`print_identifier(meta, paper)`. A correction's place is `writers/editorial.py`'s
`correction_place`, already shared.

Dates: the edition's own date is its publication (`Meta.published`, else `modified`); the date
of the talks (`Meta.date`) is the content's date and never stands for the edition's.

Responsibility follows catalogue practice (RDA 19–20, MARC relator codes): the creator is the
personal author(s) named in edition.toml, else the corporate body that issued the record; the
translator, the editor and the compiler contribute in their roles.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from pipeline.model import Document, Meta, Note, Session, inline_text

# Stable identifiers: uuid5 of a fixed URL per document. The host is under the reserved
# `.invalid` TLD (RFC 2606): the URL only names the document, it is never fetched.
IDENTIFIER_BASE = "https://records.edition.invalid/"

PIPELINE_NAME = "edition-pipeline"  # the distribution name in pyproject.toml
FALLBACK_TITLE = "Untitled record"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- what made the files ---------------------------------------------------------------------


def pipeline_version() -> str:
    """This pipeline's installed version (pyproject.toml); "unknown" for a copy never installed."""
    try:
        return version(PIPELINE_NAME)
    except PackageNotFoundError:
        return "unknown"


def generator() -> str:
    """The name and version of what made the files, for a library's records (issue 9)."""
    return f"{PIPELINE_NAME} {pipeline_version()}"


# --- titles and labels -----------------------------------------------------------------------


def edition_title(doc: Document) -> str:
    """The edition's title: edition.toml's, else the source's title line, else the id."""
    for candidate in (doc.meta.title, doc.meta.source_title, inline_text(doc.header.title)):
        if title := _squash(candidate):
            return title
    return doc.meta.id or FALLBACK_TITLE


def session_hours(session: Session) -> str:
    """The hours of a session as the editions print them ("11:30–13:40", "13:15"), or ""."""
    time = session.time
    if not time or not time.start:
        return ""
    return f"{time.start}\u2013{time.end}" if time.end else time.start


def session_label(session: Session) -> str:
    """A session heading as plain words, for the contents, the outline and the running head.

    The heading normally carries its hours ("Morning meeting (11:30–13:40)"); if the parser has
    taken them out into `time`, they are put back so the reader still sees them.
    """
    label = _squash(inline_text(session.heading))
    hours = session_hours(session)
    if label and hours and session.time and session.time.start not in label:
        label = f"{label} ({hours})"
    return label


def note_id(note: Note) -> str:
    """The print edition's HTML id of a note body, which print page starts refer to."""
    return note.id or f"note-{note.number}"


# --- responsibility --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contributor:
    """Someone responsible for the edition: `role` is a MARC relator code, `label` its words;
    `creator` says whether catalogues file the edition under this name."""

    name: str
    role: str
    label: str
    creator: bool = False


# MARC relator code → how the editions name the role (https://id.loc.gov/vocabulary/relators).
ROLE_LABELS = {
    "aut": "Author",
    "isb": "Issuing body",
    "trl": "Translator",
    "edt": "Editor",
    "com": "Compiler",
}

# Contributors after the creator, in the order the editions list them: who turned the record
# into this language first, then who prepared this edition, then who compiled the source.
CONTRIBUTOR_FIELDS = (("translator", "trl"), ("editor", "edt"), ("compiler", "com"))


def contributors(meta: Meta) -> tuple[Contributor, ...]:
    """Everyone responsible, the creator(s) first, each name once (its first role wins).

    The creator is `meta.authors` when edition.toml names any, else `meta.issuing_body` (a
    government record is filed under the body that issued it), else nobody: a name is never
    invented.
    """
    people: list[Contributor] = []
    authors = [name for name in map(_squash, meta.authors) if name]
    if authors:
        people += [Contributor(name, "aut", ROLE_LABELS["aut"], True) for name in authors]
    elif body := _squash(meta.issuing_body):
        people.append(Contributor(body, "isb", ROLE_LABELS["isb"], True))
    for field, role in CONTRIBUTOR_FIELDS:
        if name := _squash(getattr(meta, field)):
            people.append(Contributor(name, role, ROLE_LABELS[role]))
    seen: set[str] = set()
    unique = []
    for person in people:
        if person.name not in seen:
            seen.add(person.name)
            unique.append(person)
    return tuple(unique)


def creators(meta: Meta) -> tuple[Contributor, ...]:
    """Who a catalogue files the edition under (see `contributors`); empty when unknown."""
    return tuple(person for person in contributors(meta) if person.creator)


# --- dates -----------------------------------------------------------------------------------


def edition_date(meta: Meta) -> str:
    """The edition's own date (ISO): when it was published, else last changed; "" if undated."""
    return _squash(meta.published) or _squash(meta.modified)


def content_date(meta: Meta) -> str:
    """The date of the talks (ISO), the content's date; "" if unknown."""
    return _squash(meta.date)


def spelled_date(iso: str) -> str:
    """ "1973-10-08" → "8 October 1973" (day, month, year: the house style); a year or a
    year and month alone are spelt as far as they go; anything else is returned as given."""
    parts = iso.strip().split("-")
    try:
        if len(parts) == 3:
            day = datetime.date.fromisoformat(iso.strip())
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2 and 1 <= int(parts[1]) <= 12 and len(parts[0]) == 4:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
    except ValueError:
        return iso.strip()
    return iso.strip()


# --- identifiers -----------------------------------------------------------------------------


def epub_identifier(meta: Meta) -> str:
    """The EPUB's unique identifier: the editor's own, else a uuid5 of the document id."""
    if meta.identifier.strip():
        return meta.identifier.strip()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, IDENTIFIER_BASE + meta.id)}"


def print_identifier(meta: Meta, paper: str) -> str:
    """The print (PDF) edition's identifier on `paper` (a key of `context.PAPER_SIZES`).

    An A4 and a Letter print edition paginate differently, so they are different editions with
    different identifiers; the EPUB's page-list names the one it follows (`pageBreakSource`).
    """
    name = f"{IDENTIFIER_BASE}{meta.id}/print/{paper}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"
