"""The audit reads the paragraph numbers an edition prints (issue 10, `[print] paragraph_numbers`).

With numbers on, each body paragraph's number stands in the print edition's outer margin and
first in the ebook's paragraph. They are generated text, so the audit must take them out. It must
also check them: the model's numbers, in order, every one of them. A record with numbers on
audits clean. A wrong or missing number fails, in either edition. Digits the audit was not told
to expect stay unexplained text.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.editorial.audit.epub import compare_epub
from pipeline.editorial.audit.numbers import (
    GENERATED,
    check_epub_numbers,
    expected_numbers,
)
from pipeline.editorial.audit.pdf import audit_print
from pipeline.editorial.audit.report import Tally
from pipeline.writers import pdf as pdf_writer
from tests.conftest import RECORD_1973
from tests.editorial.conftest import Built, built_once


@pytest.fixture(scope="module")
def numbered(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("numbers") / RECORD_1973.name
    shutil.copytree(RECORD_1973, folder)
    edition = folder / "edition.toml"
    text = edition.read_text("utf-8").replace("[print]\n", "[print]\nparagraph_numbers = true\n")
    edition.write_text(text, "utf-8")
    return built_once(Path(folder))


def test_a_record_with_numbers_on_audits_clean_in_both_editions(numbered: Built) -> None:
    count = len(expected_numbers(numbered.final))
    assert count > 50
    pdf = audit_print(numbered.final, numbered.pdf, numbered.source_text, numbers=True).report
    assert pdf.ok, [p.describe() for p in pdf.problems]
    epub = compare_epub(numbered.final, numbered.epub, numbered.source_text, numbers=True)
    assert epub.ok, [p.describe() for p in epub.problems]
    for report in (pdf, epub):
        assert dict(report.causes)[GENERATED] == count


def test_numbers_the_audit_was_not_told_of_are_not_explained(numbered: Built) -> None:
    pdf = audit_print(numbered.final, numbered.pdf, numbered.source_text).report
    epub = compare_epub(numbered.final, numbered.epub, numbered.source_text)
    assert not pdf.ok and not epub.ok


def test_a_pdf_with_a_wrong_number_fails(numbered: Built, monkeypatch) -> None:
    real = pdf_writer.margin_number

    def off_by_one_at_twelve(verso):  # type: ignore[no-untyped-def]
        number = real(verso)
        return lambda value: number(13 if value == 12 else value)

    monkeypatch.setattr(pdf_writer, "margin_number", off_by_one_at_twelve)
    damaged = pdf_writer.write_pdf(numbered.final, numbered.ctx)
    report = audit_print(numbered.final, damaged, numbered.source_text, numbers=True).report
    assert any(
        "paragraph 12 has no number where the edition prints them (PDF)" in p.what
        for p in report.problems
    ), [p.describe() for p in report.problems]


@pytest.mark.parametrize(
    ("found", "problem"),
    [
        (["1", "2", "4"], "a paragraph number is not the model's (EPUB)"),
        (["1", "2"], "paragraph 3 has no number where the edition prints them (EPUB)"),
        (["1", "2", "3", "4"], "paragraph numbers the model does not give (EPUB)"),
    ],
)
def test_ebook_numbers_are_the_models_each_in_order(found: list[str], problem: str) -> None:
    tally = Tally()
    check_epub_numbers(found, [1, 2, 3], tally)
    assert [p.what for p in tally.problems] == [problem]
    clean = Tally()
    check_epub_numbers(["1", "2", "3"], [1, 2, 3], clean)
    assert clean.problems == [] and clean.causes[GENERATED] == 3
