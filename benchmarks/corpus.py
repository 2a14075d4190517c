"""Turn the bundled records' own paragraphs and a fixed seed into a corpus of document folders.

    .venv/bin/python benchmarks/corpus.py OUT [--count 60] [--seed 1974] [--from bundled|shared]

Each folder holds a `source.txt` in the Word-export format Tika writes (a leading space on the
title, NBSP-only lines between paragraphs, `[bookmark: _ftn_GoBackN][N+1]` calls, note bodies
piled at the end, a last line holding one space) and, for some, an `edition.toml`. What varies,
record by record, is what an archive of the family varies in:

- length: from a few paragraphs to some forty pages (FRUS documents are mostly short, so the
  short ones are the most frequent);
- notes: none, a few, one in two paragraphs; two calls side by side; notes of two paragraphs;
  a source note on the date line;
- sessions: none, one, several; headings with hours, with a start time only, or a place only
  (the last needs `[parse] headings` in edition.toml, as a real record would);
- label styles: "L.I. Brezhnev.", "The Secretary:", "SENATOR PERCY.", "GIEREK.", "Kissinger:",
  "Tanaka.", "Foreign Minister Tack.", mixed within a record;
- header styles, omissions, subheadings, closing lines; LF, CRLF and a UTF-8 byte-order mark.

The words come from the bundled records (`sources/*/source.txt`): what speakers say, their
unlabelled continuations, narrative paragraphs and note bodies, as the pipeline reads them.
The cast, titles, headings and header lines are the benchmark's own small tables, written after
those records. `--from shared` draws the words from the five FRUS records of ../shared/sources
that are not bundled instead: the generator was written looking at the bundled three (its
tuning set), and those five are the check that it makes records the parser reads as planned
from text it was not written against (its reporting set).

Every record is checked as it is written: the pipeline must read it as planned (the same
sessions, headings, turns with the same labels, blocks and notes), else `CorpusError` says
which record and where it differs. A generator whose records the parser rejects or misreads
measures nothing. (`benchmarks/archive.py` then builds every record in both editions.)
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.inputs import read_inputs  # noqa: E402
from pipeline.model import (  # noqa: E402
    Closing,
    Document,
    Editorial,
    Omission,
    Paragraph,
    Subheading,
    Text,
    Turn,
    body_blocks,
    inline_text,
)
from pipeline.pipeline import prepare_inputs  # noqa: E402
from pipeline.stages.parse import match_label  # noqa: E402

SEED = 1974
COUNT = 60
NBSP = "\u00a0"
CALL = "\x00"  # where a note call goes, until the calls are numbered in reading order
SOURCES = ROOT / "sources"
SHARED = ROOT.parent / "shared" / "sources"
# The five FRUS records of ../shared/sources that are not bundled: the held-out words.
SHARED_RECORDS = (
    "memcon-1967-06-23-glassboro.txt",
    "memcon-1974-07-10-washington.txt",
    "memcon-1974-12-21-new-york.txt",
    "memcon-1975-02-15-riyadh.txt",
    "memcon-1985-11-19-geneva.txt",
)


class CorpusError(Exception):
    """A generated record the pipeline rejects or reads otherwise than planned."""


# --- the tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A speaker of the cast: how labels and header lines name them."""

    initials: str
    surname: str
    office: str
    side: str


CAST = (
    Person("L.I.", "Brezhnev", "General Secretary", "From the Soviet side"),
    Person("A.N.", "Kosygin", "Chairman", "From the Soviet side"),
    Person("A.A.", "Gromyko", "Minister", "From the Soviet side"),
    Person("K.", "Tanaka", "Prime Minister", "From the Japanese side"),
    Person("M.", "Ohira", "Foreign Minister", "From the Japanese side"),
    Person("H.A.", "Kissinger", "Secretary", "United States"),
    Person("G.R.", "Ford", "President", "United States"),
    Person("E.", "Bunker", "Ambassador", "United States"),
    Person("C.", "Percy", "Senator", "United States"),
    Person("J.A.", "Tack", "Foreign Minister", "Panama"),
    Person("E.", "Gierek", "First Secretary", "Poland"),
    Person("S.", "Olszowski", "Deputy Minister", "Poland"),
)


@dataclass(frozen=True)
class LabelStyle:
    name: str
    example: str
    why: str
    form: str  # a format string over a Person's fields
    punctuation: str


LABEL_STYLES = (
    LabelStyle(
        "initials", "L.I. Brezhnev.", "Soviet records: initials and surname",
        "{initials} {surname}", ".",
    ),
    LabelStyle(
        "office-colon", "The Secretary:", "an office with its article, then a colon",
        "The {office}", ":",
    ),
    LabelStyle(
        "caps-office", "SENATOR PERCY.", "FRUS capitals: office and name", "{OFFICE} {SURNAME}",
        ".",
    ),
    LabelStyle("caps-surname", "GIEREK.", "FRUS capitals: the name alone", "{SURNAME}", "."),
    LabelStyle("colon", "Kissinger:", "FRUS colon labels, kept", "{surname}", ":"),
    LabelStyle(
        "surname", "Tanaka.", "a bare name, believed because the header lists it", "{surname}",
        ".",
    ),
    LabelStyle(
        "office-name", "Foreign Minister Tack.", "office and name", "{office} {surname}", "."
    ),
)  # fmt: skip


def label_of(person: Person, style: LabelStyle) -> str:
    return style.form.format(
        initials=person.initials,
        surname=person.surname,
        office=person.office,
        SURNAME=person.surname.upper(),
        OFFICE=person.office.upper(),
    )


@dataclass(frozen=True)
class HeadingForm:
    text: str
    why: str
    needs_hint: bool = False  # a place alone: the record says so in [parse] headings


HEADINGS = (
    HeadingForm("Morning meeting (11:30-13:40)", "session word and hours"),
    HeadingForm("Evening meeting (19:00-21:30)", "session word and hours"),
    HeadingForm("Meeting in the Oval Office (11:00-12:40)", "place and hours"),
    HeadingForm("Luncheon at the Department of State (13:15)", "a start time only"),
    HeadingForm("Meeting in the Cabinet Room (08:30)", "a start time only"),
    HeadingForm("Second session", "a session word, no time"),
    HeadingForm("Dinner at the Embassy", "a session word, no time"),
    HeadingForm("Moscow, 9 October 1973", "a place and a date"),
    HeadingForm("Riyadh", "a place only", needs_hint=True),
    HeadingForm("The Kremlin, St. Catherine Hall", "a place only", needs_hint=True),
)

# (the title lines as the export has them, the edition's title in edition.toml)
TITLES = (
    (("RECORD OF CONVERSATION",), "Record of Conversation"),
    (("MEMORANDUM OF CONVERSATION",), "Memorandum of Conversation"),
    (("RECORD OF SOVIET-JAPANESE TALKS",), "Record of Soviet–Japanese Talks"),
    (("RECORD OF U.S.-POLISH TALKS",), "Record of U.S.–Polish Talks"),
    # A title of two capitals lines, which the parser joins.
    (("RECORD OF CONVERSATION", "BETWEEN THE DELEGATIONS"), "Conversation of the Delegations"),
)
PLACES = ("Moscow", "Washington", "New York", "Geneva", "Warsaw", "Tokyo")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
SUBJECTS = (
    "U.S.-Panama Treaty Negotiations",
    "Soviet-Japanese Relations; Peace Treaty",
    "Polish-American Relations; CSCE",
)
CLOSINGS = ("Recorded by: N.N. Solov’ev.", "Drafted by: S. Morey Bell.")
SUBHEADINGS = ("I. BACKGROUND", "II.", "III. ECONOMIC QUESTIONS")
# Length tiers in body paragraphs, with weights: FRUS documents are mostly a page or two.
LENGTHS = ((3, 8, 3), (10, 40, 4), (50, 120, 2), (150, 400, 1))
# Per body block after the first: what kind it is (a continuation only follows a turn).
KINDS = (("turn", 55), ("continuation", 33), ("narrative", 6), ("omission", 4), ("subheading", 2))


# --- the words -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    """What the records offer: speech (a turn's words after its label), continuations
    (unlabelled paragraphs of a turn), narrative paragraphs and note bodies (paragraphs)."""

    speech: tuple[str, ...]
    continuations: tuple[str, ...]
    narrative: tuple[str, ...]
    notes: tuple[tuple[str, ...], ...]
    origin: str


def export_text(content: Sequence[object]) -> str:
    """Inline content back in the export's spelling, without the note calls (the generator
    places its own)."""
    parts = []
    for node in content:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Editorial):
            parts.append(f"[{node.text}]")
    return " ".join("".join(parts).split())


def pool_from(paths: Sequence[Path], origin: str) -> Pool:
    speech: list[str] = []
    continuations: list[str] = []
    narrative: list[str] = []
    notes: list[tuple[str, ...]] = []
    for path in paths:
        doc, _ = prepare_inputs(read_inputs(path), typography=False)
        for _, block in body_blocks(doc):
            text = export_text(block.content)
            if len(text) < 12:
                continue
            if isinstance(block, Turn):
                speech.append(text)
            elif isinstance(block, Paragraph) and match_label(text) is None:
                # A paragraph that opens like a label ("The TTB: …") is read as a turn or not
                # by evidence elsewhere in its record (a recurring label is believed), which a
                # shuffled record changes: such paragraphs are left out.
                (continuations if block.speaker else narrative).append(text)
        notes += [tuple(export_text(p) for p in note.paragraphs) for note in doc.notes]
    if not speech or not notes:
        raise CorpusError(f"the records of {origin} hold no speaker turns or no notes")
    # Reported-speech records have no turns, so their paragraphs are all "narrative": they
    # serve as continuations too.
    return Pool(
        tuple(speech),
        tuple(continuations or narrative),
        tuple(narrative or continuations),
        tuple(notes),
        origin,
    )


def bundled_pool() -> Pool:
    return pool_from(
        sorted(p for p in SOURCES.iterdir() if (p / "source.txt").is_file()), "sources/"
    )


def shared_pool() -> Pool:
    missing = [name for name in SHARED_RECORDS if not (SHARED / name).is_file()]
    if missing:
        raise CorpusError(f"not found in {SHARED}: {', '.join(missing)}")
    return pool_from([SHARED / name for name in SHARED_RECORDS], "../shared/sources/")


# --- planning ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A planned body paragraph; `text` holds CALL where a note call goes."""

    kind: str  # turn, continuation, narrative, omission, subheading, closing
    text: str
    label: str = ""
    punctuation: str = ""


@dataclass(frozen=True)
class Section:
    heading: str  # "" for body text before any heading
    blocks: tuple[Block, ...]


@dataclass
class Plan:
    name: str
    title: tuple[str, ...]
    edition_title: str
    dateline: str
    header: list[str]
    sections: list[Section]
    notes: list[tuple[str, ...]] = field(default_factory=list)  # bodies in call order
    newline: str = "\n"
    bom: bool = False
    edition: str = ""  # edition.toml, or "" for none
    features: set[str] = field(default_factory=set)


def _length(rng: random.Random) -> int:
    low, high, _ = rng.choices(LENGTHS, weights=[w for *_, w in LENGTHS])[0]
    return rng.randint(low, high)


def _date(rng: random.Random) -> tuple[str, str]:
    """(the date line, its ISO date)."""
    year, month, day = rng.randint(1963, 1988), rng.randint(1, 12), rng.randint(1, 28)
    place, name = rng.choice(PLACES), MONTHS[month - 1]
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    form = rng.randrange(3)
    if form == 0:
        return f"{day} {name} {year}", iso
    if form == 1:
        return f"{place}, {name} {day}, {year}", iso
    return f"{place}, {day} {name} {year}", iso


def _cast(rng: random.Random) -> list[Person]:
    """Two to five speakers with distinct offices (so "The Secretary" names one person)."""
    people = rng.sample(CAST, rng.randint(2, 5))
    seen: dict[str, Person] = {}
    for person in people:
        seen.setdefault(person.office, person)
    return list(seen.values())


def _header(rng: random.Random, cast: Sequence[Person], style: int) -> list[str]:
    def named(person: Person) -> str:
        return f"{person.office} {person.initials} {person.surname}"

    sides: dict[str, list[Person]] = {}
    for person in cast:
        sides.setdefault(person.side, []).append(person)
    if style == 0:  # the 1973 record's
        return ["The talks were conducted:"] + [
            f"{side} – {', '.join(named(p) for p in people)}" for side, people in sides.items()
        ]
    if style == 1:  # FRUS's
        return [f"Subject: {rng.choice(SUBJECTS)}", "Participants:"] + [
            f"{side.removeprefix('From the ').removesuffix(' side')} – "
            + "; ".join(named(p) for p in people)
            for side, people in sides.items()
        ]
    return []


def _with_calls(rng: random.Random, text: str, calls: int) -> str:
    """Put `calls` note calls into `text`: after a sentence or at the end; two calls may stand
    side by side."""
    ends = [i + 1 for i, c in enumerate(text[:-1]) if c in ".?!" and text[i + 1] == " "]
    ends.append(len(text))
    for _ in range(calls):
        at = rng.choice(ends)
        text = text[:at] + CALL + text[at:]
        ends = [e + (1 if e >= at else 0) for e in ends]
    return text


def _blocks(
    rng: random.Random,
    pool: Pool,
    count: int,
    cast: Sequence[Person],
    labels: dict[str, tuple[str, str]],
) -> list[Block]:
    blocks: list[Block] = []
    last_speaker: Person | None = None
    for index in range(count):
        kind = "turn"
        if index:
            kind = rng.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
            if kind == "continuation" and blocks[-1].kind not in ("turn", "continuation"):
                kind = "turn"
            if kind == "subheading" and blocks[-1].kind == "subheading":
                kind = "turn"
        if kind == "turn":
            speaker = rng.choice([p for p in cast if p is not last_speaker] or list(cast))
            last_speaker = speaker
            label, punctuation = labels[speaker.surname]
            blocks.append(Block("turn", rng.choice(pool.speech), label, punctuation))
        elif kind == "continuation":
            blocks.append(Block("continuation", rng.choice(pool.continuations)))
        elif kind == "narrative":
            blocks.append(Block("narrative", rng.choice(pool.narrative)))
            last_speaker = None
        elif kind == "omission":
            blocks.append(Block("omission", "[…]"))
        else:
            blocks.append(Block("subheading", rng.choice(SUBHEADINGS)))
            last_speaker = None
    return blocks


def _note_calls(rng: random.Random, plan: Plan, density: float, pool: Pool) -> None:
    """Place note calls (density: calls per body paragraph) and choose their bodies."""
    placed = 0
    for s, section in enumerate(plan.sections):
        blocks = list(section.blocks)
        for b, block in enumerate(blocks):
            if block.kind == "subheading" or rng.random() >= density:
                continue
            calls = 2 if rng.random() < 0.15 else 1
            if calls == 2:
                plan.features.add("two calls side by side")
            text = block.text
            if block.kind == "omission" or calls == 2:
                text = text + CALL * calls  # "[…][8]", "…1974.[1][2]"
            else:
                text = _with_calls(rng, text, calls)
            blocks[b] = Block(block.kind, text, block.label, block.punctuation)
            placed += calls
        plan.sections[s] = Section(section.heading, tuple(blocks))
    if density and rng.random() < 0.7:
        plan.dateline += CALL  # the source note, as FRUS places it
        plan.features.add("source note on the date line")
    total = placed + plan.dateline.count(CALL)
    for _ in range(total):
        body = rng.choice(pool.notes)
        if len(body) == 1 and rng.random() < 0.12:
            body = (body[0], rng.choice(pool.notes)[0])
        if len(body) > 1:
            plan.features.add("note of two paragraphs")
        plan.notes.append(body)
    plan.features.add("no notes" if not total else ("many notes" if total >= 15 else "a few notes"))


def plan_record(rng: random.Random, index: int, pool: Pool) -> Plan:
    """One record's plan. Features cycle with the index (lengths of the cycles are coprime, so
    every combination turns up), and the seed decides the rest."""
    cast = _cast(rng)
    primary = LABEL_STYLES[index % len(LABEL_STYLES)]
    labels: dict[str, tuple[str, str]] = {}
    mixed = index % 3 == 2
    styles_used = set()
    for person in cast:
        style = rng.choice(LABEL_STYLES) if mixed else primary
        styles_used.add(style.name)
        labels[person.surname] = (label_of(person, style), style.punctuation)
    header_style = index % 4 % 3  # 0, 1, 2, 0: Soviet, FRUS, none
    if any(s == "surname" or s == "colon" for s in styles_used) and header_style == 2:
        header_style = 1  # a bare name is believed only when the header names it
    session_count = (0, 1, 2, 3, 1)[index % 5]
    length = max(_length(rng), session_count)
    dateline, iso = _date(rng)
    plan = Plan(
        name="",
        title=TITLES[index % len(TITLES)][0],
        edition_title=TITLES[index % len(TITLES)][1],
        dateline=dateline,
        header=_header(rng, cast, header_style),
        sections=[],
    )
    plan.features |= {f"label {name}" for name in styles_used}
    plan.features.add(f"{session_count} session(s)" if session_count < 2 else "several sessions")
    plan.features.add(("Soviet", "FRUS", "no")[header_style] + " header")
    headings = rng.sample(HEADINGS, session_count) if session_count else []
    sizes = _split(rng, length, max(session_count, 1))
    for number, size in enumerate(sizes):
        heading = headings[number].text if headings else ""
        plan.sections.append(Section(heading, tuple(_blocks(rng, pool, size, cast, labels))))
    if rng.random() < 0.4:
        last = plan.sections[-1]
        closing = Block("closing", rng.choice(CLOSINGS))
        plan.sections[-1] = Section(last.heading, (*last.blocks, closing))
        plan.features.add("closing line")
    density = (0.0, 0.1, 0.25, 0.6)[index % 4]
    _note_calls(rng, plan, density, pool)
    plan.features.add(f"{length} paragraphs")
    if any(h.needs_hint for h in headings):
        plan.features.add("heading without time, declared")
    if any("(" in h.text for h in headings):
        plan.features.add("heading with time")
    if any("(" not in h.text for h in headings):
        plan.features.add("heading without time")
    plan.newline = "\r\n" if index % 6 == 5 else "\n"
    plan.bom = index % 8 == 3
    if plan.newline != "\n":
        plan.features.add("CRLF")
    if plan.bom:
        plan.features.add("BOM")
    plan.edition = _edition(rng, index, plan, iso, headings)
    plan.features.add("edition.toml" if plan.edition else "no edition.toml")
    slug = plan.title[0].lower().replace(" ", "-").replace(".", "")
    plan.name = f"{index:03d}-{slug}-{iso}"
    return plan


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    edges = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(edges)]


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _edition(
    rng: random.Random, index: int, plan: Plan, iso: str, headings: Sequence[HeadingForm]
) -> str:
    hinted = any(h.needs_hint for h in headings)
    if not hinted and index % 3 == 1:
        return ""
    lines = [
        "[document]",
        f"title = {_toml_string(plan.edition_title)}",
        f'date = "{iso}"',
        f'language = "{rng.choice(("en-GB", "en-US"))}"',
        'modified = "2026-11-28"',
        "",
        "[print]",
        f'paper = "{rng.choice(("a4", "letter"))}"',
        # Many notes on a short page: an overfull footnote area moves a note to the back
        # rather than stopping the batch (the benchmark measures building, not refusing).
        'long_notes = "endnotes"',
    ]
    if hinted:
        lines += [
            "",
            "[parse]",
            "headings = [" + ", ".join(_toml_string(h.text) for h in headings) + "]",
        ]
    return "\n".join(lines) + "\n"


# --- writing -------------------------------------------------------------------------------------


def _call(n: int) -> str:
    return f"[bookmark: _ftn_GoBack{n - 1}][{n}]"


def source_text(plan: Plan) -> str:
    """The export, LF line ends (`source_bytes` applies the plan's newline and BOM)."""
    counter = iter(range(1, 10_000))

    def numbered(text: str) -> str:
        return "".join(_call(next(counter)) if c == CALL else c for c in text)

    lines = [" " + plan.title[0], *plan.title[1:], numbered(plan.dateline), NBSP]
    for line in plan.header:
        lines.append(line)
    if plan.header:
        lines.append(NBSP)
    for section in plan.sections:
        if section.heading:
            lines += [f"{section.heading} {NBSP}", NBSP]
        for block in section.blocks:
            text = numbered(block.text)
            if block.kind == "turn":
                text = f"{block.label}{block.punctuation} {text}"
            lines += [text + " ", NBSP]
    for n, body in enumerate(plan.notes, start=1):
        lines.append(f"[bookmark: _ftn{n - 1}][{n}] {body[0]} ")
        lines += [f"{paragraph} " for paragraph in body[1:]]
    lines.append(" ")
    return "\n".join(lines)


def source_bytes(plan: Plan) -> bytes:
    data = source_text(plan).replace("\n", plan.newline).encode("utf-8")
    return (b"\xef\xbb\xbf" if plan.bom else b"") + data


def write_record(plan: Plan, out: Path) -> Path:
    folder = out / plan.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.txt").write_bytes(source_bytes(plan))
    if plan.edition:
        (folder / "edition.toml").write_text(plan.edition, encoding="utf-8")
    return folder


# --- checking ------------------------------------------------------------------------------------

_KIND_OF = {
    "turn": Turn,
    "continuation": Paragraph,
    "narrative": Paragraph,
    "omission": Omission,
    "subheading": Subheading,
    "closing": Closing,
}


def _planned(plan: Plan) -> Iterator[tuple[str, str]]:
    for section in plan.sections:
        yield "session", section.heading
        for block in section.blocks:
            yield _KIND_OF[block.kind].__name__, block.label


def _read(doc: Document) -> Iterator[tuple[str, str]]:
    for session in doc.sessions:
        yield "session", inline_text(session.heading).replace(NBSP, " ").strip()
        for block in session.blocks:
            yield type(block).__name__, block.label if isinstance(block, Turn) else ""


def check_record(plan: Plan, folder: Path) -> Document:
    """Read the written record with the pipeline; raise CorpusError where it differs from the
    plan (sessions and their headings, each block's kind, each turn's label, notes)."""
    try:
        doc, _ = prepare_inputs(read_inputs(folder), typography=False)
    except Exception as error:  # a PipelineError, or worse: both mean a useless record
        raise CorpusError(f"{folder.name}: the pipeline rejects it: {error}") from error
    planned, read = list(_planned(plan)), list(_read(doc))
    for number, (want, got) in enumerate(zip(planned, read, strict=False), start=1):
        if want != got:
            raise CorpusError(f"{folder.name}: item {number}: planned {want}, read {got}")
    if len(planned) != len(read):
        raise CorpusError(f"{folder.name}: planned {len(planned)} items, read {len(read)}")
    if len(doc.header.blocks) != len(plan.header):
        raise CorpusError(
            f"{folder.name}: planned {len(plan.header)} header lines, read {len(doc.header.blocks)}"
        )
    shapes = [len(note.paragraphs) for note in doc.notes]
    if shapes != [len(body) for body in plan.notes]:
        raise CorpusError(f"{folder.name}: notes planned {len(plan.notes)}, read {len(shapes)}")
    return doc


# --- one long record -----------------------------------------------------------------------------

_CALL = re.compile(r"\[bookmark: _ftn_GoBack\d+\]\[(\d+)\]")
_BODY = re.compile(r"^\[bookmark: _ftn\d+\]\[(\d+)\]")


def repeat_record(folder: Path, times: int, out: Path) -> Path:
    """Write under `out` one document whose body is `folder`'s sessions `times` over: the
    header once, then every session again and again, its notes renumbered in reading order so
    calls and bodies stay unique and matched. `edition.toml` is kept; errata are not (a `find`
    must occur once, and the copies repeat it)."""
    source = (folder / "source.txt").read_bytes().decode("utf-8")
    doc, _ = prepare_inputs(read_inputs(folder), typography=False)
    if not doc.sessions or not doc.sessions[0].line or not doc.notes:
        raise CorpusError(f"{folder}: needs a session heading and notes to be repeated")
    lines = source.split("\n")
    body_start, notes_start = doc.sessions[0].line - 1, doc.notes[0].line - 1
    header, body = lines[:body_start], lines[body_start:notes_start]
    bodies: dict[int, list[str]] = {}
    for line in lines[notes_start:]:
        start = _BODY.match(line)
        if start:
            bodies[int(start.group(1))] = [line[start.end() :]]
        elif line.strip() and bodies:
            bodies[max(bodies)].append(line)
    header_notes = [int(n) for line in header for n in _CALL.findall(line)]
    order: list[int] = list(header_notes)  # old note number of each new one, in order
    copies: list[str] = []
    for _ in range(times):
        for line in body:

            def renumber(match: re.Match[str]) -> str:
                order.append(int(match.group(1)))
                return f"[bookmark: _ftn_GoBack{len(order) - 1}][{len(order)}]"

            copies.append(_CALL.sub(renumber, line))
    notes = []
    for new, old in enumerate(order, start=1):
        first, *rest = bodies[old]
        notes += [f"[bookmark: _ftn{new - 1}][{new}]{first}", *rest]
    tail = [line for line in lines[notes_start:] if not line.strip()][-1:] or [" "]
    target = out / f"{folder.name}-x{times}"
    target.mkdir(parents=True, exist_ok=True)
    text = "\n".join([*header, *copies, *notes, *tail])
    (target / "source.txt").write_bytes(text.encode("utf-8"))
    given = folder / "edition.toml"
    edition = given.read_text("utf-8") if given.is_file() else ""
    # A hundred copies are a record no archive holds: it says so, as a genuinely long record
    # would (limits.py), with room to spare under the limit's ceiling.
    lines = sum(1 for line in text.split("\n") if line.strip())
    edition += f"\n[limits]\nrecord_characters = {len(text) + 1000}\ntext_lines = {lines + 100}\n"
    (target / "edition.toml").write_text(edition, "utf-8")
    repeated, _ = prepare_inputs(read_inputs(target), typography=False)
    if len(repeated.sessions) != times * len(doc.sessions) or len(repeated.notes) != len(order):
        raise CorpusError(f"{target}: the repeated record does not read as {times} copies")
    return target


# --- the corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    folders: tuple[Path, ...]
    features: dict[str, int]  # feature → how many records have it
    origin: str


def generate(out: Path, count: int = COUNT, seed: int = SEED, pool: Pool | None = None) -> Corpus:
    """Write `count` checked records under `out` (which must be empty or absent)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise CorpusError(f"{out} is not empty; give a fresh folder")
    pool = pool or bundled_pool()
    rng = random.Random(seed)
    folders, features = [], {}
    for index in range(count):
        plan = plan_record(rng, index, pool)
        folder = write_record(plan, out)
        check_record(plan, folder)
        folders.append(folder)
        for feature in plan.features:
            features[feature] = features.get(feature, 0) + 1
    return Corpus(tuple(folders), features, pool.origin)


def coverage(corpus: Corpus) -> list[str]:
    """The features every corpus must show, each with how many records show it."""
    wanted = [
        "no notes", "a few notes", "many notes", "two calls side by side", "note of two paragraphs",
        "source note on the date line", "0 session(s)", "1 session(s)", "several sessions",
        "heading with time", "heading without time", "heading without time, declared",
        *(f"label {style.name}" for style in LABEL_STYLES),
        "CRLF", "BOM", "edition.toml", "no edition.toml", "closing line",
    ]  # fmt: skip
    missing = [name for name in wanted if not corpus.features.get(name)]
    if missing:
        raise CorpusError(f"the corpus lacks: {', '.join(missing)}")
    return [f"{name}: {corpus.features[name]}" for name in wanted]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--from", dest="origin", choices=("bundled", "shared"), default="bundled")
    args = parser.parse_args(argv)
    pool = shared_pool() if args.origin == "shared" else bundled_pool()
    try:
        corpus = generate(args.out, args.count, args.seed, pool)
        lines = coverage(corpus)
    except CorpusError as error:
        print(f"corpus: {error}", file=sys.stderr)
        return 1
    sizes = sorted(len((f / "source.txt").read_bytes()) for f in corpus.folders)
    print(f"{len(corpus.folders)} records from {corpus.origin} in {args.out}, all read as planned")
    print(f"source sizes: {sizes[0]} to {sizes[-1]} bytes, median {sizes[len(sizes) // 2]}")
    print("; ".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
