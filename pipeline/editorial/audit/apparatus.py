"""Turn an editorial note as read back from a built file into problems: every row checked.

The print edition and the ebook each print an Editorial note (pipeline/writers/editorial.py):
policy sentences, one list per kind of entry, the silent regularisations by class. pdf.py and
epub.py read that note back from the built file into a `PrintedNote`; this module checks it
against what the note must say, from the errata file and the model rather than from the
writer's own apparatus:

- every errata entry of a listed kind has one row, in its kind's section, with its place
  (`correction_place`), the edition's and the source's readings, its reason and its remark;
  no row is there that no entry made; the print edition's page column gives the page where
  the entry's words really are in that PDF, found there (pdf.py);
- the regularisation classes are listed with their descriptions and the number of entries;
- the policy states the counts the audit itself found: each typography rule's (by applying
  the rules, typography.py) and each kind's (from the errata), and otherwise reads as
  `policy_paragraphs` has it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.editorial.audit.report import Tally
from pipeline.model import Correction, Document
from pipeline.rules.typography import TYPOGRAPHY_RULES
from pipeline.stages.errata import Errata, Fix
from pipeline.writers.editorial import (
    NO_CORRECTIONS,
    SECTIONS,
    correction_place,
    policy_paragraphs,
    shown_reading,
)

REGULARISED_HEADING = "Silent regularisations"

# What the policy says of each kind's count: (kind, what it counts, the printed phrase).
KIND_COUNTS = (
    ("emend", "emendations", re.compile(r"(\d+) emendations?\b")),
    ("regularise", "silent regularisations", re.compile(r"(\d+) silent regularisations?\b")),
    ("supply", "supplied words", re.compile(r"(\d+) supplied words? or phrases?\b")),
)


def norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def squash(text: str) -> str:
    """Text without any space: a PDF's lines may break a cell's words anywhere."""
    return "".join(text.split())


# --- what was printed ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a list as printed. `remarks`: the reason cell's lines (print: the remark
    starts a line of its own), or (reason, remark) when `split` (the ebook's markup)."""

    place: str
    reading: str
    source: str
    remarks: tuple[str, ...]
    where: str
    page: str | None = None  # print only: the page column
    href: str = ""  # ebook only: where the row's link leads
    anchor: str = ""  # ebook only: the row's id
    split: bool = False


@dataclass(frozen=True, slots=True)
class PrintedSection:
    heading: str
    intro: str
    rows: tuple[Row, ...]
    where: str


@dataclass(frozen=True, slots=True)
class PrintedClass:
    name: str
    description: str
    count: str
    where: str


@dataclass(frozen=True, slots=True)
class PrintedNote:
    policy: tuple[str, ...]
    sections: tuple[PrintedSection, ...] = ()
    regularised: tuple[PrintedClass, ...] = ()
    empty: str = ""
    where: str = ""


# --- what must be printed -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """What the note must print for one errata entry."""

    correction: Correction
    place: str
    reading: str
    source: str
    reason: str
    note: str
    errata_place: str  # "errata.toml:12"

    @property
    def id(self) -> str:
        return self.correction.id


def expected_sections(
    doc: Document, errata: Errata, errata_name: str
) -> list[tuple[str, str, str, list[Entry]]]:
    """(kind, heading, introduction, entries) for each kind the note lists, in its order."""
    fixes: dict[str, Fix] = {fix.id: fix for fix in errata.fixes}
    out = []
    for kind, heading, intro in SECTIONS:
        entries = []
        for c in doc.corrections:
            if c.kind != kind:
                continue
            fix = fixes.get(c.id)
            entries.append(
                Entry(
                    correction=c,
                    place=correction_place(doc, c),
                    reading=shown_reading(c),
                    source=c.source_reading,
                    reason=fix.reason if fix else c.reason,
                    note=fix.note if fix else c.note,
                    errata_place=f"{errata_name}:{c.errata_line}",
                )
            )
        if entries:
            out.append((kind, heading, intro, entries))
    return out


def errata_of(doc: Document) -> Errata:
    """The errata as the model records them, when the file itself is not at hand."""
    fixes = tuple(
        Fix(c.id, c.find, c.replace, c.reason, c.note, c.errata_line, c.kind, c.category)
        for c in doc.corrections
    )
    return Errata(classes=doc.regularisation_classes, fixes=fixes)


def expected_classes(errata: Errata) -> list[tuple[str, str, int]]:
    """(class, description, entries) for each declared class that has entries."""
    counts = {name: 0 for name, _ in errata.classes}
    for fix in errata.fixes:
        if fix.kind == "regularise" and fix.category in counts:
            counts[fix.category] += 1
    return [(name, text, counts[name]) for name, text in errata.classes if counts[name]]


# --- the check ----------------------------------------------------------------------------------


@dataclass
class NoteCheck:
    """One edition's note against the errata. `row_checks` are that edition's own checks of a
    row, given the row and its entry: the print edition's page column, the ebook's links."""

    doc: Document
    errata: Errata
    errata_name: str
    label: str  # "PDF" or "EPUB"
    tally: Tally
    counts: Mapping[str, int]  # each typography rule's count, as the audit found it
    exact: bool = True  # compare spaces too (the ebook); a PDF's cells may break anywhere
    row_checks: Sequence[Callable[[Row, Entry], None]] = field(default_factory=tuple)

    def same(self, a: str, b: str) -> bool:
        return norm(a) == norm(b) if self.exact else squash(a) == squash(b)

    def heading(self, text: str) -> str:
        # A list's heading is set in small capitals in print, whose text map may show another
        # letter case (caps.py): in a PDF, headings are told apart regardless of case.
        return norm(text) if self.exact else squash(text).casefold()

    def run(self, printed: PrintedNote) -> None:
        self._policy(printed)
        self._sections(printed)
        self._classes(printed)
        listed = expected_sections(self.doc, self.errata, "") or expected_classes(self.errata)
        wanted_empty = "" if listed else NO_CORRECTIONS
        if not self.same(printed.empty, wanted_empty):
            self._problem(
                "the editorial note says otherwise whether corrections were made",
                printed.where,
                wanted_empty or "(no such sentence)",
                printed.empty or "(no such sentence)",
            )

    def _problem(self, what: str, rendered: str, expected: str, found: str, source: str = ""):
        self.tally.problem(
            f"{what} ({self.label})", source or self.errata_name, rendered, expected, found
        )

    # --- policy ---

    def _policy(self, printed: PrintedNote) -> None:
        text = norm(" ".join(printed.policy))
        for rule in TYPOGRAPHY_RULES:
            count = self.counts.get(rule.name, 0)
            pattern = re.escape(rule.why) + r" \((\d+) times?\)"
            rules = "the typography rules applied to the text as read"
            self._count(text, pattern, count, f"for “{rule.why}”", rules, printed)
        for kind, name, kind_pattern in KIND_COUNTS:
            count = sum(1 for fix in self.errata.fixes if fix.kind == kind)
            self._count(text, kind_pattern.pattern, count, f"of {name}", self.errata_name, printed)
        wanted = norm(" ".join(policy_paragraphs(self.doc)))
        # Counts are checked above against the audit's own; here the wording, numbers aside.
        if self.same(re.sub(r"\d+", "#", wanted), re.sub(r"\d+", "#", text)):
            self.tally.add(f"generated: editorial note policy ({self.label})")
            return
        got, want = text.split(), wanted.split()
        matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal" and re.sub(r"\d", "", " ".join(want[i1:i2] + got[j1:j2])):
                self._problem(
                    "the editorial note's policy reads otherwise",
                    printed.where,
                    _show(want, i1, i2),
                    _show(got, j1, j2),
                    "pipeline/writers/editorial.py policy_paragraphs",
                )

    def _count(
        self, text: str, pattern: str, count: int, what: str, source: str, printed: PrintedNote
    ) -> None:
        found = [int(m.group(1)) for m in re.finditer(pattern, text)]
        if found == ([count] if count else []):
            return
        self._problem(
            f"the editorial note's policy gives a wrong count {what}",
            printed.where,
            f"{count} (as the audit counts it)" if count else "not mentioned (none made)",
            ", ".join(map(str, found)) or "not mentioned",
            source,
        )

    # --- the lists ---

    def _sections(self, printed: PrintedNote) -> None:
        wanted = expected_sections(self.doc, self.errata, self.errata_name)
        by_heading = {self.heading(s.heading): s for s in printed.sections}
        order = [self.heading(s.heading) for s in printed.sections]
        if order != [self.heading(h) for _, h, _, _ in wanted] and set(order) == {
            self.heading(h) for _, h, _, _ in wanted
        }:
            self._problem(
                "the editorial note's lists stand in another order",
                printed.where,
                ", ".join(h for _, h, _, _ in wanted),
                ", ".join(s.heading for s in printed.sections),
            )
        known = {self.heading(h) for _, h, _, _ in wanted}
        for section in printed.sections:
            if self.heading(section.heading) not in known:
                self._problem(
                    "a list in the editorial note that no errata entry made",
                    section.where,
                    "(none)",
                    f"{section.heading}: {len(section.rows)} row(s)",
                )
        for _kind, heading, intro, entries in wanted:
            found = by_heading.get(self.heading(heading))
            if found is None:
                for entry in entries:
                    self._missing(entry, printed.where)
                continue
            if not self.same(found.intro, intro):
                self._problem(
                    f"the introduction of “{heading}” reads otherwise",
                    found.where,
                    intro,
                    found.intro,
                )
            self._rows(found, entries)

    def _key(self, values: Sequence[str]) -> tuple[str, ...]:
        return tuple(norm(v) if self.exact else squash(v) for v in values)

    def _rows(self, section: PrintedSection, entries: list[Entry]) -> None:
        rows = list(section.rows)
        want = [self._key((e.place, e.reading, e.source, f"{e.reason} {e.note}")) for e in entries]
        got = [self._key((r.place, r.reading, r.source, " ".join(r.remarks))) for r in rows]
        matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            pairs = list(zip(entries[i1:i2], rows[j1:j2], strict=False))
            for entry, row in pairs:
                self._row(entry, row)
            for entry in entries[i1 + len(pairs) : i2]:
                self._missing(entry, section.where)
            for row in rows[j1 + len(pairs) : j2]:
                self._problem(
                    "a row in the editorial note that no errata entry made",
                    row.where,
                    "(none)",
                    f"{row.place} | {row.reading} | {row.source} | {' '.join(row.remarks)}",
                )
            if tag == "equal":
                self.tally.add(
                    f"editorial note: row found as the errata say ({self.label})", i2 - i1
                )

    def _missing(self, entry: Entry, where: str) -> None:
        self._problem(
            f"errata entry {entry.id!r} ({entry.correction.kind}) is not listed in the"
            " editorial note",
            where,
            f"{entry.place} | {entry.reading} | {entry.source} | {entry.reason}",
            "(no row)",
            entry.errata_place,
        )

    def _row(self, entry: Entry, row: Row) -> None:
        reason, note = _reason_and_note(row, entry, self.same)
        for name, wanted, found in (
            ("place", entry.place, row.place),
            ("reading of this edition", entry.reading, row.reading),
            ("reading of the source", entry.source, row.source),
            ("reason", entry.reason, reason),
            ("remark", entry.note, note),
        ):
            if not self.same(wanted, found):
                self._problem(
                    f"errata entry {entry.id!r}: the editorial note prints another {name}",
                    row.where,
                    wanted or "(none)",
                    found or "(none)",
                    entry.errata_place,
                )
        for check in self.row_checks:
            check(row, entry)

    # --- the classes ---

    def _classes(self, printed: PrintedNote) -> None:
        wanted = expected_classes(self.errata)
        got = {norm(c.name): c for c in printed.regularised}
        for name, description, count in wanted:
            item = got.pop(norm(name), None)
            if item is None:
                self._problem(
                    f"regularisation class {name!r} is not listed in the editorial note",
                    printed.where,
                    f"{name}: {count}",
                    "(no row)",
                )
                continue
            for what, value, found in (
                ("description", description, item.description),
                ("count", str(count), item.count),
            ):
                if not self.same(value, found):
                    self._problem(
                        f"regularisation class {name!r}: the editorial note prints another {what}",
                        item.where,
                        value,
                        found,
                    )
            self.tally.add(f"editorial note: regularisation class counted ({self.label})")
        for item in got.values():
            self._problem(
                "a regularisation class in the editorial note that the errata do not have",
                item.where,
                "(none)",
                f"{item.name}: {item.count}",
            )


def _reason_and_note(row: Row, entry: Entry, same: Callable[[str, str], bool]) -> tuple[str, str]:
    """The reason and the remark of a row: the remark starts a line of its own in print."""
    if row.split:
        return row.remarks[0], (row.remarks[1] if len(row.remarks) > 1 else "")
    lines = list(row.remarks)
    for cut in range(1, len(lines) + 1):
        if same(" ".join(lines[:cut]), entry.reason):
            return " ".join(lines[:cut]), " ".join(lines[cut:])
    return " ".join(lines[:1]), " ".join(lines[1:])


def _show(words: Sequence[str], start: int, end: int) -> str:
    before = " ".join(words[max(0, start - 5) : start])
    after = " ".join(words[end : end + 5])
    return f"…{before} [{' '.join(words[start:end])}] {after}…"
