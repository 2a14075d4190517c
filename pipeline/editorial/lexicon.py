"""Turn the word-frequency tables that our packages ship into one offline English lexicon.

Two tables are read, both installed with their package and never downloaded at run time:

- `symspellpy`: unigram counts (82,765 words, British and American spellings) and bigram
  counts (243,342 pairs) from Google Books; the bigrams are what lets the typo finder judge
  whether a real word fits its neighbours;
- `pyspellchecker`: a broader list of English word forms (160,572), used only to say "this is a
  word" for forms the unigram table lacks.

The bigram table is a selection, not a complete list: it keeps no pair under a count of 6.4
million, and it lists the pairs of some words far more fully than others ("the" is followed by
9,825 listed words, "soviet" by none, and the pronoun "I", capitalised in the books, by 157).
So an absent pair means "rare" only after a word whose followers are well listed. `next_word`
is a backoff model built on that: a listed pair has its share of the first word's count; an
absent one shares what the listed pairs leave of it, in proportion to the second word's
frequency (Katz 1987). After a well-listed word little is left, and an absent pair is unlikely;
after a poorly listed one, nearly all is, and an absent pair is as likely as chance.

The unigram counts (from the web) and the bigram counts (from books) are on different scales:
`bigram_per_unigram` converts between them.
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


PSEUDO_COUNT = 10_000
"""Count given to words the unigram table lacks: just below its smallest entry (12,714)."""

ABSENT_SHARE = 0.1
"""What an absent pair of two well-listed words is taken to count, as a share of the cut-off:
set on the benchmark's tuning half."""

MAX_COVERAGE = 0.95
"""The most of a word's followers the bigram table is taken to list: some is always left."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word and word-pair counts; every key is lower case."""

    unigrams: dict[str, int]
    bigrams: dict[tuple[str, str], int]
    forms: frozenset[str]  # every known word form, the unigram keys included
    unigram_total: int
    bigram_floor: int  # the smallest count the bigram table keeps
    bigram_scale: float  # bigram counts per unigram count, to compare the two tables
    bigram_per_unigram: float = 1.0  # bigram counts of "w *" per unigram count of w
    listed_mass: dict[str, int] | None = None  # per word: the sum of its listed pairs
    listed_prior: dict[str, float] | None = None  # per word: unigram share of its followers
    preceded_mass: dict[str, int] | None = None  # per word: the sum of pairs it ends

    def known(self, word: str) -> bool:
        return word in self.forms

    def count(self, word: str) -> int:
        return self.unigrams.get(word, 0)

    def unigram_p(self, word: str) -> float:
        return max(self.count(word), PSEUDO_COUNT) / self.unigram_total

    def coverage(self, word: str, *, before: bool = False) -> float:
        """The share of the pairs `word` starts (or, `before`, ends) that the bigram table
        lists, from 0 to MAX_COVERAGE."""
        count = self.count(word)
        mass = self.preceded_mass if before else self.listed_mass
        if not count or not mass:
            return 0.0
        return min(mass.get(word, 0) / (self.bigram_per_unigram * count), MAX_COVERAGE)

    def next_word(self, first: str, second: str) -> float:
        """P(second | first), backing off for absent pairs as the module docstring says."""
        count = self.count(first)
        if not count:
            return self.unigram_p(second)
        seen = self.bigrams.get((first, second))
        if seen is not None:
            return min(seen / (self.bigram_per_unigram * count), 1.0)
        left = 1.0 - self.coverage(first)
        unlisted = 1.0 - min((self.listed_prior or {}).get(first, 0.0), 0.9)
        estimate = left * self.unigram_p(second) / unlisted
        # An absent pair of two words whose pairs are well listed was rarer than the cut-off;
        # the less either is listed, the less its absence says.
        listed = self.coverage(first) * self.coverage(second, before=True)
        if listed > 0:
            ceiling = ABSENT_SHARE * self.bigram_floor / listed
            ceiling /= self.bigram_per_unigram * count
            estimate = min(estimate, ceiling)
        return estimate


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
    listed_mass: dict[str, int] = {}
    listed_prior: dict[str, float] = {}
    preceded_mass: dict[str, int] = {}
    for (first, second), pair_count in bigrams.items():
        listed_mass[first] = listed_mass.get(first, 0) + pair_count
        preceded_mass[second] = preceded_mass.get(second, 0) + pair_count
        share = max(unigrams.get(second, 0), PSEUDO_COUNT) / unigram_total
        listed_prior[first] = listed_prior.get(first, 0.0) + share
    return Lexicon(
        unigrams=unigrams,
        bigrams=bigrams,
        forms=forms,
        unigram_total=unigram_total,
        bigram_floor=min(bigrams.values()),
        bigram_scale=bigram_scale,
        bigram_per_unigram=_bigram_per_unigram(unigrams, listed_mass),
        listed_mass=listed_mass,
        listed_prior=listed_prior,
        preceded_mass=preceded_mass,
    )


def _bigram_per_unigram(unigrams: dict[str, int], listed_mass: dict[str, int]) -> float:
    """How many bigram counts one unigram count stands for: fixed by the best-listed common
    word ("able", nearly always followed by "to"), taken to have MAX_COVERAGE of its pairs."""
    common = sorted(unigrams, key=unigrams.__getitem__, reverse=True)[:2000]
    best = max(listed_mass.get(word, 0) / unigrams[word] for word in common)
    return best / MAX_COVERAGE


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
