"""`python -m pipeline suggest`: the typo finder run on document folders and bare files."""

import hashlib
import json
import tomllib

from pipeline.cli import main
from pipeline.stages.errata import apply_errata, parse_errata
from tests.conftest import RECORD_1973, export


def test_errata_already_written_are_not_proposed_again(capsys):
    assert main(["suggest", str(RECORD_1973)]) == 0
    sha256 = hashlib.sha256((RECORD_1973 / "source.txt").read_bytes()).hexdigest()
    assert capsys.readouterr().out == f'source_sha256 = "{sha256}"\n\n# no suggestions\n'


def test_an_entry_of_any_kind_decides_its_place(capsys, write_source, tmp_path):
    # Issue 14 §2: a `keep` entry silences the finder at its place only, unlike words.txt.
    folder = tmp_path / "doc"
    folder.mkdir()
    (folder / "source.txt").write_text(
        export("1 May 1970", "Meeting (10:00)", "Tanaka. We saw spehres.", "Tanaka. And spehres."),
        encoding="utf-8",
    )
    (folder / "errata.toml").write_text(
        '[[fix]]\nid = "kept"\nfind = "saw spehres"\nreplace = "saw spehres"\n'
        'reason = "kept"\nkind = "keep"\n',
        encoding="utf-8",
    )
    assert main(["suggest", str(folder), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [s["context"] for s in found] == ["And spehres"] or [s["suspect"] for s in found] == [
        "spehres"
    ]
    assert all("saw" not in s["context"] for s in found)


def test_a_bare_copy_of_the_1973_record_gets_every_slip_its_errata_fix(capsys, write_source):
    bare = write_source((RECORD_1973 / "source.txt").read_bytes())
    errata = tomllib.loads((RECORD_1973 / "errata.toml").read_text(encoding="utf-8"))
    assert main(["suggest", str(bare), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    suspects = " | ".join(s["suspect"] for s in found)
    for fix in errata["fix"]:
        # Each declared slip is the part of `find` that `replace` changes.
        changed = [w for w in fix["find"].split() if w not in fix["replace"].split()]
        assert all(w.rstrip(".") in suspects for w in changed), (fix["id"], suspects)


def test_each_proposal_is_a_ready_errata_entry_that_applies(capsys, write_source):
    path = write_source(
        export("1 May 1970", "Meeting (10:00)", "Tanaka. The the spehres are wide.")
    )
    assert main(["suggest", str(path)]) == 0
    listing = capsys.readouterr().out
    fixes = parse_errata(listing)  # the whole listing, comments and all
    # The doubled word and the misspelling sit side by side: one entry covers both.
    text, corrections = apply_errata(path.read_text(encoding="utf-8"), fixes, marked=False)
    assert "Tanaka. The spheres are wide." in text and len(corrections) == len(fixes) >= 1
