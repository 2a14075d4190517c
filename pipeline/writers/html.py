"""Turn document-model nodes into the HTML markup that the print and ebook editions share.

Writers differ in how a note call is shown (a float:footnote span for WeasyPrint, a noteref
link for EPUB), so they pass a `note_call` function, and in how an intervention is wrapped (an
`intervention` function); everything else about the markup (class names, speaker labels,
editorial brackets) is decided here, once. The print edition also marks some words for its
typesetting (names that must not be hyphenated, a label in capitals): it passes `Marks`, whose
defaults leave the shared markup as it is. Output is well-formed XHTML as well as HTML: both
writers can use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import assert_never

from markupsafe import Markup, escape

from pipeline.model import (
    SIC,
    SUPPLIED_CLOSE,
    SUPPLIED_OPEN,
    Block,
    Closing,
    Editorial,
    Field,
    Inline,
    Intervention,
    NoteRef,
    Omission,
    Paragraph,
    Subheading,
    Text,
    Turn,
)

NoteCall = Callable[[int], Markup]
"""How a writer shows the call of note `number` at its place in the text."""

InterventionView = Callable[[Intervention, Markup], Markup]
"""How a writer wraps the rendered words (`Markup`) of an intervention (a link, an anchor)."""


def editors_marks(node: Intervention, words: Markup) -> Markup:
    """The marks every edition prints: supplied words in angle brackets, the editors' ⟨sic⟩
    after a reading kept on purpose; emendations, regularisations and kept readings read as
    text. Angle brackets tell the editors' words from the source's square brackets."""
    if node.kind == "supply":
        return Markup('<span class="supplied">{}{}{}</span>').format(
            SUPPLIED_OPEN, words, SUPPLIED_CLOSE
        )
    if node.kind == "sic":
        return Markup('{} <span class="editors-sic">{}<i>{}</i>{}</span>').format(
            words, SUPPLIED_OPEN, SIC, SUPPLIED_CLOSE
        )
    return words


def plain_intervention(node: Intervention, words: Markup) -> Markup:
    return editors_marks(node, words)


def no_number(number: int) -> Markup:
    return Markup("")


@dataclass(frozen=True, slots=True)
class Marks:
    """How a writer marks up the record's own words: `text` for a run of text, `label` for a
    speaker's label. Both must escape what they are given; the defaults only escape. `number`
    gives the markup of a block's paragraph number (`Paragraph.number`…, put first inside the
    block's element) when the edition prints them; by default nothing."""

    text: Callable[[str], Markup] = escape
    label: Callable[[str], Markup] = escape
    number: Callable[[int], Markup] = no_number


PLAIN = Marks()


def render_inlines(
    content: Iterable[Inline],
    note_call: NoteCall,
    intervention: InterventionView = plain_intervention,
    marks: Marks = PLAIN,
) -> Markup:
    parts: list[Markup] = []
    for node in content:
        match node:
            case Text(text):
                parts.append(marks.text(text))
            case Editorial(text):
                # Brackets are part of what the reader must see: they mark the editor's words.
                parts.append(Markup('<span class="editorial">[{}]</span>').format(text))
            case NoteRef(number):
                parts.append(note_call(number))
            case Intervention(content=inner):
                inner_markup = render_inlines(inner, note_call, intervention, marks)
                parts.append(intervention(node, inner_markup))
            case _:
                assert_never(node)
    return Markup("").join(parts)


def render_block(
    block: Block,
    note_call: NoteCall,
    intervention: InterventionView = plain_intervention,
    marks: Marks = PLAIN,
) -> Markup:
    """One block as one element, with the block's id so links and page maps can find it."""
    body = render_inlines(block.content, note_call, intervention, marks)
    number = getattr(block, "number", 0)
    if number:
        body = marks.number(number) + body if not isinstance(block, Turn) else body
    match block:
        case Turn(label=label, punctuation=punctuation, id=id_):
            return Markup(
                '<p class="turn" id="{}">{}<span class="speaker">{}{}</span> {}</p>'
            ).format(id_, marks.number(number), marks.label(label), punctuation, body)
        case Paragraph(speaker=speaker, id=id_):
            kind = "continuation" if speaker else "narrative"
            return Markup('<p class="{}" id="{}">{}</p>').format(kind, id_, body)
        case Omission(id=id_):
            return Markup('<p class="omission" id="{}">{}</p>').format(id_, body)
        case Subheading(id=id_):
            return Markup('<h3 class="subheading" id="{}">{}</h3>').format(id_, body)
        case Closing(id=id_):
            return Markup('<p class="closing" id="{}">{}</p>').format(id_, body)
        case Field(label=label, separator=separator, id=id_):
            if not block.content:
                return Markup('<p class="field field-caption" id="{}">{}{}</p>').format(
                    id_, label, separator
                )
            if separator == ":":
                return Markup(
                    '<p class="field" id="{}"><span class="field-label">{}:</span> {}</p>'
                ).format(id_, label, body)
            # "From the Soviet side – L.I. Brezhnev": the dash is the source's, keep it.
            return Markup(
                '<p class="field" id="{}"><span class="field-label">{}</span> {} {}</p>'
            ).format(id_, label, separator, body)
        case _:
            assert_never(block)
