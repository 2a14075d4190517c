"""The catalogue of hostile folders (catalogue.py) run against the command line (issue 13).

Every case runs in fresh `python -m pipeline` processes, as a user would run them: `build`
(both formats, into an output folder that already holds a good edition), `inspect`, `suggest`
and `audit`. For a folder that must fail, each command must exit 2 with exactly one line on
stderr, `file:line: problem` at the place the case names, no traceback, nothing on stdout, and
the earlier edition byte for byte as it was, with nothing left beside it. For a folder that must
build, the build must exit 0 with its warning, and the EPUB must be well-formed XML throughout.

The processes run a few at a time (they mostly wait on imports). `suggest` and `audit` of the
folders that build take seconds each: they run when PIPELINE_TEST_FULL is set (`make fuzz`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import ROOT
from tests.robustness.catalogue import CASES, SOUND, Case

FULL = bool(os.environ.get("PIPELINE_TEST_FULL"))
TIMEOUT = 120  # seconds; a hang is a failure, not a stuck test run


@dataclass(frozen=True)
class Run:
    command: str
    status: int
    stdout: str
    stderr: str
    timed_out: bool = False


def run_pipeline(*argv: str, timeout: float = TIMEOUT) -> Run:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PIPELINE_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        env=env,
    )
    return Run(argv[0], done.returncode, done.stdout, done.stderr)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative name → bytes), links as their targets."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


def make_folder(case: Case, place: Path) -> Path:
    """The case's document folder `place/record`, with `place/outside` beside it holding sound
    files for links to point at."""
    outside = place / "outside"
    outside.mkdir(parents=True)
    (outside / "source.txt").write_text(SOUND, encoding="utf-8")
    (outside / "errata.toml").write_text(
        '[[fix]]\nid = "o"\nfind = "we agree"\nreplace = "we do"\nreason = "t"\n'
    )
    (outside / "edition.toml").write_text('[document]\ntitle = "Outside"\n')
    folder = place / "record"
    folder.mkdir()
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == "{fifo}":
            os.mkfifo(path)
        else:
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    for name, target in case.links.items():
        os.symlink(target.replace("{outside}", str(outside)), folder / name)
    return folder


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> dict[str, bytes]:
    """A good edition of a folder named `record`, as an earlier build left it."""
    place = tmp_path_factory.mktemp("earlier")
    folder = place / "record"
    folder.mkdir()
    (folder / "source.txt").write_text(SOUND, encoding="utf-8")
    done = run_pipeline("build", str(folder), "--out", str(place / "out"))
    assert done.status == 0, done.stderr
    return snapshot(place / "out")


def commands_for(case: Case) -> tuple[str, ...]:
    if case.error is None and not FULL:
        return tuple(c for c in case.commands if c in ("build", "inspect"))
    return case.commands


def argv_for(command: str, folder: Path, out: Path) -> list[str]:
    argv = [command, str(folder)]
    if command in ("build", "audit"):
        argv += ["--out", str(out)]
    if command == "build":
        argv += ["--force"]
    return argv


def run_forked(jobs: list[dict], place: Path) -> dict[str, Run]:
    """Run `jobs` through forkrun.py (see there): one process per command line."""
    (place / "jobs.json").write_text(json.dumps(jobs))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.robustness.forkrun",
            str(place / "jobs.json"),
            str(place / "results.json"),
            "--timeout",
            str(TIMEOUT),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30 * 60,
    )
    assert done.returncode == 0, done.stderr
    raw = json.loads((place / "results.json").read_text())
    return {
        key: Run(key.split(":")[1], r["status"], r["stdout"], r["stderr"], r["timed_out"])
        for key, r in raw.items()
    }


@pytest.fixture(scope="module")
def results(tmp_path_factory, earlier) -> dict[str, tuple[Path, Path, list[Run]]]:
    """Every case's folder, made beside a copy of the earlier edition, and its commands run:
    the builds first, then the commands that read what a build left."""
    base = tmp_path_factory.mktemp("catalogue")
    folders, jobs = {}, []
    for case in CASES:
        place = base / case.name
        folder = make_folder(case, place)
        for name, data in earlier.items():
            (place / "out" / name).parent.mkdir(parents=True, exist_ok=True)
            (place / "out" / name).write_bytes(data)
        folders[case.name] = (place, folder)
        for command in commands_for(case):
            jobs.append(
                {
                    "id": f"{case.name}:{command}",
                    "argv": argv_for(command, folder, place / "out"),
                    "phase": 0 if command == "build" else 1,
                }
            )
    runs = run_forked(jobs, base)
    return {
        case.name: (*folders[case.name], [runs[f"{case.name}:{c}"] for c in commands_for(case)])
        for case in CASES
    }


def test_the_catalogue_is_sound():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names)), "case names are unique"
    assert len(CASES) >= 67, "at least as many cases as the issue's catalogue"
    assert all(case.why.strip() for case in CASES), "every case says why it exists"
    assert all(case.error is None or case.error.strip() for case in CASES)


def where(case: Case, folder: Path) -> str:
    """The start of the message: `file:line: ` (or `file: `)."""
    path = folder / case.at if case.at else folder
    return f"{path}:{case.line}: " if case.line else f"{path}: "


def assert_refused(case: Case, place: Path, folder: Path, runs: list[Run], earlier) -> None:
    for run in runs:
        label = f"{case.name}: {run.command}"
        lines = run.stderr.strip().splitlines()
        assert "Traceback" not in run.stderr, f"{label}: {run.stderr}"
        if run.command in case.lenient and run.status == 0:
            continue
        assert run.status == 2, f"{label}: exit {run.status}: {run.stderr}"
        assert len(lines) == 1, f"{label}: one line on stderr, got {lines}"
        assert lines[0].startswith(where(case, folder)), f"{label}: {lines[0]}"
        assert case.error in lines[0], f"{label}: {lines[0]}"
        assert run.stdout == "", f"{label}: nothing on stdout"
    assert snapshot(place / "out") == earlier, f"{case.name}: the earlier edition is untouched"
    assert sorted(p.name for p in place.iterdir()) == ["out", "outside", "record"], (
        f"{case.name}: nothing written beside the output folder"
    )


def assert_well_formed_epub(path: Path) -> None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist()[0] == "mimetype"
        for name in archive.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml", ".svg")):
                etree.fromstring(archive.read(name), parser)  # raises if not well-formed


def assert_built(case: Case, place: Path, runs: list[Run]) -> None:
    for run in runs:
        label = f"{case.name}: {run.command}"
        assert "Traceback" not in run.stderr, f"{label}: {run.stderr}"
        allowed = (0, 1) if run.command == "audit" else (0,)
        assert run.status in allowed, f"{label}: exit {run.status}: {run.stderr}"
        if case.warns and run.command in ("build", "inspect"):
            assert case.warns in run.stderr, f"{label}: warns {case.warns!r}: {run.stderr}"
    assert_well_formed_epub(place / "out" / "record.epub")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case: Case, results, earlier):
    place, folder, runs = results[case.name]
    if case.error is None:
        assert_built(case, place, runs)
    else:
        assert_refused(case, place, folder, runs, earlier)


def test_bundled_documents_are_within_the_default_limits():
    """The limits are set far above real records: the family must pass them with room."""
    from pipeline.limits import DEFAULT_LIMITS, check_text
    from pipeline.stages.read import decode

    family = [*sorted((ROOT.parent / "shared" / "sources").glob("*.txt"))]
    family += [p / "source.txt" for p in sorted((ROOT / "sources").iterdir())]
    for path in family:
        if path.is_file():
            text = decode(path.read_bytes(), path=path)
            check_text(text, path, DEFAULT_LIMITS)
            longest = max(len(line) for line in text.split("\n"))
            assert longest * 10 < DEFAULT_LIMITS.paragraph_characters, path
            assert len(text) * 20 < DEFAULT_LIMITS.record_characters, path
