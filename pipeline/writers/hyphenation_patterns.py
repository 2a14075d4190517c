"""pyphen's hyphenation patterns, parsed once per machine instead of once per build (issue 8 §4).

When WeasyPrint first hyphenates a word, pyphen reads and parses the language's patterns file
(``hyph_en_GB.dic``: some 8,000 patterns), 0.05–0.06 s of every cold build. The parsed table is
plain strings and integers, so it is kept in the pipeline's cache (``pipeline/cache.py``) as
``marshal`` data, named by a hash of the file's bytes and pyphen's version, and put where pyphen
looks for a parsed file (``pyphen.hdcache``): WeasyPrint's own ``pyphen.Pyphen(lang=…)`` then
finds it. Loading it takes 0.005 s. The patterns, and so every break, are the ones pyphen would
have parsed (tests/writers/test_hyphenation_patterns.py compares them).

A file with non-standard hyphenation ("ff=f"-style alternatives, a few languages) gives values
that are not plain integers: such a file is parsed as usual and not kept.
"""

from __future__ import annotations

import marshal
from typing import Any

from pipeline import cache

CACHE_KIND = "pyphen"


def preload(language: str) -> None:
    """Make the patterns pyphen uses for `language` (a BCP 47 tag) ready, from the cache when
    they are in it (kept there when they were not). Does nothing without a cache."""
    import pyphen

    fallback = pyphen.language_fallback(language.replace("-", "_"))
    if fallback is None or cache.folder() is None:
        return
    path = pyphen.LANGUAGES[fallback]
    if path in pyphen.hdcache:
        return
    try:
        source = path.read_bytes()
    except OSError:
        return  # pyphen will say so when it needs the file
    name = cache.key("pyphen patterns", pyphen.__version__, str(marshal.version), source)
    kept = cache.read(CACHE_KIND, name)
    table = _table(kept) if kept is not None else None
    if table is None:
        parsed = pyphen.HyphDict(path)
        if _plain(parsed.patterns):
            cache.write(CACHE_KIND, name, marshal.dumps((parsed.patterns, parsed.maxlen)))
        pyphen.hdcache[path] = parsed
        return
    patterns, maxlen = table
    dictionary = pyphen.HyphDict.__new__(pyphen.HyphDict)
    dictionary.patterns = patterns
    dictionary.maxlen = maxlen
    dictionary.cache = {}
    pyphen.hdcache[path] = dictionary


def _plain(patterns: dict[str, Any]) -> bool:
    """Whether every value is `(start, (int, …))` of exact ints, which marshal keeps as is."""
    return all(
        type(start) is int and all(type(value) is int for value in values)
        for start, values in patterns.values()
    )


def _table(data: bytes) -> tuple[dict[str, tuple[int, tuple[int, ...]]], int] | None:
    try:
        patterns, maxlen = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None  # a damaged entry is made again
    if not isinstance(patterns, dict) or not isinstance(maxlen, int):
        return None
    return patterns, maxlen
