"""Turn a Document into the identifiers and lookups one TEI file is written with.

Both profiles claim their xml:id values here, before writing, in one order (regularisation
classes, people behind the errata, speakers, notes, interventions), so the same document always
gets the same ids and no id is used twice; block ids are claimed as the blocks are written
(`Plan.ids`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.model import Correction, Document, Note
from pipeline.writers.tei.common import Responsibility, Speaker, responsibility, speakers
from pipeline.writers.tei.elements import Ids, slug


@dataclass(frozen=True, slots=True)
class Plan:
    ids: Ids
    speakers: dict[str, Speaker]
    responsibility: Responsibility
    note_ids: dict[int, str]
    intervention_ids: dict[str, str]  # errata entry id → xml:id of its mark in the text
    corrections: dict[str, Correction]


def make_plan(
    doc: Document,
    speaker_id: Callable[[str, Ids], str],
    note_id: Callable[[Note], str],
) -> Plan:
    """`speaker_id(identity, ids)` and `note_id(note)` are the profile's naming."""
    ids = Ids()
    # First, so that they are always "regularisation" and "reg-<class>", which reg@ana points to.
    ids.claim("regularisation", "regularisation")
    for name, _ in doc.regularisation_classes:
        ids.claim(f"reg-{slug(name)}", "reg")
    decided = responsibility(doc.corrections, ids)
    people = speakers(doc, lambda identity: speaker_id(identity, ids))
    notes = {note.number: ids.claim(note_id(note), f"note-{note.number}") for note in doc.notes}
    # Every errata entry is marked where it stands: generic, by its TEI element; FRUS, by a seg.
    marks = {c.id: ids.claim(f"c-{slug(c.id)}", "c") for c in doc.corrections}
    return Plan(ids, people, decided, notes, marks, {c.id: c for c in doc.corrections})
