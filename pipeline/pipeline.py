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
from pipeline.errors import PipelineError
from pipeline.metadata import load_edition, merge_meta
from pipeline.model import Correction, Document, inline_text
from pipeline.stages.clean import clean
from pipeline.stages.errata import apply_errata, load_errata
from pipeline.stages.parse import parse
from pipeline.stages.read import read_source
from pipeline.stages.typography import apply_typography


def resolve(path: Path) -> Context:
    """Find a document's files from a folder or a `.txt` path."""
    path = Path(path)
    if path.is_dir():
        source = path / "source.txt"
        if not source.is_file():
            raise PipelineError("a document folder must hold source.txt", path)
        folder: Path | None = path
    elif path.is_file():
        source = path
        folder = path.parent if path.name == "source.txt" else None
    else:
        raise PipelineError("no such file or folder", path)
    if folder is None:
        return Context(id=_slug(source.stem), source=source)
    edition = folder / "edition.toml"
    context = Context(
        id=_slug(folder.name),
        source=source,
        folder=folder,
        errata=folder / "errata.toml",
        edition=edition,
        words=folder / "words.txt",
    )
    return replace(context, settings=load_edition(edition).settings)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip("-") or "document"


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


def prepare(path: Path, *, typography: bool = True) -> tuple[Document, Context]:
    """Run every stage on one document; `typography=False` stops before the house style, to
    show the text as read (after errata) for inspection and auditing."""
    ctx = resolve(path)
    text = read_source(ctx.source, encoding=ctx.settings.encoding)
    fixes = load_errata(ctx.errata) if ctx.errata else ()
    text, corrections = apply_errata(
        text, fixes, errata_path=ctx.errata or "errata.toml", source_path=ctx.source
    )
    doc = parse(clean(text, ctx.source), hints=ctx.settings.hints, path=ctx.source)
    given = load_edition(ctx.edition).meta if ctx.edition else {}
    doc = replace(doc, meta=merge_meta(doc.meta, given, ctx.id), corrections=corrections)
    if typography:
        doc = apply_typography(doc)
    return locate_corrections(doc), ctx
