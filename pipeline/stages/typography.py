"""Turn a Document into one whose text runs follow the house typography, and count each rule.

    Paragraph(Text('the "peace treaty" 10-20%'), NoteRef(3))
      → Paragraph(Text('the “peace treaty” 10–20%'), NoteRef(3))

Rules (`pipeline/rules/typography.py`) see the whole paragraph at once, so a quotation that opens
before a note call and closes after it still pairs up: each non-text node stands in the joined
string as one private-use character that no rule matches, and the runs are cut apart again
afterwards. Editorial brackets and note calls therefore come out untouched, by construction.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.model import Document, Inline, Inlines, RuleReport, Text, map_inlines
from pipeline.rules.typography import TYPOGRAPHY_RULES, Rule

PLACEHOLDER = "\ue003"
EXAMPLES_PER_RULE = 3
_CONTEXT = 20


class _Tally:
    def __init__(self, rules: tuple[Rule, ...]):
        self.counts = {rule.name: 0 for rule in rules}
        self.examples: dict[str, list[tuple[str, str]]] = {rule.name: [] for rule in rules}


def _apply(text: str, rules: tuple[Rule, ...], tally: _Tally) -> str:
    for rule in rules:

        def substitute(match: re.Match[str], rule: Rule = rule, text: str = text) -> str:
            new = match.expand(rule.replacement)
            if new == match.group(0):
                return new
            tally.counts[rule.name] += 1
            if len(tally.examples[rule.name]) < EXAMPLES_PER_RULE:
                lo, hi = max(0, match.start() - _CONTEXT), match.end() + _CONTEXT
                before = text[lo:hi].replace(PLACEHOLDER, "")
                after = (text[lo : match.start()] + new + text[match.end() : hi]).replace(
                    PLACEHOLDER, ""
                )
                tally.examples[rule.name].append((before, after))
            return new

        text = rule.pattern.sub(substitute, text)
    return text


def typeset_inlines(content: Inlines, rules: tuple[Rule, ...], tally: _Tally) -> Inlines:
    others: list[Inline] = []
    joined: list[str] = []
    for node in content:
        if isinstance(node, Text):
            joined.append(node.text)
        else:
            others.append(node)
            joined.append(PLACEHOLDER)
    before = "".join(joined)
    after = _apply(before, rules, tally)
    pieces = after.split(PLACEHOLDER)
    # A rule that ate or made a placeholder would move a note call: that is a bug in a rule.
    assert len(pieces) == len(others) + 1, "a typography rule touched a protected node"
    out: list[Inline] = []
    for index, piece in enumerate(pieces):
        if piece:
            out.append(Text(piece))
        if index < len(others):
            out.append(others[index])
    return tuple(out)


def apply_typography(doc: Document, rules: tuple[Rule, ...] = TYPOGRAPHY_RULES) -> Document:
    """Apply every rule to every text run; record how often each fired in `doc.typography`."""
    tally = _Tally(rules)
    result = map_inlines(doc, lambda content: typeset_inlines(content, rules, tally))
    report = tuple(
        RuleReport(
            name=rule.name,
            why=rule.why,
            count=tally.counts[rule.name],
            examples=tuple(tally.examples[rule.name]),
        )
        for rule in rules
    )
    return replace(result, typography=report)


def typeset_text(text: str, rules: tuple[Rule, ...] = TYPOGRAPHY_RULES) -> str:
    """One string in the house style, as it would read inside a paragraph (for finding an
    errata entry's reading in the finished text)."""
    return "".join(n.text for n in typeset_inlines((Text(text),), rules, _Tally(rules)))
