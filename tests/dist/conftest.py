"""The library release of the bundled documents, built once per test session.

The release is built from `sources/` (the three bundled records: the only documents with the
catalogue fields filled in); the validators are the formats' own, so nothing here is tuned on
these files but the expectations of each test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.dist.release import Release, write_release

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"


@dataclass(frozen=True)
class Built:
    release: Release
    folder: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp("release") / "dist"
    yield Built(write_release(ROOT / "sources", folder), folder)
