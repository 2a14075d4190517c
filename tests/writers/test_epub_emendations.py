"""EPUB: each emended reading links back to its correction, and the correction to it."""

import io
import zipfile

import pytest
from lxml import etree

from pipeline.model import Editorial, NoteRef, Text
from pipeline.pipeline import prepare
from pipeline.writers.epub import _wrap_span, changed_span, write_epub
from tests.conftest import RECORD_1973

NS = {"x": "http://www.w3.org/1999/xhtml"}


@pytest.mark.parametrize(
    ("find", "replace", "changed"),
    [
        ("become these of good", "become those of good", "those"),
        ("Mr. Genera Secterary", "Mr. General Secretary", "General Secretary"),
        ("population The USSR", "population. The USSR", "population."),
        ("for your to make", "for you to make", "you"),
    ],
)
def test_changed_span_is_the_changed_words(find, replace, changed):
    start, stop = changed_span(find, replace)
    assert replace[start:stop] == changed


def test_wrap_span_cuts_text_runs_exactly():
    content = (Text("in "), Editorial("sic"), Text(" the morning"))
    wrapped = _wrap_span(content, 9, 12, -10, -11)
    assert wrapped == (
        Text("in "), Editorial("sic"), Text(" "), NoteRef(-10), Text("the"), NoteRef(-11),
        Text(" morning"),
    )  # fmt: skip


def test_wrap_span_leaves_a_span_with_a_note_call_alone():
    content = (Text("the end"), NoteRef(3), Text(" more"))
    assert _wrap_span(content, 4, 9, -10, -11) == content


def test_every_1973_correction_links_both_ways():
    doc, ctx = prepare(RECORD_1973)
    with zipfile.ZipFile(io.BytesIO(write_epub(doc, ctx))) as book:
        trees = {
            name.rsplit("/", 1)[-1]: etree.fromstring(book.read(name))
            for name in book.namelist()
            if name.endswith(".xhtml")
        }
    spots = {
        a.get("id"): (file, a)
        for file, tree in trees.items()
        for a in tree.iterfind(".//x:a[@class='emendation']", NS)
    }
    rows = trees["editorial.xhtml"].findall(".//x:tr[@id]", NS)
    assert len(spots) == len(rows) == len(doc.corrections) == 10
    for row in rows:
        href = row.find(".//x:a", NS).get("href")
        file, spot_id = href.split("#")
        spot_file, spot = spots[spot_id]
        assert spot_file == file
        assert spot.get("href") == f"editorial.xhtml#{row.get('id')}"
        # The link carries the edition's reading: the words the correction put there.
        assert "".join(spot.itertext()).strip() in "".join(row.itertext())
