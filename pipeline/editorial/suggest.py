"""Turn a source text into suggested errata: likely typos, each with a proposal and a
ready-to-paste `[[fix]]` entry for `sources/<id>/errata.toml`.

Four checks run over the words of the text as the editor sees it (export junk such as
`[bookmark: …]` and note numbers `[1]` is skipped; words in editorial brackets and a word marked
`[sic]` are never proposed):

- **non-word**: a word in no shipped English dictionary, nor among the document's names or
  accepted words; a capitalised unknown word is taken for a name unless a common word or one of
  the document's names is a keystroke or two away;
- **doubled word**: "the the";
- **real-word**: a real word whose neighbours make another word far likelier — a member of its
  confusion set (`confusion.py`) or a real word one keystroke away ("relations with continue"
  → "will continue"). Likelihood comes from the Google Books bigram counts that `symspellpy`
  ships (`lexicon.py`);
- **punctuation**: a sentence starter such as "The" straight after a lower-case word: the full
  stop between them has dropped out.

`suggest` is pure: text in, suggestions out, sorted by position. Each suggestion's `context`
occurs exactly once in the text, so it can serve as the errata entry's `find`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cache

from pipeline.editorial.confusion import (
    ABBREVIATIONS,
    CONFUSION_RULE,
    COORDINATORS,
    DOUBLED_OK,
    KEYSTROKE_RULE,
    PREPOSITION_VERB_RULE,
    PREPOSITIONS,
    SENTENCE_STARTERS,
    TITLE_RULE,
    UNLIKELY_PAIR_RATIO,
    UNLIKELY_PAIR_RULE,
    ContextRule,
    confusion_sets_of,
)
from pipeline.editorial.lexicon import Lexicon, edit_distance, edits1, load_lexicon

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
# Margins are natural logs of how many times likelier the proposal is than the text in its
# context (the rules' own margins are in confusion.py). They were set on the two FRUS sample
# records with injected typos (benchmarks/suggest_eval.py): about a third of the budget
# of one false alarm per 500 words, leaving room for unseen records.

EDIT_MIN_COUNT = 2_000_000
"""A keystroke neighbour is proposed only when it is itself a common word."""

NAME_LIKE_MIN_COUNT = 1_000_000
"""A capitalised unknown word is taken for a name unless a word this common is one edit away."""

PSEUDO_COUNT = 10_000
"""Count given to words the unigram table lacks: just below its smallest entry (12,714)."""

TWO_EDITS_COST = 3.0
"""Two slips in one word cost as much as three plain deletions (see `_edit_cost`)."""

EDIT_COST_WEIGHT = 3.0
"""Nats of context fit that one unit of edit cost outweighs when ranking proposals."""

ONE_SIDED_MARGIN = 1.5
"""Extra margin when only one neighbour can be read: half the evidence, more room for doubt."""

LONG_NAME = 8
"""A capitalised unknown word this long may be two slips from a common word ("Secterary")."""


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
    )


# --- scoring a word in its context ---------------------------------------------------------------


def _fit(lexicon: Lexicon, word: str, left: str | None, right: str | None) -> float:
    """Log-likelihood of `word` between `left` and `right`, up to a constant shared by every
    candidate for the same place: log c(left word) + log c(word right) - log c(word)."""
    own = math.log(lexicon.bigram_scale * max(lexicon.count(word), PSEUDO_COUNT))
    score = math.log(lexicon.bigram(left, word)) if left else own
    if right:
        score += math.log(lexicon.bigram(word, right)) - own
    return score


def _context_word(lexicon: Lexicon, word: str | None) -> str | None:
    return word if word is not None and word in lexicon.unigrams else None


def _match_case(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[0].isupper():
        return word[0].upper() + word[1:]
    return word


@cache
def _near_words(word: str) -> tuple[tuple[str, float], ...]:
    """Known words one edit from `word` with the cost of that edit; words two edits away only
    when none is one away and `word` is long enough for two slips."""
    lexicon = load_lexicon()
    one = edits1(word)
    found = [(w, _edit_cost(word, w)) for w in sorted(one) if w in lexicon.forms and "'" not in w]
    if not any(w in lexicon.unigrams for w, _ in found) and 5 <= len(word) <= 14:
        two = {e2 for e1 in one for e2 in edits1(e1) if e2 in lexicon.unigrams} - one - {word}
        found += [(w, TWO_EDITS_COST) for w in sorted(two) if "'" not in w]
    return tuple(found)


def _edit_cost(typo: str, word: str) -> float:
    """How unlikely the slip from `word` to `typo` is, in units of a plain deletion.

    Typists most often drop one of a doubled letter ("Holand") or swap neighbours ("spehres");
    they seldom hit a wrong key, and least often the first one (Kukich 1992, Damerau 1964)."""
    if len(word) == len(typo) + 1:
        i = next((k for k in range(len(typo)) if typo[k] != word[k]), len(typo))
        doubled = (i > 0 and word[i] == word[i - 1]) or (
            i + 1 < len(word) and word[i] == word[i + 1]
        )
        return 0.5 if doubled else 1.0
    if len(word) + 1 == len(typo):
        i = next((k for k in range(len(word)) if typo[k] != word[k]), len(word))
        doubled = (i > 0 and typo[i] == typo[i - 1]) or (
            i + 1 < len(typo) and typo[i] == typo[i + 1]
        )
        return 0.5 if doubled else 1.0
    diff = [k for k in range(len(word)) if typo[k] != word[k]]
    if len(diff) == 2:
        return 0.5  # neighbours swapped
    return 2.5 if diff == [0] else 1.5


def _best_proposal(
    vocabulary: Vocabulary, word: str, left: str | None, right: str | None
) -> tuple[str, float] | None:
    """The most likely intended word for the unknown `word`, with the cost of the slip."""
    lexicon = vocabulary.lexicon
    best: tuple[float, str, float] | None = None
    for candidate, cost in _near_words(word):
        score = _fit(lexicon, candidate, left, right) - EDIT_COST_WEIGHT * cost
        if best is None or score > best[0]:
            best = (score, candidate, cost)
    return (best[1], best[2]) if best else None


def _near_name(vocabulary: Vocabulary, word: str) -> str | None:
    """A name of the document that `word` is probably a misspelling of."""
    limit = 1 if len(word) < 6 else 2
    matches = sorted(
        (edit_distance(word, name), name)
        for name in vocabulary.names
        if len(name) >= 4 and abs(len(name) - len(word)) <= limit and name != word
    )
    matches = [(d, n) for d, n in matches if d <= limit]
    return matches[0][1] if matches else None


# --- the checks ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Finding:
    start: int
    end: int
    kind: str
    suspect: str
    proposal: str
    rule: str
    why: str


def _non_word(vocabulary: Vocabulary, tokens: tuple[Token, ...], i: int) -> _Finding | None:
    token = tokens[i]
    word = token.lower
    if len(word) < 2 or vocabulary.known(word):
        return None
    name = _near_name(vocabulary, word) if token.capitalised else None
    if token.all_caps and name is None and len(word) <= 6:
        return None  # an acronym or a Roman numeral: ICCS, MBFR, OASGA, XIV
    if token.capitalised and name is None and _beside_name(vocabulary, tokens, i):
        return None  # one word of a longer name: "Jerzy WASZCZUK", "Romuald Spasowski"
    left, right = _neighbours(vocabulary, tokens, i)
    if name is not None:
        proposal = _match_case(token.text, name)
        return _Finding(
            token.start,
            token.end,
            NON_WORD,
            token.text,
            proposal,
            "near-name",
            f"{token.text!r} is no English word, and the record names {proposal!r} elsewhere",
        )
    best = _best_proposal(vocabulary, word, left, right)
    if token.capitalised:
        # A capitalised word no dictionary knows is usually a name: "Niigata", "Olszowski".
        # Only a common word close by gives a slip away: "Europen", "Secterary".
        if best is None or vocabulary.lexicon.count(best[0]) < NAME_LIKE_MIN_COUNT:
            return None
        if best[1] >= TWO_EDITS_COST and len(word) < LONG_NAME:
            return None
    elif best is None and word in vocabulary.repeated:
        return None  # used twice and nothing like an English word: the record's own term
    proposal = _match_case(token.text, best[0]) if best else token.text
    edits = (
        ("two edits away" if best[1] >= TWO_EDITS_COST else "one edit away")
        if best
        else "no close word known"
    )
    return _Finding(
        token.start,
        token.end,
        NON_WORD,
        token.text,
        proposal,
        "dictionary",
        f"{token.text!r} is in no shipped English dictionary nor in the document's names or"
        f" wordlists; {proposal!r} is {edits}",
    )


def _beside_name(vocabulary: Vocabulary, tokens: tuple[Token, ...], i: int) -> bool:
    """Whether token `i` stands next to a capitalised word that is a name or no known word."""
    for j in (i - 1, i + 1):
        if not 0 <= j < len(tokens) or not tokens[j].is_word or not tokens[j].capitalised:
            continue
        if not (tokens[i].joined_before if j < i else tokens[j].joined_before):
            continue
        other = tokens[j].lower
        if other in vocabulary.names or not vocabulary.known(other):
            return True
    return False


def _neighbours(
    vocabulary: Vocabulary,
    tokens: tuple[Token, ...],
    i: int,
    corrected: dict[int, str] | None = None,
) -> tuple[str | None, str | None]:
    """The words either side of token `i` within its phrase, as the lexicon spells them."""
    lexicon = vocabulary.lexicon
    corrected = corrected or {}

    def word(j: int) -> str | None:
        if not 0 <= j < len(tokens) or not tokens[j].is_word:
            return None
        return _context_word(lexicon, corrected.get(j, tokens[j].lower))

    left = word(i - 1) if tokens[i].joined_before else None
    right = word(i + 1) if i + 1 < len(tokens) and tokens[i + 1].joined_before else None
    return left, right


def _ratio(lexicon: Lexicon, first: str, second: str) -> float:
    """How often `first second` occurs against what chance predicts (absent pairs at half the
    table's cut-off, the most they can be)."""
    expected = lexicon.bigram_scale * max(lexicon.count(first), PSEUDO_COUNT)
    expected *= max(lexicon.count(second), PSEUDO_COUNT) / lexicon.unigram_total
    seen = lexicon.bigrams.get((first, second), lexicon.bigram_floor / 2)
    return seen / expected


def _is_bare_verb(lexicon: Lexicon, word: str) -> bool:
    """Whether `word` reads as a bare verb: common after "to" and "will", never after "the"."""
    after_to = lexicon.bigrams.get(("to", word), 0)
    after_will = lexicon.bigrams.get(("will", word), 0)
    after_the = lexicon.bigrams.get(("the", word), 0)
    return after_to > 0 and after_will > 0 and after_to > 50 * after_the


def _rules_for(
    lexicon: Lexicon,
    token: Token,
    word: str,
    other: str,
    left: str | None,
    right: str | None,
    base: ContextRule,
) -> ContextRule:
    """The most lenient rule that applies to replacing `word` by `other` here."""
    rules = [base]
    attested_right = right is not None and (other, right) in lexicon.bigrams
    attested_left = left is not None and (left, other) in lexicon.bigrams
    # "your and our positions", "you and I and": coordination lets any word stand before
    # "and", so a pair with a coordinator is no evidence.
    broken_right = (
        right not in COORDINATORS and _ratio(lexicon, word, right or "") < UNLIKELY_PAIR_RATIO
    )
    broken_left = (
        left not in COORDINATORS and _ratio(lexicon, left or "", word) < UNLIKELY_PAIR_RATIO
    )
    if (attested_right and broken_right) or (attested_left and broken_left):
        rules.append(UNLIKELY_PAIR_RULE)
    if (
        word in PREPOSITIONS
        and other not in PREPOSITIONS
        and attested_right
        and (word, right) not in lexicon.bigrams
        and _is_bare_verb(lexicon, right)
    ):
        rules.append(PREPOSITION_VERB_RULE)
    return min(rules, key=lambda rule: rule.margin)


def _real_word(
    vocabulary: Vocabulary, tokens: tuple[Token, ...], i: int, corrected: dict[int, str]
) -> _Finding | None:
    token = tokens[i]
    word = token.lower
    lexicon = vocabulary.lexicon
    if word in vocabulary.names or word in vocabulary.accepted or "'" in word:
        return None  # the bigram table counts no contractions or possessives
    title_like = False
    if word == "i":
        return None  # the pronoun: a slip to or from it would be lower case ("it", "is")
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
    candidates: dict[str, tuple[ContextRule, str]] = {}
    for group in confusion_sets_of(word):
        for other in group.words:
            if other != word and other in lexicon.unigrams:
                candidates.setdefault(other, (CONFUSION_RULE, group.why))
    for other in _keystroke_neighbours(word):
        candidates.setdefault(other, (KEYSTROKE_RULE, "one keystroke away"))
    here = _fit(lexicon, word, left, right)
    # Half the evidence, more room for doubt; but a capitalised word used once, next to the
    # title it would complete, needs no more.
    extra = ONE_SIDED_MARGIN if (left is None or right is None) and not title_like else 0.0
    best: tuple[float, str, ContextRule, str, float] | None = None
    for other, (base, slip) in sorted(candidates.items()):
        # Only attested pairs count as evidence for the alternative.
        attested = (left is not None and (left, other) in lexicon.bigrams) or (
            right is not None and (other, right) in lexicon.bigrams
        )
        if not attested:
            continue
        rule = _rules_for(lexicon, token, word, other, left, right, base)
        if title_like and lexicon.count(other) > 100 * max(lexicon.count(word), 1):
            rule = min(rule, TITLE_RULE, key=lambda r: r.margin)
        gain = _fit(lexicon, other, left, right) - here
        if gain > rule.margin + extra and (best is None or gain - rule.margin > best[0]):
            best = (gain - rule.margin, other, rule, slip, gain)
    if best is None:
        return None
    _, other, rule, slip, gain = best
    phrase = " ".join(w for w in (left, other, right) if w)
    written = " ".join(w for w in (left, word, right) if w)
    return _Finding(
        token.start,
        token.end,
        REAL_WORD,
        token.text,
        _match_case(token.text, other),
        rule.name,
        f"{rule.why}; {other!r} is {slip}: {phrase!r} is about {_times(gain)} times likelier"
        f" than {written!r} in Google Books bigrams",
    )


@cache
def _keystroke_neighbours(word: str) -> tuple[str, ...]:
    lexicon = load_lexicon()
    return tuple(
        sorted(
            w
            for w in edits1(word)
            if lexicon.count(w) >= EDIT_MIN_COUNT and "'" not in w and not _variants(word, w)
        )
    )


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
    return _Finding(
        first.start,
        second.end,
        DOUBLED_WORD,
        text[first.start : second.end],
        first.text,
        "doubled-word",
        f"{first.text!r} twice in a row",
    )


def _missing_stop(tokens: tuple[Token, ...], text: str, i: int) -> _Finding | None:
    first, second = tokens[i - 1], tokens[i]
    if not (second.joined_before and first.checked and second.checked):
        return None
    if second.text not in SENTENCE_STARTERS or not first.text.islower():
        return None
    if text[first.end : second.start].strip(" "):
        return None
    suspect = text[first.start : second.end]
    return _Finding(
        first.start,
        second.end,
        PUNCTUATION,
        suspect,
        first.text + "." + text[first.end : second.start] + second.text,
        "missing-full-stop",
        f"{second.text!r} opens a sentence, but no full stop comes before it",
    )


# --- context for the errata entry ----------------------------------------------------------------


def _occurrences(text: str, find: str) -> int:
    count, at = 0, text.find(find)
    while at != -1:
        count += 1
        at = text.find(find, at + 1)
    return count


def _context(text: str, tokens: tuple[Token, ...], start: int, end: int) -> tuple[str, int]:
    """Source text around `start:end` that occurs once in `text`, and the suspect's offset in it.

    Widens a word at a time on either side, within the line, starting from one word each side so
    that the editor sees where the change falls."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    on_line = [t for t in tokens if line_start <= t.start and t.end <= line_end]
    before = [t for t in on_line if t.end <= start]
    after = [t for t in on_line if t.start >= end]
    take_before, take_after = min(1, len(before)), min(1, len(after))
    while True:
        left = before[-take_before].start if take_before else start
        right = after[take_after - 1].end if take_after else end
        find = text[left:right]
        if _occurrences(text, find) == 1:
            return find, start - left
        if take_before >= len(before) and take_after >= len(after):
            left = line_start + (
                len(text[line_start:line_end]) - len(text[line_start:line_end].lstrip())
            )
            find = text[left:line_end].rstrip()
            return find, start - left
        # Grow the shorter side first, so the suspect stays near the middle.
        if take_before < len(before) and (take_before <= take_after or take_after >= len(after)):
            take_before += 1
        else:
            take_after += 1


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
    the project-wide and the document's wordlists; `known_finds` the `find` strings of entries
    already in the errata file: nothing inside one of their occurrences is proposed again."""
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
        if token.checked and (finding := _non_word(vocabulary, tokens, i)):
            findings.append(finding)
            corrected[i] = finding.proposal.lower()
    for i, token in enumerate(tokens):
        if token.is_word and token.checked and i not in corrected and i not in doubled:
            if not vocabulary.known(token.lower):
                continue
            if finding := _real_word(vocabulary, tokens, i, corrected):
                findings.append(finding)
    covered = [
        (at, at + len(find)) for find in known_finds if find for at in _all_starts(text, find)
    ]
    kept = sorted(
        (f for f in findings if not any(lo <= f.start and f.end <= hi for lo, hi in covered)),
        key=lambda f: (f.start, f.end),
    )
    suggestions = []
    for finding in _merge_overlapping(text, tokens, kept):
        context, at = _context(text, tokens, finding.start, finding.end)
        line = text.count("\n", 0, finding.start) + 1
        column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
        suggestions.append(
            Suggestion(
                line=line,
                column=column,
                kind=finding.kind,
                suspect=finding.suspect,
                proposal=finding.proposal,
                context=context,
                rule=finding.rule,
                why=finding.why,
                at=at,
            )
        )
    return tuple(sorted(set(suggestions), key=_order))


KIND_PRECEDENCE = (NON_WORD, DOUBLED_WORD, REAL_WORD, PUNCTUATION)
"""When findings merge, the surest kind names the entry."""


def _merge_overlapping(
    text: str, tokens: tuple[Token, ...], findings: list[_Finding]
) -> list[_Finding]:
    """Join findings whose errata contexts would overlap ("Mr. Genera Secterary"): the errata
    stage rejects overlapping entries, so one entry must carry both corrections."""
    merged: list[_Finding] = []
    for finding in findings:
        if merged:
            last = merged[-1]
            context, at = _context(text, tokens, last.start, last.end)
            last_context_end = last.start - at + len(context)
            context, at = _context(text, tokens, finding.start, finding.end)
            if finding.start - at < last_context_end and finding.start >= last.end:
                gap = text[last.end : finding.start]
                kinds = sorted((last.kind, finding.kind), key=KIND_PRECEDENCE.index)
                merged[-1] = _Finding(
                    last.start,
                    finding.end,
                    kinds[0],
                    text[last.start : finding.end],
                    last.proposal + gap + finding.proposal,
                    f"{last.rule}+{finding.rule}",
                    f"{last.why}; {finding.why}",
                )
                continue
            if finding.start < last.end:
                continue  # two checks on one word: the first, surer one stands
        merged.append(finding)
    return merged


def _order(s: Suggestion) -> tuple[int, int, str, str]:
    return (s.line, s.column, s.kind, s.rule)


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
