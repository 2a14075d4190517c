"""Limits (pipeline/limits.py): set far above the family, checked before anything expensive, in
linear time, configurable per document up to a ceiling (issue 13 §6)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import fields

import pytest

from pipeline.errors import PipelineError
from pipeline.limits import (
    DEFAULT_LIMITS,
    LIMITS,
    MAX_SOURCE_BYTES,
    Limits,
    check_fixes,
    check_text,
)
from pipeline.metadata import parse_edition
from pipeline.pipeline import prepare
from pipeline.stages.errata import Fix
from tests.conftest import export
from tests.robustness.catalogue import SOUND


def test_every_limit_has_a_reason_a_default_and_a_ceiling_above_it():
    assert [limit.name for limit in LIMITS] == [f.name for f in fields(Limits)]
    assert all(limit.why.strip() and 1 <= limit.default <= limit.ceiling for limit in LIMITS)
    assert 4 * next(x.ceiling for x in LIMITS if x.name == "record_characters") <= MAX_SOURCE_BYTES


def record_with(line: str) -> str:
    return export("8 October 1973", "Morning meeting (11:30-13:40)", "Tanaka. Yes.", line)


@pytest.mark.parametrize(
    ("limits", "within", "over", "message"),
    [
        (
            Limits(paragraph_characters=60),
            "Tanaka. " + "x" * 52,
            "Tanaka. " + "x" * 53,
            "this paragraph is 61 characters, more than the limit of 60",
        ),
        (
            Limits(word_characters=13),  # the heading's "(11:30-13:40)" is 13
            "Tanaka. abcdefghijkl.",
            "Tanaka. abcdefghijklm.",
            "column 9: a word of 14 characters without a space (abcdefghijklm.…), more than "
            "the limit of 13",
        ),
        (
            Limits(note_number=99),
            "Tanaka. Yes.[bookmark: _ftn_GoBack0][99]",
            "Tanaka. Yes.[bookmark: _ftn_GoBack0][100]",
            "column 38: note number 100 is more than the limit of 99",
        ),
    ],
    ids=["paragraph", "word", "note-number"],
)
def test_each_limit_stops_at_the_line_that_passes_it(limits, within, over, message):
    check_text(record_with(within), "r.txt", limits)
    with pytest.raises(PipelineError) as caught:
        check_text(record_with(over), "r.txt", limits)
    assert (caught.value.path, caught.value.line) == ("r.txt", 8)
    assert caught.value.message.startswith(message)
    assert "raise [limits]" in caught.value.message


def test_the_record_and_the_number_of_notes():
    text = export("1 May 1970", "Tanaka. Yes.{1}", "Tanaka. No.{2}", notes=("One.", "Two."))
    check_text(text, "r.txt", Limits(notes=2, record_characters=len(text)))
    with pytest.raises(PipelineError, match="note body number 2 is more than the limit of 1"):
        check_text(text, "r.txt", Limits(notes=1))
    with pytest.raises(PipelineError, match=f"the record is {len(text):,} characters"):
        check_text(text, "r.txt", Limits(record_characters=len(text) - 1))


def test_the_number_of_lines_holding_text():
    """20,000 one-line paragraphs, far under the record's size limit, kept the layout busy for
    minutes: the lines holding text are counted (separator lines of no-break spaces are not)."""
    text = export("1 May 1970", *(f"Tanaka. Line {n}." for n in range(30)))
    holding = [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    check_text(text, "r.txt", Limits(text_lines=len(holding)))
    with pytest.raises(PipelineError) as caught:
        check_text(text, "r.txt", Limits(text_lines=len(holding) - 1))
    assert caught.value.message.startswith(
        f"line {len(holding):,} holding text is more than the limit of {len(holding) - 1:,}"
    )
    assert caught.value.line == holding[-1]  # the line that passes it, not the last one read


def test_a_note_number_thousands_of_digits_long_is_never_converted():
    line = "Tanaka. Yes.[bookmark: _ftn_GoBack0][" + "1" * 100_000 + "]"
    with pytest.raises(PipelineError, match=r"note number 111111… \(100,000 digits\)"):
        check_text(record_with(line), "r.txt", Limits(paragraph_characters=200_000))


def test_errata_entries_are_checked_at_the_entry():
    fixes = (Fix("a", "x", "y", "typo", line=3), Fix("b", "p", "q " + "z" * 400, "typo", line=9))
    with pytest.raises(PipelineError) as caught:
        check_fixes(fixes, "errata.toml")
    assert (caught.value.path, caught.value.line) == ("errata.toml", 9)
    assert caught.value.message.startswith("fix 'b': `replace` holds a word of 400 characters")
    with pytest.raises(PipelineError, match="2 entries, more than the limit of 1"):
        check_fixes(fixes, "errata.toml", Limits(errata_entries=1))


def test_checking_is_linear_in_the_text():
    """The checks run before anything else, on texts of any size: twice the text, about twice
    the time (with room for a noisy machine), never the square."""

    def seconds(size: int) -> float:
        text = " RECORD OF TALKS\n" + ("Tanaka. " + "word " * 2_000 + "\n") * (size // 10_000)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            check_text(text, "r.txt", Limits(record_characters=10**8))
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(1_000_000), seconds(4_000_000)
    assert large < 10 * small + 0.05, (small, large)


def test_limits_come_from_edition_toml():
    edition = parse_edition("[limits]\nword_characters = 500\nnotes = 20\n", "edition.toml")
    assert edition.settings.limits == Limits(word_characters=500, notes=20)
    assert parse_edition("", "edition.toml").settings.limits == DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("word_characters = 0", "at least 1"),
        ("word_characters = true", "must be a whole number"),
        ("word_characters = 2.5", "must be a whole number"),
        ("word_characters = 2001", "can be at most 2,000"),
        ("words = 10", "unknown key 'words'"),
    ],
)
def test_bad_limits_are_errors_at_their_line(toml, message):
    with pytest.raises(PipelineError) as caught:
        parse_edition(f"[document]\ntitle = 'T'\n\n[limits]\n{toml}\n", "edition.toml")
    assert caught.value.line == 5 and message in caught.value.message


def test_a_raised_limit_lets_a_document_build(tmp_path):
    folder = tmp_path / "record"
    folder.mkdir()
    word = "ab" * 200
    (folder / "source.txt").write_text(SOUND.replace("Yes,", f"{word},"), encoding="utf-8")
    with pytest.raises(PipelineError, match="a word of 401 characters"):
        prepare(folder)
    (folder / "edition.toml").write_text("[limits]\nword_characters = 401\n")
    doc, _ = prepare(folder)
    assert doc.meta.title


def test_suggest_stops_before_the_typo_finder_works(tmp_path):
    """issue 13 §6: 8 GiB for one 20,000-letter word; now a message, before any edit."""
    from pipeline.editorial import review

    folder = tmp_path / "record"
    folder.mkdir()
    (folder / "source.txt").write_text(SOUND.replace("Yes,", "a" * 20_000), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(PipelineError, match="a word of 20,000 characters"):
        review.suggest_for(folder)
    assert time.perf_counter() - start < 5


PATHOLOGICAL = {
    # Each a pattern one of the stages reads, repeated: initials and labels (parse.py), dashes,
    # ranges and quotes (typography), brackets and bookmarks (clean.py, errata.py).
    "initials": "A.A. ",
    "dashes": "a – b -- ",
    "ranges": "11:30-13:40 ",
    "quotes": "\"'a' ",
    "brackets": "[x] [ ",
    "bookmarks": "[bookmark: _Hlk1] ",
}


@pytest.mark.parametrize("unit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_every_stage_is_linear_up_to_the_paragraph_limit(unit):
    """issue 13 §5: one short line hung every command. Up to the limit, eight times the line
    costs about eight times the time (a generous 24 here, against 64 for a square)."""
    from pipeline.inputs import DocumentInputs, InputFile
    from pipeline.pipeline import prepare_inputs

    def seconds(size: int) -> float:
        line = "Tanaka. " + unit * (size // len(unit))
        source = export("8 October 1973", "Morning meeting (11:30-13:40)", line, "Ohira. Yes.")
        inputs = DocumentInputs("d", InputFile("d/source.txt", source.encode()))
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            # A line the parser refuses is as good: it was read to the end.
            with contextlib.suppress(PipelineError):
                prepare_inputs(inputs)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(6_000), seconds(48_000)
    assert large < 24 * small + 0.1, (small, large)
