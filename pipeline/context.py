"""What a build needs besides the document: where its files are and how the editor set it up.

Writers take `(doc, ctx)`; nothing here is text of the record, so nothing here is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.limits import DEFAULT_LIMITS, Limits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STYLES_DIR = PROJECT_ROOT / "styles"
TEMPLATES_DIR = PROJECT_ROOT / "templates"

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
LONG_NOTE_POLICIES = ("fail", "endnotes")


@dataclass(frozen=True, slots=True)
class ParseHints:
    """What `edition.toml` may tell the parser when its heuristics cannot decide."""

    headings: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    not_speakers: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # (label as written, speaker it stands for)


@dataclass(frozen=True, slots=True)
class Settings:
    """Build settings from `edition.toml` (`[print]`, `[source]`, `[parse]`), with defaults."""

    paper: str = "a4"  # key of PAPER_SIZES
    # One of LONG_NOTE_POLICIES: what to do with a note that cannot sit on its call's page.
    long_notes: str = "fail"
    # `[print] paragraph_numbers`: the citation numbers (stages/numbering.py) printed in the
    # outer margin of the PDF and shown in the EPUB.
    paragraph_numbers: bool = False
    encoding: str = "utf-8"
    hints: ParseHints = field(default_factory=ParseHints)
    limits: Limits = DEFAULT_LIMITS  # `[limits]`: sizes a record may reach (limits.py)


@dataclass(frozen=True, slots=True)
class Context:
    """One document's files and settings. `folder` is None for a bare `.txt`."""

    id: str
    source: Path
    folder: Path | None = None
    errata: Path | None = None
    edition: Path | None = None
    words: Path | None = None
    settings: Settings = field(default_factory=Settings)
