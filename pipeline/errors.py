"""The project's one error type: a problem in an input, located by file and line.

The command line prints it as `file:line: problem` and exits with status 2; nothing the user
feeds the pipeline should ever surface as a traceback.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any


class PipelineError(Exception):
    """Bad input or a build that cannot honestly go on; `path`/`line` say where."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __reduce__(self) -> tuple[type[PipelineError], tuple[str, str | None, int | None]]:
        # Errors travel back from worker processes and Dask workers by pickling; the default
        # would keep only the message and lose the file and line.
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


def parse_toml(text: str, path: Path | str) -> dict[str, Any]:
    """Parse a settings file; a syntax error becomes a PipelineError at its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"at line (\d+)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise PipelineError(
            f"not valid TOML: {message}", path, int(match.group(1)) if match else None
        ) from None
    except RecursionError:
        # tomllib reads nested arrays and tables recursively (issue 13: a "TOML bomb").
        deep = re.search(r"(?:[\[{]\s*){100}", text)
        line = text.count("\n", 0, deep.start()) + 1 if deep else None
        raise PipelineError("not valid TOML: nested far too deeply", path, line) from None
    except ValueError:
        # An integer of thousands of digits: Python refuses to convert it.
        long = re.search(r"\d{4000}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else None
        raise PipelineError("not valid TOML: a number far too long", path, line) from None
