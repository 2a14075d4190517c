"""Documents for the writer tests, built with model constructors (never by parsing text), so a
parser bug cannot fail a writer test. (The guard against unexpected warnings is the whole
suite's, in tests/conftest.py; so are the builds of the bundled records.)"""

from __future__ import annotations

from itertools import cycle, islice
from types import SimpleNamespace

import pytest

from pipeline.model import (
    Closing,
    Correction,
    Document,
    Editorial,
    Field,
    Header,
    Inline,
    Meta,
    Note,
    NoteRef,
    Omission,
    Paragraph,
    RuleReport,
    Session,
    Subheading,
    Text,
    Time,
    Turn,
)

# Long words on purpose: the layout must hyphenate, and the tests must join the hyphens back.
SENTENCES = (
    "The delegations discussed the internationalisation of the fisheries question at length.",
    "Both sides acknowledged that the representatives of the ministries had prepared thoroughly.",
    "It was agreed that the negotiations concerning the territorial questions would continue.",
    "The Prime Minister emphasised the extraordinary importance of economic cooperation.",
    "Considerable misunderstandings had accumulated during the preceding decades.",
    "The General Secretary observed that responsibility for the future lay with both governments.",
    "Preliminary consultations between the specialists would take place in the spring.",
    "Nevertheless, the characteristically cautious formulation satisfied neither delegation.",
)


def sentences(start: int, count: int) -> str:
    return " ".join(islice(cycle(SENTENCES), start, start + count))


def text(*parts: str | int) -> tuple[Inline, ...]:
    """Inlines from strings and ints: an int is a note call, "[x]" an editorial insertion."""
    nodes: list[Inline] = []
    for part in parts:
        if isinstance(part, int):
            nodes.append(NoteRef(part))
        elif part.startswith("[") and part.endswith("]"):
            nodes.append(Editorial(part[1:-1]))
        else:
            nodes.append(Text(part))
    return tuple(nodes)


def kitchen_sink(**meta: object) -> Document:
    """Every block kind, notes from the title, dateline, header, headings and body, two titled
    sessions after an untitled one, a multi-paragraph note: about five A4 pages."""
    header = Header(
        title=text("RECORD OF TEST TALKS", 1),
        dateline=text("Moscow, 8 October 1973", 2),
        blocks=(
            Field("The talks were conducted", (), ":", id="h1"),
            Field(
                "From the first side",
                text("L.I. Brezhnev, A.N. Kosygin, A.A. Gromyko"),
                "\u2013",
                id="h2",
            ),
            Field("Subject", text("Fisheries, trade and the peace treaty", 3), ":", id="h3"),
        ),
    )
    untitled = Session(
        heading=(),
        blocks=(Paragraph(text("[General Scowcroft missed part of the conversation.]"), id="p0"),),
        id="s0",
    )
    first_blocks = [
        Paragraph(text(sentences(0, 4), 4, " ", sentences(4, 2)), id="p1"),
        Turn("L.I. Brezhnev", "Brezhnev", text(sentences(1, 5)), id="p2"),
        Turn(
            "Tanaka", "Tanaka", text("Prime Minister [Ichiro] Hatoyama ", sentences(2, 6)), id="p3"
        ),
    ]
    for i in range(4, 12):
        first_blocks.append(Paragraph(text(sentences(i, 5 + i % 3)), speaker="Tanaka", id=f"p{i}"))
    first_blocks += [
        Omission(text("[…]", 5), id="p12"),
        Subheading(text("II. Economic Questions"), id="p13"),
        Turn(
            "SENATOR PERCY", "Percy", text(sentences(3, 6), 6, " ", sentences(5, 3)), ":", id="p14"
        ),
    ]
    for i in range(15, 22):
        first_blocks.append(Paragraph(text(sentences(i, 6)), speaker="Percy", id=f"p{i}"))
    first = Session(
        heading=text("Morning meeting (11:30\u201313:40)", 7),
        blocks=tuple(first_blocks),
        time=Time("11:30", "13:40"),
        id="s1",
    )
    second_blocks = [Turn("Tanaka", "Tanaka", text(sentences(6, 4), 8), id="p22")]
    for i in range(23, 36):
        second_blocks.append(Paragraph(text(sentences(i, 6 + i % 4)), speaker="Tanaka", id=f"p{i}"))
    second_blocks.append(Closing(text("Recorded by: N.N. Solov\u2019ev."), id="p36"))
    second = Session(
        heading=text("Evening meeting"),
        blocks=tuple(second_blocks),
        time=Time("16:00", "19:10"),
        id="s2",
    )
    notes = (
        Note(1, (text("The record has not been reviewed by the participants."),), id="fn1"),
        Note(2, (text("Date line as in the original [note in the original]."),), id="fn2"),
        Note(3, (text("Subject added by the editor."),), id="fn3"),
        Note(4, (text("A note called in the first paragraph, ", sentences(0, 1)),), id="fn4"),
        Note(5, (text("Omitted here is the list of other participants."),), id="fn5"),
        Note(
            6,
            (
                text("The first paragraph of a note in two paragraphs."),
                text("The second paragraph of the same note, which must follow it."),
            ),
            id="fn6",
        ),
        Note(7, (text("A note on a session heading."),), id="fn7"),
        Note(8, (text("Omitted here is the discussion of fisheries."),), id="fn8"),
    )
    base = {
        "id": "test-talks",
        "title": "Record of Test Talks",
        "date": "1973-10-08",
        "language": "en-GB",
        "authors": ("Ministry of Foreign Affairs",),
        "translator": "S. Radchenko",
        "description": "A test record of conversation.",
        "subjects": ("fisheries", "peace treaty"),
        "modified": "2024-05-01",
    }
    base.update(meta)
    return Document(
        meta=Meta(**base),  # type: ignore[arg-type]
        header=header,
        sessions=(untitled, first, second),
        notes=notes,
        corrections=(
            Correction(
                id="e1",
                find="Serertary",
                replace="Secretary",
                reason="misprint",
                note="translator’s typo",
                session="s1",
                paragraph=3,
                block_id="p3",
            ),
        ),
        typography=(
            RuleReport("dash", "number ranges take an en dash", 2),
            RuleReport("quotes", "quotation marks are curly", 0),
        ),
    )


@pytest.fixture(scope="session")
def docs() -> SimpleNamespace:
    """The document builders above, for test modules (a conftest is not importable by name
    here: tests/conftest.py has the same module name)."""
    return SimpleNamespace(kitchen_sink=kitchen_sink, sentences=sentences, text=text)
