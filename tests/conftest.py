"""Shared test helpers: paths to the bundled documents and a builder for Word-export texts."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCUMENTS = sorted(p for p in SOURCES.iterdir() if (p / "source.txt").is_file())
RECORD_1973 = SOURCES / "1973-10-08-soviet-japanese-talks"

NBSP = "\u00a0"


def export(*paragraphs: str, notes: tuple[str, ...] = (), title: str = "RECORD OF TALKS") -> str:
    """Lay out paragraphs the way Tika exports a Word file: a leading space on the title,
    NBSP-only separator lines, note bodies piled at the end, a final line holding one space.
    Write a call as `{n}` in a paragraph; `notes[i]` is the body of note i+1."""

    def calls(text: str) -> str:
        for n in range(1, len(notes) + 1):
            text = text.replace(f"{{{n}}}", f"[bookmark: _ftn_GoBack{n - 1}][{n}]")
        return text

    lines = [f" {title}"]
    for paragraph in paragraphs:
        lines += [calls(paragraph), NBSP + " "] if paragraph else []
    for n, body in enumerate(notes, start=1):
        lines.append(f"[bookmark: _ftn{n - 1}][{n}] {body} ")
    lines.append(" ")
    return "\n".join(lines)


@pytest.fixture
def write_source(tmp_path: Path):
    """Write a source text (str or bytes) to a bare .txt file and return its path."""

    def write(content: str | bytes, name: str = "record.txt") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Tests lay documents out directly: remove WeasyPrint's font copies of those layouts
    (pipeline/build.py does it after each build)."""
    from pipeline.build import _release_layouts

    _release_layouts(scan=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_warnings: the test expects logged warnings")


@pytest.fixture(autouse=True)
def fail_on_warnings(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Make any warning WeasyPrint (or we, or any library) logs during a test fail it, unless
    the test expects it by marking itself `@pytest.mark.allow_warnings`.

    The records are those of the test's call phase: `caplog.records` read here, in the
    fixture's teardown, holds only the teardown's own records, which is why the earlier guard
    never fired (issue 14 §6)."""
    caplog.set_level(logging.WARNING)
    yield
    warnings = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if warnings and request.node.get_closest_marker("allow_warnings") is None:
        pytest.fail(
            "unexpected warnings: " + "; ".join(f"{r.name}: {r.getMessage()}" for r in warnings)
        )
