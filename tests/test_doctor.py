"""`python -m pipeline doctor` and the check at the start of every build (issue 8).

What they protect: a dependency that is hidden for real (a command taken off PATH, a library or
module name that does not exist, a damaged font file) is named with the exact command that
installs it; the exit status says whether the build can run; the build stops with the doctor's
own sentence before WeasyPrint is imported; and tools/system-deps.sh installs exactly the rows of
the table the doctor reads, so no package is ever listed twice.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline import doctor
from pipeline.cli import main
from pipeline.errors import PipelineError
from tests.conftest import RECORD_1973, ROOT

SCRIPT = ROOT / "tools" / "system-deps.sh"
ROOT_USER = os.geteuid() == 0
GROUPS = {"core": {"setup", "build", "test"}, "check": {"setup", "build", "test", "check"}}


def row(name: str) -> doctor.Dependency:
    return next(r for r in doctor.read_table() if r.name == name)


def changed(name: str, **fields: str) -> tuple[doctor.Dependency, ...]:
    """The table with one row changed, e.g. pointed at a library that does not exist."""
    return tuple(
        dataclasses.replace(r, **fields) if r.name == name else r for r in doctor.read_table()
    )


def finding(rows: tuple[doctor.Dependency, ...], name: str) -> doctor.Finding:
    """The finding for one row, probing only that row: each probe of the others runs a
    command (java, chromium, npm …), and the test is about this one."""
    (found,) = doctor.examine(r for r in rows if r.name == name)
    return found


def write_table(path: Path, name: str, field: str, value: str) -> Path:
    """A copy of the real table with one field of one row replaced, line numbers kept."""
    index = doctor.FIELDS.index(field)
    lines = []
    for line in doctor.TABLE.read_text(encoding="utf-8").splitlines():
        fields = line.split("|")
        if not line.startswith("#") and fields[0].strip() == name:
            fields[index] = f" {value} "
        lines.append("|".join(fields))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_doctor(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "doctor"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the table ----------------------------------------------------------------------------------


def test_the_table_names_every_dependency_the_issue_lists_once():
    rows = doctor.read_table()
    names = [r.name for r in rows]
    assert len(names) == len(set(names))
    # Those the issue names (issue 8 §1), in the order a user meets them; others may follow.
    assert [n for n in names if n in ISSUE_LISTS] == list(ISSUE_LISTS)
    assert all(r.why and r.target and r.version for r in rows)
    packages = [r.package for r in rows if r.package]
    assert len(packages) == len(set(packages))


ISSUE_LISTS = (
    "ensurepip",
    "Pango",
    "PangoFT2",
    "HarfBuzz subset",
    "vendored fonts",
    "Java",
    "poppler",
    "Chromium",
    "Node.js",
    "npm",
    "Dask",
)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Foo | foo | build | library | libfoo.so.1 | foo_version", "a row needs 8 fields"),
        (
            "Foo | foo | deploy | library | libfoo.so.1 | foo_version | - | x",
            "unknown job 'deploy'",
        ),
        ("Foo | foo | build | registry | libfoo.so.1 | foo_version | - | x", "unknown probe"),
        ("Foo | - | build | library | libfoo.so.1 | foo_version | - | x", "a python row has no"),
        ("Foo | foo | build | library | libfoo.so.1 | foo_version | new | x", "is not a version"),
        ("Foo | fontconfig | build | library | libfoo.so.1 | foo_version | - | x", "listed twice"),
    ],
)
def test_a_malformed_row_is_an_error_at_its_line(tmp_path, line, problem):
    table = tmp_path / "system-deps.txt"
    original = doctor.TABLE.read_text(encoding="utf-8")
    table.write_text(original + line + "\n", encoding="utf-8")
    with pytest.raises(PipelineError) as error:
        doctor.read_table(table)
    assert error.value.line == len(original.splitlines()) + 1
    assert problem in error.value.message


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_system_deps_sh_installs_exactly_the_tables_rows(group):
    """The script reads the doctor's table: its groups are the table's rows for those jobs."""
    listed = subprocess.run(
        [str(SCRIPT), "--list", group], capture_output=True, text=True, check=True
    ).stdout.split()
    expected = [r.package for r in doctor.read_table() if r.package and GROUPS[group] & set(r.jobs)]
    assert listed == expected
    # make test runs the audit and EPUBCheck: poppler and Java come with the core group.
    assert {"poppler-utils", "default-jre-headless", "libharfbuzz-subset0"} <= set(listed)


def test_system_deps_sh_lists_no_package_of_its_own():
    code = [
        line
        for line in SCRIPT.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    for r in doctor.read_table():
        if r.package:
            assert not any(r.package in line for line in code), r.package


def test_system_deps_sh_tells_a_user_without_root_what_to_run():
    """As a user who is not root, a missing package is named with the sudo command, and nothing
    is installed (the script's table here lists only a package that does not exist)."""
    if ROOT_USER and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to drop it")
    with tempfile.TemporaryDirectory() as folder:
        tools = Path(folder) / "tools"
        tools.mkdir()
        shutil.copy(SCRIPT, tools / "system-deps.sh")
        (tools / "system-deps.txt").write_text(
            "Nothing | no-such-package-doctor | build | library | libnothing.so.0 | nothing"
            " | - | a test\n",
            encoding="utf-8",
        )
        for path in (Path(folder), tools):
            path.chmod(0o755)
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        result = subprocess.run(
            [*(drop if ROOT_USER else []), str(tools / "system-deps.sh"), "core"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "missing Debian packages: no-such-package-doctor" in result.stderr
    assert "sudo apt-get install -y no-such-package-doctor" in result.stderr


# --- this machine -------------------------------------------------------------------------------


def test_a_machine_with_everything_make_test_needs_passes():
    """What `make setup` installs (the core group) is all found; the check group (Chromium,
    Node.js for make check) may be absent on a machine set up for make test only."""
    result = run_doctor()
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    for r in doctor.read_table():
        if GROUPS["core"] & set(r.jobs):
            assert any(re.match(rf"ok +{re.escape(r.name)}  ", line) for line in lines), r.name
    assert not any("missing for build" in line for line in lines)


def test_pango_and_harfbuzz_are_the_libraries_weasyprint_loads():
    """The doctor's versions are those of the libraries WeasyPrint's cffi opened."""
    from weasyprint.text import ffi

    number = ffi.pango.pango_version()
    pango = finding(doctor.read_table(), "Pango")
    assert pango.detail.startswith(f"{number // 10000}.{number // 100 % 100}.{number % 100} ")
    assert ffi.harfbuzz_subset is not None
    subset = finding(doctor.read_table(), "HarfBuzz subset")
    assert subset.state == "found"
    assert ffi.harfbuzz.hb_version_atleast(*doctor._version_key(row("HarfBuzz subset").minimum))


def test_fonts_are_reported_as_fontconfig_sees_them():
    fonts = finding(doctor.read_table(), "vendored fonts")
    assert fonts.state == "found"
    assert fonts.detail.startswith(
        "Linux Libertine O Regular, Linux Libertine O Italic, Linux Libertine O Bold (fontconfig "
    )


def test_lines_are_aligned():
    findings = doctor.examine()
    lines = doctor.report_lines(findings)[: len(findings)]
    starts = {line.index(f.detail) for line, f in zip(lines, findings, strict=True)}
    assert len(starts) == 1


# --- a dependency hidden -------------------------------------------------------------------------


def path_without(folder: Path, *hidden: str) -> str:
    """A PATH of one folder holding every command of this PATH except the hidden ones."""
    folder.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            target = folder / entry.name
            if entry.name not in hidden and not target.exists() and os.access(entry.path, os.X_OK):
                target.symlink_to(entry.path)
    return str(folder)


def test_commands_hidden_from_path_are_named_with_their_install_command(tmp_path):
    result = run_doctor({**os.environ, "PATH": path_without(tmp_path / "bin", "java", "pdftotext")})
    lines = result.stdout.splitlines()
    # Neither is needed by the build, so the build can still run: exit status 0.
    assert result.returncode == 0, result.stdout
    for name, command, package in (
        ("Java", "java", "default-jre-headless"),
        ("poppler", "pdftotext", "poppler-utils"),
    ):
        install = doctor.install_command(row(name), ROOT_USER)
        assert install.endswith(f"apt-get install -y {package}")
        sentence = f"{name}: {command} is not on PATH; install it with: {install}"
        assert any(line.startswith("MISSING") and line.endswith(sentence) for line in lines)
    assert "missing for test (Java, poppler): make test fails" in result.stdout
    assert "missing for check (Java" in result.stdout
    sudo = "" if ROOT_USER else "sudo "
    assert lines[-1] == f"install what is missing with: {sudo}tools/system-deps.sh check"


def test_a_missing_library_is_named_with_its_package():
    # Only the build's rows, so that what else this machine lacks does not change the report.
    rows = tuple(
        r
        for r in changed("HarfBuzz subset", target="libharfbuzz-subset-hidden.so.0")
        if doctor.BUILD in r.jobs
    )
    findings = doctor.examine(rows, root=False)
    found = next(f for f in findings if f.dependency.name == "HarfBuzz subset")
    assert found.state == "missing"
    assert found.detail == (
        "HarfBuzz subset: libharfbuzz-subset-hidden.so.0 cannot be loaded; "
        "install it with: sudo apt-get install -y libharfbuzz-subset0"
    )
    assert doctor.exit_status(findings) == 1
    report = doctor.report_lines(findings, root=False)
    assert "missing for build (HarfBuzz subset): python -m pipeline build" in "\n".join(report)
    assert report[-1] == "install what is missing with: sudo tools/system-deps.sh core"


def test_as_root_the_install_command_has_no_sudo():
    rows = changed("Pango", target="libpango-hidden.so.0")
    (found,) = doctor.examine((r for r in rows if r.name == "Pango"), root=True)
    assert found.detail.endswith("install it with: apt-get install -y libpango-1.0-0")


def test_a_library_older_than_the_minimum_is_missing():
    found = finding(changed("Pango", minimum="999.0"), "Pango")
    assert found.state == "missing"
    assert "is older than 999.0, the oldest that works; install a newer one with:" in found.detail


def test_a_command_that_fails_is_named_with_its_error(tmp_path):
    fake = tmp_path / "java"
    fake.write_text("#!/bin/sh\necho 'Error: no JVM here' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    found = finding(changed("Java", target=str(fake)), "Java")
    assert found.state == "missing"
    assert f"`{fake} -version` failed: Error: no JVM here; reinstall it with:" in found.detail
    assert found.detail.endswith("apt-get install --reinstall -y default-jre-headless")


def test_fontconfig_missing_is_named(tmp_path):
    found = finding(changed("vendored fonts", version="fc-query-hidden"), "vendored fonts")
    assert found.state == "missing"
    assert "fc-query-hidden is not on PATH; install it with:" in found.detail
    assert found.detail.endswith("apt-get install -y fontconfig")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not a font at all", "{font} is not a font"),
        (b"OTTO" + bytes(200), "fontconfig cannot read {font}"),  # a font's signature, no tables
    ],
)
def test_a_file_that_is_not_a_font_is_named(tmp_path, content, problem):
    font = tmp_path.resolve() / "fake.otf"
    font.write_bytes(content)
    css = tmp_path / "print.css"
    css.write_text('@font-face { font-family: "X"; src: url("fake.otf"); }\n', encoding="utf-8")
    found = finding(changed("vendored fonts", target=str(css)), "vendored fonts")
    assert found.state == "missing"
    assert found.detail == (
        f"vendored fonts: {problem.format(font=font)}; restore it with: git checkout -- {font}"
    )


def test_an_absent_optional_module_is_reported_without_failing():
    # The build's rows and Dask: whether make check's commands are here is another matter.
    rows = tuple(
        r
        for r in changed("Dask", target="dask_hidden_for_the_doctor.distributed")
        if doctor.BUILD in r.jobs or r.name == "Dask"
    )
    findings = doctor.examine(rows)
    dask = next(f for f in findings if f.dependency.name == "Dask")
    assert dask.state == "optional"
    assert dask.detail == (
        "not installed (optional: .venv/bin/python -m pip install -e '.[cluster]')"
    )
    assert doctor.exit_status(findings) == 0


# --- the build stops early -----------------------------------------------------------------------


def test_the_build_check_raises_the_doctors_sentence(tmp_path):
    table = write_table(tmp_path / "system-deps.txt", "Pango", "target", "libpango-hidden.so.0")
    expected = finding(doctor.read_table(table), "Pango")
    with pytest.raises(PipelineError) as error:
        doctor.require_build_dependencies(table)
    assert error.value.message == expected.detail
    assert error.value.line == row("Pango").line


def test_the_build_check_runs_no_subprocess(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the check at the start of every build ran a subprocess")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    doctor.require_build_dependencies()


def test_the_doctor_exits_1_when_the_build_cannot_run(tmp_path, monkeypatch, capsys):
    table = write_table(tmp_path / "system-deps.txt", "HarfBuzz subset", "target", "libno.so.0")
    monkeypatch.setattr(doctor, "TABLE", table)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "HarfBuzz subset: libno.so.0 cannot be loaded; install it with:" in out


def test_a_build_missing_pango_stops_before_weasyprint_is_imported(tmp_path):
    """Without Pango `import weasyprint` raises an OSError; the build must say why first."""
    table = write_table(tmp_path / "system-deps.txt", "Pango", "target", "libpango-hidden.so.0")
    script = (
        "import sys, pathlib\n"
        "from pipeline import doctor\n"
        "doctor.TABLE = pathlib.Path(sys.argv[1])\n"
        "from pipeline.cli import main\n"
        "status = main(['build', sys.argv[2], '--to', 'pdf', '--out', sys.argv[3]])\n"
        "print('imported' if 'weasyprint' in sys.modules else 'not imported')\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(table), str(RECORD_1973), str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    sentence = finding(doctor.read_table(table), "Pango").detail
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"system-deps.txt:{row('Pango').line}: {sentence}")
    assert result.stdout.strip() == "not imported"
    assert not list(tmp_path.glob("*.pdf"))
