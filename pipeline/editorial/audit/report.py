"""Turn what the audit's steps found into reports: counts per cause, and each problem located.

A `Problem` is one unexplained difference, shown with a few words of both sides and both
places (`source.txt:line:column`, and `PDF page N`, an EPUB file and id, or "model"). A
`notice` is something the editor should know that is not a difference (an errata file that
records no source hash): it is printed, it does not fail the audit.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One unexplained difference, located in both texts, with a few words of each side."""

    what: str
    source: str  # "sources/<id>/source.txt:36:12"
    rendered: str  # "PDF page 2", "EPUB chapter-01.xhtml#p17", or "model" for step 1
    expected: str
    found: str

    def describe(self) -> str:
        return (
            f"{self.what}\n"
            f"    source   {self.source}: {self.expected}\n"
            f"    rendered {self.rendered}: {self.found}"
        )


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What one audit step compared, how many differences each cause explains, and what no
    cause explains. `causes` is (cause, count) in order of first appearance."""

    checked: str
    words: int
    causes: tuple[tuple[str, int], ...] = ()
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    notices: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def explained(self) -> int:
        return sum(count for _, count in self.causes)

    def count(self, cause: str) -> int:
        return sum(n for name, n in self.causes if name == cause)


def merge_reports(first: AuditReport, second: AuditReport) -> AuditReport:
    """One report for a whole chain of steps (source → model → rendered)."""
    causes = Counter(dict(first.causes))
    causes.update(dict(second.causes))
    return AuditReport(
        checked=f"{first.checked}; {second.checked}",
        words=second.words,
        causes=tuple(causes.items()),
        problems=first.problems + second.problems,
        seconds=first.seconds + second.seconds,
        notices=first.notices + second.notices,
    )


class Tally:
    """Counts per cause, the problems and the notices, gathered while a step runs."""

    def __init__(self) -> None:
        self.causes: Counter[str] = Counter()
        self.problems: list[Problem] = []
        self.notices: list[str] = []
        self.started = time.perf_counter()

    def add(self, cause: str, count: int = 1) -> None:
        if count:
            self.causes[cause] += count

    def problem(self, what: str, source: str, rendered: str, expected: str, found: str) -> None:
        self.problems.append(Problem(what, source, rendered, expected, found))

    def report(self, checked: str, words: int) -> AuditReport:
        return AuditReport(
            checked=checked,
            words=words,
            causes=tuple(self.causes.items()),
            problems=tuple(self.problems),
            seconds=time.perf_counter() - self.started,
            notices=tuple(self.notices),
        )


def format_report(report: AuditReport) -> str:
    """A report an editor can read: what was checked, counts per cause, then each problem."""
    lines = [report.checked]
    lines.append(
        f"  {report.explained} difference(s) explained, {len(report.problems)} unexplained"
        f" ({report.seconds:.1f} s)"
    )
    for cause, count in sorted(report.causes, key=lambda item: (item[0].split(":")[0], -item[1])):
        lines.append(f"    {count:>5}  {cause}")
    for notice in report.notices:
        lines.append("  NOTE: " + notice)
    for problem in report.problems:
        lines.append("  UNEXPLAINED: " + problem.describe())
    return "\n".join(lines)
