"""The audit tests' shared builds: each bundled record prepared and built once per test session.

A bundled record's PDF takes seconds to lay out; the audit's test files all read the same
three records, so they take them from `built_once(folder)` instead of building their own. The
files are those `python -m pipeline build` writes (`build_one`), so the tests audit what
`make audit` audits. Tests that break an edition rebuild it themselves from `final` and `ctx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.build import build_one
from pipeline.context import Context
from pipeline.inputs import read_inputs
from pipeline.model import Document
from pipeline.pipeline import prepare
from pipeline.stages.read import read_source


@dataclass(frozen=True)
class Built:
    """A record as the audit reads it: the model before and after typography, the build
    context, the source's text, and the built files by name."""

    read: Document
    final: Document
    ctx: Context
    source_text: str
    files: dict[str, bytes]

    @property
    def pdf(self) -> bytes:
        return self.files[f"{self.ctx.id}.pdf"]

    @property
    def epub(self) -> bytes:
        return self.files[f"{self.ctx.id}.epub"]


@cache
def built_once(folder: Path) -> Built:
    """`folder` prepared and built once for the whole session."""
    read, ctx = prepare(folder, typography=False)
    final, _ = prepare(folder)
    files = dict(build_one(read_inputs(folder), ("pdf", "epub")).files)
    return Built(read, final, ctx, read_source(ctx.source, encoding=ctx.settings.encoding), files)
