"""The trigram model of English behind the typo finder's real-word check
(pipeline/editorial/trigrams.py), and the slips it lets the finder see that word pairs miss.

The sentences are slips the benchmark injected into its tuning half (benchmarks/suggest_eval.py
--verbose tuning), which the finder tuned on; its held-out figures are in the README."""

from __future__ import annotations

import math

import pytest

from pipeline.editorial import suggest as finder
from pipeline.editorial.suggest import REAL_WORD, suggest
from pipeline.editorial.trigrams import load_trigrams


def test_probabilities_are_natural_logs_given_up_to_two_words() -> None:
    model = load_trigrams()
    union = model.log_p("union", ("the", "soviet"))
    assert union is not None and math.exp(union) > 0.5  # "the Soviet …" is nearly always Union
    said = model.log_p("said", ("the", "president"))
    sad = model.log_p("sad", ("the", "president"))
    assert said is not None and sad is not None and said > sad + 5
    # Only the last two words of a history count.
    assert model.log_p("said", ("yesterday", "the", "president")) == said


def test_an_unknown_word_has_no_probability_and_an_unknown_history_backs_off() -> None:
    model = load_trigrams()
    assert model.log_p("qzxvw") is None and not model.known("qzxvw")
    assert model.log_p("union", ("qzxvw",)) == model.log_p("union")


def test_a_window_scores_what_changes_with_one_word() -> None:
    model = load_trigrams()
    were = model.window(("there", "were", "three", "hours"), 1)
    where = model.window(("there", "where", "three", "hours"), 1)
    assert were is not None and where is not None and were > where + 3
    assert model.window(("there", "qzxvw", "three"), 1) is None
    # A later unknown word ends the window: what follows it is not judged.
    assert model.window(("there", "were", "qzxvw", "hours"), 1) == model.window(
        ("there", "were"), 1
    )


FOUND_BY_THE_LONGER_CONTEXT = (
    ("Well, there where three hours of that dinner.", "where", "were"),
    ("The President hoped that his grandson wood not have to experience it.", "wood", "would"),
    ("It is one of the fee places the Poles can catch malaria.", "fee", "few"),
    ("We don't wont public statements from you.", "wont", "want"),
    ("There are man Americans of Polish extraction.", "man", "many"),
    ("The difference off opinion is not too great.", "off", "of"),
)


@pytest.mark.parametrize(("text", "slip", "reading"), FOUND_BY_THE_LONGER_CONTEXT)
def test_slips_the_word_pairs_miss_are_found(text: str, slip: str, reading: str) -> None:
    (found,) = suggest(text + "\n")
    assert (found.kind, found.suspect, found.proposal) == (REAL_WORD, slip, reading)
    assert "trigram model" in found.why


@pytest.mark.parametrize(("text", "slip", "reading"), FOUND_BY_THE_LONGER_CONTEXT)
def test_without_the_trigram_model_the_same_slips_pass(
    text: str, slip: str, reading: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the model adds: word pairs alone see nothing wrong in these sentences.
    monkeypatch.setattr(finder, "TRIGRAM_WEIGHT", 0.0)
    monkeypatch.setattr(finder, "TRIGRAM_OVERRIDES_ATTESTED", math.inf)
    assert suggest(text + "\n") == ()


def test_correct_sentences_stay_quiet() -> None:
    text = (
        "Well, there were three hours of that dinner. The President hoped that his grandson"
        " would not have to experience it. There are many Americans of Polish extraction.\n"
    )
    assert suggest(text) == ()
