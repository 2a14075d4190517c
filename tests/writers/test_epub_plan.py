"""Tests for pipeline/writers/epub/plan.py, render.py's page marks and common.py: the book's plan
is decided before anything is rendered, a file renders the same whatever was rendered before it,
page breaks are placed from data (no fake nodes in the model), and the values both editions
share are computed one way.

Documents are built with model constructors (STYLE.md §7), so a parser bug cannot fail these.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

import pytest
from markupsafe import Markup

from pipeline.context import Context
from pipeline.model import (
    Correction,
    Document,
    Editorial,
    Field,
    Header,
    Intervention,
    Meta,
    Note,
    NoteRef,
    Paragraph,
    Session,
    Text,
    Time,
    Turn,
    all_inlines,
    inline_text,
)
from pipeline.writers.epub import render, write_epub
from pipeline.writers.epub.plan import PageMark, plan_book
from pipeline.writers.pagemap import PageStart
from pipeline.writers.shared import (
    edition_date,
    epub_identifier,
    print_identifier,
    session_label,
    spelled_date,
)


def para(id_: str, *content: object) -> Paragraph:
    return Paragraph(tuple(Text(c) if isinstance(c, str) else c for c in content), id=id_)  # type: ignore[misc]


META = Meta(id="plan-test", title="Plan Test", date="1973-10-08", modified="2024-01-02")

DOC = Document(
    meta=META,
    header=Header(
        title=(Text("PLAN TEST"),),
        dateline=(Text("Moscow, 8 October 1973"), NoteRef(1)),
        blocks=(Field("Subject", (Text("Tests"),), id="h1"),),
    ),
    sessions=(
        Session(
            heading=(Text("Morning"),),
            time=Time("10:00", "11:00"),
            id="s1",
            blocks=(
                para("p1", "First ", NoteRef(2), " and again ", NoteRef(1), "."),
                Turn("Tanaka", "Tanaka", (Text("Yes"), NoteRef(2)), id="p2"),
            ),
        ),
        Session(
            heading=(Text("Evening (18:00)"),),
            time=Time("18:00"),
            id="s2",
            blocks=(
                para("p3", "Later ", NoteRef(2), " still."),
                para("p4", "See ", Intervention("c1", "emend", (Text("those"),)), " words."),
            ),
        ),
    ),
    notes=(
        Note(1, ((Text("On the date."),),), id="n1"),
        Note(2, ((Text("Called three times."),),), id="n2"),
        Note(3, ((Text("Never called."),),), id="n3"),
    ),
    corrections=(Correction("c1", "thos", "those", "typo", block_id="p4", reading="those"),),
)


# Note 3 is never called: every plan of DOC warns so (tests/writers/conftest.py fails a test on
# an unexpected warning).
allow_warnings = pytest.mark.allow_warnings


@allow_warnings
def test_plan_places_notes_counts_calls_and_links_before_rendering(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        plan = plan_book(DOC, (), "a4")
    assert plan.note_home == {1: "title.xhtml", 2: "chapter-01.xhtml", 3: "chapter-02.xhtml"}
    assert plan.titlepage.notes == (1,)
    assert plan.chapters[0].notes == (2,) and plan.chapters[1].notes == (3,)
    assert "note 3 is never called" in caplog.text
    # Note 2 is called twice in chapter 1, so chapter 2's call is its third.
    assert plan.calls_before["chapter-02.xhtml"] == {1: 2, 2: 2}
    assert plan.called == frozenset({1, 2})
    assert plan.linked == {"c1": "chapter-02.xhtml"}
    assert [f.label for f in plan.chapters] == ["Morning (10:00–11:00)", "Evening (18:00)"]
    assert [f.name for f in plan.spine][:3] == ["cover.xhtml", "title.xhtml", "nav.xhtml"]


@allow_warnings
def test_a_file_renders_the_same_alone_as_in_the_whole_book() -> None:
    """The old writer's call ids depended on the order in which files were rendered."""
    plan = plan_book(DOC, (), "a4")
    alone = render.render_chapter(plan, plan.chapters[1], plan.doc.sessions[1])
    whole = render.render_book(plan, "alt")
    assert alone == whole["chapter-02.xhtml"]
    assert b'id="noteref-2-3"' in alone and b'href="chapter-01.xhtml#note-2"' in alone


@allow_warnings
def test_page_starts_become_marks_at_word_starts_in_reading_order(
    caplog: pytest.LogCaptureFixture,
) -> None:
    starts = [
        PageStart(1, "title", 0),
        PageStart(3, "p3", 9),  # "Later ² st|ill." → the start of "still." (7)
        PageStart(2, "n2", 0),  # a note of chapter 1: before chapter 2 in reading order
        PageStart(2, "p1", 0),  # page 2 again
        PageStart(4, "nowhere", 0),
    ]
    with caplog.at_level(logging.WARNING):
        plan = plan_book(DOC, starts, "letter")
    assert plan.marks("p3") == (PageMark(3, 7),)
    assert [p.page for p in plan.pages] == [1, 2, 3]
    assert [p.file for p in plan.pages] == ["title.xhtml", "chapter-01.xhtml", "chapter-02.xhtml"]
    assert "print page 2 starts twice" in caplog.text
    assert "unknown element 'nowhere'" in caplog.text
    assert plan.paper == "letter"
    # Page starts are data of the plan: the document's own inlines are untouched (the old
    # writer inserted NoteRef(-1), NoteRef(-2)… for them).
    assert list(all_inlines(plan.doc)) == list(all_inlines(DOC))


def marks_of(markup: Markup) -> str:
    """Page breaks as "|N|" in the markup's text, other tags dropped."""
    text = re.sub(r'<span epub:type="pagebreak"[^>]*aria-label="(\d+)"/>', r"|\1|", markup)
    return re.sub(r"<[^>]+>", "", text)


def plain_call(number: int) -> Markup:
    return Markup("<sup>{}</sup>").format(number)


@pytest.mark.parametrize(
    ("content", "marks", "expected"),
    [
        # In a run of text, at the offset.
        ((Text("one two three"),), [PageMark(7, 4)], "one |7|two three"),
        # Inside an intervention's words: inside them (the link holds the marker).
        (
            (Text("a "), Intervention("c", "emend", (Text("big word"),)), Text(".")),
            [PageMark(5, 6)],
            "a big |5|word.",
        ),
        # At the first character of a supplied word: before its angle bracket.
        (
            (Text("a "), Intervention("c", "supply", (Text("was"),)), Text(" here")),
            [PageMark(5, 2)],
            "a |5|⟨was⟩ here",
        ),
        # Inside an editorial bracket: before the bracket.
        (
            (Text("so "), Editorial("Ichiro"), Text(" came")),
            [PageMark(2, 5)],
            "so |2|[Ichiro] came",
        ),
        # Past the end: after the content.
        ((Text("end"),), [PageMark(9, 40)], "end|9|"),
        # A note call takes no room: the text after it starts where it stands.
        ((Text("one"), NoteRef(3), Text(" two")), [PageMark(4, 4)], "one3 |4|two"),
    ],
)
@allow_warnings
def test_page_breaks_are_placed_from_marks_not_fake_nodes(
    content: tuple, marks: list[PageMark], expected: str
) -> None:
    plan = plan_book(DOC, (), "a4")
    how = render.Inlining(plain_call, render.intervention_view(plan))
    assert marks_of(render.marked_inlines(content, marks, how)) == expected


@allow_warnings
def test_a_turn_label_page_start_goes_before_the_turn() -> None:
    plan = plan_book(DOC, (), "a4")
    how = render.Inlining(plain_call, render.intervention_view(plan))
    turn = Turn("L.I. Brezhnev", "Brezhnev", (Text("We agree."),), id="t")
    markup = render.marked_block(turn, [PageMark(2, 3), PageMark(3, 18)], how)
    assert marks_of(markup) == "|2|L.I. Brezhnev. We |3|agree."
    assert markup.startswith('<span epub:type="pagebreak"')


@allow_warnings
def test_an_intervention_found_twice_is_not_linked(caplog: pytest.LogCaptureFixture) -> None:
    twice = Intervention("c1", "emend", (Text("those"),))
    doc = Document(
        meta=META,
        header=Header(title=(Text("T"),)),
        sessions=(Session((Text("S"),), (para("p1", twice, " and ", twice),), id="s"),),
        corrections=DOC.corrections,
    )
    with caplog.at_level(logging.WARNING):
        plan = plan_book(doc, (), "a4")
    assert plan.linked == {}
    assert "stand in 2 places" in caplog.text


# --- common.py ------------------------------------------------------------------------------


def test_dates_and_identifiers() -> None:
    assert edition_date(Meta(id="x", title="X", published="2024-05-01", modified="2024-06-01")) == (
        "2024-05-01"
    )
    assert edition_date(Meta(id="x", title="X", modified="2024-06-01")) == "2024-06-01"
    assert edition_date(Meta(id="x", title="X", date="1973-10-08")) == ""  # never the talks'
    assert spelled_date("1973-10-08") == "8 October 1973"
    assert spelled_date("1973-10") == "October 1973"
    assert spelled_date("1973-13-40") == "1973-13-40"
    assert print_identifier(META, "a4") != print_identifier(META, "letter")
    assert print_identifier(META, "a4").startswith("urn:uuid:")
    assert epub_identifier(META) not in (print_identifier(META, "a4"),)


def test_session_label_puts_back_hours_the_parser_took_out() -> None:
    assert session_label(Session((Text("Morning"),), (), Time("10:00", "11:00"))) == (
        "Morning (10:00–11:00)"
    )
    assert session_label(Session((Text("Lunch (13:15)"),), (), Time("13:15"))) == "Lunch (13:15)"
    assert session_label(Session((), (), Time("13:15"))) == ""


@allow_warnings
def test_the_chapter_heading_shows_the_hours_once() -> None:
    data = write_epub(DOC, Context(id="plan-test", source=Path("x.txt")), page_starts=())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.read("EPUB/chapter-01.xhtml").decode()
        second = archive.read("EPUB/chapter-02.xhtml").decode()
    assert 'id="s1">Morning (10:00–11:00)</h1>' in first
    assert "Evening (18:00)</h1>" in second and "(18:00) (18:00)" not in second
    assert inline_text(DOC.sessions[0].heading) == "Morning"  # the model is left as it was
