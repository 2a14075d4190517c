"""Turn both editions' colophons and the document's metadata into problems: every entry checked.

A colophon is a list of entries, label → value: the ebook's `colophon.xhtml` (`dt`/`dd`), the
print edition's paragraph that closes its Editorial note ("Label value · Label value …", read
back from the PDF's lines). Each edition states the same facts under its own labels
(`print_lines`, `ebook_lines`): the title, each contributor under a role edition.toml gives
them, the talks' and the edition's dates, where the source is held and cited, the publisher,
the rights, the edition's identifier, the SHA-256 of the source as received and what made the
files. The values are read from the model and its metadata, from the source's bytes and from
the built files themselves (the package's unique identifier and `pageBreakSource`, the PDF's
`dc:identifier`), never from the writers' own functions. Then

- every entry printed must be one a fact makes, with the value that fact has (a date may be
  spelt: "8 October 1973" reads as 1973-10-08);
- every fact the metadata holds must be printed (a template that drops a line fails);
- a contributor may stand under any role edition.toml gives them: each name is printed once.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import weasyprint
from lxml import etree

from pipeline.context import PAPER_SIZES
from pipeline.editorial.audit.apparatus import norm
from pipeline.editorial.audit.book import Book, text_of
from pipeline.editorial.audit.caps import print_small_caps
from pipeline.editorial.audit.pdf_text import PdfLine, pdf_words
from pipeline.editorial.audit.report import Tally
from pipeline.model import Document, Meta, inline_text
from pipeline.writers.epub.colophon import UNDATED

COLOPHON_FILE = "colophon.xhtml"
XHTML = "{http://www.w3.org/1999/xhtml}"
DISTRIBUTION = "edition-pipeline"  # the name pyproject.toml gives the project
ENTRY_SEPARATOR = " · "  # between the print colophon's entries (templates/print.html.j2)
LABEL_CLASS = "colophon-label"  # the print colophon's labels (styles/print.css)

# Months as a spelt date names them: the audit reads a date back to ISO to compare it.
MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July"),
    *("August", "September", "October", "November", "December"),
)
_SPELT_DATE = re.compile(r"(?:(\d{1,2}) )?([A-Z][a-z]+) (\d{4})")

# Who edition.toml says did what → the label the editions print for that role.
ROLES = (
    ("authors", "Author"),
    ("issuing_body", "Issuing body"),
    ("translator", "Translator"),
    ("editor", "Editor"),
    ("compiler", "Compiler"),
)


@dataclass(frozen=True, slots=True)
class Line:
    """A fact a colophon must state: the labels it may stand under, the values it may give
    (any one of them), and how a printed value is read ("text", or "date": ISO or spelt).
    `required=False`: a fact printed only if the edition chooses to (no problem when absent)."""

    labels: tuple[str, ...]
    values: tuple[str, ...]
    kind: str = "text"
    required: bool = True

    @property
    def name(self) -> str:
        return self.labels[0]


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry as the colophon prints it, and where."""

    label: str
    value: str


def iso_date(text: str) -> str:
    """A printed date as ISO 8601 ("8 October 1973" → "1973-10-08"); other text unchanged."""
    found = _SPELT_DATE.fullmatch(norm(text))
    if found is None or found.group(2) not in MONTHS:
        return norm(text)
    day, month, year = found.groups()
    iso = f"{year}-{MONTHS.index(month) + 1:02d}"
    return f"{iso}-{int(day):02d}" if day else iso


def _values(*values: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(norm(v) for v in values if v.strip()))


def made_by() -> str:
    try:
        return f"{DISTRIBUTION} {version(DISTRIBUTION)}"
    except PackageNotFoundError:
        return f"{DISTRIBUTION} unknown"


def contributor_lines(meta: Meta) -> list[Line]:
    """One line per person: the creators (the authors, else the issuing body), then the
    translator, editor and compiler, each name under any role edition.toml gives it."""
    roles: dict[str, list[str]] = {}
    for field, label in ROLES:
        if field == "issuing_body" and any(a.strip() for a in meta.authors):
            continue  # a record with named authors is not filed under its issuing body
        names = getattr(meta, field)
        for name in (names,) if isinstance(names, str) else names:
            if name.strip():
                roles.setdefault(norm(name), []).append(label)
    return [Line(tuple(labels), (name,)) for name, labels in roles.items()]


def _dates(meta: Meta) -> tuple[str, str]:
    """(the edition's date, its last revision when that is another date), ISO."""
    published = norm(meta.published) or norm(meta.modified)
    revised = norm(meta.modified)
    return published, revised if revised != published else ""


def ebook_lines(doc: Document, identifier: str, print_edition: str) -> list[Line]:
    """What the ebook's colophon must say. `identifier`: the package's unique identifier;
    `print_edition`: the identifier of the print edition its page-list follows ("" if none)."""
    meta = doc.meta
    title = next(
        (norm(t) for t in (meta.title, meta.source_title, inline_text(doc.header.title)) if t),
        meta.id,
    )
    lines = [Line(("Title",), (title,))]
    if meta.subtitle.strip():
        lines.append(Line(("Subtitle",), _values(meta.subtitle)))
    lines += contributor_lines(meta)
    published, revised = _dates(meta)
    for label, value, kind in (
        ("Date of the talks", meta.date, "date"),
        ("Archive", meta.archive, "text"),
        ("Source", meta.citation, "text"),
        ("Online", meta.source_url, "text"),
        ("Publisher", meta.publisher, "text"),
        ("Last revised", revised, "date"),
        ("Rights", meta.rights, "text"),
    ):
        if value.strip():
            lines.append(Line((label,), _values(value), kind))
    lines.append(
        Line(("Published",), (published,), "date")
        if published
        else Line(("Published",), (norm(UNDATED),))
    )
    lines.append(Line(("Identifier",), _values(meta.identifier or identifier)))
    if print_edition:
        papers = tuple(f"{print_edition} ({paper})" for paper in PAPER_SIZES.values())
        lines.append(Line(("Print edition",), papers))
    if doc.source_sha256:
        lines.append(Line(("Source file",), (f"SHA-256 {doc.source_sha256}",)))
    lines.append(Line(("Made with",), (made_by(),)))
    return lines


def print_lines(doc: Document, identifier: str) -> list[Line]:
    """What the print edition's colophon must say. `identifier`: the PDF's own dc:identifier
    ("" when it declares none: then any value passes, with a notice from the caller)."""
    meta = doc.meta
    lines = contributor_lines(meta)
    published, _ = _dates(meta)
    for label, values, kind in (
        ("Publisher", _values(meta.publisher), "text"),
        ("Published", _values(published), "date"),
        ("Talks held", _values(meta.date), "date"),
        # One entry names the source: where it is held, or (held nowhere named) its citation.
        ("Source", _values(meta.archive, meta.citation), "text"),
        ("Online", _values(meta.source_url), "text"),
        ("Rights", _values(meta.rights), "text"),
    ):
        if values:
            lines.append(Line((label,), values, kind))
    lines.append(Line(("Identifier",), (identifier,) if identifier else ()))
    if doc.source_sha256:
        lines.append(Line(("Source file",), (f"SHA-256 {doc.source_sha256}",)))
    lines.append(Line(("Typeset by",), (f"{made_by()}, with WeasyPrint {weasyprint.__version__}",)))
    return lines


# --- checking ------------------------------------------------------------------------------------


def _same(line: Line, value: str) -> bool:
    if not line.values:
        return True  # nothing to compare with (the caller says so)
    if line.kind == "date":
        return iso_date(value.replace(LINE_BREAK, " ")) in line.values
    # A printed line break inside the value stands for a space or for none.
    pattern = " ?".join(re.escape(norm(piece)) for piece in value.split(LINE_BREAK))
    return any(re.fullmatch(pattern, v) for v in line.values)


def check_entries(
    printed: Sequence[Entry],
    lines: Sequence[Line],
    edition: str,
    where: str,
    tally: Tally,
    *,
    fold_labels: bool = False,
) -> None:
    """Each printed entry made by a line, with its value; each required line printed once.
    `fold_labels`: labels compared regardless of case (small capitals in a PDF's text map)."""

    def key(label: str) -> str:
        return label.casefold() if fold_labels else label

    left = list(printed)
    unmatched: list[Line] = []
    for line in lines:
        found = next(
            (e for e in left if key(e.label) in map(key, line.labels) and _same(line, e.value)),
            None,
        )
        if found is None:
            unmatched.append(line)
            continue
        left.remove(found)
        tally.add(f"colophon: entry as the metadata says ({edition})")
    for line in unmatched:
        other = next((e for e in left if key(e.label) in map(key, line.labels)), None)
        source = "source.txt" if line.name == "Source file" else "edition.toml"
        if other is not None:
            left.remove(other)
            tally.problem(
                f"the {edition}'s colophon gives another “{line.name}”",
                source,
                where,
                " or ".join(line.values),
                norm(other.value.replace(LINE_BREAK, " ")),
            )
        elif line.required:
            tally.problem(
                f"the {edition}'s colophon does not show “{line.name}”",
                source,
                where,
                " or ".join(line.values),
                "(not shown)",
            )
    for entry in left:
        tally.problem(
            f"an entry of the {edition}'s colophon that no metadata makes",
            "edition.toml",
            where,
            "(none)",
            f"{entry.label}: {norm(entry.value.replace(LINE_BREAK, ' '))}",
        )


# --- the ebook ---------------------------------------------------------------------------------


def _package(book: Book) -> tuple[str, str, str, str]:
    """The package's unique identifier, main title, dcterms:modified and pageBreakSource."""
    opf = book.opf
    unique = opf.get("unique-identifier")
    identifier = next(
        (norm(e.text or "") for e in opf.iter("{*}identifier") if e.get("id") == unique), ""
    )
    title = next((norm(e.text or "") for e in opf.iter("{*}title") if not e.get("id")), "")
    properties = {
        e.get("property"): norm(e.text or "") for e in opf.iter("{*}meta") if e.get("property")
    }
    return (
        identifier,
        title,
        properties.get("dcterms:modified", ""),
        properties.get("pageBreakSource", ""),
    )


def read_colophon(book: Book) -> list[Entry] | None:
    root = book.documents.get(COLOPHON_FILE)
    if root is None:
        return None
    entries: list[Entry] = []
    label = ""
    for element in root.iter(f"{XHTML}dt", f"{XHTML}dd"):
        if element.tag == f"{XHTML}dt":
            label = norm(text_of(element))
        else:
            entries.append(Entry(label, norm(text_of(element))))
    return entries


def check_colophon(book: Book, doc: Document, tally: Tally, print_identifier: str = "") -> None:
    """The ebook's colophon against the metadata, and against its own package metadata.
    `print_identifier`: the PDF's dc:identifier, when the print edition is audited too."""
    printed = read_colophon(book)
    if printed is None:
        tally.problem("the EPUB has no colophon", "edition.toml", "EPUB", COLOPHON_FILE, "(none)")
        return
    identifier, title, modified, page_source = _package(book)
    where = f"EPUB {COLOPHON_FILE}"
    if print_identifier and page_source and page_source != print_identifier:
        tally.problem(
            "the EPUB's page-list follows another print edition than the PDF",
            "(the PDF's dc:identifier)",
            "EPUB package document, pageBreakSource",
            print_identifier,
            page_source,
        )
    check_entries(
        printed, ebook_lines(doc, identifier, print_identifier or page_source), "EPUB", where, tally
    )
    # The package metadata a reading system shows must agree with the colophon a reader sees.
    shown = {entry.label: entry.value for entry in printed}
    for label, value in (("Identifier", identifier), ("Title", title)):
        if value and label in shown and shown[label] != value:
            tally.problem(
                f"the EPUB's colophon and its package metadata give another “{label}”",
                "(package document)",
                where,
                value,
                shown[label],
            )
    if doc.meta.modified.strip() and not modified.startswith(doc.meta.modified.strip()[:10]):
        tally.problem(
            "the EPUB's dcterms:modified is not the edition's date",
            "edition.toml",
            "EPUB package document",
            doc.meta.modified,
            modified,
        )


# --- the print edition -------------------------------------------------------------------------


def pdf_identifier(pdf_bytes: bytes) -> str:
    """The identifier the PDF declares for itself (XMP dc:identifier), "" if none."""
    from pypdf import PdfReader

    try:
        xmp = PdfReader(io.BytesIO(pdf_bytes)).xmp_metadata
    except (etree.LxmlError, ValueError, KeyError):
        return ""
    value = xmp.dc_identifier if xmp is not None else None
    return norm(value or "")


LINE_BREAK = "\x00"  # where a printed line ended inside an entry: a space, or none


def print_entries(lines: Sequence[PdfLine], labels: Sequence[str]) -> list[Entry]:
    """The print colophon's entries: its lines as words (a word broken at a hyphen, dash or
    slash joined again), cut at the separators, each entry's label the longest of `labels`
    that opens it (regardless of case: the labels are set in small capitals); an entry that no
    label opens keeps its first word as its label. Where a line ended, the value holds
    `LINE_BREAK`: a line may also break after a colon ("urn:uuid:"), with no space there."""
    words = pdf_words(lines)
    text = ""
    for before, word in zip([None, *words], words, strict=False):
        if before is not None:
            text += " " if before.where == word.where else LINE_BREAK
        text += word.text
    entries = []
    by_length = sorted(labels, key=len, reverse=True)
    # A line broken after a slash or a dash joins the separator to the word before it.
    for part in re.split(rf"[ {LINE_BREAK}]*·[ {LINE_BREAK}]*", text):
        plain = norm(part.replace(LINE_BREAK, " "))
        part = part.strip(f" {LINE_BREAK}")
        if not plain:
            continue
        label = next(
            (
                plain[: len(label)]
                for label in by_length
                if plain.casefold().startswith(label.casefold() + " ")
            ),
            plain.split()[0],
        )
        entries.append(Entry(label, part[len(label) :].strip(f" {LINE_BREAK}")))
    return entries


def check_print_colophon(
    lines: Sequence[PdfLine], doc: Document, pdf_bytes: bytes, tally: Tally, where: str
) -> None:
    """The print colophon (its lines, from the Editorial note's end) against the metadata."""
    identifier = pdf_identifier(pdf_bytes)
    if not identifier:
        tally.notices.append("the PDF declares no dc:identifier: its colophon's is not checked")
    expected = print_lines(doc, identifier)
    if not lines:
        tally.problem(
            "the PDF has no colophon", "edition.toml", where, "the entries of its metadata", ""
        )
        return
    labels = [label for line in expected for label in line.labels]
    known = [*labels, *(label for _, label in ROLES)]
    # The labels are set in small capitals: their letter case is compared only where the
    # style lets the PDF's text map show it otherwise (caps.py).
    caps = print_small_caps()
    folded = LABEL_CLASS in caps and "all-small-caps" in caps.values()
    check_entries(print_entries(lines, known), expected, "PDF", where, tally, fold_labels=folded)
