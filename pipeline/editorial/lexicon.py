"""Turn the word-frequency tables that our packages ship into one offline English lexicon.

Two tables are read, both installed with their package and never downloaded at run time:

- `symspellpy`: unigram counts (82,765 words, British and American spellings) and bigram
  counts (243,342 pairs) from Google Books; the bigrams are what lets the typo finder judge
  whether a real word fits its neighbours;
- `pyspellchecker`: a broader list of English word forms (160,572), used only to say "this is a
  word" for forms the unigram table lacks.

The bigram table is cut off below a count of about 6.4 million, so an absent pair means "rare",
not "impossible": `bigram` backs off to an independence estimate capped just below that cut.
The two symspell tables are on different scales; `bigram_scale` converts between them.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word and word-pair counts; every key is lower case."""

    unigrams: dict[str, int]
    bigrams: dict[tuple[str, str], int]
    forms: frozenset[str]  # every known word form, the unigram keys included
    unigram_total: int
    bigram_floor: int  # the smallest count the bigram table keeps
    bigram_scale: float  # bigram counts per unigram count, to compare the two tables

    def known(self, word: str) -> bool:
        return word in self.forms

    def count(self, word: str) -> int:
        return self.unigrams.get(word, 0)

    def bigram(self, first: str, second: str) -> float:
        """Count of `first second`; an absent pair is estimated as if the words were independent,
        but never above the table's cut-off (it would have been listed)."""
        seen = self.bigrams.get((first, second))
        if seen is not None:
            return float(seen)
        independent = (
            self.bigram_scale * self.count(first) * self.count(second) / self.unigram_total
        )
        # Half the floor: an absent pair is at most as common as the rarest pair listed.
        return max(min(independent, self.bigram_floor / 2), 1.0)


def _package_file(package: str, name: str) -> Path:
    return Path(str(resources.files(package).joinpath(name)))


@cache
def load_lexicon() -> Lexicon:
    """The shared lexicon, read once per process (about a second)."""
    unigrams: dict[str, int] = {}
    with _package_file("symspellpy", "frequency_dictionary_en_82_765.txt").open(
        encoding="utf-8"
    ) as lines:
        for line in lines:
            word, _, count = line.rstrip("\n").partition(" ")
            if word and count:
                unigrams[word] = int(count)
    bigrams: dict[tuple[str, str], int] = {}
    with _package_file("symspellpy", "frequency_bigramdictionary_en_243_342.txt").open(
        encoding="utf-8"
    ) as lines:
        for line in lines:
            parts = line.split()
            if len(parts) == 3:
                bigrams[(parts[0], parts[1])] = int(parts[2])
    with gzip.open(_package_file("spellchecker", "resources/en.json.gz"), "rt") as data:
        more = json.load(data)
    forms = frozenset(unigrams) | frozenset(w for w in more if w.isalpha() or "'" in w)
    unigram_total = sum(unigrams.values())
    # Both tables count "of the": its two counts tell how the scales differ.
    scale_pairs = [("of", "the"), ("in", "the"), ("to", "the"), ("it", "is"), ("do", "not")]
    ratios = [
        bigrams[pair] / (unigrams[pair[0]] * unigrams[pair[1]] / unigram_total)
        for pair in scale_pairs
        if pair in bigrams
    ]
    # Independence underestimates these frequent pairs; dividing by their geometric mean is a
    # deliberately cautious scale for the backoff.
    bigram_scale = math.exp(sum(map(math.log, ratios)) / len(ratios)) / 20 if ratios else 1.0
    return Lexicon(
        unigrams=unigrams,
        bigrams=bigrams,
        forms=forms,
        unigram_total=unigram_total,
        bigram_floor=min(bigrams.values()),
        bigram_scale=bigram_scale,
    )


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in LETTERS if c != b[0]}
    inserts = {a + c + b for a, b in splits for c in LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: a transposition of neighbours counts as one edit."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]
