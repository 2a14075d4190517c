"""Turn a checked packet into its documents: each record through the project's own pipeline,
numbered in the packet's order, with ids that stay unique when the records share one file.

Each document is prepared exactly as `python -m pipeline build` prepares it
(`pipeline.pipeline.prepare`: errata, cleaning, parsing, paragraph numbers, typography), so its
text, notes, paragraph numbers and editorial note are those of its single-document editions. A
problem in a document's own files stops the packet with that file's name and line.

In one HTML file (the printed packet) or one EPUB, two records may both have a block `p-12` or a
note `note-3`: every id of document N is prefixed `dN-` (`prefixed`), the model's ids and the
ids the corrections point at alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.context import Context
from pipeline.model import Block, Correction, Document, Note
from pipeline.packet.spec import PacketSpec
from pipeline.pipeline import prepare
from pipeline.writers.shared import note_id

TITLE_PLACE = "title"


@dataclass(frozen=True, slots=True)
class PacketDocument:
    """Document `number` of the packet (1-based): its finished model (ids not yet prefixed) and
    its build context."""

    number: int
    doc: Document
    ctx: Context

    @property
    def prefix(self) -> str:
        return f"d{self.number}-"


def assemble(spec: PacketSpec) -> tuple[PacketDocument, ...]:
    """Every document of the packet, prepared, in the packet's order."""
    return tuple(
        PacketDocument(number, *prepare(folder))
        for number, folder in enumerate(spec.documents, start=1)
    )


def prefixed(doc: Document, prefix: str) -> Document:
    """`doc` with every id (blocks, sessions, notes, and the places corrections name) prefixed,
    so that documents can share one file. Ids the writers make themselves ("title",
    "editorial-note") are prefixed by the packet's templates."""

    def block(item: Block) -> Block:
        return replace(item, id=prefix + item.id) if item.id else item

    def note(item: Note) -> Note:
        return replace(item, id=prefix + note_id(item))

    def correction(item: Correction) -> Correction:
        # "title" names the title block, not an element id (writers/editorial.py).
        keep = item.block_id in ("", TITLE_PLACE)
        return replace(
            item,
            block_id=item.block_id if keep else prefix + item.block_id,
            session=prefix + item.session if item.session else "",
        )

    header = replace(doc.header, blocks=tuple(block(b) for b in doc.header.blocks))
    sessions = tuple(
        replace(
            s,
            id=prefix + s.id if s.id else "",
            blocks=tuple(block(b) for b in s.blocks),
        )
        for s in doc.sessions
    )
    return replace(
        doc,
        header=header,
        sessions=sessions,
        notes=tuple(note(n) for n in doc.notes),
        corrections=tuple(correction(c) for c in doc.corrections),
    )
