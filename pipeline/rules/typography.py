"""The house typography rules, as data: each has a name, a pattern, a replacement and a why.

Rules run in this order on the text runs of every paragraph, heading and note; editorial
brackets and note calls are separate nodes, so no rule can touch `[sic]` or `[…]`.

House style for dashes (documented in the README): a parenthetical dash is an en dash with a
space on each side, the space before it a no-break space so that no line ever starts with a
dash ("we will find – must find – mutual understanding"). Word exports spell such dashes as
" – ", "—" or "--"; all become the house dash. A spaced hyphen (" - ") is left as it is: in these
records it is as often a slip in a compound ("U.S. - Polish") as a dash, so an errata entry
decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NBSP = "\u00a0"
EN_DASH = "\u2013"


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    replacement: str
    why: str
    source: str = ""


# Characters after which a quotation mark opens rather than closes.
_OPENS_AFTER = r"(?:(?<=^)|(?<=[\s(\[{\u2013\u2014\u00a0\u201c\u2018/]))"

TYPOGRAPHY_RULES: tuple[Rule, ...] = (
    # Typewriter dashes: two hyphens stand for a dash, spaced or not ("war -- individually",
    # "West--Scandinavia").
    Rule(
        "double-hyphen-dash",
        re.compile(r"(?<=\S)\s*--+\s*(?=\S)"),
        NBSP + EN_DASH + " ",
        "two hyphens are a typewriter’s dash; the house dash is a spaced en dash",
        "Butterworth, Practical Typography, ‘Hyphens and dashes’",
    ),
    # An em dash between words (the FRUS style, "seriously—very", "count—I was") becomes the
    # house dash, so that one edition does not mix two dash styles. One between capitalised
    # words or digits is left alone: it is part of an archive's file title ("Box 72, October
    # 1974—Poland—First Secretary Gierek"), which is cited as the archive spells it.
    Rule(
        "em-dash-to-house-dash",
        re.compile(r"(?<=[^\s\d])\s*\u2014\s*(?=[a-z\u201c\u2018(]|I\b)"),
        NBSP + EN_DASH + " ",
        "one dash style per edition: the spaced en dash (New Hart’s Rules 4.11.1)",
        "New Hart’s Rules",
    ),
    # A spaced en dash must not start a line: the space before it becomes a no-break space.
    Rule(
        "dash-no-break",
        re.compile(r"(?<=\S) (?=\u2013 )"),
        NBSP,
        "a line must never begin with a dash",
        "New Hart’s Rules 4.11.1",
    ),
    # Ranges of numbers and times take an en dash: 11:30–13:40, 10–20%, pp. 8–13. ISO dates
    # (1973-10-08) keep their hyphens.
    Rule(
        "number-range",
        re.compile(r"(?<!\d{4}-\d\d)(?<=\d)-(?=\d)(?!\d\d-\d\d\b)"),
        EN_DASH,
        "a range between numbers or times takes an en dash, not a hyphen",
        "Chicago Manual of Style 6.78",
    ),
    Rule(
        "spaced-dots-ellipsis",
        re.compile(r"(?<!\.)\.\s?\.\s?\.(?!\.)"),
        "\u2026",
        "three spaced full stops are an ellipsis; one character keeps them on one line",
        "New Hart’s Rules 4.8",
    ),
    Rule(
        "opening-double-quote",
        re.compile(_OPENS_AFTER + '"'),
        "\u201c",
        "a straight quote after a space or an opening bracket opens a quotation",
        "typographic quotes: New Hart’s Rules 9.2",
    ),
    Rule(
        "closing-double-quote",
        re.compile('"'),
        "\u201d",
        "every other straight double quote closes a quotation",
        "typographic quotes: New Hart’s Rules 9.2",
    ),
    # Elided years ('70s) open with an apostrophe, not a single opening quote.
    Rule(
        "elision-apostrophe",
        re.compile(_OPENS_AFTER + r"'(?=\d\ds\b)"),
        "\u2019",
        "an apostrophe for left-out digits points the way of a closing quote",
        "New Hart’s Rules 4.4",
    ),
    Rule(
        "opening-single-quote",
        re.compile(_OPENS_AFTER + r"'(?=\S)"),
        "\u2018",
        "a straight single quote after a space opens a quotation",
        "typographic quotes: New Hart’s Rules 9.2",
    ),
    Rule(
        "apostrophe",
        re.compile(r"'"),
        "\u2019",
        "within or after a word a straight single quote is an apostrophe or a closing quote",
        "typographic quotes: New Hart’s Rules 4.4",
    ),
    # "L.I. Brezhnev", "K. Tanaka": initials must not be left at a line end without their
    # surname.
    Rule(
        "initials-no-break",
        re.compile(r"(?<![\w.])((?:[A-Z]\.){1,3}) (?=[A-Z][a-z\u00e0-\u024f’'])"),
        r"\1" + NBSP,
        "initials stay on the line of the surname they belong to",
        "New Hart’s Rules 6.1.5",
    ),
    Rule(
        "title-no-break",
        re.compile(
            r"\b(Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Amb|Adm|Col|Lt|Capt|Gov|St|Rev|Messrs)\. (?=[A-Z])"
        ),
        r"\1." + NBSP,
        "an abbreviated title stays on the line of the name it goes with",
        "New Hart’s Rules 6.1.5",
    ),
)
