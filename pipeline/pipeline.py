"""Turn a document folder (or a bare `.txt`) into the finished Document and its build Context.

The order of the stages is data, each entry with the reason it sits where it does:

    read        bytes → text            decoding only, so line numbers are the file's
    errata      text → text, fixes      before cleaning: `find` is the source as the editor
                                        sees it, export junk included
    clean       text → text             after errata, before parsing: junk out, note markers
                                        become tokens; lines keep their numbers
    parse       text → Document         headings, turns, notes; checks note calls ↔ bodies;
                                        errata marks become Intervention nodes
    metadata    Document → Document     edition.toml over what the text says
    language    Document → Document     after metadata: edition.toml's full tag wins, else
                                        the variant (en-US, en-GB) is inferred from the text
    attach      Document → Document     right after parsing: each Intervention gets its entry
    numbering   Document → Document     paragraph numbers, from the text alone (citations)
    typography  Document → Document     on text runs only, so brackets and calls are protected;
                                        interventions keep their words through every rule
    locate      Document → Document     last: reads each entry's place off the finished tree

A document folder is `sources/<id>/` holding `source.txt` and optionally `errata.toml`,
`edition.toml` and `words.txt`.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from pipeline.context import Context
from pipeline.inputs import DocumentInputs, decoded, document_folder, read_inputs, slug
from pipeline.limits import check_fixes, check_text
from pipeline.metadata import EditionFile, merge_meta, parse_edition
from pipeline.model import Document
from pipeline.stages.clean import clean
from pipeline.stages.errata import (
    Errata,
    apply_errata,
    check_release_errata,
    check_source_hash,
    parse_errata_file,
)
from pipeline.stages.language import choose_language
from pipeline.stages.locate import attach_corrections, locate_corrections
from pipeline.stages.numbering import number_paragraphs
from pipeline.stages.parse import parse
from pipeline.stages.read import decode
from pipeline.stages.typography import apply_typography


def _edition(inputs: DocumentInputs) -> EditionFile:
    if inputs.edition is None:
        return EditionFile()
    return parse_edition(decoded(inputs.edition, "edition settings"), inputs.edition.path)


def context_for(inputs: DocumentInputs) -> Context:
    """The build context of read inputs: where the files are (for messages) and the settings."""
    if inputs.folder is None:
        return Context(id=inputs.id, source=Path(inputs.source.path))
    folder = Path(inputs.folder)
    return Context(
        id=inputs.id,
        source=Path(inputs.source.path),
        folder=folder,
        errata=folder / "errata.toml",
        edition=folder / "edition.toml",
        words=folder / "words.txt",
        settings=_edition(inputs).settings,
    )


def resolve(path: Path) -> Context:
    """Find a document's files from a folder or a `.txt` path (reads only edition.toml)."""
    source, folder = document_folder(Path(path))
    if folder is None:
        return Context(id=slug(source.stem), source=source)
    return context_for(read_inputs(path))


def prepare_inputs(
    inputs: DocumentInputs, *, typography: bool = True, release: bool = False
) -> tuple[Document, Context]:
    """Run every stage on one document's read inputs; `typography=False` stops before the house
    style, to show the text as read (after errata) for inspection and auditing. `release`
    refuses errata entries that are still proposed."""
    ctx = context_for(inputs)
    text = decode(inputs.source.data, encoding=ctx.settings.encoding, path=ctx.source)
    # Sizes first: everything after grows with them, some of it faster than linearly.
    check_text(text, ctx.source, ctx.settings.limits)
    errata_path = inputs.errata.path if inputs.errata else (ctx.errata or "errata.toml")
    errata = (
        parse_errata_file(decoded(inputs.errata, "errata"), errata_path)
        if inputs.errata
        else Errata()
    )
    check_fixes(errata.fixes, errata_path, ctx.settings.limits)
    if release:
        check_release_errata(errata, inputs.source.data, errata_path)
    source_sha256 = hashlib.sha256(inputs.source.data).hexdigest()
    check_source_hash(errata, source_sha256, errata_path)  # a warning, short of a release
    text, corrections = apply_errata(
        text, errata.fixes, errata_path=errata_path, source_path=ctx.source
    )
    doc = parse(clean(text, ctx.source), hints=ctx.settings.hints, path=ctx.source)
    doc = replace(
        doc,
        meta=merge_meta(doc.meta, _edition(inputs).meta, ctx.id),
        corrections=corrections,
        regularisation_classes=errata.classes,
        source_sha256=source_sha256,
    )
    doc = choose_language(doc)  # after edition.toml: its full tag wins over the inference
    doc = number_paragraphs(attach_corrections(doc))
    if typography:
        doc = apply_typography(doc)
    return locate_corrections(doc), ctx


def prepare(
    path: Path, *, typography: bool = True, release: bool = False
) -> tuple[Document, Context]:
    """Read a document folder or `.txt` and run every stage on it (see `prepare_inputs`)."""
    return prepare_inputs(read_inputs(path), typography=typography, release=release)
