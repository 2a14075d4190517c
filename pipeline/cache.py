"""Work every build start would otherwise redo, kept between processes (issue 8 §4).

A cold build spends about a tenth of its time turning fixed inputs into the same structures
again: cffi parses WeasyPrint's C declarations (``library_loading``), pyphen parses its
hyphenation patterns (``writers/hyphenation_patterns``) and Jinja2 compiles the templates. Like
Python's own bytecode, their compiled forms are kept in a folder and used while the input they
came from is unchanged.

Each entry is named by a SHA-256 of everything it was made from (the input's bytes, the versions
of the code that made it and of the Python that reads it), so a changed input gets a new name,
never a stale entry. An entry is written to a temporary file in the same folder and renamed, so a
parallel build (``build --all -j``, ``make -j``, pytest-xdist) never reads half of one.

Where: ``EDITION_PIPELINE_CACHE`` names the folder (empty or ``off`` switches the cache off);
otherwise ``<sys.prefix>/var/cache/edition-pipeline``, inside the virtual environment the project
is installed into, so the cache goes with that environment and never touches the user's home.
A folder that cannot be written, or an entry that cannot be read, only means the work is done
again: the cache never changes an output and never fails a build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

ENVIRONMENT_VARIABLE = "EDITION_PIPELINE_CACHE"
_OFF = ("", "off")


def folder() -> Path | None:
    """The cache folder, or None when the cache is switched off."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen is not None:
        return None if chosen.strip().lower() in _OFF else Path(chosen)
    return Path(sys.prefix) / "var" / "cache" / "edition-pipeline"


def key(*parts: str | bytes) -> str:
    """A name for an entry made from `parts` (the Python version is always one of them)."""
    digest = hashlib.sha256(sys.version.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        # The length first, so ("ab", "c") and ("a", "bc") name different entries.
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def read(kind: str, name: str) -> bytes | None:
    """The entry `name` of `kind`, or None when there is none (or no cache)."""
    base = folder()
    if base is None:
        return None
    try:
        return (base / kind / name).read_bytes()
    except OSError:
        return None


def write(kind: str, name: str, data: bytes) -> None:
    """Keep `data` as the entry `name` of `kind`, or do nothing when that cannot be done."""
    base = folder()
    if base is None:
        return
    target = base / kind / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def subfolder(kind: str) -> Path | None:
    """A folder of its own for a library that keeps its own entries (Jinja2's bytecode cache),
    made if need be; None when there is no cache or it cannot be written."""
    base = folder()
    if base is None:
        return None
    target = base / kind
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return target if os.access(target, os.W_OK) else None


def template_bytecode(creator: str) -> Any:
    """A Jinja2 bytecode cache for the templates of one Environment, or None without a cache.

    `creator` is the file of the module that makes the Environment: the compiled code depends on
    the Environment's options (autoescape, whitespace, extensions) as well as on the template,
    and Jinja2 names an entry by the template's name and checks only its source. So each
    Environment keeps its entries in a folder named by a hash of its module's code and Jinja2's
    version, and a changed option is a new folder.
    """
    if folder() is None:
        return None
    import jinja2

    try:
        code = Path(creator).read_bytes()
    except OSError:
        return None
    place = subfolder(f"jinja2/{key('jinja2 templates', jinja2.__version__, code)}")
    return None if place is None else _quiet_bytecode_cache()(str(place))


@cache
def _quiet_bytecode_cache() -> Any:
    """Jinja2's file cache, made to keep the promise above: its own raises when an entry cannot
    be written (a full disk) or is damaged past its header."""
    import jinja2

    class QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # pickle's and marshal's errors share no base: compile again
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            # The template is compiled; keeping it is a saving, not a duty.
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    return QuietBytecodeCache
