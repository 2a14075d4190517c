"""Turn a Document's metadata and structure into the values both editions print the same way.

The print and the ebook writer must agree on a session's label, the edition's title, who made
the edition and in what role, which date is the edition's and which the talks', the ids of
notes and the identifiers of both files. Each is computed here, once, by a pure function of the
model; the writers only lay the values out. (A correction's place is named with the apparatus,
in `writers/editorial.py`, which both writers import too.)

Dates: the edition's own date is when it was published (`Meta.published`, else `modified`); the
date of the talks (`Meta.date`) is the content's date, never the file's creation date.

Responsibility follows catalogue practice (RDA 19–20, MARC relator codes): the creator is the
personal author(s) named in edition.toml, else the corporate body that issued a government
record (`isb`), else the compiler (RDA I.2.1 counts compiling among the creators' relations);
everyone else contributes in a named role. A name is never invented.

This is the one module of such values: the print edition, the ebook, the TEI file and the
catalogue records all read them here.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from functools import cache

from pipeline.model import Document, Meta, Note, Session, inline_text
from pipeline.versions import version_of

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


@cache
def pipeline_version() -> str:
    """The installed version of this pipeline (pyproject.toml), or "unknown" when run from a
    copy that was never installed."""
    return version_of(PIPELINE_NAME) or "unknown"


def generator() -> str:
    """What made the files, for PDF Creator/XMP CreatorTool and the EPUB's generator."""
    return f"{PIPELINE_NAME} {pipeline_version()}"


# --- titles and labels -----------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


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
    """The HTML id of a note body (footnote or endnote): the model's id, else its number."""
    return note.id or f"note-{note.number}"


def words_anchor(correction_id: str, id_prefix: str = "") -> str:
    """The id of an errata entry's words in the print edition: the editorial note's page column
    and errata.json's page point there, not at the block, whose first page may be an earlier
    one when the block runs over a page turn (issue 14 §4)."""
    return id_prefix + "words-" + re.sub(r"[^A-Za-z0-9_.-]", "-", correction_id)


def note_call_id(note: Note) -> str:
    """The HTML id of a note's (first) call in the text."""
    return f"{note_id(note)}-call"


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
    government record is filed under the body that issued it), else the compiler, else nobody.
    """
    people: list[tuple[str, str]] = []
    authors = [name for name in map(_squash, meta.authors) if name]
    if authors:
        people += [(name, "aut") for name in authors]
    elif body := _squash(meta.issuing_body):
        people.append((body, "isb"))
    for field, role in CONTRIBUTOR_FIELDS:
        if name := _squash(getattr(meta, field)):
            people.append((name, role))
    filed = {"aut", "isb"} if any(role in ("aut", "isb") for _, role in people) else {"com"}
    seen: set[str] = set()
    unique = []
    for name, role in people:
        if name not in seen:
            seen.add(name)
            unique.append(Contributor(name, role, ROLE_LABELS[role], role in filed))
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


def print_identifier(meta: Meta, paper: str = "a4") -> str:
    """The print (PDF) edition's identifier on `paper` (a key of `context.PAPER_SIZES`),
    distinct from the EPUB's: the PDF's own `dc:identifier`, and the `pageBreakSource` the
    EPUB's page-list names. An A4 and a Letter print edition are two editions (issue 11)."""
    name = f"{IDENTIFIER_BASE}{meta.id}/print/{paper}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


@dataclass(frozen=True, slots=True)
class IdentifierScheme:
    """How an identifier of edition.toml is recognised, and what records make of it: the
    MARC 024 source code ($2), the ONIX ProductIDType (list 5; "01" is proprietary) and the
    address it resolves at (empty: the identifier itself is the link)."""

    name: str
    prefixes: tuple[str, ...]
    marc_source: str
    onix_type: str
    resolver: str
    why: str


IDENTIFIER_SCHEMES = (
    IdentifierScheme(
        "doi", ("doi:", "https://doi.org/", "http://dx.doi.org/"), "doi", "06",
        "https://doi.org/", "a DOI names the edition for good and resolves at doi.org",
    ),
    IdentifierScheme(
        "hdl", ("hdl:", "https://hdl.handle.net/"), "hdl", "01", "https://hdl.handle.net/",
        "a Handle resolves at the Handle System's proxy",
    ),
    IdentifierScheme(
        "urn", ("urn:",), "uri", "01", "",
        "a URN (urn:uuid:, urn:nbn:, the project's own) is a URI but resolves nowhere by itself",
    ),
)  # fmt: skip


def identifier_scheme(identifier: str) -> tuple[IdentifierScheme, str]:
    """The scheme of an edition's identifier and its bare value ("10.1234/x" for a DOI, the
    whole URN for a URN). A bare DOI ("10.1234/x") is recognised too."""
    text = identifier.strip()
    for scheme in IDENTIFIER_SCHEMES:
        for prefix in scheme.prefixes:
            if text.lower().startswith(prefix):
                return scheme, text if scheme.name == "urn" else text[len(prefix) :]
    if text.startswith("10.") and "/" in text:
        return IDENTIFIER_SCHEMES[0], text
    return IDENTIFIER_SCHEMES[-1], text


def identifier_uri(identifier: str) -> str:
    """The identifier as a URI a record can link to: a DOI or Handle at its resolver, a URN as
    it is."""
    scheme, value = identifier_scheme(identifier)
    return scheme.resolver + value if scheme.resolver else value
