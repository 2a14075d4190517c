"""Evidence for the English variant of a record (en-US or en-GB), as data, each with its reason.

Two tables, read by `pipeline/stages/language.py`:

- `SPELLING_RULES`: spellings that differ between American and British usage. Each occurrence of
  the American form counts for en-US, of the British form for en-GB, times the rule's weight.
  "-ize" is weak evidence: Oxford spelling (British) uses it too, so "-our", "-re", "-ence" and
  "-yse" carry more weight than "-ize" does.
- `ORIGIN_RULES`: what says where a record comes from (a FRUS volume, a U.S. archive's source
  note, a U.S. classification marking, the form of the date line, a Soviet record's formula).

Sources: Merriam-Webster and the Oxford English Dictionary on variant spellings; New Hart's
Rules §3.2 (-ize, -ise, Oxford spelling); the FRUS style of source notes and date lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

US, GB = "en-US", "en-GB"


@dataclass(frozen=True, slots=True)
class SpellingRule:
    """An American spelling and its British counterpart (whole words, case-insensitive)."""

    name: str
    american: re.Pattern[str]
    british: re.Pattern[str]
    weight: int
    why: str


@dataclass(frozen=True, slots=True)
class OriginRule:
    """A sign of where a record comes from; `where` says what it is matched against: "text" (the
    whole record), "dateline" (the date line), "notes" (the notes), "meta" (edition.toml's
    archive, citation and URL) or "original" (the language of the original, `[source]
    language`, for a translation)."""

    name: str
    pattern: re.Pattern[str]
    where: str
    tag: str
    weight: int
    why: str


def _words(stems: str, endings: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{stems})(?:{endings})\b", re.IGNORECASE)


_OR_STEMS = (
    "behavi|col|fav|hon|lab|neighb|harb|hum|rum|vig|endeav|savi|flav|od|parl|val|ferv|cand|"
    "clam|rig|arm|splend|tum"
)
_OR_ENDINGS = "|s|ed|ing|able|ably|ite|ites|ful|hood|ly"
_RE_STEMS = "cent|theat|fib|lit|calib|somb|lust|spect|sab|meag|sepulch"
# Words that end in -ise in American and British English alike: not evidence of anything.
_ISE_EVERYWHERE = (
    "advertise|advise|anise|appraise|apprise|arise|braise|bruise|chastise|chemise|circumcise|"
    "clockwise|comprise|compromise|concise|cruise|demise|despise|devise|disguise|enterprise|"
    "excise|exercise|expertise|franchise|guise|improvise|incise|liaise|likewise|merchandise|"
    "misprise|moonrise|mortise|noise|otherwise|paradise|poise|porpoise|praise|precise|"
    "premise|promise|raise|reprise|revise|rise|sunrise|supervise|surmise|surprise|televise|"
    "tortoise|treatise|turquoise|uprise|valise|vise|wise"
)

# Their -ing forms, which drop the e ("raising", "promising").
_ISE_ING = "|".join(word[:-1] + "ing" for word in _ISE_EVERYWHERE.split("|"))

SPELLING_RULES: tuple[SpellingRule, ...] = (
    SpellingRule(
        "-or / -our",
        _words(_OR_STEMS, "or(?:" + _OR_ENDINGS + ")"),
        _words(_OR_STEMS, "our(?:" + _OR_ENDINGS + ")"),
        3,
        "behavior, honor, neighbor are American; behaviour, honour, neighbour British",
    ),
    SpellingRule(
        "-er / -re",
        _words(_RE_STEMS, "er|ers|ered"),
        _words(_RE_STEMS, "re|res|red"),
        3,
        "center, theater, fiber are American; centre, theatre, fibre British",
    ),
    SpellingRule(
        "-ense / -ence",
        _words("def|off|pret", "ense|enses"),
        _words("def|off|pret", "ence|ences"),
        3,
        "defense, offense, pretense are American; defence, offence, pretence British",
    ),
    SpellingRule(
        "license / licence",
        re.compile(r"(?!)"),  # "license" is also the British verb: only "licence" tells
        _words("licence", "|s"),
        3,
        "the noun licence is British only",
    ),
    SpellingRule(
        "-yze / -yse",
        _words("anal|paral|catal|dial|electrol", "yze|yzes|yzed|yzing"),
        _words("anal|paral|catal|dial|electrol", "yse|yses|ysed|ysing"),
        3,
        "analyze is American; analyse British (Oxford spelling too)",
    ),
    SpellingRule(
        "-ize / -ise",
        re.compile(
            r"\b(?!(?:size|seize|prize|maize|capsize|baize)(?:s|d)?\b)(?!(?:siz|seiz|priz)ing\b)"
            r"\w{2,}(?:ize|izes|ized|izing)\b",
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b(?!(?:un)?(?:{_ISE_EVERYWHERE})(?:s|d)?\b)(?!(?:un)?(?:{_ISE_ING})\b)"
            r"\w{2,}(?:ise|ises|ised|ising)\b",
            re.IGNORECASE,
        ),
        1,
        "-ize is American and also Oxford British, so it weighs little; -ise is British",
    ),
    SpellingRule(
        "-ization / -isation",
        re.compile(r"\b\w{2,}izations?\b", re.IGNORECASE),
        re.compile(r"\b\w{2,}isations?\b", re.IGNORECASE),
        1,
        "as -ize / -ise: -ization is American and Oxford, -isation British",
    ),
    SpellingRule(
        "-l- / -ll-",
        _words(
            "travel|cancel|label|model|signal|counsel|channel|fuel|marshal|level|total",
            "ed|ing|er|ers|or|ors",
        ),
        _words(
            "travell|cancell|labell|modell|signall|counsell|channell|fuell|marshall|levell|totall",
            "ed|ing|er|ers|or|ors",
        ),
        2,
        "traveled, canceled are American; travelled, cancelled British",
    ),
    SpellingRule(
        "program / programme",
        _words("program", "|s"),
        _words("programme", "|s"),
        2,
        "program is American (and computing everywhere); programme British",
    ),
    SpellingRule(
        "fulfill / fulfil",
        _words("fulfill|enroll|instill|skillful|installment", "|s|ment"),
        _words("fulfil|enrol|instil|skilful|instalment", "|s|ment"),
        2,
        "fulfill, enroll are American; fulfil, enrol British",
    ),
    SpellingRule(
        "gray / grey",
        _words("gray", "|s|er|ish"),
        _words("grey", "|s|er|ish"),
        1,
        "gray is mostly American, grey mostly British",
    ),
)

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan\\.|Feb\\.|Mar\\.|Apr\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\."
)

ORIGIN_RULES: tuple[OriginRule, ...] = (
    OriginRule(
        "FRUS volume",
        re.compile(r"Foreign Relations of the United States|\bFRUS\b|history\.state\.gov"),
        "meta",
        US,
        10,
        "edition.toml cites a volume of Foreign Relations of the United States",
    ),
    OriginRule(
        "U.S. archive source note",
        re.compile(
            r"\bSource: [^\n]*(?:National Archives|\bRG \d+|Library of Congress|"
            r"(?:Truman|Eisenhower|Kennedy|Johnson|Nixon|Ford|Carter|Reagan|Bush|Clinton) "
            r"(?:Presidential )?Library|Department of State)"
        ),
        "notes",
        US,
        6,
        "a FRUS source note names a U.S. archive (National Archives, a presidential library)",
    ),
    OriginRule(
        "U.S. classification marking",
        re.compile(
            r"\b(?:Top Secret|Secret|Confidential|Limited Official Use)(?:; "
            r"(?:Nodis|Exdis|Limdis|Sensitive|Eyes Only)\b)"
        ),
        "notes",
        US,
        3,
        "U.S. Government handling markings (Secret; Nodis) in a FRUS source note",
    ),
    OriginRule(
        "American date line",
        re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}}(?:[–-]\d{{1,2}})?, \d{{4}}\b"),
        "dateline",
        US,
        3,
        "the date line is written month day, year (April 23, 1974), the American order",
    ),
    OriginRule(
        "British date line",
        re.compile(rf"\b\d{{1,2}}(?:[–-]\d{{1,2}})? (?:{_MONTHS}) \d{{4}}\b"),
        "dateline",
        GB,
        2,
        "the date line is written day month year (8 October 1973), the British order",
    ),
    OriginRule(
        "translated from Russian",
        re.compile(r"^(?:ru|uk|be)\b", re.IGNORECASE),
        "original",
        GB,
        3,
        "edition.toml says the record was made in Russian (or Ukrainian, Belarusian): a Soviet "
        "record in translation, which the project sets in British English",
    ),
    OriginRule(
        "Soviet record formula",
        re.compile(r"\bFrom the (?:Soviet|Russian) side\b|\bThe talks were conducted\b"),
        "text",
        GB,
        2,
        "a Soviet record of conversation; the project sets Soviet translations in British English",
    ),
)
