"""The print edition's colophon (issue 14 §4): read back from the PDF, where it closes the
editorial note, and checked entry by entry against the metadata, the source's SHA-256 and the
PDF's own identifier; broken in the print HTML, it fails for the reason each breakage names.
(The ebook's colophon: test_audit_navigation.py.)"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from pipeline.editorial.audit import compare_pdf
from pipeline.editorial.audit.colophon import (
    LINE_BREAK,
    Entry,
    Line,
    check_entries,
    iso_date,
    pdf_identifier,
    print_entries,
)
from pipeline.editorial.audit.pdf_text import PdfLine
from pipeline.editorial.audit.report import AuditReport, Tally
from pipeline.model import Document
from pipeline.writers import pdf as pdf_writer
from tests.conftest import SOURCES
from tests.editorial.conftest import built_once

POLISH = SOURCES / "1974-10-08-us-polish-talks"


def polish() -> tuple[Document, object, bytes]:
    b = built_once(POLISH)
    return b.final, b.ctx, b.pdf


def whats(report: AuditReport) -> list[str]:
    return [p.what for p in report.problems]


def broken_pdf(monkeypatch, change: Callable[[str], str]) -> bytes:
    """The Polish record's PDF laid out from its print HTML with `change` applied."""
    doc, ctx, _ = polish()
    original = pdf_writer.print_html

    def broken(*args, **kwargs):
        html = original(*args, **kwargs)
        changed = change(html)
        assert changed != html, "the breakage did not apply"
        return changed

    monkeypatch.setattr(pdf_writer, "print_html", broken)
    return pdf_writer.write_pdf(doc, ctx)


def in_colophon(old: str, new: str) -> Callable[[str], str]:
    paragraph = re.compile(r'(<p class="colophon"[^>]*>)(.*?)(</p>)', re.S)
    return lambda html: paragraph.sub(
        lambda m: m.group(1) + m.group(2).replace(old, new, 1) + m.group(3), html
    )


def test_the_print_colophon_says_what_the_metadata_says():
    doc, _, pdf = polish()
    report = compare_pdf(doc, pdf)
    assert report.ok, [p.describe() for p in report.problems]
    # Compiler, publisher, both dates, source, online, rights, identifier, hash, typesetter.
    assert report.count("colophon: entry as the metadata says (PDF)") == 10
    assert pdf_identifier(pdf).startswith("urn:uuid:")


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("Edition Pipeline", "Other Press", "the PDF's colophon gives another “Publisher”"),
        ("8 October 1974", "9 October 1974", "the PDF's colophon gives another “Talks held”"),
        (
            '<span class="colophon-label">Rights</span>',
            '<span class="colophon-label">Printer</span>',
            "an entry of the PDF's colophon that no metadata makes",
        ),
    ],
)
def test_a_print_colophon_entry_that_is_not_the_metadata_fails(monkeypatch, old, new, what):
    doc, _, _ = polish()
    report = compare_pdf(doc, broken_pdf(monkeypatch, in_colophon(old, new)))
    assert what in whats(report), [p.describe() for p in report.problems]


def test_a_print_colophon_that_drops_an_entry_fails(monkeypatch):
    doc, _, _ = polish()
    entry = re.compile(r' · <span class="colophon-label">Rights</span>[^·<]*')
    report = compare_pdf(doc, broken_pdf(monkeypatch, lambda html: entry.sub("", html, 1)))
    assert whats(report) == ["the PDF's colophon does not show “Rights”"]


def test_a_print_colophon_with_another_source_hash_fails(monkeypatch):
    doc, _, _ = polish()
    report = compare_pdf(doc, broken_pdf(monkeypatch, in_colophon(doc.source_sha256, "0" * 64)))
    assert whats(report) == ["the PDF's colophon gives another “Source file”"]
    assert report.problems[0].source == "source.txt"


def test_a_pdf_without_its_colophon_fails(monkeypatch):
    doc, _, _ = polish()
    paragraph = re.compile(r'<p class="colophon".*?</p>', re.S)
    report = compare_pdf(doc, broken_pdf(monkeypatch, lambda html: paragraph.sub("", html)))
    assert whats(report) == ["the PDF has no colophon"]


def test_entries_are_read_across_lines_broken_anywhere():
    lines = [
        PdfLine(9, 30, "Publisher Edition Pipeline · Identifier urn:uuid:"),
        PdfLine(9, 31, "4a46-23d8 · Typeset by edition-"),
        PdfLine(9, 32, "pipeline 0.1.0"),
    ]
    entries = print_entries(lines, ["Publisher", "Identifier", "Typeset by"])
    assert [e.label for e in entries] == ["Publisher", "Identifier", "Typeset by"]
    assert entries[1].value == f"urn:uuid:{LINE_BREAK}4a46-23d8"
    tally = Tally()
    check_entries(
        entries,
        [
            Line(("Publisher",), ("Edition Pipeline",)),
            Line(("Identifier",), ("urn:uuid:4a46-23d8",)),
            Line(("Typeset by",), ("edition-pipeline 0.1.0",)),
        ],
        "PDF",
        "here",
        tally,
    )
    assert tally.problems == []
    # A line break stands for a space or none, never for other words.
    tally = Tally()
    check_entries(
        [Entry("Identifier", f"urn:{LINE_BREAK}x")],
        [Line(("Identifier",), ("urn:y",))],
        "PDF",
        "here",
        tally,
    )
    assert [p.what for p in tally.problems] == ["the PDF's colophon gives another “Identifier”"]


def test_spelt_dates_read_as_iso():
    assert iso_date("8 October 1973") == "1973-10-08"
    assert iso_date("October 1973") == "1973-10"
    assert iso_date("1973-10-08") == "1973-10-08"
    assert iso_date("8 Octember 1973") == "8 Octember 1973"
