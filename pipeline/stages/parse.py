"""Turn clean text (see `clean.py`) into the document model: header, sessions, blocks, notes.

One line is one paragraph, as Word exports it. The parser decides, line by line:

- the **header**: the title (first line; following capitals lines join it), a date line, then
  fields ("Participants:", "From the Soviet side – …", "Subject: …") up to the first session
  heading or speaker turn;
- **session headings**: short lines with no final full stop that name a meeting, give its hours,
  or give a place and date ("Morning meeting (11:30-13:40)", "Luncheon at the Department of
  State (13:15)"). The first session's heading never falls into the header: a short line with
  no field separator, standing alone right before the first turn or body paragraph, is that
  heading even when it is a place only ("Riyadh"). Captions right under a heading ("First
  Private Meeting") are headings inside its session, not new sessions;
- **speaker turns**: a label (a name with initials, a title, an office, capitals) closed by a
  full stop or a colon ("L.I. Brezhnev.", "SENATOR PERCY.", "Gierek:", "Min. Bouteflika.",
  "Secretary to Ambassador Akins."); a label is believed only with evidence (a title word,
  initials, capitals, a name from the header, the label recurring, or the place of a turn:
  between turns, with a turn after it and speech in it), so "Yes. I agree." and "Textiles.
  The Prime Minister said …" stay paragraphs;
- omissions (`[…]` alone), subheadings ("I. BACKGROUND", "II."), closing lines ("Recorded by:"),
  narrative and continuation paragraphs;
- the **notes**: from the first note-body token on, each token opens a note and a line right
  below it continues it; more record after a note body is an error.

When a heuristic cannot decide, `[parse]` in edition.toml lists the headings or speakers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
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
    # A bracket holding a token is not an editorial insertion: its note call or intervention
    # must stay a node (issue 13: "[[bookmark: _ftn_GoBack0][1]]" hid note 1 as text).
    + r"|\[([^\[\]\n\ue000-\ue00f]*)\]|"
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
_ROMAN_NUMERAL = re.compile(r"[IVXLC]+")
_WORDS = re.compile(r"[\w’'\-]+")
_PARENTHESIS = re.compile(r"\([^()]*\)")
# "Moscow, 9 October 1973": a place, then a comma.
_PLACE_THEN_COMMA = re.compile(r"^[A-Z][\w .’'-]*,\s")
# Header fields: "From the Soviet side – L.I. Brezhnev", "Subject: Fisheries".
_DASH_FIELD = re.compile(r"^(?P<label>[^–—:.;]{1,60}?)\s+[–—]\s+(?P<value>\S.*)$")
_COLON_FIELD = re.compile(r"^(?P<label>[A-Z][\w ’'/-]{0,40}):\s+(?P<value>\S.*)$")
_SPACED_DASH = re.compile(r"\s[–—]\s")


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
    words = _WORDS.findall(plain.lower())
    if not words or not plain[0].isupper():
        return False
    meeting = any(w in _SESSION_WORDS for w in words)
    # "Working Dinner …, King David Hotel (Secretary’s Suite)": a meeting with a closing
    # parenthesis that is not a time (#14) is a heading even when long or with commas.
    if meeting and plain.endswith(")") and len(words) <= 15:
        return True
    if len(plain) > 60:
        return False
    if meeting and "," not in plain and len(words) <= 8:
        return True
    # "Moscow, 9 October 1973": a place and a date.
    return bool(_PLACE_THEN_COMMA.match(plain)) and looks_like_date(plain)


# --- speaker labels ----------------------------------------------------------------------------

# The label pattern must stay linear (#13, item 5). It used to read initials as
# `(?:(?:[A-Z]\.\s?){1,3}\s*)*`, which splits "A.A. B.B. …" in exponentially many ways, so a
# 50-character line of initials took 31 s. Now each token kind starts differently from the
# others, so a label splits into tokens one way only, and every loop that holds another
# quantifier is possessive (`*+`): once it has read its tokens it never gives them back.
# tests/stages/test_parse_linear.py checks the possessive rule on every pattern of the module.
_INITIAL = r"[A-Z]\."

# Abbreviated titles end in a full stop that does not end the label ("Mr. Kissinger.",
# "MR. KISSINGER:", "Min. Bouteflika."). Each entry is the abbreviation and what it stands for;
# none is one letter long, so an abbreviation never competes with an initial.
TITLE_ABBREVIATIONS: dict[str, str] = {
    "Mr": "Mister",
    "Mrs": "Mistress",
    "Ms": "Ms",
    "Messrs": "Messieurs",
    "Mme": "Madame",
    "Dr": "Doctor",
    "Prof": "Professor",
    "Pres": "President",
    "Sec": "Secretary",
    "Secy": "Secretary",
    "Min": "Minister",
    "Amb": "Ambassador",
    "Sen": "Senator",
    "Rep": "Representative",
    "Cong": "Congressman",
    "Gov": "Governor",
    "Gen": "General",
    "Adm": "Admiral",
    "Col": "Colonel",
    "Lt": "Lieutenant",
    "Capt": "Captain",
    "Cdr": "Commander",
    "Maj": "Major",
    "Dep": "Deputy",
    "Asst": "Assistant",
    "Hon": "Honourable",
    "Rev": "Reverend",
    "St": "Saint",
    "Sr": "Senior",
    "Jr": "Junior",
}
# Longest first, so "Mrs" is tried before "Mr" (each try costs one character).
_ABBREVIATION = "(?i:" + "|".join(sorted(TITLE_ABBREVIATIONS, key=len, reverse=True)) + r")\."
_WORD = rf"(?!{_ABBREVIATION})[A-Z][\w’'\-]+"
_CONNECTOR = r"(?:of|the|de|da|del|der|di|du|van|von|la|le|al|bin|ibn|y|for)"
# One token of a label after its first word; the four kinds start differently (initials and
# abbreviations end in "." where a word goes on, connectors are lower case), and each token is
# preceded by whitespace. Initials may run together ("A.A." or "A. A.").
_TOKEN = rf"(?:(?:{_INITIAL})+|{_ABBREVIATION}|{_WORD}|{_CONNECTOR}(?=\s+[A-Z]))"
# A name: initials and abbreviated titles, a capitalised word, further tokens; "A Senator".
_NAME = rf"(?:A\s+(?=[A-Z]))?(?:(?:{_INITIAL}|{_ABBREVIATION})\s*)*+{_WORD}(?:\s+{_TOKEN})*+"
_LABEL = re.compile(
    # "Secretary to Ambassador Akins." names whom the speaker addresses.
    rf"^(?P<label>(?P<speaker>{_NAME})(?:\s+to\s+{_NAME})?"
    rf"(?:\s*\((?P<aside>[^()\n]{{1,60}})\))?)"
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
    """A label-shaped start of a line: `label` as written, `speaker` the part of it that names
    who speaks (without "to …" or a parenthesis), `aside` the parenthesis, if any."""

    label: str
    punctuation: str
    rest: str
    speaker: str = ""
    aside: str = ""
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
    return Label(
        label,
        match.group("punct"),
        text[match.end() :],
        match.group("speaker").strip(),
        (match.group("aside") or "").strip(),
    )


def _label_words(label: str) -> list[str]:
    return _WORDS.findall(_PARENTHESIS.sub("", label))


# "The Minister (Bouteflika).": a parenthesis holding a bare name says who the office is.
_ASIDE_NAME = re.compile(rf"(?:{_INITIAL}\s*)*+{_WORD}")


def speaker_of(found: Label, aliases: dict[str, str]) -> str:
    """Who a label stands for: an alias from edition.toml, else the name in its parenthesis,
    else the last word of the part that names the speaker ("Tack"; "Secretary" for
    "Secretary to Ambassador Akins")."""
    if found.label in aliases:
        return aliases[found.label]
    if found.aside and _ASIDE_NAME.fullmatch(found.aside):
        words = _label_words(found.aside)
    else:
        words = _label_words(found.speaker or found.label)
    last = words[-1] if words else found.label
    return last.capitalize() if last.isupper() else last


# First and second persons: a speaker talking, not a memorandum reporting ("We have no …").
_PERSONAL = _word_set("i i’m i'm me my we we’re we're us our you you’re you're your")


def is_speech(text: str) -> bool:
    """Words someone says: a question, a first or second person, or a short reply ("None.")."""
    words = _WORDS.findall(text.lower())
    return "?" in text or len(words) <= 4 or any(w in _PERSONAL for w in words)


_TOPIC_FIELDS = frozenset({"subject", "subjects", "re", "topic", "topics"})
# An initial is a capital and a full stop that no letter precedes ("L.I.", not the "r." of "Mr.").
_HAS_INITIAL = re.compile(r"(?<![\w.])[A-Z]\.")
# Abbreviations that are parts of a name rather than titles: they say nothing of a person.
_NAME_PART_ABBREVIATIONS = frozenset({"St", "Sr", "Jr"})
_TITLE_ABBREVIATION = re.compile(
    "(?i:"
    + "|".join(sorted(set(TITLE_ABBREVIATIONS) - _NAME_PART_ABBREVIATIONS, key=len, reverse=True))
    + r")\.(?=\s)"
)


class LabelJudge:
    """Decides which label-shaped starts are speaker labels, from evidence in the document."""

    def __init__(self, lines: list[str], header_text: str, hints: ParseHints):
        self.hints = hints
        self.counts = Counter(
            found.label for line in lines if (found := match_label(_plain(line))) is not None
        )
        self.header_words = {w.lower() for w in _WORDS.findall(header_text)}
        self.lines = lines
        self._punctuation: str | None = None  # computed on first use

    def learn(self, block: Block) -> None:
        """The header's own evidence counts for labels, from the line it is read on ("M.
        Ohira" makes "Ohira." a speaker); a subject line names topics, not people."""
        if not (isinstance(block, Field) and block.label.lower() in _TOPIC_FIELDS):
            self.header_words |= {w.lower() for w in _WORDS.findall(block_text(block))}

    def label_punctuation(self) -> str:
        """The punctuation most believed labels of the record end in ("." or ":"), or ""."""
        marks = Counter(
            found.punctuation
            for line in self.lines
            if (found := match_label(_plain(line))) is not None and self.believe(found)
        )
        return marks.most_common(1)[0][0] if marks else ""

    def believe(self, found: Label) -> bool:
        label = found.label
        if label in self.hints.speakers:
            return True
        if label in self.hints.not_speakers:
            return False
        # The evidence is in the part that names the speaker, not in whom they address.
        speaker = found.speaker or label
        words = _label_words(speaker)
        lowered = [w.lower() for w in words]
        if not words or all(w in SENTENCE_WORDS for w in lowered):
            return False
        if _ROMAN_NUMERAL.fullmatch(words[0]) and len(words) == 1:
            return False  # "I." / "II." number a section
        if _HAS_INITIAL.search(speaker) or _TITLE_ABBREVIATION.match(speaker):
            return True
        if any(w in TITLE_WORDS for w in lowered):
            return True
        if _is_caps(speaker) and len("".join(words)) >= 3:
            return True
        # A plain capitalised name ("Tanaka.", "Gierek:") needs evidence that it names a
        # person: the header lists it, or it recurs as a label. Without that it is more likely
        # a summary memorandum's topic lead-in ("Textiles. The Prime Minister said …").
        return lowered[-1] in self.header_words or self.counts[label] >= 2

    def once(self, text: str) -> Label | None:
        """A participant who speaks once, with no title and no mention in the header
        ("Cederburg: Any thought …?", "Answers. None."). The caller vouches for the position:
        inside a run of turns, with a turn right after. The label must then look like a name
        (one to three capitalised words, none a sentence word), end in the record's own label
        punctuation, and be followed by speech; a summary memorandum's topic lead-in
        ("Textiles. The President raised …") is followed by narrative instead."""
        plain = without_interventions(text)
        found = match_label(plain)
        if found is None or found.label in self.hints.not_speakers:
            return None
        words = _label_words(found.speaker)
        if not 1 <= len(words) <= 3 or any(
            not w[0].isupper() or w.lower() in SENTENCE_WORDS for w in words
        ):
            return None
        if _ROMAN_NUMERAL.fullmatch(words[0]) and len(words) == 1:
            return None
        if self._punctuation is None:
            self._punctuation = self.label_punctuation()
        if found.punctuation != self._punctuation or not is_speech(_plain(found.rest)):
            return None
        return _with_marks(text, plain, found)

    def turn(self, text: str) -> Label | None:
        # Clean lines carry no edge spaces, so the line itself is matched (without intervention
        # marks): what follows the label keeps its note tokens and marks.
        plain = without_interventions(text)
        found = match_label(plain)
        if found is None or not self.believe(found):
            return None
        return _with_marks(text, plain, found)


def _with_marks(text: str, plain: str, found: Label) -> Label:
    """A label matched on the line without intervention marks, with the line's own rest (marks
    and all) and the entries whose words are in the label."""
    if plain == text:
        return found
    head, rest = _split_plain(text, len(plain) - len(found.rest))
    return replace(found, rest=rest, corrections=_marks_in(head))


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
    dash = _DASH_FIELD.match(unmarked)
    if dash and not dash.group("label").strip().endswith("."):
        head, rest = _split_plain(text, dash.start("value"))
        return Field(
            dash.group("label").strip(), parse_inlines(rest), "–", line, id_, _marks_in(head)
        )
    colon = _COLON_FIELD.match(unmarked)
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
        or bool(_DASH_FIELD.match(plain))
        or bool(_COLON_FIELD.match(plain))
    )


def _prose(text: str) -> bool:
    """A body paragraph, which ends the header: a long line, or a sentence ("The President
    opened the meeting."), which header lines (names, offices, subjects) are not."""
    plain = _plain(text)
    return not _field_like(text) and (
        len(plain) > 120 or (plain.endswith(".") and len(plain.split()) >= 6)
    )


def _could_be_heading(text: str) -> bool:
    """A short line standing for itself: no final punctuation, no field separator (":" or
    "–"), no list (";"), not bracketed, not numbered ("Riyadh", "Meeting at the Akasaka
    Palace (Tokyo)", "First Private Meeting")."""
    plain = _plain(text)
    if not plain or len(plain) > 100 or len(plain.split()) > 15:
        return False
    if not (plain[0].isupper() or plain[0].isdigit()) or plain[-1] in ".?!;,:…–—-":
        return False
    if ";" in plain or ":" in _CLOCK.sub("", plain) or _SPACED_DASH.search(plain):
        return False
    return not _ROMAN_HEADING.match(plain)


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in _plain(text) if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.6 * len(letters)


def _is_caption(text: str, session: dict) -> bool:
    """A centred caption under a session's heading, before any of its text ("REAGAN-GORBACHEV
    MEETINGS IN GENEVA November, 1985", "First Private Meeting"): a heading inside the
    session, not a new one (#14). A line with hours always opens a session of its own."""
    if not session["heading"] or any(not isinstance(b, Subheading) for b in session["blocks"]):
        return False
    if not _could_be_heading(text) or _HOURS.search(_plain(text)):
        return False
    return is_session_heading(text) or _mostly_capitals(text)


def _empty_caption(block: Block) -> bool:
    """ "Participants:" with its value on the lines below."""
    return isinstance(block, Field) and not any(isinstance(n, Text) for n in block.content)


def _in_caption_list(blocks: list[Block]) -> bool:
    """Under "Participants:" with its people on bare lines below ("Secretary Kissinger",
    "Ambassador Akins"), up to the line before."""
    for block in reversed(blocks):
        if _empty_caption(block):
            return True
        if not isinstance(block, Paragraph):
            return False
    return False


def _names_a_person(text: str) -> bool:
    """An office or initials: "Ambassador Akins", "H.A. Kissinger", "Mr. Dickman"."""
    plain = _plain(text)
    words = {w.lower() for w in _WORDS.findall(plain)}
    return bool(words & TITLE_WORDS) or bool(
        _HAS_INITIAL.search(plain) or _TITLE_ABBREVIATION.search(plain)
    )


def _read_header(
    body: list[tuple[int, str]],
    k: int,
    judge: LabelJudge,
    heading: Callable[[str], bool],
    by_position: bool,
) -> tuple[list[Block], int, bool]:
    """Read header fields from `body[k]` up to the first heading, turn, closing or prose.

    Returns the fields, where the body starts, and whether that first line is a session
    heading known by its position only. The first session's heading must never fall into
    the header (#14): a short line with no field separator, standing alone (a separator
    line before it), directly before the first turn or body paragraph, is that heading even
    with no hours and no meeting word ("Riyadh"), unless it is the value of a caption just
    above it or a person in a caption's list of people. `by_position` is off when
    edition.toml lists the headings."""

    def opens_text(i: int) -> bool:
        line = body[i][1]
        plain = _plain(line)
        # A numbered section ("I. BACKGROUND") or an editor's aside ("[General Scowcroft
        # missed …]") opens the text; only an omission mark may stand in a header.
        roman = bool(_ROMAN_HEADING.match(plain)) and is_subheading(line)
        aside = _is_aside(plain) and not is_omission(line)
        return bool(judge.turn(line) or is_closing(line) or _prose(line) or roman or aside)

    ids = _ids("h")
    blocks: list[Block] = []
    while k < len(body):
        number, line = body[k]
        if heading(line) or opens_text(k):
            return blocks, k, False
        alone = k == 0 or body[k - 1][0] + 1 < number
        value = bool(blocks) and _empty_caption(blocks[-1])
        value = value or (_in_caption_list(blocks) and _names_a_person(line))
        # Only right before the text: a short line above a heading known by its hours or
        # words ("SECRET" above "Meeting (10:00)") stays in the header.
        before_text = k + 1 < len(body) and opens_text(k + 1)
        if by_position and alone and not value and _could_be_heading(line) and before_text:
            return blocks, k, True
        blocks.append(_header_field(line, number, next(ids)))
        judge.learn(blocks[-1])
        k += 1
    return blocks, k, False


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

    header_blocks, k, positional = _read_header(body, k, judge, heading, not heading_set)

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

    rest_of_body = body[k:]
    for index, (number, line) in enumerate(rest_of_body):
        plain = _plain(line)
        turn = judge.turn(line)
        # Between turns, with a turn right after: the place of a speaker's turn (#14).
        if (
            turn is None
            and speaker is not None
            and index + 1 < len(rest_of_body)
            and judge.turn(rest_of_body[index + 1][1]) is not None
        ):
            turn = judge.once(line)
        new_record = after_closing and turn is None and plain[-1:] not in ".?!;,:"
        first = index == 0 and positional
        if turn is None and not first and _is_caption(line, current):
            current["blocks"].append(Subheading(parse_inlines(line), number, next(block_ids)))
            continue
        if turn is None and (first or heading(line) or new_record):
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
            speaker = speaker_of(turn, aliases)
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
            narrative = (
                speaker is None
                or _names_a_speaker(plain, names)
                or _is_aside(plain)
                or _lost_label(plain)
            )
            block = Paragraph(parse_inlines(line), None if narrative else speaker, number, id_)
            if _names_a_speaker(plain, names) or _lost_label(plain):
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


def _lost_label(plain: str) -> bool:
    """ ": Netherlands defense cuts.": a turn whose label the original leaves blank; it is
    nobody's continuation, and what follows it is not the previous speaker's either."""
    return plain.startswith(":")


def _is_aside(plain: str) -> bool:
    """A paragraph wholly in parentheses or brackets is a stage direction or an editor's line."""
    return (plain[:1], plain[-1:]) in {("(", ")"), ("[", "]")} or (
        plain.startswith("(") and plain.endswith(").")
    )


def _parse_notes(note_lines: list[tuple[int, str]], path: Path | str) -> tuple[Note, ...]:
    """Read the note bodies, which the export piles at the end: each body token opens a note,
    and a line right below it (no separator line between) is a further paragraph of it.

    Anything else after the first body is the record going on, which means a body sits in
    the middle of the text; taking it for note text would turn the rest of the record into
    a footnote, so it is an error naming both lines (#13, item 2)."""
    notes: list[Note] = []
    seen: dict[int, int] = {}
    previous = 0
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
            if number != previous + 1 or NOTE_REF_TOKEN.search(line):
                raise PipelineError(
                    f"the body of note {last.number} is followed by more of the record at "
                    f"line {number}; note bodies belong at the end, after the whole text "
                    "(move this body there, or the text after it before the notes)",
                    path,
                    last.line,
                )
            notes[-1] = Note(
                last.number, (*last.paragraphs, parse_inlines(line)), last.line, last.id
            )
        previous = number
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
