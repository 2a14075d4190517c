"""Turn a source file's bytes into text: decoded, without byte-order mark, with "\\n" line ends,
and only characters that text (and XML) can hold.

Nothing else changes here, so line numbers in every later message are the line numbers the
editor sees in the file. Word exports arrive as UTF-8 (with or without BOM); an older archive may
declare another encoding (`[source] encoding = "cp1252"` in edition.toml). A UTF-16 or UTF-32
file is read as such when its byte-order mark says so (with a warning that says it); one without
a mark is recognised by its zero bytes and refused with the encoding to declare, never with
advice to try an 8-bit encoding (issue 13 §7, §9).

Characters are settled here, once, by CHARACTER_RULES: what XML 1.0 cannot hold (XML 1.0 §2.2)
or what is never text is refused or dropped before the errata stage, so no later stage, errata
entry or writer ever meets it (issue 13 §4).
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, NoReturn

from pipeline.errors import PipelineError
from pipeline.stages.tokens import RESERVED, RESERVED_RANGE

LOGGER = logging.getLogger(__name__)

# --- characters ----------------------------------------------------------------------------------

ASCII_CONTROL_NAMES = (
    *("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT"),
    *("FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB"),
    *("CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"),
)

Action = Literal["refuse", "drop", "replace"]


@dataclass(frozen=True, slots=True)
class CharacterRule:
    """What happens to a class of characters when a source is read, and why. `warn`: a dropped
    or replaced character is reported (line, column), because it is a sign of a damaged export
    rather than one of its ordinary habits."""

    name: str
    pattern: re.Pattern[str]
    action: Action
    why: str
    replacement: str = ""
    warn: bool = False


def _noncharacters() -> str:
    planes = "".join(f"\\U{p:04X}FFFE\\U{p:04X}FFFF" for p in range(1, 17))
    return f"[\ufdd0-\ufdef\ufffe\uffff{planes}]"


CHARACTER_RULES: tuple[CharacterRule, ...] = (
    CharacterRule(
        "nul",
        re.compile("\x00"),
        "refuse",
        # Dropping it would let the misread text through as words with gaps.
        "NUL is never text: it is what a UTF-16 or UTF-32 file read as 8-bit text, or a binary "
        "file, looks like",
    ),
    CharacterRule(
        "word-non-breaking-hyphen",
        re.compile("\x1e"),
        "replace",
        "Word's binary format writes a non-breaking hyphen as U+001E (MS-DOC 2.4.1); it is "
        "printed as a hyphen",
        replacement="\u2011",
    ),
    CharacterRule(
        "word-optional-hyphen",
        re.compile("\x1f"),
        "drop",
        "Word's binary format writes an optional hyphen as U+001F (MS-DOC 2.4.1), invisible "
        "like the soft hyphen clean.py drops",
    ),
    CharacterRule(
        "word-cell-mark",
        re.compile("\x07"),
        "replace",
        "Word ends a table cell with U+0007 (MS-DOC 2.4.1); XML cannot hold it, and a space "
        "keeps the cells' words apart",
        replacement=" ",
        warn=True,
    ),
    CharacterRule(
        "control",
        # Tab, line feed and carriage return are text; vertical tab and form feed are Word's
        # manual breaks, which clean.py turns into spaces.
        re.compile("[\x01-\x06\x08\x0e-\x1d\x7f]"),
        "drop",
        "XML 1.0 cannot hold these C0 controls (DEL it discourages) and none has a printed "
        "form: Word leaves some in exports (U+0013–U+0015 around fields, U+0001 and U+0008 "
        "for pictures), so dropping them changes no printed word",
        warn=True,
    ),
    CharacterRule(
        "c1-control",
        re.compile("[\x80-\x9f]"),
        "refuse",
        # Dropping them would drop letters and punctuation, so the file must be read right.
        "C1 controls are never text: they are Windows-1252 punctuation (’ “ ” – …) converted "
        "as if it were Latin-1",
    ),
    CharacterRule(
        "noncharacter",
        re.compile(_noncharacters()),
        "refuse",
        "noncharacters are never text; U+FFFE is a byte-order mark read in the wrong byte "
        "order, and XML cannot hold it or U+FFFF",
    ),
    CharacterRule(
        "surrogate",
        re.compile("[\ud800-\udfff]"),
        "refuse",
        "a lone surrogate is half of a UTF-16 pair, not a character; XML cannot hold it",
    ),
)
"""Characters that are not kept as they are, one row per class, each with its reason."""

_ANY_RULE = re.compile("|".join(f"(?:{rule.pattern.pattern})" for rule in CHARACTER_RULES))


def character_name(character: str) -> str:
    """ "U+0007 (BEL)", "U+FFFE", for messages."""
    code = ord(character)
    name = ASCII_CONTROL_NAMES[code] if code < 32 else ("DEL" if code == 0x7F else "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def xml_unfit(text: str) -> re.Match[str] | None:
    """The first character of `text` that no rule keeps as it is (for settings and errata,
    where nothing is dropped: the editor wrote the value and should see the problem)."""
    return _ANY_RULE.search(text)


def _rule_for(character: str) -> CharacterRule:
    return next(rule for rule in CHARACTER_RULES if rule.pattern.fullmatch(character))


def _line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _refusal(found: re.Match[str], rule: CharacterRule, encoding: str) -> str:
    character = found.group()
    advice = ""
    if rule.name == "c1-control":
        as_cp1252 = bytes([ord(character)]).decode("cp1252", errors="replace")
        if _codec(encoding) in _UTF:
            advice = f"; this one would be {as_cp1252!r}: export the file again, as UTF-8"
        else:
            advice = (
                f'; this one would be {as_cp1252!r}: declare [source] encoding = "cp1252" '
                "in edition.toml"
            )
    elif rule.name == "nul":
        advice = "; the file is damaged or not a text file"
    return f"{character_name(character)} is refused: {rule.why}{advice}"


def settle_characters(text: str, path: Path | str, encoding: str = "utf-8") -> str:
    """Apply CHARACTER_RULES: refuse at the first refused character (line, column), drop or
    replace the others, and warn once per rule about the ones that are a sign of damage. Every
    place is read off the text as decoded, before anything is dropped."""
    if not _ANY_RULE.search(text):
        return text
    refused = [
        (found.start(), found, rule)
        for rule in CHARACTER_RULES
        if rule.action == "refuse" and (found := rule.pattern.search(text))
    ]
    if refused:
        start, found, rule = min(refused, key=lambda item: item[0])
        line, column = _line_and_column(text, start)
        raise PipelineError(
            f"column {column}: character {_refusal(found, rule, encoding)}", path, line
        )
    for rule in CHARACTER_RULES:
        found = rule.pattern.search(text) if rule.warn else None
        if found is not None:
            line, column = _line_and_column(text, found.start())
            count = len(rule.pattern.findall(text))
            more = f" and {count - 1:,} more like it" if count > 1 else ""
            verb = "dropped" if rule.action == "drop" else f"replaced by {rule.replacement!r}"
            warn_once(
                f"{path}:{line}: column {column}: {character_name(found.group())}{more} "
                f"{verb}: {rule.why}"
            )
    for rule in CHARACTER_RULES:
        text = rule.pattern.sub(rule.replacement, text)
    return text


@cache
def warn_once(message: str) -> None:
    """Log a warning about an input once per process (inspect and audit read a source twice)."""
    LOGGER.warning("%s", message)


def check_reserved(text: str, path: Path | str, line_offset: int = 0) -> None:
    """Refuse the private-use characters the pipeline uses as tokens (tokens.py): the later
    stages would read them as note calls or interventions."""
    found = RESERVED.search(text)
    if found is None:
        return
    line, column = _line_and_column(text, found.start())
    raise PipelineError(
        f"column {column}: character U+{ord(found.group()):04X} is one of the private-use "
        f"characters {RESERVED_RANGE} that the pipeline reserves for its own marks",
        path,
        line + line_offset,
    )


# --- encodings -----------------------------------------------------------------------------------

_UTF8 = frozenset({"utf-8", "utf-8-sig"})
_UTF = _UTF8 | {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}

# Codecs Python decodes bytes with that are not the character encoding of a text file: declared
# in edition.toml they would turn a record into nonsense (or escapes into NUL characters).
NOT_FILE_ENCODINGS = {
    "punycode": "it encodes internationalised domain names",
    "idna": "it encodes internationalised domain names",
    "unicode-escape": "it reads Python's backslash escapes",
    "raw-unicode-escape": "it reads Python's backslash escapes",
    "utf-7": "it is a mail transfer encoding, never a Word export's",
    "undefined": "it decodes nothing",
}

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_DESCRIBED = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16 (little-endian)",
    "utf-16-be": "UTF-16 (big-endian)",
    "utf-32-le": "UTF-32 (little-endian)",
    "utf-32-be": "UTF-32 (big-endian)",
}


def _codec(encoding: str) -> str:
    """The codec's canonical name ("UTF8" → "utf-8"); LookupError when there is none."""
    return codecs.lookup(encoding).name


def encoding_problem(encoding: str) -> str | None:
    """Why `encoding` cannot be a source's declared encoding, or None (metadata.py asks too)."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return f"unknown encoding {encoding!r}"
    if not getattr(info, "_is_text_encoding", True):
        return f"{encoding!r} is not a text encoding"
    if info.name in NOT_FILE_ENCODINGS:
        return f"{encoding!r} is not a text file's encoding: {NOT_FILE_ENCODINGS[info.name]}"
    return None


def byte_order_mark(data: bytes) -> tuple[str, int] | None:
    """(encoding, length of the mark) when `data` starts with a byte-order mark."""
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where its zero bytes fall: the text
    of a record is mostly ASCII, whose characters take one non-zero byte and one or three zero
    bytes in those encodings (a plain text has no zero bytes at all)."""
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 4]
    if len(sample) < 8 or b"\0" not in sample:
        return None

    def zeros(offset: int, step: int) -> float:
        part = sample[offset::step]
        return part.count(0) / len(part)

    if min(zeros(1, 4), zeros(2, 4), zeros(3, 4)) > 0.9 and zeros(0, 4) < 0.1:
        return "utf-32-le"
    if min(zeros(0, 4), zeros(1, 4), zeros(2, 4)) > 0.9 and zeros(3, 4) < 0.1:
        return "utf-32-be"
    if zeros(1, 2) > 0.4 and zeros(0, 2) < 0.1:
        return "utf-16-le"
    if zeros(0, 2) > 0.4 and zeros(1, 2) < 0.1:
        return "utf-16-be"
    return None


def _choose_codec(data: bytes, encoding: str, path: Path | str) -> tuple[str, int]:
    """(codec to decode with, bytes of byte-order mark to skip), or an error saying what the
    file is when the declaration cannot be right."""
    problem = encoding_problem(encoding)
    if problem:
        raise PipelineError(f"{problem} (declared as [source] encoding in edition.toml)", path)
    declared = _codec(encoding)
    mark = byte_order_mark(data)
    if declared in _UTF8:
        if mark is None:
            wide = wide_encoding(data)
            if wide:
                raise PipelineError(
                    f"the file looks like {_DESCRIBED[wide]} without a byte-order mark (every "
                    f"{'fourth' if '32' in wide else 'second'} byte is zero); declare it in "
                    f'edition.toml: [source] encoding = "{wide}"',
                    path,
                    1,
                )
            return "utf-8", 0
        if mark[0] != "utf-8":
            warn_once(
                f"{path}: read as {_DESCRIBED[mark[0]]}, as its byte-order mark says"
                f' (declare [source] encoding = "{mark[0][:6]}" in edition.toml to say so)'
            )
        return mark[0], mark[1]
    if declared in _UTF:
        if mark is not None:
            if not mark[0].startswith(declared[:6]) or (len(declared) > 6 and mark[0] != declared):
                raise PipelineError(
                    f"the file starts with the byte-order mark of {_DESCRIBED[mark[0]]}, but "
                    f"edition.toml declares [source] encoding = {encoding!r}",
                    path,
                    1,
                )
            return mark
        wide = wide_encoding(data)
        if len(declared) == 6 and wide and wide.startswith(declared):
            return wide, 0  # "utf-16" with no mark: the zero bytes tell the byte order
        if wide is None and _is_utf8(data):
            # A record's mostly ASCII text has zero bytes in UTF-16 or UTF-32; read as
            # either, a UTF-8 file would come out as nonsense in CJK characters.
            raise PipelineError(
                f"edition.toml declares [source] encoding = {encoding!r}, but the file reads "
                "as UTF-8 (it has none of the zero bytes of that encoding); remove the "
                "declaration",
                path,
                1,
            )
        return declared, 0
    if mark is not None:
        raise PipelineError(
            f"the file starts with the byte-order mark of {_DESCRIBED[mark[0]]}, but edition.toml"
            f" declares [source] encoding = {encoding!r}; "
            + (
                "remove the declaration"
                if mark[0] == "utf-8"
                else f'declare [source] encoding = "{mark[0][:6]}" instead'
            ),
            path,
            1,
        )
    wide = wide_encoding(data)
    if wide:
        raise PipelineError(
            f"the file looks like {_DESCRIBED[wide]} (its zero bytes say so), but edition.toml "
            f'declares [source] encoding = {encoding!r}; declare "{wide}" instead',
            path,
            1,
        )
    return declared, 0


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _undecodable(data: bytes, error: UnicodeDecodeError, codec: str, path: Path | str) -> NoReturn:
    prefix = data[: error.start].decode(codec, errors="replace")
    line, column = _line_and_column(prefix, len(prefix))
    bad = data[error.start : error.end]
    advice = ""
    if codec == "utf-8":
        advice = (
            " (if the file uses another encoding, declare it in edition.toml:"
            ' [source] encoding = "cp1252")'
        )
    elif codec not in _UTF and _is_utf8(data):
        advice = " (the file reads as UTF-8: remove [source] encoding from edition.toml)"
    raise PipelineError(
        f"column {column}: byte {' '.join(f'0x{b:02X}' for b in bad[:8])} is not valid {codec}"
        f"{advice}",
        path,
        line,
    )


def _warn_if_utf8(data: bytes, text: str, codec: str, path: Path | str) -> None:
    """A file declared in an older encoding that is valid UTF-8 with non-ASCII characters is
    almost surely UTF-8: an 8-bit text seldom forms valid UTF-8 sequences by chance, and reading
    UTF-8 as cp1252 silently gives mojibake ("trÃ¨s" for "très")."""
    if codec in _UTF or data.isascii() or not _is_utf8(data):
        return
    as_utf8 = data.decode("utf-8")
    # The first letter or sign beyond ASCII (a no-break space would show nothing), in its word.
    found = re.search(r"[^\x00-\x7f\s]", as_utf8) or re.search(r"[^\x00-\x7f]", as_utf8)
    # Not ASCII, so some character is beyond it.
    offset = found.start() if found else 0
    line, _ = _line_and_column(as_utf8, offset)
    start, end = offset, offset + 1
    while start > max(0, offset - 20) and not as_utf8[start - 1].isspace():
        start -= 1
    while end < min(len(as_utf8), offset + 20) and not as_utf8[end].isspace():
        end += 1
    word = as_utf8[start:end]
    misread = word.encode("utf-8").decode(codec, errors="replace")
    warn_once(
        f"{path}:{line}: the file is declared {codec} but reads as UTF-8 (it would print "
        f"{word!r} as {misread!r}); if it is UTF-8, remove [source] encoding from edition.toml"
    )


def decode(data: bytes, *, encoding: str = "utf-8", path: Path | str = "<input>") -> str:
    """Decode `data`; invalid bytes are an error naming line, column and byte value."""
    codec, skip = _choose_codec(data, encoding, path)
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as error:
        _undecodable(data[skip:], error, codec, path)
    _warn_if_utf8(data, text, codec, path)
    if text.startswith("\ufeff"):  # "utf-16-le" and friends keep a mark as a character
        text = text[1:]
    # Windows (CRLF) and classic Mac (CR) exports: one newline convention from here on.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = settle_characters(text, path, encoding)
    check_reserved(text, path)
    return text


def read_source(path: Path, *, encoding: str = "utf-8") -> str:
    """Read and decode one source file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PipelineError(f"cannot read source: {error.strerror}", path) from None
    return decode(data, encoding=encoding, path=path)
