"""Turn a finished set of files into an output folder, all together or not at all.

This is the only module that writes editions. A build's files (the PDF, the EPUB, the errata and
normalisation reports, the build stamp) must never be seen half-replaced: a reader, `make`, or
the next build finds either the whole earlier set or the whole new one (issue 13).

How: the new set is written into a staging folder beside the output folder (same file system),
together with hard links to the earlier files this build does not replace (the PDF, when only the
EPUB is rebuilt), and the two folders are then swapped in one step with Linux's
`renameat2(RENAME_EXCHANGE)`. Where the file system cannot exchange, the earlier folder is moved
aside and the new one renamed into place; a build killed between those two renames leaves the
earlier set beside the output folder, and the next build puts it back before doing anything else.
Leftovers of a killed build (staging and retired folders, `.<name>.*`) are removed by the next
build of the same folder. A lock file per output folder keeps two builds of one document (two
`make` jobs, two terminals) from interleaving.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.interrupts import stop_if_interrupted

STAGING = "staging"
# What an earlier version of the pipeline left when killed mid-write (`.errata.json.x1y2.tmp`):
# never carried into a new set.
LEFTOVER_FILE = re.compile(r"\..+\.tmp")
RETIRED = "retired"

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc_renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _libc_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system or file system cannot."""
    if _RENAMEAT2 is None:
        return False
    status = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if status == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _leftovers(out_dir: Path, kind: str) -> list[Path]:
    prefix = f".{out_dir.name}.{kind}-"
    if not out_dir.parent.is_dir():
        return []
    return sorted(p for p in out_dir.parent.iterdir() if p.name.startswith(prefix))


def recover(out_dir: Path) -> None:
    """Undo what a killed build left: put a retired set back if the output folder is missing,
    then remove staging and retired folders."""
    retired = _leftovers(out_dir, RETIRED)
    if retired and not out_dir.exists():
        # Killed between "move the old set aside" and "move the new set in": the old set is
        # whole, the new one may not be; keep the old.
        os.rename(retired[-1], out_dir)
        retired = retired[:-1]
    for leftover in (*retired, *_leftovers(out_dir, STAGING)):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock (a `.<name>.lock` file beside it) for a whole swap."""
    lock_path = out_dir.parent / f".{out_dir.name}.lock"
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every file under `source` into `target` (same names), making folders;
    leftovers of killed writes stay behind."""
    for entry in source.iterdir():
        if LEFTOVER_FILE.fullmatch(entry.name):
            continue
        destination = target / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry), destination)
        elif entry.is_dir():
            destination.mkdir()
            _link_tree(entry, destination)
        else:
            try:
                os.link(entry, destination)
            except OSError:
                shutil.copy2(entry, destination)


def check_targets(out_dir: Path, names: Mapping[str, bytes] | list[str]) -> None:
    """Refuse before any work when an output path is taken by something that is not a file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise PipelineError(
            "cannot write: the output folder is a file; remove it or choose another --out", out_dir
        )
    blocker = next((p for p in out_dir.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise PipelineError(f"cannot write: {blocker} is a file, not a folder", out_dir)
    for name in names:
        target = out_dir / name
        if target.is_dir() and not target.is_symlink():
            raise PipelineError(
                "is a folder where the build must write a file; move it away first", target
            )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, 0o644)


def check_owned(out_dir: Path, owned: Callable[[str], bool]) -> None:
    """Refuse an output folder holding anything a build would not write there: the swap moves
    the whole folder, so `--out ~` must not take the user's home with it."""
    if not out_dir.is_dir():
        return
    foreign = sorted(
        entry.name
        for entry in out_dir.iterdir()
        if not owned(entry.name) and not LEFTOVER_FILE.fullmatch(entry.name)
    )
    if foreign:
        shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
        raise PipelineError(
            f"holds files that are not this edition's ({shown}); an output folder belongs to one "
            "edition: choose an empty folder or the edition's own",
            out_dir,
        )


def publish(
    out_dir: Path,
    files: Mapping[str, bytes],
    *,
    remove: tuple[str, ...] = (),
    owned: Callable[[str], bool] = lambda name: True,
    also: Callable[[Path], Mapping[str, bytes]] | None = None,
) -> None:
    """Make `out_dir` hold `files` (names relative to it) and what it held before except the
    names in `remove`, in one step. `owned` says which names may be in an edition's folder;
    `also(out_dir)`, called under the lock, gives files that depend on what the folder holds
    then (the build stamp). Raises PipelineError when the folder cannot be written."""
    # The last moment to stop: a Ctrl-C whose exception was dropped (interrupts.py) must not
    # let an interrupted build publish.
    stop_if_interrupted()
    out_dir = Path(out_dir)
    check_targets(out_dir, files)
    check_owned(out_dir, owned)
    # Work on the real folder: swapping a symlink would swap the link, not the edition.
    out_dir = Path(os.path.realpath(out_dir))
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with locked(out_dir):
            recover(out_dir)
            _swap_in(out_dir, {**files, **(also(out_dir) if also else {})}, remove)
    except OSError as error:
        raise PipelineError(
            f"cannot write: {error.strerror or error}", error.filename or out_dir
        ) from None


def _swap_in(out_dir: Path, files: Mapping[str, bytes], remove: tuple[str, ...]) -> None:
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.{STAGING}-"))
    try:
        os.chmod(staging, 0o755)
        if out_dir.is_dir():
            _link_tree(out_dir, staging)
            for name in (*files, *remove):
                target = staging / name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                elif os.path.lexists(target):
                    target.unlink()
        for name, data in files.items():
            _write(staging / name, data)
        if not out_dir.exists():
            os.rename(staging, out_dir)
            return
        if exchange(staging, out_dir):
            shutil.rmtree(staging, ignore_errors=True)  # it now holds the earlier set
            return
        retired = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.{RETIRED}-"))
        os.rmdir(retired)
        os.rename(out_dir, retired)
        os.rename(staging, out_dir)
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
