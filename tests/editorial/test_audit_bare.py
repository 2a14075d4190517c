"""The audit on a bare .txt of the family: no edition.toml, so the title is the capitals title
line in title case, and that must count as generated, not as altered words."""

from pipeline.cli import main
from tests.conftest import FIXTURES


def test_bare_records_build_and_audit_clean(tmp_path, capsys):
    source = FIXTURES / "family" / "joined-records-cr.txt"
    out = tmp_path / "out"
    assert main(["build", str(source), "--to", "pdf", "--to", "epub", "--out", str(out)]) == 0
    assert main(["audit", str(source), "--out", str(out)]) == 0
    report = capsys.readouterr().out
    assert "edition title in place of the source's title line" in report
    assert "every difference is explained" in report
