"""Turn catalogue entries into the release's OPDS catalogs: 1.2 (Atom XML) and 2.0 (JSON).

Both list every edition (the EPUB and the print PDF of each document, each under its own
identifier) with its metadata, the cover and thumbnail, an open-access acquisition link of the
right media type (the print edition also offers its archival PDF/UA file) and a link to its MARC
record. Every `href` is relative to the catalog, which sits at the top of the release's payload,
so a copy of the release is browsable wherever it is put; the tests follow each link.

Dates: `updated`/`modified` is the edition's last change, `dc:issued`/`published` its
publication date, `dcterms:temporal` the date of the talks. Nothing comes from the clock.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from lxml import etree

from pipeline.dist.catalogue import Entry, Manifestation
from pipeline.writers.shared import IDENTIFIER_BASE

ATOM = "http://www.w3.org/2005/Atom"
DCTERMS = "http://purl.org/dc/terms/"
OPDS_NS = "http://opds-spec.org/2010/catalog"
ACQUISITION_FEED = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPDS2 = "application/opds+json"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
MARCXML = "application/marcxml+xml"
CATALOG_XML = "catalog.xml"
CATALOG_JSON = "catalog.json"
CATALOG_ID = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, IDENTIFIER_BASE + 'catalog')}"


def catalog_title(entries: Sequence[Entry]) -> str:
    publishers = sorted({e.publisher for e in entries if e.publisher})
    return f"{', '.join(publishers) or 'Editions'}: records of talks"


def _timestamp(iso: str) -> str:
    return f"{iso}T00:00:00Z"


def _acquisitions(entry: Entry, edition: Manifestation) -> list[tuple[str, str, str]]:
    """(href, media type, title) of what a reader can take away."""
    links = [(edition.path, edition.media_type, edition.label)]
    if edition.kind == "print":
        links.append((entry.archival, "application/pdf", "Archival PDF/UA-1 file"))
    return links


def _marc(entry: Entry, edition: Manifestation) -> str:
    return f"{entry.id}/marc/{edition.kind}.xml"


def _title(entry: Entry, edition: Manifestation) -> str:
    return f"{entry.title} ({edition.label})"


# --- OPDS 1.2 --------------------------------------------------------------------------------


def _add(parent: etree._Element, tag: str, text: str = "", **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attributes.items() if v})
    if text:
        element.text = text
    return element


def _link(parent: etree._Element, rel: str, href: str, kind: str, title: str = "") -> None:
    _add(parent, f"{{{ATOM}}}link", rel=rel, href=href, type=kind, title=title)


def _atom_entry(feed: etree._Element, entry: Entry, edition: Manifestation) -> None:
    item = _add(feed, f"{{{ATOM}}}entry")
    _add(item, f"{{{ATOM}}}title", _title(entry, edition))
    _add(item, f"{{{ATOM}}}id", edition.identifier)
    _add(item, f"{{{ATOM}}}updated", _timestamp(entry.modified))
    for person in entry.creators:
        _add(_add(item, f"{{{ATOM}}}author"), f"{{{ATOM}}}name", person.name)
    for person in entry.contributors:
        if person not in entry.creators:
            _add(_add(item, f"{{{ATOM}}}contributor"), f"{{{ATOM}}}name", person.name)
    _add(item, f"{{{DCTERMS}}}identifier", edition.identifier)
    _add(item, f"{{{DCTERMS}}}language", entry.language_tag)
    _add(item, f"{{{DCTERMS}}}issued", entry.published)
    _add(item, f"{{{DCTERMS}}}temporal", entry.content_date)
    _add(item, f"{{{DCTERMS}}}extent", f"{entry.pages} pages")
    if entry.publisher:
        _add(item, f"{{{DCTERMS}}}publisher", entry.publisher)
    if entry.subtitle:
        _add(item, f"{{{DCTERMS}}}alternative", entry.subtitle)
    _add(item, f"{{{ATOM}}}rights", entry.rights)
    if entry.description:
        _add(item, f"{{{ATOM}}}summary", entry.description, type="text")
    for subject in entry.subjects:
        _add(item, f"{{{ATOM}}}category", term=subject, label=subject)
    _link(item, IMAGE, entry.cover, "image/png", "Cover")
    _link(item, THUMBNAIL, entry.thumbnail, "image/png", "Cover (thumbnail)")
    for href, kind, title in _acquisitions(entry, edition):
        _link(item, OPEN_ACCESS, href, kind, title)
    _link(item, "describedby", _marc(entry, edition), MARCXML, "MARC 21 record (MARCXML)")


def opds_atom(entries: Sequence[Entry]) -> bytes:
    """The OPDS 1.2 complete acquisition feed of every edition."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dcterms": DCTERMS, "opds": OPDS_NS})
    _add(feed, f"{{{ATOM}}}id", CATALOG_ID)
    _add(feed, f"{{{ATOM}}}title", catalog_title(entries))
    _add(feed, f"{{{ATOM}}}updated", _timestamp(max(e.modified for e in entries)))
    publisher = next((e.publisher for e in entries if e.publisher), "Edition Pipeline")
    _add(_add(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name", publisher)
    _link(feed, "self", CATALOG_XML, ACQUISITION_FEED)
    _link(feed, "start", CATALOG_XML, ACQUISITION_FEED)
    _link(feed, "http://opds-spec.org/crawlable", CATALOG_XML, ACQUISITION_FEED)
    _link(feed, "alternate", CATALOG_JSON, OPDS2, "OPDS 2.0")
    for entry in entries:
        for edition in entry.editions:
            _atom_entry(feed, entry, edition)
    etree.indent(feed, space="  ")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8") + b"\n"


# --- OPDS 2.0 --------------------------------------------------------------------------------

# Roles the Readium Web Publication Manifest names; others go to "contributor" with the role.
RWPM_ROLES = {"aut": "author", "trl": "translator", "edt": "editor"}


def _people(entry: Entry) -> dict[str, list[dict[str, Any]]]:
    people: dict[str, list[dict[str, Any]]] = {}
    for person in entry.contributors:
        key = RWPM_ROLES.get(person.role, "contributor")
        value: dict[str, Any] = {"name": person.name}
        if key == "contributor":
            value["role"] = person.role
        if person in entry.creators and key != "author":
            # The creator a catalogue files under, though not a personal author.
            people.setdefault("author", []).append({"name": person.name})
            continue
        people.setdefault(key, []).append(value)
    return people


def _publication(entry: Entry, edition: Manifestation) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "@type": "http://schema.org/Book",
        "title": entry.title,
        **({"subtitle": entry.subtitle} if entry.subtitle else {}),
        "identifier": edition.identifier,
        **_people(entry),
        "language": entry.language_tag,
        "published": entry.published,
        "modified": _timestamp(entry.modified),
        **({"publisher": entry.publisher} if entry.publisher else {}),
        **({"description": entry.description} if entry.description else {}),
        "subject": [{"name": subject} for subject in entry.subjects],
        "numberOfPages": entry.pages,
        # Not a RWPM term: the Dublin Core one, by its URI, as the manifest allows.
        f"{DCTERMS}temporal": entry.content_date,
        f"{DCTERMS}rights": entry.rights,
    }
    links = [
        {"rel": OPEN_ACCESS, "href": href, "type": kind, "title": title}
        for href, kind, title in _acquisitions(entry, edition)
    ]
    links.append({"rel": "describedby", "href": _marc(entry, edition), "type": MARCXML})
    images = [
        {"href": href, "type": "image/png", "width": size[0], "height": size[1]}
        for href, size in ((entry.cover, entry.cover_size), (entry.thumbnail, entry.thumbnail_size))
    ]
    return {"metadata": metadata, "links": links, "images": images}


def opds_json(entries: Sequence[Entry]) -> bytes:
    """The OPDS 2.0 feed of every edition."""
    publications = [_publication(e, edition) for e in entries for edition in e.editions]
    feed = {
        "metadata": {
            "title": catalog_title(entries),
            "modified": _timestamp(max(e.modified for e in entries)),
            "numberOfItems": len(publications),
        },
        "links": [
            {"rel": "self", "href": CATALOG_JSON, "type": OPDS2},
            {"rel": "alternate", "href": CATALOG_XML, "type": ACQUISITION_FEED},
        ],
        "publications": publications,
    }
    return (json.dumps(feed, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()
