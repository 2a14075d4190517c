"""Turn a document folder (or a bare `.txt`) into its input files, read into memory once.

A build reads nothing else of the document. The bytes travel to whoever builds it (this process, a
local worker process, a Dask worker on another machine), so workers need no shared disk, and the
fingerprint that decides whether an edition is up to date is taken over exactly these bytes.

A document folder is `<id>/` holding `source.txt` and optionally `errata.toml` and `edition.toml`
(`words.txt` is read by the typo finder only, through `read_words`). Those files must be the
folder's own: a folder received from someone else must not be able to make the build read the
user's other files, so a symlink that leads out of the folder is refused, and so is anything that
is not a regular file (a named pipe would hang the build, a device would never end) (issue 13).
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError

# What is read at most, before anything is decoded (the limits proper are checked on the text,
# limits.py): a bigger file is a mistake, or an attack on the machine's memory.
from pipeline.limits import MAX_SETTINGS_BYTES, MAX_SOURCE_BYTES

SOURCE_NAME = "source.txt"
ERRATA_NAME = "errata.toml"
EDITION_NAME = "edition.toml"
WORDS_NAME = "words.txt"


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file's bytes and the path to name in messages (as the user gave it)."""

    path: str
    data: bytes


@dataclass(frozen=True, slots=True)
class DocumentInputs:
    """Everything a build of one document reads; `folder` is None for a bare `.txt`."""

    id: str
    source: InputFile
    errata: InputFile | None = None
    edition: InputFile | None = None
    folder: str | None = None


def slug(name: str) -> str:
    """The output folder name for a document folder or file stem; never "." or ".." (a
    folder given as `..` must not make the output folder the output folder's parent), never
    hidden (leading dots go)."""
    kept = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    return kept.strip("-").lstrip(".").strip("-") or "document"


def _name(folder: Path) -> str:
    """The folder's own name, also for `.` and `..` (which name no folder by themselves)."""
    return Path(os.path.abspath(folder)).name


def document_folder(path: Path) -> tuple[Path, Path | None]:
    """(source file, document folder or None) for a folder, its `source.txt`, or a bare `.txt`."""
    path = Path(path)
    if path.is_dir():
        source = path / SOURCE_NAME
        if not source.is_file():
            raise PipelineError(f"a document folder must hold {SOURCE_NAME}", path)
        return source, path
    if path.is_file():
        return path, (path.parent if path.name == SOURCE_NAME else None)
    raise PipelineError("no such file or folder", path)


def _inside(folder: Path, path: Path) -> bool:
    real_folder = os.path.realpath(folder)
    return os.path.commonpath([real_folder, os.path.realpath(path)]) == real_folder


def _read(path: Path, folder: Path | None, limit: int, what: str) -> bytes:
    if folder is not None and not _inside(folder, path):
        raise PipelineError(
            f"is a link to {os.path.realpath(path)}, outside the document folder; a document "
            f"folder's {what} must be its own file (copy it in instead of linking it)",
            path,
        )
    try:
        # Opened without blocking, so that a named pipe in the folder cannot hang the build
        # before it is seen not to be a regular file.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise PipelineError(f"is not a regular file, so it cannot be the {what}", path)
            data = handle.read(limit + 1)  # at most: the file may grow while it is read
    except OSError as error:
        raise PipelineError(f"cannot read {what}: {error.strerror}", path) from None
    if len(data) > limit:
        raise PipelineError(
            f"{what} is more than {limit:,} bytes, far more than a real one can be", path
        )
    return data


def _optional(folder: Path, name: str, what: str) -> InputFile | None:
    path = folder / name
    if not os.path.lexists(path):
        return None
    if path.is_dir():
        raise PipelineError(f"is a folder, not the document's {what}", path)
    return InputFile(str(path), _read(path, folder, MAX_SETTINGS_BYTES, what))


def read_inputs(path: Path | str) -> DocumentInputs:
    """Read a document's input files; problems name the file."""
    source, folder = document_folder(Path(path))
    data = _read(source, folder, MAX_SOURCE_BYTES, "source")
    if folder is None:
        return DocumentInputs(id=slug(source.stem), source=InputFile(str(source), data))
    return DocumentInputs(
        id=slug(_name(folder)),
        source=InputFile(str(source), data),
        errata=_optional(folder, ERRATA_NAME, "errata"),
        edition=_optional(folder, EDITION_NAME, "edition settings"),
        folder=str(folder),
    )


def read_words(folder: Path | None) -> str | None:
    """A document's `words.txt` (UTF-8), or None when it has none; the same checks as the
    other input files (the typo finder reads it, issue 13 §3)."""
    if folder is None:
        return None
    folder = Path(folder)
    path = folder / WORDS_NAME
    if not os.path.lexists(path):
        return None
    if path.is_dir():
        raise PipelineError("is a folder, not the document's list of accepted words", path)
    data = _read(path, folder, MAX_SETTINGS_BYTES, "list of accepted words")
    return decoded(InputFile(str(path), data), "the list of accepted words")


def decoded(file: InputFile, what: str) -> str:
    """A settings file's text (UTF-8, with or without the byte-order mark Windows editors
    write); bad bytes are an error naming the file, and UTF-16 is named as such."""
    data = file.data
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PipelineError(
            f"{what} is UTF-16 text (its byte-order mark says so); save it as UTF-8", file.path, 1
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PipelineError(
            f"{what} must be UTF-8 text ({error.reason})", file.path, line
        ) from None
