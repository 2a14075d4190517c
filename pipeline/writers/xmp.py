"""Turn a Document's metadata into the PDF's document information and its XMP packet.

WeasyPrint 70.0 writes the Info dictionary from the HTML's `<meta>` (title, author,
description, keywords, generator, dcterms.created/modified) and stamps Producer "WeasyPrint
70.0"; it writes XMP only for PDF/A, PDF/UA and PDF/X variants (`pdf/metadata.py`), so a plain
PDF has none. `finish_pdf(doc)` gives a `write_pdf(finisher=…)` callable that, after WeasyPrint,
sets the Info fields whose form WeasyPrint cannot get right and adds an XMP packet (ISO
16684-1) built from the same values:

    Title          dc:title                    the edition's title
    Author         dc:creator                  who a catalogue files it under (shared.creators)
    —              dc:contributor, marcrel:*   everyone else, and every role (MARC relators)
    Subject        dc:description              edition.toml's description, else the header's
                                               "Subject" line
    Keywords       dc:subject, pdf:Keywords    edition.toml's subjects, else the speakers
    Creator        xmp:CreatorTool             this pipeline and its version
    Producer       pdf:Producer                this pipeline, and the WeasyPrint it used
    CreationDate   xmp:CreateDate, dc:date     the edition's publication date (never the talks')
    ModDate        xmp:ModifyDate              Meta.modified (xmp:MetadataDate too, so calibre
                                               prefers the XMP over the Info dictionary)
    —              dc:coverage                 the date of the talks: the content's date
    —              dc:identifier, xmp:Identifier   the print edition's identifier
    —              dc:language, dc:publisher, dc:rights, dc:source, dc:format

No value comes from the clock; the packet's bytes depend only on the metadata, so two builds
are byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pydyf
import weasyprint
from lxml import etree

from pipeline.model import Document, Field, Turn, body_blocks, inline_text
from pipeline.writers.shared import (
    content_date,
    contributors,
    creators,
    edition_date,
    edition_title,
    generator,
    print_identifier,
)

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpidq": "http://ns.adobe.com/xmp/Identifier/qual/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    # MARC relator terms as RDF properties (id.loc.gov): <marcrel:trl>name</marcrel:trl>.
    "marcrel": "http://id.loc.gov/vocabulary/relators/",
    # PDF/UA identification (ISO 14289-1 §5): the archival variant's claim, kept in our packet.
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
PACKET_ID = "W5M0MpCehiHzreSzNTczkc9d"  # the fixed id of every XMP packet (ISO 16684-1 §7.3)
PADDING = 2000  # whitespace after the packet so an editor can grow it in place (XMP spec)


def producer() -> str:
    return f"{generator()} (WeasyPrint {weasyprint.__version__})"


@dataclass(frozen=True, slots=True)
class PdfMetadata:
    """The values written to both the Info dictionary and the XMP packet."""

    title: str
    language: str
    creators: tuple[str, ...]
    contributors: tuple[tuple[str, str], ...]  # (name, MARC relator code), creators included
    subject: str
    keywords: tuple[str, ...]
    published: str  # ISO date
    modified: str  # ISO date
    coverage: str  # ISO date of the talks
    identifier: str
    publisher: str
    rights: str
    source: str


def _header_subject(doc: Document) -> str:
    for block in doc.header.blocks:
        if isinstance(block, Field) and block.label.strip().lower() == "subject":
            return " ".join(inline_text(block.content).split())
    return ""


def _speakers(doc: Document) -> tuple[str, ...]:
    found = dict.fromkeys(b.speaker for _, b in body_blocks(doc) if isinstance(b, Turn))
    return tuple(s for s in found if s)


def pdf_metadata(doc: Document, paper: str = "a4") -> PdfMetadata:
    meta = doc.meta
    keywords = tuple(s.strip() for s in meta.subjects if s.strip()) or _speakers(doc)
    return PdfMetadata(
        title=edition_title(doc),
        language=meta.language,
        creators=tuple(c.name for c in creators(meta)),
        contributors=tuple((c.name, c.role) for c in contributors(meta)),
        subject=" ".join(meta.description.split()) or _header_subject(doc),
        keywords=keywords,
        published=edition_date(meta),
        modified=(meta.modified or edition_date(meta)).strip(),
        coverage=content_date(meta),
        identifier=print_identifier(meta, paper),
        publisher=meta.publisher.strip(),
        rights=meta.rights.strip(),
        source=" ".join(meta.citation.split()) or meta.source_url.strip(),
    )


# --- the Info dictionary -------------------------------------------------------------------


def pdf_date(iso: str) -> str:
    """ "2026-11-28" → "D:20261128" (PDF 32000-1 §7.9.4; a date without a time, as given)."""
    return "D:" + iso.replace("-", "")


def info_fields(data: PdfMetadata) -> dict[str, str]:
    fields = {
        "Title": data.title,
        # One string for the creators; the XMP keeps them apart. "; " because names of bodies
        # contain commas ("United States. Department of State, Office of the Historian").
        "Author": "; ".join(data.creators),
        "Subject": data.subject,
        "Keywords": "; ".join(data.keywords),
        "Creator": generator(),
        "Producer": producer(),
        "CreationDate": pdf_date(data.published) if data.published else "",
        "ModDate": pdf_date(data.modified) if data.modified else "",
    }
    return {key: value for key, value in fields.items() if value}


# --- the XMP packet ------------------------------------------------------------------------


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _add(parent: etree._Element, name: str, text: str = "") -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if text:
        element.text = text
    return element


def _array(parent: etree._Element, name: str, kind: str, items: tuple[str, ...]) -> None:
    if not items:
        return
    container = _add(_add(parent, name), f"rdf:{kind}")
    for item in items:
        _add(container, "rdf:li", item)


def _alt(parent: etree._Element, name: str, text: str) -> None:
    if text:
        item = _add(_add(_add(parent, name), "rdf:Alt"), "rdf:li", text)
        item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")


def xmp_packet(data: PdfMetadata, ua_part: int | None = None) -> bytes:
    """The packet; `ua_part` (1 for PDF/UA-1) adds the PDF/UA identification."""
    root = etree.Element(_q("x:xmpmeta"), nsmap={"x": NS["x"]})
    rdf = etree.SubElement(root, _q("rdf:RDF"), nsmap={"rdf": NS["rdf"]})
    description = etree.SubElement(
        rdf, _q("rdf:Description"), nsmap={k: v for k, v in NS.items() if k not in ("x", "rdf")}
    )
    description.set(_q("rdf:about"), "")
    _alt(description, "dc:title", data.title)
    _array(description, "dc:creator", "Seq", data.creators)
    others = tuple(name for name, _ in data.contributors if name not in data.creators)
    _array(description, "dc:contributor", "Bag", others)
    _alt(description, "dc:description", data.subject)
    _array(description, "dc:subject", "Bag", data.keywords)
    _array(description, "dc:date", "Seq", (data.published,) if data.published else ())
    if data.coverage:
        _add(description, "dc:coverage", data.coverage)
    _array(description, "dc:language", "Bag", (data.language,) if data.language else ())
    _array(description, "dc:publisher", "Bag", (data.publisher,) if data.publisher else ())
    _alt(description, "dc:rights", data.rights)
    if data.source:
        _add(description, "dc:source", data.source)
    _add(description, "dc:identifier", data.identifier)
    _add(description, "dc:format", "application/pdf")
    identifiers = _add(_add(description, "xmp:Identifier"), "rdf:Bag")
    item = _add(identifiers, "rdf:li")
    item.set(_q("rdf:parseType"), "Resource")
    scheme, _, value = data.identifier.removeprefix("urn:").partition(":")
    _add(item, "xmpidq:Scheme", scheme)
    _add(item, "rdf:value", value)
    dated: tuple[tuple[str, tuple[str, ...]], ...] = (
        (data.published, ("xmp:CreateDate",)),
        (data.modified, ("xmp:ModifyDate", "xmp:MetadataDate")),
    )
    for date, names in dated:
        for name in names if date else ():
            _add(description, name, date)
    _add(description, "xmp:CreatorTool", generator())
    _add(description, "pdf:Producer", producer())
    if data.keywords:
        _add(description, "pdf:Keywords", "; ".join(data.keywords))
    roles: dict[str, list[str]] = {}
    for name, role in data.contributors:
        roles.setdefault(role, []).append(name)
    for role, people in roles.items():
        _array(description, f"marcrel:{role}", "Seq", tuple(people))
    if ua_part:
        _add(description, "pdfuaid:part", str(ua_part))
    body = etree.tostring(root, encoding="utf-8")
    return (
        f'<?xpacket begin="\ufeff" id="{PACKET_ID}"?>\n'.encode()
        + body
        + b"\n"
        + b" " * PADDING
        + b'\n<?xpacket end="w"?>'
    )


def finish_pdf(
    doc: Document, paper: str = "a4", ua_part: int | None = None
) -> Callable[[Any, pydyf.PDF], None]:
    """A WeasyPrint `finisher` for one document's PDF (see `metadata_finisher`)."""
    return metadata_finisher(pdf_metadata(doc, paper), ua_part)


def metadata_finisher(
    data: PdfMetadata, ua_part: int | None = None
) -> Callable[[Any, pydyf.PDF], None]:
    """A WeasyPrint `finisher`: the Info fields above, and the XMP packet as the catalog's
    /Metadata stream (uncompressed, so tools that do not inflate streams can read it). It
    replaces WeasyPrint's own packet, so a PDF/UA file's identification (`ua_part`) is kept
    in ours. A reading packet gives its own `data` (pipeline/packet/print.py)."""

    def finish(document: Any, pdf: pydyf.PDF) -> None:
        for key, value in info_fields(data).items():
            pdf.info[key] = pydyf.String(value)
        stream = pydyf.Stream(
            [xmp_packet(data, ua_part)], {"Type": "/Metadata", "Subtype": "/XML"}, compress=False
        )
        pdf.add_object(stream)
        pdf.catalog["Metadata"] = stream.reference

    return finish
