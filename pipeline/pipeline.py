"""Turn a document folder (or a bare `.txt`) into the finished Document and its build Context.

The order of the stages is data, each entry with the reason it sits where it does:

    read        bytes → text            decoding only, so line numbers are the file's
    errata      text → text, fixes      before cleaning: `find` is the source as the editor
                                        sees it, export junk included
    clean       text → text             after errata, before parsing: junk out, note markers
                                        become tokens; lines keep their numbers
    parse       text → Document         headings, turns, notes; checks note calls ↔ bodies
    metadata    Document → Document     edition.toml over what the text says
    typography  Document → Document     on text runs only, so brackets and calls are protected
    locate      Document → Document     last: names each fix's place by the headings as printed

A document folder is `sources/<id>/` holding `source.txt` and optionally `errata.toml`,
`edition.toml` and `words.txt`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.context import Context
from pipeline.inputs import DocumentInputs, decoded, document_folder, read_inputs, slug
from pipeline.metadata import EditionFile, merge_meta, parse_edition
from pipeline.model import Correction, Document, inline_text
from pipeline.stages.clean import clean
from pipeline.stages.errata import apply_errata, parse_errata
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


def locate_corrections(doc: Document) -> Document:
    """Say where each applied fix falls in the edition: session, paragraph number, block id.

    Every element starts on a known source line; a fix belongs to the last element starting
    on or before its own line (a note's later paragraphs, the date line under the title)."""
    where: dict[int, tuple[str, int, str]] = {doc.header.line: ("", 0, "title")}
    for block in doc.header.blocks:
        where[block.line] = ("", 0, block.id)
    paragraph = 0
    for session in doc.sessions:
        heading = inline_text(session.heading)
        if session.line:
            where[session.line] = (heading, 0, session.id)
        for block in session.blocks:
            paragraph += 1
            where[block.line] = (heading, paragraph, block.id)
    for note in doc.notes:
        where[note.line] = ("", 0, note.id)
    located: list[Correction] = []
    for correction in doc.corrections:
        candidates = [ln for ln in where if ln <= correction.line]
        session, paragraph, block_id = where[max(candidates)] if candidates else ("", 0, "")
        located.append(replace(correction, session=session, paragraph=paragraph, block_id=block_id))
    return replace(doc, corrections=tuple(located))


def prepare_inputs(inputs: DocumentInputs, *, typography: bool = True) -> tuple[Document, Context]:
    """Run every stage on one document's read inputs; `typography=False` stops before the house
    style, to show the text as read (after errata) for inspection and auditing."""
    ctx = context_for(inputs)
    text = decode(inputs.source.data, encoding=ctx.settings.encoding, path=ctx.source)
    errata_path = inputs.errata.path if inputs.errata else (ctx.errata or "errata.toml")
    fixes = parse_errata(decoded(inputs.errata, "errata"), errata_path) if inputs.errata else ()
    text, corrections = apply_errata(text, fixes, errata_path=errata_path, source_path=ctx.source)
    doc = parse(clean(text, ctx.source), hints=ctx.settings.hints, path=ctx.source)
    doc = replace(
        doc, meta=merge_meta(doc.meta, _edition(inputs).meta, ctx.id), corrections=corrections
    )
    if typography:
        doc = apply_typography(doc)
    return locate_corrections(doc), ctx


def prepare(path: Path, *, typography: bool = True) -> tuple[Document, Context]:
    """Read a document folder or `.txt` and run every stage on it (see `prepare_inputs`)."""
    return prepare_inputs(read_inputs(path), typography=typography)
