"""Turn the benchmark's eight FRUS records into two fixed halves and each record's own slips.

**The split.** The typo finder may be tuned on the *tuning* half only; the *held-out* half is
what `suggest_eval.py` reports as its headline and checks against the issue's targets. The
split is fixed here, with its reason, and must not move to suit a result:

- the three bundled records (`sources/<id>/source.txt`) go to tuning, because earlier work
  already tuned the finder on them (its thresholds were set on the Panama and Poland records,
  and its tests pin the 1973 record's ten slips): they cannot be held out honestly;
- the Glassboro record joins them, so that the halves have about the same number of words
  (13,900 each) and the tuning half also has reported speech;
- the held-out half keeps one record of each remaining kind: colon labels (1974-07-10),
  full-stop labels and many transcription slips (1974-12-21), telegraphese and a byte-order
  mark (1975-02-15), and 1980s reported speech (1985-11-19).

**Each record's own slips.** The records are FRUS's text word for word, and FRUS has slips of
its own (`shared/sources/SOURCES.md` lists them; the 1973 record's are its `errata.toml`). A
proposal on one of them is a true find, not a false alarm: it is counted as found, and as exact
when applying its entry gives one of the readings listed. Spans *disputed* are variant
spellings an editor may or may not regularise ("DeGaulle", "Dofar"): a proposal there counts
neither way.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The five FRUS records of the family, shared with the parser tests (one copy in the project).
RECORDS = ROOT / "tests" / "fixtures" / "family" / "frus"

TUNING = "tuning"
HELD_OUT = "held-out"


@dataclass(frozen=True)
class Slip:
    """A slip of the source itself: `find` occurs once in the record and holds it; `readings`
    are the corrected forms of the whole of `find` (none: the right reading is unknown)."""

    find: str
    readings: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class Disputed:
    """A reading an editor may or may not regularise: a proposal inside `find` is neither a
    find nor a false alarm."""

    find: str
    why: str


@dataclass(frozen=True)
class Record:
    name: str
    path: Path
    half: str
    slips: tuple[Slip, ...] = ()
    disputed: tuple[Disputed, ...] = ()

    def text(self) -> str:
        from pipeline.stages.read import read_source  # the CLI's decoding: BOM and CRLF

        return read_source(self.path)


def _errata_slips(folder: Path) -> tuple[Slip, ...]:
    """The 1973 record's slips are its declared errata."""
    data = tomllib.loads((folder / "errata.toml").read_text(encoding="utf-8"))
    return tuple(Slip(fix["find"], (fix["replace"],), fix["reason"]) for fix in data["fix"])


BUNDLED = ROOT / "sources"

CORPUS: tuple[Record, ...] = (
    Record(
        "1973-10-08 Soviet-Japanese talks",
        BUNDLED / "1973-10-08-soviet-japanese-talks/source.txt",
        TUNING,
        _errata_slips(BUNDLED / "1973-10-08-soviet-japanese-talks"),
    ),
    Record(
        "1974-04-23 Panama",
        BUNDLED / "1974-04-23-us-panama-memcon/source.txt",
        TUNING,
    ),
    Record(
        "1974-10-08 Poland",
        BUNDLED / "1974-10-08-us-polish-talks/source.txt",
        TUNING,
        (
            Slip("Ministry of. Foreign", ("Ministry of Foreign",), "stray full stop"),
            Slip("qualification. I believe", ("qualification, I believe",), "full stop for comma"),
            Slip("I have an invitation", ("I had an invitation",), "tense: 'a year ago'"),
            Slip("1918 put the question", (), "SOURCES.md lists it; the reading is unclear"),
        ),
        (Disputed("U. S.", "spacing of initials, kept as printed"),),
    ),
    Record(
        "1967-06-23 Glassboro",
        RECORDS / "memcon-1967-06-23-glassboro.txt",
        TUNING,
        (Slip("follow-up this proposal", ("follow up this proposal",), "noun for verb"),),
    ),
    Record(
        "1974-07-10 congressional briefing",
        RECORDS / "memcon-1974-07-10-washington.txt",
        HELD_OUT,
        (
            Slip("of the each other", ("of each other",), "stray article"),
            Slip("now, but who knows", ("now, who knows",), "'while … but'"),
        ),
        (Disputed("Cederburg", "FRUS's spelling of Cederberg's name"),),
    ),
    Record(
        "1974-12-21 Bouteflika",
        RECORDS / "memcon-1974-12-21-new-york.txt",
        HELD_OUT,
        (
            Slip("you sore of", ("you some of",), "transcription: m read as r"),
            Slip("that rile", ("that rule", "that role"), "transcription: u read as i"),
            Slip("confrontation hut of", ("confrontation but of",), "transcription: b as h"),
            Slip("can made a", ("can make a",), "verb form"),
            Slip("back by you", ("back to you",), "wrong preposition"),
            Slip("skillful offered", ("skillful, offered",), "missing comma"),
            Slip("Third world", ("Third World",), "capital of a proper name"),
            Slip("the Eigal-Allon", ("the Yigal-Allon", "the Yigal Allon"), "note 1 explains"),
            Slip("the Handbro legal", ("the Hambro legal",), "note 1 explains"),
        ),
        (
            Disputed("Boumedienne", "transliteration of Boumediene"),
            Disputed("DeGaulle", "spacing of de Gaulle's name"),
        ),
    ),
    Record(
        "1975-02-15 Riyadh",
        RECORDS / "memcon-1975-02-15-riyadh.txt",
        HELD_OUT,
        (
            Slip("Stoltzfus Wolle", ("Stoltzfus, Wolle",), "missing comma"),
            Slip("Jidda, (Notetaker)", ("Jidda (Notetaker)",), "stray comma"),
            Slip("issue: is extreme", ("issue is extreme",), "stray colon"),
            Slip("statements and statements", (), "repeated noun; the reading is unclear"),
            Slip("Monday, (Feb. 24)", ("Monday (Feb. 24)",), "stray comma"),
            Slip("from OPEC meeting", ("from the OPEC meeting",), "missing article"),
        ),
        (
            Disputed("domestic flack", "'flack' is a variant of 'flak'"),
            Disputed("Dofar", "transliteration of Dhofar"),
            Disputed("Sheikh Zayyed", "transliteration of Zayed"),
        ),
    ),
    Record(
        "1985-11-19 Geneva",
        RECORDS / "memcon-1985-11-19-geneva.txt",
        HELD_OUT,
        (Slip("even thought I", ("even though I",), "an extra letter makes another word"),),
        (Disputed("too good a place to be", "FRUS's wording of the remark"),),
    ),
)


def records(half: str) -> tuple[Record, ...]:
    return tuple(record for record in CORPUS if record.half == half)


def spans(text: str, find: str) -> list[tuple[int, int]]:
    """Every place `find` occurs in `text`."""
    found, at = [], text.find(find)
    while at != -1:
        found.append((at, at + len(find)))
        at = text.find(find, at + 1)
    return found


def check_corpus() -> None:
    """Every slip's `find` occurs exactly once in its record (a disputed one at least once)."""
    for record in CORPUS:
        text = record.text()
        for slip in record.slips:
            if len(spans(text, slip.find)) != 1:
                raise SystemExit(f"{record.name}: slip {slip.find!r} does not occur exactly once")
        for disputed in record.disputed:
            if not spans(text, disputed.find):
                raise SystemExit(f"{record.name}: disputed {disputed.find!r} does not occur")
