"""An errata entry anywhere in the record gives an EPUB whose links all lead somewhere (issue 13).

An entry that changed words of the title line made EPUBCheck reject the book (RSC-012): the
editorial note's row linked to `title.xhtml#emendation-…`, an anchor the title page never
carries, since it shows the edition's title (the metadata's), not the source's words. The row
now links to the title heading. The same is checked for an entry in every other place words
can stand: the date line, a header paragraph, a session heading, a speaker label, a turn, a
note body; by the build's own link check (pipeline/checks/xml.py) for each, and by EPUBCheck
once for a book holding one entry in each place.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pipeline.checks.xml import MalformedEdition, check_epub
from pipeline.pipeline import prepare
from pipeline.writers.epub import write_epub
from tests.conftest import export

NS = {"x": "http://www.w3.org/1999/xhtml"}

RECORD = export(
    "Moscow, 8 October 1973{1}",
    "Present: Tanaka, Brezhnev",
    "Morning meeting (11:30-13:40)",
    "Tanaka. Yes, we agree on the spheres of cooperation.",
    "L.I. Brezhnev. We thank you for the visit.",
    notes=("The record was translated from Russian.",),
)


def entry(id: str, find: str, replace: str | None = None, kind: str = "emend") -> str:
    text = f'[[fix]]\nid = "{id}"\nkind = "{kind}"\nfind = "{find}"\nreason = "test"\n'
    return text + (f'replace = "{replace}"\n' if replace is not None else "")


# Where the words stand → an entry there. The title line's in three kinds (one changes the
# words, one keeps them, one adds to them); a deletion of a label's words leaves no words.
PLACES = {
    "title-emended": entry("title", "RECORD OF TALKS", "RECORD OF THE TALKS"),
    "title-word-deleted": entry("title", "RECORD OF TALKS", "RECORD TALKS"),
    "title-sic": entry("title", "RECORD OF", kind="sic"),
    "title-supplied": entry("title", "RECORD OF", "RECORD OF THE", kind="supply"),
    "dateline": entry("date", "Moscow, 8", "Moscow, 9"),
    "header-paragraph": entry("present", "Present: Tanaka", "Present: Mr Tanaka"),
    "session-heading": entry("heading", "Morning meeting", "Morning session"),
    "speaker-label": entry("label", "L.I. Brezhnev.", "L.I. Brezhnyev."),
    "speaker-label-deleted": entry("label", "L.I. Brezhnev. We", "We"),
    "turn": entry("turn", "we agree", "we all agree"),
    "note-body": entry("note", "translated from", "translated out of"),
}


def build(tmp_path: Path, errata: str) -> bytes:
    folder = tmp_path / "record"
    folder.mkdir()
    (folder / "source.txt").write_text(RECORD, encoding="utf-8")
    (folder / "errata.toml").write_text(errata, encoding="utf-8")
    doc, ctx = prepare(folder)
    return write_epub(doc, ctx)


def row_links(epub: bytes) -> dict[str, str]:
    """Each row of the editorial note's table (its id) → where its link leads."""
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        note = etree.fromstring(book.read("EPUB/editorial.xhtml"))
    return {
        row.get("id"): row.find(".//x:a", NS).get("href")
        for row in note.iterfind(".//x:tr[@id]", NS)
        if row.find(".//x:a", NS) is not None
    }


@pytest.mark.parametrize("place", PLACES)
def test_an_entry_in_any_place_gives_links_that_lead_somewhere(tmp_path, place):
    epub = build(tmp_path, PLACES[place])
    check_epub(epub, "record.epub")  # MalformedEdition on a link to a missing id
    (href,) = row_links(epub).values()
    if place.startswith("title"):
        assert href == "title.xhtml#title", "the row leads to the title heading"


def test_the_check_finds_a_link_to_a_missing_anchor(tmp_path):
    """The build's link check can fail: a row pointed at an anchor that is not there."""
    epub = build(tmp_path, PLACES["turn"])
    source = zipfile.ZipFile(io.BytesIO(epub))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("editorial.xhtml"):
                data = data.replace(b"#emendation-turn", b"#emendation-elsewhere")
            target.writestr(info, data)
    with pytest.raises(MalformedEdition, match="has no id 'emendation-elsewhere'"):
        check_epub(out.getvalue(), "record.epub")


def test_epubcheck_accepts_a_book_with_an_entry_in_every_place(tmp_path):
    from pipeline.writers.checks import Verdict, epubcheck

    # One entry per place (the title line's once: two entries there would overlap).
    places = [p for p in PLACES if not p.startswith("title") and not p.endswith("deleted")]
    errata = PLACES["title-emended"] + "".join(PLACES[p] for p in places)
    path = tmp_path / "record.epub"
    path.write_bytes(build(tmp_path, errata))
    assert epubcheck(path) == Verdict((), valid=True)


@pytest.mark.parametrize("entry_id", ["spheres", "a b", "é-1", "x/y:z", "1.2_3"])
def test_errata_checks_ids_as_the_ebook_spells_them(entry_id):
    """errata.py refuses two ids the EPUB would spell alike: it must spell them as plan.py."""
    from pipeline.stages.errata import _id_in_books
    from pipeline.writers.epub.plan import anchor

    assert _id_in_books(entry_id) == anchor(entry_id)
