"""Turn a Document into a TEI file shaped as the Office of the Historian encodes a FRUS document,
valid against their schema (`schemas/frus/frus.rnc`): the FRUS profile.

    write_frus(doc, ctx) -> bytes

Read against `frus1969-76v22.xml` document d40 (the bundled Panama memorandum):

- the record is one `div type="document" subtype="historical-document"` (`xml:id="d1"`, `n`),
  its `head` the title line, an `opener` with the `dateline` (`placeName`, `date@when` with
  FRUS's `@type` and `@calendar`), then FRUS's `list type="subject"` and
  `list type="participants"` for the header fields (their groups as items);
- each session with a heading is a `div type="section"` with its `head`, its hours in `time`;
  a subheading is a centred paragraph (`p rend="center"`), as FRUS prints "I. BACKGROUND";
- a speaker's label is a `persName` whose @corresp points to the list of persons in `front`
  (`div type="section" subtype="index" xml:id="persons"`, `list type="names"`), inside the `p`
  of the turn, followed by the label's own punctuation;
- notes stand at their call points, numbered and identified as FRUS does ("d1fn2");
- the source's square brackets are plain text, as in FRUS.

FRUS's schema has neither `choice`, `sic`, `corr`, `reg`, `orig`, `supplied`, `sp` nor
`speaker`: the text gives the edition's readings, each errata decision's place is a
`seg type="intervention"` (`@subtype` its kind, an `anchor` for a deletion), and every decision
is listed in `editorialDecl/correction`, one paragraph each pointing to its place (@corresp).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pipeline.context import Context
from pipeline.model import (
    Block,
    Closing,
    Correction,
    Document,
    Field,
    Intervention,
    Omission,
    Paragraph,
    Session,
    Subheading,
    Turn,
    inline_text,
)
from pipeline.writers.editorial import policy_paragraphs
from pipeline.writers.shared import epub_identifier
from pipeline.writers.tei.common import (
    entry_sentence,
    frus_person_id,
    iso_date,
    numbered,
    trailing_closings,
)
from pipeline.writers.tei.elements import (
    FRUS_NS,
    Element,
    add_text,
    child,
    document_element,
    element,
    serialise,
)
from pipeline.writers.tei.inline import Marks, NotePlacer, Scope, Words, write_inlines
from pipeline.writers.tei.parts import write_dateline, write_heading, write_label, write_omission
from pipeline.writers.tei.plan import Plan, make_plan

log = logging.getLogger(__name__)

DOCUMENT_ID = "d1"
# FRUS's @type and @calendar on the date of a memorandum of conversation (frus.rnc, `date`).
MEETING_DATE = {"type": "conversation-or-meeting-date", "calendar": "gregorian"}


@dataclass(frozen=True, slots=True)
class ListType:
    """A header caption FRUS encodes as a typed list (frus.rnc, `list/@type`)."""

    type: str
    labels: tuple[str, ...]  # the captions, lower case, without their ":"
    why: str


LIST_TYPES = (
    ListType("subject", ("subject", "subjects"), "FRUS memoranda give their subject so (d40)"),
    ListType(
        "participants",
        ("participants", "participant", "present", "attendees"),
        "FRUS memoranda list who took part so, one group per item (d40)",
    ),
    ListType("from", ("from",), "FRUS lists a document's senders so"),
    ListType("to", ("to",), "FRUS lists a document's recipients so"),
)


def list_type(label: str) -> str:
    key = label.strip().lower()
    return next((t.type for t in LIST_TYPES if key in t.labels), "")


def write_frus(doc: Document, ctx: Context) -> bytes:
    plan = make_plan(doc, frus_person_id, lambda note: f"{DOCUMENT_ID}fn{note.number}")
    scope = Scope(
        marks=Marks(_editorial, _intervention),
        corrections=plan.corrections,
        intervention_ids=plan.intervention_ids,
        responsibility=plan.responsibility,
        notes=NotePlacer(doc.notes, plan.note_ids),
    )
    text = _text(doc, plan, scope)
    tei = document_element("TEI", {"frus": FRUS_NS})
    tei.append(_header(doc, ctx, plan, scope))
    tei.append(text)
    return serialise(tei)


# --- marks -----------------------------------------------------------------------------------


def _editorial(parent: Element, text: str) -> None:
    add_text(parent, f"[{text}]")  # FRUS keeps a source's brackets as text


def _intervention(
    parent: Element, node: Intervention, correction: Correction, scope: Scope, words: Words
) -> None:
    attrs = {
        "type": "intervention",
        "subtype": node.kind,
        "xml:id": scope.mark_id(correction),
        "resp": scope.responsibility.resp(correction),
    }
    if node.content:
        words(child(parent, "seg", attrs))
    else:
        child(parent, "anchor", attrs)  # a deletion: the place where the words were


# --- the header ------------------------------------------------------------------------------


def _header(doc: Document, ctx: Context, plan: Plan, scope: Scope) -> Element:
    meta = doc.meta
    header = element("teiHeader")
    file_desc = child(header, "fileDesc")
    titles = child(file_desc, "titleStmt")
    child(titles, "title", {"type": "complete"}, meta.title or inline_text(doc.header.title))
    if meta.subtitle:
        child(titles, "title", {"type": "sub"}, meta.subtitle)
    for role, name in (
        ("compiler", meta.compiler),
        ("translator", meta.translator),
        ("editor", meta.editor),
    ):
        if name:
            child(titles, "editor", {"role": role}, name)
    for by, xml_id in plan.responsibility.people.items():
        child(titles, "editor", {"role": "errata", "xml:id": xml_id}, by)
    publication = child(file_desc, "publicationStmt")
    child(publication, "publisher", text=meta.publisher)
    published = iso_date(meta.published or meta.modified)
    if published:
        attrs = {"type": "publication-date", "calendar": "gregorian", "when": published}
        child(publication, "date", attrs, published)
    child(publication, "idno", {"type": "URI"}, epub_identifier(meta))
    if meta.rights:
        child(child(file_desc, "notesStmt"), "note", text=meta.rights)
    _source_description(file_desc, doc, ctx)
    _encoding_description(header, doc, scope)
    if meta.subjects:
        keywords = child(child(child(header, "profileDesc"), "textClass"), "keywords")
        for subject in meta.subjects:
            child(keywords, "term", text=subject)
    return header


def _source_description(parent: Element, doc: Document, ctx: Context) -> None:
    meta = doc.meta
    description = child(parent, "sourceDesc")
    record = child(description, "bibl")
    child(record, "title", text=meta.source_title or inline_text(doc.header.title))
    when = iso_date(meta.date)
    if when:
        add_text(record, ", ")
        child(record, "date", {"when": when, **MEETING_DATE}, meta.dateline or when)
    add_text(record, ".")
    for value in (meta.archive, meta.citation):
        if value:
            add_text(record, f" {value.rstrip('.')}.")
    if meta.source_url:
        add_text(record, " ")
        child(record, "ref", {"target": meta.source_url}, meta.source_url)
    transcription = child(description, "bibl")
    child(transcription, "title", text=ctx.source.name)
    add_text(
        transcription,
        ": the plain-text export (Apache Tika) of the record's Word file that this edition was "
        "made from, as received; SHA-256 ",
    )
    child(transcription, "idno", {"type": "SHA-256"}, doc.source_sha256)


BRACKETS = (
    "Square brackets and […] are the source’s or its editors’, kept as characters as FRUS keeps "
    'them; the editors’ own words are not bracketed but marked (seg type="intervention").'
)
_MARKUP = (
    "FRUS’s schema has no choice, sic, corr, reg, orig or supplied: the text gives the "
    'edition’s readings, the place of each decision is a seg type="intervention" (its kind '
    "in @subtype: emend, regularise, supply, sic, keep; an anchor for a deletion), and each "
    "decision is listed here, pointing to its place (@corresp)."
)


def _encoding_description(parent: Element, doc: Document, scope: Scope) -> None:
    # The editions' sentence on brackets speaks of their ⟨ ⟩; the file's own says what it does.
    what_was_done, _, typography, numbering = policy_paragraphs(doc)
    decl = child(child(parent, "encodingDesc"), "editorialDecl")
    correction = child(decl, "correction", {"method": "silent"})
    child(correction, "p", text=what_was_done)
    if doc.corrections:
        child(correction, "p", text=_MARKUP)
    for entry in doc.corrections:
        attrs = {"n": entry.id, "corresp": scope.mark_pointer(entry)}
        paragraph = child(correction, "p", attrs, entry_sentence(doc, entry))
        day = iso_date(entry.date)
        if day:
            add_text(paragraph, " ")
            child(paragraph, "date", {"when": day}, day)
    child(decl, "p", text=BRACKETS)
    counted = child(decl, "p", text=typography)
    if doc.typography:
        add_text(counted, " The house rules, with their counts:")
        rules = child(counted, "list")
        for rule in doc.typography:
            child(rules, "item", {"n": rule.name}, f"{rule.name}: {rule.why} ({rule.count})")
    child(decl, "p", text=f"{numbering} The number of a paragraph is its @n.")


# --- the text --------------------------------------------------------------------------------


def _text(doc: Document, plan: Plan, scope: Scope) -> Element:
    text = element("text", {"xml:lang": doc.meta.language})
    if plan.speakers:
        _persons(child(text, "front"), plan)
    body = child(text, "body")
    document = child(
        body,
        "div",
        {
            "type": "document",
            "n": "1",
            "xml:id": plan.ids.claim(DOCUMENT_ID, "d"),
            "subtype": "historical-document",
        },
    )
    write_inlines(child(document, "head"), doc.header.title, scope)
    if doc.header.dateline:
        dateline = child(child(document, "opener"), "dateline")
        write_dateline(dateline, doc, scope, MEETING_DATE)
    _header_fields(document, doc.header.blocks, plan, scope)
    for session in doc.sessions:
        _session(document, session, plan, scope)
    unplaced = scope.notes.unplaced()
    if unplaced:
        paragraph = child(child(text, "back"), "p")
        for note in unplaced:
            log.warning("note %d is never called; written in the back matter", note.number)
            scope.notes.call(paragraph, note.number, scope, inside_note=False)
    return text


def _persons(front: Element, plan: Plan) -> None:
    """FRUS's list of persons (front matter), here the speakers, each with the labels the
    record gives them; the speakers' persName@corresp points to these."""
    xml_id = plan.ids.claim("persons", "persons")
    section = child(front, "div", {"type": "section", "subtype": "index", "xml:id": xml_id})
    child(section, "head", text="Persons")
    names = child(section, "list", {"type": "names"})
    for speaker in plan.speakers.values():
        item = child(names, "item")
        child(
            child(item, "hi", {"rend": "strong"}),
            "persName",
            {"xml:id": speaker.id},
            speaker.identity,
        )
        labels = [label for label in speaker.labels if label != speaker.identity]
        if labels:
            add_text(item, ", labelled in the record " + "; ".join(f"“{x}”" for x in labels))


def _header_fields(parent: Element, blocks: tuple[Block, ...], plan: Plan, scope: Scope) -> None:
    """A caption ("Participants:") and the fields after it are one list, each field an item;
    a field with its own value ("Subject: …") is a list of one item; anything else a `p`."""
    group: Element | None = None
    for block in blocks:
        if isinstance(block, Field) and list_type(block.label) and block.content:
            group = None  # "Subject: …" after a caption's fields is a list of its own
        if isinstance(block, Field) and not block.content:
            group = child(parent, "list", {"type": list_type(block.label)})
            head = child(group, "head")
            write_label(head, block.label, block.label_corrections, scope)
            add_text(head, block.separator)
        elif isinstance(block, Field) and group is not None:
            _field_item(group, block, scope)
        elif isinstance(block, Field):
            single = child(parent, "list", {"type": list_type(block.label)})
            head = child(single, "head")
            write_label(head, block.label, block.label_corrections, scope)
            add_text(head, ":" if block.separator == ":" else f" {block.separator}")
            write_inlines(child(single, "item"), block.content, scope)
        else:
            group = None
            _plain(parent, block, "", plan, scope)


def _field_item(group: Element, field: Field, scope: Scope) -> None:
    item = child(group, "item")
    write_label(child(item, "label"), field.label, field.label_corrections, scope)
    add_text(item, ": " if field.separator == ":" else f" {field.separator} ")
    write_inlines(item, field.content, scope)


def _session(document: Element, session: Session, plan: Plan, scope: Scope) -> None:
    """A titled session is a section of the document; text before the first heading stands in
    the document itself (it always comes first)."""
    container = document
    if session.heading:
        xml_id = plan.ids.claim(f"{DOCUMENT_ID}{session.id}", "s")
        container = child(
            document, "div", {"type": "section", "subtype": "section", "xml:id": xml_id}
        )
        write_heading(child(container, "head"), session, scope)
    closers = len(session.blocks) - trailing_closings(session.blocks)
    for index, (block, n) in enumerate(numbered(session.blocks)):
        if isinstance(block, Closing) and index >= closers:
            write_inlines(child(container, "closer", {"n": n}), block.content, scope)
        else:
            _plain(container, block, n, plan, scope)


def _speaker_label(paragraph: Element, turn: Turn, plan: Plan, scope: Scope) -> None:
    """ "Foreign Minister <persName corresp="#p_T_1">Tack</persName>", as FRUS tags the name in
    a label and leaves the title outside; the whole label when it does not end in the name
    or when an errata entry corrected it."""
    identity = turn.speaker or turn.label
    speaker = plan.speakers.get(identity)
    attrs = {"corresp": f"#{speaker.id}" if speaker else ""}
    at = turn.label.rfind(identity)
    if turn.label_corrections or at < 0 or at + len(identity) != len(turn.label):
        write_label(child(paragraph, "persName", attrs), turn.label, turn.label_corrections, scope)
        return
    add_text(paragraph, turn.label[:at])
    child(paragraph, "persName", attrs, identity)


def _plain(parent: Element, block: Block, n: str, plan: Plan, scope: Scope) -> None:
    match block:
        case Turn():
            paragraph = child(parent, "p", {"n": n})
            _speaker_label(paragraph, block, plan, scope)
            add_text(paragraph, f"{block.punctuation} ")
            write_inlines(paragraph, block.content, scope)
        case Subheading():
            write_inlines(child(parent, "p", {"rend": "center"}), block.content, scope)
        case Omission():
            write_omission(child(parent, "p", {"n": n}), block, scope)
        case Field():
            paragraph = child(parent, "p", {"n": n})
            write_label(child(paragraph, "label"), block.label, block.label_corrections, scope)
            add_text(paragraph, ": " if block.separator == ":" else f" {block.separator} ")
            write_inlines(paragraph, block.content, scope)
        case Paragraph() | Closing():
            write_inlines(child(parent, "p", {"n": n}), block.content, scope)
