"""Turn what we know about typing and translating slips into data: confusion sets and context
rules, each with a name and the reason it exists.

A confusion set is a group of real words that writers and typists swap for one another. The typo
finder tries every other member of a word's set (and every real word one keystroke away) in the
word's place, and proposes the one its neighbours make far more likely. Sets are general English
facts, not a list of slips seen in one record.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfusionSet:
    name: str
    words: tuple[str, ...]
    why: str


CONFUSION_SETS: tuple[ConfusionSet, ...] = (
    # Homophones and near-homophones: dictation, translation and spelling-by-ear slips.
    # Contractions ("it's", "they're") are left out: the bigram table does not count them.
    ConfusionSet("their-there", ("their", "there"), "homophones"),
    ConfusionSet("to-too-two", ("to", "too", "two"), "homophones"),
    ConfusionSet("than-then", ("than", "then"), "near-homophones, one vowel apart"),
    ConfusionSet("affect-effect", ("affect", "effect"), "near-homophones"),
    ConfusionSet("accept-except", ("accept", "except"), "near-homophones"),
    ConfusionSet("principal-principle", ("principal", "principle"), "homophones"),
    ConfusionSet("weather-whether", ("weather", "whether"), "homophones"),
    ConfusionSet("hear-here", ("hear", "here"), "homophones"),
    ConfusionSet("peace-piece", ("peace", "piece"), "homophones"),
    ConfusionSet("knew-new", ("knew", "new"), "homophones"),
    ConfusionSet("know-no-now", ("know", "no", "now"), "homophones and one-letter slips"),
    ConfusionSet("right-write", ("right", "write", "rite"), "homophones"),
    ConfusionSet("week-weak", ("week", "weak"), "homophones"),
    ConfusionSet("by-buy", ("by", "buy", "bye"), "homophones"),
    ConfusionSet("sea-see", ("sea", "see"), "homophones"),
    ConfusionSet("one-won", ("one", "won"), "homophones"),
    ConfusionSet("whole-hole", ("whole", "hole"), "homophones"),
    ConfusionSet("our-hour-are", ("our", "hour", "are"), "homophones in rapid speech"),
    ConfusionSet("role-roll", ("role", "roll"), "homophones"),
    ConfusionSet("site-sight-cite", ("site", "sight", "cite"), "homophones"),
    ConfusionSet("council-counsel", ("council", "counsel"), "homophones"),
    ConfusionSet("complement-compliment", ("complement", "compliment"), "homophones"),
    ConfusionSet("led-lead", ("led", "lead"), "homophones in the past tense"),
    ConfusionSet("passed-past", ("passed", "past"), "homophones"),
    ConfusionSet("threw-through", ("threw", "through", "thorough"), "homophones"),
    ConfusionSet("wait-weight", ("wait", "weight"), "homophones"),
    ConfusionSet("would-wood", ("would", "wood"), "homophones"),
    ConfusionSet("for-four", ("for", "four", "fore"), "homophones"),
    ConfusionSet("morning-mourning", ("morning", "mourning"), "homophones"),
    ConfusionSet("lose-loose", ("lose", "loose"), "one letter apart, often confused"),
    ConfusionSet("advice-advise", ("advice", "advise"), "noun against verb"),
    ConfusionSet("device-devise", ("device", "devise"), "noun against verb"),
    ConfusionSet("were-where", ("were", "where", "wear"), "near-homophones"),
    ConfusionSet("quite-quiet", ("quite", "quiet"), "swapped letters"),
    ConfusionSet("desert-dessert", ("desert", "dessert"), "doubled letter"),
    ConfusionSet("personal-personnel", ("personal", "personnel"), "near-homophones"),
    ConfusionSet("these-those", ("these", "those"), "demonstratives: 'those of' refers back"),
    # Function words: a slip of one or two keys turns one into another, and the sentence still
    # reads word by word; only the neighbours give it away ("relations with continue").
    ConfusionSet("with-will", ("with", "will", "wit"), "two keys apart; 'with' before a verb"),
    ConfusionSet("you-your", ("you", "your", "yours"), "an extra or dropped letter"),
    ConfusionSet("of-off-or", ("of", "off", "or", "on"), "one key apart"),
    ConfusionSet("from-form", ("from", "form"), "swapped letters"),
    ConfusionSet("a-an-and", ("a", "an", "and", "as", "at"), "one key apart"),
    ConfusionSet("in-on-is-it", ("in", "on", "is", "it", "if", "an"), "one key apart"),
    ConfusionSet(
        "the-they",
        ("the", "they", "then", "them", "thee", "he"),
        "a dropped or added letter of 'the'",
    ),
    ConfusionSet("this-these", ("this", "these", "thus", "his"), "one letter apart"),
    ConfusionSet("that-than-what", ("that", "than", "what", "at"), "one letter apart"),
    ConfusionSet("was-as-has", ("was", "as", "has"), "a dropped or changed first letter"),
    ConfusionSet("we-he-me-be", ("we", "he", "me", "be"), "one key apart"),
    ConfusionSet("not-now-note", ("not", "now", "note", "nor"), "one letter apart"),
    ConfusionSet("be-been-being", ("be", "been", "being"), "verb forms one ending apart"),
    ConfusionSet("who-how", ("who", "how"), "swapped letters"),
    ConfusionSet("out-our", ("out", "our"), "one key apart"),
    ConfusionSet("there-three", ("there", "three"), "swapped letters"),
    ConfusionSet("may-many", ("may", "many", "man"), "one letter apart"),
    ConfusionSet("well-will", ("well", "will", "wall"), "one vowel apart"),
)


@dataclass(frozen=True, slots=True)
class DoubledException:
    """A word that may stand twice in a row; when `before` is given, only before those words."""

    word: str
    why: str
    before: frozenset[str] = frozenset()


DOUBLED_OK: tuple[DoubledException, ...] = (
    DoubledException("had", "past perfect of 'have': 'they had had enough'"),
    DoubledException(
        "that",
        "a conjunction before a demonstrative subject: 'he said that that was so'",
        frozenset(
            {"is", "was", "will", "would", "could", "should", "has", "had", "may", "might",
             "must", "can", "does", "did", "means", "meant", "remains", "seems"}
        ),
    ),
)  # fmt: skip

# A capitalised word that no name can be: when it follows a lower-case word with only a space
# between, the full stop of the sentence before it has dropped out ("population The USSR").
SENTENCE_STARTERS: frozenset[str] = frozenset(
    {
        "The", "This", "These", "Those", "We", "They", "He", "She", "It", "There", "But",
        "However", "Our", "My", "His", "Their", "Its", "Therefore", "Thus", "Yet", "Then",
    }
)  # fmt: skip

# A full stop after these is part of the word, not the end of a sentence, and the word is not
# checked against the dictionary ("Mr. Prime Minister", "US Amb. to Poland", "pp. 8-13").
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "dr", "st", "lt", "gen", "col", "maj", "capt", "cmdr", "adm", "sgt",
        "sen", "rep", "amb", "gov", "pres", "sec", "secy", "dept", "asst", "dep", "no", "nos",
        "vol", "vols", "pp", "p", "ch", "chap", "etc", "cf", "ibid", "op", "cit", "jr", "sr",
        "inc", "co", "corp", "ltd", "univ", "ft", "mt", "ave", "fig", "ed", "eds", "trans",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "approx", "esp", "viz", "vs", "ca", "tel", "msg", "ref", "para", "paras", "memo",
    }
)  # fmt: skip


def confusion_sets_of(word: str) -> tuple[ConfusionSet, ...]:
    """The sets `word` belongs to, in table order."""
    return _BY_WORD.get(word, ())


def _index() -> dict[str, tuple[ConfusionSet, ...]]:
    index: dict[str, list[ConfusionSet]] = {}
    for group in CONFUSION_SETS:
        for word in group.words:
            index.setdefault(word, []).append(group)
    return {word: tuple(groups) for word, groups in index.items()}


_BY_WORD = _index()


@dataclass(frozen=True, slots=True)
class ContextRule:
    """When a real word may be replaced by a likelier one: `margin` is how many nats (natural
    logs) likelier the replacement must be in its context for the rule to fire."""

    name: str
    margin: float
    why: str


CONFUSION_RULE = ContextRule(
    "confusion-set",
    5.0,
    "a word writers often swap for this one fits its neighbours over 150 times better",
)
KEYSTROKE_RULE = ContextRule(
    "keystroke",
    6.5,
    "a common word one keystroke away fits its neighbours over 650 times better",
)
UNLIKELY_PAIR_RULE = ContextRule(
    "unlikely-pair",
    2.0,
    "the word and its neighbour almost never stand together (under 1/50 of chance), while a"
    " word one slip away forms a common pair",
)
PREPOSITION_VERB_RULE = ContextRule(
    "preposition-before-verb",
    1.0,
    "a preposition cannot take a bare verb ('relations with continue'), while a word one slip"
    " away can",
)
TITLE_RULE = ContextRule(
    "rare-capitalised",
    6.0,
    "a rare word capitalised mid-sentence and used once, next to a title it would complete"
    " ('Mr. Genera Secretary')",
)
CONTEXT_RULES: tuple[ContextRule, ...] = (
    CONFUSION_RULE,
    KEYSTROKE_RULE,
    UNLIKELY_PAIR_RULE,
    PREPOSITION_VERB_RULE,
    TITLE_RULE,
)

UNLIKELY_PAIR_RATIO = 1 / 50
"""A pair seen under 1/50 of what chance predicts is broken: "your to", "these of"."""

# Coordination lets any word stand before or after these ("your and our positions").
COORDINATORS: frozenset[str] = frozenset({"and", "or", "nor", "but"})

# Prepositions that never govern a bare infinitive; "to" is left out on purpose ("to continue").
PREPOSITIONS: frozenset[str] = frozenset(
    {
        "with", "of", "from", "for", "at", "by", "about", "into", "onto", "upon", "on", "in",
        "without", "within", "among", "between", "through", "towards", "toward", "against",
        "during", "under", "over", "after", "before", "since",
    }
)  # fmt: skip
