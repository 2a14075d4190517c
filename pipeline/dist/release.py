"""Turn a folder of document folders into a library release: `output/dist/`, whole or not at all.

    write_release(Path("sources"), Path("output/dist")) -> Release

Every document's metadata is checked first for what a catalogue needs
(`catalogue.check_catalogue`: a missing title, date, language or rights in any document stops
the release before anything is laid out). Then, for each document in name order, its EPUB and
print PDF are built by `build.build_one`, its archival PDF/UA file by `archival.py`, its cover
and thumbnail taken from the EPUB. Then the records of all of them: MARC 21, ONIX 3.0, OPDS 1.2
and 2.0. The whole payload becomes a BagIt bag with SHA256SUMS (`bag.py`), written by
`output.publish` in one swap: a failed or interrupted release leaves the earlier one as it was.

Layout of the release (under `data/`, the bag's payload):

    catalog.xml  catalog.json  onix.xml  records.mrc  records.xml
    <id>/<id>.epub  <id>/<id>.pdf  <id>/<id>.pdfua.pdf  <id>/cover.png  <id>/thumbnail.png
    <id>/marc/epub.mrc  <id>/marc/epub.xml  <id>/marc/print.mrc  <id>/marc/print.xml
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.context import Context
from pipeline.dist import bag, covers, marc, onix, opds
from pipeline.dist.archival import VARIANT
from pipeline.dist.catalogue import Entry, check_catalogue, checked_base_url, entry_for
from pipeline.errors import PipelineError
from pipeline.inputs import DocumentInputs, read_inputs
from pipeline.model import Document
from pipeline.output import publish
from pipeline.writers.shared import generator

TOP_LEVEL = frozenset({bag.PAYLOAD, bag.CHECKSUMS, *bag.TAG_FILES})


@dataclass(frozen=True, slots=True)
class Release:
    """The release's files (names relative to the release folder → bytes) and its entries."""

    files: Mapping[str, bytes]
    entries: tuple[Entry, ...]


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _checked(folder: Path, paper: str | None) -> tuple[DocumentInputs, Document, Context]:
    """A document's inputs and finished model, refused if a catalogue would lack anything;
    with `paper`, its print edition on that paper instead of edition.toml's."""
    from pipeline.pipeline import prepare_inputs

    inputs = read_inputs(folder)
    doc, ctx = prepare_inputs(inputs, release=True)
    if paper is not None:
        ctx = replace(ctx, settings=replace(ctx.settings, paper=paper))
    check_catalogue(doc, ctx)
    return inputs, doc, ctx


def _document(
    inputs: DocumentInputs, doc: Document, ctx: Context
) -> tuple[Entry, dict[str, bytes]]:
    """One document's files in the payload, and its catalogue entry."""
    from pipeline.build import build_one

    edition = build_one(inputs, ("pdf", "epub"), ctx.settings.paper, archival=VARIANT)
    epub = edition.files[f"{ctx.id}.epub"]
    pdf = edition.files[f"{ctx.id}.pdf"]
    cover = covers.epub_cover(epub, f"{ctx.id}.epub")
    small = covers.thumbnail(cover)
    entry = entry_for(doc, ctx, _pages(pdf))
    entry = replace(
        entry, cover_size=covers.image_size(cover), thumbnail_size=covers.image_size(small)
    )
    files = {
        entry.epub.path: epub,
        entry.print.path: pdf,
        entry.archival: edition.files[f"{ctx.id}.pdfua.pdf"],
        entry.cover: cover,
        entry.thumbnail: small,
    }
    return entry, files


def build_release(
    root: Path,
    started: Callable[[str], None] = lambda name: None,
    base_url: str = "",
    paper: str | None = None,
) -> Release:
    """Every document under `root` and the records of all of them, as a bag (nothing written).
    With `base_url` (checked: `catalogue.checked_base_url`), the records link each file at its
    address under it; without, by its path inside the payload. With `paper` (a key of
    PAPER_SIZES), every print edition is on that paper, and so are its records."""
    if base_url:
        base_url = checked_base_url(base_url)
    from pipeline.batch import find_documents

    folders = find_documents(root)
    if not folders:
        raise PipelineError("no document folders (holding source.txt) to release", root)
    # Every document is checked before any is laid out: a missing field in the last one
    # stops the release at once, not after minutes of building the others.
    checked = [_checked(folder, paper) for folder in folders]
    ids = [ctx.id for _, _, ctx in checked]
    if len(set(ids)) < len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise PipelineError(f"two documents have the id {twice}", root)
    entries: list[Entry] = []
    payload: dict[str, bytes] = {}
    epubs: dict[str, bytes] = {}
    for inputs, doc, ctx in checked:
        started(ctx.id)
        entry, files = _document(inputs, doc, ctx)
        entry = replace(entry, base_url=base_url)
        entries.append(entry)
        payload.update(files)
        epubs[entry.id] = files[entry.epub.path]
    payload.update(marc.marc_files(entries))
    payload["onix.xml"] = onix.onix_message(entries, epubs)
    payload[opds.CATALOG_XML] = opds.opds_atom(entries)
    payload[opds.CATALOG_JSON] = opds.opds_json(entries)
    publishers = sorted({e.publisher for e in entries if e.publisher})
    info = bag.BagInfo(
        source_organization=", ".join(publishers),
        bagging_date=max(e.modified for e in entries),
        description=f"Library release of {len(entries)} record(s) of talks, "
        f"{2 * len(entries)} editions: EPUB, print PDF and archival PDF/UA files, with "
        "MARC 21, ONIX 3.0 and OPDS records.",
        software=generator(),
    )
    return Release(bag.bag_files(payload, info), tuple(entries))


def write_release(
    root: Path,
    out_dir: Path,
    started: Callable[[str], None] = lambda name: None,
    base_url: str = "",
    paper: str | None = None,
) -> Release:
    """Build the release and make `out_dir` hold it, replacing an earlier one in one step."""
    release = build_release(root, started, base_url, paper)
    earlier = tuple(p.name for p in out_dir.iterdir()) if out_dir.is_dir() else ()
    publish(
        out_dir,
        release.files,
        remove=tuple(name for name in earlier if name in TOP_LEVEL),
        owned=lambda name: name in TOP_LEVEL,
    )
    return release
