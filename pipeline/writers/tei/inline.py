"""Turn inline content (text, note calls, editorial brackets, interventions) into TEI mixed content.

The walk is the same for both profiles; what differs is how each shows what is not the
record's own words, so a profile passes its `Marks`:

- `editorial(parent, text)`: the source's own square brackets ("[sic]", "[…]", "[Ichiro]");
- `intervention(parent, node, correction, scope, words)`: an errata entry's words
  (`Intervention`); the mark builds its element(s) and calls `words(element)` to fill them.

Notes are written at their call points, whole, the first time they are called (`NotePlacer`);
a later call of the same note, or a call inside a note, is a `ref` to it, so no note is written
twice and notes never nest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import assert_never

from pipeline.model import (
    Correction,
    Editorial,
    Inlines,
    Intervention,
    Note,
    NoteRef,
    Text,
)
from pipeline.writers.tei.common import Responsibility
from pipeline.writers.tei.elements import Element, add_text, child

log = logging.getLogger(__name__)

EditorialMark = Callable[[Element, str], None]
Words = Callable[[Element], None]
"""Writes an intervention's own words into the element given (its mark's element)."""
InterventionMark = Callable[[Element, Intervention, Correction, "Scope", Words], None]


@dataclass(frozen=True, slots=True)
class Marks:
    """How one profile encodes what is not the record's own text (see the module docstring);
    `note_attrs` gives the attributes of a note besides n and xml:id."""

    editorial: EditorialMark
    intervention: InterventionMark
    note_attrs: Mapping[str, str] = field(default_factory=dict)


class NotePlacer:
    """Writes each note at its first call and remembers which were written."""

    def __init__(self, notes: Iterable[Note], note_ids: Mapping[int, str]) -> None:
        self.notes = {note.number: note for note in notes}
        self.ids = dict(note_ids)
        self.placed: set[int] = set()

    def call(self, parent: Element, number: int, scope: Scope, inside_note: bool) -> None:
        note = self.notes.get(number)
        if note is None:
            log.warning("note %d is called but has no text; writing a bare reference", number)
            child(parent, "ref", {"type": "noteref", "n": str(number)})
            return
        if number in self.placed or inside_note:
            # A note written twice would be two notes; a note inside a note is not supported.
            child(parent, "ref", {"type": "noteref", "n": str(number), "target": self.target(note)})
            return
        self.placed.add(number)
        write_note(parent, note, self.ids[number], scope)

    def target(self, note: Note) -> str:
        return f"#{self.ids[note.number]}"

    def unplaced(self) -> list[Note]:
        return [note for number, note in sorted(self.notes.items()) if number not in self.placed]


@dataclass(frozen=True, slots=True)
class Scope:
    """What the walk needs besides the content: the profile's marks, the errata entries by
    id, the xml:id each intervention gets, who decided what and when, and the notes."""

    marks: Marks
    corrections: Mapping[str, Correction]
    intervention_ids: Mapping[str, str]
    responsibility: Responsibility
    notes: NotePlacer
    written: set[str] = field(default_factory=set)  # entries whose mark is in the text

    def mark_id(self, correction: Correction) -> str:
        """The xml:id of an entry's mark; asking for it records that the mark is written."""
        self.written.add(correction.id)
        return self.intervention_ids.get(correction.id, "")

    def mark_pointer(self, correction: Correction) -> str:
        """ "#c-…" for an entry whose mark the text holds, else "" (nothing to point at)."""
        if correction.id not in self.written:
            return ""
        return f"#{self.intervention_ids[correction.id]}"

    def correction(self, node: Intervention) -> Correction | None:
        found = self.corrections.get(node.correction)
        if found is None:
            log.warning(
                "intervention %r has no errata entry; its words are written without their mark",
                node.correction,
            )
        return found

    def decision(self, correction: Correction) -> dict[str, str]:
        """@resp and @change for an intervention, when the errata entry names who and when."""
        return {
            "resp": self.responsibility.resp(correction),
            "change": self.responsibility.change(correction),
        }


def write_inlines(
    parent: Element, content: Inlines, scope: Scope, *, inside_note: bool = False
) -> None:
    for node in content:
        match node:
            case Text(text):
                add_text(parent, text)
            case Editorial(text):
                scope.marks.editorial(parent, text)
            case NoteRef(number):
                scope.notes.call(parent, number, scope, inside_note)
            case Intervention():
                write_intervention(parent, node, scope, inside_note)
            case _:
                assert_never(node)


def write_intervention(
    parent: Element, node: Intervention, scope: Scope, inside_note: bool
) -> None:
    def words(into: Element) -> None:
        write_inlines(into, node.content, scope, inside_note=inside_note)

    correction = scope.correction(node)
    if correction is None:
        words(parent)
        return
    scope.marks.intervention(parent, node, correction, scope, words)


def write_note(parent: Element, note: Note, xml_id: str, scope: Scope) -> Element:
    """A note at its call: one paragraph as the note's own text, several as `p`s."""
    attrs = {"n": str(note.number), "xml:id": xml_id, **scope.marks.note_attrs}
    element = child(parent, "note", attrs)
    if len(note.paragraphs) == 1:
        write_inlines(element, note.paragraphs[0], scope, inside_note=True)
    else:
        for paragraph in note.paragraphs:
            write_inlines(child(element, "p"), paragraph, scope, inside_note=True)
    return element
