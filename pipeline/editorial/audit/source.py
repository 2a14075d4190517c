"""Turn a source and its model (as read, and finished) into step 1 of the audit: source → model.

The source after junk removal (`clean_line`, note markers stripped) is aligned word by word with
the model as read (errata applied, no typography); the only differences allowed are the errata
entries, re-applied here from their recorded line and column. Each entry's lemma (`reading`)
must be the words its node holds, and its place (`block_id`, `paragraph`) the block that holds
them. Then the model as read is compared with the finished model run by run: every change must
be one the typography rules make there (typography.py).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence

from pipeline.editorial.audit.report import AuditReport, Tally
from pipeline.editorial.audit.typography import check_typography
from pipeline.editorial.audit.units import inline_pieces, model_units
from pipeline.editorial.audit.words import Word, context, split_words, what_changed, where
from pipeline.model import (
    Correction,
    Document,
    Field,
    Intervention,
    Note,
    Session,
    Turn,
    inline_text,
    interventions,
)
from pipeline.stages.clean import NOTE_BODY_TOKEN, NOTE_REF_TOKEN, clean_line
from pipeline.stages.numbering import COUNTED


def strip_tokens(line: str) -> str:
    line = NOTE_REF_TOKEN.sub("", line)
    return NOTE_BODY_TOKEN.sub("", line)


def _corrected_lines(
    raw_lines: list[str], corrections: Sequence[Correction], name: str, tally: Tally
) -> dict[int, list[Correction]]:
    """Check each correction against the raw source at its line and column; return the valid
    ones by line. A correction that does not stand where it says is a problem."""
    by_line: dict[int, list[Correction]] = {}
    for c in corrections:
        line = raw_lines[c.line - 1] if 0 < c.line <= len(raw_lines) else ""
        at = c.column - 1
        if line[at : at + len(c.find)] != c.find:
            tally.problem(
                f"errata entry {c.id!r} does not stand where the model says",
                f"{name}:{c.line}:{c.column}",
                "model",
                repr(c.find),
                repr(line[at : at + len(c.find)]),
            )
            continue
        by_line.setdefault(c.line, []).append(c)
    return by_line


def source_words(
    source_text: str, corrections: Sequence[Correction], name: str, tally: Tally
) -> tuple[list[Word], list[Word]]:
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
        text = strip_tokens(clean_line(raw))
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
            start = c.column - 1
            fixed = fixed[:start] + c.replace + fixed[start + len(c.find) :]
        after = re.findall(r"\S+", strip_tokens(clean_line(fixed)))
        matcher = difflib.SequenceMatcher(None, [w.text for w in words], after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                corrected.extend(words[i1:i2])
                continue
            # The entry whose `find` covers these words; on a line with one entry, that one.
            here = " ".join(w.text for w in words[i1:i2])
            entry = next((c for c in fixes if here and here in clean_line(c.find)), fixes[0])
            at = words[i1].where if i1 < i2 else f"{name}:{number}:{entry.column}"
            corrected.extend(
                Word(text, at, generated=f"errata: {entry.id}") for text in after[j1:j2]
            )
            tally.add(f"errata: {entry.id} ({entry.reason})")
    return as_read, corrected


def dateline_line(source_text: str, doc: Document) -> int:
    """The source line of the date line: the model keeps the title's line only."""
    wanted = re.findall(
        r"\S+", "".join(p.text for p in inline_pieces(doc.header.dateline) if p.role != "call")
    )
    for number, raw in enumerate(source_text.split("\n"), start=1):
        if number > doc.header.line and re.findall(r"\S+", strip_tokens(clean_line(raw))) == wanted:
            return number
    return doc.header.line


# --- each entry's lemma and place ---------------------------------------------------------------


def _holders(doc: Document) -> Iterator[tuple[str, object, Intervention | None]]:
    """(correction id, the block, heading, title or note holding its words, the node) for
    every node of the tree and every label correction (which has no node)."""
    header = doc.header
    for content in (header.title, header.dateline):
        for node in interventions(content):
            yield node.correction, "title", node
    blocks = [*header.blocks, *(b for s in doc.sessions for b in s.blocks)]
    for block in blocks:
        if isinstance(block, Turn | Field):
            for correction in block.label_corrections:
                yield correction, block, None
        for node in interventions(block.content):
            yield node.correction, block, node
    for session in doc.sessions:
        for node in interventions(session.heading):
            yield node.correction, session, node
    for note in doc.notes:
        for paragraph in note.paragraphs:
            for node in interventions(paragraph):
                yield node.correction, note, node


def _bare(text: str) -> str:
    return " ".join(strip_tokens(clean_line(text)).split())


def _place(holder: object, in_label: bool) -> tuple[str, int, int, bool]:
    """(block id, paragraph number, note number, in a label) of the element holding words."""
    match holder:
        case str():
            return holder, 0, 0, False
        case Note(id=id_, number=number):
            return id_, 0, number, False
        case Session(id=id_):
            return id_, 0, 0, False
        case _:
            number = holder.number if isinstance(holder, COUNTED) else 0
            return getattr(holder, "id", ""), number, 0, in_label


def check_lemmas(doc_read: Document, doc_final: Document, name: str, tally: Tally) -> None:
    """Each entry's words are in the tree once, as its `reading` says, where its place says."""
    held: dict[str, list[tuple[object, Intervention | None]]] = {}
    for correction, holder, node in _holders(doc_read):
        held.setdefault(correction, []).append((holder, node))
    for c in doc_final.corrections:
        places = held.get(c.id, [])
        source = f"{name}:{c.line}:{c.column}"
        if len(places) > 1:
            tally.problem(
                f"errata entry {c.id!r} marks words in more than one place",
                source,
                "model",
                "one place",
                f"{len(places)} places",
            )
            continue
        if not places:
            continue  # an entry that changed only export markup (a note's bookmark) has no words
        holder, node = places[0]
        if node is not None:
            words = " ".join(inline_text(node.content).split())
            if words != _bare(c.reading):
                tally.problem(
                    f"errata entry {c.id!r}: its reading is not the words it marks",
                    source,
                    "model",
                    repr(_bare(c.reading)),
                    repr(words),
                )
        expected = _place(holder, node is None)
        recorded = (c.block_id, c.paragraph, c.note_number, c.in_label)
        if recorded != expected:
            tally.problem(
                f"errata entry {c.id!r} is placed elsewhere than its words",
                source,
                "model",
                _show_place(expected),
                _show_place(recorded),
            )


def _show_place(place: tuple[str, int, int, bool]) -> str:
    block_id, paragraph, note, in_label = place
    return f"block {block_id!r}, ¶ {paragraph}, note {note}" + (
        ", in the label" if in_label else ""
    )


# --- step 1 -------------------------------------------------------------------------------------


def audit_source(
    doc_read: Document, doc_final: Document, source_text: str, source_name: str = "source.txt"
) -> AuditReport:
    """Step 1: every difference between the source (junk removed) and the finished model is an
    errata entry or a typography rule. `source_text` is the decoded source, junk included."""
    tally = Tally()
    as_read, corrected = source_words(source_text, doc_final.corrections, source_name, tally)
    dateline = dateline_line(source_text, doc_read)
    model: list[Word] = []
    for unit in model_units(doc_read, dateline, marks=False):
        pieces = [p for p in unit.pieces if p.role != "call"]
        model.extend(split_words(pieces, f"{source_name}:{unit.line}"))
    matcher = difflib.SequenceMatcher(
        None, [w.text for w in corrected], [w.text for w in model], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        tally.problem(
            what_changed(tag, "model", corrected[i1:i2], model[j1:j2]),
            where(corrected, i1, i2),
            f"model, {where(model, j1, j2)}",
            context(corrected, i1, i2),
            context(model, j1, j2),
        )
    check_lemmas(doc_read, doc_final, source_name, tally)
    counts = check_typography(doc_read, doc_final, source_name, tally)
    recorded = {rule.name: rule.count for rule in doc_final.typography}
    for rule, count in counts.items():
        if rule in recorded and recorded[rule] != count:
            tally.problem(
                f"typography rule {rule!r}: the finished model records another count",
                source_name,
                "model (typography report)",
                f"{count} (the rules applied to the text as read)",
                f"{recorded[rule]}",
            )
    checked = (
        f"source → model: {len(as_read)} words of {source_name} (junk removed) against the"
        f" model; errata and typography"
    )
    return tally.report(checked, len(as_read))
