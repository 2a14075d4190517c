"""Turn a document folder (or a bare `.txt`) into its input files, read into memory once.

A build reads nothing else of the document. The bytes travel to whoever builds it (this process, a
local worker process, a Dask worker on another machine), so workers need no shared disk, and the
fingerprint that decides whether an edition is up to date is taken over exactly these bytes.

A document folder is `<id>/` holding `source.txt` and optionally `errata.toml` and `edition.toml`
(`words.txt` is read by the typo finder only). Those files must be the folder's own: a folder
received from someone else must not be able to make the build read the user's other files, so a
symlink that leads out of the folder is refused (issue 13).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError

SOURCE_NAME = "source.txt"
ERRATA_NAME = "errata.toml"
EDITION_NAME = "edition.toml"

# A real record is a few hundred kilobytes; a file of this size is a mistake, or an attack on the
# machine's memory (issue 13: a 30 MB record held WeasyPrint for minutes with 7 GiB).
MAX_SOURCE_BYTES = 8 * 1024 * 1024
MAX_SETTINGS_BYTES = 1024 * 1024


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
    """The output folder name for a document folder or file stem."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip("-") or "document"


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
        size = path.stat().st_size
        if size > limit:
            raise PipelineError(
                f"{what} is {size:,} bytes, more than the {limit:,} a record can have", path
            )
        return path.read_bytes()
    except OSError as error:
        raise PipelineError(f"cannot read {what}: {error.strerror}", path) from None


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
        id=slug(folder.name),
        source=InputFile(str(source), data),
        errata=_optional(folder, ERRATA_NAME, "errata"),
        edition=_optional(folder, EDITION_NAME, "edition settings"),
        folder=str(folder),
    )


def decoded(file: InputFile, what: str) -> str:
    """A settings file's text (UTF-8); bad bytes are an error naming the file."""
    try:
        return file.data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = file.data.count(b"\n", 0, error.start) + 1
        raise PipelineError(
            f"{what} must be UTF-8 text ({error.reason})", file.path, line
        ) from None
