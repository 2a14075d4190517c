"""Turn a Document's record of interventions into the Editorial note, for both editions.

One statement of policy and one apparatus, which the print and the ebook edition each lay out in
their own way (print pages, EPUB links) and the audit checks against the errata:

- the policy, in sentences that are true of this document: what the text is, which kinds of
  intervention were made (none, or emendations, silent regularisations, supplied words, [sic],
  readings considered and kept), whose the brackets are, how the typography was normalised (each
  rule that fired, with its count), how paragraphs and notes are numbered;
- one list per kind used, each entry with its place, the edition's reading, the source's reading
  and the reason (the layout of a scholarly apparatus: lemma, then source), and its remark apart;
- the silent regularisations by declared class, with their counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pipeline.model import SIC, Correction, Document, Note, Session, inline_text, supplied
from pipeline.stages.numbering import COUNTED

NO_CORRECTIONS = "No corrections were made to the source text."


@dataclass(frozen=True, slots=True)
class Section:
    """One kind's list: a heading, a sentence introducing it, and its entries in text order."""

    kind: str
    heading: str
    intro: str
    entries: tuple[Correction, ...]


@dataclass(frozen=True, slots=True)
class ClassCount:
    name: str
    description: str
    count: int


@dataclass(frozen=True, slots=True)
class Apparatus:
    policy: tuple[str, ...]
    sections: tuple[Section, ...]
    regularised: tuple[ClassCount, ...]

    @property
    def empty(self) -> bool:
        return not self.sections and not self.regularised


# kind → (heading, introduction); the order is the order of the lists in the note.
SECTIONS = (
    ("emend", "Emendations", "Where this edition departs from the source, it reads:"),
    ("supply", "Words supplied", "Words the editors supply, printed in angle brackets ⟨ ⟩:"),
    ("sic", "Errors kept", f"Errors kept as the source has them and marked {supplied(SIC)}:"),
    ("keep", "Readings kept", "Readings the editors considered and kept as the source has them:"),
)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _series(items: list[str]) -> str:
    """The items joined as a list in a sentence: "a, b and c" (no serial comma)."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def _what_was_done(doc: Document) -> str:
    """What the text is, and every kind of intervention made in it, counted. Each clause's
    pointer stays in brackets, so that a list of three reads as three."""
    counts = Counter(c.kind for c in doc.corrections)
    changed = [
        _count(counts[kind], one, many) + f" ({where})"
        for kind, one, many, where in (
            ("emend", "emendation", "emendations", "listed below"),
            (
                "regularise",
                "silent regularisation",
                "silent regularisations",
                "counted by class below",
            ),
            ("supply", "supplied word or phrase", "supplied words or phrases", "listed below"),
        )
        if counts[kind]
    ]
    text = (
        f"The text is the source’s, except for {_series(changed)}."
        if changed
        else "The text is the source’s, word for word, with its own spelling."
    )
    kept = [
        _count(counts[kind], one, many) + extra
        for kind, one, many, extra in (
            ("sic", "error of the source", "errors of the source", f" (marked {supplied(SIC)})"),
            ("keep", "reading the editors considered", "readings the editors considered", ""),
        )
        if counts[kind]
    ]
    if kept:
        text += f" Kept as the source has them and listed below: {_series(kept)}."
    return text


def _brackets(doc: Document) -> str:
    kinds = {c.kind for c in doc.corrections}
    ours = kinds & {"supply", "sic"}
    if not ours:
        return "Square brackets and […] are the source’s or its editors’, not ours."
    return (
        "Square brackets and […] are the source’s or its editors’; angle brackets ⟨ ⟩ are ours"
        + (", around the words we supply" if "supply" in ours else "")
        + (" and around the sic we add" if "sic" in ours else "")
        + "."
    )


def _typography(doc: Document) -> str:
    fired = [rule for rule in doc.typography if rule.count > 0]
    if not fired:
        return "The typography of the source has been kept as it stands."
    clauses = "; ".join(f"{rule.why} ({_count(rule.count, 'time', 'times')})" for rule in fired)
    return f"The typography has been normalised: {clauses}."


def policy_paragraphs(doc: Document) -> tuple[str, ...]:
    """The note's opening paragraphs, true of this document."""
    numbering = (
        "Paragraphs are numbered through the whole record (¶), counting every paragraph, "
        "speaker’s turn, omission and closing line, but not headings; notes are numbered as in "
        "the source."
    )
    return (_what_was_done(doc), _brackets(doc), _typography(doc), numbering)


def apparatus(doc: Document) -> Apparatus:
    sections = []
    for kind, heading, intro in SECTIONS:
        entries = tuple(c for c in doc.corrections if c.kind == kind)
        if entries:
            sections.append(Section(kind, heading, intro, entries))
    described = dict(doc.regularisation_classes)
    regularised = tuple(
        ClassCount(name, described.get(name, ""), count)
        for name in described
        if (
            count := sum(
                1 for c in doc.corrections if c.kind == "regularise" and c.category == name
            )
        )
    )
    return Apparatus(policy_paragraphs(doc), tuple(sections), regularised)


def correction_place(doc: Document, correction: Correction) -> str:
    """Where an entry stands, in words a reader can find in the edition: "¶ 12", "¶ 12 (the
    speaker’s name)", "note 3", "the title", "the heading of Evening meeting", "the header"."""
    if correction.note_number:
        return f"note {correction.note_number}"
    if correction.paragraph:
        place = f"¶\u00a0{correction.paragraph}"
        return f"{place} (the speaker’s name)" if correction.in_label else place
    if correction.block_id == "title":
        return "the title"
    session = _session(doc, correction.block_id)
    if session is not None:
        return f"the heading “{inline_text(session.heading).strip()}”"
    for block in doc.header.blocks:
        if block.id == correction.block_id:
            return "the header"
    for session in doc.sessions:
        for block in session.blocks:
            if block.id == correction.block_id and not isinstance(block, COUNTED):
                return "a subheading"
    return "export markup"


def shown_reading(correction: Correction) -> str:
    """The edition's reading as the apparatus prints it (supplied words in their brackets)."""
    if correction.kind == "supply":
        return supplied(correction.reading)
    if correction.kind == "sic":
        return f"{correction.reading} {supplied(SIC)}"
    return correction.reading or "(omitted)"


def _session(doc: Document, element_id: str) -> Session | None:
    return next((s for s in doc.sessions if s.id and s.id == element_id), None)


def note_of(doc: Document, number: int) -> Note | None:
    return next((n for n in doc.notes if n.number == number), None)
