"""Turn one document's inputs into the files of its editions: names → bytes, nothing written.

    build_one(inputs, ("pdf", "epub", "tei"), paper=None, tei_profile="generic") -> Edition

One print layout serves the PDF, the errata reports' page column and the EPUB's page-list: the
EPUB never lays the print edition out again. The TEI file needs no layout: a TEI-only build
lays nothing out (and does not even import WeasyPrint). The function reads nothing but its
arguments (and the project's own code, templates, styles and fonts), so the same call runs in
this process, in a local worker process or on a Dask worker, and `output.publish` writes what it
returns.

The build stamp (`.build.json` in the output folder) records, per format, the fingerprint of
everything the edition was made from: the input files' bytes, the paper, and the project's code,
templates, styles and the versions of the libraries that shape the output. An edition whose
stamp matches is up to date; content hashes rather than file times, so this holds after a fresh
clone too.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from pipeline.context import PAPER_SIZES, PROJECT_ROOT, Context
from pipeline.errors import PipelineError
from pipeline.inputs import DocumentInputs
from pipeline.interrupts import stop_if_interrupted
from pipeline.model import Document
from pipeline.versions import version_of

LOGGER = logging.getLogger(__name__)

FORMATS = ("pdf", "epub", "tei")
# What a build writes when no format is asked for: the print and ebook editions (TEI on request).
DEFAULT_FORMATS = ("pdf", "epub")
STAMP = ".build.json"
STAMP_VERSION = 1

# The libraries whose version changes the bytes of an edition.
SHAPING_LIBRARIES = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "pyphen",
    "ebooklib",
    "lxml",
    "jinja2",
    "pillow",
)
# What the project itself contributes to every edition.
CODE_FOLDERS = ("pipeline", "templates", "styles")
_CODE_SUFFIXES = frozenset({".py", ".txt", ".toml", ".j2", ".css", ".otf", ".ttf", ".png", ".svg"})


@dataclass(frozen=True, slots=True)
class Edition:
    """One document's built files (name in its output folder → bytes) and the fingerprint of
    the code that made them (a Dask worker must run the same code as the client)."""

    id: str
    files: Mapping[str, bytes]
    code: str


def edition_file_names(document_id: str) -> tuple[str, ...]:
    """Every name a build may write into a document's output folder."""
    return (
        f"{document_id}.pdf",
        "errata.json",
        "errata.csv",
        "normalisation.json",
        f"{document_id}.epub",
        f"{document_id}.xml",
        STAMP,
    )


def owned_by_edition(document_id: str, name: str) -> bool:
    """Whether `name` in an output folder belongs to the edition (`make proof` adds proof/)."""
    return name in edition_file_names(document_id) or name == "proof"


def format_files(document_id: str, fmt: str) -> tuple[str, ...]:
    """The files one format writes."""
    if fmt == "pdf":
        return (f"{document_id}.pdf", "errata.json", "errata.csv", "normalisation.json")
    if fmt == "tei":
        return (f"{document_id}.xml",)
    return (f"{document_id}.epub",)


@cache
def code_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """SHA-256 over the project's code, templates, styles and fonts and the shaping libraries'
    versions: any change to these can change an edition's bytes."""
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    versions = installed_versions()
    for library in SHAPING_LIBRARIES:
        digest.update(f"{library}=={versions.get(library, 'missing')}\0".encode())
    return digest.hexdigest()


@cache
def installed_versions() -> dict[str, str]:
    """The shaping libraries' installed versions (pipeline/versions.py reads them)."""
    return {
        library: release
        for library in SHAPING_LIBRARIES
        if (release := version_of(library)) is not None
    }


def input_fingerprint(
    inputs: DocumentInputs, paper: str | None, code: str, tei_profile: str = "generic"
) -> str:
    """The fingerprint of one edition: its inputs, the paper and TEI profile chosen, the code."""
    digest = hashlib.sha256()
    for part in (inputs.source, inputs.errata, inputs.edition):
        digest.update(b"\1" if part is None else b"\2" + hashlib.sha256(part.data).digest())
    digest.update(f"paper={paper or ''}\0tei={tei_profile}\0code={code}".encode())
    return digest.hexdigest()


def stamp_bytes(document: str, fingerprints: Mapping[str, str], sizes: Mapping[str, int]) -> bytes:
    """The build stamp: which document the folder holds, each format's fingerprint, and the
    size of each file (a file removed or replaced by hand makes the edition out of date)."""
    stamp = {
        "stamp": STAMP_VERSION,
        "document": document,
        "formats": dict(sorted(fingerprints.items())),
        "files": dict(sorted(sizes.items())),
    }
    return (json.dumps(stamp, indent=2, ensure_ascii=False) + "\n").encode()


def read_stamp(out_dir: Path) -> dict | None:
    try:
        stamp = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) and stamp.get("stamp") == STAMP_VERSION else None


@cache
def _check_machine() -> None:
    """The doctor's early check, once per process: on a Dask worker that lacks Pango, each
    document fails with the doctor's sentence instead of an OSError from inside WeasyPrint."""
    from pipeline.doctor import require_build_dependencies

    require_build_dependencies()


def build_one(
    inputs: DocumentInputs,
    formats: Sequence[str],
    paper: str | None = None,
    tei_profile: str = "generic",
    archival: str | None = None,
) -> Edition:
    """Build the requested editions of one document (see the module docstring). `archival`
    (a key of `writers.pdf.PDF_VARIANTS`, with "pdf" asked for) also writes the print edition
    as that variant, `<id>.pdfua.pdf`, from the same layout: the same pages, tagged."""
    try:
        return _build_one(inputs, formats, paper, tei_profile, archival)
    finally:
        _release_layouts()


def _release_layouts(scan: bool = False) -> None:
    """Remove the fonts WeasyPrint copied for this build's layouts (see
    `writers.pdf.release_fonts`). With `scan`, also those of any FontConfiguration made
    elsewhere (a test's or a benchmark's own), found among the live objects, uncollected
    cycles included: a fraction of a full collection, but too dear for every build."""
    fonts = sys.modules.get("weasyprint.text.fonts")
    # Only the print writer makes layouts (`writers.pdf.font_configuration`): if it was never
    # imported there is nothing to remove, and importing it here, in a `finally`, would run
    # WeasyPrint's imports again after a Ctrl-C or SIGTERM stopped them halfway (fontTools'
    # subsetter then fails on the methods its first half added: "Oops, class 'Coverage' has
    # method 'intersect'"), which turned an interruption into an internal error.
    pdf = sys.modules.get("pipeline.writers.pdf")
    if fonts is None or pdf is None:
        return
    pdf.release_fonts()
    if not scan:
        return
    for found in gc.get_objects():
        if isinstance(found, fonts.FontConfiguration) and getattr(found, "_folder", None):
            shutil.rmtree(found._folder, ignore_errors=True)
            found._folder = None


def _build_one(
    inputs: DocumentInputs,
    formats: Sequence[str],
    paper: str | None,
    tei_profile: str,
    archival: str | None = None,
) -> Edition:
    from pipeline.pipeline import prepare_inputs
    from pipeline.writers.tei import PROFILE_NAMES

    _check_machine()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or (paper is not None and paper not in PAPER_SIZES):
        raise ValueError(f"unknown format or paper: {unknown or paper}")
    if tei_profile not in PROFILE_NAMES:
        raise ValueError(f"unknown TEI profile: {tei_profile}")
    doc, ctx = prepare_inputs(inputs)
    stop_if_interrupted()  # between steps, a Ctrl-C dropped on the way stops the build
    if paper:
        ctx = replace(ctx, settings=replace(ctx.settings, paper=paper))
    files: dict[str, bytes] = {}
    if "pdf" in formats or "epub" in formats:
        files.update(_print_and_ebook(doc, ctx, formats, archival))
    if "tei" in formats:
        from pipeline.writers.tei import write_tei

        files[f"{ctx.id}.xml"] = write_tei(doc, ctx, tei_profile)
    return Edition(id=ctx.id, files=files, code=code_fingerprint())


def _print_and_ebook(
    doc: Document, ctx: Context, formats: Sequence[str], archival: str | None = None
) -> dict[str, bytes]:
    from pipeline.writers import reports
    from pipeline.writers.pagemap import page_starts_from_layout
    from pipeline.writers.pdf import render_print, write_pdf

    files: dict[str, bytes] = {}
    # One print layout serves the PDF, the errata files' page column and the page-list.
    try:
        rendered = render_print(doc, ctx)
    except PipelineError as error:
        if "pdf" in formats:
            raise
        # An ebook alone does not depend on the print layout succeeding: it is built without
        # a page-list (and without claiming page navigation), and the reason is logged.
        LOGGER.warning("no page-list: the print layout failed: %s", error)
        rendered = None
    stop_if_interrupted()
    if "pdf" in formats and rendered is not None:
        pages: dict[str, int] = {}
        for number, page in enumerate(rendered.pages, start=1):
            for anchor in page.anchors:
                pages.setdefault(anchor, number)
        files[f"{ctx.id}.pdf"] = write_pdf(doc, ctx, rendered)
        if archival is not None:
            # A PDF variant is written, not laid out: the same layout gives the same pages.
            files[f"{ctx.id}.pdfua.pdf"] = write_pdf(doc, ctx, rendered, variant=archival)
        files["errata.json"] = reports.errata_json(doc, pages)
        files["errata.csv"] = reports.errata_csv(doc, pages)
        files["normalisation.json"] = reports.normalisation_json(doc)
    if "epub" in formats:
        from pipeline.checks.xml import check_epub
        from pipeline.writers.epub import write_epub

        starts = page_starts_from_layout(doc, rendered) if rendered is not None else ()
        files[f"{ctx.id}.epub"] = write_epub(doc, ctx, starts)
        # Before anything is published: an EPUB that is not well-formed is never written.
        check_epub(files[f"{ctx.id}.epub"], f"{ctx.id}.epub")
    return files
