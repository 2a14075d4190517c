"""The audit on records of the family it was not developed on (issue 14: heuristics must
generalise).

Split: the audit was written and tuned against the bundled records (`sources/`) and the 1973
record with errata of every kind (test_audit_editorial.py). The records here, in
`tests/fixtures/family/`, are the held-out part: they were first built and audited after the
audit was written, and nothing in it was changed for them. Each is built and audited as it is;
one of them (Geneva 1985, a narrative memorandum with no speakers) also goes through the whole
loop with errata of every kind, then has its built files broken.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.build import build_one
from pipeline.cli import main
from pipeline.editorial.audit import audit_print, compare_epub
from pipeline.editorial.audit.typography import rule_counts
from pipeline.inputs import read_inputs
from pipeline.model import Document
from pipeline.pipeline import prepare
from pipeline.stages.errata import Errata, parse_errata_file
from pipeline.stages.read import read_source
from pipeline.writers import pdf as pdf_writer
from tests.conftest import FIXTURES

FAMILY = FIXTURES / "family"
HELD_OUT = [
    FAMILY / "colon-labels-crlf-bom.txt",
    FAMILY / "meeting-heading-no-time.txt",
    FAMILY / "once-speaker-colon.txt",
    FAMILY / "place-only-heading-bom.txt",
    FAMILY / "frus" / "memcon-1975-02-15-riyadh.txt",
]


@pytest.mark.parametrize("source", HELD_OUT, ids=lambda p: p.stem)
def test_a_record_of_the_family_builds_and_audits_clean(source, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(source), "--to", "pdf", "--to", "epub", "--out", str(out)]) == 0
    capsys.readouterr()
    status = main(["audit", str(source), "--out", str(out)])
    report = capsys.readouterr().out
    assert status == 0, report
    assert "every difference is explained" in report
    assert "page-break marker where the print page starts (EPUB)" in report


GENEVA_ERRATA = """
[classes]
spelling = "American spellings of the memorandum are made British."

[[fix]]
id = "though"
find = "even thought I was"
replace = "even though I was"
reason = "typo in the memoirs' quotation"

[[fix]]
id = "uspensky"
kind = "sic"
find = "Yuri D. Uspensky,"
reading = "Yuri D."
reason = "the notetaker's name for Nikolai Uspensky (note 2)"

[[fix]]
id = "familiarised"
kind = "regularise"
class = "spelling"
find = "familiarized"
replace = "familiarised"

[[fix]]
id = "apologised"
kind = "regularise"
class = "spelling"
find = "apologized"
replace = "apologised"

[[fix]]
id = "to-thank"
kind = "supply"
find = "and thank the President for receiving him"
replace = "and to thank the President for receiving him"
reason = "the infinitive's particle, lost"

[[fix]]
id = "fleur"
kind = "keep"
find = "Maison Fleur d’Eau (10:20"
reading = "Fleur d’Eau"
reason = "the villa's name as FRUS spells it"

[[fix]]
id = "really"
find = "could really talk now"
replace = "could talk now"
reason = "an intensifier the interpreter added"

[[fix]]
id = "november-comma"
find = "IN GENEVA November, 1985"
replace = "IN GENEVA November 1985"
reason = "punctuation"
"""


@dataclass(frozen=True)
class Loop:
    read: Document
    final: Document
    ctx: object
    source_text: str
    errata: Errata
    pdf: bytes
    epub: bytes


def geneva(root: Path) -> Loop:
    """Geneva 1985 in a document folder of its own, with the errata above, built once."""
    folder = root / "geneva"
    folder.mkdir()
    source = folder / "source.txt"
    shutil.copyfile(FAMILY / "frus" / "memcon-1985-11-19-geneva.txt", source)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    text = f'source_sha256 = "{digest}"\n{GENEVA_ERRATA}'
    (folder / "errata.toml").write_text(text, encoding="utf-8")
    read, ctx = prepare(folder, typography=False)
    final, _ = prepare(folder)
    files = build_one(read_inputs(folder), ("pdf", "epub")).files
    return Loop(
        read,
        final,
        ctx,
        read_source(ctx.source),
        parse_errata_file(text),
        files[f"{ctx.id}.pdf"],
        files[f"{ctx.id}.epub"],
    )


@pytest.fixture(scope="module")
def loop(tmp_path_factory) -> Loop:
    return geneva(tmp_path_factory.mktemp("family"))


def pdf_problems(lp: Loop, pdf: bytes) -> list[str]:
    found = audit_print(
        lp.final, pdf, lp.source_text, errata=lp.errata, counts=rule_counts(lp.read)
    )
    return [p.what for p in found.report.problems]


def epub_problems(lp: Loop, epub: bytes) -> list[str]:
    found = compare_epub(
        lp.final, epub, lp.source_text, errata=lp.errata, counts=rule_counts(lp.read)
    )
    return [p.what for p in found.problems]


def test_a_held_out_record_with_errata_of_every_kind_audits_clean(loop):
    assert {c.kind for c in loop.final.corrections} == {
        "emend",
        "regularise",
        "supply",
        "sic",
        "keep",
    }
    assert pdf_problems(loop, loop.pdf) == []
    assert epub_problems(loop, loop.epub) == []


def test_its_pdf_with_a_wrong_page_fails(loop, monkeypatch):
    pages = audit_print(loop.final, loop.pdf, loop.source_text).pages
    other = next(i for i in ("to-thank", "really", "though") if pages[i] != pages["uspensky"])
    original = pdf_writer.print_html

    blocks = {c.id: c.block_id for c in loop.final.corrections}
    row = re.compile(r'(<tr id="correction-uspensky">.*?href="#)([^"]+)(")', re.S)

    def broken(*args, **kwargs):
        html = original(*args, **kwargs)
        changed = row.sub(lambda m: m.group(1) + blocks[other] + m.group(3), html, count=1)
        assert changed != html, "the breakage did not apply"
        return changed

    monkeypatch.setattr(pdf_writer, "print_html", broken)
    damaged = pdf_writer.write_pdf(loop.final, loop.ctx)
    known = pdf_problems(loop, loop.pdf)
    assert [p for p in pdf_problems(loop, damaged) if p not in known] == [
        "errata entry 'uspensky': the editorial note gives another page (PDF)"
    ]


def test_its_epub_with_a_deleted_row_fails(loop):
    row = re.compile(r'<tr id="correction-to-thank">.*?</tr>', re.S)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(loop.epub)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith("editorial.xhtml"):
                content = row.sub("", content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    assert epub_problems(loop, out.getvalue()) == [
        "errata entry 'to-thank' (supply) is not listed in the editorial note (EPUB)",
        "words marked as an errata entry's that no row of the editorial note leads to (EPUB)",
    ]
