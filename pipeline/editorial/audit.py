"""Turn a document's source and its built PDF and EPUB into a fidelity report.

The promise of issue 5 §3: every place where a built edition departs from the source is either
explained or shown, located in both texts. The audit works in two steps, so that each kind of
difference has exactly one place where it may be explained:

1. source → model (`audit_source`). The source after junk removal (`clean(read_source(…))`,
   note markers stripped) is aligned word by word with the model as read (errata applied, no
   typography); the only differences allowed are the errata entries, re-applied here from their
   recorded line and column. Then the model as read is compared, character by character, with
   the finished model; every change must be one a named typography rule can make (a straight
   quote turned curly, `--` turned into the house dash, a space turned no-break …).
2. model → rendered (`compare_pdf`, `compare_epub`). The text actually present in the built
   file is extracted (pdftotext for the PDF, the XHTML of the EPUB's spine), the generated
   elements are taken out by position or as whole phrases (running heads at a page top, folios
   at its foot, the title block's edition title and subtitle, note markers, the editorial note),
   each note body is located and must be found whole, and the rest is aligned word by word with
   the finished model. Allowed differences there: hyphenation at a line end (WeasyPrint inserts
   U+2010; a real hyphen must stay), note calls glued to their word, and letter case changed by
   small capitals on speaker labels, header captions and subheadings.

Anything else is a `Problem`, shown with a few words of both sides and both locations
(`source.txt:line:column`, and `PDF page N` or the EPUB file and block id). Generated elements
are recognised as phrases in their place, never as a bag of allowed words, so a word slipped in
or changed anywhere is still caught.
"""

from __future__ import annotations

import difflib
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from pipeline.context import PROJECT_ROOT
from pipeline.errors import PipelineError
from pipeline.model import (
    SIC,
    SUPPLIED_CLOSE,
    SUPPLIED_OPEN,
    Closing,
    Correction,
    Document,
    Editorial,
    Field,
    Inlines,
    Intervention,
    NoteRef,
    Omission,
    Paragraph,
    Subheading,
    Text,
    Turn,
    supplied,
)
from pipeline.rules.typography import EN_DASH, NBSP
from pipeline.stages.clean import NOTE_BODY_TOKEN, NOTE_REF_TOKEN, clean_line

CONTEXT_WORDS = 5
"""Words of context shown on each side of an unexplained difference."""

HYPHEN_BREAK = "\u2010"  # what WeasyPrint prints at a line end when it hyphenates a word
CALL_MARK = "\ue003"  # a note call inside a unit's text, for the character comparison

# --- the report ----------------------------------------------------------------------------


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
    )


class _Tally:
    """Counts per cause and the problems found, gathered while a step runs."""

    def __init__(self) -> None:
        self.causes: Counter[str] = Counter()
        self.problems: list[Problem] = []

    def add(self, cause: str, count: int = 1) -> None:
        if count:
            self.causes[cause] += count

    def report(self, checked: str, words: int, started: float) -> AuditReport:
        return AuditReport(
            checked=checked,
            words=words,
            causes=tuple(self.causes.items()),
            problems=tuple(self.problems),
            seconds=time.perf_counter() - started,
        )


# --- words ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """A word of one of the texts and where it stands there.

    `small_caps`: set in small capitals, so its letter case may change in extraction.
    `calls`: note-call numbers glued to it. `generated`: the cause, when the whole word is made
    by the writer (edition title, session hours, note marker) rather than taken from the source.
    """

    text: str
    where: str
    small_caps: bool = False
    calls: int = 0
    generated: str = ""
    opens: bool = True  # the first word of a generated phrase, so phrases are counted once


def _words(pieces: Iterable[tuple[str, str]], where: str, generated: str = "") -> list[Word]:
    """Split (text, role) pieces into words; role "caps" marks small capitals, "call" a note
    call. A word keeps every role that any of its characters had."""
    chars: list[str] = []
    roles: list[str] = []
    for text, role in pieces:
        chars.append(text)
        roles.extend(role for _ in text)
    joined = "".join(chars)
    out: list[Word] = []
    for index, match in enumerate(re.finditer(r"\S+", joined)):
        span = roles[match.start() : match.end()]
        calls = sum(
            1
            for i in range(match.start(), match.end())
            if roles[i] == "call" and (i == match.start() or roles[i - 1] != "call")
        )
        out.append(
            Word(
                text=match.group(),
                where=where,
                small_caps="caps" in span,
                calls=calls,
                generated=generated,
                opens=index == 0,
            )
        )
    return out


def _context(words: Sequence[Word], start: int, end: int) -> str:
    """The words start:end in brackets, with a few words on each side."""
    before = " ".join(w.text for w in words[max(0, start - CONTEXT_WORDS) : start])
    span = [w.text for w in words[start:end]]
    if len(span) > 4 * CONTEXT_WORDS:
        # A lost paragraph is named by its first and last words, not printed whole.
        span = [*span[: 2 * CONTEXT_WORDS], f"… {len(span)} words in all …", *span[-CONTEXT_WORDS:]]
    inside = " ".join(span)
    after = " ".join(w.text for w in words[end : end + CONTEXT_WORDS])
    return f"…{before} [{inside}] {after}…".replace("  ", " ")


def _note_alterations(
    tally: _Tally, number: int, label: str, model: Sequence[Word], got: Sequence[Word]
) -> None:
    """Every word-level difference between a note as the model has it and as it was found."""
    matcher = difflib.SequenceMatcher(
        None, [w.text for w in model], [w.text for w in got], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            tally.problems.append(
                Problem(
                    what=f"note {number} altered in the {label}",
                    source=_where(model, i1, i2),
                    rendered=f"{label} {_where(got, j1, j2)}",
                    expected=_context(model, i1, i2),
                    found=_context(got, j1, j2),
                )
            )


def _where(words: Sequence[Word], start: int, end: int) -> str:
    if start < end:
        return words[start].where
    if start < len(words):
        return f"{words[start].where}, before “{words[start].text}”"
    return f"{words[-1].where}, after “{words[-1].text}”" if words else "(empty)"


# --- the model as a sequence of units ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece of the model in reading order: the title line, the date line, a header line,
    a session heading, a body block or a note paragraph; `pieces` are (text, role)."""

    kind: str
    line: int
    pieces: tuple[tuple[str, str], ...]
    note: int = 0  # the note number, for a note paragraph


def _inline_pieces(
    content: Inlines, caps: bool = False, marks: bool = True
) -> list[tuple[str, str]]:
    """(text, role) pieces of inline content; `marks` adds the editors' angle brackets and
    ⟨sic⟩ as the editions print them (the source → model step compares words without them)."""
    role = "caps" if caps else ""
    pieces: list[tuple[str, str]] = []
    for node in content:
        match node:
            case Text(text):
                pieces.append((text, role))
            case Editorial(text):
                pieces.append((f"[{text}]", role))
            case NoteRef(number):
                pieces.append((str(number), "call"))
            case Intervention(kind=kind, content=inner):
                words = _inline_pieces(inner, caps, marks)
                if marks and kind == "supply":
                    words = [(SUPPLIED_OPEN, role), *words, (SUPPLIED_CLOSE, role)]
                elif marks and kind == "sic":
                    words = [*words, (f" {supplied(SIC)}", role)]
                pieces.extend(words)
    return pieces


def _block_pieces(block: object, marks: bool = True) -> list[tuple[str, str]]:
    # Mirrors pipeline/writers/html.py: labels and captions are set in small capitals in print.
    match block:
        case Turn(label=label, punctuation=punctuation, content=content):
            return [
                (f"{label}{punctuation}", "caps"),
                (" ", ""),
                *_inline_pieces(content, marks=marks),
            ]
        case Field(label=label, separator=separator, content=content):
            if not content:
                return [(f"{label}{separator}", "caps")]
            if separator == ":":
                return [(f"{label}:", ""), (" ", ""), *_inline_pieces(content, marks=marks)]
            return [(f"{label} {separator} ", ""), *_inline_pieces(content, marks=marks)]
        case Subheading(content=content):
            return _inline_pieces(content, caps=True, marks=marks)
        case Paragraph(content=content) | Omission(content=content) | Closing(content=content):
            return _inline_pieces(content, marks=marks)
    raise TypeError(f"not a block: {block!r}")


def model_units(doc: Document, dateline_line: int = 0, marks: bool = True) -> list[Unit]:
    """The model in the order the source gives it: header, sessions, then the notes.
    `marks`: with the editors' angle brackets and ⟨sic⟩, as printed."""

    def pieces(content: Inlines) -> tuple[tuple[str, str], ...]:
        return tuple(_inline_pieces(content, marks=marks))

    units = [Unit("title", doc.header.line, pieces(doc.header.title))]
    if doc.header.dateline:
        units.append(Unit("dateline", dateline_line, pieces(doc.header.dateline)))
    for block in doc.header.blocks:
        units.append(Unit("header", block.line, tuple(_block_pieces(block, marks))))
    for session in doc.sessions:
        if session.heading:
            units.append(Unit("heading", session.line, pieces(session.heading)))
        for block in session.blocks:
            units.append(
                Unit(type(block).__name__.lower(), block.line, tuple(_block_pieces(block, marks)))
            )
    for note in doc.notes:
        for offset, paragraph in enumerate(note.paragraphs):
            units.append(Unit("note", note.line + offset, pieces(paragraph), note.number))
    return units


def _unit_text(unit: Unit) -> str:
    return "".join(CALL_MARK if role == "call" else text for text, role in unit.pieces)


# --- step 1: source → model ----------------------------------------------------------------


def _strip_tokens(line: str) -> str:
    line = NOTE_REF_TOKEN.sub("", line)
    return NOTE_BODY_TOKEN.sub("", line)


def _corrected_lines(
    raw_lines: list[str], corrections: Sequence[Correction], name: str, tally: _Tally
) -> dict[int, list[Correction]]:
    """Check each correction against the raw source at its line and column; return the valid
    ones by line. A correction that does not stand where it says is a problem."""
    by_line: dict[int, list[Correction]] = {}
    for c in corrections:
        line = raw_lines[c.line - 1] if 0 < c.line <= len(raw_lines) else ""
        at = c.column - 1
        if line[at : at + len(c.find)] != c.find:
            tally.problems.append(
                Problem(
                    what=f"errata entry {c.id!r} does not stand where the model says",
                    source=f"{name}:{c.line}:{c.column}",
                    rendered="model",
                    expected=repr(c.find),
                    found=repr(line[at : at + len(c.find)]),
                )
            )
            continue
        by_line.setdefault(c.line, []).append(c)
    return by_line


def source_words(source_text: str, corrections: Sequence[Correction], name: str, tally: _Tally):
    """The source's words after junk removal, and the same words with the errata applied.

    Returns (as_read, corrected): `as_read` are the source's own words with their line and
    column; `corrected` is that sequence with each correction's words in place, each corrected
    word naming its errata entry in `generated`.
    """
    raw_lines = source_text.split("\n")
    by_line = _corrected_lines(raw_lines, corrections, name, tally)
    as_read: list[Word] = []
    corrected: list[Word] = []
    for number, raw in enumerate(raw_lines, start=1):
        text = _strip_tokens(clean_line(raw))
        words = [
            Word(m.group(), f"{name}:{number}:{m.start() + 1}") for m in re.finditer(r"\S+", text)
        ]
        as_read.extend(words)
        fixes = by_line.get(number)
        if not fixes:
            corrected.extend(words)
            continue
        fixed = raw
        for c in sorted(fixes, key=lambda c: c.column, reverse=True):
            at = c.column - 1
            fixed = fixed[:at] + c.replace + fixed[at + len(c.find) :]
        after = re.findall(r"\S+", _strip_tokens(clean_line(fixed)))
        matcher = difflib.SequenceMatcher(None, [w.text for w in words], after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                corrected.extend(words[i1:i2])
                continue
            # The entry whose `find` covers these words; on a line with one entry, that one.
            here = " ".join(w.text for w in words[i1:i2])
            entry = next((c for c in fixes if here and here in clean_line(c.find)), fixes[0])
            where = words[i1].where if i1 < i2 else f"{name}:{number}:{entry.column}"
            corrected.extend(
                Word(text, where, generated=f"errata: {entry.id}") for text in after[j1:j2]
            )
            tally.add(f"errata: {entry.id} ({entry.reason})")
    return as_read, corrected


def _dateline_line(source_text: str, doc: Document) -> int:
    """The source line of the date line: the model keeps the title's line only."""
    wanted = re.findall(
        r"\S+", "".join(t for t, r in _inline_pieces(doc.header.dateline) if r != "call")
    )
    for number, raw in enumerate(source_text.split("\n"), start=1):
        if (
            number > doc.header.line
            and re.findall(r"\S+", _strip_tokens(clean_line(raw))) == wanted
        ):
            return number
    return doc.header.line


# The typographic changes each rule can make: (rule names, source pattern, edition pattern).
# Patterns are matched at one position of each text; names are narrowed by context afterwards.
TYPOGRAPHIC_CHANGES: tuple[tuple[tuple[str, ...], re.Pattern[str], re.Pattern[str]], ...] = (
    (("double-hyphen-dash",), re.compile(r"\s*--+\s*"), re.compile(f"{NBSP}{EN_DASH} ")),
    (("em-dash-to-house-dash",), re.compile(r"\s*\u2014\s*"), re.compile(f"{NBSP}{EN_DASH} ")),
    (("spaced-dots-ellipsis",), re.compile(r"\.\s?\.\s?\."), re.compile("\u2026")),
    (("number-range",), re.compile("-"), re.compile(EN_DASH)),
    (("opening-double-quote",), re.compile('"'), re.compile("\u201c")),
    (("closing-double-quote",), re.compile('"'), re.compile("\u201d")),
    (("opening-single-quote",), re.compile("'"), re.compile("\u2018")),
    (("apostrophe", "elision-apostrophe"), re.compile("'"), re.compile("\u2019")),
    (
        ("dash-no-break", "initials-no-break", "title-no-break"),
        re.compile(" "),
        re.compile(NBSP),
    ),
)

_INITIALS_BEFORE = re.compile(r"(?<![\w.])(?:[A-Z]\.){1,3}$")
_TITLE_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Amb|Adm|Col|Lt|Capt|Gov|St|Rev|Messrs)\.$"
)


def _narrow(names: tuple[str, ...], edition: str, start: int, end: int) -> tuple[str, ...]:
    """Of the rules that can make a change, the ones its surroundings allow."""
    if "dash-no-break" in names:
        if edition.startswith(f"{EN_DASH} ", end):
            return ("dash-no-break",)
        if _INITIALS_BEFORE.search(edition, 0, start):
            return ("initials-no-break",)
        if _TITLE_BEFORE.search(edition, 0, start):
            return ("title-no-break",)
    if "elision-apostrophe" in names:
        return ("elision-apostrophe",) if re.match(r"\d\ds\b", edition[end:]) else ("apostrophe",)
    return names


def _explain_window(before: str, after: str) -> list[tuple[tuple[str, ...], int, int]] | None:
    """Rewrite `before` into `after` by equal characters and typographic changes; return the
    changes made (rule names, start and end in `after`), or None if no rule can make it."""
    start = (0, 0)
    came: dict[tuple[int, int], tuple[tuple[int, int], tuple[str, ...] | None]] = {
        start: (start, None)
    }
    todo = [start]
    goal = (len(before), len(after))
    while todo:
        i, j = todo.pop()
        if (i, j) == goal:
            break
        steps: list[tuple[tuple[int, int], tuple[str, ...] | None]] = []
        for names, source_pattern, edition_pattern in TYPOGRAPHIC_CHANGES:
            a = source_pattern.match(before, i)
            b = edition_pattern.match(after, j)
            if a and b and a.end() > i:
                steps.append(((a.end(), b.end()), names))
        if i < len(before) and j < len(after) and before[i] == after[j]:
            steps.append(((i + 1, j + 1), None))  # last in, first out: try equal first
        for state, names in steps:
            if state not in came:
                came[state] = ((i, j), names)
                todo.append(state)
    if goal not in came:
        return None
    changes = []
    state = goal
    while state != start:
        previous, names = came[state]
        if names is not None:
            changes.append((names, previous[1], state[1]))
        state = previous
    return changes[::-1]


def _typography_changes(
    before: str, after: str
) -> Iterator[tuple[tuple[str, ...] | None, int, int, int, int]]:
    """Each differing stretch of two texts, with the rules that explain it (None: no rule)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    groups: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # Changes a few characters apart are one change seen twice ("--" → NBSP, –, space).
        if groups and i1 - groups[-1][1] <= 3 and j1 - groups[-1][3] <= 3:
            groups[-1][1], groups[-1][3] = i2, j2
        else:
            groups.append([i1, i2, j1, j2])
    for i1, i2, j1, j2 in groups:
        # Take in neighbouring spaces and dots on both sides: dash and ellipsis rules own them.
        pad = 3
        lo_i, lo_j = max(0, i1 - pad), max(0, j1 - pad)
        shift = min(i1 - lo_i, j1 - lo_j)
        lo_i, lo_j = i1 - shift, j1 - shift
        shift = min(len(before) - i2, len(after) - j2, pad)
        hi_i, hi_j = i2 + shift, j2 + shift
        found = _explain_window(before[lo_i:hi_i], after[lo_j:hi_j])
        if found is None:
            yield None, i1, i2, j1, j2
            continue
        for names, b_start, b_end in found:
            yield _narrow(names, after, lo_j + b_start, lo_j + b_end), i1, i2, j1, j2


def typography_causes(before: str, after: str) -> list[tuple[str, ...] | None]:
    """The typography rules behind each change from `before` to `after`, in order; None for a
    change that no rule makes ("10-20" → "10–20" gives [("number-range",)])."""
    return [names for names, *_ in _typography_changes(before, after)]


def audit_source(
    doc_read: Document, doc_final: Document, source_text: str, source_name: str = "source.txt"
) -> AuditReport:
    """Step 1: every difference between the source (junk removed) and the finished model is an
    errata entry or a typography rule. `source_text` is the decoded source, junk included."""
    started = time.perf_counter()
    tally = _Tally()
    as_read, corrected = source_words(source_text, doc_final.corrections, source_name, tally)
    dateline = _dateline_line(source_text, doc_read)
    read_units = model_units(doc_read, dateline, marks=False)
    model: list[Word] = []
    for unit in read_units:
        pieces = [(t, r) for t, r in unit.pieces if r != "call"]
        model.extend(_words(pieces, f"{source_name}:{unit.line}"))
    matcher = difflib.SequenceMatcher(
        None, [w.text for w in corrected], [w.text for w in model], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        tally.problems.append(
            Problem(
                what=_what(tag, "model", corrected[i1:i2], model[j1:j2]),
                source=_where(corrected, i1, i2),
                rendered=f"model, {_where(model, j1, j2)}",
                expected=_context(corrected, i1, i2),
                found=_context(model, j1, j2),
            )
        )
    # Typography: the model as read against the finished model, unit by unit (same structure).
    final_units = model_units(doc_final, dateline, marks=False)
    if len(final_units) != len(read_units):
        raise PipelineError("the finished model has other blocks than the model as read")
    for read_unit, final_unit in zip(read_units, final_units, strict=True):
        before, after = _unit_text(read_unit), _unit_text(final_unit)
        if before == after:
            continue
        for names, i1, i2, j1, j2 in _typography_changes(before, after):
            if names is None:
                tally.problems.append(
                    Problem(
                        what="a character change no typography rule makes",
                        source=f"{source_name}:{read_unit.line}",
                        rendered=f"model, {source_name}:{final_unit.line}",
                        expected=_chars(before, i1, i2),
                        found=_chars(after, j1, j2),
                    )
                )
            else:
                tally.add("typography: " + " or ".join(names))
    checked = (
        f"source → model: {len(as_read)} words of {source_name} (junk removed) against the"
        f" model; errata and typography"
    )
    return tally.report(checked, len(as_read), started)


def _chars(text: str, start: int, end: int) -> str:
    show = text.replace(CALL_MARK, "⁽ⁿ⁾").replace(NBSP, "⍽")
    return f"…{show[max(0, start - 30) : start]}[{show[start:end]}]{show[end : end + 30]}…"


def _what(tag: str, where: str, expected: Sequence[Word], found: Sequence[Word]) -> str:
    if tag == "delete":
        return f"{len(expected)} word(s) of the source missing from the {where}"
    if tag == "insert":
        return f"{len(found)} word(s) in the {where} that the source does not have"
    return f"word(s) changed in the {where}"


# --- step 2: model → rendered, shared ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expected:
    """The finished model's words as a writer should print them, notes apart."""

    body: list[Word]
    notes: dict[int, list[Word]]
    title: list[Word]  # the source's title line
    edition_title: list[Word]
    subtitle: list[Word]
    labels: tuple[str, ...]  # session headings as printed, for running heads


def expected_words(
    doc: Document, source_text: str = "", source_name: str = "source.txt"
) -> Expected:
    """The words a writer must print, from the finished model, with their source lines.

    A session heading whose hours the parser took out gets them back, as both writers print
    them (pipeline/writers/pdf.py `session_label`): those words are generated.
    """
    dateline = _dateline_line(source_text, doc) if source_text else doc.header.line
    body: list[Word] = []
    notes: dict[int, list[Word]] = {}
    title: list[Word] = []
    labels: list[str] = []
    session_units = {s.line: s for s in doc.sessions if s.heading}
    for unit in model_units(doc, dateline):
        where = f"{source_name}:{unit.line}"
        if unit.kind == "note":
            notes.setdefault(unit.note, []).extend(_words(unit.pieces, where))
            continue
        words = _words(unit.pieces, where)
        if unit.kind == "title":
            title = words
            continue
        body.extend(words)
        if unit.kind == "heading":
            session = session_units[unit.line]
            label = "".join(t for t, r in unit.pieces if r != "call").strip()
            if session.time and session.time.start and session.time.start not in label:
                hours = session.time.start + (
                    f"{EN_DASH}{session.time.end}" if session.time.end else ""
                )
                label = f"{label} ({hours})"
                body.extend(_words([(f"({hours})", "")], where, generated="session hours"))
            labels.append(label)
    meta = doc.meta
    return Expected(
        body=body,
        notes=notes,
        title=title,
        edition_title=_words([(meta.title, "")], "edition.toml title", "edition title"),
        subtitle=_words([(meta.subtitle, "")], "edition.toml subtitle", "subtitle"),
        labels=tuple(labels),
    )


def _fold(text: str) -> str:
    return text.casefold()


def _title_block(expected: Expected, rendered: Sequence[Word], tally: _Tally) -> list[Word]:
    """The title block as this rendering prints it: the source's title line, or the edition
    title from edition.toml in its place; then the subtitle if printed. Calls on the title line
    follow whichever title is printed."""
    calls = sum(w.calls for w in expected.title)
    title = expected.title
    head = [_fold(w.text) for w in rendered[: len(expected.edition_title) + 1]]
    edition = [_fold(w.text) for w in expected.edition_title]
    if (
        expected.edition_title
        and head[: len(edition)] == edition
        # Case counts here: a bare .txt's edition title is its capitals title in title case.
        and [w.text for w in expected.edition_title] != [w.text for w in expected.title]
    ):
        title = list(expected.edition_title)
        tally.add("generated: edition title in place of the source's title line")
    if calls and title is not expected.title:
        # The calls hang on the last word of the printed title.
        note_digits = "".join(
            w.text[len(w.text.rstrip("0123456789")) :] for w in expected.title if w.calls
        )
        last = title[-1]
        title[-1] = Word(
            last.text + note_digits,
            last.where,
            calls=calls,
            generated=last.generated,
            opens=last.opens,
        )
    block = list(title)
    after = [_fold(w.text) for w in rendered[len(title) : len(title) + len(expected.subtitle)]]
    if expected.subtitle and after == [_fold(w.text) for w in expected.subtitle]:
        block.extend(expected.subtitle)
    return block


def _compare(expected: Sequence[Word], rendered: Sequence[Word], label: str, tally: _Tally) -> None:
    """Align the finished model's words with the rendered ones and explain every difference."""
    matcher = difflib.SequenceMatcher(
        None, [_fold(w.text) for w in expected], [_fold(w.text) for w in rendered], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for want, got in zip(expected[i1:i2], rendered[j1:j2], strict=True):
                _count_equal(want, got, label, tally)
            continue
        want, got = expected[i1:i2], rendered[j1:j2]
        # A word broken at a line end after a dash or slash (no hyphen added): same letters.
        if (
            want
            and got
            and "".join(_fold(w.text) for w in want) == "".join(_fold(w.text) for w in got)
        ):
            tally.add("line break inside a word after a dash or slash", len(got) - len(want))
            for w in want:
                _count_generated(w, tally)
            continue
        tally.problems.append(
            Problem(
                what=_what(tag, label, want, got),
                source=_where(expected, i1, i2),
                rendered=f"{label} {_where(rendered, j1, j2)}",
                expected=_context(expected, i1, i2),
                found=_context(rendered, j1, j2),
            )
        )


def _count_generated(word: Word, tally: _Tally) -> None:
    if word.generated and word.opens:
        tally.add(f"generated: {word.generated}")
    tally.add("generated: note call number", word.calls)


def _count_equal(want: Word, got: Word, label: str, tally: _Tally) -> None:
    _count_generated(want, tally)
    if want.text == got.text:
        return
    if want.small_caps:
        tally.add("small capitals (letter case only)")
        return
    tally.problems.append(
        Problem(
            what=f"letter case changed in the {label}",
            source=want.where,
            rendered=f"{label} {got.where}",
            expected=want.text,
            found=got.text,
        )
    )


# --- step 2: the PDF -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PdfLine:
    page: int
    number: int  # line on its page, 1-based
    text: str


def pdf_lines(pdf_bytes: bytes) -> list[list[PdfLine]]:
    """The text of each page as lines, in reading order (poppler's pdftotext)."""
    binary = shutil.which("pdftotext")
    if binary is None:
        raise PipelineError("the audit needs pdftotext (Debian package poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "edition.pdf"
        source.write_bytes(pdf_bytes)
        result = subprocess.run(
            [binary, "-layout", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=False
        )
    if result.returncode != 0:
        raise PipelineError(f"pdftotext failed: {result.stderr.decode(errors='replace').strip()}")
    pages = result.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    # Lines are numbered as a reader counts them on the page: printed lines only, the running
    # head first (pdftotext's layout mode adds empty lines for vertical space).
    return [
        [
            PdfLine(index, number, text)
            for number, text in enumerate((t for t in page.split("\n") if t.strip()), start=1)
        ]
        for index, page in enumerate(pages, start=1)
    ]


def pdf_words(lines: Sequence[PdfLine], tally: _Tally | None = None) -> list[Word]:
    """Words of consecutive lines, a word hyphenated at a line end joined again.

    WeasyPrint marks its own hyphenation with U+2010: that hyphen goes. A hyphen-minus at a line
    end is the source's own ("Japanese-/American"): it stays.
    """
    words: list[Word] = []
    carry: Word | None = None
    for line in lines:
        tokens = line.text.split()
        for index, token in enumerate(tokens):
            where = f"page {line.page}, line {line.number}"
            if carry is not None:
                token = carry.text + token
                where = carry.where
                carry = None
            last = index == len(tokens) - 1
            if last and token.endswith(HYPHEN_BREAK) and len(token) > 1:
                if tally is not None:
                    tally.add("hyphenation at a line end (U+2010 removed)")
                carry = Word(token[:-1], where)
                continue
            if last and token.endswith(("\u2013", "\u2014", "/")) and len(token) > 1:
                # A line may break after an unspaced dash or slash ("33.3–/2", "and/or").
                if tally is not None:
                    tally.add("line break after a dash or slash")
                carry = Word(token, where)
                continue
            if last and token.endswith("-") and len(token) > 1:
                if tally is not None:
                    tally.add("hyphen of the source at a line end (kept)")
                carry = Word(token, where)
                continue
            words.append(Word(token, where))
    if carry is not None:
        words.append(carry)
    return words


def _is_label(text: str, labels: Iterable[str]) -> bool:
    folded = " ".join(_fold(text).split())
    return any(folded == " ".join(_fold(label).split()) for label in labels if label)


def _take_notes(
    lines: list[PdfLine], expected: Expected, label: str, tally: _Tally
) -> list[PdfLine]:
    """Find each note body whole (at its page foot, or in an endnotes section) and take its
    lines out of the stream; a note not found whole is a problem."""
    taken: set[int] = set()
    for number, words in expected.notes.items():
        marker = f"{number}."
        want = [marker, *(w.text for w in words)]
        starts = [
            i for i, ln in enumerate(lines) if ln.text.split()[:1] == [marker] and i not in taken
        ]
        best: tuple[float, int, int, list[Word]] = (0.0, -1, -1, [])
        for start in starts:
            # A note is never longer than its own lines: read as many lines as it needs.
            got: list[Word] = []
            end = start
            while end < len(lines) and len(got) < len(want) and end not in taken:
                got = pdf_words(lines[start : end + 1], None)
                end += 1
            if [w.text for w in got] == want:
                best = (1.0, start, end, got)
                break
            ratio = difflib.SequenceMatcher(
                None, [w.text for w in got], want, autojunk=False
            ).ratio()
            if ratio > best[0]:
                best = (ratio, start, end, got)
        ratio, start, end, got = best
        if ratio == 1.0:
            pdf_words(lines[start:end], tally)  # count its hyphenation breaks
            tally.add("generated: note marker")
            tally.add("note body found whole")
            taken.update(range(start, end))
            if start > 0 and lines[start - 1].text.strip() == "Notes":
                taken.add(start - 1)
                tally.add("generated: endnotes heading")
            continue
        model = [Word(marker, words[0].where if words else "?"), *words]
        if ratio >= 0.6:
            taken.update(range(start, end))  # altered, not lost: keep it out of the body
            _note_alterations(tally, number, label, model, got)
        else:
            tally.problems.append(
                Problem(
                    what=f"note {number} missing from the {label}",
                    source=model[0].where,
                    rendered=label,
                    expected=_context(model, 0, len(model)),
                    found="(no note body with this number and text)",
                )
            )
    return [line for i, line in enumerate(lines) if i not in taken]


def compare_pdf(
    doc: Document, pdf_bytes: bytes, source_text: str = "", source_name: str = "source.txt"
) -> AuditReport:
    """Step 2 for the print edition: the PDF's text against the finished model."""
    started = time.perf_counter()
    tally = _Tally()
    expected = expected_words(doc, source_text, source_name)
    pages = pdf_lines(pdf_bytes)
    running = (doc.meta.title, *expected.labels, "Notes", "Editorial note")
    lines: list[PdfLine] = []
    for index, page in enumerate(pages, start=1):
        page = list(page)
        # Folio: the page number alone on the page's last line.
        if page and page[-1].text.strip() == str(index):
            page.pop()
            tally.add("generated: folio")
        # Running head: the page's first line, when it is the title or a section's heading.
        # Only that one line: a heading opening the page below its own running head stays.
        if index > 1 and page and _is_label(page[0].text, running):
            page.pop(0)
            tally.add("generated: running head")
        lines.extend(page)
    lines = _take_notes(lines, expected, "PDF", tally)
    # The editorial note closes the edition: its heading and everything after it are the
    # pipeline's words (the normalisation policy, the table of corrections).
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].text.strip() == "Editorial note":
            tally.add("generated: editorial note section")
            lines = lines[:index]
            break
    rendered = pdf_words(lines, tally)
    body = _title_block(expected, rendered, tally) + expected.body
    _compare(body, rendered, "PDF", tally)
    checked = f"model → PDF: {len(rendered)} words on {len(pages)} pages"
    return tally.report(checked, len(rendered), started)


# --- step 2: the EPUB ----------------------------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "li",
    "section",
    "aside",
    "td",
    "th",
    "dt",
    "dd",
    "table",
    "tr",
    "ol",
    "ul",
    "dl",
    "header",
    "nav",
    "blockquote",
    "br",
}
RECORD_PARTS = ("chapter", "titlepage")
"""Spine items holding the record's text (section epub:type); every other item is generated."""


def _epub_spine(epub_bytes: bytes) -> list[tuple[str, etree._Element]]:
    """The spine's XHTML documents in reading order, each with its file name."""
    with zipfile.ZipFile(io.BytesIO(epub_bytes)) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_path))
        base = PurePosixPath(opf_path).parent
        manifest = {
            item.get("id"): item.get("href") for item in opf.iterfind(".//{*}manifest/{*}item")
        }
        spine = []
        for ref in opf.iterfind(".//{*}spine/{*}itemref"):
            href = manifest[ref.get("idref")]
            name = str(base / href) if str(base) != "." else href
            spine.append((href, etree.fromstring(archive.read(name))))
    return spine


def _element_words(element: etree._Element, where: str) -> list[Word]:
    """The words of an element, blocks kept apart, located by the nearest block id."""
    pieces: list[tuple[str, str]] = []
    spans: list[tuple[int, str]] = []
    length = 0

    def walk(node: etree._Element, place: str) -> None:
        nonlocal length
        tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if not tag:
            return
        if node.get("id") and tag in BLOCKS:
            place = f"{where}#{node.get('id')}"
        block = tag in BLOCKS
        if block:
            pieces.append((" ", ""))
            length += 1
        spans.append((length, place))
        if node.text:
            pieces.append((node.text, ""))
            length += len(node.text)
        for child in node:
            walk(child, place)
            spans.append((length, place))
            if child.tail:
                pieces.append((child.tail, ""))
                length += len(child.tail)
        if block:
            pieces.append((" ", ""))
            length += 1

    walk(element, where)
    text = "".join(p for p, _ in pieces)
    words = []
    for match in re.finditer(r"\S+", text):
        place = where
        for offset, name in spans:
            if offset > match.start():
                break
            place = name
        words.append(Word(match.group(), place))
    return words


def compare_epub(
    doc: Document, epub_bytes: bytes, source_text: str = "", source_name: str = "source.txt"
) -> AuditReport:
    """Step 2 for the ebook: the text of the EPUB's spine against the finished model."""
    started = time.perf_counter()
    tally = _Tally()
    expected = expected_words(doc, source_text, source_name)
    rendered: list[Word] = []
    asides: dict[int, list[Word]] = {}
    extra_asides: list[tuple[str, list[Word]]] = []
    items = _epub_spine(epub_bytes)
    for name, root in items:
        body = root.find(f"{XHTML}body")
        sections = [
            s
            for s in body.iter(f"{XHTML}section")
            if set((s.get(EPUB_TYPE) or "").split()) & set(RECORD_PARTS)
        ]
        if not sections:
            kind = body.get(EPUB_TYPE) or "document"
            inner = next((e.get(EPUB_TYPE) for e in body.iter() if e.get(EPUB_TYPE)), kind)
            tally.add(f"generated: {name} ({inner})")
            continue
        for section in sections:
            for aside in list(section.iter(f"{XHTML}aside")):
                if "footnote" not in (aside.get(EPUB_TYPE) or "").split():
                    continue
                words = _element_words(aside, f"{name}#{aside.get('id', '')}")
                aside.getparent().remove(aside)
                number = words[0].text if words else ""
                if number.isdigit() and int(number) not in asides:
                    asides[int(number)] = words[1:]
                else:
                    extra_asides.append((name, words))
            rendered.extend(_element_words(section, name))
    for number, words in expected.notes.items():
        got = asides.pop(number, None)
        if got is not None and [w.text for w in got] == [w.text for w in words]:
            tally.add("generated: note marker")
            tally.add("note body found whole")
            for w in words:
                tally.add("generated: note call number", w.calls)
            continue
        if got is None:
            tally.problems.append(
                Problem(
                    what=f"note {number} missing from the EPUB",
                    source=words[0].where if words else "?",
                    rendered="EPUB (no footnote aside with this number)",
                    expected=_context(words, 0, len(words)),
                    found="",
                )
            )
            continue
        _note_alterations(tally, number, "EPUB", words, got)
    for number, got in asides.items():
        extra_asides.append((f"note {number}", got))
    for name, got in extra_asides:
        tally.problems.append(
            Problem(
                what="a footnote in the EPUB that the model does not have",
                source="(none)",
                rendered=f"EPUB {got[0].where if got else name}",
                expected="",
                found=_context(got, 0, len(got)),
            )
        )
    body = _title_block(expected, rendered, tally) + expected.body
    _compare(body, rendered, "EPUB", tally)
    checked = f"model → EPUB: {len(rendered)} words in {len(items)} spine items"
    return tally.report(checked, len(rendered), started)


# --- the whole audit -----------------------------------------------------------------------


def audit_pdf(
    doc_read: Document,
    doc_final: Document,
    source_text: str,
    pdf_bytes: bytes,
    source_name: str = "source.txt",
) -> AuditReport:
    """Source → model → PDF: every difference explained, or a problem."""
    return merge_reports(
        audit_source(doc_read, doc_final, source_text, source_name),
        compare_pdf(doc_final, pdf_bytes, source_text, source_name),
    )


def audit_epub(
    doc_read: Document,
    doc_final: Document,
    source_text: str,
    epub_bytes: bytes,
    source_name: str = "source.txt",
) -> AuditReport:
    """Source → model → EPUB: every difference explained, or a problem."""
    return merge_reports(
        audit_source(doc_read, doc_final, source_text, source_name),
        compare_epub(doc_final, epub_bytes, source_text, source_name),
    )


def format_report(report: AuditReport, title: str) -> str:
    """A report an editor can read: what was checked, counts per cause, then each problem."""
    lines = [report.checked]
    lines.append(
        f"  {report.explained} difference(s) explained, {len(report.problems)} unexplained"
        f" ({report.seconds:.1f} s)"
    )
    for cause, count in sorted(report.causes, key=lambda item: (item[0].split(":")[0], -item[1])):
        lines.append(f"    {count:>5}  {cause}")
    for problem in report.problems:
        lines.append("  UNEXPLAINED: " + problem.describe())
    return "\n".join(lines)


def audit_command(path: Path, out: Path | None = None) -> int:
    """`python -m pipeline audit PATH [--out DIR]`: 0 if every difference is explained."""
    from pipeline.pipeline import prepare
    from pipeline.stages.read import read_source

    doc_read, ctx = prepare(path, typography=False)
    doc_final, _ = prepare(path)
    folder = Path(out) if out else PROJECT_ROOT / "output" / ctx.id
    files = {kind: folder / f"{ctx.id}.{kind}" for kind in ("pdf", "epub")}
    for kind, file in files.items():
        if not file.is_file():
            raise PipelineError(
                f"no {kind.upper()} to audit; build it first (python -m pipeline build"
                f" {path} --to pdf --to epub{f' --out {out}' if out else ''})",
                file,
            )
    source_text = read_source(ctx.source, encoding=ctx.settings.encoding)
    name = _display(ctx.source)
    reports = [
        ("source → model", audit_source(doc_read, doc_final, source_text, name)),
        ("PDF", compare_pdf(doc_final, files["pdf"].read_bytes(), source_text, name)),
        ("EPUB", compare_epub(doc_final, files["epub"].read_bytes(), source_text, name)),
    ]
    print(f"Audit of {ctx.id}")
    for title, report in reports:
        print(format_report(report, title))
    problems = sum(len(report.problems) for _, report in reports)
    if problems:
        print(f"{problems} unexplained difference(s)", file=sys.stderr)
        return 1
    print("every difference is explained")
    return 0


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


__all__ = [
    "TYPOGRAPHIC_CHANGES",
    "AuditReport",
    "PdfLine",
    "Problem",
    "audit_command",
    "audit_epub",
    "audit_pdf",
    "audit_source",
    "compare_epub",
    "compare_pdf",
    "expected_words",
    "format_report",
    "model_units",
    "pdf_lines",
    "pdf_words",
    "typography_causes",
]
