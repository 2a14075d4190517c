"""The source's SHA-256 (issue 14 §4): errata.toml records the hash of the source its entries
were written against, errata.json the hash the editions were built from; a build warns when the
source has changed since the errata (a release build refuses), and the audit fails naming both
hashes."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.pipeline import prepare
from pipeline.stages.errata import parse_errata_file
from tests.conftest import DOCUMENTS, RECORD_1973

HASH = "ab" * 32


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("folder", DOCUMENTS, ids=lambda p: p.name)
def test_each_bundled_errata_file_records_its_source_hash(folder):
    errata = parse_errata_file((folder / "errata.toml").read_text(encoding="utf-8"))
    assert errata.source_sha256 == sha256(folder / "source.txt")


def test_the_hash_is_read_in_lower_case_and_is_optional():
    assert parse_errata_file(f'source_sha256 = "{HASH.upper()}"\n').source_sha256 == HASH
    assert parse_errata_file("").source_sha256 == ""


@pytest.mark.parametrize("value", ['"abc"', "12", '"' + "g" * 64 + '"'])
def test_a_malformed_hash_is_an_error_at_its_line(value):
    with pytest.raises(PipelineError, match="64 hexadecimal digits") as error:
        parse_errata_file(f"# errata\n\nsource_sha256 = {value}\n", "errata.toml")
    assert error.value.line == 3


def edited_copy(root: Path) -> Path:
    """The 1973 record, its source edited by hand after its errata were written: a space added
    at the end of a heading line, which changes no word (so nothing else differs)."""
    folder = root / "edited"
    shutil.copytree(RECORD_1973, folder)
    source = folder / "source.txt"
    lines = source.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("Morning meeting"))
    lines[index] += " "
    source.write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.mark.allow_warnings  # the build's warning is what is tested
def test_a_build_from_a_source_edited_after_its_errata_warns_and_a_release_refuses(
    tmp_path, caplog
):
    folder = edited_copy(tmp_path)
    recorded = parse_errata_file((folder / "errata.toml").read_text()).source_sha256
    with caplog.at_level(logging.WARNING):
        doc, _ = prepare(folder)
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert sha256(folder / "source.txt") in warning and recorded in warning
    assert doc.source_sha256 == sha256(folder / "source.txt")
    with pytest.raises(PipelineError, match="changed since the errata were written"):
        prepare(folder, release=True)


@pytest.mark.allow_warnings  # the build from the edited source warns
def test_the_audit_fails_naming_both_hashes_when_the_source_was_edited_after_the_errata(
    tmp_path, capsys
):
    folder = edited_copy(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(folder), "--to", "pdf", "--to", "epub", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["audit", str(folder), "--out", str(out)]) == 1
    report = capsys.readouterr().out
    recorded = parse_errata_file((folder / "errata.toml").read_text()).source_sha256
    assert report.count("UNEXPLAINED") == 1, report
    assert "the source was changed after the errata were written" in report
    assert sha256(folder / "source.txt") in report and recorded in report
    # The editions record the source they were built from.
    data = json.loads((out / "errata.json").read_text(encoding="utf-8"))
    assert data["source_sha256"] == sha256(folder / "source.txt")

    # The editor reviews the entries and records the new hash: the audit passes again.
    errata = folder / "errata.toml"
    errata.write_text(
        errata.read_text().replace(recorded, sha256(folder / "source.txt")), encoding="utf-8"
    )
    assert main(["audit", str(folder), "--out", str(out)]) == 0
    capsys.readouterr()

    # Editions built from another source than the one audited fail too: the source restored,
    # its hash recorded, but the editions are still those of the edited source.
    (folder / "source.txt").write_bytes((RECORD_1973 / "source.txt").read_bytes())
    errata.write_text(
        errata.read_text().replace(_recorded(errata), sha256(folder / "source.txt")),
        encoding="utf-8",
    )
    assert main(["audit", str(folder), "--out", str(out)]) == 1
    report = capsys.readouterr().out
    # errata.json and both colophons name the source the editions were built from.
    assert report.count("UNEXPLAINED") == 3, report
    assert "the editions were built from another source (errata.json)" in report
    assert "the PDF's colophon gives another “Source file”" in report
    assert "the EPUB's colophon gives another “Source file”" in report


def _recorded(errata: Path) -> str:
    return parse_errata_file(errata.read_text()).source_sha256


def test_errata_without_a_hash_are_a_notice_not_a_failure(tmp_path, capsys):
    folder = tmp_path / "no-hash"
    shutil.copytree(RECORD_1973, folder)
    errata = folder / "errata.toml"
    errata.write_text(
        "\n".join(ln for ln in errata.read_text().split("\n") if "source_sha256" not in ln),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["build", str(folder), "--to", "pdf", "--to", "epub", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["audit", str(folder), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    assert "records no source_sha256" in report
    assert f'source_sha256 = "{sha256(folder / "source.txt")}"' in report


def test_the_reports_beside_the_editions_must_agree_with_what_the_audit_found(tmp_path):
    # errata.json's page for each entry is where the audit found its words in the PDF;
    # normalisation.json gives each rule's count as the rules make it.
    from pipeline.editorial.audit.integrity import check_reports
    from pipeline.editorial.audit.report import Tally
    from pipeline.editorial.audit.typography import rule_counts
    from pipeline.writers.reports import errata_json, normalisation_json

    read, _ = prepare(RECORD_1973, typography=False)
    doc, _ = prepare(RECORD_1973)
    counts = rule_counts(read)
    pages = {c.id: 3 for c in doc.corrections}
    blocks = {c.block_id: 3 for c in doc.corrections}
    (tmp_path / "errata.json").write_bytes(errata_json(doc, blocks))
    (tmp_path / "normalisation.json").write_bytes(normalisation_json(doc))
    tally = Tally()
    check_reports(tmp_path, doc, doc.source_sha256, counts, pages, tally)
    assert tally.problems == []

    wrong = dict(pages, european=4)
    tally = Tally()
    check_reports(tmp_path, doc, doc.source_sha256, {**counts, "number-range": 0}, wrong, tally)
    assert [p.what for p in tally.problems] == [
        "errata.json gives errata entry 'european' another page than the PDF",
        "normalisation.json gives typography rule 'number-range' another count",
    ]


@pytest.mark.parametrize("batch", [False, True], ids=["build", "build --all"])
def test_the_release_command_refuses_a_source_edited_after_its_errata(tmp_path, capsys, batch):
    """`build --release` (one document or a folder of them) stops at the changed source, as
    `prepare(..., release=True)` does: the release flag once reached only the check of
    proposed entries, and a release was built from the edited source with a warning."""
    folder = edited_copy(tmp_path)
    out = tmp_path / "out"
    argv = ["--all", str(folder.parent)] if batch else [str(folder)]
    assert main(["build", *argv, "--release", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{folder / 'errata.toml'}: source.txt has changed since the errata were written" in err
    assert not any(out.rglob("*.pdf")) and not any(out.rglob("*.epub"))
