"""Turn a built EPUB's bytes into a verdict: every XML file in it well-formed and every link
inside it leading somewhere, or an error.

    check_epub(data, "doc.epub")      # returns nothing, or raises MalformedEdition

An EPUB holding one file that is not well-formed XML is rejected whole by EPUBCheck (FATAL) and
by reading systems, yet the build would exit 0 (issue 13 §4). So the build parses every XML
file of the archive with lxml before the edition is published, and an edition that fails is
never written. Such a failure is a bug in a writer (every input that could cause it is refused
or settled when it is read: pipeline/stages/read.py, metadata.py, errata.py), so it is an
internal error that names the file and the place, not an input error.

The same holds for the book's own links: a link to an id that no file has (EPUBCheck RSC-012,
once given by an errata entry in the title line) or an id used twice in a file (RSC-005) is
found here, from the parsed files, before anything is written.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections import Counter
from urllib.parse import unquote, urlsplit

from lxml import etree

# What the archive holds as XML (EPUB 3.3 §3.2: XHTML and SVG content documents, the package
# document, the NCX, the container and other META-INF files).
XML_SUFFIXES = (".xhtml", ".html", ".htm", ".opf", ".ncx", ".xml", ".svg", ".smil")
MIMETYPE = b"application/epub+zip"


class MalformedEdition(RuntimeError):
    """A writer produced a file that is not well-formed: a bug, never the input's fault."""


def _parser() -> etree.XMLParser:
    # Well-formedness only: nothing fetched, no entity expanded, no size beyond lxml's guards.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def check_epub(data: bytes, name: str) -> None:
    """Raise MalformedEdition naming the first entry of the EPUB `data` that is not
    well-formed XML, or the archive itself when it is not a valid EPUB container."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise MalformedEdition(f"{name} is not a zip archive: {error}") from None
    with archive:
        names = archive.namelist()
        if not names or names[0] != "mimetype" or archive.read("mimetype") != MIMETYPE:
            raise MalformedEdition(f"{name}: the first entry must be mimetype ({MIMETYPE!r})")
        if "META-INF/container.xml" not in names:
            raise MalformedEdition(f"{name}: META-INF/container.xml is missing")
        trees = {
            entry: check_xml(archive.read(entry), f"{name}/{entry}")
            for entry in names
            if entry.lower().endswith(XML_SUFFIXES)
        }
    check_links(trees, frozenset(names), name)


# Where the book's files link to each other: (XHTML) a and area href; (NCX) content src.
LINKING = {"a": "href", "area": "href", "content": "src"}
CONTENT_SUFFIXES = (".xhtml", ".html", ".htm", ".ncx", ".svg")


def check_links(trees: dict[str, etree._Element], names: frozenset[str], name: str) -> None:
    """Raise MalformedEdition at the first id used twice in a content file, or the first link
    to a file the archive does not hold or to an id its file does not have."""
    ids: dict[str, Counter[str]] = {}
    for entry, tree in trees.items():
        if entry.lower().endswith(CONTENT_SUFFIXES):
            found = Counter(tree.xpath("//@id"))
            ids[entry] = found
            if twice := next((i for i, n in found.items() if n > 1), None):
                line = tree.xpath("//*[@id=$i]", i=twice)[1].sourceline
                raise MalformedEdition(
                    f"{name}/{entry}:{line}: id {twice!r} is used twice; the EPUB was not written"
                )
    for entry, tree in trees.items():
        if entry not in ids:
            continue
        for element in tree.iter("{*}a", "{*}area", "{*}content"):
            target = element.get(LINKING[etree.QName(element).localname])
            if problem := _broken(target, entry, names, ids):
                raise MalformedEdition(
                    f"{name}/{entry}:{element.sourceline}: a link to {target!r}: {problem}; the "
                    "EPUB was not written"
                )


def _broken(
    target: str | None, entry: str, names: frozenset[str], ids: dict[str, Counter[str]]
) -> str | None:
    if not target or urlsplit(target).scheme:
        return None  # no link, or one out of the book (https:, mailto:)
    path, _, fragment = target.partition("#")
    file = posixpath.normpath(posixpath.join(posixpath.dirname(entry), unquote(path)))
    file = file if path else entry
    if file not in names:
        return f"the book has no file {file}"
    if fragment and file in ids and unquote(fragment) not in ids[file]:
        return f"{file} has no id {unquote(fragment)!r}"
    return None


def check_xml(data: bytes, name: str) -> etree._Element:
    """The parsed `data`; MalformedEdition when it is not well-formed XML, naming `name`, line,
    column."""
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        line, column = error.position
        reason = " ".join(str(error.msg).split())
        raise MalformedEdition(
            f"{name}:{line}: column {column}: not well-formed XML ({reason}); the EPUB was not "
            "written"
        ) from None
