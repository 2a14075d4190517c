"""A word-trigram language model of English for the typo finder's real-word check.

The Google Books pairs that `lexicon.py` reads see one neighbour on each side, and only pairs
above a high cut-off. A trigram model sees two words back: "read [the/a] report" is a tie for
pairs, but "we [was/are] ready to" and "away [form/from] the" are not. The model is the one CMU
Sphinx ships for US English (`en-us.lm.bin`, in the `pocketsphinx` wheel: a pruned Kneser-Ney
trigram model with backoff, lower case, BSD-licensed), read through pocketsphinx's own
`NGramModel`, installed with the package and never downloaded.

`log_p(word, history)` is a natural log; a word the model does not know gives None, and a
history word it does not know cuts the history there (the model then backs off).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

# pocketsphinx returns log probabilities in its LogMath base, 1.0001 by default.
_TO_NATS = math.log(1.0001)
_LOG_ZERO = -536870912  # what the model gives for a word it does not know


@dataclass(frozen=True)
class Trigrams:
    model: Any

    def log_p(self, word: str, history: tuple[str, ...] = ()) -> float | None:
        """ln P(word | history), the nearest history word last; None for an unknown word."""
        raw = self.model.prob([word, *reversed(history[-2:])])
        if raw <= _LOG_ZERO:
            return None
        return raw * _TO_NATS

    def known(self, word: str) -> bool:
        return self.log_p(word) is not None

    def window(self, words: tuple[str, ...], at: int) -> float | None:
        """ln P of the words from `at` to the end, each given the two before it: the part of
        a phrase's likelihood that changes with the word at `at`. None when that word is
        unknown; a later unknown word ends the window."""
        total = 0.0
        for k in range(at, len(words)):
            value = self.log_p(words[k], tuple(words[max(0, k - 2) : k]))
            if value is None:
                if k == at:
                    return None
                break
            total += value
        return total

    def likelihood(self, words: tuple[str, ...], at: int) -> float | None:
        """ln P of the words from `at` to the end, each given the two before it; None when
        the model does not know one of them. Unlike `window`, never cut short, so that two
        phrases of different lengths compare."""
        steps = [self.log_p(words[k], words[max(0, k - 2) : k]) for k in range(at, len(words))]
        return None if None in steps else sum(step for step in steps if step is not None)


@cache
def load_trigrams() -> Trigrams:
    """The model, read once per process (0.06 s)."""
    import pocketsphinx

    pocketsphinx.set_loglevel("FATAL")  # its loader logs every step at INFO on stderr
    path = os.path.join(pocketsphinx.get_model_path(), "en-us", "en-us.lm.bin")
    return Trigrams(pocketsphinx.NGramModel.readfile(path))
