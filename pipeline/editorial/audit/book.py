"""Turn an EPUB's bytes into its package read once: the spine, every XHTML document, their ids.

Shared by the audit's ebook checks (epub.py, navigation.py, colophon.py): how a reader sees an
element's text (`text_of`), and how a link resolves (`Book.resolve`, `Book.target`).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
BLOCKS = frozenset(
    (
        *("p", "div", "section", "aside", "header", "nav", "blockquote", "br", "caption"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "li", "ol", "ul", "dl", "dt", "dd"),
        *("table", "tr", "td", "th"),
    )
)


def types(element: etree._Element) -> set[str]:
    return set((element.get(EPUB_TYPE) or "").split())


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def text_of(element: etree._Element, *, calls: bool = False) -> str:
    """The text a reader sees in an element; note calls left out unless `calls`."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        skip = not calls and "noteref" in types(node)
        if node.text and not skip:
            parts.append(node.text)
        if not skip:
            for child in node:
                if isinstance(child.tag, str):
                    walk(child)
                if child.tail:
                    parts.append(child.tail)

    walk(element)
    return "".join(parts)


@dataclass
class Book:
    """An EPUB's package read once: the spine's documents, every XHTML document by file name
    (relative to the package document), each document's ids, and the package metadata."""

    spine: list[tuple[str, etree._Element]]
    documents: dict[str, etree._Element]
    opf: etree._Element
    ids: dict[str, dict[str, etree._Element]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, root in self.documents.items():
            self.ids[name] = {e.get("id"): e for e in root.iter() if e.get("id")}

    def resolve(self, href: str, base: str) -> tuple[str, str]:
        """(file, fragment) of a link in document `base`."""
        path, _, fragment = href.partition("#")
        name = posixpath.normpath(posixpath.join(posixpath.dirname(base), path)) if path else base
        return name, fragment

    def target(self, href: str, base: str) -> etree._Element | None:
        name, fragment = self.resolve(href, base)
        if name not in self.documents:
            return None
        if not fragment:
            return self.documents[name]
        return self.ids[name].get(fragment)


def read_book(epub_bytes: bytes) -> Book:
    with zipfile.ZipFile(io.BytesIO(epub_bytes)) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_path))
        base = posixpath.dirname(opf_path)
        manifest = {
            item.get("id"): item.get("href") for item in opf.iterfind(".//{*}manifest/{*}item")
        }
        documents = {
            href: etree.fromstring(archive.read(posixpath.join(base, href) if base else href))
            for href in manifest.values()
            if href.endswith(".xhtml")
        }
        spine = [
            (manifest[ref.get("idref")], documents[manifest[ref.get("idref")]])
            for ref in opf.iterfind(".//{*}spine/{*}itemref")
        ]
    return Book(spine, documents, opf)
