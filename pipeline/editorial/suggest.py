"""Turn a source text into suggested errata: likely typos, each with a proposal and, when the
reading is sure, a ready-to-paste `[[fix]]` entry for `sources/<id>/errata.toml`.

Four checks run over the words of the text as the editor sees it (export junk such as
`[bookmark: …]` and note numbers `[1]` is skipped; words in editorial brackets and a word marked
`[sic]` are never proposed):

- **non-word**: a word in no shipped English dictionary, nor among the document's names or
  accepted words, nor a prefixed word, closed compound, elision or acronym; a capitalised unknown
  word is taken for a name unless a common word is one cheap slip away or its context vouches;
  and a lower-case "i" standing alone (the pronoun unshifted, or "it", "in", "is", "if" with a
  letter dropped);
- **doubled word**: "the the";
- **real-word**: a real word whose neighbours make another word far likelier — a member of its
  confusion set or a word one slip away (`confusion.py`: keyboard neighbours, look-alike
  letters, inflection judged apart) — by more than the slip's cost. Likelihood comes from the
  Google Books bigram counts that `symspellpy` ships (`lexicon.py`, a backoff model) blended with
  the document's own word pairs (a cache model), and from a trigram model of English that sees
  two words either side (`trigrams.py`);
- **punctuation**: a sentence starter such as "The" straight after a lower-case word: the full
  stop between them has dropped out.

A reading is proposed only when it beats the next one clearly; otherwise the suggestion lists
the readings and carries no entry. `suggest` is pure: text in, suggestions out, sorted by
position. Each entry's `find` is the smallest stretch of whole words around the slip that occurs
once in the text and reaches no other finding, so applying it changes the slip and nothing else.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from itertools import pairwise

from pipeline.editorial.confusion import (
    ABBREVIATIONS,
    CONFUSION_RULE,
    COORDINATORS,
    DOUBLED_LETTER,
    DOUBLED_OK,
    INFLECTION_RULE,
    KEYSTROKE_RULE,
    LOWER_CASE_I,
    PREFIXES,
    PREPOSITION_VERB_RULE,
    PREPOSITIONS,
    SENTENCE_STARTERS,
    TWO_SLIPS,
    UNLIKELY_PAIR_CHANCE,
    UNLIKELY_PAIR_RATIO,
    UNLIKELY_PAIR_RULE,
    ContextRule,
    confusion_sets_of,
    inflections_of_one_word,
    look_alike_variants,
    slip_cost,
)
from pipeline.editorial.lexicon import Lexicon, edit_distance, edits1, load_lexicon
from pipeline.editorial.trigrams import Trigrams, load_trigrams

NON_WORD = "non-word"
DOUBLED_WORD = "doubled-word"
REAL_WORD = "real-word"
PUNCTUATION = "punctuation"

REASONS = {
    NON_WORD: "typo",
    DOUBLED_WORD: "doubled word",
    REAL_WORD: "wrong word",
    PUNCTUATION: "punctuation",
}
"""The errata `reason` each kind of suggestion starts with; the editor may refine it."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One candidate typo: where it is, what it is, what to put instead, and why.

    `context` is source text around the suspect that occurs once in the file; `at` is where the
    suspect starts inside it, so the errata entry's `replace` can be built without searching.
    """

    line: int
    column: int
    kind: str
    suspect: str
    proposal: str | None
    context: str
    rule: str
    why: str
    at: int = 0
    alternatives: tuple[str, ...] = ()  # readings that fit as well, when `proposal` is None

    @property
    def replacement(self) -> str | None:
        """`context` with the proposal in place of the suspect; None when no reading is sure."""
        if self.proposal is None:
            return None
        end = self.at + len(self.suspect)
        return self.context[: self.at] + self.proposal + self.context[end:]


# --- thresholds ----------------------------------------------------------------------------------
# Margins are natural logs of how many times likelier one reading is than another in its context
# (the rules' own margins are in confusion.py). They were set on the tuning half of the benchmark
# records only (benchmarks/suggest_corpus.py), and are checked on the held-out half.

EDIT_MIN_COUNT = 2_000_000
"""A real word is proposed for another only when it is itself a common word."""

NAME_LIKE_MIN_COUNT = 1_000_000
"""A capitalised unknown word is taken for a name unless a word this common is a slip away."""

SLIP_WEIGHT = 3.0
"""Nats of context fit that one unit of slip cost (`confusion.slip_cost`) outweighs."""

ONE_SIDED_MARGIN = 1.5
"""Extra margin when only one neighbour can be read: half the evidence, more room for doubt,
both before a real word is judged a slip and before one reading of it is taken as sure."""

NON_WORD_SURE = 2.0
"""A non-word's best reading is proposed only when it beats the next by this much (7 times);
otherwise the readings are listed and no entry is written."""

COMPOUND_SURE = 6.0
"""A non-word joined by a hyphen to another word is sure of its best reading only this far
ahead (400 times): the partner that decides it ("iter-Parliamentary" is "inter-") is no
neighbour the word pairs can read."""

SHORT_NON_WORD = 3
NON_WORD_SURE_SHORT = 4.0
"""A non-word this short ("fro", "ion", "wha") is one slip from many words, and a bigram or
two rarely settles which: its best reading must beat the next by this much (55 times)."""

CLITICS = ("'s", "n't", "'re", "'ve", "'ll", "'d", "'m")
"""Endings a misspelt word keeps as written: the slip is in the stem ("dkn't" is "don't")."""

REAL_WORD_SURE = 2.0
"""Likewise for a real word with two likely replacements."""

SHORT_RARE = 3
"""Words the unigram table lacks are judged in context only this short ("te", "ot"): longer
ones are rare words ("rubles") whose pairs nobody counted."""

PREFIXED_MIN_COUNT = 1_000_000
"""A prefix before a word this common makes a word ("non" + "security")."""

DOCUMENT_WEIGHT = 0.3
"""How much the document's own word pairs count against the books' in `Vocabulary.next_word`."""

DOCUMENT_DISCOUNT = 1
"""Uses taken off every count of the document's own before it is evidence (see `next_word`)."""

LONG_NAME = 8
"""A capitalised unknown word this long is a slip when a common word is near ("Serertary")."""

COMPOUND_PART = 4
COMPOUND_MIN_COUNT = 1_000_000
"""A closed compound joins two words this long and this common (`_closed_compound`)."""

ATTESTED_VETO = True
"""A real word whose pairs with both neighbours are listed is never proposed for another."""

NAME_USES_OVER_SLIP = 2
"""A name misspelt is used this many times more often, correctly, than the misspelling."""

TRIGRAM_WEIGHT = 0.6
"""The share of a real word's replacement's gain that the trigram model gives (`trigrams.py`,
two words of context either side); the rest comes from the word pairs. Set on the tuning half:
0.6 raised real-word recall there from 50.6 % to 61.4 % at no cost in false alarms (0.7 cost
one, 0.8 three)."""

TRIGRAM_OVERRIDES_ATTESTED = 2.0
"""`ATTESTED_VETO` stands aside when the trigram model prefers a replacement by this much:
pairs find "have the" and "the reach" both common, two words of context find "have the reach"
far less likely than "have to reach". Set on the tuning half (four more finds, no alarm)."""


# --- reading the text ----------------------------------------------------------------------------

JUNK = re.compile(r"\[bookmark:[^\]\n]*\]|(?<=\])\[\d+\]|^\[\d+\]|\[\d+\](?=\s*$)", re.MULTILINE)
"""Word-export junk: bookmarks and the note numbers that follow them, never text of the record."""

EDITORIAL = re.compile(r"\[[^\[\]\n]*\]")
SIC = re.compile(r"\s*[\[(]\s*sic\s*[\])]", re.IGNORECASE)
TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|\d+(?:[.,:]\d+)*")
BREAKS = set('.,;:!?()[]{}"\u201c\u201d\u2018\u2014\u2013/\u2026\x00-')
"""Characters that end a word's context: bigrams are only read within a phrase."""


@dataclass(frozen=True, slots=True)
class Token:
    """One word or number of the text, with what surrounds it."""

    text: str
    start: int
    end: int
    line: int
    column: int
    checked: bool  # outside editorial brackets and junk, and not marked [sic]
    joined_before: bool  # nothing but spaces since the previous token on the same line
    sentence_start: bool

    @property
    def is_word(self) -> bool:
        return not self.text[0].isdigit()

    @property
    def norm(self) -> str:
        return self.text.replace("\u2019", "'")

    @property
    def lower(self) -> str:
        return self.norm.lower()

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def all_caps(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


def tokenize(text: str) -> tuple[Token, ...]:
    """Every word and number of `text`, in order, junk skipped."""
    masked = JUNK.sub(lambda m: "\x00" * len(m.group()), text)
    unchecked = [False] * len(text)
    for match in EDITORIAL.finditer(masked):
        for i in range(match.start(), match.end()):
            unchecked[i] = True
    protected: set[int] = set()
    for match in SIC.finditer(masked):
        # "[sic]" vouches for the word just before it.
        before = masked[: match.start()].rstrip()
        word = TOKEN.search(before[::-1])
        if word and word.start() == 0:
            protected.add(len(before) - 1)
        for i in range(match.start(), match.end()):
            unchecked[i] = True
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    tokens: list[Token] = []
    line = 1
    previous_end = 0
    for match in TOKEN.finditer(masked):
        start, end = match.start(), match.end()
        while line < len(line_starts) and line_starts[line] <= start:
            line += 1
        gap = masked[previous_end:start] if tokens else "\n"
        after = masked[end : end + 1]
        before = masked[start - 1 : start] if start else ""
        checked = not unchecked[start] and (end - 1) not in protected
        # Words glued to digits ("1970s", "2nd") and initials or abbreviations with a full stop
        # ("L.I.", "Mr.", "pp.") are not words to spell-check.
        if before.isdigit() or after.isdigit():
            checked = False
        if after == "." and (end - start == 1 or match.group().lower() in ABBREVIATIONS):
            checked = False
        joined = "\n" not in gap and not (set(gap) & BREAKS) and bool(tokens)
        after_abbreviation = (
            bool(tokens)
            and gap.startswith(".")
            and (len(tokens[-1].text) == 1 or tokens[-1].lower in ABBREVIATIONS)
        )
        sentence_start = not after_abbreviation and (
            "\n" in gap
            or bool(re.search(r"[.!?:]\s*[\"\u201c\u2018(\[]?\s*$", gap))
            or bool(re.search(r"^\s*[\"\u201c]", gap) and "\n" in masked[previous_end - 1 : start])
        )
        tokens.append(
            Token(
                text=match.group(),
                start=start,
                end=end,
                line=line,
                column=start - line_starts[line - 1] + 1,
                checked=checked,
                joined_before=joined,
                sentence_start=sentence_start,
            )
        )
        previous_end = end
    return tuple(tokens)


# --- the lexicon, with the document's own words ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What counts as a word in this document: the lexicon, its names, its accepted words."""

    lexicon: Lexicon
    names: frozenset[str]  # lower case: the given names and capitalised words used repeatedly
    accepted: frozenset[str]  # lower case
    repeated: frozenset[str]  # lower case: every word form used at least twice
    uses: dict[str, int]  # lower case: how often each word form is used
    pairs: dict[tuple[str, str], int]  # lower case: how often each word follows another here
    firsts: dict[str, int]  # lower case: how often each word is followed by another here
    total: int  # words in the document

    def word_p(self, word: str, own: int = 0) -> float:
        """P(word), the books' frequency blended with the document's (`own` uses left out)."""
        books = self.lexicon.unigram_p(word)
        here = max(self.uses.get(word, 0) - own - DOCUMENT_DISCOUNT, 0) / max(self.total, 1)
        return (1 - DOCUMENT_WEIGHT) * books + DOCUMENT_WEIGHT * here

    def next_word(self, first: str, second: str, own: int = 0) -> float:
        """P(second | first): the books' bigram model blended with the pairs of the document
        itself, a cache model (Kuhn and De Mori 1990): records repeat their own phrases ("of
        course", "economic ties"), so a reading the document uses elsewhere is likelier. `own`
        leaves out the pair at the place being judged, so a slip never vouches for itself."""
        books = self.lexicon.next_word(first, second)
        seen = self.firsts.get(first, 0) - own
        if seen <= 0:
            return books
        # Absolute discounting (Ney, Essen and Kneser 1994): a pair seen once elsewhere in the
        # document is no evidence ("effect on detente" does not make "interest on detente").
        here = max(self.pairs.get((first, second), 0) - own - DOCUMENT_DISCOUNT, 0) / seen
        return (1 - DOCUMENT_WEIGHT) * books + DOCUMENT_WEIGHT * here

    def known(self, word: str) -> bool:
        """Whether `word` (lower case, straight apostrophes) is a word of this document."""
        if word in self.lexicon.forms or word in self.accepted or word in self.names:
            return True
        for ending in ("'s", "s'", "'"):
            if word.endswith(ending) and len(word) > len(ending):
                stem = word[: -len(ending)]
                if stem in self.lexicon.forms or stem in self.accepted or stem in self.names:
                    return True
        return False


def _name_words(names: frozenset[str]) -> frozenset[str]:
    words: set[str] = set()
    for name in names:
        for part in TOKEN.findall(name):
            words.add(part.replace("\u2019", "'").lower())
    return frozenset(words)


def _vocabulary(
    tokens: tuple[Token, ...], names: frozenset[str], accepted: frozenset[str]
) -> Vocabulary:
    lexicon = load_lexicon()
    counts = Counter(t.lower for t in tokens if t.is_word)
    pairs = Counter(
        (a.lower, b.lower)
        for a, b in pairwise(tokens)
        if b.joined_before and a.is_word and b.is_word
    )
    firsts: Counter[str] = Counter()
    for (a, _), n in pairs.items():
        firsts[a] += n
    capitalised = Counter(t.lower for t in tokens if t.is_word and t.capitalised)
    # The issue asks for the document's own names: a capitalised word it uses more than once
    # (participants, places, speaker labels such as "GIEREK.") is one of them.
    derived = {
        word
        for word, count in capitalised.items()
        if count >= 2 and word not in lexicon.unigrams and len(word) > 1
    }
    return Vocabulary(
        lexicon=lexicon,
        names=_name_words(names) | frozenset(derived),
        accepted=frozenset(w.replace("\u2019", "'").lower() for w in accepted),
        repeated=frozenset(word for word, count in counts.items() if count >= 2),
        uses=dict(counts),
        pairs=dict(pairs),
        firsts=dict(firsts),
        total=sum(counts.values()),
    )


# --- scoring a word in its context ---------------------------------------------------------------


def _fit(
    vocabulary: Vocabulary, word: str, left: str | None, right: str | None, *, here: bool = False
) -> float:
    """Log-likelihood of `word` between `left` and `right`, up to a constant shared by every
    candidate for the same place: log P(word | left) + log P(right | word), without a left
    neighbour the word's own frequency for the first term. `here`: `word` is what the text has
    at this place, whose own pairs are left out of the document's counts."""
    own = 1 if here else 0
    first = vocabulary.next_word(left, word, own) if left else vocabulary.word_p(word, own)
    score = math.log(first)
    if right:
        score += math.log(vocabulary.next_word(word, right, own))
    return score


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[0].isupper():
        return word[0].upper() + word[1:]
    return word


@cache
def _near_words(word: str) -> tuple[tuple[str, float], ...]:
    """Known words one slip from `word` (`confusion.slip_cost`), with the cost of that slip;
    common words two slips away when `word` is long enough to hold two."""
    lexicon = load_lexicon()
    one = edits1(word) | look_alike_variants(word)
    found = {w for w in one if w in lexicon.forms and "'" not in w}
    if 5 <= len(word) <= 14:
        two = {e2 for e1 in edits1(word) for e2 in edits1(e1) if e2 in lexicon.unigrams}
        found |= {w for w in two - {word} if "'" not in w}
    return tuple(sorted((w, slip_cost(word, w)) for w in found))


@dataclass(frozen=True, slots=True)
class _Ranked:
    score: float
    word: str
    cost: float


def _rank(
    vocabulary: Vocabulary,
    candidates: tuple[tuple[str, float], ...],
    left: str | None,
    right: str | None,
) -> list[_Ranked]:
    """Candidates best first: fit in context, less the cost of the slip that would explain them."""
    ranked = [
        _Ranked(_fit(vocabulary, w, left, right) - SLIP_WEIGHT * cost, w, cost)
        for w, cost in candidates
    ]
    return sorted(ranked, key=lambda r: (-r.score, r.word))


def _with_trigrams(ranked: list[_Ranked], phrase: _Phrase) -> list[_Ranked]:
    """`ranked` judged again with the trigram model's two words of context either side
    blended in, as the real-word check blends them (`TRIGRAM_WEIGHT`): pairs alone read
    "education fro[m] the" as "for". A candidate the model does not know is given the worst
    fit it gives any known one here, so that a rare word is never lifted by being unknown."""
    model = load_trigrams()
    shifts: list[float | None] = []
    for r in ranked:
        window = model.window(phrase.put(r.word.lower()), phrase.at)
        # The blend moves a score by the share of the trigram fit over the pairs' fit.
        shifts.append(None if window is None else window - (r.score + SLIP_WEIGHT * r.cost))
    known = [shift for shift in shifts if shift is not None]
    if not known:
        return ranked
    worst = min(known)
    blended = [
        _Ranked(r.score + TRIGRAM_WEIGHT * (worst if shift is None else shift), r.word, r.cost)
        for r, shift in zip(ranked, shifts, strict=True)
    ]
    return sorted(blended, key=lambda r: (-r.score, r.word))


def _near_name(vocabulary: Vocabulary, word: str) -> str | None:
    """A name the document uses far more often than `word`, that `word` misspells."""
    limit = 1 if len(word) < 6 else 2
    matches = sorted(
        (edit_distance(word, name), name)
        for name in vocabulary.names
        if len(name) >= 4 and abs(len(name) - len(word)) <= limit and name != word
    )
    matches = [
        (d, n)
        for d, n in matches
        if d <= limit
        and vocabulary.uses.get(n, 0) >= NAME_USES_OVER_SLIP * vocabulary.uses.get(word, 1)
    ]
    return matches[0][1] if matches else None


# --- the checks ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Finding:
    start: int
    end: int
    kind: str
    suspect: str
    proposal: str | None  # None: no reading is sure; `alternatives` lists those that fit
    rule: str
    why: str
    alternatives: tuple[str, ...] = ()


def _neighbours(
    vocabulary: Vocabulary,
    tokens: tuple[Token, ...],
    i: int,
    corrected: dict[int, str] | None = None,
) -> tuple[str | None, str | None]:
    """The words either side of token `i` within its phrase, when the bigram table can speak for
    them: not acronyms ("US" is no "us"), not the pronoun "I" (capitalised in the books, so its
    pairs are barely listed), not words the unigram table lacks."""
    lexicon = vocabulary.lexicon
    corrected = corrected or {}

    def word(j: int) -> str | None:
        w = _context_word(tokens, j, corrected)
        return w if w in lexicon.unigrams and w != "i" else None

    left = word(i - 1) if tokens[i].joined_before else None
    right = word(i + 1) if i + 1 < len(tokens) and tokens[i + 1].joined_before else None
    return left, right


def _context_word(tokens: tuple[Token, ...], j: int, corrected: dict[int, str]) -> str | None:
    """Token `j` as context for a neighbour, lower case and corrected: None for a number, an
    acronym ("US" is no "us") or the text's edge."""
    if not 0 <= j < len(tokens) or not tokens[j].is_word or tokens[j].all_caps:
        return None
    return corrected.get(j, tokens[j].lower)


def _capitalised_neighbours(tokens: tuple[Token, ...], i: int) -> Iterator[Token]:
    """The words touching token `i` within its phrase that are capitalised without starting a
    sentence: a name's or a title's, not a sentence's first word."""
    for j in (i - 1, i + 1):
        if not 0 <= j < len(tokens) or not tokens[j].is_word or not tokens[j].capitalised:
            continue
        if (tokens[i].joined_before if j < i else tokens[j].joined_before) and not (
            tokens[j].sentence_start
        ):
            yield tokens[j]


def _beside_name(vocabulary: Vocabulary, tokens: tuple[Token, ...], i: int) -> bool:
    """Whether token `i` stands next to a capitalised word that is a name or no known word."""
    return any(
        t.lower in vocabulary.names or not vocabulary.known(t.lower)
        for t in _capitalised_neighbours(tokens, i)
    )


def _non_word(
    vocabulary: Vocabulary, tokens: tuple[Token, ...], i: int, text: str
) -> _Finding | None:
    token = tokens[i]
    word = token.lower
    if token.text == "i":
        return _lower_case_i(vocabulary, tokens, i, text)
    if len(word) < 2 or vocabulary.known(word) or _is_compound_of_known(vocabulary, word):
        return None
    if _mixed_case(token.text) or _accented_form_known(vocabulary, word):
        return None  # "MIRVing", "DeGaulle"; "communiqués" for a known "communiques"
    if ELISION.match(word) or _closed_compound(vocabulary, word):
        return None  # "d’Eau", "l’Europe"; "notetaker", "peacekeeping"
    if token.capitalised and len(word) <= 2:
        return None  # an abbreviation: "Ex-Im", "Dr"
    name = _near_name(vocabulary, word) if token.capitalised else None
    if token.all_caps and name is None:
        return None  # an acronym or a Roman numeral: ICCS, MBFR, COMECON, XIV
    if token.capitalised and name is None and _beside_name(vocabulary, tokens, i):
        return None  # one word of a longer name: "Jerzy WASZCZUK", "Pham Van Dong"
    if name is not None:
        proposal = _match_case(token.text, name)
        return _Finding(
            token.start, token.end, NON_WORD, token.text, proposal, "near-name",
            f"{token.text!r} is no English word, and the record writes {proposal!r}"
            f" {vocabulary.uses.get(name, 0)} times",
        )  # fmt: skip
    left, right = _neighbours(vocabulary, tokens, i)
    # "wha’s", "dkn’t": the slip is in the stem; the ending stays as written.
    ending = next((e for e in CLITICS if word.endswith(e) and len(word) > len(e)), "")
    stem, ending = word[: len(word) - len(ending)], token.text[len(word) - len(ending) :]
    ranked = _rank(vocabulary, _near_words(stem), left, right)
    if ending:
        ranked = [_Ranked(r.score, r.word + ending, r.cost) for r in ranked]
    if token.capitalised and not _plausible_slip_of_name(vocabulary, ranked, left, right):
        return None
    if not ranked and word in vocabulary.repeated:
        return None  # used twice and nothing like an English word: the record's own term
    ranked = _with_trigrams(ranked, _Phrase.around(tokens, i, {}))
    why = (
        f"{token.text!r} is in no shipped English dictionary nor among the document's names or"
        " accepted words"
    )
    if not ranked:
        return _Finding(token.start, token.end, NON_WORD, token.text, None, "dictionary",
                        f"{why}; no word is close")  # fmt: skip
    best = ranked[0]
    sure = NON_WORD_SURE_SHORT if len(stem) <= SHORT_NON_WORD else NON_WORD_SURE
    rivals = [r for r in ranked[1:] if best.score - r.score < sure]
    compound = _in_compound(text, token)
    if rivals and compound:
        return None  # a piece of "vis-a-vis" with no sure reading: foreign or coined
    if compound:
        # The other part of the compound, which no word pair reads, may decide the reading:
        # "an iter-Parliamentary" is "inter-", though "an item" is the likelier pair.
        rivals = [r for r in ranked[1:] if best.score - r.score < COMPOUND_SURE]
    if rivals:
        alternatives = tuple(_match_case(token.text, r.word) for r in [best, *rivals][:3])
        return _Finding(
            token.start, token.end, NON_WORD, token.text, None, "dictionary",
            f"{why}; the context does not choose between {', '.join(map(repr, alternatives))}",
            alternatives,
        )  # fmt: skip
    proposal = _match_case(token.text, best.word)
    edits = "two slips away" if best.cost >= TWO_SLIPS.cost else "one slip away"
    runner = f", and fits its context better than {ranked[1].word!r}" if len(ranked) > 1 else ""
    return _Finding(token.start, token.end, NON_WORD, token.text, proposal, "dictionary",
                    f"{why}; {proposal!r} is {edits}{runner}")  # fmt: skip


def _lower_case_i(
    vocabulary: Vocabulary, tokens: tuple[Token, ...], i: int, text: str
) -> _Finding | None:
    """A lower-case "i" standing alone is no English word: the pronoun is "I". It is the
    pronoun typed without the shift key, or "it", "in", "is", "if" with a letter dropped; the
    trigram model, which knows the pronoun (the books' pairs barely list it, `_neighbours`),
    chooses. ("i." and "i.e." never come here: the tokenizer leaves a letter before a full stop
    unchecked, as an initial.)"""
    token = tokens[i]
    if not _lone_i(vocabulary, tokens, i, text):
        return None
    model = load_trigrams()
    gain = _Phrase.around(tokens, i, {}).gains(model)
    candidates = [("i", LOWER_CASE_I.cost)] + [
        (w, cost)
        for w, cost in _near_words("i")
        if len(w) > 1 and vocabulary.lexicon.count(w) >= EDIT_MIN_COUNT and model.known(w)
    ]
    scored = sorted(
        (fit - SLIP_WEIGHT * cost, "I" if w == "i" else w)
        for w, cost in candidates
        if (fit := 0.0 if w == "i" else gain(w)) is not None
    )[::-1]
    if not scored:
        return None
    best_score, best = scored[0]
    why = f"{LOWER_CASE_I.why}; the trigram model of English reads {best!r} best here"
    rivals = [w for score, w in scored[1:] if best_score - score < REAL_WORD_SURE]
    if rivals:
        alternatives = (best, *rivals[:2])
        return _Finding(token.start, token.end, NON_WORD, token.text, None, LOWER_CASE_I.name,
                        f"{why}, but {', '.join(map(repr, alternatives[1:]))} fit about as well",
                        alternatives)  # fmt: skip
    return _Finding(token.start, token.end, NON_WORD, token.text, best, LOWER_CASE_I.name, why)


def _lone_i(vocabulary: Vocabulary, tokens: tuple[Token, ...], i: int, text: str) -> bool:
    """Whether the "i" at `i` is a word of English text: not a list marker ("(i)", "i)"), nor
    among words no dictionary knows (Polish "i" is "and")."""
    token = tokens[i]
    if text[token.end : token.end + 1] == ")" or text[token.start - 1 : token.start] == "(":
        return False
    neighbours = [i - 1] if token.joined_before else []
    neighbours += [i + 1] if i + 1 < len(tokens) and tokens[i + 1].joined_before else []
    return all(
        not tokens[j].is_word or vocabulary.known(tokens[j].lower) for j in neighbours if j >= 0
    )


def _plausible_slip_of_name(
    vocabulary: Vocabulary, ranked: list[_Ranked], left: str | None, right: str | None
) -> bool:
    """Whether a capitalised unknown word ("Europen", "Holand") is a slip rather than a name
    ("Niigata", "Symington", "Bahti"): the nearest common word is one cheap slip away, or the
    context vouches for it, or it is two letters swapped in a long word ("Secterary")."""
    if not ranked:
        return False
    best = ranked[0]
    lexicon = vocabulary.lexicon
    if lexicon.count(best.word) < NAME_LIKE_MIN_COUNT:
        return False
    if best.cost <= DOUBLED_LETTER.cost:
        return True
    if len(best.word) >= LONG_NAME and best.cost < TWO_SLIPS.cost:
        return True  # long words are seldom names one slip from a common word: "Secterary"
    attested = (left is not None and (left, best.word) in lexicon.bigrams) or (
        right is not None and (best.word, right) in lexicon.bigrams
    )
    return attested and (best.cost < TWO_SLIPS.cost or len(best.word) >= LONG_NAME)


ELISION = re.compile(r"^[dlnjmst]'[^\W\d_]{2,}$")
"""A French or Italian elision: "d'Eau", "l'Europe", "dell'Italia" is left to the editor."""


def _closed_compound(vocabulary: Vocabulary, word: str) -> bool:
    """Two common words of four letters or more written as one ("notetaker", "peacekeeping"):
    English closes compounds freely, and a dropped space joins shorter words ("ofthe")."""
    count = vocabulary.lexicon.count
    return any(
        count(word[:k]) >= COMPOUND_MIN_COUNT and count(word[k:]) >= COMPOUND_MIN_COUNT
        for k in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1)
    )


def _in_compound(text: str, token: Token) -> bool:
    return text[token.start - 1 : token.start] == "-" or text[token.end : token.end + 1] == "-"


def _mixed_case(text: str) -> bool:
    """Capitals after the first letter, not all capitals: "MIRVing", "DeGaulle", "McFall"."""
    return any(c.isupper() for c in text[1:]) and not text.isupper()


def _accented_form_known(vocabulary: Vocabulary, word: str) -> bool:
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return plain != word and (vocabulary.known(plain) or _is_compound_of_known(vocabulary, plain))


def _is_compound_of_known(vocabulary: Vocabulary, word: str) -> bool:
    """A prefix and a known word ("nonsecurity", "trilaterally", "reelected"): writers coin these
    freely, and the dictionaries list only the common ones."""
    lexicon = vocabulary.lexicon
    for prefix in PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and lexicon.count(rest) >= PREFIXED_MIN_COUNT:
            return True
    return False


def _real_word(
    vocabulary: Vocabulary, tokens: tuple[Token, ...], i: int, corrected: dict[int, str]
) -> _Finding | None:
    token = tokens[i]
    word = token.lower
    lexicon = vocabulary.lexicon
    # A lower-case word of a name ("of" in "Minister of Foreign Affairs", "de" in "Charles de
    # Gaulle") is the name's only beside its capitalised words; elsewhere "of", "the" and "us"
    # (from "US") are English.
    beside_capital = any(True for _ in _capitalised_neighbours(tokens, i))
    if word in vocabulary.names and (token.capitalised or beside_capital):
        return None
    if word in vocabulary.accepted or "'" in word or word == "i":
        return None  # the bigram table counts no contractions, and a slip to "I" is capitalised
    if word not in lexicon.unigrams and len(word) > SHORT_RARE:
        return None  # a rare word the bigram model cannot judge ("rubles", "musicale")
    title_like = False
    if token.capitalised and not token.sentence_start:
        # Mid-sentence capitals are names and titles ("Foreign Minister Tack") unless used once.
        if word in vocabulary.repeated or token.all_caps:
            return None
        title_like = True
    left, right = _neighbours(vocabulary, tokens, i, corrected)
    # Coordination lets almost any word stand beside "and" ("your and our positions", "either
    # my or your statement"), so a coordinator says nothing about the word next to it.
    left = None if left in COORDINATORS else left
    right = None if right in COORDINATORS else right
    if left is None and right is None:
        return None
    phrase = _Phrase.around(tokens, i, corrected)
    trigram_gain = phrase.gains(load_trigrams())
    candidates = _real_word_candidates(word)
    longer_context_objects = any(
        (trigram_gain(o) or 0.0) > TRIGRAM_OVERRIDES_ATTESTED for o, _ in candidates
    )
    if ATTESTED_VETO and _attested(lexicon, word, left, right) and not longer_context_objects:
        return None  # every pair the word makes is a common one: nothing is broken here
    here = _fit(vocabulary, word, left, right, here=True)
    scored = []
    for other, relation in candidates:
        if title_like and not _completes_title(tokens, i, lexicon, other, corrected):
            continue
        gain = _fit(vocabulary, other, left, right) - here
        if (longer := trigram_gain(other)) is not None:
            gain = (1 - TRIGRAM_WEIGHT) * gain + TRIGRAM_WEIGHT * longer
        confused = relation is CONFUSION_RULE  # a confusion is its own channel
        relation = _grammar_rule(lexicon, word, other, left, right) or relation
        slip = 0.0 if confused else SLIP_WEIGHT * slip_cost(word, other)
        need = relation.margin + slip
        if (left is None or right is None) and relation.margin > UNLIKELY_PAIR_RULE.margin:
            # Half the evidence, more room for doubt; but a word next to the title it would
            # complete, or in a broken pair, needs no more.
            need += 0.0 if title_like else ONE_SIDED_MARGIN
        scored.append((gain - need, gain, other, relation, gain - slip))
    scored.sort(key=lambda s: (-s[0], s[2]))
    if not scored or scored[0][0] <= 0:
        return None
    excess, gain, other, relation, likely = scored[0]
    if trigram_gain(other) is not None:
        proposed, written = phrase.shown(other), phrase.shown()
        source = "in Google Books word pairs and a trigram model of English"
    else:
        proposed = " ".join(w for w in (left, other, right) if w)
        written = " ".join(w for w in (left, word, right) if w)
        source = "in Google Books word pairs"
    why = (
        f"{relation.why}: {proposed!r} is about {_times(gain)} times likelier than {written!r}"
        f" {source}"
    )
    # A rival is any word about as likely, its fit less the cost of its slip, whether or not
    # its own rule's margin is met: then the reading is not sure.
    sure = REAL_WORD_SURE + (ONE_SIDED_MARGIN if left is None or right is None else 0.0)
    rivals = [s for s in scored[1:] if s[0] > 0 and excess - s[0] < sure]
    rivals += [s for s in scored[1:] if s[0] <= 0 and likely - s[4] < sure]
    if rivals:
        alternatives = tuple(_match_case(token.text, s[2]) for s in [scored[0], *rivals][:3])
        return _Finding(token.start, token.end, REAL_WORD, token.text, None, relation.name,
                        f"{why}; but {', '.join(map(repr, alternatives[1:]))} fit about as well",
                        alternatives)  # fmt: skip
    return _Finding(token.start, token.end, REAL_WORD, token.text, _match_case(token.text, other),
                    relation.name, why)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A token with up to two words either side of it within its phrase, lower case and with
    the corrections made so far: what the trigram model reads around it."""

    words: tuple[str, ...]
    at: int  # where the token stands among `words`

    @classmethod
    def around(cls, tokens: tuple[Token, ...], i: int, corrected: dict[int, str]) -> _Phrase:
        before: list[str] = []
        j = i
        while len(before) < 2 and tokens[j].joined_before:
            if (w := _context_word(tokens, j - 1, corrected)) is None:
                break
            before.insert(0, w)
            j -= 1
        after: list[str] = []
        j = i + 1
        while len(after) < 2 and j < len(tokens) and tokens[j].joined_before:
            if (w := _context_word(tokens, j, corrected)) is None:
                break
            after.append(w)
            j += 1
        return cls((*before, corrected.get(i, tokens[i].lower), *after), len(before))

    def put(self, other: str) -> tuple[str, ...]:
        return (*self.words[: self.at], other, *self.words[self.at + 1 :])

    def shown(self, other: str | None = None) -> str:
        return " ".join(self.words if other is None else self.put(other))

    def gains(self, model: Trigrams) -> Callable[[str], float | None]:
        """How much likelier (in nats) the phrase is with another word in the token's place;
        None when the model does not know one of the two words."""
        here = model.window(self.words, self.at)

        def gain(other: str) -> float | None:
            if here is None:
                return None
            there = model.window(self.put(other), self.at)
            return None if there is None else there - here

        return gain


def _attested(lexicon: Lexicon, word: str, left: str | None, right: str | None) -> bool:
    """Whether every pair `word` makes with its neighbours is listed, and not far rarer than
    chance: a slip breaks at least one of them ("wood not", "these of")."""
    pairs = [(a, b) for a, b in ((left, word), (word, right)) if a is not None and b is not None]
    return all(pair in lexicon.bigrams and not _unlikely(lexicon, *pair) for pair in pairs)


def _completes_title(
    tokens: tuple[Token, ...], i: int, lexicon: Lexicon, other: str, corrected: dict[int, str]
) -> bool:
    """Whether `other` forms a listed pair with a capitalised neighbour: "Mr. Genera Secretary"
    reads "General Secretary"; "Pham Van Dong" gives "Long" no such neighbour."""
    for j, pair in ((i - 1, lambda w: (w, other)), (i + 1, lambda w: (other, w))):
        if not 0 <= j < len(tokens) or not tokens[j].is_word or not tokens[j].capitalised:
            continue
        if not (tokens[i].joined_before if j < i else tokens[j].joined_before):
            continue
        if pair(corrected.get(j, tokens[j].lower)) in lexicon.bigrams:
            return True
    return False


def _grammar_rule(
    lexicon: Lexicon, word: str, other: str, left: str | None, right: str | None
) -> ContextRule | None:
    """A stronger rule than the candidate's own when the text's pair is broken and the
    candidate's is listed: an unlikely pair, or a preposition before a bare verb."""
    if right is not None and (other, right) in lexicon.bigrams:
        preposition = word in PREPOSITIONS and other not in PREPOSITIONS
        if preposition and (word, right) not in lexicon.bigrams and _is_bare_verb(lexicon, right):
            return PREPOSITION_VERB_RULE
        if _unlikely(lexicon, word, right):
            return UNLIKELY_PAIR_RULE
    if left is not None and (left, other) in lexicon.bigrams and _unlikely(lexicon, left, word):
        return UNLIKELY_PAIR_RULE
    return None


def _unlikely(lexicon: Lexicon, first: str, second: str) -> bool:
    """Whether `first second` is far rarer than chance alone predicts: listed at under
    UNLIKELY_PAIR_RATIO of it, or unlisted where chance predicts far above the cut-off."""
    chance = lexicon.bigram_per_unigram * lexicon.count(first) * lexicon.count(second)
    chance /= lexicon.unigram_total
    seen = lexicon.bigrams.get((first, second))
    if seen is not None:
        return seen < UNLIKELY_PAIR_RATIO * chance
    return chance >= UNLIKELY_PAIR_CHANCE * lexicon.bigram_floor


def _is_bare_verb(lexicon: Lexicon, word: str) -> bool:
    """Whether `word` reads as a bare verb: common after "to" and "will", never after "the"."""
    after_to = lexicon.bigrams.get(("to", word), 0)
    after_will = lexicon.bigrams.get(("will", word), 0)
    after_the = lexicon.bigrams.get(("the", word), 0)
    return after_to > 0 and after_will > 0 and after_to > 50 * after_the


@cache
def _real_word_candidates(word: str) -> tuple[tuple[str, ContextRule], ...]:
    """Real words `word` may stand for by a slip, each with the rule that judges the swap."""
    lexicon = load_lexicon()
    found: dict[str, ContextRule] = {}
    for group in confusion_sets_of(word):
        for other in group.words:
            if other != word and other in lexicon.unigrams:
                found.setdefault(other, CONFUSION_RULE)
    for other in sorted(edits1(word) | look_alike_variants(word)):
        if lexicon.count(other) < EDIT_MIN_COUNT or "'" in other or _variants(word, other):
            continue
        found.setdefault(
            other, INFLECTION_RULE if inflections_of_one_word(word, other) else KEYSTROKE_RULE
        )
    return tuple(sorted(found.items()))


def _variants(a: str, b: str) -> bool:
    """Whether `a` and `b` are one spelling in two traditions: a doubled consonant
    ("traveled"/"travelled", "focused"/"focussed") or -or/-our ("favor"/"favour")."""
    short, long = sorted((a, b), key=len)
    if short.endswith("or") and long == short[:-1] + "ur":
        return True
    return any(
        long[:i] + long[i + 1 :] == short and long[i] == long[i - 1] and long[i] not in "aeiou"
        for i in range(3, len(long))
    )


def _times(gain: float) -> str:
    value = math.exp(min(gain, 40))
    return f"{value:,.0f}" if value < 1e6 else f"{value:.0e}"


def _doubled(tokens: tuple[Token, ...], text: str, i: int) -> _Finding | None:
    first, second = tokens[i - 1], tokens[i]
    if not (second.joined_before and first.is_word and second.is_word):
        return None
    if first.lower != second.lower or not (first.checked and second.checked):
        return None
    following = tokens[i + 1].lower if i + 1 < len(tokens) and tokens[i + 1].joined_before else ""
    for ok in DOUBLED_OK:
        if first.lower == ok.word and (not ok.before or following in ok.before):
            return None
    why = f"{first.text!r} twice in a row"
    if (slip := _slip_not_repeat(tokens, i)) is not None:
        shown = " ".join(_match_case(t.text, w) for t, w in zip((first, second), slip, strict=True))
        return _Finding(first.start, second.end, DOUBLED_WORD, text[first.start : second.end],
                        None, "doubled-word",
                        f"{why}; or one of them is a slip: the trigram model reads {shown!r}"
                        " at least as well", (first.text, shown))  # fmt: skip
    return _Finding(first.start, second.end, DOUBLED_WORD, text[first.start : second.end],
                    first.text, "doubled-word", why)  # fmt: skip


def _slip_not_repeat(tokens: tuple[Token, ...], i: int) -> tuple[str, str] | None:
    """The two words that a slip in one copy of a doubled word (tokens `i - 1`, `i`) would
    have been, when the trigram model finds them likelier than the word said once: "would
    immediately go go the table" is "go to the table" as much as "go the table". The word said
    once has one word fewer to pay for, so a slip must beat it outright."""
    model = load_trigrams()
    word = tokens[i].lower
    phrase = _Phrase.around(tokens, i, {})
    before = phrase.words[: max(0, phrase.at - 1)]
    after = phrase.words[phrase.at + 1 :]
    once = model.likelihood((*before, word, *after), len(before))
    if once is None:
        return None
    best: tuple[float, tuple[str, str]] | None = None
    for other, _ in _real_word_candidates(word):
        for pair in ((other, word), (word, other)):
            score = model.likelihood((*before, *pair, *after), len(before))
            if score is not None and score > once and (best is None or score > best[0]):
                best = (score, pair)
    return None if best is None else best[1]


def _missing_stop(tokens: tuple[Token, ...], text: str, i: int) -> _Finding | None:
    first, second = tokens[i - 1], tokens[i]
    if not (second.joined_before and first.checked and second.checked):
        return None
    if second.text not in SENTENCE_STARTERS or not first.text.islower():
        return None
    if text[first.end : second.start].strip(" "):
        return None
    return _Finding(
        first.start, second.end, PUNCTUATION, text[first.start : second.end],
        first.text + "." + text[first.end : second.start] + second.text, "missing-full-stop",
        f"{second.text!r} opens a sentence, but no full stop comes before it",
    )  # fmt: skip


# --- the errata entry: the smallest unique context -----------------------------------------------


def _occurrences(text: str, find: str) -> int:
    count, at = 0, text.find(find)
    while at != -1:
        count += 1
        at = text.find(find, at + 1)
    return count


UNITS = re.compile(r"\[bookmark:[^\[\]\n]*\](?:\s*\[\d+\])?|\[[^\[\]\n]*\]", re.IGNORECASE)
"""Stretches an entry takes whole or leaves alone: note calls and editorial brackets, as the
errata stage reads them (it refuses a `find` that cuts into a bracket)."""

PUNCTUATION_RUN = re.compile(r"[^\w\s]+")


def _units(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in UNITS.finditer(text, lo, hi)]


def _snap(edge: int, units: list[tuple[int, int]], *, left: bool) -> int:
    """`edge` moved out of any unit it falls inside: a left edge to the unit's start, a right
    edge to its end."""
    for a, b in units:
        if a < edge < b:
            return a if left else b
    return edge


def _edges(
    text: str, tokens: tuple[Token, ...], start: int, end: int, lo: int, hi: int
) -> tuple[list[int], list[int]]:
    """Where a `find` around `start:end` may begin (nearest first) and end: at a word's edge,
    or past the punctuation beside it ("here." is unique where "here" is not), never inside a
    bracket or note call, and within `lo:hi`."""
    units = _units(text, lo, hi)
    lefts: set[int] = {lo}
    rights: set[int] = {hi}
    for t in tokens:
        if lo <= t.start and t.end <= start:
            lefts.add(t.start)
            run = PUNCTUATION_RUN.search(text[lo : t.start][::-1])
            if run and run.start() == 0:
                lefts.add(t.start - run.end())
        elif t.start >= end and t.end <= hi:
            rights.add(t.end)
            run = PUNCTUATION_RUN.match(text, t.end, hi)
            if run:
                rights.add(run.end())
    run = PUNCTUATION_RUN.match(text, end, hi)
    if run:
        rights.add(run.end())
    lefts = {_snap(e, units, left=True) for e in lefts}
    rights = {_snap(e, units, left=False) for e in rights}
    before = sorted((e for e in lefts if lo <= e < start), reverse=True)
    after = sorted(e for e in rights if end < e <= hi)
    return before, after


def _context(
    text: str, tokens: tuple[Token, ...], start: int, end: int, lo: int, hi: int
) -> tuple[int, int] | None:
    """The smallest stretch around `start:end`, inside `lo:hi` and its line, that occurs once
    in `text`: the `find` of an entry that changes nothing but the slip. None when no such
    stretch exists (the line, or all of it that may be used, occurs elsewhere too)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    lo, hi = max(lo, line_start), min(hi, line_end)
    # Edges are trimmed of spaces: a `find` that begins or ends in a space pastes badly.
    before, after = _edges(text, tokens, start, end, lo, hi)
    before = [e for e in before if not text[e : e + 1].isspace()]
    after = [e for e in after if not text[e - 1 : e].isspace()]
    left, right, b, a = start, end, 0, 0
    while True:
        if _occurrences(text, text[left:right]) == 1 and _whole(text, left, right, lo, hi):
            return left, right
        # Grow the shorter side first, so that the slip stays near the middle.
        if b < len(before) and (start - left <= right - end or a >= len(after)):
            left, b = before[b], b + 1
        elif a < len(after):
            right, a = after[a], a + 1
        else:
            return None


def _whole(text: str, left: int, right: int, lo: int, hi: int) -> bool:
    """Whether `left:right` cuts no bracket or note call."""
    units = _units(text, lo, hi)
    return _snap(left, units, left=True) == left and _snap(right, units, left=False) == right


# --- the public interface ------------------------------------------------------------------------


def suggest(
    text: str,
    *,
    names: frozenset[str] = frozenset(),
    accepted: frozenset[str] = frozenset(),
    known_finds: tuple[str, ...] = (),
) -> tuple[Suggestion, ...]:
    """Candidate typos in `text`, sorted by position.

    `names` are the document's own names (words of each are accepted); `accepted` the union of
    the project-wide and the document's wordlists; `known_finds` the `find` of every entry
    already in the errata file, of any kind: those places are decided, so nothing in them is
    proposed again, and no new entry reaches into them."""
    tokens = tokenize(text)
    vocabulary = _vocabulary(tokens, names, accepted)
    findings: list[_Finding] = []
    corrected: dict[int, str] = {}
    doubled: set[int] = set()
    for i, token in enumerate(tokens):
        if not token.is_word:
            continue
        if i and (finding := _doubled(tokens, text, i)):
            findings.append(finding)
            doubled.update((i - 1, i))
        if i and (finding := _missing_stop(tokens, text, i)):
            findings.append(finding)
        if token.checked and (finding := _non_word(vocabulary, tokens, i, text)):
            findings.append(finding)
            corrected[i] = (finding.proposal or "").lower()
    for i, token in enumerate(tokens):
        # A word beside a doubled one is not judged: its neighbour is a slip, so what the
        # pair says about it is no evidence, and a merged entry would change a right word.
        # Nor is a word beside a non-word, whose reading is the finder's guess ("old ties
        # vbut" read "times but"); a capitalised one still is, as the rest of a title whose
        # other word is misspelt ("Genera Secterary").
        beside_doubled = {i - 1, i, i + 1} & doubled
        beside_slip = bool({i - 1, i + 1} & corrected.keys()) and not token.capitalised
        judged = token.is_word and token.checked and i not in corrected
        judged = judged and not beside_doubled and not beside_slip
        finding = _real_word(vocabulary, tokens, i, corrected) if judged else None
        if finding and vocabulary.known(token.lower):
            findings.append(finding)
    decided = sorted(
        (at, at + len(find)) for find in known_finds if find for at in _all_starts(text, find)
    )
    kept: list[_Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, KIND_PRECEDENCE.index(f.kind))):
        if any(lo < finding.end and finding.start < hi for lo, hi in decided):
            continue  # an entry already decides this place, whatever its kind
        if kept and finding.start < kept[-1].end:
            continue  # two checks on one word: the surer kind stands
        kept.append(finding)
    return tuple(_place(text, tokens, kept, decided))


KIND_PRECEDENCE = (NON_WORD, DOUBLED_WORD, REAL_WORD, PUNCTUATION)
"""When findings meet, the surest kind names the entry."""


def _place(
    text: str, tokens: tuple[Token, ...], findings: list[_Finding], decided: list[tuple[int, int]]
) -> list[Suggestion]:
    """Give each finding the smallest unique `find` that reaches neither a neighbouring
    finding nor a decided place, so that each entry changes its slip and nothing else. Two
    findings in touching words ("Genera Secterary") are one region and share one entry."""
    out: list[Suggestion] = []
    previous_end = 0
    queue = list(findings)
    while queue:
        finding = queue.pop(0)
        nxt = queue[0] if queue else None
        lo = max([previous_end] + [hi for _, hi in decided if hi <= finding.start])
        hi = min(
            [nxt.start if nxt else len(text)] + [lo_ for lo_, _ in decided if lo_ >= finding.end]
        )
        touching = nxt is not None and not text[finding.end : nxt.start].strip()
        if touching and nxt and finding.proposal is not None and nxt.proposal is not None:
            queue.insert(0, _merged(text, finding, queue.pop(0)))  # one slip region, one entry
            continue
        span = _context(text, tokens, finding.start, finding.end, lo, hi)
        if span is None and touching:
            queue.insert(0, _merged(text, finding, queue.pop(0)))
            continue
        out.append(_suggestion(text, finding, span))
        previous_end = span[1] if span else finding.end
    return out


def _merged(text: str, first: _Finding, second: _Finding) -> _Finding:
    gap = text[first.end : second.start]
    proposal = (
        first.proposal + gap + second.proposal
        if first.proposal is not None and second.proposal is not None
        else None
    )
    kind = min((first.kind, second.kind), key=KIND_PRECEDENCE.index)
    return _Finding(first.start, second.end, kind, text[first.start : second.end], proposal,
                    f"{first.rule}+{second.rule}", f"{first.why}; {second.why}")  # fmt: skip


def _suggestion(text: str, finding: _Finding, span: tuple[int, int] | None) -> Suggestion:
    line = text.count("\n", 0, finding.start) + 1
    column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
    proposal, why, alternatives = finding.proposal, finding.why, finding.alternatives
    if span is None:
        span = (finding.start, finding.end)
        if proposal is not None:
            alternatives, proposal = (proposal,), None
            why += "; no stretch of its line around it occurs only once, so no entry can name it"
    return Suggestion(
        line=line,
        column=column,
        kind=finding.kind,
        suspect=finding.suspect,
        proposal=proposal,
        context=text[span[0] : span[1]],
        rule=finding.rule,
        why=why,
        at=finding.start - span[0],
        alternatives=alternatives,
    )


def _all_starts(text: str, find: str) -> list[int]:
    starts, at = [], text.find(find)
    while at != -1:
        starts.append(at)
        at = text.find(find, at + 1)
    return starts


# --- output --------------------------------------------------------------------------------------


def toml_string(value: str) -> str:
    """`value` as a TOML basic string (quotes, backslashes and control characters escaped)."""
    out = []
    for char in value:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def suggestion_id(s: Suggestion) -> str:
    """A stable id for the entry: the line and the suspect, e.g. "l104-spehres"."""
    slug = re.sub(r"[^a-z0-9]+", "-", s.suspect.lower().replace("\u2019", "")).strip("-")
    return f"l{s.line}-{slug or 'text'}"


def entry_ids(
    suggestions: tuple[Suggestion, ...], taken: frozenset[str] = frozenset()
) -> list[str]:
    """One id per suggestion, unique among themselves and among the errata's own (`taken`):
    a second "l43-vis-a-vis" becomes "l43-vis-a-vis-2"."""
    used = set(taken)
    ids = []
    for s in suggestions:
        base = candidate = suggestion_id(s)
        n = 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        ids.append(candidate)
    return ids


def _comment(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in text.split("\n"))


def suggestion_toml(s: Suggestion, id: str) -> str:
    """The suggestion as errata text: where and why as comments, then a `[[fix]]` entry ready to
    paste; when no reading is sure, the readings that fit, as comments only."""
    where = f"{s.line}:{s.column}: {s.kind} ({s.rule}): {s.suspect!r}"
    if s.replacement is None:
        readings = " or ".join(repr(a) for a in s.alternatives) or "no close word known"
        return _comment(
            f"{where} \u2192 {readings}?\n{s.why}\n"
            "no entry: the context does not settle the reading; write one if this is a slip"
        )
    lines = [
        _comment(f"{where} \u2192 {s.proposal!r}\n{s.why}"),
        "[[fix]]",
        f"id = {toml_string(id)}",
        f"find = {toml_string(s.context)}",
        f"replace = {toml_string(s.replacement)}",
        f"reason = {toml_string(REASONS.get(s.kind, 'typo'))}",
        # A proposal until the editor accepts it: a --release build refuses it as it stands.
        'status = "proposed"',
    ]
    return "\n".join(lines)


def format_text(suggestions: tuple[Suggestion, ...], *, taken: frozenset[str] = frozenset()) -> str:
    """The listing for the editor, valid as an errata file: each suggestion's place and reason as
    comments, then its `[[fix]]` entry; paste the ones accepted into `errata.toml`."""
    if not suggestions:
        return "# no suggestions\n"
    parts = [
        suggestion_toml(s, id)
        for s, id in zip(suggestions, entry_ids(suggestions, taken), strict=True)
    ]
    return "\n\n".join(parts) + "\n"


def to_json(
    suggestions: tuple[Suggestion, ...], *, taken: frozenset[str] = frozenset()
) -> list[dict[str, object]]:
    """Plain dictionaries for `--json`, each with its errata entry's fields (`replace` is null
    when no reading is sure; `alternatives` then lists the readings that fit)."""
    return [
        asdict(s) | {"id": id, "replace": s.replacement, "reason": REASONS[s.kind]}
        for s, id in zip(suggestions, entry_ids(suggestions, taken), strict=True)
    ]
