"""Turn facts of the document model into the values both TEI profiles write.

Dates and times as TEI wants them (`when`, `from`/`to` in XML Schema form), where a session
heading spells its hours, how a date line divides into place and date, the speakers and the
people behind the errata with their identifiers, and one sentence per errata entry for the
header. Nothing here builds elements; `generic.py` and `frus.py` do, each in its own shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pipeline.model import (
    Block,
    Closing,
    Correction,
    Document,
    Inlines,
    Session,
    Text,
    Time,
    Turn,
    body_blocks,
    inline_text,
)
from pipeline.writers.editorial import correction_place
from pipeline.writers.tei.elements import Ids, slug

# --- dates and times -----------------------------------------------------------------------------

# What TEI's @when/@from/@to accept from Meta (ISO 8601: a year, a month or a day).
ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")

# A clock time as the parser reads one in a heading (pipeline/stages/parse.py, _TIME): "11:30",
# "11.30", "6 p.m.", "1:15pm", "0830 hrs" is not one.
_CLOCK = re.compile(
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<suffix>a\.?\s?m\.?|p\.?\s?m\.?|hrs|hours|h)?",
    re.IGNORECASE,
)
# Between the two times of a span: a dash or a word ("10:00-12:00", "10 to 12").
_SPAN = r"\s*(?:[-\u2013\u2014]|to|until)\s*"


def iso_date(value: str) -> str:
    """`value` if TEI's date attributes accept it, else ""."""
    value = value.strip()
    return value if ISO_DATE.fullmatch(value) else ""


def xsd_time(clock: str) -> str:
    """ "6 p.m." → "18:00:00", "11:30" → "11:30:00"; "" for what is not a clock time."""
    match = _CLOCK.fullmatch(clock.strip())
    if not match:
        return ""
    hour, minute = int(match["h"]), int(match["m"] or 0)
    suffix = re.sub(r"[.\s]", "", (match["suffix"] or "").lower())
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            return ""
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return ""
    return f"{hour:02d}:{minute:02d}:00"


def time_attributes(time: Time) -> dict[str, str]:
    """@when for a start alone, @from/@to for a span; nothing for hours TEI cannot read."""
    start, end = xsd_time(time.start), xsd_time(time.end) if time.end else ""
    if start and end:
        return {"from": start, "to": end}
    if start and not time.end:
        return {"when": start}
    return {}


def hours_text(time: Time) -> str:
    return f"{time.start}\u2013{time.end}" if time.end else time.start


def hours_restored(session: Session) -> bool:
    """Whether the editions print the session's hours after its heading because the heading
    does not spell them: the rule of `pdf.session_label` and `audit.expected_words`, which the
    TEI text must follow to give the same words."""
    label = inline_text(session.heading).strip()
    return bool(label and session.time and session.time.start and session.time.start not in label)


def _loose(clock: str) -> str:
    # Typography may have put a no-break space inside "6 p.m.": any run of spaces matches.
    return "".join(r"\s*" if c.isspace() else re.escape(c) for c in clock.strip())


def find_hours(text: str, time: Time) -> tuple[int, int] | None:
    """Where `text` (one run of a heading) spells the session's hours, as (start, end)."""
    pattern = _loose(time.start) + (_SPAN + _loose(time.end) if time.end else "")
    match = re.search(pattern, text)
    return match.span() if match else None


@dataclass(frozen=True, slots=True)
class DatelineParts:
    """A date line's first run cut in three: "Washington", ", ", "April 23, 1974" (the place
    is empty when the line is a date alone, "8 October 1973")."""

    place: str
    separator: str
    date: str


def split_dateline(content: Inlines) -> DatelineParts | None:
    """The place and the date of a date line whose first run holds both, or the date alone.

    The place is the longest stretch before a ", " that holds no digit, when a digit follows
    ("Glassboro, New Jersey, June 23–25, 1967"); a run with no digit is not a date at all.
    """
    if not content or not isinstance(content[0], Text):
        return None
    text = content[0].text
    if not re.search(r"\d", text):
        return None
    best = None
    for match in re.finditer(r",\s+", text):
        before, after = text[: match.start()], text[match.end() :]
        if re.search(r"\d", before):
            break
        if re.search(r"\d", after):
            best = DatelineParts(before, match.group(), after)
    return best or DatelineParts("", "", text)


# --- speakers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Speaker:
    """Someone who has a turn: the identity the labels stand for, its id, the labels used."""

    identity: str
    id: str
    labels: tuple[str, ...]


def speakers(doc: Document, claim: Callable[[str], str]) -> dict[str, Speaker]:
    """Every speaker in order of first turn, keyed by identity (`Turn.speaker`); `claim` gives
    the xml:id of an identity (each profile names people its own way)."""
    labels: dict[str, dict[str, None]] = {}
    for _, block in body_blocks(doc):
        if isinstance(block, Turn):
            labels.setdefault(block.speaker or block.label, {})[block.label] = None
    return {
        identity: Speaker(identity, claim(identity), tuple(found))
        for identity, found in labels.items()
    }


def frus_person_id(identity: str, ids: Ids) -> str:
    """FRUS's pattern for a person in a volume's list: "p_" + initials + "_" + a number
    ("Foreign Minister Tack" → "p_FMT_1", the next "p_FMT_2")."""
    initials = "".join(word[0] for word in slug(identity).upper().split("-") if word) or "X"
    number = 1
    while ids.taken(f"p_{initials}_{number}"):
        number += 1
    return ids.claim(f"p_{initials}_{number}", "p_X")


# --- the people and dates behind the errata ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Responsibility:
    """Who decided each errata entry (`by`) and on which day (`date`): an id per person for
    @resp, an id per day for @change (the day's `change` in the header)."""

    people: dict[str, str]  # `by` as written → xml:id
    days: dict[str, str]  # ISO date → xml:id

    def resp(self, correction: Correction) -> str:
        return f"#{self.people[correction.by]}" if correction.by in self.people else ""

    def change(self, correction: Correction) -> str:
        day = iso_date(correction.date)
        return f"#{self.days[day]}" if day in self.days else ""


def responsibility(corrections: Iterable[Correction], ids: Ids) -> Responsibility:
    people: dict[str, str] = {}
    days: dict[str, str] = {}
    for correction in corrections:
        if correction.by and correction.by not in people:
            people[correction.by] = ids.claim(f"resp-{slug(correction.by)}", "resp")
        day = iso_date(correction.date)
        if day and day not in days:
            days[day] = ids.claim(f"errata-{day}", "errata")
    return Responsibility(people, dict(sorted(days.items())))


# --- the header's list of interventions ------------------------------------------------------


def _quoted(text: str) -> str:
    return f"“{text}”"


def _what(correction: Correction) -> str:
    reading, source = correction.reading, correction.source_reading
    match correction.kind:
        case "emend" if reading and source:
            return f"{_quoted(reading)} for the source’s {_quoted(source)}"
        case "emend" if source:
            return f"the source’s {_quoted(source)} deleted"
        case "emend":
            return f"{_quoted(reading)} added"
        case "regularise":
            return f"{_quoted(reading)} for {_quoted(source)}, silently"
        case "supply":
            return f"{_quoted(reading)} supplied by the editors"
        case "sic":
            return f"{_quoted(reading)} kept as the source has it and marked sic"
        case _:
            return f"{_quoted(reading or source)} considered and kept as the source has it"


def entry_sentence(doc: Document, correction: Correction) -> str:
    """ "¶ 10: “those” for the source’s “these” (wrong word). The demonstrative …": what the
    apparatus of the editions says of one entry, in one sentence, with who and when."""
    reason = correction.reason
    if correction.kind == "regularise" and correction.category:
        reason = f"class “{correction.category}”: {reason}" if reason else correction.category
    sentence = f"{correction_place(doc, correction)}: {_what(correction)}"
    sentence += f" ({reason.rstrip('.')})." if reason else "."
    if correction.note:
        sentence += f" {_stop(correction.note)}"
    decided = ", ".join(part for part in (correction.by, correction.date) if part)
    if decided:
        sentence += f" Decided by {_stop(decided)}" if correction.by else f" Decided {decided}."
    if correction.status != "accepted":
        sentence += f" Status: {correction.status}."
    return sentence


def _stop(text: str) -> str:
    """The text as a sentence: a full stop at its end unless it has one ("A. B.")."""
    return text if text.endswith((".", "!", "?")) else f"{text}."


# --- blocks --------------------------------------------------------------------------------------


def trailing_closings(blocks: tuple[Block, ...]) -> int:
    """How many blocks at the end are closing lines: they may stand in a `closer`, which TEI
    allows only after everything else in a division."""
    count = 0
    for block in reversed(blocks):
        if not isinstance(block, Closing):
            break
        count += 1
    return count


def numbered(blocks: Iterable[Block]) -> Iterator[tuple[Block, str]]:
    """Each block with its paragraph number as @n ("" when not counted)."""
    for block in blocks:
        yield block, str(getattr(block, "number", 0) or "")
