"""Turn a book plan and its rendered files into the EPUB container: OPF metadata, manifest,
spine, NCX, and a zip whose bytes depend on nothing but the inputs.

EbookLib 0.20 only packages what it is given. Every trap in ``shared/NOTES.md`` ("EbookLib",
items 1–10) is avoided here or in `render.py`, and the comments cite the item: all XHTML and the
NCX are raw ``EpubItem`` bytes, and the zip is rewritten at the end with pinned entry dates.

Metadata, as catalogues and reading systems read it (issue 9, "Metadata"):

- `dc:creator`: the authors, else the issuing body, else the compiler (`shared.creators`), each
  refined first with the MARC relator `aut`, then with its own role when that is another.
  calibre files under a creator only when its first role is `aut` (its ``opf3.read_authors``:
  a creator whose only role is `isb` leaves the book "Unknown"), so `aut` comes first and the
  true role second, where a catalogue reading every role finds it; `file-as` keeps a corporate
  name as written, where calibre would otherwise invert it as if it were a person's;
- `dc:contributor`: translator (`trl`), editor (`edt`), compiler (`com`);
- `dc:date` is the edition's publication date, `dcterms:modified` its last change, never the
  date of the talks, which is `dcterms:temporal` (the content's date); an undated edition has
  no `dc:date` and the fixed `FALLBACK_MODIFIED`, never the clock;
- `pageBreakSource` names the print edition, on its paper, that the page-list follows (DAISY
  Knowledge Base, "Page source"; the older `dc:source` + `source-of` pair is deprecated);
- the accessibility discovery metadata of `accessibility.py`;
- `generator`: the pipeline's name and version.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import ebooklib
from ebooklib import epub
from lxml import etree

from pipeline.context import STYLES_DIR
from pipeline.model import Meta
from pipeline.writers.epub.accessibility import (
    CONFORMS_TO,
    SELF_EVALUATION,
    certifier,
    features,
    summary,
)
from pipeline.writers.epub.plan import BookFile, BookPlan
from pipeline.writers.epub.render import COVER_IMAGE, CSS_FILE, render_ncx
from pipeline.writers.shared import (
    content_date,
    contributors,
    creators,
    edition_date,
    epub_identifier,
    generator,
    print_identifier,
)

log = logging.getLogger(__name__)

STYLESHEET = STYLES_DIR / "epub.css"
NUMBERS_STYLESHEET = STYLES_DIR / "epub-numbers.css"  # appended when paragraphs are numbered
XHTML = "application/xhtml+xml"
NCX = "application/x-dtbncx+xml"

# When the metadata has neither `modified` nor `published`, dcterms:modified must still be a
# fixed value (NOTES.md EbookLib item 6: EbookLib defaults to now()), and never the date of the
# talks. 1980-01-01 is the earliest date a zip entry can carry, the epoch the archive's entries
# are pinned to; the colophon says the edition is undated.
FALLBACK_MODIFIED = datetime(1980, 1, 1, tzinfo=UTC)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# W3C-DTF dates as dc:date and dcterms:temporal take them: a year, a month or a day.
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def modified_date(meta: Meta) -> datetime:
    """`dcterms:modified`: the last change, else the publication, else FALLBACK_MODIFIED; never
    the date of the talks (`meta.date`), never the clock."""
    for name, value in (("modified", meta.modified), ("published", meta.published)):
        value = value.strip()
        if not value:
            continue
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            log.warning(
                "meta.%s %r is not an ISO 8601 date; not used for dcterms:modified", name, value
            )
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).replace(microsecond=0)
    return FALLBACK_MODIFIED


def add_contents(
    book: epub.EpubBook,
    spine: Sequence[BookFile],
    nav: BookFile,
    files: Mapping[str, bytes],
    cover_png: bytes,
    ncx: bytes,
    paragraph_numbers: bool,
) -> None:
    """A book's items and spine, for a record's EPUB and a packet's alike: every XHTML file of
    `spine` (`nav` marked as the nav), the stylesheet, the cover image with its EPUB 2 hint,
    and our NCX."""
    items = {}
    for file in spine:
        item = epub.EpubItem(
            uid=file.name.removesuffix(".xhtml"),
            file_name=file.name,
            media_type=XHTML,
            content=files[file.name],
        )
        if file is nav:
            # Our own nav as a raw item (NOTES.md EbookLib items 2, 5 and 7).
            item.properties = ["nav"]
        items[file.name] = item
        book.add_item(item)
    book.add_item(
        epub.EpubItem(
            uid="css",
            file_name=CSS_FILE,
            media_type="text/css",
            content=stylesheet(paragraph_numbers),
        )
    )
    cover_image = epub.EpubCover(uid="cover-image", file_name=COVER_IMAGE)
    cover_image.media_type = "image/png"
    cover_image.content = cover_png
    book.add_item(cover_image)
    # The EPUB 2 cover hint, for older readers; the page itself is in the spine and the
    # landmarks (NOTES.md item 8).
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    # Its id is the "ncx" that the spine's toc attribute always names (NOTES.md item 4).
    book.add_item(epub.EpubItem(uid="ncx", file_name="toc.ncx", media_type=NCX, content=ncx))
    book.spine = [items[file.name] for file in spine]


def package_book(plan: BookPlan, files: Mapping[str, bytes], cover_png: bytes) -> bytes:
    """The EPUB's bytes: `files` (XHTML by name, as `render.render_book` gives them) with the
    stylesheet, the cover image, the NCX and the package document."""
    meta = plan.doc.meta
    book = epub.EpubBook()
    write_metadata(book, plan, files)
    # Our own NCX, with the page-list EbookLib's cannot write (NOTES.md item 4).
    authors = [person.name for person in creators(meta)]
    ncx = render_ncx(plan, epub_identifier(meta), authors)
    add_contents(book, plan.spine, plan.nav, files, cover_png, ncx, plan.paragraph_numbers)
    book.guide = [
        {"type": "cover", "href": plan.cover.name, "title": "Cover"},
        {"type": "toc", "href": plan.nav.name, "title": "Contents"},
        {
            "type": "text",
            "href": (plan.chapters[0] if plan.chapters else plan.titlepage).name,
            "title": "Start of the record",
        },
    ]
    out = io.BytesIO()
    writer = _Writer(
        out,
        book,
        plan.lang,
        {
            "epub3_pages": False,  # its page-list would list notes and calls (NOTES.md item 5)
            "epub3_landmark": False,
            "raise_exceptions": True,  # NOTES.md item 10
            "mtime": modified_date(meta),  # NOTES.md item 6: never now()
        },
    )
    writer.process()
    writer.write()
    return pin_zip(out.getvalue())


def stylesheet(paragraph_numbers: bool) -> bytes:
    """The book's one stylesheet, with the paragraph numbers' rules when it shows them."""
    css = STYLESHEET.read_bytes()
    return css + b"\n" + NUMBERS_STYLESHEET.read_bytes() if paragraph_numbers else css


def write_metadata(book: epub.EpubBook, plan: BookPlan, files: Mapping[str, bytes]) -> None:
    meta = plan.doc.meta
    book.set_identifier(epub_identifier(meta))
    book.set_title(plan.title)
    if meta.subtitle.strip():
        book.add_metadata("DC", "title", meta.subtitle.strip(), {"id": "subtitle"})
        refine(book, "subtitle", "title-type", "subtitle")
    book.set_language(plan.lang)
    _responsibility(book, plan)
    published = edition_date(meta)
    if ISO_DATE.fullmatch(published):
        book.add_metadata("DC", "date", published)
    elif published:
        log.warning("the edition date %r is not an ISO 8601 date; dc:date left out", published)
    talks = content_date(meta)
    if ISO_DATE.fullmatch(talks):
        # The content's date (DCMI Terms "temporal": the temporal coverage of the resource).
        book.add_metadata(None, "meta", talks, {"property": "dcterms:temporal"})
    elif talks:
        log.warning("meta.date %r is not an ISO 8601 date; dcterms:temporal left out", talks)
    for name, value in (
        ("publisher", meta.publisher),
        ("rights", meta.rights),
        ("description", meta.description),
    ):
        if value.strip():
            book.add_metadata("DC", name, " ".join(value.split()))
    for source in (meta.citation, meta.source_url):
        if source.strip():
            book.add_metadata("DC", "source", " ".join(source.split()))
    for subject in meta.subjects:
        if subject.strip():
            book.add_metadata("DC", "subject", subject.strip())
    if plan.pages:
        book.add_metadata(
            None, "meta", print_identifier(meta, plan.paper), {"property": "pageBreakSource"}
        )
    # EbookLib names itself the generator; the library record wants what made the book.
    made_with = f"{generator()} (EbookLib {'.'.join(map(str, ebooklib.VERSION))})"
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": made_with})
    _accessibility(book, plan, files)


def refine(book: epub.EpubBook, target: str, prop: str, value: str, scheme: str = "") -> None:
    attributes = {"refines": f"#{target}", "property": prop}
    if scheme:
        attributes["scheme"] = scheme
    book.add_metadata(None, "meta", value, attributes)


def _responsibility(book: epub.EpubBook, plan: BookPlan) -> None:
    """One id per person: EbookLib's add_author reuses id="creator" (NOTES.md item 7)."""
    made = contributors(plan.doc.meta)
    for index, person in enumerate((p for p in made if p.creator), start=1):
        book.add_metadata("DC", "creator", person.name, {"id": f"creator-{index}"})
        refine(book, f"creator-{index}", "role", "aut", "marc:relators")
        if person.role != "aut":
            refine(book, f"creator-{index}", "role", person.role, "marc:relators")
        if person.role == "isb":
            # A corporate body is filed under its name as written ("United States. Department
            # of State"), not inverted like a person's.
            refine(book, f"creator-{index}", "file-as", person.name)
    for index, person in enumerate((p for p in made if not p.creator), start=1):
        book.add_metadata("DC", "contributor", person.name, {"id": f"contributor-{index}"})
        refine(book, f"contributor-{index}", "role", person.role, "marc:relators")


def _accessibility(book: epub.EpubBook, plan: BookPlan, files: Mapping[str, bytes]) -> None:
    """The EPUB Accessibility 1.1 discovery metadata (§2) and conformance claim (§5)."""
    meta = plan.doc.meta
    properties: list[tuple[str, str]] = [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "visual"),  # the cover image
        ("schema:accessModeSufficient", "textual"),
        *(("schema:accessibilityFeature", f) for f in features(plan, files)),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary(plan)),
        ("dcterms:conformsTo", CONFORMS_TO),
    ]
    for prop, value in properties:
        book.add_metadata(None, "meta", value, {"property": prop})
    who = certifier(meta)
    book.add_metadata(None, "meta", who, {"property": "a11y:certifiedBy", "id": "certifier"})
    if who != SELF_EVALUATION and meta.accessibility_report.strip():
        book.add_metadata(
            None,
            "link",
            "",
            {
                "rel": "a11y:certifierReport",
                "refines": "#certifier",
                "href": meta.accessibility_report.strip(),
            },
        )


class _Writer(epub.EpubWriter):
    """EbookLib's writer, plus `xml:lang` on the package element, which it cannot set and which
    Ace reports as serious when missing (issue 4)."""

    def __init__(self, out: io.BytesIO, book: epub.EpubBook, lang: str, options: dict) -> None:
        super().__init__(out, book, options)
        self.lang = lang

    def _write_opf_file(self, root: etree._Element) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.lang)
        super()._write_opf_file(root)


def pin_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed entry dates and attributes (NOTES.md item 6): `mimetype`
    first and stored (OCF §4.3), everything else deflated, in EbookLib's order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        names = source.namelist()
        names.sort(key=lambda name: name != "mimetype")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 3  # ZipInfo picks 0 on Windows, 3 elsewhere: pin it
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
