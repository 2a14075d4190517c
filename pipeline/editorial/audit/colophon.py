"""Turn an EPUB's colophon and the document's metadata into problems: every line checked.

The colophon (`colophon.xhtml`, a list of label → value) must say what the metadata says: the
title, each contributor under their role, the archive and citation, the identifier (the one the
package declares unique), the edition's dates and the SHA-256 of the source as received. The
expected values are read here from the model and its metadata, never from the writer.

Lines the ebook writer does not print yet are `required=False` (TODO(#14): the source's
SHA-256 and the publication date are being added to the colophon): while missing they are a
notice; once printed, their value is checked like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.editorial.audit.apparatus import norm
from pipeline.editorial.audit.book import Book, text_of
from pipeline.editorial.audit.report import Tally
from pipeline.model import Document, inline_text

COLOPHON_FILE = "colophon.xhtml"
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True, slots=True)
class Line:
    """A label of the colophon and the values it must give, in order."""

    label: str
    values: tuple[str, ...]
    required: bool = True


def _names(*values: str | tuple[str, ...]) -> tuple[str, ...]:
    flat: list[str] = []
    for value in values:
        flat.extend([value] if isinstance(value, str) else value)
    return tuple(norm(v) for v in flat if v.strip())


def expected_lines(doc: Document, package_identifier: str) -> list[Line]:
    """What the colophon must say of this document (labels as the ebook prints them)."""
    meta = doc.meta
    title = next(
        (
            norm(t)
            for t in (meta.title, meta.source_title, inline_text(doc.header.title))
            if t.strip()
        ),
        meta.id,
    )
    lines = [Line("Title", (title,))]
    for label, names in (
        ("Author", _names(meta.authors)),
        ("Translator", _names(meta.translator)),
        ("Compiler", _names(meta.compiler)),
        ("Editor", _names(meta.editor)),
        ("Archive", _names(meta.archive)),
        ("Source", _names(meta.citation)),
        ("Online", _names(meta.source_url)),
        ("Publisher", _names(meta.publisher)),
        ("Rights", _names(meta.rights)),
    ):
        if names:
            lines.append(Line(label, names))
    lines.append(Line("Identifier", (norm(meta.identifier) or package_identifier,)))
    if meta.modified.strip():
        lines.append(Line("Edition date", (meta.modified.strip()[:10],)))
    published = (meta.published or meta.modified).strip()
    if published:
        lines.append(Line("Published", (published[:10],), required=False))
    if doc.source_sha256:
        lines.append(Line("Source SHA-256", (doc.source_sha256,), required=False))
    return lines


def _package(book: Book) -> tuple[str, str, str]:
    """The package's unique identifier, its main title and dcterms:modified."""
    opf = book.opf
    unique = opf.get("unique-identifier")
    identifier = next(
        (norm(e.text or "") for e in opf.iter("{*}identifier") if e.get("id") == unique), ""
    )
    title = next((norm(e.text or "") for e in opf.iter("{*}title") if not e.get("id")), "")
    modified = next(
        (
            norm(e.text or "")
            for e in opf.iter("{*}meta")
            if e.get("property") == "dcterms:modified"
        ),
        "",
    )
    return identifier, title, modified


def read_colophon(book: Book) -> dict[str, list[str]] | None:
    root = book.documents.get(COLOPHON_FILE)
    if root is None:
        return None
    printed: dict[str, list[str]] = {}
    label = ""
    for element in root.iter(f"{XHTML}dt", f"{XHTML}dd"):
        if element.tag == f"{XHTML}dt":
            label = norm(text_of(element))
            printed.setdefault(label, [])
        else:
            printed.setdefault(label, []).append(norm(text_of(element)))
    return printed


def check_colophon(book: Book, doc: Document, tally: Tally) -> None:
    printed = read_colophon(book)
    if printed is None:
        tally.problem("the EPUB has no colophon", "edition.toml", "EPUB", COLOPHON_FILE, "(none)")
        return
    identifier, title, modified = _package(book)
    where = f"EPUB {COLOPHON_FILE}"
    for line in expected_lines(doc, identifier):
        found = printed.get(line.label)
        if found is None and not line.required:
            tally.notices.append(
                f"the EPUB's colophon does not show “{line.label}” yet ({', '.join(line.values)})"
            )
            continue
        if found != list(line.values):
            tally.problem(
                f"the EPUB's colophon gives another “{line.label}”",
                "edition.toml" if line.label != "Source SHA-256" else "source.txt",
                where,
                "; ".join(line.values),
                "; ".join(found) if found else "(not shown)",
            )
        else:
            tally.add("colophon: line as the metadata says (EPUB)")
    # The package metadata a reading system shows must agree with the colophon a reader sees.
    for label, value in (("Identifier", identifier), ("Title", title)):
        shown = printed.get(label, [])
        if value and shown and shown != [value]:
            tally.problem(
                f"the EPUB's colophon and its package metadata give another “{label}”",
                "(package document)",
                where,
                value,
                "; ".join(shown),
            )
    if doc.meta.modified.strip() and not modified.startswith(doc.meta.modified.strip()[:10]):
        tally.problem(
            "the EPUB's dcterms:modified is not the edition's date",
            "edition.toml",
            "EPUB package document",
            doc.meta.modified,
            modified,
        )
