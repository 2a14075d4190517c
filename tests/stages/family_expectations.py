"""The known structure of five real FRUS records the parser was not built on, and a scorer.

Each expectation is written from `tests/fixtures/family/frus/` and what `SOURCES.md` says of the
record (its headings, every speaker label, the lines that only look like labels), never from the
parser's output. The scorer compares one parse with it check by check, so a change to the parser
can be measured (`python -m tests.stages.family_expectations` prints the table).

Split (issue #14): the parser's heuristics were tuned on the "tuning" records; the "held-out"
records were only measured, before and after. One caveat: the baseline output of all five was
seen once before the split was made, and two rules touch what SOURCES.md says of the New York
record ("Min." in the abbreviation table, a bare name in a label's parenthesis naming the
speaker), so New York's "after" score is not a clean held-out measurement; without the "Min."
entry it scores 8/10 checks and 34/62 turns. Glassboro is clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Closing, Document, Paragraph, Subheading, Turn, inline_text
from pipeline.stages.clean import NOTE_BODY_TOKEN, NOTE_REF_TOKEN, clean
from pipeline.stages.parse import parse
from pipeline.stages.read import read_source

FRUS = Path(__file__).resolve().parent.parent / "fixtures" / "family" / "frus"


@dataclass(frozen=True)
class Expected:
    """What a demanding reader would call the right structure of one record."""

    file: str
    split: str  # "tuning" or "held-out"
    headings: tuple[str, ...]
    # Every speaker label of the record, as written; each line that opens with one of them
    # (longest first) followed by "." or ":" is a turn with that label, and no other line is.
    labels: frozenset[str]
    # Paragraph count of each note, in order.
    notes: tuple[int, ...]
    # Lines (by their start) that must be plain paragraphs with no speaker: narrative, asides.
    narrative: tuple[str, ...] = ()
    # Lines (by their start) that continue a turn, with its speaker: label-like starts that are
    # not labels ("The TTB:", "1. To discourage …").
    continuations: tuple[tuple[str, str], ...] = ()
    # Lines (by their start) that must be subheadings or captions inside a session.
    captions: tuple[str, ...] = ()
    # label → the speaker it stands for, where the last word of the label is not the speaker.
    speakers: dict[str, str] = field(default_factory=dict)
    closing: bool = False


RECORDS: tuple[Expected, ...] = (
    # --- tuning split: the parser's rules were written and adjusted against these ---------
    Expected(
        file="memcon-1975-02-15-riyadh.txt",
        split="tuning",
        headings=("Riyadh",),  # a place only, no time (SOURCES.md)
        labels=frozenset(
            {
                "Secretary",
                "Secretary to Under Secretary Robinson",
                "Secretary to Ambassador Akins",
                "Ambassador Stoltzfus",
                "Stoltzfus",
                "Assistant Secretary Atherton",
                "Atherton",
                "Mr. Dickman",
                "Dickman",
                "Under Secretary Sisco",
                "Sisco",
                "Ambassador Scotes",
                "Scotes",
                "Ambassador Paganelli",
                "Paganelli",
                "Ambassador Wolle",
                "Wolle",
                "Akins",
                "Twinam",
                "Ambassador Sterner",  # speaks once
                "Robinson",  # speaks once, near the end
                "Answers",  # the collective answer, once
            }
        ),
        notes=(2, 1, 1),  # note 1 has a second paragraph with no bookmark
        narrative=("Secretary departed for his next meeting.",),
        # The numbered points of the Secretary's closing remarks are his, not labels.
        continuations=(
            ("1. To discourage", "Secretary"),
            ("2. To encourage", "Secretary"),
            ("3. To decrease", "Secretary"),
        ),
        speakers={
            "Secretary to Under Secretary Robinson": "Secretary",
            "Secretary to Ambassador Akins": "Secretary",
        },
    ),
    Expected(
        file="memcon-1974-07-10-washington.txt",
        split="tuning",
        headings=("Meeting in the Cabinet Room (08:30)",),
        labels=frozenset(
            {
                "The President",
                "Kissinger",
                "Senator Aiken",
                "A Senator",
                "McFall",
                "Pastore",
                "Senator Pastore",
                "Scott",
                "Byrd",
                "Cederburg",  # speaks once and is not in the participants (they say Cederberg)
                "Mansfield",
                "Albert",
            }
        ),
        notes=(1,) * 7,
        # The empty label of an omission in the original is nobody's continuation.
        narrative=(": Netherlands defense cuts.",),
        continuations=(
            ("About Moscow:", "President"),
            ("The TTB:", "President"),
            ("(1) We settled Vietnam", "Kissinger"),
            ("(4) We stopped", "Kissinger"),
            ("(1) What will happen with China?", "President"),
            ("What are parameters of trade", "Byrd"),  # Byrd's question goes on (SOURCES.md)
        ),
    ),
    Expected(
        file="memcon-1985-11-19-geneva.txt",
        split="tuning",
        headings=("Maison Fleur d’Eau (10:20-11:20)",),
        labels=frozenset(),
        notes=(1, 1),
        # Two centred captions open the text: headings, but not sessions (SOURCES.md).
        captions=("REAGAN-GORBACHEV MEETINGS IN GENEVA November, 1985", "First Private Meeting"),
        closing=True,
    ),
    # --- held-out split: measured only, before and after; no rule was tuned on them ------
    Expected(
        file="memcon-1974-12-21-new-york.txt",
        split="held-out",
        headings=("Office of Minister Bouteflika, UN, New York (10:30)",),
        labels=frozenset(
            {
                "The Secretary",
                "Min. Bouteflika",
                "The Minister (Bouteflika)",
                "Mr. Bouteflika",
                "Amb. Buffum",
            }
        ),
        notes=(1, 1),
        continuations=(("I feel that there can be no revolution", "Bouteflika"),),
        narrative=("(The Secretary then spoke privately with the Algerian Foreign Minister.)",),
        speakers={"The Minister (Bouteflika)": "Bouteflika"},
        closing=True,
    ),
    Expected(
        file="memcon-1967-06-23-glassboro.txt",
        split="held-out",
        headings=(
            "Study at Hollybush, June 23 (11:30-13:30)",
            "Study at Hollybush, June 23 (15:44-16:35)",
            "Dining room at Hollybush, June 25 (13:50-15:05)",
        ),
        labels=frozenset(),  # reported speech
        notes=(1,) * 10,
        narrative=("Secretary Dean Rusk", "Ambassador ANATOLIY DOBRYNIN", "Meeting adjourned"),
        closing=True,
    ),
)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str = ""


def load(expected: Expected) -> tuple[str, Document]:
    path = FRUS / expected.file
    text = clean(read_source(path), path)
    return text, parse(text, path=path)


def _plain(line: str) -> str:
    return NOTE_REF_TOKEN.sub("", line).strip()


def expected_turns(text: str, labels: frozenset[str]) -> dict[int, str]:
    """Line number → label, for every body line that opens with an expected label."""
    if not labels:
        return {}
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    shape = re.compile(rf"^({alternatives})[.:]\s")
    out: dict[int, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if NOTE_BODY_TOKEN.match(line):
            break
        if match := shape.match(_plain(line)):
            out[number] = match.group(1)
    return out


def score(expected: Expected) -> list[Check]:
    text, doc = load(expected)
    blocks = [block for session in doc.sessions for block in session.blocks]
    headings = tuple(inline_text(s.heading) for s in doc.sessions if s.heading)
    header = [inline_text(b.content) for b in doc.header.blocks]
    turns = {b.line: b.label for b in blocks if isinstance(b, Turn)}
    want = expected_turns(text, expected.labels)
    checks = [
        Check("headings", headings == expected.headings, f"{headings}"),
        Check(
            "first heading not in header",
            not any(expected.headings[0] in h for h in header),
            f"{header}",
        ),
        Check("every block in a headed session", all(s.heading for s in doc.sessions)),
        Check(
            "notes",
            tuple(len(n.paragraphs) for n in doc.notes) == expected.notes,
            f"{[len(n.paragraphs) for n in doc.notes]}",
        ),
    ]
    missed = {n: label for n, label in want.items() if turns.get(n) != label}
    extra = {n: label for n, label in turns.items() if n not in want}
    found = len(want) - len(missed)
    checks.append(Check("turns found", not missed, f"{found}/{len(want)}; missed {missed}"))
    checks.append(Check("no false turns", not extra, f"{len(extra)} extra: {extra}"))
    for start in expected.narrative:
        found = [b for b in blocks if _plain(inline_text(b.content)).startswith(start)]
        ok = bool(found) and all(
            isinstance(b, Paragraph | Subheading) and getattr(b, "speaker", None) is None
            for b in found
        )
        checks.append(Check(f"narrative: {start[:30]}", ok, f"{found[:1]}"))
    for start, speaker in expected.continuations:
        found = [b for b in blocks if _plain(inline_text(b.content)).startswith(start)]
        ok = bool(found) and isinstance(found[0], Paragraph) and found[0].speaker == speaker
        checks.append(Check(f"continuation: {start[:30]}", ok, f"{found[:1]}"))
    for start in expected.captions:
        found = [b for b in blocks if inline_text(b.content).startswith(start)]
        checks.append(
            Check(f"caption: {start[:30]}", bool(found) and isinstance(found[0], Subheading))
        )
    by_label = {b.label: b.speaker for b in blocks if isinstance(b, Turn)}
    for label, speaker in expected.speakers.items():
        checks.append(
            Check(f"speaker of {label}", by_label.get(label) == speaker, f"{by_label.get(label)}")
        )
    if expected.closing:
        checks.append(Check("closing", any(isinstance(b, Closing) for b in blocks)))
    return checks


def main(splits: list[str]) -> None:
    for expected in RECORDS:
        if splits and expected.split not in splits:
            continue
        checks = score(expected)
        passed = sum(c.passed for c in checks)
        print(f"{expected.file} [{expected.split}]: {passed}/{len(checks)} checks")
        for check in checks:
            if check.name in ("turns found", "no false turns"):
                print(f"    {check.name}: {check.detail.split(';')[0].split(':')[0]}")
            if not check.passed:
                print(f"    FAIL {check.name}: {check.detail[:300]}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])  # e.g. `tuning`, to measure the tuning split only
