"""Turn the pieces both profiles write alike into TEI: a session heading with its hours as `time`,
a date line with its `date@when`, a speaker's or a field's label with the corrections made in
it, and an omitted passage.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.model import Correction, Document, Intervention, Omission, Session, Text
from pipeline.writers.tei.common import (
    find_hours,
    hours_restored,
    hours_text,
    iso_date,
    split_dateline,
    time_attributes,
)
from pipeline.writers.tei.elements import Element, add_text, child
from pipeline.writers.tei.inline import Scope, write_inlines, write_intervention


def write_heading(head: Element, session: Session, scope: Scope) -> None:
    """The heading's words, its hours wrapped in `time` where it spells them; hours the
    editions restore after a heading that lacks them are written the same way, after it."""
    content, time = session.heading, session.time
    wrapped = False
    for node in content:
        span = None
        if time is not None and isinstance(node, Text) and not wrapped:
            span = find_hours(node.text, time)
        if time is None or span is None or not isinstance(node, Text):
            write_inlines(head, (node,), scope)
            continue
        start, end = span
        add_text(head, node.text[:start])
        child(head, "time", time_attributes(time), node.text[start:end])
        add_text(head, node.text[end:])
        wrapped = True
    if time and hours_restored(session):
        add_text(head, " (")
        child(head, "time", time_attributes(time), hours_text(time))
        add_text(head, ")")


def write_dateline(
    dateline: Element, doc: Document, scope: Scope, date_attrs: Mapping[str, str]
) -> None:
    """ "Washington, April 23, 1974" → placeName, ", ", date@when: the date of the talks
    (`Meta.date`) on the words that give it; the whole line as the date when it cannot be cut,
    and no date element when the talks' date is unknown."""
    content, when = doc.header.dateline, iso_date(doc.meta.date)
    if not when:
        write_inlines(dateline, content, scope)
        return
    attrs = {"when": when, **date_attrs}
    parts = split_dateline(content)
    if parts is None:
        write_inlines(child(dateline, "date", attrs), content, scope)
        return
    if parts.place:
        child(dateline, "placeName", text=parts.place)
        add_text(dateline, parts.separator)
    child(dateline, "date", attrs, parts.date)
    write_inlines(dateline, content[1:], scope)


def write_label(parent: Element, label: str, corrections: tuple[str, ...], scope: Scope) -> None:
    """A label is plain text in the model; the corrections made in it (`label_corrections`)
    are marked on their reading, found in the label in order."""
    rest = label
    for correction in _label_corrections(corrections, scope):
        at = rest.find(correction.reading) if correction.reading else -1
        if at < 0:
            continue  # a deletion, or a reading the label no longer shows: listed in the header
        add_text(parent, rest[:at])
        node = Intervention(correction.id, correction.kind, (Text(correction.reading),))
        write_intervention(parent, node, scope, inside_note=False)
        rest = rest[at + len(correction.reading) :]
    add_text(parent, rest)


def _label_corrections(ids: tuple[str, ...], scope: Scope) -> list[Correction]:
    return [scope.corrections[i] for i in ids if i in scope.corrections]


def write_omission(parent: Element, block: Omission, scope: Scope) -> None:
    """A passage the source leaves out: `gap` where it was, then the source's own mark ("[…]")
    and its note saying what is missing."""
    child(parent, "gap", {"reason": "editorial"})
    write_inlines(parent, block.content, scope)
