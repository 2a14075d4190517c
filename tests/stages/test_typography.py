"""stages/typography.py and rules/typography.py: house style on text runs only."""

import re

import pytest

from pipeline.model import Document, Editorial, Header, Meta, NoteRef, Paragraph, Session, Text
from pipeline.rules.typography import TYPOGRAPHY_RULES
from pipeline.stages.typography import apply_typography

NBSP, EN = "\u00a0", "\u2013"


def typeset(*content):
    doc = Document(
        meta=Meta(id="t", title="T"),
        header=Header(title=(Text("T"),)),
        sessions=(Session(heading=(), blocks=(Paragraph(tuple(content), id="p1"),)),),
    )
    out = apply_typography(doc)
    return out.sessions[0].blocks[0].content, {r.name: r.count for r in out.typography}


def text_of(content):
    return "".join(n.text if isinstance(n, Text) else "|" for n in content)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Morning meeting (11:30-13:40)", f"Morning meeting (11:30{EN}13:40)"),
        ("by 10-20% per year", f"by 10{EN}20% per year"),
        ("pp. 8-13 in the original", f"pp. 8{EN}13 in the original"),
        ("dated 1973-10-08 exactly", "dated 1973-10-08 exactly"),
        ("we will find – must find – mutual", f"we will find{NBSP}{EN} must find{NBSP}{EN} mutual"),
        ("every war -- individually", f"every war{NBSP}{EN} individually"),
        ("the West--Scandinavia", f"the West{NBSP}{EN} Scandinavia"),
        ("seriously—very good", f"seriously{NBSP}{EN} very good"),
        ("October 1974—Poland—First Secretary", "October 1974—Poland—First Secretary"),
        ("U.S. - Polish cooperation", "U.S. - Polish cooperation"),
        ('a saying "the house gives."', "a saying \u201cthe house gives.\u201d"),
        ("Warsaw's Old City", "Warsaw\u2019s Old City"),
        ("Workers' Party", "Workers\u2019 Party"),
        ("called 'dinner' there", "called \u2018dinner\u2019 there"),
        ("in the '70s", "in the \u201970s"),
        ("L.I. Brezhnev thanks K. Tanaka.", f"L.I.{NBSP}Brezhnev thanks K.{NBSP}Tanaka."),
        ("Thank you, Mr. Brezhnev.", f"Thank you, Mr.{NBSP}Brezhnev."),
        ("now . . . we all know", "now \u2026 we all know"),
    ],
)
def test_rules(source, expected):
    content, _ = typeset(Text(source))
    assert text_of(content) == expected


def test_editorial_brackets_and_note_calls_are_untouched():
    content, _ = typeset(
        Text('the "Monroe doctrine" '), Editorial("sic"), Text(" 8-13 "), Editorial("…"), NoteRef(3)
    )
    assert content[1] == Editorial("sic") and content[3] == Editorial("…")
    assert content[4] == NoteRef(3)


def test_quotes_pair_across_a_note_call():
    content, _ = typeset(Text('the "peace treaty'), NoteRef(1), Text('" said'))
    assert text_of(content) == "the \u201cpeace treaty|\u201d said"


def test_counts_say_how_often_each_rule_fired():
    _, counts = typeset(Text("10-20 and 30-40, Mr. Ford"))
    assert counts["number-range"] == 2 and counts["title-no-break"] == 1
    assert counts["apostrophe"] == 0


def test_rule_table_shape():
    names = [rule.name for rule in TYPOGRAPHY_RULES]
    assert len(names) == len(set(names))
    assert all(
        rule.why.strip() and re.fullmatch(r"[a-z-]+", rule.name) for rule in TYPOGRAPHY_RULES
    )
    # A rule must never be able to match the placeholder that stands for a protected node.
    assert not any(rule.pattern.search("\ue003") for rule in TYPOGRAPHY_RULES)
