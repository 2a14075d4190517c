"""Turn a built EPUB's bytes into a verdict: every XML file in it well-formed, or an error.

    check_epub(data, "doc.epub")      # returns nothing, or raises MalformedEdition

An EPUB holding one file that is not well-formed XML is rejected whole by EPUBCheck (FATAL) and
by reading systems, yet the build would exit 0 (issue 13 §4). So the build parses every XML
file of the archive with lxml before the edition is published, and an edition that fails is
never written. Such a failure is a bug in a writer (every input that could cause it is refused
or settled when it is read: pipeline/stages/read.py, metadata.py, errata.py), so it is an
internal error that names the file and the place, not an input error.
"""

from __future__ import annotations

import io
import zipfile

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
        for entry in names:
            if entry.lower().endswith(XML_SUFFIXES):
                check_xml(archive.read(entry), f"{name}/{entry}")


def check_xml(data: bytes, name: str) -> None:
    """Raise MalformedEdition when `data` is not well-formed XML, naming `name`, line, column."""
    try:
        etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        line, column = error.position
        reason = " ".join(str(error.msg).split())
        raise MalformedEdition(
            f"{name}:{line}: column {column}: not well-formed XML ({reason}); the EPUB was not "
            "written"
        ) from None
