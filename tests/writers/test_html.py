"""The shared markup: escaped text, brackets and calls in place, well-formed XHTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from pipeline.model import (
    Closing,
    Editorial,
    Field,
    NoteRef,
    Omission,
    Paragraph,
    Subheading,
    Text,
    Turn,
)
from pipeline.writers.html import render_block, render_inlines


def call(number: int) -> Markup:
    return Markup('<a class="noteref" href="#n{0}">{0}</a>').format(number)


def test_text_is_escaped_never_markup() -> None:
    out = render_inlines((Text('<link rel="attachment" href="file:///etc/passwd"> & <b>'),), call)
    assert "<link" not in out and "<b>" not in out
    assert "&lt;link" in out and "&amp;" in out


def test_editorial_insertions_keep_their_brackets_and_spaces() -> None:
    out = render_inlines((Text("Mr."), Editorial("Gonzalez-Revilla "), NoteRef(3)), call)
    assert str(out) == 'Mr.<span class="editorial">[Gonzalez-Revilla ]</span>' + str(call(3))


BLOCKS = [
    Paragraph((Text("Plain."),), id="p1"),
    Paragraph((Text("More."),), speaker="Tanaka", id="p2"),
    Turn("L.I. Brezhnev", "Brezhnev", (Text("That’s <not> our fault"), NoteRef(1)), id="p3"),
    Omission((Editorial("…"), NoteRef(2)), id="p4"),
    Subheading((Text("II."),), id="p5"),
    Closing((Text("Recorded by: N.N. Solov’ev."),), id="p6"),
    Field("Participants", (), ":", id="h1"),
    Field("Subject", (Text("U.S. & Panama"),), ":", id="h2"),
    Field("From the Soviet side", (Text("L.I. Brezhnev"),), "\u2013", id="h3"),
]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.id)
def test_every_block_is_one_well_formed_element_with_its_id(block) -> None:  # type: ignore[no-untyped-def]
    element = ET.fromstring(str(render_block(block, call)))
    assert element.get("id") == block.id


def test_turn_sets_the_label_apart() -> None:
    element = ET.fromstring(str(render_block(BLOCKS[2], call)))
    assert element.get("class") == "turn"
    assert element.find("span").text == "L.I. Brezhnev."
