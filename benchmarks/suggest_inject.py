"""Turn a clean record and a random generator into a copy with realistic slips, and where they are.

A copy gets about one slip per `WORDS_PER_SLIP` words (the issue measured 29 slips in 15,667
words), at least `SPACING` words apart so that no slip is another's context, and never inside
or beside a slip of the record itself. The classes are mixed as `CLASS_WEIGHTS` says:

- **non-word**: one slip of the typing or transcription channel below that makes no word;
- **doubled word**: a word typed twice;
- **real-word**: a slip that makes another real word of the lexicon (one of the 82,765 common
  words): a typing slip, a transcription look-alike ("hut" for "but"), a homophone, or one
  function word for another.

The channels are written from what typists and OCR do, apart from the finder's own confusion
sets (`pipeline/editorial/confusion.py`), so the finder is not tested on its answer key. And a
real-word slip (the pair "word → slip", either way round) belongs to one half only, by a hash of
the pair: the slips injected into the held-out records are never ones injected while tuning.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from pipeline.editorial.lexicon import load_lexicon
from pipeline.editorial.suggest import Token, tokenize

WORDS_PER_SLIP = 500
SPACING = 15
NON_WORD, DOUBLED, REAL_WORD = "non-word", "doubled-word", "real-word"
CLASS_WEIGHTS = {NON_WORD: 0.4, DOUBLED: 0.2, REAL_WORD: 0.4}
REAL_WORD_CHANNELS = {"typing": 0.5, "look-alike": 0.15, "homophone": 0.15, "function word": 0.2}

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _adjacent_keys() -> dict[str, str]:
    """Keys touching each key on a QWERTY keyboard, rows staggered as on a typewriter."""
    adjacent: dict[str, str] = {}
    for r, row in enumerate(KEYBOARD_ROWS):
        for i, key in enumerate(row):
            near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            if r > 0:
                near += [
                    KEYBOARD_ROWS[r - 1][j] for j in (i, i + 1) if j < len(KEYBOARD_ROWS[r - 1])
                ]
            if r + 1 < len(KEYBOARD_ROWS):
                near += [
                    KEYBOARD_ROWS[r + 1][j]
                    for j in (i - 1, i)
                    if 0 <= j < len(KEYBOARD_ROWS[r + 1])
                ]
            adjacent[key] = "".join(near)
    return adjacent


ADJACENT = _adjacent_keys()

# Shapes that OCR of typescripts and hasty transcribers take for one another (both ways).
LOOK_ALIKES: tuple[tuple[str, str, str], ...] = (
    ("m", "rn", "m read as r-n"),
    ("d", "cl", "d read as c-l"),
    ("h", "li", "h read as l-i"),
    ("b", "h", "b and h share a stem"),
    ("u", "i", "an open u read as i"),
    ("n", "u", "n and u are one shape turned"),
    ("e", "c", "a faint e read as c"),
    ("a", "o", "a closed a read as o"),
    ("l", "i", "l and i are one stroke"),
    ("t", "f", "t and f share a cross-bar"),
    ("w", "vv", "w read as v-v"),
    ("s", "a", "a blotted s"),
)

# Words said alike: a slip of dictation or of spelling by ear.
HOMOPHONES: tuple[tuple[str, str], ...] = (
    ("their", "there"), ("to", "too"), ("two", "too"), ("than", "then"), ("hear", "here"),
    ("know", "no"), ("where", "were"), ("affect", "effect"), ("whether", "weather"),
    ("principal", "principle"), ("passed", "past"), ("peace", "piece"), ("right", "write"),
    ("new", "knew"), ("by", "buy"), ("one", "won"), ("sea", "see"), ("week", "weak"),
    ("for", "four"), ("whole", "hole"), ("accept", "except"), ("lead", "led"), ("site", "sight"),
    ("fair", "fare"), ("meet", "meat"), ("plain", "plane"), ("sole", "soul"), ("wait", "weight"),
    ("would", "wood"), ("our", "hour"), ("course", "coarse"), ("role", "roll"), ("aid", "aide"),
    ("council", "counsel"), ("cite", "site"), ("rain", "reign"), ("break", "brake"),
    ("board", "bored"), ("waste", "waist"), ("sight", "cite"), ("through", "threw"),
    ("way", "weigh"), ("made", "maid"), ("steal", "steel"), ("seem", "seam"), ("allowed", "aloud"),
    ("base", "bass"), ("higher", "hire"), ("morning", "mourning"), ("presence", "presents"),
)  # fmt: skip

# Function words a writer or typist puts for one another (both ways).
FUNCTION_SWAPS: tuple[tuple[str, str], ...] = (
    ("of", "on"), ("of", "or"), ("of", "for"), ("in", "on"), ("in", "at"), ("at", "to"),
    ("to", "by"), ("to", "the"), ("by", "with"), ("for", "from"), ("from", "of"),
    ("with", "without"),
    ("a", "the"), ("an", "a"), ("and", "an"), ("is", "it"), ("is", "was"), ("are", "were"),
    ("was", "has"), ("has", "had"), ("have", "has"), ("this", "that"), ("these", "those"),
    ("this", "these"), ("that", "what"), ("not", "now"), ("we", "he"), ("he", "they"),
    ("they", "then"), ("them", "then"), ("his", "him"), ("our", "out"), ("would", "could"),
    ("will", "would"), ("can", "cannot"), ("if", "of"), ("as", "at"), ("so", "to"), ("be", "by"),
    ("it", "its"), ("who", "how"), ("some", "same"), ("any", "many"), ("more", "most"),
)  # fmt: skip


def half_of(word: str, slip: str) -> str:
    """Which half a real-word slip belongs to: a stable hash of the unordered pair."""
    key = "|".join(sorted((word, slip)))
    return "tuning" if zlib.crc32(key.encode()) % 2 == 0 else "held-out"


def typing_slips(word: str) -> list[tuple[str, str]]:
    """Every one-slip typing error of `word`, each with its name."""
    out: list[tuple[str, str]] = []
    for i, letter in enumerate(word):
        out += [
            (word[:i] + key + word[i + 1 :], "adjacent key") for key in ADJACENT.get(letter, "")
        ]
        out.append((word[:i] + word[i + 1 :], "dropped letter"))
        out.append((word[:i] + letter + word[i:], "doubled letter"))
        out += [(word[:i] + key + word[i:], "extra key") for key in ADJACENT.get(letter, "")]
        if i + 1 < len(word) and word[i + 1] != letter:
            out.append((word[:i] + word[i + 1] + letter + word[i + 2 :], "swapped letters"))
    return out


def look_alike_slips(word: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for a, b, _why in LOOK_ALIKES:
        for old, new in ((a, b), (b, a)):
            at = word.find(old)
            while at != -1:
                out.append((word[:at] + new + word[at + len(old) :], "look-alike"))
                at = word.find(old, at + 1)
    return out


def _pairs(table: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for a, b in table:
        index.setdefault(a, []).append(b)
        index.setdefault(b, []).append(a)
    return index


HOMOPHONE_OF = _pairs(HOMOPHONES)
SWAP_OF = _pairs(FUNCTION_SWAPS)


def real_word_slips(word: str, channel: str, half: str) -> list[str]:
    """Real words that `channel` makes of `word`, among the slips of `half`."""
    lexicon = load_lexicon()
    if channel == "typing":
        made = [slip for slip, _ in typing_slips(word)]
    elif channel == "look-alike":
        made = [slip for slip, _ in look_alike_slips(word)]
    elif channel == "homophone":
        made = HOMOPHONE_OF.get(word, [])
    else:
        made = SWAP_OF.get(word, [])
    return sorted(
        {s for s in made if s != word and s in lexicon.unigrams and half_of(word, s) == half}
    )


def non_word_slip(rng: random.Random, word: str, known: frozenset[str]) -> tuple[str, str] | None:
    lexicon = load_lexicon()
    options = [
        (slip, how)
        for slip, how in typing_slips(word) + look_alike_slips(word)
        if len(slip) >= 2 and slip not in lexicon.forms and slip not in known
    ]
    return rng.choice(sorted(set(options))) if options else None


@dataclass(frozen=True)
class Injection:
    """One slip put into the copy: `start:end` in the copy, `original` what stood there."""

    start: int
    end: int
    original: str
    written: str
    kind: str
    detail: str


def inject(
    text: str,
    rng: random.Random,
    half: str,
    *,
    avoid: list[tuple[int, int]],
    known: frozenset[str],
) -> tuple[str, tuple[Injection, ...]]:
    """A copy of `text` with slips of every class, and the slips with their places in it."""
    tokens = tokenize(text)
    words = [t for t in tokens if t.is_word and t.checked]
    eligible = [
        i
        for i, t in enumerate(tokens)
        if t.is_word
        and t.checked
        and t.text.islower()
        and not any(a - 40 < t.end and t.start < b + 40 for a, b in avoid)
    ]
    wanted = max(1, round(len(words) / WORDS_PER_SLIP))
    chosen: dict[int, tuple[str, str, str]] = {}
    for _ in range(wanted):
        kind = rng.choices(list(CLASS_WEIGHTS), weights=list(CLASS_WEIGHTS.values()))[0]
        made = _one(rng, tokens, eligible, chosen, kind, half, known)
        if made:
            index, written, detail = made
            chosen[index] = (written, kind, detail)
    pieces: list[str] = []
    injections: list[Injection] = []
    cursor = shift = 0
    for index in sorted(chosen):
        token = tokens[index]
        written, kind, detail = chosen[index]
        pieces += [text[cursor : token.start], written]
        start = token.start + shift
        injections.append(Injection(start, start + len(written), token.text, written, kind, detail))
        shift += len(written) - len(token.text)
        cursor = token.end
    pieces.append(text[cursor:])
    return "".join(pieces), tuple(injections)


def _one(
    rng: random.Random,
    tokens: tuple[Token, ...],
    eligible: list[int],
    chosen: dict[int, tuple[str, str, str]],
    kind: str,
    half: str,
    known: frozenset[str],
) -> tuple[int, str, str] | None:
    channel = ""
    if kind == REAL_WORD:
        channels = list(REAL_WORD_CHANNELS)
        channel = rng.choices(channels, weights=list(REAL_WORD_CHANNELS.values()))[0]
    order = eligible[:]
    rng.shuffle(order)
    for index in order:
        if any(abs(index - other) < SPACING for other in chosen):
            continue
        word = tokens[index].text
        if kind == DOUBLED:
            return index, f"{word} {word}", "doubled"
        if kind == NON_WORD:
            made = non_word_slip(rng, word, known)
            if made:
                return index, made[0], made[1]
            continue
        options = real_word_slips(word, channel, half)
        if options:
            return index, rng.choice(options), channel
    return None
