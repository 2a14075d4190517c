"""Turn a document folder or `.txt` into the typo finder's listing: its I/O edge.

`suggest.py` is a pure function on text; this module gathers what it needs from the files: the
source text as the editor sees it, the place (`find`) of every errata entry already written, of
any kind (an emendation, a reading kept on purpose, …), so that it is not proposed again; the
ids already taken; the document's own names (speaker labels and the words of its header, from
the parser); and the accepted wordlists (project-wide and `sources/<id>/words.txt`). Then it
prints, and does nothing else.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.context import Context
from pipeline.editorial.suggest import Suggestion, format_text, suggest, to_json
from pipeline.editorial.wordlist import accepted_words
from pipeline.errors import PipelineError, parse_toml
from pipeline.inputs import InputFile, decoded
from pipeline.limits import check_text
from pipeline.model import Document, Turn, block_text, body_blocks, inline_text
from pipeline.pipeline import resolve
from pipeline.stages.clean import clean
from pipeline.stages.parse import parse
from pipeline.stages.read import read_source


@dataclass(frozen=True, slots=True)
class FinderInputs:
    """What the typo finder is told about one document besides its text."""

    names: frozenset[str]
    accepted: frozenset[str]
    decided: tuple[str, ...]  # the `find` of every errata entry, of any kind
    taken_ids: frozenset[str]  # ids of those entries, so a pasted one never clashes


def document_names(doc: Document) -> frozenset[str]:
    """Names the document itself uses: turn labels and speakers, and the header's words."""
    names: set[str] = set()
    for _, block in body_blocks(doc):
        if isinstance(block, Turn):
            names.update({block.label, block.speaker})
    header = " ".join([inline_text(doc.header.title)] + [block_text(b) for b in doc.header.blocks])
    names.update(re.findall(r"[A-Z][\w’'\-]+", header))
    return frozenset(names)


def names_in(text: str, ctx: Context) -> frozenset[str]:
    """The names of `text` as the parser reads them; none when the parser rejects it (the
    errata may be what is broken, and a source the parser rejects still gets its typos)."""
    try:
        return document_names(parse(clean(text, ctx.source), hints=ctx.settings.hints))
    except PipelineError:
        return frozenset()


def decided_entries(errata: Path | None) -> tuple[tuple[str, ...], frozenset[str]]:
    """The `find` and `id` of every `[[fix]]` table in the errata file, whatever its kind.

    Read from the TOML itself rather than through the errata stage, so that every entry counts,
    including kinds the stage applies differently or not at all ("keep": a reading considered
    and kept at its place)."""
    if errata is None or not errata.is_file():
        return (), frozenset()
    try:
        raw = errata.read_bytes()
    except OSError as error:
        raise PipelineError(f"cannot read errata: {error.strerror}", errata) from None
    # Decoded as a build decodes it (a byte-order mark allowed, UTF-16 named, at its line).
    data = parse_toml(decoded(InputFile(str(errata), raw), "errata"), errata)
    entries = data.get("fix", [])
    entries = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    finds = tuple(e["find"] for e in entries if isinstance(e.get("find"), str) and e["find"])
    ids = frozenset(e["id"] for e in entries if isinstance(e.get("id"), str))
    return finds, ids


def inputs_for(ctx: Context, text: str) -> FinderInputs:
    decided, taken = decided_entries(ctx.errata)
    return FinderInputs(
        names=names_in(text, ctx),
        accepted=accepted_words(ctx.folder),
        decided=decided,
        taken_ids=taken,
    )


def suggestions_for(path: Path) -> tuple[tuple[Suggestion, ...], FinderInputs]:
    ctx = resolve(path)
    text = read_source(ctx.source, encoding=ctx.settings.encoding)
    check_text(text, ctx.source, ctx.settings.limits)  # before the edit distances (issue 13 §6)
    inputs = inputs_for(ctx, text)
    found = suggest(text, names=inputs.names, accepted=inputs.accepted, known_finds=inputs.decided)
    return found, inputs


def suggest_for(path: Path, *, as_json: bool = False) -> int:
    found, inputs = suggestions_for(path)
    if as_json:
        print(json.dumps(to_json(found, taken=inputs.taken_ids), ensure_ascii=False, indent=2))
    else:
        # The listing is an errata file: it records the source it was made from (issue 14 §4).
        print(
            f'source_sha256 = "{hashlib.sha256(resolve(path).source.read_bytes()).hexdigest()}"\n'
        )
        print(format_text(found, taken=inputs.taken_ids), end="")
    return 0
