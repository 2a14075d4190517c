"""Shared test helpers: paths to the bundled documents and a builder for Word-export texts."""

from __future__ import annotations

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
