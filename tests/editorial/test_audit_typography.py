"""`pipeline/editorial/audit/typography.py`: the audit explains a typographic change only by
applying the rules of `pipeline/rules/typography.py` to the text as read (issue 14 §4). It keeps
no table of its own, so a change that merely looks typographic, and that the house style
forbids, fails."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.editorial.audit import audit_source, typography_causes
from pipeline.editorial.audit.typography import typeset
from pipeline.model import Paragraph, Text, Turn, body_blocks
from pipeline.rules.typography import TYPOGRAPHY_RULES
from tests.conftest import RECORD_1973
from tests.editorial.conftest import built_once

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("before", "after", "causes"),
    [
        ("war -- individually", f"war{NBSP}– individually", ["double-hyphen-dash"]),
        ("West--Scandinavia", f"West{NBSP}– Scandinavia", ["double-hyphen-dash"]),
        ("seriously—very", f"seriously{NBSP}– very", ["em-dash-to-house-dash"]),
        ("find – must", f"find{NBSP}– must", ["dash-no-break"]),
        ("pp. 8-13", "pp. 8–13", ["number-range"]),
        ("wait. . . and", "wait… and", ["spaced-dots-ellipsis"]),
        ('the "treaty"', "the “treaty”", ["opening-double-quote", "closing-double-quote"]),
        ("don't", "don’t", ["apostrophe"]),
        ("the '70s", "the ’70s", ["elision-apostrophe"]),
        ("L.I. Brezhnev", f"L.I.{NBSP}Brezhnev", ["initials-no-break"]),
        ("Mr. Tanaka", f"Mr.{NBSP}Tanaka", ["title-no-break"]),
        ("the peace", "the piece", [None]),
        ("10-20", "10—20", [None]),  # a range, but the rule makes an en dash, not an em dash
    ],
)
def test_changes_are_explained_by_the_rules_that_make_them_there(before, after, causes):
    assert typography_causes(before, after) == causes


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # The house style leaves a spaced hyphen alone (an errata entry decides: rules module).
        ("U.S. - Polish relations", "U.S. – Polish relations"),
        ("U.S. - Polish relations", f"U.S.{NBSP}– Polish relations"),
        # ISO dates keep their hyphens (the number-range rule's own lookarounds).
        ("on 1973-10-08 in", "on 1973–10–08 in"),
        ("on 1973-10-08 in", "on 1973–10-08 in"),
        # No rule makes an ordinary space between two words no-break.
        ("the peace treaty", f"the peace{NBSP}treaty"),
        # A rule that fires, and another change beside it that none makes.
        ("pp. 8-13 of", f"pp.{NBSP}8–13 of"),
    ],
)
def test_changes_the_house_style_forbids_are_not_explained(before, after):
    causes = typography_causes(before, after)
    assert None in causes, causes


def test_a_change_is_explained_only_where_the_rule_makes_it():
    # "10-20 and 1973-10-08": the rule makes the range's dash, not the date's.
    assert typography_causes("10-20 and 1973-10-08", "10–20 and 1973-10-08") == ["number-range"]
    # Here the range was not set and the date's hyphen was changed: two changes unexplained.
    assert typography_causes("10-20 and 1973-10-08", "10-20 and 1973–10-08") == [None, None]


def test_the_audit_applies_the_rules_in_their_order():
    # "--" must become the house dash before dash-no-break looks at the space before it: in
    # the other order the text would differ.
    text, fires = typeset("war -- now")
    assert text == f"war{NBSP}– now"
    assert [f.rule for f in fires] == ["double-hyphen-dash"]
    assert [r.name for r in TYPOGRAPHY_RULES].index("double-hyphen-dash") < [
        r.name for r in TYPOGRAPHY_RULES
    ].index("dash-no-break")


# --- in a whole record: the finished model changed where no rule does ----------------------------


@pytest.fixture(scope="module")
def record():
    b = built_once(RECORD_1973)
    return b.read, b.final, b.source_text


def _changed(doc, block_id, change):
    sessions = tuple(
        replace(
            s,
            blocks=tuple(
                replace(
                    b,
                    content=tuple(
                        Text(change(n.text)) if isinstance(n, Text) else n for n in b.content
                    ),
                )
                if b.id == block_id
                else b
                for b in s.blocks
            ),
        )
        for s in doc.sessions
    )
    return replace(doc, sessions=sessions)


def _block_with(doc, needle):
    return next(
        b
        for _, b in body_blocks(doc)
        if isinstance(b, (Paragraph, Turn))
        and any(isinstance(n, Text) and needle in n.text for n in b.content)
    )


@pytest.mark.parametrize(
    ("needle", "old", "new", "what"),
    [
        # A compound's hyphen made an en dash; a space no rule makes no-break.
        ("Soviet-Japanese relations", "Soviet-Japanese", "Soviet–Japanese", "no rule"),
        ("2.5 times", "2.5 times", f"2.5{NBSP}times", "no rule"),
        # The rule's no-break space before a dash undone: the rules make another text there.
        ("must find", f"{NBSP}– must", " – must", "another text"),
    ],
)
def test_a_record_whose_model_was_changed_where_no_rule_does_fails(record, needle, old, new, what):
    read, final, source = record
    block = _block_with(final, needle)
    damaged = _changed(final, block.id, lambda text: text.replace(old, new, 1))
    assert damaged != final
    report = audit_source(read, damaged, source)
    expected = {
        "no rule": "a character change no typography rule makes",
        "another text": "the typography rules make another text here",
    }[what]
    assert [p.what for p in report.problems] == [expected], [p.describe() for p in report.problems]
    assert report.problems[0].source == f"source.txt:{block.line}"


def test_a_rule_count_the_finished_model_misreports_fails(record):
    read, final, source = record
    typography = tuple(
        replace(r, count=r.count + 1) if r.name == "number-range" else r for r in final.typography
    )
    report = audit_source(read, replace(final, typography=typography), source)
    assert [p.what for p in report.problems] == [
        "typography rule 'number-range': the finished model records another count"
    ]
