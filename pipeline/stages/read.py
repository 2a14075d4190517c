"""Turn a source file's bytes into text: decoded, without byte-order mark, with "\\n" line ends.

Nothing else changes here, so line numbers in every later message are the line numbers the
editor sees in the file. Word exports arrive as UTF-8 (with or without BOM); an older archive may
declare another encoding (`[source] encoding = "cp1252"` in edition.toml).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.stages.tokens import RESERVED, RESERVED_RANGE


def decode(data: bytes, *, encoding: str = "utf-8", path: Path | str = "<input>") -> str:
    """Decode `data`; invalid bytes are an error naming line, column and byte value."""
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig"):
        encoding = "utf-8"
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        bad = data[error.start : error.end]
        raise PipelineError(
            f"column {column}: byte {' '.join(f'0x{b:02X}' for b in bad)} is not valid {encoding}"
            " (if the file uses another encoding, declare it in edition.toml:"
            ' [source] encoding = "cp1252")',
            path,
            line,
        ) from None
    except LookupError:
        raise PipelineError(f"unknown encoding {encoding!r}", path) from None
    # Windows (CRLF) and classic Mac (CR) exports: one newline convention from here on.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_reserved(text, path)
    return text


def check_reserved(text: str, path: Path | str, line_offset: int = 0) -> None:
    """Refuse the private-use characters the pipeline uses as tokens (tokens.py): the later
    stages would read them as note calls or interventions."""
    found = RESERVED.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    raise PipelineError(
        f"column {column}: character U+{ord(found.group()):04X} is one of the private-use "
        f"characters {RESERVED_RANGE} that the pipeline reserves for its own marks",
        path,
        line + line_offset,
    )


def read_source(path: Path, *, encoding: str = "utf-8") -> str:
    """Read and decode one source file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PipelineError(f"cannot read source: {error.strerror}", path) from None
    return decode(data, encoding=encoding, path=path)
