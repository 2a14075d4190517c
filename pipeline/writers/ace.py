"""Turn an EPUB into the list of accessibility violations that Ace by DAISY reports for it.

Ace (`@daisy/ace-cli`, pinned to 1.4.6) is a Node program that checks an EPUB in a headless
browser. It is not a Python dependency: `install_ace` puts it in the project-local, git-ignored
folder `.tools/ace` with npm, skipping Puppeteer's browser download, and `run_ace` points it at the
system's Chromium (Debian package `chromium`). `HOME` is a fresh temporary folder for each run, so
Ace's caches and logs never touch the user's home (issue 4).

Command line, for `make check` and CI (exit status 0: no violations, 1: violations, 2: Ace could
not run):

    python -m pipeline.writers.ace [--install] BOOK.epub...
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.context import PROJECT_ROOT

ACE_PACKAGE = "@daisy/ace-cli@1.4.6"  # not `@daisy/ace`: its Electron install fails offline
ACE_DIR = PROJECT_ROOT / ".tools" / "ace"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
TIMEOUT = 300  # seconds; a run on our records takes about 6 s


class AceUnavailable(Exception):
    """Ace or a browser for it is missing, or Ace did not produce a report."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One failed Ace check: where, which rule, how serious, and Ace's own words."""

    document: str
    rule: str
    impact: str
    description: str

    def __str__(self) -> str:
        return f"{self.document}: [{self.impact}] {self.rule}: {self.description}"


def ace_executable() -> Path | None:
    """The ace-cli to use: $ACE_CLI, else the project-local install, else one on PATH."""
    if os.environ.get("ACE_CLI"):
        return Path(os.environ["ACE_CLI"])
    local = ACE_DIR / "node_modules" / ".bin" / "ace-cli"
    if local.exists():
        return local
    found = shutil.which("ace-cli")
    return Path(found) if found else None


def chromium_executable() -> str | None:
    if os.environ.get("PUPPETEER_EXECUTABLE_PATH"):
        return os.environ["PUPPETEER_EXECUTABLE_PATH"]
    return next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), None)


def install_ace(folder: Path = ACE_DIR) -> Path:
    """Install ace-cli into `folder` with npm (once) and return the executable."""
    executable = folder / "node_modules" / ".bin" / "ace-cli"
    if executable.exists():
        return executable
    npm = shutil.which("npm")
    if npm is None:
        raise AceUnavailable("npm is not installed; Ace needs Node.js and npm")
    folder.mkdir(parents=True, exist_ok=True)
    # The folder ignores itself, so no project-wide .gitignore entry is needed.
    (folder.parent / ".gitignore").write_text("*\n", encoding="utf-8")
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}  # we use the system's Chromium
    result = subprocess.run(
        [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", ACE_PACKAGE],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if result.returncode != 0 or not executable.exists():
        raise AceUnavailable(f"npm install {ACE_PACKAGE} failed:\n{result.stderr[-2000:]}")
    return executable


def violations_in(report: dict) -> list[Violation]:
    """Every failed assertion of an Ace `report.json` (EARL: `earl:outcome` is "fail")."""
    found: list[Violation] = []
    for document in report.get("assertions", []):
        url = document.get("earl:testSubject", {}).get("url", "?")
        for assertion in document.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "pass":
                test = assertion.get("earl:test", {})
                found.append(
                    Violation(
                        document=url,
                        rule=test.get("dct:title", "?"),
                        impact=test.get("earl:impact", "?"),
                        description=" ".join(result.get("dct:description", "").split()),
                    )
                )
    overall = report.get("earl:result", {}).get("earl:outcome")
    if overall != "pass" and not found:
        found.append(Violation("(publication)", "earl:result", "?", f"outcome {overall!r}"))
    return found


def run_ace(epub: Path, executable: Path | None = None) -> list[Violation]:
    """Check `epub` with Ace and return its violations (empty: none)."""
    executable = executable or ace_executable()
    if executable is None:
        raise AceUnavailable("ace-cli is not installed (python -m pipeline.writers.ace --install)")
    chromium = chromium_executable()
    if chromium is None:
        raise AceUnavailable("no Chromium found for Ace (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="ace-") as scratch:
        home = Path(scratch) / "home"
        home.mkdir()
        out = Path(scratch) / "report"
        env = {
            **os.environ,
            "HOME": str(home),
            "PUPPETEER_EXECUTABLE_PATH": chromium,
            "PUPPETEER_SKIP_DOWNLOAD": "1",
        }
        report_path = out / "report.json"
        # Ace's headless Chromium now and then dies before a report is written (seen twice in
        # a row on a fresh CI clone, then not again): no verdict on the book. Run it once more,
        # verbose, so that a second failure says why instead of "Re-run Ace using --verbose".
        for options in (["-s"], ["--verbose"]):
            result = subprocess.run(
                [str(executable), "-f", *options, "-o", str(out), str(epub)],
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
            if report_path.exists():
                break
        else:
            raise AceUnavailable(
                f"Ace wrote no report for {epub} (exit {result.returncode}):\n"
                f"{(result.stderr or result.stdout)[-2000:]}"
            )
        report = json.loads(report_path.read_text(encoding="utf-8"))
    return violations_in(report)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.writers.ace", description=__doc__)
    parser.add_argument("--install", action="store_true", help=f"install {ACE_PACKAGE} if missing")
    parser.add_argument("epubs", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if not args.epubs and not args.install:
        parser.error("name at least one EPUB, or --install")
    try:
        executable = install_ace() if args.install else ace_executable()
        failed = 0
        for epub in args.epubs:
            violations = run_ace(epub, executable)
            print(f"{epub}: {len(violations)} violation(s)")
            for violation in violations:
                print(f"  {violation}")
            failed += bool(violations)
    except (AceUnavailable, subprocess.TimeoutExpired, OSError) as error:
        print(f"ace: {error}", file=sys.stderr)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
