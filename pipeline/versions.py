"""Installed distributions' versions, read off their `.dist-info` folder names.

The same answer as `importlib.metadata.version`, without importing it and the email package
behind it: that import alone cost a no-op run a tenth of a second, and every cold build a
hundredth (issue 8 §4).
"""

from __future__ import annotations

import os
import sys
from functools import cache


def canonical(name: str) -> str:
    """A distribution's name as folder names and requirements may spell it, made one."""
    return name.lower().replace("-", "_").replace(".", "_")


@cache
def distributions() -> dict[str, str]:
    """Canonical name → version of every distribution on sys.path (the first one found, as
    the import system would use it)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                project, _, release = name[: -len(".dist-info")].rpartition("-")
                found.setdefault(canonical(project), release)
    return found


def version_of(name: str) -> str | None:
    """The installed version of distribution `name`, or None when it is not installed."""
    return distributions().get(canonical(name))
