"""Turn marks that text stages pass along into one table of private-use tokens.

Between the text stages (errata → clean → parse) some facts travel inside the text itself, as
characters no record contains, so that line and column arithmetic stays simple:

    note call         "\\ue000" + N + "\\ue002"     clean.py makes it from the export's bookmark
    note body start   "\\ue001" + N + "\\ue002"     clean.py, at the start of a note body line
    intervention      "\\ue004" + K + "\\ue005" … "\\ue006"
                                                    errata.py wraps the words errata entry K
                                                    accounts for; parse.py makes an
                                                    `Intervention` node of them

The whole block U+E000–U+E00F is the pipeline's: a source that contains one of these characters
is refused (clean.py), because it would be read as a token.
"""

from __future__ import annotations

import re

REF_OPEN = "\ue000"
BODY_OPEN = "\ue001"
TOKEN_CLOSE = "\ue002"
INTERVENTION_OPEN = "\ue004"
INTERVENTION_SEPARATOR = "\ue005"
INTERVENTION_CLOSE = "\ue006"

RESERVED = re.compile("[\ue000-\ue00f]")
RESERVED_RANGE = "U+E000–U+E00F"

NOTE_REF_TOKEN = re.compile(f"{REF_OPEN}(\\d+){TOKEN_CLOSE}")
NOTE_BODY_TOKEN = re.compile(f"^{BODY_OPEN}(\\d+){TOKEN_CLOSE}\\s*")
INTERVENTION_START = re.compile(f"{INTERVENTION_OPEN}(\\d+){INTERVENTION_SEPARATOR}")
INTERVENTION_TOKENS = re.compile(
    f"{INTERVENTION_OPEN}\\d+{INTERVENTION_SEPARATOR}|{INTERVENTION_CLOSE}"
)


def note_ref_token(number: int) -> str:
    return f"{REF_OPEN}{number}{TOKEN_CLOSE}"


def note_body_token(number: int) -> str:
    return f"{BODY_OPEN}{number}{TOKEN_CLOSE}"


def intervention_open(index: int) -> str:
    return f"{INTERVENTION_OPEN}{index}{INTERVENTION_SEPARATOR}"


def without_interventions(text: str) -> str:
    """The text with intervention marks removed (what the classifiers of parse.py read)."""
    return INTERVENTION_TOKENS.sub("", text)


def plain_offset(text: str, offset: int) -> int:
    """Where to cut `text` (which holds intervention marks) so that its part before the cut reads
    `without_interventions(text)[:offset]`. A mark at the cut goes with what it belongs to: a
    closing mark with the words before it, an opening mark with the words after it."""
    count, index = 0, 0
    while index < len(text):
        mark = INTERVENTION_TOKENS.match(text, index)
        if mark:
            if count == offset and mark.group(0) != INTERVENTION_CLOSE:
                return index
            index = mark.end()
            continue
        if count == offset:
            return index
        count += 1
        index += 1
    return index
