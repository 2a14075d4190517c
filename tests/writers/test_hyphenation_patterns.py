"""pyphen's patterns kept parsed in the cache (pipeline/writers/hyphenation_patterns.py): the
table read back is the one pyphen parses, so every word breaks where it would have."""

from __future__ import annotations

from pathlib import Path

import pyphen
import pytest

from pipeline import cache
from pipeline.writers import hyphenation_patterns

WORDS = (
    "documentary",
    "hyphenation",
    "representatives",
    "negotiations",
    "Brezhnev",
    "co-operation",
)


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENVIRONMENT_VARIABLE, str(folder))
    monkeypatch.setattr(pyphen, "hdcache", {})
    return folder


def _path(language: str) -> Path:
    return pyphen.LANGUAGES[pyphen.language_fallback(language.replace("-", "_"))]


def test_the_patterns_read_back_are_the_ones_pyphen_parses(cache_in: Path) -> None:
    hyphenation_patterns.preload("en-GB")  # parsed, and kept
    assert len(list((cache_in / hyphenation_patterns.CACHE_KIND).iterdir())) == 1
    pyphen.hdcache.clear()
    hyphenation_patterns.preload("en-GB")  # read back
    kept = pyphen.hdcache[_path("en-GB")]
    parsed = pyphen.HyphDict(_path("en-GB"))
    assert kept.patterns == parsed.patterns and kept.maxlen == parsed.maxlen
    reader = pyphen.Pyphen(lang="en_GB")  # what WeasyPrint asks for finds the kept table
    assert reader.hd is kept
    for word in WORDS:
        assert kept.positions(word) == parsed.positions(word)


def test_each_language_has_its_own_entry(cache_in: Path) -> None:
    hyphenation_patterns.preload("en-GB")
    hyphenation_patterns.preload("en-US")
    assert len(list((cache_in / hyphenation_patterns.CACHE_KIND).iterdir())) == 2
    assert pyphen.hdcache[_path("en-US")] is not pyphen.hdcache[_path("en-GB")]


def test_a_damaged_entry_is_parsed_again_and_replaced(cache_in: Path) -> None:
    hyphenation_patterns.preload("en-GB")
    (entry,) = (cache_in / hyphenation_patterns.CACHE_KIND).iterdir()
    entry.write_bytes(b"\x00 not marshal data")
    pyphen.hdcache.clear()
    hyphenation_patterns.preload("en-GB")
    assert pyphen.hdcache[_path("en-GB")].patterns == pyphen.HyphDict(_path("en-GB")).patterns
    assert entry.read_bytes() != b"\x00 not marshal data"


def test_without_a_cache_pyphen_is_left_to_parse_as_usual(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(cache.ENVIRONMENT_VARIABLE, "off")
    monkeypatch.setattr(pyphen, "hdcache", {})
    hyphenation_patterns.preload("en-GB")
    assert pyphen.hdcache == {}


def test_patterns_with_nonstandard_breaks_are_not_kept(cache_in: Path) -> None:
    # Hungarian's file has "ff=f"-style alternatives: values that marshal cannot keep as is.
    hyphenation_patterns.preload("hu")
    assert not (cache_in / hyphenation_patterns.CACHE_KIND).exists() or not any(
        (cache_in / hyphenation_patterns.CACHE_KIND).iterdir()
    )
    assert _path("hu") in pyphen.hdcache  # parsed as usual


def test_an_unknown_language_does_nothing(cache_in: Path) -> None:
    hyphenation_patterns.preload("x-klingon")
    assert pyphen.hdcache == {}
