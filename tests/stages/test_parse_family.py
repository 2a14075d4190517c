"""The reader on records it was not built on, with no configuration (#14 §1, #13 item 2).

Two kinds of material:

- five real FRUS records (`tests/fixtures/family/frus/`) against their known structure, split
  into a TUNING part (Riyadh 1975, Washington 1974-07-10, Geneva 1985), on which the heuristics
  were adjusted, and a HELD-OUT part (New York 1974-12-21, Glassboro 1967), only measured (see
  `family_expectations.py`, which also prints the scores);
- small synthetic records in the export's own layout (`tests/fixtures/family/*.txt`), one per
  quirk, so no test depends on a single real record.
"""

from __future__ import annotations

import pytest

from pipeline.errors import PipelineError
from pipeline.model import Closing, Field, Paragraph, Subheading, Turn, inline_text
from pipeline.pipeline import prepare
from tests.conftest import FIXTURES
from tests.stages.family_expectations import RECORDS, score

FAMILY = FIXTURES / "family"


@pytest.mark.parametrize("expected", RECORDS, ids=lambda e: f"{e.split}:{e.file}")
def test_real_records_have_their_known_structure(expected):
    failed = [f"{c.name}: {c.detail[:200]}" for c in score(expected) if not c.passed]
    assert failed == []


def test_the_split_keeps_two_records_aside():
    assert sum(e.split == "held-out" for e in RECORDS) >= 2
    assert {e.split for e in RECORDS} == {"tuning", "held-out"}


def read(name):
    doc, _ = prepare(FAMILY / name, typography=False)
    return doc


def blocks(doc):
    return [b for s in doc.sessions for b in s.blocks]


def test_issue_14_a_place_only_heading_is_the_first_session_not_a_header_line():
    doc = read("place-only-heading-bom.txt")
    assert [inline_text(s.heading) for s in doc.sessions] == ["Tehran"]
    assert doc.sessions[0].line == 10
    assert all(isinstance(b, Field) for b in doc.header.blocks)
    assert "Tehran" not in [inline_text(b.content) for b in doc.header.blocks]
    # Helms and Atherton are in the header; each turn keeps its own speaker.
    assert [b.speaker for b in blocks(doc)] == [
        "Secretary", "Helms", "Secretary", "Helms", "Atherton", "Secretary",
    ]  # fmt: skip


def test_issue_14_a_meeting_heading_whose_parenthesis_is_not_a_time():
    doc = read("meeting-heading-no-time.txt")
    assert [inline_text(s.heading) for s in doc.sessions] == [
        "Working Dinner of the Secretary and the Prime Minister, King David Hotel "
        "(Secretary’s Suite)",
        "Meeting at the Prime Minister’s Office (continued)",
    ]
    assert all(s.time is None for s in doc.sessions)
    first = doc.sessions[0].blocks
    # The two captions under the heading are headings inside the session, not sessions.
    assert [type(b) for b in first] == [Subheading, Subheading, Paragraph, Paragraph]
    assert inline_text(first[1].content) == "First Working Session"
    assert isinstance(doc.sessions[1].blocks[-1], Closing)


def test_issue_14_a_participant_who_speaks_once_with_full_stop_labels():
    doc = read("once-speaker.txt")
    kinds = [(type(b).__name__, getattr(b, "label", None)) for b in blocks(doc)]
    assert kinds == [
        ("Paragraph", None),  # "Textiles. The Foreign Minister raised …": a topic lead-in
        ("Turn", "The Secretary"),
        ("Turn", "Foreign Minister Kim"),
        ("Turn", "Gleysteen"),  # once, not in the header, between two turns
        ("Turn", "The Secretary"),
        ("Turn", "Habib"),
    ]


def test_issue_14_a_participant_who_speaks_once_with_colon_labels():
    doc = read("once-speaker-colon.txt")
    kinds = [(type(b).__name__, getattr(b, "label", None)) for b in blocks(doc)]
    assert kinds == [
        ("Turn", "The President"),
        ("Paragraph", None),  # "The budget: we have asked …" goes on the President's turn
        ("Turn", "Mansfield"),
        ("Turn", "Kissinger"),
        ("Turn", "Brademas"),  # once, not in the header
        ("Turn", "Kissinger"),
        ("Turn", "Scott"),
    ]
    assert blocks(doc)[1].speaker == "President"


def test_issue_13_a_note_body_in_the_middle_of_the_record_is_an_error_naming_both_lines():
    with pytest.raises(PipelineError) as caught:
        read("misplaced-note-body.txt")
    error = caught.value
    assert error.line == 13  # the body of note 2
    assert "note 2" in error.message and "line 15" in error.message  # the record going on
    assert str(error).startswith(f"{FAMILY / 'misplaced-note-body.txt'}:13: ")


def test_the_existing_family_fixtures_still_read_the_same():
    colon = read("colon-labels-crlf-bom.txt")
    assert [b.label for b in blocks(colon) if isinstance(b, Turn)] == [
        "Gierek", "Ford", "Gierek", "Kissinger (aside to Ford)", "Ford",
    ]  # fmt: skip
    assert [len(n.paragraphs) for n in colon.notes] == [1, 2]
    joined = read("joined-records-cr.txt")
    assert [inline_text(s.heading) for s in joined.sessions] == [
        "First meeting (10:00-12:00)",
        "Second meeting (16:00-18:00)",
    ]
