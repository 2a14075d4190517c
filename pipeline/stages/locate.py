"""Turn a parsed Document and its applied errata into one where each intervention knows its
entry and each entry knows its place.

    Intervention(correction="0", kind="")  →  Intervention(correction="spheres", kind="emend")
    Correction("spheres", block_id="")     →  Correction("spheres", block_id="p12", session="s1",
                                                         paragraph=12)

The parser names an intervention by the position of its entry (errata.py's marks carry only
that); `attach_corrections` gives it the entry's id and kind. `locate_corrections` then reads
each entry's place off the tree: the block, heading, title or note holding its node, the session,
the paragraph number, and whether it changed a label. An entry with no node (one that changed only
export markup, such as a note's bookmark) keeps the place of its source line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from pipeline.model import (
    Block,
    Correction,
    Document,
    Field,
    Inlines,
    Intervention,
    Turn,
    interventions,
    map_inlines,
)


def _resolve(content: Inlines, corrections: tuple[Correction, ...]) -> Inlines:
    out = []
    for node in content:
        if isinstance(node, Intervention):
            entry = corrections[int(node.correction)]
            node = Intervention(entry.id, entry.kind, _resolve(node.content, corrections))
        out.append(node)
    return tuple(out)


def _labels(block: Block, corrections: tuple[Correction, ...]) -> Block:
    if isinstance(block, Turn | Field) and block.label_corrections:
        ids = tuple(corrections[int(k)].id for k in block.label_corrections)
        return replace(block, label_corrections=ids)
    return block


def attach_corrections(doc: Document) -> Document:
    """Give every Intervention node (and every label's correction) its entry's id and kind."""
    corrections = doc.corrections
    doc = map_inlines(doc, lambda content: _resolve(content, corrections))
    header = replace(doc.header, blocks=tuple(_labels(b, corrections) for b in doc.header.blocks))
    sessions = tuple(
        replace(s, blocks=tuple(_labels(b, corrections) for b in s.blocks)) for s in doc.sessions
    )
    return replace(doc, header=header, sessions=sessions)


@dataclass(frozen=True, slots=True)
class Place:
    block_id: str
    session: str = ""
    paragraph: int = 0
    note_number: int = 0
    in_label: bool = False


def _places(doc: Document) -> Iterator[tuple[str, Place, int]]:
    """(correction id, its place, the source line of its element) for every node in the tree."""
    header = doc.header
    for content, line in ((header.title, header.line), (header.dateline, header.line)):
        for node in interventions(content):
            yield node.correction, Place("title"), line
    for block in header.blocks:
        yield from _block_places(block, Place(block.id))
    for session in doc.sessions:
        for node in interventions(session.heading):
            yield node.correction, Place(session.id, session.id), session.line
        for block in session.blocks:
            paragraph = getattr(block, "number", 0)
            yield from _block_places(block, Place(block.id, session.id, paragraph))
    for note in doc.notes:
        for paragraph in note.paragraphs:
            for node in interventions(paragraph):
                yield node.correction, Place(note.id, note_number=note.number), note.line


def _block_places(block: Block, place: Place) -> Iterator[tuple[str, Place, int]]:
    if isinstance(block, Turn | Field):
        for correction in block.label_corrections:
            yield correction, replace(place, in_label=True), block.line
    for node in interventions(block.content):
        yield node.correction, place, block.line


def _by_line(doc: Document, line: int) -> Place:
    """The place of the last element starting on or before `line` (for an entry with no
    node: it changed only export markup)."""
    best, best_line = Place(""), 0
    for _, place, start in _places_of_elements(doc):
        if best_line <= start <= line:
            best, best_line = place, start
    return best


def _places_of_elements(doc: Document) -> Iterator[tuple[str, Place, int]]:
    yield "", Place("title"), doc.header.line
    for block in doc.header.blocks:
        yield "", Place(block.id), block.line
    for session in doc.sessions:
        if session.line:
            yield "", Place(session.id, session.id), session.line
        for block in session.blocks:
            yield "", Place(block.id, session.id, getattr(block, "number", 0)), block.line
    for note in doc.notes:
        yield "", Place(note.id, note_number=note.number), note.line


def locate_corrections(doc: Document) -> Document:
    """Say where each applied entry falls in the edition (see the module docstring)."""
    found: dict[str, Place] = {}
    for correction_id, place, _ in _places(doc):
        found.setdefault(correction_id, place)
    located = []
    for correction in doc.corrections:
        place = found.get(correction.id) or _by_line(doc, correction.line)
        located.append(
            replace(
                correction,
                block_id=place.block_id,
                session=place.session,
                paragraph=place.paragraph,
                note_number=place.note_number,
                in_label=place.in_label,
            )
        )
    return replace(doc, corrections=tuple(located))
