"""Turn small element specs into TEI element trees, and a finished tree into the bytes of a file.

Both profiles build their trees with `element()`/`child()` and mixed content with `add_text()`,
so the namespace, the attribute order (as written) and the serialisation are decided here once:

- every element is in the TEI namespace unless its name carries another (`frus:`);
- attributes whose value is empty or None are left out (nothing here writes `n=""`);
- indentation is added only inside elements whose content is elements alone (`CONTAINERS`),
  never inside a paragraph, a heading or a note, where a space is text;
- the bytes are UTF-8 with an XML declaration and the same for the same tree, always.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TypeAlias

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
FRUS_NS = "http://history.state.gov/frus/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NAMESPACES = {"frus": FRUS_NS, "xml": XML_NS}

Element: TypeAlias = etree._Element
Attrs: TypeAlias = Mapping[str, str | None]

# Elements whose content model is elements only: indenting them cannot change a word. Every
# other element (p, head, note, item, speaker, title, …) is mixed content and is never touched.
CONTAINERS = frozenset(
    {
        "TEI",
        "teiHeader",
        "fileDesc",
        "titleStmt",
        "editionStmt",
        "publicationStmt",
        "availability",
        "notesStmt",
        "sourceDesc",
        "respStmt",
        "encodingDesc",
        "editorialDecl",
        "correction",
        "normalization",
        "refsDecl",
        "classDecl",
        "taxonomy",
        "category",
        "profileDesc",
        "abstract",
        "creation",
        "langUsage",
        "particDesc",
        "listPerson",
        "person",
        "textClass",
        "keywords",
        "revisionDesc",
        "text",
        "front",
        "body",
        "back",
        "titlePage",
        "docTitle",
        "div",
        "sp",
        "list",
        "opener",
    }
)

_NCNAME = re.compile(r"[A-Za-z_][\w.-]*")


def qualified(name: str) -> str:
    """`p` → `{TEI}p`; `xml:id` → `{XML}id`; `frus:doc-dateTime-min` → `{FRUS}doc-…`."""
    prefix, _, local = name.rpartition(":")
    if not prefix:
        return f"{{{TEI_NS}}}{name}"
    return f"{{{NAMESPACES[prefix]}}}{local}"


def _attribute(name: str) -> str:
    # Attributes without a prefix are in no namespace, as TEI's are.
    return qualified(name) if ":" in name else name


def document_element(name: str, extra_namespaces: Mapping[str, str] | None = None) -> Element:
    """The document element, declaring TEI as the default namespace (and `extra_namespaces`)."""
    namespaces: dict[str | None, str] = {None: TEI_NS}
    namespaces.update(extra_namespaces or {})
    return etree.Element(qualified(name), nsmap=namespaces)


def element(name: str, attrs: Attrs | None = None, text: str = "") -> Element:
    """A detached element, for building a part before it is known where it goes."""
    node = etree.Element(qualified(name), nsmap={None: TEI_NS})
    _set(node, attrs)
    if text:
        node.text = text
    return node


def child(parent: Element, name: str, attrs: Attrs | None = None, text: str = "") -> Element:
    node = etree.SubElement(parent, qualified(name))
    _set(node, attrs)
    if text:
        node.text = text
    return node


def _set(node: Element, attrs: Attrs | None) -> None:
    for name, value in (attrs or {}).items():
        if value:
            node.set(_attribute(name), value)


def add_text(parent: Element, text: str) -> None:
    """Append text at the end of `parent`'s content (after its last child, if any)."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def local_name(node: Element) -> str:
    return etree.QName(node).localname


# --- identifiers ---------------------------------------------------------------------------------


def slug(text: str) -> str:
    """ASCII letters and digits of `text`, lower case, joined by hyphens ("S. R." → "s-r")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))


class Ids:
    """The xml:id values of one file: each valid (an NCName) and used once."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def taken(self, name: str) -> bool:
        return name in self._used

    def claim(self, preferred: str, fallback: str) -> str:
        """`preferred` if it is a free NCName, else `fallback`, numbered until free."""
        if _NCNAME.fullmatch(preferred) and preferred not in self._used:
            self._used.add(preferred)
            return preferred
        base = fallback if _NCNAME.fullmatch(fallback) else f"id-{slug(fallback) or 'x'}"
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._used.add(candidate)
        return candidate


# --- the file ------------------------------------------------------------------------------------


def indent(node: Element, level: int = 0, step: str = "  ") -> None:
    """Indent the children of element-only containers, recursively; leave mixed content alone."""
    if local_name(node) not in CONTAINERS or len(node) == 0:
        return
    if (node.text or "").strip() or any((c.tail or "").strip() for c in node):
        return  # text between the children: not element-only after all
    inner = "\n" + step * (level + 1)
    node.text = inner
    for item in node:
        item.tail = inner
        indent(item, level + 1, step)
    node[-1].tail = "\n" + step * level


def serialise(root: Element, processing_instructions: Iterable[str] = ()) -> bytes:
    """The file's bytes: declaration, processing instructions (`xml-model` hints), the tree."""
    etree.cleanup_namespaces(root)
    indent(root)
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    for instruction in processing_instructions:
        head += f"<?{instruction}?>\n".encode()
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return head + body + b"\n"
