"""Turn the record's words into print markup that says which of them WeasyPrint may hyphenate.

WeasyPrint hyphenates every word of a `hyphens: auto` element with pyphen's patterns, names
included ("Kis-singer", "Mo-scow", "OAS-GA"), and breaks each part of a compound on its own
("Pol-ish-U.S."). House rules (Chicago Manual of Style 7.36–7.42, New Hart's Rules 4.2): never
divide a proper name, an acronym or a number, and divide a hyphenated compound only at its own
hyphen. So before layout each such word is wrapped in `<span class="whole">` (print.css: `hyphens:
manual`), where the line may still break after the compound's hyphen but never inside a part.

Which words (`UNBROKEN_WORDS`, each rule with its reason):
- names the model knows: every capitalised word of a turn's label, a speaker, a header field
  (the participants), wherever it stands;
- by their shape: a word with a digit, an acronym (two capitals or more), a compound with a
  hyphen, and a capitalised word, unless it opens a sentence and the record also writes it in
  lower case ("Unfortunately" / "unfortunately").

Words shorter than `MIN_WORD` are left as they are: `hyphenate-limit-chars: 6 3 3` (print.css)
never breaks them anyway, so marking them would only add boxes to the layout.

A range of numbers ("pp. 644–645", "11:30–13:40") is also kept on one line (`<span class="whole
range">`, print.css: `white-space: nowrap`): a line break after its en dash leaves a reader
with "644–" and no end to the range (Chicago Manual of Style 6.81).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from markupsafe import Markup, escape

from pipeline.model import Document, Field, Turn, body_blocks, inline_text

MIN_WORD = 6  # hyphenate-limit-chars' first value in styles/print.css
WHOLE_CLASS = "whole"

_LETTERS = re.compile(r"[^\W\d_]+")
# A token is a run of non-spaces; the no-break space of "L.I.\u00a0Brezhnev" keeps a name whole.
_TOKEN = re.compile(r"[^ \t\n]+")
_SENTENCE_END = re.compile(r"[.!?:…][\"'”’»)\]]*$")
_NUMBER_RANGE = re.compile(r"\d[\u2013-]\d")
MAX_RANGE = 24  # a longer token is not a range but a file reference, which may break


@dataclass(frozen=True, slots=True)
class WordRule:
    """A kind of word that must not be hyphenated; `applies(word, context)` says if one is."""

    name: str
    applies: Callable[[str, WordContext], bool]
    why: str


@dataclass(frozen=True, slots=True)
class WordContext:
    """What a rule may know about a token: the document's names and lower-case words, and
    whether the token opens a sentence."""

    names: frozenset[str]
    lower_words: frozenset[str]
    sentence_start: bool


def _core(token: str) -> list[str]:
    return _LETTERS.findall(token)


def _is_named(token: str, ctx: WordContext) -> bool:
    return any(part in ctx.names for part in _core(token))


def _is_capitalised_name(token: str, ctx: WordContext) -> bool:
    parts = _core(token)
    if not parts or not parts[0][:1].isupper():
        return False
    # "Unfortunately" opening a sentence is an ordinary word when the record has "unfortunately".
    return not (ctx.sentence_start and parts[0].lower() in ctx.lower_words)


UNBROKEN_WORDS: tuple[WordRule, ...] = (
    WordRule("known name", _is_named, "a participant's or speaker's name is never divided"),
    WordRule(
        "number",
        lambda token, _: any(c.isdigit() for c in token),
        "numbers and file references (P860117–0646) are never divided",
    ),
    WordRule(
        "acronym",
        lambda token, _: sum(c.isupper() for c in token) >= 2,
        "acronyms and names in capitals (OASGA, U.S., OLSZOWSKI) are never divided",
    ),
    WordRule(
        "compound",
        lambda token, _: bool(re.search(r"\w-\w", token)),
        "a hyphenated compound is divided only at its own hyphen",
    ),
    WordRule(
        "capitalised word",
        _is_capitalised_name,
        "a capitalised word inside a sentence is a proper name (Japan, Moscow, Kissinger)",
    ),
)


def _words(text: str) -> Iterator[str]:
    for token in _TOKEN.findall(text):
        yield from _core(token)


def model_names(doc: Document) -> frozenset[str]:
    """Capitalised words of turn labels, speakers and header fields: the names the model knows."""
    texts: list[str] = []
    for _, block in body_blocks(doc):
        if isinstance(block, Turn):
            texts += [block.label, block.speaker]
    for block in doc.header.blocks:
        texts.append(inline_text(block.content, brackets=False))
        if isinstance(block, Field):
            texts.append(block.label)
    return frozenset(w for t in texts for w in _words(t) if w[:1].isupper())


def lower_words(texts: Iterable[str]) -> frozenset[str]:
    """Every word the record writes in lower case."""
    return frozenset(w for t in texts for w in _words(t) if w[:1].islower())


def record_texts(doc: Document) -> Iterator[str]:
    for _, block in body_blocks(doc):
        yield inline_text(block.content, brackets=False)
    for note in doc.notes:
        for paragraph in note.paragraphs:
            yield inline_text(paragraph, brackets=False)


def must_stay_whole(token: str, ctx: WordContext) -> bool:
    letters = sum(len(part) for part in _core(token))
    if letters < MIN_WORD:
        return False
    return any(rule.applies(token, ctx) for rule in UNBROKEN_WORDS)


class WordMarks:
    """Marks a text run's words for print: `marks(text)` gives escaped markup in which every
    word that must stay whole is wrapped in a `whole` span. `extra` names further words to keep
    whole (a word the layout broke across a page turn, kept whole in the next layout)."""

    def __init__(
        self, names: frozenset[str], lower: frozenset[str], extra: frozenset[str] = frozenset()
    ) -> None:
        self.names, self.lower, self.extra = names, lower, extra
        self._decided: dict[tuple[str, bool], str] = {}

    @classmethod
    def for_document(cls, doc: Document, extra: Iterable[str] = ()) -> WordMarks:
        return cls(model_names(doc), lower_words(record_texts(doc)), frozenset(extra))

    def _classes(self, token: str, sentence_start: bool) -> str:
        """The span's classes for a token ("" for none), decided once per token and position."""
        key = (token, sentence_start)
        if key not in self._decided:
            ctx = WordContext(self.names, self.lower, sentence_start)
            if _NUMBER_RANGE.search(token) and len(token) <= MAX_RANGE:
                classes = f"{WHOLE_CLASS} range"
            elif must_stay_whole(token, ctx) or any(p in self.extra for p in _core(token)):
                classes = WHOLE_CLASS
            else:
                classes = ""
            self._decided[key] = classes
        return self._decided[key]

    def __call__(self, text: str) -> Markup:
        # Escaping never adds or removes a space, so the escaped text's tokens are the text's.
        escaped = str(escape(text))
        tokens = iter(_TOKEN.findall(text))
        sentence_start = True

        def mark(match: re.Match[str]) -> str:
            nonlocal sentence_start
            token = next(tokens)
            classes = self._classes(token, sentence_start)
            sentence_start = bool(_SENTENCE_END.search(token))
            return f'<span class="{classes}">{match.group()}</span>' if classes else match.group()

        return Markup(_TOKEN.sub(mark, escaped))
