"""Turn catalogue entries and their built EPUBs into an ONIX for Books 3.0 message.

One `Product` per EPUB (reference tag names, release 3.0), for a retailer's or aggregator's
feed. Its accessibility features (`ProductFormFeature` type 09, code list 196), which the
European Accessibility Act asks a seller to pass on, are read from the EPUB's own package
document (its schema.org accessibility metadata and conformance claim, which
`writers/epub/accessibility.py` computes from what the book really has) and from the package
itself (no encryption: no reading-system option is disabled), never assumed.

ONIX has no product-level element for the date of a work's content, so the talks' date is in
the short description (TextType 02); the edition's date is the publication date.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from pipeline.dist.catalogue import Entry
from pipeline.dist.marc import is_corporate, spelled
from pipeline.writers.shared import identifier_scheme

ONIX = "http://ns.editeur.org/onix/3.0/reference"
OPF = "http://www.idpf.org/2007/opf"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"


@dataclass(frozen=True, slots=True)
class Feature:
    """An EPUB accessibility statement and the code list 196 value that says it in ONIX."""

    property: str  # the OPF meta property
    value: str  # its value in the EPUB ("" matches any value)
    code: str
    why: str


FEATURES = (
    Feature("dcterms:conformsTo", "EPUB Accessibility 1.1", "04", "the EPUB claims EPUB A11y 1.1"),
    Feature("dcterms:conformsTo", "WCAG 2.1", "81", "the claim names WCAG 2.1"),
    Feature("dcterms:conformsTo", "Level AA", "85", "the claim is at level AA"),
    Feature("schema:accessibilityFeature", "tableOfContents", "11", "a navigable contents list"),
    Feature("schema:accessibilityFeature", "readingOrder", "13", "one logical reading order"),
    Feature("schema:accessibilityFeature", "alternativeText", "14", "images have alt text"),
    Feature("schema:accessibilityFeature", "pageBreakMarkers", "19", "print page numbers"),
    Feature("schema:accessibilityFeature", "structuralNavigation", "29", "headings to move by"),
    Feature("schema:accessibilityFeature", "ARIA", "30", "ARIA roles in the markup"),
    Feature("schema:accessibilityFeature", "displayTransformability", "36", "restylable text"),
    Feature("schema:accessibilityFeature", "pageNavigation", "41", "a page list to go to"),
    Feature("schema:accessModeSufficient", "textual", "52", "text alone suffices: no sight needed"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Accessibility:
    """What an EPUB's package says of its accessibility, and whether it is encrypted."""

    statements: tuple[tuple[str, str], ...]  # (property, value)
    summary: str
    certifier: str
    encrypted: bool

    def codes(self) -> list[str]:
        found = []
        for feature in FEATURES:
            if any(p == feature.property and feature.value in v for p, v in self.statements):
                found.append(feature.code)
        if not self.encrypted:
            found.append("10")  # no DRM: the reading system's own options all work
        return sorted(set(found))


def epub_accessibility(epub: bytes) -> Accessibility:
    """Read the accessibility metadata of an EPUB's package document."""
    with zipfile.ZipFile(io.BytesIO(epub)) as package:
        container = etree.fromstring(package.read("META-INF/container.xml"))
        opf_name = container.find(f".//{{{CONTAINER}}}rootfile").get("full-path")
        opf = etree.fromstring(package.read(opf_name))
        encrypted = "META-INF/encryption.xml" in package.namelist()
    statements = tuple(
        (meta.get("property"), " ".join((meta.text or "").split()))
        for meta in opf.iter(f"{{{OPF}}}meta")
        if meta.get("property") and not meta.get("refines")
    )
    values = dict(statements)
    return Accessibility(
        statements=statements,
        summary=values.get("schema:accessibilitySummary", ""),
        certifier=values.get("a11y:certifiedBy", ""),
        encrypted=encrypted,
    )


def _add(parent: etree._Element, tag: str, text: str = "") -> etree._Element:
    element = etree.SubElement(parent, f"{{{ONIX}}}{tag}")
    if text:
        element.text = text
    return element


def _fields(parent: etree._Element, *pairs: tuple[str, str]) -> etree._Element:
    for tag, text in pairs:
        _add(parent, tag, text)
    return parent


def _identifier(parent: etree._Element, tag: str, identifier: str) -> None:
    scheme, value = identifier_scheme(identifier)
    node = _add(parent, tag)
    _add(node, "ProductIDType", scheme.onix_type)
    if scheme.onix_type == "01":
        _add(node, "IDTypeName", scheme.name.upper())
    _add(node, "IDValue", value)


# Contributor roles (code list 17) for the MARC relator codes the editions use.
ROLES = {"aut": "A01", "isb": "A01", "com": "C01", "trl": "B06", "edt": "B01"}


def _descriptive(product: etree._Element, entry: Entry, access: Accessibility) -> None:
    detail = _fields(
        _add(product, "DescriptiveDetail"),
        ("ProductComposition", "00"),
        ("ProductForm", "ED"),
        ("ProductFormDetail", "E101"),  # EPUB
    )
    for code in access.codes():
        _fields(
            _add(detail, "ProductFormFeature"),
            ("ProductFormFeatureType", "09"),
            ("ProductFormFeatureValue", code),
        )
    if access.summary:
        _fields(
            _add(detail, "ProductFormFeature"),
            ("ProductFormFeatureType", "09"),
            ("ProductFormFeatureValue", "00"),
            ("ProductFormFeatureDescription", access.summary),
        )
    if access.certifier:
        _fields(
            _add(detail, "ProductFormFeature"),
            ("ProductFormFeatureType", "09"),
            ("ProductFormFeatureValue", "90"),
            ("ProductFormFeatureDescription", access.certifier),
        )
    _add(detail, "EpubTechnicalProtection", "01" if access.encrypted else "00")
    title = _fields(_add(detail, "TitleDetail"), ("TitleType", "01"))
    element = _fields(_add(title, "TitleElement"), ("TitleElementLevel", "01"))
    _add(element, "TitleText", entry.title)
    if entry.subtitle:
        _add(element, "Subtitle", entry.subtitle)
    people = [*entry.creators, *(p for p in entry.contributors if p not in entry.creators)]
    for number, person in enumerate(people, start=1):
        node = _fields(
            _add(detail, "Contributor"),
            ("SequenceNumber", str(number)),
            ("ContributorRole", ROLES[person.role]),
        )
        _add(node, "CorporateName" if is_corporate(person) else "PersonName", person.name)
    _fields(_add(detail, "Language"), ("LanguageRole", "01"), ("LanguageCode", entry.language.marc))
    if entry.original_language:
        _fields(
            _add(detail, "Language"),
            ("LanguageRole", "02"),
            ("LanguageCode", entry.original_language.marc),
        )
    # The print counterpart's page count: the EPUB's page-list follows it.
    _fields(
        _add(detail, "Extent"),
        ("ExtentType", "08"),
        ("ExtentValue", str(entry.pages)),
        ("ExtentUnit", "03"),
    )
    for subject in entry.subjects:
        _fields(
            _add(detail, "Subject"),
            ("SubjectSchemeIdentifier", "20"),  # keywords: the editors' headings
            ("SubjectHeadingText", subject),
        )


def _collateral(product: etree._Element, entry: Entry) -> None:
    detail = _add(product, "CollateralDetail")
    texts = [("02", f"Record of talks held {spelled(entry.content_date)}.")]
    if entry.description:
        texts.append(("03", entry.description))
    for kind, text in texts:
        _fields(
            _add(detail, "TextContent"),
            ("TextType", kind),
            ("ContentAudience", "00"),
            ("Text", text),
        )
    resource = _fields(
        _add(detail, "SupportingResource"),
        ("ResourceContentType", "01"),  # front cover
        ("ContentAudience", "00"),
        ("ResourceMode", "03"),  # image
    )
    _fields(
        _add(resource, "ResourceVersion"),
        ("ResourceForm", "02"),
        ("ResourceLink", entry.url(entry.cover)),
    )


def _publishing(product: etree._Element, entry: Entry) -> None:
    detail = _add(product, "PublishingDetail")
    if entry.publisher:
        _fields(
            _add(detail, "Publisher"),
            ("PublishingRole", "01"),
            ("PublisherName", entry.publisher),
        )
    _add(detail, "PublishingStatus", "04")  # active
    _fields(
        _add(detail, "PublishingDate"),
        ("PublishingDateRole", "01"),
        ("Date", entry.published.replace("-", "")),
    )


def _related(product: etree._Element, entry: Entry) -> None:
    related = _add(_add(product, "RelatedMaterial"), "RelatedProduct")
    _add(related, "ProductRelationCode", "13")  # epublication based on the print product
    _identifier(related, "ProductIdentifier", entry.print.identifier)


def _supply(product: etree._Element, entry: Entry) -> None:
    supply = _add(product, "ProductSupply")
    territory = _add(_add(supply, "Market"), "Territory")
    _add(territory, "RegionsIncluded", "WORLD")
    detail = _add(supply, "SupplyDetail")
    _fields(
        _add(detail, "Supplier"),
        ("SupplierRole", "09"),  # publisher to end customers
        ("SupplierName", entry.publisher or "Edition Pipeline"),
    )
    _add(detail, "ProductAvailability", "20")
    _add(detail, "UnpricedItemType", "01")  # free of charge


def onix_product(parent: etree._Element, entry: Entry, access: Accessibility) -> None:
    product = _add(parent, "Product")
    _add(product, "RecordReference", entry.epub.identifier)
    _add(product, "NotificationType", "03")
    _identifier(product, "ProductIdentifier", entry.epub.identifier)
    _descriptive(product, entry, access)
    _collateral(product, entry)
    _publishing(product, entry)
    _related(product, entry)
    _supply(product, entry)


def onix_message(entries: Sequence[Entry], epubs: Mapping[str, bytes]) -> bytes:
    """The ONIX 3.0 message: one Product per EPUB (`epubs`: entry id → EPUB bytes)."""
    message = etree.Element(f"{{{ONIX}}}ONIXMessage", release="3.0", nsmap={None: ONIX})
    header = _add(message, "Header")
    sender = next((e.publisher for e in entries if e.publisher), "Edition Pipeline")
    _fields(_add(header, "Sender"), ("SenderName", sender))
    # The newest edition date, never the clock: the message is the same on every rebuild.
    _add(header, "SentDateTime", max(e.modified for e in entries).replace("-", ""))
    for entry in entries:
        onix_product(message, entry, epub_accessibility(epubs[entry.id]))
    etree.indent(message, space="  ")
    return etree.tostring(message, xml_declaration=True, encoding="UTF-8") + b"\n"
