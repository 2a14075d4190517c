"""The command line: `inspect` output, and errors as `file:line: problem` with exit status 2."""

import json
import subprocess
import sys

import pytest

from pipeline.cli import main
from tests.conftest import FIXTURES, RECORD_1973, ROOT, export


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_inspect_json_has_the_promised_keys(capsys):
    status, out, _ = run(capsys, "inspect", str(RECORD_1973), "--json")
    data = json.loads(out)
    assert status == 0
    assert data["title"] == "RECORD OF SOVIET-JAPANESE TALKS"
    assert data["date"] == "1973-10-08"
    assert [s["heading"] for s in data["sessions"]] == [
        "Morning meeting (11:30-13:40)",
        "Evening meeting (19:00-21:30)",
    ]
    assert [s["paragraphs"] for s in data["sessions"]] == [41, 24]
    assert [n["number"] for n in data["notes"]] == [1, 2, 3, 4]
    assert data["notes"][1]["text"] == "Omitted here is the list of other participants."
    assert data["speakers"] == ["Tanaka", "L.I. Brezhnev", "A.N. Kosygin", "Ohira"]
    assert data["paragraphs"] == 65
    assert {c["id"] for c in data["corrections"]} >= {"spheres", "holland"}
    assert data["typography"]["number-range"] >= 3


def test_inspect_a_bare_txt_with_crlf_and_bom(capsys):
    status, out, _ = run(
        capsys, "inspect", str(FIXTURES / "family" / "colon-labels-crlf-bom.txt"), "--json"
    )
    data = json.loads(out)
    assert status == 0 and data["title"] == "MEMORANDUM FOR THE RECORD"
    assert data["speakers"] == ["Gierek", "Ford", "Kissinger (aside to Ford)"]
    assert data["notes"][1]["text"] == (
        "The remark was made in Polish.\n\nA second paragraph of that note, continued."
    )


def test_inspect_text_lists_sessions_and_blocks(capsys):
    status, out, _ = run(capsys, "inspect", str(FIXTURES / "family" / "joined-records-cr.txt"))
    assert status == 0
    assert "== First meeting (10:00-12:00)" in out and "== Second meeting (16:00-18:00)" in out
    assert "Closing" in out and "Omission" in out


def test_bad_utf8_is_one_line_on_stderr_and_status_2(capsys, write_source):
    path = write_source(b" TITLE\n8 October 1973\nTanaka. Caf\xe9.\n")
    status, out, err = run(capsys, "inspect", str(path))
    assert status == 2 and out == ""
    assert err.strip().startswith(f"{path}:3: column 12: byte 0xE9")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_note_mismatch_error_names_the_file_and_line(capsys, write_source):
    path = write_source(
        export(
            "1 May 1970", "Meeting (10:00)", "Tanaka. Yes.{1}", "Tanaka. No.{1}", notes=("One.",)
        )
    )
    status, _, err = run(capsys, "inspect", str(path), "--json")
    assert status == 2 and err.startswith(f"{path}:8: note 1 is called twice")


def test_errata_error_names_the_errata_file_and_entry(capsys, tmp_path):
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "source.txt").write_text(export("1 May 1970", "Meeting (10:00)", "Tanaka. Yes."))
    (folder / "errata.toml").write_text(
        '[[fix]]\nid = "ghost"\nfind = "nowhere"\nreplace = "x"\nreason = "typo"\n'
    )
    status, _, err = run(capsys, "inspect", str(folder))
    assert status == 2 and err.startswith(f"{folder / 'errata.toml'}:1: fix 'ghost'")


def test_unknown_edition_key_is_an_error_with_its_line(capsys, tmp_path):
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "source.txt").write_text(export("1 May 1970", "Tanaka. Yes."))
    (folder / "edition.toml").write_text('[document]\ntitle = "T"\ntitel = "typo"\n')
    status, _, err = run(capsys, "inspect", str(folder))
    assert status == 2 and err.startswith(f"{folder / 'edition.toml'}:3: unknown key 'titel'")


def test_missing_path(capsys, tmp_path):
    status, _, err = run(capsys, "inspect", str(tmp_path / "nope"))
    assert status == 2 and "no such file or folder" in err


@pytest.mark.parametrize("argv", [["inspect", str(RECORD_1973), "--json"]])
def test_python_dash_m_pipeline_runs(argv):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", *argv], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0 and json.loads(done.stdout)["id"] == RECORD_1973.name


def test_an_unwritable_output_folder_is_a_clear_error(capsys, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    status, _, err = run(
        capsys, "build", str(FIXTURES / "family" / "joined-records-cr.txt"), "--to", "epub",
        "--out", str(blocker / "sub"),
    )  # fmt: skip
    assert status == 2 and err.startswith(f"{blocker / 'sub'}") and "cannot write" in err
