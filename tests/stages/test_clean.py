"""stages/clean.py: export junk out, note markers kept as tokens, line numbers unchanged."""

import pytest

from pipeline.errors import PipelineError
from pipeline.stages.clean import CLEAN_RULES, clean, note_body_token, note_ref_token
from pipeline.stages.read import decode

NBSP = "\u00a0"


def test_note_call_becomes_a_token_keeping_its_number():
    assert clean("8 October 1973[bookmark: _ftn_GoBack0][1]") == "8 October 1973" + note_ref_token(
        1
    )


def test_calls_side_by_side_and_on_an_omission_mark():
    line = "[…][bookmark: _ftn_GoBack1][2][bookmark: _ftn_GoBack2][3]"
    assert clean(line) == "[…]" + note_ref_token(2) + note_ref_token(3)


def test_note_body_marker_becomes_a_body_token():
    assert clean("[bookmark: _ftn3][4] Omitted here. ") == note_body_token(4) + " Omitted here."


@pytest.mark.parametrize(
    "junk", ["[bookmark: _GoBack]", "[bookmark: _Hlk52551]", "[bookmark: _Toc1]"]
)
def test_stray_bookmarks_are_dropped_anywhere(junk):
    assert clean(f"Tana{junk}ka. Yes.") == "Tanaka. Yes."


def test_separator_lines_and_edge_spaces_go_but_lines_stay_counted():
    text = f" TITLE \n{NBSP}\n  first {NBSP}\n{NBSP} {NBSP}\nsecond"
    assert clean(text).split("\n") == ["TITLE", "", "first", "", "second"]


def test_manual_breaks_and_invisible_characters():
    assert clean("one\u000btwo\u00adthree\u200b") == "one twothree"


@pytest.mark.parametrize("character", ["\ue000", "\ue002", "\ue003", "\ue00f"])
def test_reserved_private_use_characters_are_refused_when_read(character):
    # issue 13 §7: U+E003 ended in "internal error"; the whole block is the pipeline's.
    with pytest.raises(PipelineError) as caught:
        decode(f"fine\nbad {character} here".encode(), path="x.txt")
    assert caught.value.line == 2
    assert f"column 5: character U+{ord(character):04X}" in caught.value.message


def test_every_clean_rule_says_why():
    names = [rule.name for rule in CLEAN_RULES]
    assert len(names) == len(set(names))
    assert all(rule.why.strip() for rule in CLEAN_RULES)


def test_other_spellings_of_the_note_bookmarks():
    assert clean("Yes.[bookmark: _ftnref2][2]") == "Yes." + note_ref_token(2)
    assert clean("Yes.[Bookmark: _edn_GoBack0][1]") == "Yes." + note_ref_token(1)
    assert clean("\u00a0[bookmark: _edn0][1] Endnote.") == note_body_token(1) + " Endnote."
