"""Turn a Document into units in reading order, each a run of pieces a writer prints.

A unit is the title line, the date line, a header line, a session heading, a body block or a
note paragraph. The pieces mirror what `pipeline/writers/html.py` prints: a turn's label and
its punctuation in the speaker span, a caption field's label and separator, the editors'
angle brackets and ⟨sic⟩ (`marks`), each note call's number. Each piece names the errata
entries whose words it is, so the audit can find an entry's words in a built file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.editorial.audit.words import Piece
from pipeline.model import (
    SIC,
    SUPPLIED_CLOSE,
    SUPPLIED_OPEN,
    Block,
    Closing,
    Document,
    Editorial,
    Field,
    Inlines,
    Intervention,
    NoteRef,
    Omission,
    Paragraph,
    Subheading,
    Text,
    Turn,
    inline_text,
    supplied,
)
from pipeline.stages.typography import PLACEHOLDER

# A note call or editorial bracket in a run's text, as the typography stage joins them: one
# character that no rule matches.
CALL_MARK = PLACEHOLDER

# The classes html.py gives the elements a print style may set in small capitals; which of them
# really are is read from the stylesheet (caps.py).
SPEAKER = "speaker"
FIELD_CAPTION = "field-caption"
SUBHEADING = "subheading"


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece of the model in reading order; `block_id` is the id the writers give it."""

    kind: str
    line: int
    pieces: tuple[Piece, ...]
    note: int = 0  # the note number, for a note paragraph
    block_id: str = ""


def inline_pieces(
    content: Inlines, role: str = "", marks: bool = True, entries: tuple[str, ...] = ()
) -> list[Piece]:
    """Pieces of inline content; `marks` adds the editors' angle brackets and ⟨sic⟩ as the
    editions print them (the source → model step compares words without them)."""
    pieces: list[Piece] = []
    for node in content:
        match node:
            case Text(text):
                pieces.append(Piece(text, role, entries))
            case Editorial(text):
                pieces.append(Piece(f"[{text}]", role, entries))
            case NoteRef(number):
                pieces.append(Piece(str(number), "call", entries))
            case Intervention(correction=correction, kind=kind, content=inner):
                ids = (*entries, correction)
                words = inline_pieces(inner, role, marks, ids)
                if not inline_text(inner).strip():
                    words.append(Piece("", role, ids))  # a deletion: the point where it was
                if marks and kind == "supply":
                    words = [
                        Piece(SUPPLIED_OPEN, role, ids),
                        *words,
                        Piece(SUPPLIED_CLOSE, role, ids),
                    ]
                elif marks and kind == "sic":
                    words = [*words, Piece(f" {supplied(SIC)}", role, ids)]
                pieces.extend(words)
    return pieces


def block_pieces(block: Block, marks: bool = True) -> list[Piece]:
    """A block's pieces, its label first (pipeline/writers/html.py `render_block`)."""
    match block:
        case Turn(label=label, punctuation=punctuation, content=content):
            return [
                Piece(f"{label}{punctuation}", SPEAKER, block.label_corrections),
                Piece(" "),
                *inline_pieces(content, marks=marks),
            ]
        case Field(label=label, separator=separator, content=content):
            ids = block.label_corrections
            if not content:
                return [Piece(f"{label}{separator}", FIELD_CAPTION, ids)]
            if separator == ":":
                return [
                    Piece(f"{label}:", "", ids),
                    Piece(" "),
                    *inline_pieces(content, marks=marks),
                ]
            return [
                Piece(label, "", ids),
                Piece(f" {separator} "),
                *inline_pieces(content, marks=marks),
            ]
        case Subheading(content=content):
            return inline_pieces(content, SUBHEADING, marks=marks)
        case Paragraph(content=content) | Omission(content=content) | Closing(content=content):
            return inline_pieces(content, marks=marks)
    raise TypeError(f"not a block: {block!r}")


def model_units(doc: Document, dateline_line: int = 0, marks: bool = True) -> list[Unit]:
    """The model in the order the source gives it: header, sessions, then the notes.
    `marks`: with the editors' angle brackets and ⟨sic⟩, as printed."""

    def pieces(content: Inlines) -> tuple[Piece, ...]:
        return tuple(inline_pieces(content, marks=marks))

    units = [Unit("title", doc.header.line, pieces(doc.header.title), block_id="title")]
    if doc.header.dateline:
        units.append(Unit("dateline", dateline_line, pieces(doc.header.dateline), block_id="title"))
    for block in doc.header.blocks:
        units.append(Unit("header", block.line, tuple(block_pieces(block, marks)), 0, block.id))
    for session in doc.sessions:
        if session.heading:
            units.append(Unit("heading", session.line, pieces(session.heading), 0, session.id))
        for block in session.blocks:
            kind = type(block).__name__.lower()
            units.append(Unit(kind, block.line, tuple(block_pieces(block, marks)), 0, block.id))
    for note in doc.notes:
        for offset, paragraph in enumerate(note.paragraphs):
            units.append(Unit("note", note.line + offset, pieces(paragraph), note.number, note.id))
    return units


def unit_text(unit: Unit) -> str:
    return "".join(CALL_MARK if p.role == "call" else p.text for p in unit.pieces)


def text_runs(doc: Document) -> Iterator[tuple[int, Inlines]]:
    """Every inline sequence the typography stage sets, with its source line, in the order of
    `pipeline.model.all_inlines` (labels are plain strings: see `labels`)."""
    header = doc.header
    yield header.line, header.title
    yield header.line, header.dateline
    for block in header.blocks:
        yield block.line, block.content
    for session in doc.sessions:
        yield session.line, session.heading
        for block in session.blocks:
            yield block.line, block.content
    for note in doc.notes:
        for offset, paragraph in enumerate(note.paragraphs):
            yield note.line + offset, paragraph


def labels(doc: Document) -> Iterator[tuple[int, str]]:
    """Every label with its punctuation or separator, which no typography rule touches."""
    blocks = [*doc.header.blocks, *(b for s in doc.sessions for b in s.blocks)]
    for block in blocks:
        match block:
            case Turn(label=label, punctuation=punctuation):
                yield block.line, f"{label}{punctuation}"
            case Field(label=label, separator=separator):
                yield block.line, f"{label}{separator}"
