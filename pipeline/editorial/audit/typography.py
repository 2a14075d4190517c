"""Turn the text as read and the finished text into the typography rules that explain each change.

There is one table of typography rules, `pipeline/rules/typography.py`. The audit keeps none of
its own: it applies those rules (their own patterns and replacements, in their order) to the
text as read and compares the result with the finished text. A change is explained only where
the rules give the edition's text at that spot, and then by the rules that fired there; any
other difference is a problem, so a change the house style forbids (a spaced hyphen made an en
dash, the hyphens of an ISO date changed, a space made no-break where no rule does it) fails
even though it looks typographic.

The text of a run is joined as the typography stage joins it: note calls and editorial
brackets are one private-use character each, which no rule matches, and an intervention's
words are plain text (its ends are not characters).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pipeline.editorial.audit.report import Tally
from pipeline.editorial.audit.units import CALL_MARK, labels, text_runs
from pipeline.errors import PipelineError
from pipeline.model import Document, Inlines, Intervention, Text
from pipeline.rules.typography import NBSP, TYPOGRAPHY_RULES, Rule
from pipeline.stages.typography import Edit, apply_rule

# Changes a few characters apart are one change seen twice ("--" → NBSP, –, space).
_NEAR = 3


@dataclass(frozen=True, slots=True)
class Fire:
    """One replacement a rule made: its name and where its result stands in the final text."""

    rule: str
    start: int
    end: int


def _moved(position: int, edits: list[Edit], end: bool) -> int:
    """Where a position of the text lands after one rule's edits (in order, not overlapping).
    The end of a span that a later edit overlaps moves to that edit's end, its start to that
    edit's start."""
    shift = 0
    for edit in edits:
        if position < edit.old_start or (end and position == edit.old_start):
            break
        if position < edit.old_end or position == edit.old_start:
            return edit.new_end if end else edit.new_start
        shift = edit.new_end - edit.old_end
    return position + shift


def typeset(text: str, rules: tuple[Rule, ...] = TYPOGRAPHY_RULES) -> tuple[str, list[Fire]]:
    """`text` with every rule applied in order, as the typography stage applies them
    (`stages.typography.apply_rule`), and each replacement made, located in the result."""
    fires: list[Fire] = []
    for rule in rules:
        text, edits = apply_rule(rule, text)
        if not edits:
            continue
        fires = [
            Fire(f.rule, _moved(f.start, edits, end=False), _moved(f.end, edits, end=True))
            for f in fires
        ]
        fires.extend(Fire(rule.name, e.new_start, e.new_end) for e in edits)
    return text, sorted(fires, key=lambda f: (f.start, f.end))


@dataclass(frozen=True, slots=True)
class Difference:
    """A stretch where the rules' text (`expected[start:end]`) is not the edition's
    (`found[found_start:found_end]`); `fired` says whether any rule made a change there."""

    start: int
    end: int
    found_start: int
    found_end: int
    fired: bool


def compare(before: str, after: str) -> tuple[list[Fire], list[Difference], str]:
    """The fires the edition's text bears out, the differences it does not, and the rules'
    text. A fire is borne out when no difference touches it."""
    expected, fires = typeset(before)
    groups: list[list[int]] = []
    for i1, i2, j1, j2 in _changed(expected, after):
        if groups and i1 - groups[-1][1] <= _NEAR and j1 - groups[-1][3] <= _NEAR:
            groups[-1][1], groups[-1][3] = i2, j2
        else:
            groups.append([i1, i2, j1, j2])

    def touches(fire: Fire, group: list[int]) -> bool:
        return fire.start <= group[1] and group[0] <= fire.end

    differences = [
        Difference(i1, i2, j1, j2, any(touches(f, [i1, i2]) for f in fires))
        for i1, i2, j1, j2 in groups
    ]
    borne = [f for f in fires if not any(touches(f, g) for g in groups)]
    return borne, differences, expected


def _changed(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """The stretches where two texts differ. Most runs are equal, and most that are not
    differ in one spot: the common ends are cut off before the (quadratic) character diff."""
    if a == b:
        return []
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    matcher = difflib.SequenceMatcher(
        None, a[head : len(a) - tail], b[head : len(b) - tail], autojunk=False
    )
    return [
        (head + i1, head + i2, head + j1, head + j2)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def typography_causes(before: str, after: str) -> list[str | None]:
    """In text order, the rule behind each change from `before` to `after`, or None for a
    change the rules do not make there ("10-20" → "10–20" gives ["number-range"];
    "U.S. - Polish" → "U.S. – Polish" gives [None])."""
    borne, differences, _ = compare(before, after)
    found: list[tuple[int, str | None]] = [(f.start, f.rule) for f in borne]
    found += [(d.start, None) for d in differences]
    return [cause for _, cause in sorted(found, key=lambda item: item[0])]


def joined(content: Inlines) -> str:
    """A run's text as the typography stage joins it (see the module docstring)."""
    parts: list[str] = []
    for node in content:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Intervention):
            parts.append(joined(node.content))
        else:
            parts.append(CALL_MARK)
    return "".join(parts)


def rule_counts(doc_read: Document) -> dict[str, int]:
    """How often each rule changes the text as read: what the typography stage must record,
    and the editorial note and normalisation.json print."""
    counts = {rule.name: 0 for rule in TYPOGRAPHY_RULES}
    for _, content in text_runs(doc_read):
        for fire in typeset(joined(content))[1]:
            counts[fire.rule] += 1
    return counts


def check_typography(
    doc_read: Document, doc_final: Document, source_name: str, tally: Tally
) -> dict[str, int]:
    """Explain every change from the model as read to the finished model by the rules; return
    how often each rule changes the text as read (borne out by the finished text or not)."""
    read, final = list(text_runs(doc_read)), list(text_runs(doc_final))
    read_labels, final_labels = list(labels(doc_read)), list(labels(doc_final))
    if len(read) != len(final) or len(read_labels) != len(final_labels):
        raise PipelineError("the finished model has other blocks than the model as read")
    counts = {rule.name: 0 for rule in TYPOGRAPHY_RULES}
    for (line, before), (_, after) in zip(read, final, strict=True):
        _check_run(joined(before), joined(after), f"{source_name}:{line}", counts, tally)
    # No rule sets labels: a label comes through unchanged, letter case included.
    for (line, label_before), (_, label_after) in zip(read_labels, final_labels, strict=True):
        if label_before != label_after:
            tally.problem(
                "a label changed between the model as read and the finished model",
                f"{source_name}:{line}",
                f"model, {source_name}:{line}",
                _chars(label_before, 0, len(label_before)),
                _chars(label_after, 0, len(label_after)),
            )
    return counts


def _check_run(before: str, after: str, place: str, counts: dict[str, int], tally: Tally) -> None:
    borne, differences, expected = compare(before, after)
    for fire in typeset(before)[1]:
        counts[fire.rule] += 1
    for fire in borne:
        tally.add(f"typography: {fire.rule}")
    for d in differences:
        tally.problem(
            "the typography rules make another text here"
            if d.fired
            else "a character change no typography rule makes",
            place,
            f"model, {place}",
            _chars(expected, d.start, d.end),
            _chars(after, d.found_start, d.found_end),
        )


def _chars(text: str, start: int, end: int) -> str:
    show = text.replace(CALL_MARK, "⁽ⁿ⁾").replace(NBSP, "⍽")
    return f"…{show[max(0, start - 30) : start]}[{show[start:end]}]{show[end : end + 30]}…"
