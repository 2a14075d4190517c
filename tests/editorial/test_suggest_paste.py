"""Tests that every entry the typo finder prints applies, as pasted, to exactly its slip (issue 14
§5): for each bundled record and each record of the family, the whole listing is appended to a
copy of the folder's `errata.toml` and the errata stage is run on the copy; each new entry must
be accepted (unique `find`, no overlap with another entry, no bracket cut) and change its
suspect into its proposal and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.editorial.review import suggestions_for
from pipeline.editorial.suggest import Suggestion, format_text, suggest
from pipeline.stages.errata import apply_errata, load_errata, parse_errata
from pipeline.stages.read import read_source
from tests.conftest import DOCUMENTS, ROOT

FAMILY = ROOT / "tests" / "fixtures" / "family"
RECORDS = [*DOCUMENTS, *sorted(FAMILY.glob("*.txt")), *sorted((FAMILY / "frus").glob("*.txt"))]


def _folder(record: Path, tmp_path: Path) -> Path:
    """A copy of the record's folder (a bare `.txt` becomes the `source.txt` of a new one)."""
    folder = tmp_path / "copy"
    if record.is_dir():
        shutil.copytree(record, folder)
    else:
        folder.mkdir()
        shutil.copyfile(record, folder / "source.txt")
    return folder


def _span(text: str, s: Suggestion) -> tuple[int, int]:
    start = sum(len(line) + 1 for line in text.split("\n")[: s.line - 1]) + s.column - 1
    return start, start + len(s.suspect)


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem if p.is_file() else p.name)
def test_every_printed_entry_applies_to_its_slip_alone(record: Path, tmp_path: Path) -> None:
    folder = _folder(record, tmp_path)
    found, inputs = suggestions_for(folder)
    entries = [s for s in found if s.replacement is not None]
    errata = folder / "errata.toml"
    before = load_errata(errata) if errata.is_file() else ()
    old = errata.read_text(encoding="utf-8") if errata.is_file() else ""
    errata.write_text(old + "\n" + format_text(found, taken=inputs.taken_ids), encoding="utf-8")
    fixes = load_errata(errata)
    assert len(fixes) == len(before) + len(entries)
    text = read_source(folder / "source.txt")
    edited, _ = apply_errata(text, fixes, marked=False)
    # What the pasted entries should give: the old entries applied, then each slip replaced.
    expected, _ = apply_errata(text, before, marked=False)
    baseline = text
    for s in sorted(entries, key=lambda s: _span(text, s), reverse=True):
        start, end = _span(text, s)
        assert text[start:end] == s.suspect
        baseline = baseline[:start] + (s.proposal or "") + baseline[end:]
    if before:
        baseline, _ = apply_errata(baseline, before, marked=False)
    assert edited == baseline
    assert len(edited) - len(expected) == sum(
        len(s.proposal or "") - len(s.suspect) for s in entries
    )


def _pasted(text: str) -> tuple[tuple[Suggestion, ...], str]:
    found = suggest(text)
    edited, _ = apply_errata(text, parse_errata(format_text(found)), marked=False)
    return found, edited


def test_a_find_never_cuts_a_bracket() -> None:
    # "Kato] said teh thing" is the shortest unique run of words, but the errata stage refuses
    # a `find` that cuts into "[Ichiro Kato]": the bracket is taken whole.
    text = "[Ichiro Kato] said teh thing.\nNow Kato said teh thing.\n"
    found, edited = _pasted(text)
    assert [s.context for s in found] == ["[Ichiro Kato] said teh thing", "Kato said teh thing"]
    assert edited == text.replace("teh", "the")


def test_punctuation_makes_a_repeated_line_unique() -> None:
    # Line 1 is the start of line 3 word for word; only its full stop tells it apart.
    text = "The the treaty.\nThe treaty.\nThe the treaty was signed.\n"
    found, edited = _pasted(text)
    assert [s.context for s in found] == ["The the treaty.", "The the treaty was"]
    assert edited == "The treaty.\nThe treaty.\nThe treaty was signed.\n"


def test_a_slip_on_a_line_that_repeats_gets_no_entry() -> None:
    # No `find` within one line can tell two identical lines apart (and `find` may not span
    # lines): the slips are listed, with their reading, as comments only.
    text = "TANAKA. Yes, teh treaty.\nTANAKA. Yes, teh treaty.\nBREZHNEV. No.\n"
    found, edited = _pasted(text)
    assert [(s.suspect, s.replacement, s.alternatives) for s in found] == [
        ("teh", None, ("the",)),
        ("teh", None, ("the",)),
    ]
    assert edited == text
    assert "[[fix]]" not in format_text(found)
