"""Turn a finished Document and its built files into what a catalogue needs, checked.

A library record needs a title, the edition's date and the talks' date, a language it can code
and a rights statement. The editions already state these the same way (`writers/shared.py`);
here they are gathered once into an `Entry`, which every record module (MARC, ONIX, OPDS) reads,
so all of them say the same. A document lacking one of them stops the release with a message
naming the document and the `edition.toml` field to fill in, never a record with a hole.

Two editions per document: the EPUB and the print PDF on the document's paper, each with its
own identifier (`shared.epub_identifier`, `shared.print_identifier`). The archival PDF/UA file
is the print edition in another file format (same pages, same identifier).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.context import Context
from pipeline.errors import PipelineError
from pipeline.model import Document, Meta
from pipeline.writers.shared import (
    Contributor,
    content_date,
    contributors,
    creators,
    edition_date,
    epub_identifier,
    print_identifier,
)


@dataclass(frozen=True, slots=True)
class Language:
    """A language the records can code: BCP 47 primary subtag → MARC (ISO 639-2/B) code."""

    tag: str
    marc: str
    name: str


# The languages of the records of talks we publish or are likely to (FRUS: English originals;
# translations from the languages of the other side). ISO 639-2/B, as MARC 008/041 ask.
LANGUAGES = {
    language.tag: language
    for language in (
        Language("en", "eng", "English"),
        Language("ru", "rus", "Russian"),
        Language("ja", "jpn", "Japanese"),
        Language("pl", "pol", "Polish"),
        Language("es", "spa", "Spanish"),
        Language("fr", "fre", "French"),
        Language("de", "ger", "German"),
        Language("zh", "chi", "Chinese"),
        Language("ar", "ara", "Arabic"),
        Language("it", "ita", "Italian"),
        Language("pt", "por", "Portuguese"),
        Language("vi", "vie", "Vietnamese"),
        Language("ko", "kor", "Korean"),
        Language("he", "heb", "Hebrew"),
        Language("fa", "per", "Persian"),
        Language("tr", "tur", "Turkish"),
        Language("el", "gre", "Greek"),
        Language("cs", "cze", "Czech"),
        Language("ro", "rum", "Romanian"),
        Language("hu", "hun", "Hungarian"),
    )
}


@dataclass(frozen=True, slots=True)
class Need:
    """Something a catalogue record cannot do without, and the edition.toml field that gives it."""

    name: str
    field: str
    why: str


NEEDS = (
    Need("title", "[document] title", "MARC 245, ONIX TitleDetail and the feeds' title"),
    Need("published", "[document] published (or modified)", "the edition's date: MARC 264/008"),
    Need("date", "[document] date", "the talks' date: MARC 033/045/518"),
    Need("language", "[document] language", "MARC 008/041 and ONIX need a coded language"),
    Need("rights", "[document] rights", "MARC 540, the feeds' rights: a library must know it"),
)


@dataclass(frozen=True, slots=True)
class Manifestation:
    """One edition as a file of the release: `path` is relative to the release's payload."""

    kind: str  # "epub" or "print"
    label: str
    identifier: str
    path: str
    media_type: str
    format_name: str  # the RDA file-type word for MARC 347 $b


@dataclass(frozen=True, slots=True)
class Entry:
    """Everything the records say about one document's editions."""

    id: str
    title: str
    subtitle: str
    creators: tuple[Contributor, ...]
    contributors: tuple[Contributor, ...]
    language: Language
    language_tag: str  # the BCP 47 tag the editions carry ("en-GB")
    original_language: Language | None
    published: str
    modified: str
    content_date: str
    rights: str
    publisher: str
    description: str
    subjects: tuple[str, ...]
    places: tuple[str, ...]
    archive: str
    citation: str
    source_url: str
    paper: str
    pages: int
    epub: Manifestation
    print: Manifestation
    archival: str
    cover: str
    thumbnail: str
    cover_size: tuple[int, int] = (0, 0)
    thumbnail_size: tuple[int, int] = (0, 0)
    base_url: str = ""  # where the release's data/ folder is served; "" keeps paths relative

    @property
    def editions(self) -> tuple[Manifestation, Manifestation]:
        return (self.epub, self.print)

    def url(self, path: str) -> str:
        """A file of the release as the records link it: its address under `base_url`, or
        its path inside the payload when the release has no address yet."""
        return self.base_url + path


def checked_base_url(value: str) -> str:
    """The address a release will be served at, as `--base-url` gives it: an absolute http(s)
    URL with no query or fragment, ending in "/" (added when missing), so that a file's path
    joins it as is. MARC 856 $u and ONIX ResourceLink want addresses a catalogue can follow."""
    parts = urlsplit(value)
    problem = ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problem = "an absolute http:// or https:// address"
    elif parts.query or parts.fragment or any(c.isspace() for c in value):
        problem = "an address without spaces, query or fragment"
    if problem:
        raise PipelineError(f"--base-url must be {problem} (got {value!r})")
    return value if value.endswith("/") else value + "/"


def _language(tag: str) -> Language | None:
    return LANGUAGES.get(tag.strip().split("-")[0].lower()) if tag.strip() else None


def _where(ctx: Context) -> Path:
    return ctx.edition or ctx.folder or ctx.source


def check_catalogue(doc: Document, ctx: Context) -> None:
    """Raise a PipelineError naming the document and the edition.toml field when the record
    lacks what a catalogue needs (NEEDS)."""
    meta = doc.meta
    given = {
        "title": meta.title.strip() or meta.source_title.strip(),
        "published": edition_date(meta),
        "date": content_date(meta),
        "language": meta.language if _language(meta.language) else "",
        "rights": meta.rights.strip(),
    }
    missing = [need for need in NEEDS if not given[need.name]]
    if missing:
        raise PipelineError(
            f"document {ctx.id}: a catalogue needs what edition.toml does not give: "
            + "; ".join(f"{need.field} ({need.why})" for need in missing)
            + (
                "; the language must be a tag like en-GB of a language the records code"
                if not given["language"]
                else ""
            ),
            _where(ctx),
        )
    if meta.original_language and not _language(meta.original_language):
        raise PipelineError(
            f"document {ctx.id}: [source] language {meta.original_language!r} is not one a "
            f"catalogue codes here (known: {', '.join(sorted(LANGUAGES))})",
            _where(ctx),
        )


def _title(doc: Document) -> str:
    return " ".join((doc.meta.title or doc.meta.source_title).split())


def entry_for(doc: Document, ctx: Context, pages: int) -> Entry:
    """The catalogue's view of one checked document (`check_catalogue` first)."""
    meta: Meta = doc.meta
    check_catalogue(doc, ctx)
    paper = ctx.settings.paper
    base = f"{ctx.id}/{ctx.id}"
    language = _language(meta.language)
    assert language is not None  # check_catalogue refused anything else
    return Entry(
        id=ctx.id,
        title=_title(doc),
        subtitle=" ".join(meta.subtitle.split()),
        creators=creators(meta),
        contributors=contributors(meta),
        language=language,
        language_tag=meta.language.strip(),
        original_language=_language(meta.original_language),
        published=edition_date(meta),
        modified=(meta.modified or edition_date(meta)).strip(),
        content_date=content_date(meta),
        rights=" ".join(meta.rights.split()),
        publisher=" ".join(meta.publisher.split()),
        description=" ".join(meta.description.split()),
        subjects=tuple(s.strip() for s in meta.subjects if s.strip()),
        places=tuple(p.strip() for p in meta.places if p.strip()),
        archive=" ".join(meta.archive.split()),
        citation=" ".join(meta.citation.split()),
        source_url=meta.source_url.strip(),
        paper=paper,
        pages=pages,
        epub=Manifestation(
            "epub", "EPUB 3 ebook", epub_identifier(meta), f"{base}.epub",
            "application/epub+zip", "EPUB",
        ),
        print=Manifestation(
            "print", f"Print edition, PDF, {paper_name(paper)}", print_identifier(meta, paper),
            f"{base}.pdf", "application/pdf", "PDF",
        ),
        archival=f"{base}.pdfua.pdf",
        cover=f"{ctx.id}/cover.png",
        thumbnail=f"{ctx.id}/thumbnail.png",
    )  # fmt: skip


PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}


def paper_name(paper: str) -> str:
    return PAPER_NAMES.get(paper, paper)
