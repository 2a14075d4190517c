"""Turn a document folder or `.txt` into the typo finder's listing: its I/O edge.

`suggest.py` is a pure function on text; this module gathers what it needs from the files: the
source text as the editor sees it, the `find` of every errata entry already written (so those
places are not proposed again), the document's own names (speaker labels and the words of its
header, from the parser), and the accepted wordlists (project-wide and `sources/<id>/words.txt`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.editorial.suggest import format_text, suggest, to_json
from pipeline.editorial.wordlist import accepted_words
from pipeline.errors import PipelineError
from pipeline.limits import check_text
from pipeline.model import Document, Turn, block_text, body_blocks, inline_text
from pipeline.pipeline import resolve
from pipeline.stages.clean import clean
from pipeline.stages.errata import load_errata
from pipeline.stages.parse import parse
from pipeline.stages.read import read_source


def document_names(doc: Document) -> frozenset[str]:
    """Names the document itself uses: turn labels and speakers, and the header's words."""
    names: set[str] = set()
    for _, block in body_blocks(doc):
        if isinstance(block, Turn):
            names.update({block.label, block.speaker})
    header = " ".join([inline_text(doc.header.title)] + [block_text(b) for b in doc.header.blocks])
    names.update(re.findall(r"[A-Z][\w’'\-]+", header))
    return frozenset(names)


def suggest_for(path: Path, *, as_json: bool = False) -> int:
    ctx = resolve(path)
    text = read_source(ctx.source, encoding=ctx.settings.encoding)
    check_text(text, ctx.source, ctx.settings.limits)  # before the edit distances (issue 13 §6)
    fixes = load_errata(ctx.errata) if ctx.errata else ()
    # Names come from the text as read; the errata may be what is broken, so they are not
    # needed for this, and a source the parser rejects still gets its typos listed.
    try:
        names = document_names(parse(clean(text, ctx.source), hints=ctx.settings.hints))
    except PipelineError:
        names = frozenset()
    found = suggest(
        text,
        names=names,
        accepted=accepted_words(ctx.folder),
        known_finds=tuple(fix.find for fix in fixes),
    )
    if as_json:
        print(json.dumps(to_json(found), ensure_ascii=False, indent=2))
    else:
        print(format_text(found), end="")
    return 0
