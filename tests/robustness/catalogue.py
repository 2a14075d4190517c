"""A catalogue of broken and hostile document folders, as data: what each holds, what the command
line must say about it, and why the case exists (issue 13).

Each `Case` is one document folder named `record/`. `error` is a fragment of the one
`file:line: problem` line every command must print (exit status 2, nothing written, an earlier
edition left byte for byte); `at` and `line` say which file and line the message must name. A
case whose `error` is None must build, and its EPUB must be well-formed; `warns` is a fragment
of the warning it must give. None of these inputs is one the older tests already covered, and
none was tuned on: the cases were written from the issue's classes and the hints' list, then run.

The bodies come from `tests.conftest.export`, the way Tika lays out a Word file, so that each case
differs from a sound record by the one thing it is about.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.conftest import NBSP, export

SOURCE, ERRATA, EDITION, WORDS = "source.txt", "errata.toml", "edition.toml", "words.txt"
ALL_COMMANDS = ("build", "inspect", "suggest", "audit")
TEXT_ONLY = ("suggest",)  # `lenient` of a problem found by parsing or by applying errata

# A sound record: a title, a date line with note 1, a session, two turns.
SOUND = export(
    "8 October 1973{1}",
    "Morning meeting (11:30-13:40)",
    "Tanaka. Yes, we agree on the spheres of cooperation.",
    "L.I. Brezhnev. We thank you for the visit.",
    notes=("The record was translated from Russian.",),
)
# Lines of SOUND: 1 title, 2 date, 4 heading, 6 Tanaka, 8 Brezhnev, 10 note body.
TANAKA, BREZHNEV, NOTE_BODY = 6, 8, 10


def with_line(line: int, text: str, source: str = SOUND) -> str:
    """SOUND with line `line` (1-based) replaced."""
    lines = source.split("\n")
    lines[line - 1] = text
    return "\n".join(lines)


def in_tanaka(insert: str) -> str:
    """SOUND with `insert` inside Tanaka's turn, after "we" (column 14)."""
    return SOUND.replace("Yes, we agree", f"Yes, we{insert} agree")


def fix(find: str, replace: str | None = None, *, id: str = "x", extra: str = "") -> str:
    """One [[fix]] table, its strings written as TOML basic strings (escapes allowed)."""
    body = f'[[fix]]\nid = "{id}"\nfind = "{find}"\n'
    if replace is not None:
        body += f'replace = "{replace}"\n'
    return body + f'reason = "typo"\n{extra}'


def notes_record(count: int) -> str:
    paragraphs = [f"Tanaka. Point {i}.{{{i + 1}}}" for i in range(count)]
    return export(
        "8 October 1973",
        "Morning meeting (11:30-13:40)",
        *paragraphs,
        notes=tuple(f"Note {i}." for i in range(count)),
    )


@dataclass(frozen=True)
class Case:
    """One hostile document folder and what the command line must make of it."""

    name: str
    why: str
    files: Mapping[str, str | bytes]
    error: str | None = None  # fragment of the message; None: the folder builds
    at: str = SOURCE  # the file the message names
    line: int | None = None  # the line it names (None: the message names no line)
    warns: str = ""  # for a folder that builds: a fragment of its warning
    links: Mapping[str, str] = field(default_factory=dict)  # name → target ("{outside}/…")
    commands: tuple[str, ...] = ALL_COMMANDS
    # Commands that may also succeed: the typo finder reads the text and the errata's `find`
    # only, so that a record the parser (or an entry) cannot take still gets its typos listed.
    lenient: tuple[str, ...] = ()


CASES: tuple[Case, ...] = (
    # --- bytes and encodings ---
    Case(
        "empty-file",
        "a zero-byte export",
        {SOURCE: b""},
        "holds no text",
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "only-newlines",
        "lines and no text",
        {SOURCE: "\n" * 500},
        "holds no text",
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "only-separators",
        "the export's NBSP separator lines and nothing else",
        {SOURCE: f"{NBSP} \n" * 40},
        "holds no text",
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "only-a-bom",
        "a UTF-8 byte-order mark alone",
        {SOURCE: codecs.BOM_UTF8},
        "no text",
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "utf16-le-bom",
        "Notepad's 'Unicode' is UTF-16 LE with a mark: read as such, and said",
        {SOURCE: codecs.BOM_UTF16_LE + SOUND.encode("utf-16-le")},
        warns="read as UTF-16 (little-endian)",
    ),
    Case(
        "utf16-be-bom",
        "UTF-16 BE with a mark",
        {SOURCE: codecs.BOM_UTF16_BE + SOUND.encode("utf-16-be")},
        warns="read as UTF-16 (big-endian)",
    ),
    Case(
        "utf32-le-bom",
        "UTF-32 with a mark (its mark begins with UTF-16 LE's)",
        {SOURCE: codecs.BOM_UTF32_LE + SOUND.encode("utf-32-le")},
        warns="read as UTF-32 (little-endian)",
    ),
    Case(
        "utf16-le-no-bom",
        "UTF-16 without a mark: told by its zero bytes, and the encoding to declare given",
        {SOURCE: SOUND.encode("utf-16-le")},
        'encoding = "utf-16-le"',
        line=1,
    ),
    Case(
        "utf16-be-no-bom",
        "the big-endian twin",
        {SOURCE: SOUND.encode("utf-16-be")},
        'encoding = "utf-16-be"',
        line=1,
    ),
    Case(
        "utf32-no-bom",
        "UTF-32 without a mark",
        {SOURCE: SOUND.encode("utf-32-le")},
        'encoding = "utf-32-le"',
        line=1,
    ),
    Case(
        "utf16-declared-cp1252",
        "issue 13 §7: a UTF-16 file decoded as the old message advised (cp1252)",
        {SOURCE: SOUND.encode("utf-16"), EDITION: '[source]\nencoding = "cp1252"\n'},
        "byte-order mark of UTF-16 (little-endian)",
        line=1,
    ),
    Case(
        "utf16-no-bom-declared-cp1252",
        "the same without a mark: the zero bytes still tell",
        {SOURCE: SOUND.encode("utf-16-le"), EDITION: '[source]\nencoding = "cp1252"\n'},
        'declare "utf-16-le" instead',
        line=1,
    ),
    Case(
        "utf8-bom-declared-cp1252",
        "a UTF-8 mark contradicts the declaration",
        {SOURCE: codecs.BOM_UTF8 + SOUND.encode(), EDITION: '[source]\nencoding = "cp1252"\n'},
        "remove the declaration",
        line=1,
    ),
    Case(
        "utf8-declared-cp1252",
        "issue 13 §9: UTF-8 declared cp1252 built mojibake silently",
        {
            SOURCE: SOUND.replace("Tanaka. Yes", "Tanaka. Très bien. Yes"),
            EDITION: '[source]\nencoding = "cp1252"\n',
        },
        warns="reads as UTF-8",
    ),
    Case(
        "utf8-declared-utf16",
        "a UTF-8 file declared UTF-16 would read as CJK nonsense",
        {SOURCE: SOUND + " ", EDITION: '[source]\nencoding = "utf-16"\n'},
        "reads as UTF-8",
        line=1,
    ),
    Case(
        "bad-utf8-byte",
        "a Latin-1 byte in a UTF-8 file",
        {SOURCE: in_tanaka(" caf").encode().replace(b"caf", b"caf\xe9")},
        "byte 0xE9 is not valid utf-8",
        line=TANAKA,
    ),
    Case(
        "truncated-utf8",
        "a file cut in the middle of a character",
        {SOURCE: SOUND.encode() + "é".encode()[:1]},
        "is not valid utf-8",
        line=11,
    ),
    Case(
        "encoded-surrogate",
        "CESU-8 (a surrogate encoded as UTF-8) is not UTF-8",
        {SOURCE: SOUND.encode().replace(b"Yes", b"Y\xed\xa0\x80s")},
        "byte 0xED",
        line=TANAKA,
    ),
    Case(
        "overlong-utf8",
        "an overlong encoding of '/' (a classic filter bypass)",
        {SOURCE: SOUND.encode().replace(b"Yes", b"Y\xc0\xafs")},
        "byte 0xC0",
        line=TANAKA,
    ),
    Case(
        "binary-file",
        "a PNG saved as source.txt",
        {SOURCE: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))},
        "not valid utf-8",
        line=1,
    ),
    Case(
        "nul-in-text",
        "issue 13 §4: NUL passed into the XHTML",
        {SOURCE: in_tanaka("\x00")},
        "column 16: character U+0000 (NUL)",
        line=TANAKA,
    ),
    Case(
        "unknown-encoding",
        "a declared encoding Python does not know",
        {SOURCE: SOUND, EDITION: '# old export\n[source]\nencoding = "klingon-8"\n'},
        "unknown encoding 'klingon-8'",
        at=EDITION,
        line=3,
    ),
    Case(
        "punycode",
        "issue 13 §7: encoding = punycode ended in an internal error",
        {SOURCE: SOUND, EDITION: '[source]\nencoding = "punycode"\n'},
        "not a text file's encoding",
        at=EDITION,
        line=2,
    ),
    Case(
        "unicode-escape",
        "unicode_escape would turn the text \\x00 into NUL",
        {SOURCE: SOUND, EDITION: '[source]\nencoding = "unicode_escape"\n'},
        "backslash escapes",
        at=EDITION,
        line=2,
    ),
    Case(
        "rot13",
        "a codec that is not a text encoding at all",
        {SOURCE: SOUND, EDITION: '[source]\nencoding = "rot13"\n'},
        "is not a text encoding",
        at=EDITION,
        line=2,
    ),
    Case(
        "bom-crlf-cr-mix",
        "a mark, then CRLF, CR and LF line ends mixed",
        {
            SOURCE: codecs.BOM_UTF8
            + "\r\n".join(SOUND.split("\n")[:5]).encode()
            + b"\r"
            + "\n".join(SOUND.split("\n")[5:]).encode()
        },
    ),
    # --- characters ---
    Case(
        "control-in-text",
        "issue 13 §4: U+0001 made EPUBCheck FATAL; dropped, and said where",
        {SOURCE: in_tanaka("\x01")},
        warns="column 16: U+0001 (SOH)",
    ),
    Case(
        "control-in-title",
        "issue 13 §7: a control character in the title was an internal error",
        {SOURCE: SOUND.replace("RECORD OF", "RECORD\x02 OF")},
        warns="U+0002 (STX)",
    ),
    Case(
        "escape-sequence",
        "a terminal colour code pasted into the text",
        {SOURCE: in_tanaka(" \x1b[31mred\x1b[0m")},
        warns="U+001B (ESC)",
    ),
    Case(
        "word-cell-mark",
        "Word's table cell mark U+0007 becomes a space",
        {SOURCE: in_tanaka("\x07")},
        warns="U+0007 (BEL)",
    ),
    Case(
        "word-hyphens",
        "Word's non-breaking and optional hyphens (U+001E, U+001F)",
        {SOURCE: SOUND.replace("cooperation", "co\x1eoper\x1fation")},
    ),
    Case("delete-character", "DEL", {SOURCE: in_tanaka("\x7f")}, warns="U+007F (DEL)"),
    Case(
        "c1-control",
        "U+0092 is cp1252's apostrophe converted as Latin-1: refused, with the reading",
        {SOURCE: SOUND.replace("Yes,", "Yes\u0092s,")},
        "this one would be '’': export the file again, as UTF-8",
        line=TANAKA,
    ),
    Case(
        "latin1-declared-for-cp1252",
        "a cp1252 file declared Latin-1: the apostrophes come out as C1 controls",
        {
            SOURCE: SOUND.replace("Yes,", "Yes’s,").encode("cp1252"),
            EDITION: '[source]\nencoding = "latin-1"\n',
        },
        'encoding = "cp1252"',
        line=TANAKA,
    ),
    Case(
        "fffe",
        "a byte-swapped BOM inside the text",
        {SOURCE: in_tanaka("\ufffe")},
        "U+FFFE",
        line=TANAKA,
    ),
    Case(
        "ffff",
        "U+FFFF, which XML cannot hold",
        {SOURCE: in_tanaka("\uffff")},
        "U+FFFF",
        line=TANAKA,
    ),
    Case(
        "noncharacter",
        "U+FDD0 is a noncharacter",
        {SOURCE: in_tanaka("\ufdd0")},
        "U+FDD0",
        line=TANAKA,
    ),
    Case(
        "reserved-private-use",
        "issue 13 §7: U+E003 is one of the pipeline's token characters",
        {SOURCE: in_tanaka("\ue003")},
        "U+E003",
        line=TANAKA,
    ),
    Case(
        "other-private-use",
        "private use outside the pipeline's block is the record's own business",
        {SOURCE: in_tanaka("\ue100")},
    ),
    Case(
        "line-separator",
        "U+2028 and a vertical tab inside a paragraph (Word's manual breaks)",
        {SOURCE: SOUND.replace("we agree", "we\u2028agree").replace("We thank", "We\x0bthank")},
    ),
    Case(
        "bidi-override",
        "a right-to-left override and zero-width characters",
        {SOURCE: in_tanaka("\u202e\u200d\u2066x\u2069")},
    ),
    Case(
        "astral-and-combining",
        "an emoji, a musical symbol and a letter with 40 combining marks",
        {SOURCE: in_tanaka(" \U0001f600 \U0001d11e a" + "\u0301" * 40)},
    ),
    # --- structure ---
    Case(
        "only-a-title",
        "a title and nothing under it: an edition of a title page, well-formed",
        {SOURCE: " RECORD OF TALKS\n \n"},
    ),
    Case(
        "title-of-sixty-words",
        "robust2: balancing a 60-word title tried billions of line breaks",
        {SOURCE: SOUND.replace("RECORD OF TALKS", "RECORD OF THE TALKS " * 15)},
    ),
    Case(
        "source-title-too-long",
        "the source's title line beyond the title limit",
        {SOURCE: SOUND.replace("RECORD OF TALKS", "RECORD OF THE TALKS " * 30)},
        "the title is 599 characters, more than the limit of 500",
        line=1,
    ),
    Case(
        "errata-in-the-title",
        "robust2: an entry in the title line linked its row to a missing anchor (RSC-012)",
        {SOURCE: SOUND, ERRATA: fix("RECORD OF TALKS", "RECORD OF THE TALKS")},
    ),
    Case(
        "title-is-a-note-call",
        "the first line is nothing but a note call",
        {
            SOURCE: export(
                "8 October 1973",
                "Morning meeting (11:30-13:40)",
                "Tanaka. Yes.",
                title="[bookmark: _ftn_GoBack0][1]",
                notes=("The title's note.",),
            )
        },
    ),
    Case(
        "only-notes",
        "nothing but note bodies",
        {SOURCE: "[bookmark: _ftn0][1] A note.\n[bookmark: _ftn1][2] Another.\n"},
        "holds only notes",
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "note-called-in-a-note",
        "a note body that calls another note",
        {
            SOURCE: export(
                "8 October 1973{1}",
                "Morning meeting (11:30-13:40)",
                "Tanaka. Yes.",
                notes=("See note [bookmark: _ftn_GoBack1][2].", "The second."),
            )
        },
        "notes inside notes are not supported",
        line=8,
        lenient=TEXT_ONLY,
    ),
    Case(
        "note-number-zero",
        "note 0",
        {SOURCE: SOUND.replace("][1]", "][0]")},
    ),
    Case(
        "note-number-with-5000-digits",
        "issue 13 §7: a note number thousands of digits long was an internal error",
        {SOURCE: SOUND.replace("][1]", "][" + "9" * 5000 + "]")},
        "note number 999999… (5,000 digits) is more than the limit of 99,999",
        line=2,
    ),
    Case(
        "note-number-over-the-limit",
        "a plausible-looking number beyond the limit",
        {SOURCE: SOUND.replace("][1]", "][123456]")},
        "note number 123456",
        line=2,
    ),
    Case(
        "note-body-without-number-text",
        "an empty note body",
        {SOURCE: SOUND.replace("The record was translated from Russian.", "")},
        "empty body",
        line=NOTE_BODY,
        lenient=TEXT_ONLY,
    ),
    Case(
        "unterminated-bookmark",
        "an export cut inside a bookmark, after the notes",
        {SOURCE: SOUND + "\n[bookmark: _ftn"},
        "is followed by more of the record at line 12",
        line=NOTE_BODY,
        lenient=TEXT_ONLY,
    ),
    Case(
        "deep-brackets",
        "brackets 5,000 deep (spaced, so no word is long)",
        {SOURCE: with_line(BREZHNEV, "L.I. Brezhnev. " + "[ " * 5000 + "x" + " ]" * 5000)},
    ),
    Case(
        "note-call-inside-a-bracket",
        "found by the fuzzer: a call inside the source's brackets was hidden as text",
        {
            SOURCE: SOUND.replace(
                "1973[bookmark: _ftn_GoBack0][1]", "1973 [[bookmark: _ftn_GoBack0][1]]"
            )
        },
    ),
    Case(
        "unbalanced-brackets",
        "brackets that never close, and closers with no opener",
        {SOURCE: with_line(BREZHNEV, "L.I. Brezhnev. [[[ [sic [… ]]] ] ]")},
    ),
    Case(
        "initials-line",
        "issue 13 §5: a short line of initials made a label pattern exponential",
        {SOURCE: with_line(BREZHNEV, " ".join(f"{c}.{c}." for c in "ABCDEFGHIJKLMNOP") + " met.")},
    ),
    Case(
        "line-of-100000-characters",
        "a paragraph of 100,000 characters: over the paragraph limit",
        {SOURCE: with_line(BREZHNEV, "L.I. Brezhnev. " + "word " * 20_000)},
        "this paragraph is 100,015 characters, more than the limit of 50,000",
        line=BREZHNEV,
    ),
    Case(
        "word-of-20000-letters",
        "issue 13 §6: suggest on one 20,000-letter word used 8 GiB",
        {SOURCE: with_line(BREZHNEV, "L.I. Brezhnev. " + "a" * 20_000 + ".")},
        "column 16: a word of 20,001 characters",
        line=BREZHNEV,
    ),
    Case(
        "record-over-the-limit",
        "issue 13 §6: a 30 MB record held WeasyPrint for minutes",
        {SOURCE: SOUND.replace("Tanaka. Yes", ("Tanaka. Yes. " * 9 + "\n") * 9000 + "Tanaka. Yes")},
        "the record is 1,062,260 characters, more than the limit of 1,000,000",
        line=8479,
    ),
    Case(
        "file-over-the-read-cap",
        "a file larger than any [limits] may allow is not even read",
        {SOURCE: b"x" * (32_000_001)},
        "more than 32,000,000 bytes",
    ),
    Case(
        "too-many-notes",
        "1,001 notes: each footnote costs the layout",
        {SOURCE: notes_record(1001)},
        "note body number 1,001 is more than the limit of 1,000 notes",
        line=3008,
    ),
    # --- errata ---
    Case(
        "errata-not-toml",
        "a syntax error",
        {SOURCE: SOUND, ERRATA: '[[fix]]\nid = "x"\nfind = "unclosed\n'},
        "not valid TOML",
        at=ERRATA,
        line=3,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-fix-as-a-string",
        "`fix` written as a string holding [[fix]]",
        {SOURCE: SOUND, ERRATA: 'fix = "[[fix]]"\n'},
        "array of tables",
        at=ERRATA,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-fix-array-of-numbers",
        "`fix` as an array of numbers",
        {SOURCE: SOUND, ERRATA: "fix = [1, 2]\n"},
        "must be a table",
        at=ERRATA,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-toml-bomb",
        "arrays nested 100,000 deep overflow tomllib's recursion",
        {SOURCE: SOUND, ERRATA: "x = " + "[" * 100_000 + "]" * 100_000 + "\n"},
        "nested far too deeply",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-huge-integer",
        "an integer of 5,000 digits: Python refuses to convert it",
        {SOURCE: SOUND, ERRATA: "\nx = " + "7" * 5000 + "\n"},
        "a number far too long",
        at=ERRATA,
        line=2,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-utf16",
        "an errata file saved as UTF-16",
        {SOURCE: SOUND, ERRATA: fix("we agree", "we all agree").encode("utf-16")},
        "UTF-16",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-utf8-bom",
        "Windows editors write a mark at the start of errata.toml",
        {SOURCE: SOUND, ERRATA: codecs.BOM_UTF8 + fix("we agree", "we all agree").encode()},
    ),
    Case(
        "errata-delete-a-paragraph",
        'issue 13 §4: replace = "" left an unclosed link',
        {SOURCE: SOUND, ERRATA: fix("L.I. Brezhnev. We thank you for the visit.", "")},
    ),
    Case(
        "errata-delete-the-title",
        "the title deleted by an entry",
        {SOURCE: SOUND, ERRATA: fix("RECORD OF TALKS", "")},
    ),
    Case(
        "errata-find-spans-the-title",
        "a `find` that runs from the title into the date line",
        {SOURCE: SOUND, ERRATA: fix("TALKS\\n8 October", "TALKS 8 October")},
        "must not span lines",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-inside-a-bracket",
        "found by the fuzzer: an entry inside the source's [Ichiro] printed its marks",
        {
            SOURCE: SOUND.replace("Tanaka. Yes", "Tanaka. [Ichro] Yes"),
            ERRATA: fix("Ichro", "Ichiro"),
        },
        "fix 'x': `find` cuts into the source's bracket '[Ichro]' (line 6",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-find-twice",
        "a `find` that occurs twice",
        {SOURCE: SOUND, ERRATA: fix("the", "teh")},
        "occurs 2 times",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-adds-a-note-call",
        "issue 13 §9: a call added by an entry was reported at source.txt",
        {SOURCE: SOUND, ERRATA: fix("the visit.", "the visit.[bookmark: _ftn_GoBack1][2]")},
        "fix 'x': calls note 2, which has no body",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-calls-a-note-twice",
        "an entry that calls note 1 a second time",
        {SOURCE: SOUND, ERRATA: fix("the visit.", "the visit.[bookmark: _ftn_GoBack1][1]")},
        "fix 'x': calls note 1, which is called elsewhere",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-removes-a-note-call",
        "an entry that deletes the only call of note 1",
        {SOURCE: SOUND, ERRATA: fix("1973[bookmark: _ftn_GoBack0][1]", "1973")},
        "removes the call of note 1",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-control-in-replace",
        "a control character written as a TOML escape in `replace`",
        {SOURCE: SOUND, ERRATA: fix("we agree", "we\\u0001 agree")},
        "'replace' holds U+0001 (SOH)",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-nul-in-find",
        "NUL in `find`: it can never match what was read",
        {SOURCE: SOUND, ERRATA: fix("we\\u0000 agree", "we agree")},
        "'find' holds U+0000 (NUL)",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-control-in-note",
        "the editorial note's text reaches the XHTML",
        {SOURCE: SOUND, ERRATA: fix("we agree", "we all agree", extra='note = "a\\u0008b"\n')},
        "'note' holds U+0008 (BS)",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-reserved-character",
        "issue 13 §9: a reserved character in an entry was reported at source.txt",
        {SOURCE: SOUND, ERRATA: fix("we agree", "we\\ue001 agree")},
        "U+E001",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-reserved-in-reason",
        "robust2: only `find` and `replace` were checked for the pipeline's token characters",
        {SOURCE: SOUND, ERRATA: fix("we agree", "we all agree").replace("typo", "\\ue004")},
        "'reason' holds U+E004",
        at=ERRATA,
        line=1,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-class-description-control",
        "a [classes] description is every entry's reason in the editorial note",
        {
            SOURCE: SOUND,
            ERRATA: '[classes]\nnames = "Names\\u0001"\n\n[[fix]]\nid = "r"\n'
            'kind = "regularise"\nclass = "names"\nfind = "we agree"\nreplace = "we do"\n',
        },
        "[classes] 'names': the description holds U+0001 (SOH)",
        at=ERRATA,
        line=2,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-header-with-comment",
        "`[[fix]]  # comment` is a header too: the next entry's message named the wrong line",
        {
            SOURCE: SOUND,
            ERRATA: "[[fix]]  # the first\n"
            + fix("we agree", "we do").split("\n", 1)[1]
            + "\n[[ fix ]]\n"
            + fix("not in the record", "x", id="y").split("\n", 1)[1],
        },
        "fix 'y': `find` text 'not in the record' does not occur",
        at=ERRATA,
        line=7,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-ids-spelt-alike",
        "robust2: ids 'a b' and 'a-b' are one XML id in the EPUB (EPUBCheck RSC-005)",
        {
            SOURCE: SOUND,
            ERRATA: fix("we agree", "we do", id="a b") + fix("We thank", "We all thank", id="a-b"),
        },
        "fix 'a-b': id is written 'a-b' in the editions, as the entry 'a b' (line 1) is",
        at=ERRATA,
        line=6,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-long-word",
        "an entry whose `replace` holds a 500-letter word",
        {SOURCE: SOUND, ERRATA: "# one entry\n" + fix("we agree", "we " + "a" * 500)},
        "fix 'x': `replace` holds a word of 500 characters",
        at=ERRATA,
        line=2,
        lenient=TEXT_ONLY,
    ),
    Case(
        "errata-too-many-entries",
        "5,001 entries",
        {
            SOURCE: SOUND,
            ERRATA: "".join(fix(f"w{i}", f"v{i}", id=f"e{i}") for i in range(5001)),
        },
        "5,001 entries, more than the limit of 5,000",
        at=ERRATA,
        lenient=TEXT_ONLY,
    ),
    # --- edition.toml ---
    Case(
        "edition-not-toml",
        "a syntax error",
        {SOURCE: SOUND, EDITION: "[document]\ntitle = \n"},
        "not valid TOML",
        at=EDITION,
        line=2,
    ),
    Case(
        "edition-toml-bomb",
        "inline tables nested deep",
        {SOURCE: SOUND, EDITION: "x = " + "{a = " * 50_000 + "1" + "}" * 50_000 + "\n"},
        "not valid TOML",
        at=EDITION,
    ),
    Case(
        "edition-impossible-date",
        "issue 13 §9: 1973-02-30 built and EPUBCheck flagged it",
        {SOURCE: SOUND, EDITION: '[document]\ndate = "1973-02-30"\n'},
        "that exists",
        at=EDITION,
        line=2,
    ),
    Case(
        "edition-control-in-title",
        "issue 13 §7: a control character in the title, from edition.toml",
        {SOURCE: SOUND, EDITION: '[document]\ntitle = "Record\\u0007 of Talks"\n'},
        "[document] title holds U+0007 (BEL)",
        at=EDITION,
        line=2,
    ),
    Case(
        "edition-control-in-subject",
        "a control character in a list value",
        {SOURCE: SOUND, EDITION: '[document]\nsubjects = ["Japan", "Cold\\u001bWar"]\n'},
        "U+001B (ESC)",
        at=EDITION,
        line=2,
    ),
    Case(
        "edition-reserved-in-subtitle",
        "robust2, found by the fuzzer: a subtitle of U+E000 reached the model",
        {SOURCE: SOUND, EDITION: '[document]\ntitle = "Talks"\nsubtitle = "\\ue000"\n'},
        "[document] subtitle holds U+E000",
        at=EDITION,
        line=3,
    ),
    Case(
        "edition-header-with-comment",
        "`[document]  # …` is the section: the value's line is still found",
        {
            SOURCE: SOUND,
            EDITION: '[source]\nlanguage = "ru"\n[document]  # the book\nlanguage = "e\\u0007"\n',
        },
        "[document] language holds U+0007 (BEL)",
        at=EDITION,
        line=4,
    ),
    Case(
        "edition-title-too-long",
        "robust2: a 100,000-character title held the print layout for minutes",
        {SOURCE: SOUND, EDITION: '[document]\ntitle = "' + "Talks " * 100 + '"\n'},
        "[document] title is 600 characters, more than the limit of 500",
        at=EDITION,
        line=2,
    ),
    Case(
        "edition-utf16",
        "edition.toml saved as UTF-16",
        {SOURCE: SOUND, EDITION: '[document]\ntitle = "T"\n'.encode("utf-16")},
        "UTF-16",
        at=EDITION,
        line=1,
    ),
    Case(
        "limits-zero",
        "a limit of 0",
        {SOURCE: SOUND, EDITION: "[limits]\nword_characters = 0\n"},
        "at least 1",
        at=EDITION,
        line=2,
    ),
    Case(
        "limits-over-the-ceiling",
        "a received folder must not lift the protection",
        {SOURCE: SOUND, EDITION: "[limits]\nrecord_characters = 100000000\n"},
        "can be at most 8,000,000",
        at=EDITION,
        line=2,
    ),
    Case(
        "limits-unknown",
        "a misspelt limit",
        {SOURCE: SOUND, EDITION: "[limits]\nword_length = 10\n"},
        "unknown key 'word_length'",
        at=EDITION,
        line=2,
    ),
    Case(
        "limits-not-a-number",
        "a limit given as text",
        {SOURCE: SOUND, EDITION: '[limits]\nnotes = "many"\n'},
        "must be a whole number",
        at=EDITION,
        line=2,
    ),
    Case(
        "limits-raised",
        "a genuinely long word builds once its document raises the limit",
        {
            SOURCE: with_line(BREZHNEV, "L.I. Brezhnev. " + "ab" * 200 + "."),
            EDITION: "[limits]\nword_characters = 500\n",
        },
    ),
    Case(
        "limits-lowered",
        "a document may also lower a limit",
        {SOURCE: SOUND, EDITION: "[limits]\nparagraph_characters = 40\n"},
        "this paragraph is 41 characters, more than the limit of 40",
        line=2,
    ),
    # --- files and links ---
    Case(
        "source-links-to-passwd",
        "issue 13 §3: a symlink to /etc/passwd built an edition of it",
        {},
        "is a link to /etc/passwd, outside the document folder",
        links={SOURCE: "/etc/passwd"},
    ),
    Case(
        "source-links-outside",
        "a relative link that climbs out of the folder",
        {},
        "outside the document folder",
        links={SOURCE: "../outside/source.txt"},
    ),
    Case(
        "source-links-inside",
        "a link to a file of the folder itself is the folder's own",
        {"real.txt": SOUND},
        links={SOURCE: "real.txt"},
    ),
    Case(
        "errata-links-outside",
        "errata.toml linked from elsewhere",
        {SOURCE: SOUND},
        "outside the document folder",
        at=ERRATA,
        links={ERRATA: "{outside}/errata.toml"},
    ),
    Case(
        "edition-links-outside",
        "edition.toml linked from elsewhere",
        {SOURCE: SOUND},
        "outside the document folder",
        at=EDITION,
        links={EDITION: "{outside}/edition.toml"},
    ),
    Case(
        "words-links-outside",
        "issue 13 §3: words.txt, read by the typo finder",
        {SOURCE: SOUND},
        "outside the document folder",
        at=WORDS,
        links={WORDS: "/etc/passwd"},
        commands=("suggest",),
    ),
    Case(
        "source-is-a-folder",
        "source.txt as a folder",
        {"source.txt/inner.txt": SOUND},
        "must hold source.txt",
        at="",
    ),
    Case(
        "source-is-a-fifo",
        "a named pipe would block the reader forever",
        {SOURCE: "{fifo}"},
        "must hold source.txt",
        at="",
    ),
    Case(
        "errata-is-a-fifo",
        "a named pipe as errata.toml hung the build",
        {SOURCE: SOUND, ERRATA: "{fifo}"},
        "is not a regular file",
        at=ERRATA,
    ),
    Case(
        "edition-is-a-folder",
        "edition.toml as a folder",
        {SOURCE: SOUND, "edition.toml/x": "y"},
        "is a folder",
        at=EDITION,
    ),
    Case(
        "errata-dangling-link",
        "a link to a file that does not exist",
        {SOURCE: SOUND},
        "cannot read errata",
        at=ERRATA,
        links={ERRATA: "missing.toml"},
    ),
)
"""Every case of the catalogue; names are unique."""
