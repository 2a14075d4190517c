"""The ebook's generated parts (issue 14 §4): the contents list each chapter's heading as printed,
in reading order; the page-list gives every page of the print edition in order, each on the
words that open that page in the PDF; the colophon says what the metadata says."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pytest

from pipeline.cli import main
from pipeline.editorial.audit import audit_print, compare_epub
from pipeline.editorial.audit.report import AuditReport
from pipeline.model import Document
from tests.conftest import SOURCES
from tests.editorial.conftest import built_once

POLISH = SOURCES / "1974-10-08-us-polish-talks"  # two chapters, seven pages
PANAMA = SOURCES / "1974-04-23-us-panama-memcon"  # subheadings in its contents


@dataclass(frozen=True)
class Built:
    doc: Document
    epub: bytes
    openings: list[list[str]]


@cache
def built(folder) -> Built:
    b = built_once(folder)
    return Built(b.final, b.epub, audit_print(b.final, b.pdf).openings)


def report(b: Built, epub: bytes | None = None) -> AuditReport:
    return compare_epub(b.doc, b.epub if epub is None else epub, print_pages=b.openings)


def rewrite(data: bytes, name: str, change: Callable[[str], str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith("/" + name):
                text = content.decode("utf-8")
                changed = change(text)
                assert changed != text, "the breakage did not apply"
                content = changed.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def whats(r: AuditReport) -> list[str]:
    return [p.what for p in r.problems]


@pytest.mark.parametrize("folder", [POLISH, PANAMA], ids=lambda p: p.name)
def test_the_built_ebook_passes_with_every_page_on_its_print_words(folder):
    b = built(folder)
    r = report(b)
    assert r.ok, [p.describe() for p in r.problems]
    assert r.count("generated: page-list entry (EPUB)") == len(b.openings)
    # Every page that opens in the record's text is checked against the PDF's words.
    assert r.count("page-break marker where the print page starts (EPUB)") == sum(
        1 for words in b.openings if words
    )
    assert r.count("generated: contents entry (EPUB)") == len(b.doc.sessions)


def test_a_contents_entry_that_is_not_its_heading_as_printed_fails():
    b = built(POLISH)

    def change(text: str) -> str:
        return text.replace(">Luncheon at the Department of State (13:15)<", ">Luncheon (13:15)<")

    r = report(b, rewrite(b.epub, "nav.xhtml", change))
    assert whats(r) == ["a contents entry of the EPUB is not its chapter's heading as printed"]
    assert r.problems[0].rendered.endswith("chapter-02.xhtml")


def test_a_chapter_missing_from_the_contents_fails():
    b = built(POLISH)
    entry = re.compile(r'<li><a href="chapter-02.xhtml">[^<]*</a></li>')
    r = report(b, rewrite(b.epub, "nav.xhtml", lambda t: entry.sub("", t)))
    assert whats(r) == ["the EPUB's contents do not list each chapter once, in reading order"]


def test_a_subheading_entry_that_is_not_its_subheading_fails():
    b = built(PANAMA)
    r = report(b, rewrite(b.epub, "nav.xhtml", lambda t: t.replace(">I. BACKGROUND<", ">I.<")))
    assert whats(r) == ["a contents entry of the EPUB is not the heading it leads to"]


def test_page_list_out_of_order_fails():
    b = built(POLISH)

    def swap(text: str) -> str:
        two = '<li><a href="chapter-01.xhtml#page-2">2</a></li>'
        three = '<li><a href="chapter-01.xhtml#page-3">3</a></li>'
        return text.replace(two, "@@").replace(three, two).replace("@@", three)

    r = report(b, rewrite(b.epub, "nav.xhtml", swap))
    assert "page 2 of the page-list stands before an earlier page" in whats(r)
    assert "the EPUB's page-list is not every page of the print edition in order" in whats(r)


def test_a_page_missing_from_the_page_list_fails():
    b = built(POLISH)
    entry = '<li><a href="chapter-02.xhtml#page-6">6</a></li>'
    r = report(b, rewrite(b.epub, "nav.xhtml", lambda t: t.replace(entry, "")))
    assert whats(r) == ["the EPUB's page-list is not every page of the print edition in order"]


def test_a_page_break_marker_moved_off_its_print_words_fails():
    b = built(POLISH)
    marker = re.compile(r'<span epub:type="pagebreak"[^>]*id="page-3"[^>]*/>')

    def move(text: str) -> str:
        found = marker.search(text)
        assert found
        text = text.replace(found.group(), "", 1)
        # Before the paragraph after the one the marker was in (or at).
        at = text.index("<p ", found.start() + 1)
        at = text.index("<p ", at + 1)
        return text[:at] + found.group() + text[at:]

    r = report(b, rewrite(b.epub, "chapter-01.xhtml", move))
    assert whats(r) == ["print page 3 starts elsewhere than its page-break marker (EPUB)"]


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        (
            "<dd>Record of U.S.–Polish Talks</dd>",
            "<dd>Record of Polish Talks</dd>",
            "the EPUB's colophon gives another “Title”",
        ),
        (
            "<dd>urn:edition-pipeline:1974-10-08-us-polish-talks</dd>",
            "<dd>urn:edition-pipeline:other</dd>",
            "the EPUB's colophon gives another “Identifier”",
        ),
        (
            "<dd>28 November 2026</dd>",
            "<dd>8 October 1974</dd>",
            "the EPUB's colophon gives another “Published”",
        ),
        (
            "<dt>Compiler</dt>\n<dd>Office of the Historian, U.S. Department of State</dd>",
            "",
            "the EPUB's colophon does not show “Compiler”",
        ),
        (
            "<dt>Made with</dt>",
            "<dt>Translator</dt>\n<dd>Nobody</dd>\n<dt>Made with</dt>",
            "an entry of the EPUB's colophon that no metadata makes",
        ),
    ],
)
def test_a_colophon_line_that_is_not_the_metadata_fails(old, new, what):
    b = built(POLISH)
    r = report(b, rewrite(b.epub, "colophon.xhtml", lambda t: t.replace(old, new)))
    assert what in whats(r), [p.describe() for p in r.problems]


def test_the_colophon_gives_the_source_hash_and_a_wrong_one_fails():
    b = built(POLISH)
    r = report(b)
    assert r.count("colophon: entry as the metadata says (EPUB)") >= 10
    shown = f"<dd>SHA-256 {b.doc.source_sha256}</dd>"
    wrong = report(
        b,
        rewrite(
            b.epub,
            "colophon.xhtml",
            lambda t: t.replace(shown, "<dd>SHA-256 " + "0" * 64 + "</dd>"),
        ),
    )
    assert whats(wrong) == ["the EPUB's colophon gives another “Source file”"]
    assert wrong.problems[0].source == "source.txt"


def test_a_note_moved_to_the_endnotes_and_its_long_emendation_pass(tmp_path, capsys):
    # A note too tall for any page goes to the print edition's endnotes (long_notes =
    # "endnotes"); the ebook keeps it in its chapter, so the page-list steps back there. Its
    # emendation's reading fills most of a page of the editorial note.
    folder = tmp_path / "endnotes"
    shutil.copytree(SOURCES / "1973-10-08-soviet-japanese-talks", folder)
    edition = folder / "edition.toml"
    edition.write_text(
        edition.read_text().replace('long_notes = "fail"', 'long_notes = "endnotes"')
    )
    long = " ".join(["The talks covered the fisheries, the gas, the coal and the timber."] * 70)
    with (folder / "errata.toml").open("a", encoding="utf-8") as errata:
        errata.write(
            '\n[[fix]]\nid = "long-note"\n'
            'find = "pp. 8-13 in the original [translator’s note]."\n'
            f'replace = "pp. 8-13 in the original [translator’s note]. {long}"\n'
            'reason = "a note too long for its page"\n'
        )
    out = tmp_path / "out"
    assert main(["build", str(folder), "--to", "pdf", "--to", "epub", "--out", str(out)]) == 0
    capsys.readouterr()
    status = main(["audit", str(folder), "--out", str(out)])
    report = capsys.readouterr().out
    assert status == 0, report
    assert "generated: endnotes heading" in report
