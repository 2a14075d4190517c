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
record (`isb`), else the compiler; everyone else contributes in a named role.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from pipeline.model import Document, Meta, Note, Session, inline_text

# Stable identifiers: uuid5 of a fixed URL per document. The host is under the reserved
# `.invalid` TLD (RFC 2606): the URL only names the document, it is never fetched.
IDENTIFIER_BASE = "https://records.edition.invalid/"

PIPELINE_NAME = "edition-pipeline"
FALLBACK_TITLE = "Untitled record"


def pipeline_version() -> str:
    """The installed version of this pipeline (pyproject.toml), or "unknown" when run from a
    copy that was never installed."""
    try:
        return version(PIPELINE_NAME)
    except PackageNotFoundError:
        return "unknown"


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


def session_label(session: Session) -> str:
    """A session heading as plain words, for the outline, the running head and the notes.

    The heading normally carries its hours ("Morning meeting (11:30–13:40)"); if the parser has
    taken them out into `time`, they are put back so the reader still sees them.
    """
    label = _squash(inline_text(session.heading))
    time = session.time
    if label and time and time.start and time.start not in label:
        hours = f"{time.start}\u2013{time.end}" if time.end else time.start
        label = f"{label} ({hours})"
    return label


def note_id(note: Note) -> str:
    """The HTML id of a note body (footnote or endnote): the model's id, else its number."""
    return note.id or f"note-{note.number}"


def note_call_id(note: Note) -> str:
    """The HTML id of a note's (first) call in the text."""
    return f"{note_id(note)}-call"


# --- responsibility --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Contributor:
    """Someone responsible for the edition: `role` is a MARC relator code, `label` its words."""

    name: str
    role: str
    label: str


ROLE_LABELS = {
    "aut": "Author",
    "isb": "Issuing body",
    "com": "Compiler",
    "trl": "Translator",
    "edt": "Editor",
}

# After the creator, in the order the EPUB's metadata has always listed them.
CONTRIBUTOR_FIELDS = (("translator", "trl"), ("compiler", "com"), ("editor", "edt"))


def contributors(meta: Meta) -> tuple[Contributor, ...]:
    """Everyone responsible, creator(s) first, each name once (its first role wins)."""
    people: list[tuple[str, str]] = []
    authors = [a for a in map(_squash, meta.authors) if a]
    if authors:
        people += [(name, "aut") for name in authors]
    elif _squash(meta.issuing_body):
        people.append((_squash(meta.issuing_body), "isb"))
    for field, role in CONTRIBUTOR_FIELDS:
        if name := _squash(getattr(meta, field)):
            people.append((name, role))
    seen: set[str] = set()
    result = []
    for name, role in people:
        if name not in seen:
            seen.add(name)
            result.append(Contributor(name, role, ROLE_LABELS[role]))
    return tuple(result)


def creators(meta: Meta) -> tuple[Contributor, ...]:
    """Who a catalogue files the edition under: the authors, else the issuing body, else (for a
    compilation without either) the compiler. Empty when the record names none of them."""
    people = contributors(meta)
    main = tuple(c for c in people if c.role in ("aut", "isb"))
    return main or tuple(c for c in people if c.role == "com")[:1]


# --- dates -----------------------------------------------------------------------------------


def edition_date(meta: Meta) -> str:
    """The edition's own date (ISO): when it was published, else last changed; "" if unknown."""
    return (meta.published or meta.modified).strip()


def content_date(meta: Meta) -> str:
    """The date of the talks (ISO), the content's date: "" if unknown."""
    return meta.date.strip()


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
