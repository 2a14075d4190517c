"""EPUB: each emended reading links back to its correction, and the correction to it."""

import io
import zipfile

from lxml import etree

from pipeline.pipeline import prepare
from pipeline.writers.epub import write_epub
from tests.conftest import RECORD_1973, export

NS = {"x": "http://www.w3.org/1999/xhtml"}


def test_the_link_is_on_the_emended_words_even_when_they_occur_nearby(tmp_path):
    # issue 14 §3: with `teh → the`, the writer searched the text and underlined "read the
    # report" instead of "the annex".
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "source.txt").write_text(
        export("1 May 1970", "Meeting (10:00)", "Tanaka. Please read the report and teh annex.")
    )
    (folder / "errata.toml").write_text(
        '[[fix]]\nid = "the"\nfind = "and teh annex"\nreplace = "and the annex"\nreason = "typo"\n'
    )
    doc, ctx = prepare(folder)
    with zipfile.ZipFile(io.BytesIO(write_epub(doc, ctx))) as book:
        chapter = etree.fromstring(book.read("EPUB/chapter-01.xhtml"))
    (link,) = chapter.iterfind(".//x:a[@class='emendation']", NS)
    paragraph = link.getparent()
    assert link.text == "the"
    assert (link.tail or "").startswith(" annex")
    assert "read the report and " in "".join(paragraph.itertext())


def test_every_1973_correction_links_both_ways(bundled_builds):
    built = bundled_builds.get(RECORD_1973)
    doc = built.doc
    with zipfile.ZipFile(io.BytesIO(built.epub)) as book:
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
