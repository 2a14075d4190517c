"""Instructions executed by one stretch of Python, counted by Valgrind's callgrind.

Seconds on these shared machines swing by ±10 % from run to run with other tenants' load, and
even CPU seconds move with cache and frequency effects; the number of instructions a stretch
of code executes does not (the same total twice, with the other core loaded: see the machine
notes). A ratio of two stretches that do mostly the same work, such as a PDF build against a
bare render of its HTML, is then a measure of the extra work that noise cannot decide.

How: a child Python runs under `valgrind --tool=callgrind --instr-atstart=no`, so that its
imports and warm-up run uninstrumented (about 5× slower than native, not 50×). Around each
stretch to count, it calls a tiny C library compiled here from Valgrind's own header
(`callgrind.h`'s client requests can only be issued from machine code, not from `ctypes`):
`start()` turns instrumentation on; `stop(label)` turns it off and has callgrind write the
counts since `start()` to a file of their own, whose "totals:" line the parent reads.

Needs `valgrind` (which carries the header) and a C compiler: `tools/system-deps.sh bench`.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

HEADER = Path("/usr/include/valgrind/callgrind.h")

SHIM = r"""
#include <valgrind/callgrind.h>
int counting(void) { return RUNNING_ON_VALGRIND; }
void start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void stop(const char *label) { CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS_AT(label); }
"""

# Where the child writes its dumps, and that it should count at all (set by `run_counted`).
DUMPS_ENV = "BENCH_CALLGRIND_DUMPS"


def missing() -> str | None:
    """Why instructions cannot be counted here, or None."""
    if shutil.which("valgrind") is None:
        return "valgrind is not installed"
    if not HEADER.is_file():
        return f"{HEADER} is missing (Debian's valgrind package carries it)"
    if compiler() is None:
        return "no C compiler (cc) to build the callgrind shim"
    return None


def compiler() -> str | None:
    return shutil.which("cc") or shutil.which("gcc")


def shim(folder: Path) -> Path:
    """The shim library, compiled into `folder` once (named by its source's hash)."""
    digest = hashlib.sha256(SHIM.encode() + HEADER.read_bytes()).hexdigest()[:16]
    library = folder / f"callgrind-shim-{digest}.so"
    if not library.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"callgrind-shim-{digest}.c"
        source.write_text(SHIM)
        partial = library.with_suffix(".so.partial")
        subprocess.run(
            [compiler() or "cc", "-O1", "-shared", "-fPIC", "-o", partial, source],
            check=True,
            capture_output=True,
        )
        partial.replace(library)
    return library


_LIBRARY: ctypes.CDLL | None = None


def _library() -> ctypes.CDLL | None:
    """The shim, in a child that `run_counted` started under callgrind; None elsewhere."""
    global _LIBRARY
    if _LIBRARY is None and os.environ.get(DUMPS_ENV):
        library = ctypes.CDLL(str(shim(Path(os.environ[DUMPS_ENV]))))
        library.stop.argtypes = [ctypes.c_char_p]
        if library.counting():
            _LIBRARY = library
    return _LIBRARY


@contextmanager
def counted(label: str) -> Iterator[None]:
    """Count the instructions of the block as `label` (nothing, outside callgrind)."""
    library = _library()
    if library is not None:
        library.start()
    try:
        yield
    finally:
        if library is not None:
            library.stop(label.encode())


_TOTALS = re.compile(r"^totals:\s+(\d+)", re.MULTILINE)
_TRIGGER = re.compile(r"^desc: Trigger: Client Request: (.*)$", re.MULTILINE)


def run_counted(command: Sequence[str | Path], cwd: Path) -> dict[str, int]:
    """Run a Python command (its first item the interpreter) under callgrind; the instructions
    of each `counted(label)` block it ran, by label (a label used twice keeps the last)."""
    with tempfile.TemporaryDirectory(prefix="callgrind-") as tmp:
        dumps = Path(tmp)
        shim(dumps)  # compiled before the child starts, outside the counting
        env = {
            **os.environ,
            DUMPS_ENV: str(dumps),
            # The same hash seed every run: set and dict orders, and so the work, repeat.
            "PYTHONHASHSEED": "0",
        }
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={dumps}/out.%p",
                *map(str, command),
            ],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"failed under callgrind ({done.returncode}):\n{done.stderr[-2000:]}")
        counts: dict[str, int] = {}
        for dump in sorted(dumps.glob("out.*"), key=_dump_order):
            text = dump.read_text(errors="replace")
            trigger, totals = _TRIGGER.search(text), _TOTALS.search(text)
            if trigger and totals:
                counts[trigger.group(1).strip()] = int(totals.group(1))
        return counts


def _dump_order(path: Path) -> tuple[int, ...]:
    """out.PID.N: by dump number (the final out.PID, written at exit, last)."""
    return tuple(int(part) for part in path.name.split(".")[1:] if part.isdigit()) + (
        (sys.maxsize,) if path.name.count(".") == 1 else ()
    )
