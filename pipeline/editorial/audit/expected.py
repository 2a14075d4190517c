"""Turn the finished model into the words a writer must print, and align them with a rendering.

Step 2 of the audit (model → rendered) compares these words with the text extracted from a
built file. Generated elements are words of their own with their cause (`generated`): the
edition title in place of the source's title line, a session's hours, note markers. The
alignment is case-insensitive, so that a change of letter case is seen as one (and judged
by caps.py) rather than as a lost word and an inserted one.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.editorial.audit.caps import CaseTolerance, calibrate
from pipeline.editorial.audit.report import Tally
from pipeline.editorial.audit.source import dateline_line
from pipeline.editorial.audit.units import model_units
from pipeline.editorial.audit.words import Piece, Word, context, split_words, what_changed, where
from pipeline.model import Document
from pipeline.rules.typography import EN_DASH


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
    doc: Document,
    source_text: str = "",
    source_name: str = "source.txt",
    *,
    keep_no_break: bool = False,
    hours: str = "({})",
) -> Expected:
    """The words a writer must print, from the finished model, with their source lines.

    A session heading whose hours the parser took out gets them back, as both writers print
    them: after the heading in parentheses in print (pipeline/writers/pdf.py `session_label`),
    on a line of their own in the ebook (`hours="{}"`). Those words are generated.
    `keep_no_break`: no-break spaces join words (the ebook's text); else they are spaces.
    """
    dateline = dateline_line(source_text, doc) if source_text else doc.header.line
    body: list[Word] = []
    notes: dict[int, list[Word]] = {}
    title: list[Word] = []
    labels: list[str] = []
    sessions = {s.line: s for s in doc.sessions if s.heading}

    def words(pieces: Sequence[Piece], at: str, generated: str = "", block: str = "") -> list[Word]:
        return split_words(pieces, at, generated, keep_no_break=keep_no_break, block=block)

    for unit in model_units(doc, dateline):
        at = f"{source_name}:{unit.line}"
        found = words(unit.pieces, at, block=unit.block_id)
        if unit.kind == "note":
            notes.setdefault(unit.note, []).extend(found)
            continue
        if unit.kind == "title":
            title = found
            continue
        body.extend(found)
        if unit.kind == "heading":
            session = sessions[unit.line]
            label = "".join(p.text for p in unit.pieces if p.role != "call").strip()
            if session.time and session.time.start and session.time.start not in label:
                span = session.time.start + (
                    f"{EN_DASH}{session.time.end}" if session.time.end else ""
                )
                label = f"{label} ({span})"
                body.extend(words([Piece(hours.format(span))], at, "session hours", unit.block_id))
            labels.append(label)
    meta = doc.meta
    return Expected(
        body=body,
        notes=notes,
        title=title,
        edition_title=words([Piece(meta.title)], "edition.toml title", "edition title", "title"),
        subtitle=words([Piece(meta.subtitle)], "edition.toml subtitle", "subtitle", "title"),
        labels=tuple(labels),
    )


def fold(text: str) -> str:
    return text.casefold()


def title_block(expected: Expected, rendered: Sequence[Word], tally: Tally) -> list[Word]:
    """The title block as this rendering prints it: the source's title line, or the edition
    title from edition.toml in its place; then the subtitle if printed. Calls on the title line
    follow whichever title is printed."""
    calls = sum(w.calls for w in expected.title)
    title = expected.title
    head = [fold(w.text) for w in rendered[: len(expected.edition_title) + 1]]
    edition = [fold(w.text) for w in expected.edition_title]
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
    after = [fold(w.text) for w in rendered[len(title) : len(title) + len(expected.subtitle)]]
    if expected.subtitle and after == [fold(w.text) for w in expected.subtitle]:
        block.extend(expected.subtitle)
    return block


def compare_words(
    expected: Sequence[Word],
    rendered: Sequence[Word],
    label: str,
    tally: Tally,
    caps: dict[str, str] | None = None,
    nested: frozenset[str] = frozenset(),
) -> list[tuple[Word, Word]]:
    """Align the finished model's words with the rendered ones and explain every difference;
    return the aligned pairs (model word, rendered word). `caps`: the small-capitals classes of
    the rendering's stylesheet, when its extraction may show letter case otherwise, and `nested`
    those holding an all-small-caps span (caps.py)."""
    matcher = difflib.SequenceMatcher(
        None, [fold(w.text) for w in expected], [fold(w.text) for w in rendered], autojunk=False
    )
    pairs: list[tuple[Word, Word]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        want, got = expected[i1:i2], rendered[j1:j2]
        if tag == "equal":
            pairs.extend(zip(want, got, strict=True))
            continue
        # A word broken at a line end after a dash or slash (no hyphen added): same letters.
        if (
            want
            and got
            and "".join(fold(w.text) for w in want) == "".join(fold(w.text) for w in got)
        ):
            tally.add("line break inside a word after a dash or slash", len(got) - len(want))
            for w in want:
                count_generated(w, tally)
            pairs.append((want[0], got[0]))
            continue
        tally.problem(
            what_changed(tag, label, want, got),
            where(expected, i1, i2),
            f"{label} {where(rendered, j1, j2)}",
            context(expected, i1, i2),
            context(rendered, j1, j2),
        )
    tolerance = calibrate(caps, pairs, nested) if caps else CaseTolerance()
    for word, shown in pairs:
        if fold(word.text) != fold(shown.text):
            continue  # a word broken after a dash, counted above
        count_generated(word, tally)
        if word.text == shown.text:
            continue
        if tolerance.allows(word, shown):
            tally.add("all small capitals (letter case as the PDF's text map shows it)")
            continue
        tally.problem(
            f"letter case changed in the {label}",
            word.where,
            f"{label} {shown.where}",
            word.text,
            shown.text,
        )
    return pairs


def count_generated(word: Word, tally: Tally) -> None:
    if word.generated and word.opens:
        tally.add(f"generated: {word.generated}")
    tally.add("generated: note call number", word.calls)
