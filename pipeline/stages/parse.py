"""Turn clean text (see `clean.py`) into the document model: header, sessions, blocks, notes.

One line is one paragraph, as Word exports it. The parser decides, line by line:

- the **header**: the title (first line; following capitals lines join it), a date line, then
  fields ("Participants:", "From the Soviet side – …", "Subject: …") up to the first session
  heading or speaker turn;
- **session headings**: short lines with no final full stop that name a meeting, give its hours,
  or give a place and date ("Morning meeting (11:30-13:40)", "Luncheon at the Department of
  State (13:15)");
- **speaker turns**: a label (a name with initials, a title, an office, capitals) closed by a
  full stop or a colon ("L.I. Brezhnev.", "SENATOR PERCY.", "Gierek:"); a label is believed
  only with evidence (a title word, initials, capitals, a name from the header, or the label
  recurring), so "Yes. I agree." stays a paragraph;
- omissions (`[…]` alone), subheadings ("I. BACKGROUND", "II."), closing lines ("Recorded by:"),
  narrative and continuation paragraphs;
- the **notes**: from the first note-body token on, each token opens a note and other lines
  continue it.

When a heuristic cannot decide, `[parse]` in edition.toml lists the headings or speakers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.context import ParseHints
from pipeline.errors import PipelineError
from pipeline.model import (
    Block,
    Closing,
    Document,
    Editorial,
    Field,
    Header,
    Inline,
    Inlines,
    Intervention,
    Meta,
    Note,
    NoteRef,
    Omission,
    Paragraph,
    Session,
    Subheading,
    Text,
    Time,
    Turn,
    block_text,
    note_refs,
)
from pipeline.stages.tokens import (
    INTERVENTION_CLOSE,
    INTERVENTION_START,
    NOTE_BODY_TOKEN,
    NOTE_REF_TOKEN,
    plain_offset,
    without_interventions,
)

# --- inline content ----------------------------------------------------------------------------

_INLINE = re.compile(
    NOTE_REF_TOKEN.pattern
    + r"|\[([^\[\]\n]*)\]|"
    + INTERVENTION_START.pattern
    + "|"
    + INTERVENTION_CLOSE
)


def parse_inlines(text: str) -> Inlines:
    """Split a line into text runs, note references, bracketed editorial insertions and the
    interventions errata.py marked. An Intervention made here names its errata entry by
    position ("0", "1", …); `stages/locate.py` gives it the entry's id and kind."""
    out: list[Inline] = []
    opened: list[tuple[str, int]] = []  # (entry position, where its content starts in `out`)
    cursor = 0

    def close(position: str, start: int) -> None:
        content = tuple(out[start:])
        del out[start:]
        out.append(Intervention(correction=position, kind="", content=content))

    for match in _INLINE.finditer(text):
        if match.start() > cursor:
            out.append(Text(text[cursor : match.start()]))
        if match.group(1) is not None:
            out.append(NoteRef(int(match.group(1))))
        elif match.group(2) is not None:
            out.append(Editorial(match.group(2)))
        elif match.group(3) is not None:
            opened.append((match.group(3), len(out)))
        elif opened:
            close(*opened.pop())
        cursor = match.end()
    if cursor < len(text):
        out.append(Text(text[cursor:]))
    while opened:  # a mark whose end lies past the line's end (cannot happen: errata keep lines)
        close(*opened.pop())
    return tuple(out)


def _plain(text: str) -> str:
    """The line without note tokens and intervention marks, for the classifiers below."""
    return without_interventions(NOTE_REF_TOKEN.sub("", text)).strip()


def _marks_in(text: str) -> tuple[str, ...]:
    """The errata entry positions whose marks open in `text` (a label cut off its line)."""
    return tuple(m.group(1) for m in INTERVENTION_START.finditer(text))


def _split_plain(text: str, offset: int) -> tuple[str, str]:
    """Cut a marked line where its plain reading has `offset` characters before the cut."""
    cut = plain_offset(text, offset)
    return text[:cut], text[cut:]


# --- classifiers -------------------------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split(" "))


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH = r"(?:" + "|".join(m[:3] + f"(?:{m[3:]})?" for m in _MONTHS) + r")\.?"
_DATE_PATTERNS = (
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:\s*[-–]\s*\d{{1,2}})?\s+(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})\b"
    ),
    re.compile(
        rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:\s*[-–]\s*\d{{1,2}})?,?\s+(?P<y>\d{{4}})\b"
    ),
    re.compile(r"\b(?P<y>\d{4})-(?P<mm>\d{2})-(?P<d>\d{2})\b"),
    re.compile(r"\b(?P<d>\d{1,2})\.(?P<mm>\d{1,2})\.(?P<y>\d{4})\b"),
)

_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:a\.\s?m\.|p\.\s?m\.|am|pm|hrs|hours|h)?"
_HOURS = re.compile(
    rf"\(\s*(?:from\s+)?(?P<start>{_TIME})\s*(?:(?:[-–—]|to|until)\s*(?P<end>{_TIME}))?\s*\)",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*(?:a\.\s?m\.|p\.\s?m\.)", re.IGNORECASE)

_SESSION_WORDS = _word_set(
    "meeting meetings session sitting conversation conversations talk talks luncheon lunch "
    "dinner breakfast supper reception discussion discussions negotiations conference plenary "
    "continuation part morning afternoon evening night day tête-à-tête audience consultation "
    "consultations"
)

_CLOSING = re.compile(
    r"^(?:recorded|drafted|prepared|transcribed|written|taken|compiled|approved|cleared|"
    r"translated|minutes taken|notes? taken|memorandum prepared)(?:\s+down)?\s+by\b",
    re.IGNORECASE,
)

_OMISSION = re.compile(r"^(?:\[\s*(?:…|\.\s?\.\s?\.)\s*\]|…|\.\s\.\s\.)$")

_ROMAN_HEADING = re.compile(r"^(?:[IVXLC]+|[A-Z])\.(?:\s+(?P<rest>.*))?$")


def looks_like_date(text: str) -> bool:
    return any(p.search(text) for p in _DATE_PATTERNS)


def iso_date(text: str) -> str:
    """The first date in `text` as YYYY-MM-DD, or "" when there is none."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groupdict()
        if groups.get("m"):
            month = next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(groups["m"][:3]))
        else:
            month = int(groups["mm"])
        day, year = int(groups["d"]), int(groups["y"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return ""


def session_time(text: str) -> Time | None:
    match = _HOURS.search(text)
    if not match:
        return None
    return Time(start=match.group("start").strip(), end=(match.group("end") or "").strip())


def is_omission(text: str) -> bool:
    return bool(_OMISSION.match(_plain(text)))


def is_closing(text: str) -> bool:
    return bool(_CLOSING.match(_plain(text)))


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def is_subheading(text: str) -> bool:
    """ "I. BACKGROUND", "II.", "A. THE CANAL ZONE", or a short line in capitals."""
    plain = _plain(text)
    if not plain or len(plain) > 80 or (plain[-1] in ".?!;,:" and not _ROMAN_HEADING.match(plain)):
        return False
    match = _ROMAN_HEADING.match(plain)
    if match:
        rest = match.group("rest")
        return rest is None or (_is_caps(rest) and rest[-1] not in ".?!;,:")
    return _is_caps(plain) and len(plain) <= 60


def is_session_heading(text: str) -> bool:
    """A short line with no final full stop that names a meeting, gives hours, or a place and
    date. (Speaker turns are ruled out by the caller, which knows the labels.)"""
    plain = _plain(text)
    if not plain or len(plain) > 100 or plain[0] in "[(“\"‘'" or plain[-1] in ".?!;,:…":
        return False
    if _ROMAN_HEADING.match(plain) or ";" in plain:
        return False
    # "Subject: …", "Participants:": a colon outside the hours makes a field, not a heading.
    if ":" in _CLOCK.sub("", plain):
        return False
    if _HOURS.search(plain) or (_CLOCK.search(plain) and len(plain) <= 80):
        return True
    words = re.findall(r"[\w’'-]+", plain.lower())
    if not words or not plain[0].isupper() or len(plain) > 60:
        return False
    if any(w in _SESSION_WORDS for w in words) and "," not in plain and len(words) <= 8:
        return True
    # "Moscow, 9 October 1973": a place and a date.
    return bool(re.match(r"^[A-Z][\w .’'-]*,\s", plain)) and looks_like_date(plain)


# --- speaker labels ----------------------------------------------------------------------------

_INITIALS = r"(?:[A-Z]\.\s?){1,3}"
# Abbreviated titles end in a full stop that does not end the label ("Mr. Kissinger.",
# "MR. KISSINGER:").
_ABBREVIATION = (
    r"(?i:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|Amb|Adm|Col|Lt|Capt|Gov|St|Hon|Rev|Sr|Jr|H\.E)\."
)
_WORD = rf"(?!{_ABBREVIATION})[A-Z][\w’'\-]+"
_CONNECTOR = r"(?:of|the|de|da|del|der|di|du|van|von|la|le|al|bin|ibn|y|for)"
_LABEL = re.compile(
    rf"^(?P<label>(?:(?:{_INITIALS}|{_ABBREVIATION})\s*)*{_WORD}"
    rf"(?:\s+(?:{_INITIALS}|{_ABBREVIATION}|{_WORD}|{_CONNECTOR}(?=\s+[A-Z])))*"
    rf"(?:\s*\([^()\n]{{1,60}}\))?)"
    r"(?P<punct>[.:])(?:\s+|$)(?=[^\s.,;]|$)"
)

# Offices and titles: a label made of them is a speaker even when it appears only once.
# Only offices count, not their modifiers ("Foreign", "First", "General"): "General
# Discussion." or "Foreign Policy." opening a summary paragraph is a topic, not a speaker.
TITLE_WORDS = _word_set(
    "president secretary minister chairman chairwoman ambassador senator premier chancellor "
    "admiral marshal colonel interpreter king queen emperor prince princess pope governor "
    "mayor director adviser advisor representative congressman delegate commissioner "
    "counselor counsellor mr mrs ms dr"
)

# Words that open ordinary sentences ("Yes. I agree.", "Thank you."): never a label alone.
SENTENCE_WORDS = _word_set(
    "yes no thanks thank you good right exactly well agreed indeed certainly correct fine "
    "true sure absolutely excellent splendid wonderful perhaps maybe okay ok naturally "
    "precisely really definitely understood impossible nothing never again later now then so "
    "also finally first second third next note notes subject participants date time place "
    "source summary distribution attachment enclosure copy present laughter applause silence "
    "pause please sorry nonsense agreement here there this that what why how when where who "
    "which all none both everything anything something good-bye goodbye hello welcome "
    "congratulations morning evening afternoon night day luck god heavens quite precisely "
    "done ready fact result conclusion question answer comment reply response item point "
    "perfect interesting great fantastic terrible incredible alright bravo cheers gentlemen "
    "ladies friends colleagues"
)


@dataclass(frozen=True, slots=True)
class Label:
    label: str
    punctuation: str
    rest: str
    corrections: tuple[str, ...] = ()  # errata entries (by position) with words in the label


def match_label(text: str) -> Label | None:
    """The label-shaped start of a line, believed or not."""
    match = _LABEL.match(text)
    if not match:
        return None
    label = match.group("label").strip()
    # A label needs words after it: "Fisheries." alone on a line is a heading or a sentence.
    if len(label) > 60 or not text[match.end() :].strip():
        return None
    return Label(label, match.group("punct"), text[match.end() :])


def _label_words(label: str) -> list[str]:
    return re.findall(r"[\w’'\-]+", re.sub(r"\([^()]*\)", "", label))


def speaker_of(label: str, aliases: dict[str, str]) -> str:
    """Who a label stands for: an alias from edition.toml, else its last word ("Tack")."""
    if label in aliases:
        return aliases[label]
    words = _label_words(label)
    last = words[-1] if words else label
    return last.capitalize() if last.isupper() else last


_TOPIC_FIELDS = frozenset({"subject", "subjects", "re", "topic", "topics"})


class LabelJudge:
    """Decides which label-shaped starts are speaker labels, from evidence in the document."""

    def __init__(self, lines: list[str], header_text: str, hints: ParseHints):
        self.hints = hints
        self.counts = Counter(
            found.label for line in lines if (found := match_label(_plain(line))) is not None
        )
        self.header_words = {w.lower() for w in re.findall(r"[\w’'\-]+", header_text)}

    def believe(self, label: str) -> bool:
        if label in self.hints.speakers:
            return True
        if label in self.hints.not_speakers:
            return False
        words = _label_words(label)
        lowered = [w.lower() for w in words]
        if not words or all(w in SENTENCE_WORDS for w in lowered):
            return False
        if re.fullmatch(r"[IVXLC]+", words[0]) and len(words) == 1:
            return False  # "I." / "II." number a section
        if re.search(_INITIALS, label) or any(w in TITLE_WORDS for w in lowered):
            return True
        if _is_caps(label) and len("".join(words)) >= 3:
            return True
        # A plain capitalised name ("Tanaka.", "Gierek:") needs evidence that it names a
        # person: the header lists it, or it recurs as a label. Without that it is more likely
        # a summary memorandum's topic lead-in ("Textiles. The Prime Minister said …").
        return lowered[-1] in self.header_words or self.counts[label] >= 2

    def turn(self, text: str) -> Label | None:
        # Clean lines carry no edge spaces, so the line itself is matched (without intervention
        # marks): what follows the label keeps its note tokens and marks.
        plain = without_interventions(text)
        found = match_label(plain)
        if found is None or not self.believe(found.label):
            return None
        if plain == text:
            return found
        head, rest = _split_plain(text, len(plain) - len(found.rest))
        return Label(found.label, found.punctuation, rest, _marks_in(head))


# --- the parser --------------------------------------------------------------------------------


def _ids(prefix: str, start: int = 1):
    number = start
    while True:
        yield f"{prefix}{number}"
        number += 1


def _header_field(text: str, line: int, id_: str) -> Block:
    if is_omission(text):
        return Omission(parse_inlines(text), line=line, id=id_)
    plain = _plain(text)
    if plain.endswith(":") and len(plain) <= 80:
        # A note call after the colon ("Participants:[2]") is the field's only content.
        head, rest = text[: text.rindex(":")], text[text.rindex(":") + 1 :]
        return Field(plain[:-1].strip(), parse_inlines(rest), ":", line, id_, _marks_in(head))
    # Labels are matched on the line without intervention marks, and the line cut there.
    unmarked = without_interventions(text)
    dash = re.match(r"^(?P<label>[^–—:.;]{1,60}?)\s+[–—]\s+(?P<value>.+)$", unmarked)
    if dash and not dash.group("label").strip().endswith("."):
        head, rest = _split_plain(text, dash.start("value"))
        return Field(
            dash.group("label").strip(), parse_inlines(rest), "–", line, id_, _marks_in(head)
        )
    colon = re.match(r"^(?P<label>[A-Z][\w ’'/-]{0,40}):\s+(?P<value>.+)$", unmarked)
    if colon:
        head, rest = _split_plain(text, colon.start("value"))
        return Field(
            colon.group("label").strip(), parse_inlines(rest), ":", line, id_, _marks_in(head)
        )
    return Paragraph(parse_inlines(text), None, line, id_)


def _field_like(text: str) -> bool:
    plain = _plain(text)
    return (
        is_omission(text)
        or (plain.endswith(":") and len(plain) <= 80)
        or bool(re.match(r"^[^–—:.;]{1,60}?\s+[–—]\s+\S", plain))
        or bool(re.match(r"^[A-Z][\w ’'/-]{0,40}:\s+\S", plain))
    )


def parse(text: str, *, hints: ParseHints | None = None, path: Path | str = "<input>") -> Document:
    """Parse clean text into a Document whose Meta holds only what the text itself says."""
    hints = hints or ParseHints()
    lines = text.split("\n")
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line]
    if not numbered:
        raise PipelineError("the source holds no text", path, 1)

    notes_start = next(
        (k for k, (_, line) in enumerate(numbered) if NOTE_BODY_TOKEN.match(line)), len(numbered)
    )
    body, note_lines = numbered[:notes_start], numbered[notes_start:]
    notes = _parse_notes(note_lines, path)

    # Title: the first line, joined by further capitals lines ("RECORD OF CONVERSATION" /
    # "BETWEEN …"). Then an optional date line.
    if not body:
        raise PipelineError("the source holds only notes", path, numbered[0][0])
    title_line, title_parts = body[0][0], [body[0][1]]
    k = 1
    while k < len(body) and _is_caps(_plain(body[k][1])) and not looks_like_date(body[k][1]):
        if is_session_heading(body[k][1]) or _field_like(body[k][1]):
            break
        title_parts.append(body[k][1])
        k += 1
    title = " ".join(title_parts)
    dateline: str = ""
    if k < len(body) and looks_like_date(body[k][1]) and len(_plain(body[k][1])) <= 100:
        dateline = body[k][1]
        k += 1

    judge = LabelJudge(
        [line for _, line in body[k:]], " ".join(line for _, line in body[:k]), hints
    )
    heading_set = {h.strip() for h in hints.headings}

    def heading(line: str) -> bool:
        if heading_set:
            return _plain(line) in heading_set
        return judge.turn(line) is None and is_session_heading(line)

    # Header fields run until the first heading, turn or long prose paragraph.
    header_ids = _ids("h")
    header_blocks: list[Block] = []
    while k < len(body):
        number, line = body[k]
        if heading(line) or judge.turn(line) or is_closing(line):
            break
        plain = _plain(line)
        # Prose ends the header: a long line, or a sentence ("The President opened the
        # meeting."), which header lines (names, offices, subjects) are not.
        if not _field_like(line) and (
            len(plain) > 120 or (plain.endswith(".") and len(plain.split()) >= 6)
        ):
            break
        header_blocks.append(_header_field(line, number, next(header_ids)))
        k += 1
    # The header's own evidence counts for labels ("M. Ohira" makes "Ohira." a speaker); a
    # subject line names topics, not people.
    judge.header_words |= {
        w.lower()
        for block in header_blocks
        if not (isinstance(block, Field) and block.label.lower() in _TOPIC_FIELDS)
        for w in re.findall(r"[\w’'\-]+", block_text(block))
    }

    aliases = dict(hints.aliases)
    block_ids, session_ids = _ids("p"), _ids("s")
    sessions: list[Session] = []
    current: dict = {"heading": (), "time": None, "line": 0, "blocks": []}
    names: set[str] = set()
    speaker: str | None = None
    after_closing = False

    def flush() -> None:
        if current["heading"] or current["blocks"]:
            sessions.append(
                Session(
                    heading=current["heading"],
                    blocks=tuple(current["blocks"]),
                    time=current["time"],
                    line=current["line"],
                    id=next(session_ids),
                )
            )

    for number, line in body[k:]:
        plain = _plain(line)
        turn = judge.turn(line)
        new_record = after_closing and turn is None and plain[-1:] not in ".?!;,:"
        if turn is None and (heading(line) or new_record):
            flush()
            current = {
                "heading": parse_inlines(line),
                "time": session_time(plain),
                "line": number,
                "blocks": [],
            }
            speaker, after_closing = None, False
            continue
        after_closing = False
        id_ = next(block_ids)
        block: Block
        if is_closing(line):
            block, speaker, after_closing = Closing(parse_inlines(line), number, id_), None, True
        elif is_omission(line):
            block = Omission(parse_inlines(line), number, id_)
        elif turn is not None:
            speaker = speaker_of(turn.label, aliases)
            names.update({turn.label, speaker})
            block = Turn(
                turn.label,
                speaker,
                parse_inlines(turn.rest),
                turn.punctuation,
                number,
                id_,
                label_corrections=turn.corrections,
            )
        elif is_subheading(line):
            block, speaker = Subheading(parse_inlines(line), number, id_), None
        else:
            narrative = speaker is None or _names_a_speaker(plain, names) or _is_aside(plain)
            block = Paragraph(parse_inlines(line), None if narrative else speaker, number, id_)
            if _names_a_speaker(plain, names):
                speaker = None
        current["blocks"].append(block)
    flush()

    header = Header(
        title=parse_inlines(title),
        dateline=parse_inlines(dateline),
        blocks=tuple(header_blocks),
        line=title_line,
    )
    document = Document(
        meta=Meta(
            id="",
            title=_plain(title),
            date=iso_date(_plain(dateline)) or iso_date(_plain(title)),
            source_title=_plain(title),
            dateline=_plain(dateline),
        ),
        header=header,
        sessions=tuple(sessions),
        notes=notes,
        source_path=str(path),
    )
    check_notes(document, path)
    return document


def _names_a_speaker(plain: str, names: set[str]) -> bool:
    """ "L.I. Brezhnev thanks K. Tanaka.": the paragraph is about a speaker, not by one."""
    for name in names:
        if plain.startswith(name + " ") and plain[len(name) + 1 : len(name) + 2].islower():
            return True
    return False


def _is_aside(plain: str) -> bool:
    """A paragraph wholly in parentheses or brackets is a stage direction or an editor's line."""
    return (plain[:1], plain[-1:]) in {("(", ")"), ("[", "]")} or (
        plain.startswith("(") and plain.endswith(").")
    )


def _parse_notes(note_lines: list[tuple[int, str]], path: Path | str) -> tuple[Note, ...]:
    notes: list[Note] = []
    seen: dict[int, int] = {}
    for number, line in note_lines:
        start = NOTE_BODY_TOKEN.match(line)
        if start:
            n = int(start.group(1))
            if n in seen:
                raise PipelineError(
                    f"note {n} has a second body (the first is at line {seen[n]})", path, number
                )
            seen[n] = number
            body = line[start.end() :].strip()
            if not body:
                raise PipelineError(f"note {n} has an empty body", path, number)
            notes.append(Note(n, (parse_inlines(body),), number, f"note-{n}"))
        else:
            last = notes[-1]
            notes[-1] = Note(
                last.number, (*last.paragraphs, parse_inlines(line)), last.line, last.id
            )
    return tuple(notes)


def check_notes(doc: Document, path: Path | str) -> None:
    """Note calls and bodies must match one to one; every problem names both lines."""
    calls: dict[int, int] = {}

    def visit(content: Inlines, line: int) -> None:
        for n in note_refs(content):
            if n in calls:
                raise PipelineError(
                    f"note {n} is called twice (also at line {calls[n]})", path, line
                )
            calls[n] = line

    visit(doc.header.title, doc.header.line)
    visit(doc.header.dateline, doc.header.line + (1 if doc.header.dateline else 0))
    for block in doc.header.blocks:
        visit(block.content, block.line)
    for session in doc.sessions:
        visit(session.heading, session.line)
        for block in session.blocks:
            visit(block.content, block.line)
    bodies = {note.number: note.line for note in doc.notes}
    notes_line = min(bodies.values(), default=0)
    for note in doc.notes:
        for paragraph in note.paragraphs:
            for n in note_refs(paragraph):
                raise PipelineError(
                    f"note {note.number} calls note {n}; notes inside notes are not supported",
                    path,
                    note.line,
                )
    for n, line in sorted(calls.items(), key=lambda item: item[1]):
        if n not in bodies:
            where = (
                f"the note bodies start at line {notes_line}" if notes_line else "no note bodies"
            )
            raise PipelineError(f"note {n} is called here but has no body ({where})", path, line)
    for n, line in sorted(bodies.items(), key=lambda item: item[1]):
        if n not in calls:
            raise PipelineError(f"note {n} has a body but is never called in the text", path, line)
