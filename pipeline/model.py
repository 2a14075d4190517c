"""The document model: one small tree of frozen dataclasses between readers and writers.

Stages build it (``stages/parse.py``) and rebuild it (``dataclasses.replace``); writers only read
it. Every node says what it means on the page, not how it was spelt in the source. Body blocks
carry the source ``line`` they came from, so errors, errata locations and the audit can point
back into the file the editor has open.

Inline content is a tuple of ``Text``, ``NoteRef`` and ``Editorial`` runs. Editorial brackets and
note references are nodes of their own, so typography on ``Text`` leaves them alone by
construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

# --- inline ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A run of the record's own words."""

    text: str


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A footnote call; `number` is the source's own note number."""

    number: int


@dataclass(frozen=True, slots=True)
class Editorial:
    """An editor's or translator's insertion printed in square brackets, e.g. `[sic]`, `[…]`.

    `text` is what stands inside the brackets, exactly as in the source (spaces included).
    """

    text: str


@dataclass(frozen=True, slots=True)
class Intervention:
    """Words of the edition that an editor's decision accounts for: `correction` is the id of
    its entry in `Document.corrections`, `kind` how the editions show it (see
    `stages/errata.py`, KINDS):

    - "emend": the edition's reading in place of the source's, listed in the editorial note;
    - "regularise": the same, silently, counted by its declared class;
    - "supply": words the editors add, printed in angle brackets ⟨ ⟩;
    - "sic": the source's reading kept, followed by the editors' ⟨sic⟩;
    - "keep": the source's reading considered and kept as it is.

    `content` is what the edition prints of the record's own words here (empty where an
    emendation deleted them); the brackets of "supply" and "sic" are the writers' to add.
    """

    correction: str
    kind: str
    content: Inlines


Inline = Text | NoteRef | Editorial | Intervention
Inlines = tuple[Inline, ...]


# --- blocks ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the record.

    `speaker` names whose turn it continues (`None` for narrative: "L.I. Brezhnev thanks
    K. Tanaka.", stage directions, editorial paragraphs).
    """

    content: Inlines
    speaker: str | None = None
    line: int = 0
    id: str = ""
    number: int = 0  # paragraph number, for citation (see stages/numbering.py); 0: not counted


@dataclass(frozen=True, slots=True)
class Turn:
    """The first paragraph of a speaker's turn: `label` as written ("L.I. Brezhnev",
    "SENATOR PERCY"), set apart on the page, then what they said.

    `speaker` is the identity the label stands for (an alias table in edition.toml may join
    "Ambassador Gonzalez" and "Gonzalez-Revilla"); `punctuation` is the label's own "." or ":".
    """

    label: str
    speaker: str
    content: Inlines
    punctuation: str = "."
    line: int = 0
    id: str = ""
    number: int = 0
    # Corrections (ids) whose words are in the label: the label is plain text, so they are
    # recorded here rather than as Intervention nodes.
    label_corrections: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Omission:
    """A whole paragraph left out by the editor, shown as `[…]`, usually with a note saying what."""

    content: Inlines
    line: int = 0
    id: str = ""
    number: int = 0


@dataclass(frozen=True, slots=True)
class Subheading:
    """A heading inside a session that is not a new session ("I. BACKGROUND", "II.")."""

    content: Inlines
    line: int = 0
    id: str = ""


@dataclass(frozen=True, slots=True)
class Closing:
    """A closing line that signs off a record ("Recorded by: N.N. Solov’ev.")."""

    content: Inlines
    line: int = 0
    id: str = ""
    number: int = 0


@dataclass(frozen=True, slots=True)
class Field:
    """A line of the header block: `label` and its value ("Subject" → "U.S.-Panama …",
    "From the Soviet side" → "L.I. Brezhnev, …"). A label with an empty value introduces the
    lines after it ("Participants:"). `separator` is the source's own ":" or "–"."""

    label: str
    content: Inlines
    separator: str = ":"
    line: int = 0
    id: str = ""
    label_corrections: tuple[str, ...] = ()  # as Turn.label_corrections


Block = Paragraph | Turn | Omission | Subheading | Closing | Field


# --- structure ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Time:
    """The hours of a session as the source gives them; `end` is empty for a start time only."""

    start: str
    end: str = ""


@dataclass(frozen=True, slots=True)
class Session:
    """One meeting of the talks: a level-1 heading in both editions, a chapter in the EPUB.

    `heading` is empty for body text that comes before any session heading.
    """

    heading: Inlines
    blocks: tuple[Block, ...]
    time: Time | None = None
    line: int = 0
    id: str = ""


@dataclass(frozen=True, slots=True)
class Header:
    """What precedes the record: its title, the date line, who took part."""

    title: Inlines
    dateline: Inlines = ()
    blocks: tuple[Block, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote: its source number and its paragraphs."""

    number: int
    paragraphs: tuple[Inlines, ...]
    line: int = 0
    id: str = ""


@dataclass(frozen=True, slots=True)
class Correction:
    """One errata entry as applied: the decision, what the source read and the edition reads,
    and where it stands in both.

    `find`/`replace` are the entry's whole texts (context included); `source_reading` and
    `reading` are the words it is about, in the source and in the edition (the lemma an
    apparatus prints; `reading` is empty for a deletion, `source_reading` for a supplied word).
    `line`/`column` point into the source file, `errata_line` into errata.toml.

    Where it falls in the edition (set by `stages/locate.py` from the Intervention node):
    `block_id` is the id of the block, heading or note that holds it ("title" for the title
    block); `session` the id of its session ("" in the header or the notes); `paragraph` the
    number of the body paragraph holding it (0 elsewhere); `note_number` the note holding it
    (0 outside notes); `in_label` whether it changed a speaker's or a field's label.
    """

    id: str
    find: str
    replace: str
    reason: str
    note: str = ""
    line: int = 0
    column: int = 0
    session: str = ""
    paragraph: int = 0
    block_id: str = ""
    kind: str = "emend"
    category: str = ""  # the declared class of a regularisation
    by: str = ""
    date: str = ""
    status: str = "accepted"
    reading: str = ""
    source_reading: str = ""
    errata_line: int = 0
    note_number: int = 0
    in_label: bool = False


@dataclass(frozen=True, slots=True)
class RuleReport:
    """How often one typography rule fired, with a few examples (before, after)."""

    name: str
    why: str
    count: int
    examples: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Meta:
    """Bibliographic metadata: from `edition.toml`, else inferred from the text, else empty.

    Nothing here is ever invented: an unknown field stays empty and writers leave it out.
    """

    id: str
    title: str
    date: str = ""  # ISO 8601, e.g. "1973-10-08"
    language: str = "en"
    source_title: str = ""  # the title line as the source spells it
    dateline: str = ""  # the date line as the source spells it
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    translator: str = ""
    compiler: str = ""
    editor: str = ""
    archive: str = ""
    citation: str = ""
    source_url: str = ""
    rights: str = ""
    publisher: str = ""
    identifier: str = ""
    description: str = ""
    subjects: tuple[str, ...] = ()
    modified: str = ""  # ISO date of this edition's last change: dcterms:modified, PDF ModDate
    # ISO date the edition was published (dc:date, PDF CreationDate); `modified` when not given.
    # Never the date of the talks, which is `date`: the content's date (dcterms:temporal).
    published: str = ""
    # The corporate body that issued the record ("United States. Department of State"): the
    # creator a catalogue files under when no personal `authors` are named.
    issuing_body: str = ""
    original_language: str = ""  # BCP 47 tag of the language the record was made in, if translated
    # Who evaluated the edition's accessibility, and the address of their report (EPUB
    # Accessibility 1.1 §5.2, a11y:certifiedBy and a11y:certifierReport); empty: a self-evaluation.
    accessibility_certifier: str = ""
    accessibility_report: str = ""
    # The place names among the subjects' main headings (MARC 651 rather than 650).
    places: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """The whole edition: metadata, header, sessions, notes, and the record of what the
    pipeline changed (applied errata, typography counts) for the editorial note."""

    meta: Meta
    header: Header
    sessions: tuple[Session, ...]
    notes: tuple[Note, ...] = ()
    corrections: tuple[Correction, ...] = ()
    typography: tuple[RuleReport, ...] = ()
    source_path: str = ""
    # Declared classes of silent regularisation (name, description), from errata.toml.
    regularisation_classes: tuple[tuple[str, str], ...] = ()
    source_sha256: str = ""  # of source.txt as received, for the audit and the colophon


# --- helpers shared by stages and writers ------------------------------------------------------


# How the editions mark the editors' own additions (one table: writers and the audit read it).
# Angle brackets for supplied words, as in critical editions (the Leiden conventions), because
# square brackets in these records are the source's own.
SUPPLIED_OPEN = "\u27e8"
SUPPLIED_CLOSE = "\u27e9"
SIC = "sic"


def supplied(text: str) -> str:
    return f"{SUPPLIED_OPEN}{text}{SUPPLIED_CLOSE}"


def inline_text(content: Iterable[Inline], *, brackets: bool = True) -> str:
    """The words a reader sees: text, editorial insertions (in their brackets), the editors'
    supplied words and ⟨sic⟩ (in angle brackets); no note calls. `brackets=False` gives the
    words alone: no brackets of either kind and no ⟨sic⟩."""
    parts: list[str] = []
    for node in content:
        match node:
            case Text(text):
                parts.append(text)
            case Editorial(text):
                parts.append(f"[{text}]" if brackets else text)
            case NoteRef():
                pass
            case Intervention(kind=kind, content=inner):
                words = inline_text(inner, brackets=brackets)
                if brackets and kind == "supply":
                    words = supplied(words)
                elif brackets and kind == "sic":
                    words = f"{words} {supplied(SIC)}"
                parts.append(words)
    return "".join(parts)


def block_text(block: Block) -> str:
    """A block's visible text, the label of a turn or field included ("Tanaka. First of all…")."""
    body = inline_text(block.content)
    match block:
        case Turn(label=label, punctuation=punctuation):
            return f"{label}{punctuation} {body}" if body else f"{label}{punctuation}"
        case Field(label=label, separator=separator):
            if not body:
                return f"{label}{separator}"
            return f"{label}: {body}" if separator == ":" else f"{label} {separator} {body}"
        case _:
            return body


def body_blocks(doc: Document) -> Iterator[tuple[Session, Block]]:
    """Every body block in reading order, with its session."""
    for session in doc.sessions:
        for block in session.blocks:
            yield session, block


def note_refs(content: Iterable[Inline]) -> Iterator[int]:
    for node in content:
        if isinstance(node, NoteRef):
            yield node.number
        elif isinstance(node, Intervention):
            yield from note_refs(node.content)


def interventions(content: Iterable[Inline]) -> Iterator[Intervention]:
    """Every Intervention node in `content`, in reading order."""
    for node in content:
        if isinstance(node, Intervention):
            yield node
            yield from interventions(node.content)


def all_inlines(doc: Document) -> Iterator[Inlines]:
    """Every inline sequence of the document in reading order: title, date line, header, then
    each session's heading and blocks, then the notes' paragraphs."""
    yield doc.header.title
    yield doc.header.dateline
    for block in doc.header.blocks:
        yield block.content
    for session in doc.sessions:
        yield session.heading
        for block in session.blocks:
            yield block.content
    for note in doc.notes:
        yield from note.paragraphs


def map_inlines(doc: Document, fn: Callable[[Inlines], Inlines]) -> Document:
    """Rebuild `doc` with `fn` applied to every inline sequence: header, headings, blocks, notes."""

    def blocks(items: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(replace(b, content=fn(b.content)) for b in items)

    header = replace(
        doc.header,
        title=fn(doc.header.title),
        dateline=fn(doc.header.dateline),
        blocks=blocks(doc.header.blocks),
    )
    sessions = tuple(
        replace(s, heading=fn(s.heading), blocks=blocks(s.blocks)) for s in doc.sessions
    )
    notes = tuple(replace(n, paragraphs=tuple(fn(p) for p in n.paragraphs)) for n in doc.notes)
    return replace(doc, header=header, sessions=sessions, notes=notes)


def speakers(doc: Document) -> tuple[str, ...]:
    """Turn labels as written, each once, in order of first appearance."""
    seen: dict[str, None] = {}
    for _, block in body_blocks(doc):
        if isinstance(block, Turn):
            seen.setdefault(block.label, None)
    return tuple(seen)


__all__ = [
    "Block",
    "Closing",
    "Correction",
    "Document",
    "Editorial",
    "Field",
    "Header",
    "Inline",
    "Inlines",
    "Intervention",
    "Meta",
    "Note",
    "NoteRef",
    "Omission",
    "Paragraph",
    "RuleReport",
    "Session",
    "Subheading",
    "Text",
    "Time",
    "Turn",
    "all_inlines",
    "block_text",
    "body_blocks",
    "inline_text",
    "interventions",
    "map_inlines",
    "note_refs",
    "speakers",
]
