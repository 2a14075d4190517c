"""Every pattern of the reader runs in linear time (#13, item 5).

A 50-character line of initials ("A.A. B.B. … J.J. met.") used to take 31 s in the speaker-label
pattern, and each further pair tripled it. Three guards: a structural rule on every compiled
pattern of `parse.py` and `clean.py` (a quantified group that holds another quantifier must be
possessive, so it cannot re-split what it has read), timings on pathological lines, and a
Hypothesis search for slow lines with a per-example deadline.
"""

from __future__ import annotations

import contextlib
import re
import time
from datetime import timedelta
from re import _constants as sre  # the standard library's own regex parser (3.11+): the test
from re import _parser as sre_parse  # reads each pattern's parsed form, not its source text

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import PipelineError
from pipeline.model import Paragraph
from pipeline.stages import clean as clean_module
from pipeline.stages import parse as parse_module
from pipeline.stages.clean import clean
from pipeline.stages.parse import is_session_heading, match_label, parse
from tests.conftest import export

# A generous bound: the point is linear against exponential, not speed.
BOUND = 1.0


def module_patterns(module) -> dict[str, re.Pattern[str]]:
    """Every compiled pattern a module holds at top level, in tuples, or in rule tables."""
    found: dict[str, re.Pattern[str]] = {}
    for name, value in vars(module).items():
        items = value if isinstance(value, tuple | list) else (value,)
        for i, item in enumerate(items):
            # A rule table row holds its pattern in `.pattern` (a compiled pattern's own
            # `.pattern` is its source string).
            pattern = item if isinstance(item, re.Pattern) else getattr(item, "pattern", None)
            if isinstance(pattern, re.Pattern):
                found[f"{module.__name__}.{name}[{i}]"] = pattern
    return found


PATTERNS = {**module_patterns(parse_module), **module_patterns(clean_module)}


def _children(op, av):
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        yield av[2]
    elif op == sre.SUBPATTERN:
        yield av[-1]
    elif op == sre.BRANCH:
        yield from av[1]
    elif op in (sre.ASSERT, sre.ASSERT_NOT):
        yield av[1]
    elif op == sre.ATOMIC_GROUP:
        yield av
    elif op == sre.GROUPREF_EXISTS:
        yield from (branch for branch in av[1:] if branch is not None)


def _repeats(op, av) -> bool:
    return op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[1] > 1


def _holds_repeat(sub) -> bool:
    return any(
        _repeats(op, av) or any(_holds_repeat(c) for c in _children(op, av)) for op, av in sub
    )


def backtracking_nests(sub) -> list[str]:
    """Quantified groups that may repeat, hold another quantifier, and may backtrack."""
    found = []
    for op, av in sub:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[1] > 1 and _holds_repeat(av[2]):
            found.append(str(av[2])[:120])
        for child in _children(op, av):
            found += backtracking_nests(child)
    return found


def test_the_check_catches_the_old_label_pattern():
    """The rule below would have caught issue #13's pattern, so it is not vacuous."""
    old = r"^(?:(?:(?:[A-Z]\.\s?){1,3}|Mr\.)\s*)*[A-Z][\w’'\-]+[.:]"
    assert backtracking_nests(sre_parse.parse(old))
    assert "pipeline.stages.parse._LABEL[0]" in PATTERNS, "the label pattern was not found"


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_backtracking_nested_quantifier(name):
    pattern = PATTERNS[name]
    assert backtracking_nests(sre_parse.parse(pattern.pattern, pattern.flags)) == [], name


def initials(pairs: int, sep: str = " ") -> str:
    return sep.join(f"{chr(65 + i % 26)}.{chr(65 + i % 26)}." for i in range(pairs))


PATHOLOGICAL = {
    "issue #13: initials then a lower-case word": initials(200) + " met.",
    "initials run together": initials(200, sep="") + " met.",
    "initials with spaces inside": " ".join("A. B." for _ in range(200)) + " met.",
    "titles only": "Mr. " * 400 + "met.",
    "capitalised words, no full stop": "Aa " * 2000 + "aa",
    "capitalised words and connectors": "Aa of " * 1000 + "x.",
    "speaker to addressee, again and again": "Secretary to " * 400 + "x.",
    "open parentheses": "Tanaka (" * 1000 + "x.",
    "brackets": "[" * 5000 + "x",
    "numbers like dates": "1 " * 3000 + "x",
    "numbers like hours": "(12:30 " * 1000 + "x",
    "hours without a close": "Meeting (11:30-" * 1000,
    "dashes": " – " * 2000 + "x",
    "colons": "A:" * 3000,
    "long word": "A" + "a" * 20000 + ".",
    "spaces": "A." + " " * 20000 + "x.",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_lines_parse_in_well_under_a_second(name):
    line = PATHOLOGICAL[name]
    start = time.perf_counter()
    match_label(line)
    is_session_heading(line)
    # As a header line, as a turn's neighbour, and as a line after a closing: every classifier.
    text = export(
        "1 May 1970", line, "Meeting (10:00)", "Tanaka. Yes.", line, "Tanaka. No.", "Drafted by X."
    )
    with contextlib.suppress(PipelineError):
        parse(clean(text))
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND, f"{name}: {elapsed:.2f} s"


def test_issue_13_initials_line_is_read_as_a_sentence_quickly():
    line = initials(200) + " met."
    start = time.perf_counter()
    doc = parse(clean(export("1 May 1970", "Meeting (10:00)", "Tanaka. Yes.", line)))
    assert time.perf_counter() - start < BOUND
    assert isinstance(doc.sessions[0].blocks[-1], Paragraph)


PIECES = st.sampled_from(
    ["A.", "A. ", "B.B. ", "Mr. ", "Min. ", "Aa", "Tanaka", " ", "  ", "of ", "to ", "the ",
     "(", ")", "(11:30", "-13:40)", ":", ".", ". ", "–", " – ", "1", "12", "May", ",", "?",
     "Meeting", "[", "]", "…"]
)  # fmt: skip


@settings(max_examples=300, deadline=timedelta(milliseconds=500))
@given(st.lists(PIECES, max_size=80).map("".join))
def test_no_line_made_of_label_pieces_is_slow(line):
    match_label(line)
    is_session_heading(line)
    text = export("1 May 1970", line, "Meeting (10:00)", "Tanaka. Yes.", line, "Tanaka. No.")
    with contextlib.suppress(PipelineError):
        parse(clean(text))
