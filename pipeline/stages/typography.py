"""Turn a Document into one whose text runs follow the house typography, and count each rule.

    Paragraph(Text('the "peace treaty" 10-20%'), NoteRef(3))
      → Paragraph(Text('the “peace treaty” 10–20%'), NoteRef(3))

Rules (`pipeline/rules/typography.py`) see the whole paragraph at once, so a quotation that opens
before a note call and closes after it still pairs up: each note call and editorial bracket
stands in the joined string as one private-use character that no rule matches, and the runs are
cut apart again afterwards, so they come out untouched by construction. An Intervention (the
words an errata entry accounts for) is not a character at all: its two ends are positions in the
joined string, carried through every substitution, so a rule reads "“The report”" the same
whether or not "The" was emended, and the emended words keep their node.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from pipeline.model import Document, Inline, Inlines, Intervention, RuleReport, Text, map_inlines
from pipeline.rules.typography import TYPOGRAPHY_RULES, Rule

PLACEHOLDER = "\ue003"
EXAMPLES_PER_RULE = 3
_CONTEXT = 20


class _Tally:
    def __init__(self, rules: tuple[Rule, ...]):
        self.counts = {rule.name: 0 for rule in rules}
        self.examples: dict[str, list[tuple[str, str]]] = {rule.name: [] for rule in rules}


@dataclass(slots=True)
class _Mark:
    """One end of an Intervention: a position between two characters of the joined string."""

    position: int
    opens: bool
    node: Intervention


@dataclass(frozen=True, slots=True)
class Edit:
    """One replacement a rule made: the stretch it replaced in the text it was given, and where
    its result stands in the text it gave."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


def apply_rule(rule: Rule, text: str) -> tuple[str, list[Edit]]:
    """`text` with `rule` applied once over it, and its edits in order. A replacement equal to
    what it matched is no change and no edit. The stage and the audit
    (`editorial/audit/typography.py`) both apply the rules through this one function."""
    pieces: list[str] = []
    edits: list[Edit] = []
    cursor = length = 0
    for match in rule.pattern.finditer(text):
        new = match.expand(rule.replacement)
        if new == match.group(0):
            continue
        pieces.append(text[cursor : match.start()])
        length += match.start() - cursor
        edits.append(Edit(match.start(), match.end(), length, length + len(new)))
        pieces.append(new)
        length += len(new)
        cursor = match.end()
    if not edits:
        return text, edits
    pieces.append(text[cursor:])
    return "".join(pieces), edits


def _moved(position: int, opens: bool, edits: list[Edit], starts: list[int]) -> int:
    """Where a position lands after `edits` (sorted, not overlapping). A position inside a
    replaced stretch goes to its start if it opens an intervention, else to its end."""
    index = bisect_right(starts, position) - 1
    if index < 0:
        return position
    edit = edits[index]
    if position >= edit.old_end:
        return position + edit.new_end - edit.old_end
    if position == edit.old_start:
        return edit.new_start
    return edit.new_start if opens else edit.new_end


def _apply(text: str, rules: tuple[Rule, ...], tally: _Tally, marks: list[_Mark]) -> str:
    for rule in rules:
        typeset, edits = apply_rule(rule, text)
        if not edits:
            continue
        for edit in edits:
            tally.counts[rule.name] += 1
            if len(tally.examples[rule.name]) < EXAMPLES_PER_RULE:
                lo, hi = max(0, edit.old_start - _CONTEXT), edit.old_end + _CONTEXT
                new = typeset[edit.new_start : edit.new_end]
                before = text[lo:hi].replace(PLACEHOLDER, "")
                after = (text[lo : edit.old_start] + new + text[edit.old_end : hi]).replace(
                    PLACEHOLDER, ""
                )
                tally.examples[rule.name].append((before, after))
        text = typeset
        starts = [edit.old_start for edit in edits]
        for mark in marks:
            mark.position = _moved(mark.position, mark.opens, edits, starts)
    return text


def _flatten(content: Inlines, joined: list[str], others: list[Inline], marks: list[_Mark]) -> None:
    for node in content:
        if isinstance(node, Text):
            joined.append(node.text)
        elif isinstance(node, Intervention):
            marks.append(_Mark(sum(map(len, joined)), True, node))
            _flatten(node.content, joined, others, marks)
            marks.append(_Mark(sum(map(len, joined)), False, node))
        else:
            others.append(node)
            joined.append(PLACEHOLDER)


def _rebuild(text: str, others: list[Inline], marks: list[_Mark]) -> Inlines:
    """Cut the typeset string back into runs, protected nodes and interventions."""
    stack: list[list[Inline]] = [[]]
    opened: list[Intervention] = []
    protected = iter(others)
    cursor = 0

    def emit_text(stop: int) -> None:
        nonlocal cursor
        for index, piece in enumerate(text[cursor:stop].split(PLACEHOLDER)):
            if index:
                stack[-1].append(next(protected))
            if piece:
                stack[-1].append(Text(piece))
        cursor = stop

    for mark in marks:
        emit_text(mark.position)
        if mark.opens:
            stack.append([])
            opened.append(mark.node)
        else:
            content = tuple(stack.pop())
            stack[-1].append(replace(opened.pop(), content=content))
    emit_text(len(text))
    # A rule that ate or made a placeholder would move a note call: that is a bug in a rule.
    assert next(protected, None) is None and len(stack) == 1, "a rule touched a protected node"
    return tuple(stack[0])


def typeset_inlines(content: Inlines, rules: tuple[Rule, ...], tally: _Tally) -> Inlines:
    joined: list[str] = []
    others: list[Inline] = []
    marks: list[_Mark] = []
    _flatten(content, joined, others, marks)
    before = "".join(joined)
    after = _apply(before, rules, tally, marks)
    assert after.count(PLACEHOLDER) == len(others), "a typography rule touched a protected node"
    return _rebuild(after, others, marks)


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
    # Plain text in gives plain text out: the rules never make a note call or an intervention.
    return "".join(
        n.text for n in typeset_inlines((Text(text),), rules, _Tally(rules)) if isinstance(n, Text)
    )
