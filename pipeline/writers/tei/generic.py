"""Turn a Document into a TEI P5 file valid against `tei_all`: the generic profile.

    write_generic(doc, ctx) -> bytes

The shape, for a reader who knows TEI:

- `teiHeader`: the title statement (the edition's title, the record's authors, translator and
  compiler); the edition statement with the people who made the errata decisions (each a
  `respStmt` with the xml:id that @resp points to); the publication statement (publisher, the
  edition's identifier, the same as the EPUB's, its date, its licence); the source description
  (the record: title, date, archive, citation, web page; the file it was made from, with its
  SHA-256); the encoding description (the correction policy and one entry per errata decision,
  the normalisation policy and every typography rule with its count, how paragraphs are
  numbered, the classes of silent regularisation); the profile description (summary, date of
  the talks, languages, the speakers as `listPerson`, subjects); the revision description (one
  `change` per day of errata decisions, which @change points to, and the edition's last one).
- `text`: the title line, the date line (`date@when`) and the header fields in `front`; one
  `div type="session"` per session with its `head` (the hours in `time@from/@to`), the
  subheadings as nested `div`s, each speaker's turn as an `sp` (`@who` pointing to
  `listPerson`) with its `speaker` and the turn's paragraphs, paragraphs numbered in `@n` as in
  the editions, omissions as `gap` with the source's "[…]", closing lines in `closer`, notes at
  their call points (`note@n@place`), the source's square brackets as `seg type="editorial"`,
  and every errata decision in its TEI form: `choice`/`sic`/`corr` (emendation),
  `choice`/`orig`/`reg` (silent regularisation, its class in @type and @ana), `supplied`, `sic`
  (an error kept) and `orig` (a reading considered and kept), with @resp and @change when the
  errata entry names who and when.
"""

from __future__ import annotations

import logging

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
    iso_date,
    numbered,
    trailing_closings,
)
from pipeline.writers.tei.elements import (
    Element,
    Ids,
    add_text,
    child,
    document_element,
    element,
    serialise,
    slug,
)
from pipeline.writers.tei.inline import Marks, NotePlacer, Scope, Words, write_inlines
from pipeline.writers.tei.parts import write_dateline, write_heading, write_label, write_omission
from pipeline.writers.tei.plan import Plan, make_plan

log = logging.getLogger(__name__)

# The release of the TEI Guidelines the file is valid against (schemas/tei/tei_all.rng).
TEI_VERSION = "4.12.0"
SCHEMA_URL = (
    f"https://www.tei-c.org/Vault/P5/{TEI_VERSION}/xml/tei/custom/schema/relaxng/tei_all.rng"
)
# An editing program's hint (oXygen, Emacs nXML); nothing here or in the tests fetches it.
XML_MODEL = (
    f'xml-model href="{SCHEMA_URL}" type="application/xml" '
    'schematypens="http://relaxng.org/ns/structure/1.0"'
)


def write_generic(doc: Document, ctx: Context) -> bytes:
    plan = make_plan(doc, _speaker_id, lambda note: note.id or f"note-{note.number}")
    scope = Scope(
        marks=Marks(_editorial, _intervention, {"place": "foot"}),
        corrections=plan.corrections,
        intervention_ids=plan.intervention_ids,
        responsibility=plan.responsibility,
        notes=NotePlacer(doc.notes, plan.note_ids),
    )
    # The text first: the header lists the errata entries with a pointer to each mark written.
    text = _text(doc, plan, scope)
    tei = document_element("TEI")
    tei.set("version", TEI_VERSION)
    tei.append(_header(doc, ctx, plan, scope))
    tei.append(text)
    return serialise(tei, [XML_MODEL])


def _speaker_id(identity: str, ids: Ids) -> str:
    return ids.claim(f"sp-{slug(identity)}", "sp")


# --- marks -----------------------------------------------------------------------------------


def _editorial(parent: Element, text: str) -> None:
    # The brackets are the source's (its editors' or translator's), kept as characters.
    child(parent, "seg", {"type": "editorial"}, f"[{text}]")


def _intervention(
    parent: Element, node: Intervention, correction: Correction, scope: Scope, words: Words
) -> None:
    attrs = {"xml:id": scope.mark_id(correction)}
    decision = scope.decision(correction)
    match node.kind:
        case "emend":
            choice = child(parent, "choice", attrs)
            child(choice, "sic", text=correction.source_reading)
            words(child(choice, "corr", decision))
        case "regularise":
            choice = child(parent, "choice", attrs)
            child(choice, "orig", text=correction.source_reading)
            category = slug(correction.category)
            reg = {"type": category, "ana": f"#reg-{category}" if category else "", **decision}
            words(child(choice, "reg", reg))
        case "supply":
            words(child(parent, "supplied", {**attrs, **decision}))
        case "sic":
            words(child(parent, "sic", {**attrs, **decision}))
        case _:  # "keep": the source's reading, considered and kept
            words(child(parent, "orig", {**attrs, **decision}))


# --- the header ------------------------------------------------------------------------------


def _header(doc: Document, ctx: Context, plan: Plan, scope: Scope) -> Element:
    header = element("teiHeader", {"xml:lang": "en"})
    file_desc = child(header, "fileDesc")
    _title_statement(file_desc, doc)
    _edition_statement(file_desc, doc, plan)
    _publication_statement(file_desc, doc)
    _source_description(file_desc, doc, ctx)
    _encoding_description(header, doc, scope)
    _profile_description(header, doc, plan)
    _revision_description(header, doc, plan)
    return header


def _title_statement(parent: Element, doc: Document) -> None:
    meta = doc.meta
    statement = child(parent, "titleStmt")
    child(statement, "title", {"type": "main"}, meta.title or inline_text(doc.header.title))
    if meta.subtitle:
        child(statement, "title", {"type": "sub"}, meta.subtitle)
    for author in meta.authors:
        child(statement, "author", text=author)
    if meta.issuing_body:
        child(child(statement, "author"), "orgName", text=meta.issuing_body)
    for resp, name in (("translated by", meta.translator), ("compiled by", meta.compiler)):
        if name:
            _resp(statement, resp, name)


def _resp(parent: Element, resp: str, name: str, xml_id: str = "") -> None:
    statement = child(parent, "respStmt", {"xml:id": xml_id})
    child(statement, "resp", text=resp)
    child(statement, "name", text=name)


def _edition_statement(parent: Element, doc: Document, plan: Plan) -> None:
    statement = child(parent, "editionStmt")
    edition = child(
        statement,
        "edition",
        text="Electronic edition in TEI P5, of the same text as the print (PDF) and ebook "
        "(EPUB) editions",
    )
    published = iso_date(doc.meta.published or doc.meta.modified)
    if published:
        add_text(edition, ", ")
        child(edition, "date", {"when": published}, published)
    if doc.meta.editor:
        _resp(statement, "edited by", doc.meta.editor)
    for by, xml_id in plan.responsibility.people.items():
        _resp(statement, "editorial decisions declared in the errata", by, xml_id)


def _publication_statement(parent: Element, doc: Document) -> None:
    meta = doc.meta
    statement = child(parent, "publicationStmt")
    # An unnamed publisher stays unnamed: the element says only that there is one.
    child(statement, "publisher", text=meta.publisher)
    child(statement, "idno", {"type": "URI"}, epub_identifier(meta))
    published = iso_date(meta.published or meta.modified)
    if published:
        child(statement, "date", {"when": published}, published)
    if meta.rights:
        child(child(statement, "availability"), "licence", text=meta.rights)


def _source_description(parent: Element, doc: Document, ctx: Context) -> None:
    meta = doc.meta
    description = child(parent, "sourceDesc")
    record = child(description, "bibl", {"type": "record"})
    child(record, "title", text=meta.source_title or inline_text(doc.header.title))
    when = iso_date(meta.date)
    if when or meta.dateline:
        child(record, "date", {"when": when}, meta.dateline or when)
    for kind, value in (("archive", meta.archive), ("citation", meta.citation)):
        if value:
            child(record, "note", {"type": kind}, value)
    if meta.source_url:
        child(record, "ref", {"target": meta.source_url}, meta.source_url)
    transcription = child(description, "bibl", {"type": "transcription"})
    child(transcription, "title", text=ctx.source.name)
    child(
        transcription,
        "note",
        text="The plain-text export (Apache Tika) of the record's Word file that this edition "
        "was made from, as received.",
    )
    if doc.source_sha256:
        child(transcription, "idno", {"type": "SHA-256"}, doc.source_sha256)


def _encoding_description(parent: Element, doc: Document, scope: Scope) -> None:
    # The editions' sentence on brackets speaks of their ⟨ ⟩; the file's own says what it does.
    what_was_done, _, typography, numbering = policy_paragraphs(doc)
    description = child(parent, "encodingDesc")
    decl = child(description, "editorialDecl")
    correction = child(decl, "correction", {"method": "markup"})
    child(correction, "p", text=what_was_done)
    child(correction, "p", text=_markup_sentence(doc))
    child(correction, "p", text=_brackets_sentence(doc))
    for entry in doc.corrections:
        attrs = {"n": entry.id, "corresp": scope.mark_pointer(entry)}
        child(correction, "p", attrs, entry_sentence(doc, entry))
    normalization = child(decl, "normalization", {"method": "silent"})
    child(normalization, "p", text=typography)
    if doc.typography:
        counted = child(
            normalization,
            "p",
            text="The house typography rules, with how often each changed this text:",
        )
        rules = child(counted, "list", {"type": "typography"})
        for rule in doc.typography:
            child(rules, "item", {"n": rule.name}, f"{rule.name}: {rule.why} ({rule.count})")
    refs = child(description, "refsDecl")
    child(refs, "p", text=f"{numbering} The number of a paragraph is its @n.")
    if doc.regularisation_classes:
        taxonomy = child(child(description, "classDecl"), "taxonomy", {"xml:id": "regularisation"})
        child(taxonomy, "desc", text="Classes of silent regularisation (reg@type, reg@ana).")
        for name, description_text in doc.regularisation_classes:
            category = child(taxonomy, "category", {"xml:id": f"reg-{slug(name)}", "n": name})
            child(category, "catDesc", text=description_text)


_MARKUP = (
    ("emend", "an emendation as choice, the source’s reading in sic and the edition’s in corr"),
    ("regularise", "a silent regularisation as choice, orig and reg (its class in @type)"),
    ("supply", "words the editors supply as supplied (the editions print them in ⟨ ⟩)"),
    ("sic", "an error kept as the source has it as sic (the editions add ⟨sic⟩)"),
    ("keep", "a reading considered and kept as the source has it as orig"),
)


def _brackets_sentence(doc: Document) -> str:
    sentence = (
        "Square brackets and […] are the source’s or its editors’, kept as characters in "
        'seg type="editorial"'
    )
    if any(c.kind in ("supply", "sic") for c in doc.corrections):
        sentence += "; the editors’ own words are not bracketed but marked (supplied, sic)"
    return sentence + "."


def _markup_sentence(doc: Document) -> str:
    kinds = {c.kind for c in doc.corrections}
    used = [phrase for kind, phrase in _MARKUP if kind in kinds]
    if not used:
        return "No intervention is marked in the text: there is none."
    return (
        "In the text each intervention is marked where it stands: "
        + "; ".join(used)
        + ". Its @resp points to who decided it and its @change to the day, when the errata "
        "entry gives them; the entries follow, each pointing to its mark (@corresp)."
    )


def _profile_description(parent: Element, doc: Document, plan: Plan) -> None:
    meta = doc.meta
    description = child(parent, "profileDesc")
    if meta.description:
        child(child(description, "abstract"), "p", text=meta.description)
    when = iso_date(meta.date)
    if when:
        child(child(description, "creation"), "date", {"when": when}, meta.dateline or when)
    used = [(meta.language, "the edition’s text")]
    if meta.original_language and meta.original_language != meta.language:
        used.append((meta.original_language, "the language the record was made in"))
    used = [(tag, what) for tag, what in used if tag]  # @ident is required: no tag, no entry
    if used:
        languages = child(description, "langUsage")
        for tag, what in used:
            child(languages, "language", {"ident": tag}, what)
    if plan.speakers:
        people = child(child(description, "particDesc"), "listPerson")
        for speaker in plan.speakers.values():
            person = child(people, "person", {"xml:id": speaker.id})
            child(person, "persName", text=speaker.identity)
            for label in speaker.labels:
                if label != speaker.identity:
                    child(person, "persName", {"type": "label"}, label)
    if meta.subjects:
        keywords = child(child(description, "textClass"), "keywords")
        for subject in meta.subjects:
            child(keywords, "term", text=subject)


def _revision_description(parent: Element, doc: Document, plan: Plan) -> None:
    days = plan.responsibility.days
    modified = iso_date(doc.meta.modified)
    if not days and not modified:
        return
    description = child(parent, "revisionDesc")
    for day, xml_id in days.items():
        entries = [c for c in doc.corrections if iso_date(c.date) == day]
        who = " ".join(dict.fromkeys(plan.responsibility.resp(c) for c in entries if c.by))
        change = child(description, "change", {"xml:id": xml_id, "when": day, "who": who})
        add_text(change, "Errata decisions: " + ", ".join(c.id for c in entries) + ".")
    if modified:
        child(description, "change", {"when": modified}, "Last change to this edition.")


# --- the text --------------------------------------------------------------------------------


def _text(doc: Document, plan: Plan, scope: Scope) -> Element:
    text = element("text", {"xml:lang": doc.meta.language})
    front = child(text, "front")
    title = child(child(child(front, "titlePage"), "docTitle"), "titlePart", {"type": "main"})
    write_inlines(title, doc.header.title, scope)
    if doc.header.dateline:
        write_dateline(child(front, "dateline"), doc, scope, {})
    if doc.header.blocks:
        fields = child(front, "div", {"type": "header"})
        for block in doc.header.blocks:
            _header_block(fields, block, plan, scope)
    body = child(text, "body")
    for number, session in enumerate(doc.sessions, start=1):
        _session(body, session, number, plan, scope)
    if not doc.sessions:
        child(body, "div", {"type": "session"})
    unplaced = scope.notes.unplaced()
    if unplaced:
        notes = child(child(text, "back"), "div", {"type": "notes"})
        for note in unplaced:
            log.warning("note %d is never called; written in the back matter", note.number)
            scope.notes.call(notes, note.number, scope, inside_note=False)
    return text


def _header_block(parent: Element, block: Block, plan: Plan, scope: Scope) -> None:
    if isinstance(block, Field):
        paragraph = child(parent, "p", {"xml:id": plan.ids.claim(block.id, "h")})
        _field(paragraph, block, scope)
    else:
        _plain_block(parent, block, "", plan, scope)


def _field(parent: Element, field: Field, scope: Scope) -> None:
    """ "Subject: …", "From the Soviet side – …", "Participants:": the label, the source's own
    separator, the value (as `block_text` spells a field)."""
    write_label(child(parent, "label"), field.label, field.label_corrections, scope)
    if not field.content:
        add_text(parent, field.separator)
        return
    add_text(parent, ": " if field.separator == ":" else f" {field.separator} ")
    write_inlines(parent, field.content, scope)


def _session(body: Element, session: Session, number: int, plan: Plan, scope: Scope) -> None:
    xml_id = plan.ids.claim(session.id, "s")
    div = child(body, "div", {"type": "session", "n": str(number), "xml:id": xml_id})
    if session.heading:
        write_heading(child(div, "head"), session, scope)
    _blocks(div, session.blocks, plan, scope)


def _blocks(div: Element, blocks: tuple[Block, ...], plan: Plan, scope: Scope) -> None:
    """The session's blocks: a subheading opens a nested division; a turn opens an `sp` that
    the speaker's next paragraphs join; closing lines at the end go into a `closer`."""
    container, speech = div, None
    speaking: Turn | Paragraph | None = None
    closers = len(blocks) - trailing_closings(blocks)
    for index, (block, n) in enumerate(numbered(blocks)):
        match block:
            case Subheading():
                xml_id = plan.ids.claim(block.id, "sub")
                container = child(div, "div", {"type": "subsection", "xml:id": xml_id})
                write_inlines(child(container, "head"), block.content, scope)
                speech = speaking = None
            case Turn():
                speech, speaking = _speech(container, _identity(block), plan), block
                label = child(speech, "speaker")
                write_label(label, block.label, block.label_corrections, scope)
                add_text(label, block.punctuation)
                _paragraph(speech, block, n, plan, scope)
            case Paragraph(speaker=speaker) if speaker:
                if speech is None or speaking is None or _identity(speaking) != speaker:
                    speech, speaking = _speech(container, speaker, plan), block
                _paragraph(speech, block, n, plan, scope)
            case Closing() if index >= closers:
                xml_id = plan.ids.claim(block.id, "p")
                write_inlines(
                    child(container, "closer", {"n": n, "xml:id": xml_id}), block.content, scope
                )
                speech = speaking = None
            case _:
                _plain_block(container, block, n, plan, scope)
                speech = speaking = None


def _identity(block: Turn | Paragraph) -> str:
    if isinstance(block, Turn):
        return block.speaker or block.label
    return block.speaker or ""


def _speech(parent: Element, identity: str, plan: Plan) -> Element:
    speaker = plan.speakers.get(identity)
    return child(parent, "sp", {"who": f"#{speaker.id}" if speaker else ""})


def _paragraph(parent: Element, block: Block, n: str, plan: Plan, scope: Scope) -> None:
    paragraph = child(parent, "p", {"n": n, "xml:id": plan.ids.claim(block.id, "p")})
    write_inlines(paragraph, block.content, scope)


def _plain_block(parent: Element, block: Block, n: str, plan: Plan, scope: Scope) -> None:
    paragraph = child(parent, "p", {"n": n, "xml:id": plan.ids.claim(block.id, "p")})
    if isinstance(block, Omission):
        write_omission(paragraph, block, scope)
    elif isinstance(block, Field):
        _field(paragraph, block, scope)
    else:
        write_inlines(paragraph, block.content, scope)
