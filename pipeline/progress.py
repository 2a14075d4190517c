"""Turn a batch's callbacks into what the person at the terminal sees while it runs.

On a terminal: one `rich` progress bar with documents done, failed and left, the documents in
hand, elapsed and estimated time. Anywhere else (CI logs, pipes, files): nothing while it runs,
so logs stay readable; the command line prints the failures and a one-line summary at the end
either way.
"""

from __future__ import annotations

import sys
from typing import TextIO

from pipeline.batch import Outcome


class TerminalProgress:
    """A `batch.Progress` drawn with rich on `stream` (a terminal)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]editions"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[current]}"),
            console=Console(file=stream),
            transient=True,
        )
        self._task = self._progress.add_task("editions", total=None, counts="", current="")
        self._in_hand: list[str] = []
        self._counts = {"built": 0, "failed": 0, "skipped": 0}
        self._total = 0

    def __enter__(self) -> TerminalProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def _refresh(self) -> None:
        done = sum(self._counts.values())
        counts = (
            f"built {self._counts['built']} · failed {self._counts['failed']} · "
            f"up to date {self._counts['skipped']} · left {self._total - done}"
        )
        current = ", ".join(self._in_hand[:3]) + (" …" if len(self._in_hand) > 3 else "")
        self._progress.update(
            self._task, total=self._total, completed=done, counts=counts, current=current
        )

    def planned(self, total: int, skipped: int) -> None:
        self._total = total
        self._refresh()

    def started(self, document: str) -> None:
        self._in_hand.append(document)
        self._refresh()

    def finished(self, outcome: Outcome) -> None:
        self._counts[outcome.status] += 1
        if outcome.document in self._in_hand:
            self._in_hand.remove(outcome.document)
        self._refresh()


class QuietProgress:
    """Nothing while it runs (not a terminal)."""

    def __enter__(self) -> QuietProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def planned(self, total: int, skipped: int) -> None:
        pass

    def started(self, document: str) -> None:
        pass

    def finished(self, outcome: Outcome) -> None:
        pass


def progress_for(stream: TextIO) -> TerminalProgress | QuietProgress:
    return TerminalProgress(stream) if stream.isatty() else QuietProgress()
