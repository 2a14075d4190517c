"""Turn the table of system dependencies (`tools/system-deps.txt`) into findings about this machine.

The table is the one list of what the pipeline needs from the system; `tools/system-deps.sh`
installs from it, and this module checks it: each row is probed (a shared library loaded as
WeasyPrint loads it, a command run for its version, the vendored fonts read by fontconfig, a
Python module imported) and becomes a `Finding`: found with its version, or missing with the
exact command that installs it. `python -m pipeline doctor` prints them (`report_lines`);
`require_build_dependencies` runs the cheap part of the build rows at the start of every build,
so that a missing library stops it with the doctor's own sentence instead of an OSError from
inside WeasyPrint.

Only the standard library is imported here: the doctor must run on a machine where WeasyPrint
cannot even be imported.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.context import PROJECT_ROOT
from pipeline.errors import PipelineError

TABLE = PROJECT_ROOT / "tools" / "system-deps.txt"
FIELDS = ("name", "package", "jobs", "probe", "target", "version", "minimum", "why")

# What stops working when a dependency of each job is missing, in the order a user meets them.
JOBS: dict[str, str] = {
    "setup": "make setup cannot create .venv",
    "build": "python -m pipeline build (and make editions) stops before building",
    "test": "make test fails its EPUBCheck and audit tests, and make audit cannot run",
    "check": "make check (EPUBCheck and Ace by DAISY) cannot run",
    "cluster": "builds cannot run on a Dask cluster",
    "bench": "make bench reports its measures without the comparison with Pandoc",
}
# Jobs a user may go without: a dependency needed only by them is reported, never missed.
OPTIONAL_JOBS = frozenset({"cluster", "bench"})
# The job whose missing dependencies make the doctor exit 1 and the build stop early.
BUILD = "build"

# The first bytes of the font files fontconfig can read (OpenType CFF, TrueType, Apple TrueType,
# a collection); anything else in styles/fonts/ that a stylesheet names is damaged.
FONT_SIGNATURES = (b"OTTO", b"\x00\x01\x00\x00", b"true", b"ttcf")
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
FONT_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")
# "17.0.15", "v20.20.2", "pdftotext version 22.12.0": the first dotted number is the version.
VERSION = re.compile(r"\d+(?:\.\d+)+")
COMMAND_TIMEOUT = 30  # seconds; every probe here answers in well under one


@dataclass(frozen=True, slots=True)
class Dependency:
    """One row of the table: what the pipeline needs, who provides it, which jobs need it and
    how to find it (`probe`, `target`, `version`: see the table's header)."""

    name: str
    package: str | None  # the Debian package; None for a Python extra
    jobs: tuple[str, ...]
    probe: str
    target: str
    version: str
    minimum: str | None
    why: str
    line: int  # where the row is in the table, for messages about it

    @property
    def optional(self) -> bool:
        return set(self.jobs) <= OPTIONAL_JOBS


@dataclass(frozen=True, slots=True)
class Finding:
    """What the probe of one dependency found: `detail` is its version and place when found, the
    sentence naming the problem and its remedy when missing, the install command when optional."""

    dependency: Dependency
    state: Literal["found", "missing", "optional"]
    detail: str


# --- the table ----------------------------------------------------------------------------------


def read_table(path: Path | None = None) -> tuple[Dependency, ...]:
    """The rows of the table (by default `TABLE`), checked: a malformed row is a PipelineError
    at its line."""
    path = TABLE if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        message = f"cannot read the table of system dependencies: {error.strerror}"
        raise PipelineError(message, path) from None
    rows: list[Dependency] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append(_row(line, path, number))
    _check_unique(rows, path)
    return tuple(rows)


def _row(line: str, path: Path, number: int) -> Dependency:
    fields = [field.strip() for field in line.split("|")]
    if len(fields) != len(FIELDS) or not all(fields):
        raise PipelineError(f"a row needs {len(FIELDS)} fields: {' | '.join(FIELDS)}", path, number)
    name, package, jobs, probe, target, version, minimum, why = fields
    row = Dependency(
        name=name,
        package=None if package == "-" else package,
        jobs=tuple(job.strip() for job in jobs.split(",")),
        probe=probe,
        target=target,
        version=version,
        minimum=None if minimum == "-" else minimum,
        why=why,
        line=number,
    )
    if unknown := [job for job in row.jobs if job not in JOBS]:
        raise PipelineError(f"unknown job {unknown[0]!r} (known: {', '.join(JOBS)})", path, number)
    if probe not in PROBES:
        raise PipelineError(f"unknown probe {probe!r} (known: {', '.join(PROBES)})", path, number)
    if (row.package is None) != (probe == "python"):
        message = "a python row has no Debian package (-), every other row has one"
        raise PipelineError(message, path, number)
    if row.minimum is not None and not VERSION.fullmatch(row.minimum):
        raise PipelineError(f"minimum {row.minimum!r} is not a version", path, number)
    return row


def _check_unique(rows: list[Dependency], path: Path) -> None:
    """A name or a package listed twice would be probed or installed twice (issue 8)."""
    for key in ("name", "package"):
        seen: set[str] = set()
        for row in rows:
            value = getattr(row, key)
            if value is not None and value in seen:
                raise PipelineError(f"{key} {value!r} is listed twice", path, row.line)
            if value is not None:
                seen.add(value)


# --- remedies -----------------------------------------------------------------------------------


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def install_command(dependency: Dependency, root: bool, reinstall: bool = False) -> str:
    """The exact command that installs `dependency`, runnable from the project's folder."""
    if dependency.package is None:
        # A Python row comes from the project's extra named after its job.
        return f".venv/bin/python -m pip install -e '.[{dependency.jobs[0]}]'"
    sudo = "" if root else "sudo "
    again = " --reinstall" if reinstall else ""
    return f"{sudo}apt-get install{again} -y {dependency.package}"


def _missing(dependency: Dependency, problem: str, remedy: str, command: str) -> Finding:
    """The doctor's sentence for a dependency that is not usable: what is wrong, what fixes it."""
    if dependency.optional:
        return Finding(dependency, "optional", f"not installed (optional: {command})")
    return Finding(dependency, "missing", f"{dependency.name}: {problem}; {remedy}: {command}")


def _absent(dependency: Dependency, problem: str, root: bool) -> Finding:
    return _missing(dependency, problem, "install it with", install_command(dependency, root))


def _broken(dependency: Dependency, problem: str, root: bool) -> Finding:
    command = install_command(dependency, root, reinstall=True)
    return _missing(dependency, problem, "reinstall it with", command)


def _versioned(dependency: Dependency, version: str | None, where: str, root: bool) -> Finding:
    """Found; unless older than the table's minimum."""
    if version is None:
        return Finding(dependency, "found", f"version not reported ({where})")
    if dependency.minimum and _version_key(version) < _version_key(dependency.minimum):
        command = install_command(dependency, root)
        return _missing(
            dependency,
            f"version {version} is older than {dependency.minimum}, the oldest that works",
            "install a newer one with",
            command,
        )
    return Finding(dependency, "found", f"{version} ({where})")


def _version_key(version: str) -> tuple[int, ...]:
    match = VERSION.search(version)
    return tuple(int(part) for part in match.group().split(".")) if match else ()


# --- probes -------------------------------------------------------------------------------------
# Each probe takes `thorough`: False runs only what costs no subprocess and no import (the check
# at the start of every build), True everything (the doctor). The quick part comes first in both,
# so a defect it sees is worded the same way by the doctor and by the build.


def probe_library(dependency: Dependency, root: bool, thorough: bool) -> Finding:
    """Load the library by its soname, as WeasyPrint's cffi does, and ask it its version."""
    try:
        library = ctypes.CDLL(dependency.target)
    except OSError:
        return _absent(dependency, f"{dependency.target} cannot be loaded", root)
    try:
        version_string = getattr(library, dependency.version)
    except AttributeError:
        return _broken(dependency, f"{dependency.target} has no {dependency.version}", root)
    version_string.restype = ctypes.c_char_p
    version_string.argtypes = []
    version = version_string().decode("ascii", "replace")
    return _versioned(dependency, version, dependency.target, root)


def probe_command(dependency: Dependency, root: bool, thorough: bool) -> Finding:
    """Find the command on PATH and run it for its version (stdout first: `java -version` and
    the Chromium wrapper write to stderr, and the wrapper writes noise there too)."""
    path = shutil.which(dependency.target)
    if path is None:
        return _absent(dependency, f"{dependency.target} is not on PATH", root)
    if not thorough:
        return Finding(dependency, "found", path)
    command = [path, *shlex.split(dependency.version)]
    shown = " ".join([dependency.target, *command[1:]])
    try:
        result = subprocess.run(
            command, capture_output=True, stdin=subprocess.DEVNULL, timeout=COMMAND_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return _broken(dependency, f"`{shown}` did not run: {error}", root)
    stdout = result.stdout.decode(errors="replace")
    stderr = result.stderr.decode(errors="replace")
    if result.returncode != 0:
        said = _last_line(stderr) or _last_line(stdout) or f"exit status {result.returncode}"
        return _broken(dependency, f"`{shown}` failed: {said}", root)
    match = VERSION.search(stdout) or VERSION.search(stderr)
    return _versioned(dependency, match.group() if match else None, path, root)


def probe_fonts(dependency: Dependency, root: bool, thorough: bool) -> Finding:
    """The font files the stylesheet's @font-face rules name must exist and be fonts, and
    fontconfig (its `fc-query`, named in `version`) must read a family and style from each."""
    stylesheet = PROJECT_ROOT / dependency.target
    try:
        css = stylesheet.read_text(encoding="utf-8")
    except OSError as error:
        return _restore(dependency, f"{dependency.target} cannot be read: {error.strerror}")
    fonts = font_files(css, stylesheet.parent)
    for font in fonts:
        if problem := _font_file_problem(font):
            return _restore(dependency, problem, font)
    fc_query = shutil.which(dependency.version)
    if fc_query is None:
        return _absent(dependency, f"{dependency.version} is not on PATH", root)
    if not thorough:
        return Finding(dependency, "found", ", ".join(_shown(font) for font in fonts))
    faces = []
    for font in fonts:
        face = _query_font(fc_query, font)
        if face is None:
            return _restore(dependency, f"fontconfig cannot read {_shown(font)}", font)
        faces.append(face)
    where = _fontconfig_version(fc_query)
    return Finding(dependency, "found", f"{', '.join(faces) or 'no @font-face'} ({where})")


def font_files(css: str, folder: Path) -> tuple[Path, ...]:
    """The files the @font-face rules of a stylesheet load, in order, each once."""
    found: dict[Path, None] = {}
    for rule in FONT_FACE.finditer(css):
        for url in FONT_URL.findall(rule.group(1)):
            found.setdefault((folder / url).resolve(), None)
    return tuple(found)


def _font_file_problem(font: Path) -> str | None:
    try:
        with font.open("rb") as handle:
            signature = handle.read(4)
    except OSError as error:
        return f"{_shown(font)} cannot be read: {error.strerror}"
    return None if signature in FONT_SIGNATURES else f"{_shown(font)} is not a font"


def _query_font(fc_query: str, font: Path) -> str | None:
    """'Linux Libertine O Italic': the first family and style fontconfig reads from the file."""
    try:
        result = subprocess.run(
            [fc_query, "--format", "%{family[0]}\t%{style[0]}\n", str(font)],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=COMMAND_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = result.stdout.decode(errors="replace").splitlines()
    if result.returncode != 0 or not lines or not lines[0].split("\t")[0]:
        return None
    return " ".join(part for part in lines[0].split("\t") if part)


def _fontconfig_version(fc_query: str) -> str:
    try:
        result = subprocess.run(
            [fc_query, "--version"], capture_output=True, timeout=COMMAND_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired):
        return "fontconfig"
    match = VERSION.search(result.stdout.decode(errors="replace") + result.stderr.decode())
    return f"fontconfig {match.group()}" if match else "fontconfig"


def _restore(dependency: Dependency, problem: str, file: Path | None = None) -> Finding:
    """The vendored files come with the project, not with a package: git brings them back."""
    shown = _shown(file) if file else dependency.target
    return _missing(dependency, problem, "restore it with", f"git checkout -- {shown}")


def probe_python(dependency: Dependency, root: bool, thorough: bool) -> Finding:
    """Import the module (only when it is there at all) and report its distribution's version."""
    from importlib import metadata  # here, not above: it costs the start of every build 30 ms

    top = dependency.target.partition(".")[0]
    if importlib.util.find_spec(top) is None:
        return _absent(dependency, f"{top} is not installed", root)
    if not thorough:
        return Finding(dependency, "found", dependency.target)
    try:
        importlib.import_module(dependency.target)
    except Exception as error:  # a broken install can raise anything on import
        return _broken(dependency, f"import {dependency.target}: {error}", root)
    try:
        version: str | None = metadata.version(dependency.version)
    except metadata.PackageNotFoundError:
        version = None
    return _versioned(dependency, version, dependency.target, root)


Probe = Callable[[Dependency, bool, bool], Finding]
PROBES: dict[str, Probe] = {
    "library": probe_library,
    "command": probe_command,
    "fonts": probe_fonts,
    "python": probe_python,
}


# --- what the doctor and the build do with them ---------------------------------------------------


def examine(
    dependencies: Iterable[Dependency] | None = None, root: bool | None = None
) -> tuple[Finding, ...]:
    """Probe every dependency (by default the rows of `TABLE`) thoroughly, in order."""
    rows = read_table() if dependencies is None else tuple(dependencies)
    as_root = running_as_root() if root is None else root
    return tuple(PROBES[row.probe](row, as_root, True) for row in rows)


def require_build_dependencies(table: Path | None = None) -> None:
    """Stop a build whose system dependencies are missing, at the table's row, with the doctor's
    sentence for the first of them. No subprocess: a few milliseconds, most of it loading the
    libraries that WeasyPrint loads next anyway."""
    table = TABLE if table is None else table
    root = running_as_root()
    for row in read_table(table):
        if BUILD in row.jobs:
            finding = PROBES[row.probe](row, root, False)
            if finding.state == "missing":
                raise PipelineError(finding.detail, _shown(table), row.line)


def exit_status(findings: Iterable[Finding]) -> int:
    """1 when something the build needs is missing, else 0."""
    return int(any(f.state == "missing" and BUILD in f.dependency.jobs for f in findings))


def report_lines(findings: tuple[Finding, ...], root: bool | None = None) -> tuple[str, ...]:
    """One aligned line per dependency, then which jobs the missing ones stop and how to
    install all of them at once."""
    as_root = running_as_root() if root is None else root
    status = {"found": "ok", "missing": "MISSING", "optional": "optional"}
    name_width = max((len(f.dependency.name) for f in findings), default=0)
    jobs_width = max((len(", ".join(f.dependency.jobs)) for f in findings), default=0)
    lines = [
        f"{status[f.state]:<8}  {f.dependency.name:<{name_width}}  "
        f"{', '.join(f.dependency.jobs):<{jobs_width}}  {f.detail}"
        for f in findings
    ]
    missing = [f for f in findings if f.state == "missing"]
    if not missing:
        lines.append("Everything the pipeline needs is installed.")
        return tuple(lines)
    for job, effect in JOBS.items():
        names = [f.dependency.name for f in missing if job in f.dependency.jobs]
        if names:
            lines.append(f"missing for {job} ({', '.join(names)}): {effect}")
    if any(f.dependency.package for f in missing):
        group = "check" if any("check" in f.dependency.jobs for f in missing) else "core"
        sudo = "" if as_root else "sudo "
        lines.append(f"install what is missing with: {sudo}tools/system-deps.sh {group}")
    return tuple(lines)


# --- small helpers ------------------------------------------------------------------------------


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _shown(path: Path) -> str:
    """A path as a user in the project's folder would type it."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
