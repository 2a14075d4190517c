"""Interventions as nodes (issue 14 §2–3): each kind of errata entry marks exactly its words,
the marks survive cleaning, parsing and typography as Intervention nodes, and each entry's
place is read off the tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.model import (
    Field,
    Intervention,
    Text,
    Turn,
    body_blocks,
    inline_text,
    interventions,
)
from pipeline.pipeline import prepare
from pipeline.stages.errata import Fix, _span, check_release, parse_errata_file
from tests.conftest import export


@pytest.mark.parametrize(
    ("kind", "find", "replace", "reading", "expected"),
    [
        ("emend", "become these of good", "become those of good", "", "those"),
        ("emend", "Mr. Genera Secterary", "Mr. General Secretary", "", "General Secretary"),
        ("emend", "population The USSR", "population. The USSR", "", "population."),
        ("emend", "for your to make", "for you to make", "", "you"),
        ("emend", "read the the report", "read the report", "", ""),  # a point: whole word gone
        ("supply", "read report", "read the report", "", "the"),
        ("sic", "China, Holand.", "China, Holand.", "Holand", "Holand"),
        ("keep", "Cederburg said", "Cederburg said", "Cederburg", "Cederburg"),
        ("emend", "[Ichro] Hatoyama", "[Ichiro] Hatoyama", "", "[Ichiro]"),  # bracket whole
        ("emend", '"Teh report', '"The report', "", "The"),  # the quote is context
        ("emend", "in (teh) morning", "in (the) morning", "", "the"),
    ],
)
def test_each_kind_marks_exactly_its_words(kind, find, replace, reading, expected):
    fix = Fix("x", find, replace, "why", kind=kind, reading=reading)
    start, stop = _span(fix)
    assert replace[start:stop] == expected


def folder_with(tmp_path: Path, errata: str, *paragraphs: str) -> Path:
    folder = tmp_path / "doc"
    folder.mkdir()
    body = paragraphs or (
        "Tanaka. Please read the report and teh annex.",
        "Brezhnev. We visited Holand and read report.",
    )
    (folder / "source.txt").write_text(
        export("1 May 1970", "Participants: Tanaka; Brezhnev", "Meeting (10:00)", *body),
        encoding="utf-8",
    )
    (folder / "errata.toml").write_text(errata, encoding="utf-8")
    return folder


KINDS = """
[classes]
spelling = "Obvious misspellings of common words are corrected silently."

[[fix]]
id = "the-annex"
find = "teh annex"
replace = "the annex"
kind = "regularise"
class = "spelling"

[[fix]]
id = "holland"
kind = "sic"
find = "visited Holand"
reading = "Holand"
reason = "the translator's spelling, kept"

[[fix]]
id = "the-report"
kind = "supply"
find = "read report"
replace = "read the report"
reason = "a missing article"
by = "S. R."
date = "2026-11-28"
"""


def test_every_kind_becomes_a_node_with_its_entry_and_place(tmp_path):
    doc, _ = prepare(folder_with(tmp_path, KINDS))
    found = {
        node.correction: (block, node)
        for _, block in body_blocks(doc)
        for node in interventions(block.content)
    }
    assert set(found) == {"the-annex", "holland", "the-report"}
    block, node = found["the-report"]
    assert (node.kind, node.content) == ("supply", (Text("the"),))
    assert "read ⟨the⟩ report" in inline_text(block.content)
    assert "Holand ⟨sic⟩" in inline_text(found["holland"][0].content)
    by_id = {c.id: c for c in doc.corrections}
    assert by_id["the-report"].paragraph == found["the-report"][0].number == 2
    assert by_id["the-report"].session == doc.sessions[0].id
    assert (by_id["the-report"].by, by_id["the-report"].date) == ("S. R.", "2026-11-28")
    assert by_id["the-annex"].reason.startswith("Obvious misspellings")  # the class says why
    assert doc.regularisation_classes == (
        ("spelling", "Obvious misspellings of common words are corrected silently."),
    )


def test_a_correction_in_a_speaker_label_keeps_the_turn(tmp_path):
    errata = '[[fix]]\nid = "title"\nfind = "Secterary Kissinger."\n'
    errata += 'replace = "Secretary Kissinger."\nreason = "typo"\n'
    doc, _ = prepare(folder_with(tmp_path, errata, "Secterary Kissinger. Good morning to you all."))
    (turn,) = [b for _, b in body_blocks(doc)]
    assert isinstance(turn, Turn) and turn.label == "Secretary Kissinger"
    assert turn.label_corrections == ("title",)
    assert inline_text(turn.content) == "Good morning to you all."
    (correction,) = doc.corrections
    assert correction.in_label and correction.block_id == turn.id


def test_a_correction_in_a_header_field_label(tmp_path):
    errata = (
        '[[fix]]\nid = "p"\nfind = "Participnts:"\nreplace = "Participants:"\nreason = "typo"\n'
    )
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "source.txt").write_text(
        export("1 May 1970", "Participnts: Tanaka; Brezhnev", "Meeting (10:00)", "Tanaka. Yes."),
        encoding="utf-8",
    )
    (folder / "errata.toml").write_text(errata, encoding="utf-8")
    doc, _ = prepare(folder)
    (field,) = doc.header.blocks
    assert isinstance(field, Field) and field.label == "Participants"
    assert field.label_corrections == ("p",)
    assert inline_text(field.content) == "Tanaka; Brezhnev"


def test_typography_keeps_an_intervention_and_pairs_quotes_across_it(tmp_path):
    errata = '[[fix]]\nid = "the"\nfind = "\\"Teh report"\nreplace = "\\"The report"\n'
    errata += 'reason = "typo"\n'
    doc, _ = prepare(folder_with(tmp_path, errata, 'Tanaka. He said "Teh report is ready."'))
    (turn,) = [b for _, b in body_blocks(doc)]
    assert inline_text(turn.content) == "He said “The report is ready.”"
    assert Intervention("the", "emend", (Text("The"),)) in turn.content


def test_a_note_correction_is_placed_by_its_note(tmp_path):
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "source.txt").write_text(
        export("1 May 1970", "Meeting (10:00)", "Tanaka. Yes.{1}", notes=("Teh source note.",)),
        encoding="utf-8",
    )
    (folder / "errata.toml").write_text(
        '[[fix]]\nid = "n"\nfind = "Teh source"\nreplace = "The source"\nreason = "typo"\n',
        encoding="utf-8",
    )
    doc, _ = prepare(folder)
    (correction,) = doc.corrections
    assert correction.note_number == 1 and correction.paragraph == 0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('kind = "guess"\nfind = "a"\nreplace = "b"\nreason = "r"', "kind must be one of"),
        ('kind = "sic"\nfind = "a"\nreplace = "b"\nreason = "r"', "'replace' does not apply"),
        ('kind = "supply"\nfind = "a b"\nreplace = "x b"\nreason = "r"', "only adds words"),
        ('kind = "regularise"\nfind = "a"\nreplace = "b"\nclass = "x"', "not declared"),
        ('find = "a"\nreplace = "b"\nreason = "r"\nstatus = "maybe"', "status must be"),
        ('find = "a"\nreplace = "b"\nreason = "r"\ndate = "2026-02-30"', "date must be"),
        ('kind = "keep"\nfind = "a b"\nreading = "c"\nreason = "r"', "must occur exactly once"),
    ],
)
def test_bad_entries_are_errors_at_their_line(entry, message):
    with pytest.raises(PipelineError, match=message) as caught:
        parse_errata_file(f'# errata\n[[fix]]\nid = "x"\n{entry}\n', "errata.toml")
    assert caught.value.line == 2


def test_a_release_refuses_a_proposed_entry():
    errata = parse_errata_file(
        '[[fix]]\nid = "x"\nfind = "a"\nreplace = "b"\nreason = "r"\nstatus = "proposed"\n'
    )
    with pytest.raises(PipelineError, match="still proposed") as caught:
        check_release(errata.fixes, "errata.toml")
    assert caught.value.line == 1
