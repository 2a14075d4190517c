"""The print edition's decisions made before layout, and its tables: which words stay whole
(hyphenation.py), how a label in capitals and side-by-side calls are marked, how the title
breaks, when the subtitle is left out, the page geometry, and the WeasyPrint patches
(breaking.py) applying to the installed WeasyPrint and undone after the layout."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import pytest
from markupsafe import Markup
from weasyprint.formatting_structure.boxes import BlockBox, LineBox, TextBox
from weasyprint.layout import LayoutContext
from weasyprint.layout import block as weasy_block
from weasyprint.layout import inline as weasy_inline

from pipeline.model import Document, Header, Meta, NoteRef, Paragraph, Session, Text
from pipeline.writers import breaking
from pipeline.writers.hyphenation import UNBROKEN_WORDS, WordMarks
from pipeline.writers.pdf import (
    PAGE_GEOMETRY,
    TEXT_WIDTH_MM,
    _label_marks,
    balanced_lines,
    calls_after_calls,
    page_stylesheet,
    printed_subtitle,
    text_width_pt,
)

MARKS = WordMarks(
    names=frozenset({"Gonzalez", "Bunker"}), lower=frozenset({"unfortunately", "bunker"})
)


def whole(markup: Markup) -> list[str]:
    """The words of `markup` wrapped to stay whole."""
    import re

    return re.findall(r'<span class="whole[^"]*">([^<]*)</span>', str(markup))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # A name the model knows, even where it opens a sentence and is a word too.
        ("Bunker said so. Bunker agreed.", ["Bunker", "Bunker"]),
        ("Ambassador Gonzalez-Revilla spoke.", ["Ambassador", "Gonzalez-Revilla"]),
        # A capitalised word inside a sentence is a proper name; opening one, only if the
        # record never writes it in lower case.
        ("We went to Vladivostok yesterday.", ["Vladivostok"]),
        ("Unfortunately, we could not.", []),
        ("Considerable misunderstandings remained.", ["Considerable"]),
        # Acronyms and names in capitals; a word under six letters is never divided anyway.
        ("the OASGA and OLSZOWSKI in Atlanta", ["OLSZOWSKI", "Atlanta"]),
        ("file P860117–0646 reads", ["P860117–0646"]),
        ("Polish-U.S. relations and long-standing issues", ["Polish-U.S.", "long-standing"]),
        ("pp. 644–645.", ["644–645."]),
        ("internationalisation of fisheries", []),
    ],
)
def test_words_that_stay_whole(text: str, kept: list[str]) -> None:
    assert whole(MARKS(text)) == kept


def test_a_number_range_is_kept_on_one_line() -> None:
    assert '<span class="whole range">11:30–13:40</span>' in MARKS("from 11:30–13:40 on")


def test_marking_escapes_the_text_and_keeps_every_character() -> None:
    text = 'Kissinger <b>&</b> "Tack"\u00a0–\u00a0said  twice'
    markup = MARKS(text)
    assert "<b>" not in markup
    plain = str(markup).replace('<span class="whole">', "").replace("</span>", "")
    assert Markup(plain).unescape() == text


def test_the_word_rules_are_named_and_explained() -> None:
    names = [rule.name for rule in UNBROKEN_WORDS]
    assert len(names) == len(set(names))
    assert all(rule.why.strip() for rule in UNBROKEN_WORDS)


# --- labels, calls -------------------------------------------------------------------------


def test_a_label_in_capitals_keeps_each_words_capital_full_size() -> None:
    assert _label_marks("SENATOR PERCY") == Markup(
        'S<span class="capitals">ENATOR</span> P<span class="capitals">ERCY</span>'
    )
    assert _label_marks("L.I. Brezhnev") == "L.I. Brezhnev"
    assert _label_marks("U.S.") == "U.S."


def test_only_a_call_right_after_a_call_is_set_apart() -> None:
    doc = Document(
        meta=Meta(id="x", title="t"),
        header=Header(title=(), dateline=(Text("May 1, 1974"), NoteRef(1), NoteRef(2))),
        sessions=(
            Session((), (Paragraph((Text("a"), NoteRef(3), Text(" b"), NoteRef(4)), id="p"),)),
        ),
    )
    assert calls_after_calls(doc) == {2}


# --- the title block -----------------------------------------------------------------------

MEASURE = TEXT_WIDTH_MM / 25.4 * 72


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("Record of Talks", ["Record of Talks"]),
        (
            "Memorandum of Conversation: Kissinger and Tack",
            ["Memorandum of Conversation:", "Kissinger and Tack"],
        ),
    ],
)
def test_balanced_title_lines(title: str, lines: list[str]) -> None:
    assert balanced_lines(title, MEASURE) == lines


def test_a_long_title_never_leaves_one_word_alone() -> None:
    title = "Record of the Conversation between the General Secretary and the Prime Minister"
    lines = balanced_lines(title, MEASURE)
    assert len(lines) >= 2
    assert all(len(line.split()) >= 2 for line in lines)
    assert all(text_width_pt(line, 20, 0.02) <= MEASURE for line in lines)


@pytest.mark.parametrize(
    ("subtitle", "printed"),
    [
        ("Washington, 23 April 1974", ""),
        ("Washington, April 23, 1974", ""),
        ("Kissinger and Tack, Washington", "Kissinger and Tack, Washington"),
        ("", ""),
    ],
)
def test_a_subtitle_of_the_date_line_alone_is_left_out(subtitle: str, printed: str) -> None:
    doc = Document(
        meta=Meta(id="x", title="t", subtitle=subtitle, date="1974-04-23"),
        header=Header(title=(), dateline=(Text("Washington, April 23, 1974"), NoteRef(1))),
        sessions=(),
    )
    assert printed_subtitle(doc) == printed


# --- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize("paper", sorted(PAGE_GEOMETRY))
def test_a_book_page_on_every_paper(paper: str) -> None:
    g = PAGE_GEOMETRY[paper]
    # The measure is the same on both papers; margins grow from the spine out, head to foot.
    assert g.width - g.inner - g.outer == pytest.approx(TEXT_WIDTH_MM)
    assert g.inner < g.outer
    assert g.head < g.foot
    assert g.foot >= 1.4 * g.head
    css = page_stylesheet(paper)
    assert f"@page :right {{ margin-left: {g.inner}mm; margin-right: {g.outer}mm; }}" in css
    assert f"@page :left {{ margin-left: {g.outer}mm; margin-right: {g.inner}mm; }}" in css


# --- WeasyPrint patches --------------------------------------------------------------------


def test_the_patches_are_named_and_explained() -> None:
    patches = [p for target in breaking.PATCHED for p in target.patches]
    assert len({p.name for p in patches}) == len(patches)
    assert all(p.why.strip() and p.old != p.new for p in patches)


def test_the_patches_apply_to_the_installed_weasyprint_and_are_undone() -> None:
    before = (
        weasy_block._linebox_layout,
        weasy_inline.split_first_line,
        LayoutContext._update_footnote_area,
    )
    with breaking.book_breaking() as patched:
        assert patched
        assert weasy_block._linebox_layout is not before[0]
        assert weasy_inline.split_first_line is not before[1]
        assert LayoutContext._update_footnote_area is not before[2]
    after = (
        weasy_block._linebox_layout,
        weasy_inline.split_first_line,
        LayoutContext._update_footnote_area,
    )
    assert after == before


@pytest.mark.allow_warnings
def test_a_patch_that_does_not_match_lays_out_unpatched(monkeypatch: pytest.MonkeyPatch) -> None:
    target = breaking.PATCHED[0]
    broken = breaking.PatchedFunction(
        target.owner,
        target.name,
        (breaking.SourcePatch("absent", "no such code", "x", "a test"),),
        target.module,
    )
    monkeypatch.setattr(breaking, "PATCHED", (broken,))
    monkeypatch.setattr(breaking, "_CACHE", {})
    with breaking.book_breaking() as patched:
        assert not patched


def test_kitchen_sink_lays_out_with_the_patches(docs: SimpleNamespace) -> None:
    # The whole writer still works with the patches on: every note on its call's page.
    from pathlib import Path

    from pipeline.context import Context
    from pipeline.writers.pdf import layout_print, note_placements

    layout = layout_print(docs.kitchen_sink(), Context(id="k", source=Path("k.txt")))
    assert layout.layouts == 1
    assert all(p.ok for p in note_placements(layout.rendered).values())


def test_layouts_in_two_threads_are_each_patched_and_leave_weasyprint_as_it_was(
    docs: SimpleNamespace,
) -> None:
    # A Dask worker runs tasks in threads: one layout must not unpatch the other's WeasyPrint.
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from pipeline.context import Context
    from pipeline.writers.pdf import render_print, write_pdf

    doc, ctx = docs.kitchen_sink(), Context(id="k", source=Path("k.txt"))
    alone = write_pdf(doc, ctx, render_print(doc, ctx))
    before = weasy_block._linebox_layout
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: write_pdf(doc, ctx, render_print(doc, ctx)), range(4)))
    assert results == [alone] * 4
    assert weasy_block._linebox_layout is before


def _laid_out(style: str, body: str, patched: bool = False) -> list[list[TextBox]]:
    """The text boxes of each line of one paragraph `<p style=style>body</p>`, laid out with
    the print edition's styles, with the patches (`book_breaking`) or with WeasyPrint alone."""
    import weasyprint

    from pipeline.writers.pdf import BASE_URL, StylesFetcher, font_configuration, stylesheets

    html = (
        f'<html lang="en-US"><body><div class="record"><p style="{style}">{body}</p>'
        "</div></body></html>"
    )
    fetcher, fonts = StylesFetcher(), font_configuration()
    with breaking.book_breaking() if patched else contextlib.nullcontext():
        rendered = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            stylesheets=stylesheets(page_stylesheet("a4"), fetcher, fonts), font_config=fonts
        )
    page = rendered.pages[0]._page_box
    (paragraph,) = [
        b for b in page.descendants() if isinstance(b, BlockBox) and b.element_tag == "p"
    ]
    lines = [b for b in paragraph.descendants() if isinstance(b, LineBox)]
    return [[t for t in line.descendants() if isinstance(t, TextBox)] for line in lines]


def test_a_text_that_fits_but_for_its_trailing_space_is_not_hyphenated() -> None:
    """WeasyPrint 70.0 measures a text box with its trailing space: one that fits the line but
    for that space (the words before a `.whole` span) was taken for a word too long for the
    line, its first long word hyphenated and the rest sent on ("Let me talk about Polish-U. S.
    rela-", 2.4 em per word space, in the bundled Polish record). The paragraph is made just
    that wide: the words up to "problems." and half the space after them."""
    paragraph = (
        'Let me talk about <span class="whole">Polish-U.</span> S. relations. First, the '
        'economic problems. <span class="whole">Something</span> else comes after them.'
    )
    (one_line,) = _laid_out("white-space: nowrap; text-indent: 0", paragraph)
    start = one_line[0].position_x
    words = next(t for t in one_line if t.text.endswith("problems. "))
    following = next(t for t in one_line if t.text == "Something")
    (alone,) = _laid_out("white-space: nowrap; text-indent: 0", words.text.rstrip())
    without_space = words.position_x + alone[0].width - start
    with_space = following.position_x - start
    assert with_space - without_space > 1  # the space has a width of its own
    style = f"width: {(without_space + with_space) / 2}px; text-indent: 0; text-align: justify"

    def first_line(patched: bool) -> str:
        return "".join(t.text for t in _laid_out(style, paragraph, patched)[0]).rstrip()

    assert first_line(patched=False).endswith("rela\u2010")  # the trap, in WeasyPrint alone
    assert first_line(patched=True) == (
        "Let me talk about Polish-U. S. relations. First, the economic problems."
    )
