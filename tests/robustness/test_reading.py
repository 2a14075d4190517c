"""Reading a source: encodings told apart and characters settled once (pipeline/stages/read.py).

The UTF-16/UTF-32 detector and the "declared 8-bit but reads as UTF-8" warning have thresholds
set from the encodings' definitions, not tuned on any file; the family's records (the bundled
documents and ../shared/sources/) are the reporting split they are measured on here.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.stages import read
from pipeline.stages.read import CHARACTER_RULES, decode, encoding_problem, wide_encoding
from tests.conftest import ROOT

# The project's own copies of the family (the FRUS memcons the project took from the shared
# sources, and the bundled records): a clone holds them wherever it stands.
FAMILY = sorted((ROOT / "tests" / "fixtures" / "family" / "frus").glob("*.txt")) + sorted(
    (ROOT / "sources").glob("*/source.txt")
)
TEXTS = [decode(path.read_bytes(), path=path) for path in FAMILY]

# These tests read files whose characters or encoding the reader settles with a warning, and
# check that warning themselves.
pytestmark = pytest.mark.allow_warnings


def xml_char(code: int) -> bool:
    """XML 1.0 §2.2 Char."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


@pytest.fixture(autouse=True)
def fresh_warnings():
    read.warn_once.cache_clear()  # each test sees its own warnings


def test_the_family_is_the_reporting_split():
    assert len(FAMILY) >= 8


def test_every_rule_has_a_name_a_reason_and_an_action():
    names = [rule.name for rule in CHARACTER_RULES]
    assert len(names) == len(set(names))
    assert all(
        rule.why.strip() and rule.action in ("refuse", "drop", "replace")
        for rule in CHARACTER_RULES
    )
    assert all(rule.replacement == "" for rule in CHARACTER_RULES if rule.action != "replace")


def test_no_character_xml_cannot_hold_comes_out_of_decode():
    # Every code point XML 1.0 cannot hold, but CR (a line end, normalised) and the two manual
    # breaks clean.py turns into spaces, is refused, dropped or replaced when read.
    unfit = [c for c in range(0x110000) if not xml_char(c) and c not in (0xB, 0xC)]
    missed = [f"U+{c:04X}" for c in unfit if read.xml_unfit(chr(c)) is None]
    assert missed == []


@pytest.mark.parametrize("rule", CHARACTER_RULES, ids=lambda rule: rule.name)
def test_each_rule_does_what_it_says(rule, caplog):
    sample = next(chr(c) for c in range(0x110000) if rule.pattern.fullmatch(chr(c)))
    text = f"Title\nbefore{sample}after\n"
    if rule.action == "refuse":
        with pytest.raises(PipelineError) as caught:
            # A surrogate cannot even be encoded in UTF-8: the table is met as text.
            read.settle_characters(text, "x.txt")
        assert caught.value.line == 2
        assert caught.value.message.startswith(f"column 7: character U+{ord(sample):04X}")
        return
    with caplog.at_level(logging.WARNING):
        assert decode(text.encode(), path="x.txt") == f"Title\nbefore{rule.replacement}after\n"
    warned = [r.getMessage() for r in caplog.records]
    assert (warned != []) == rule.warn
    if rule.warn:
        assert warned[0].startswith(f"x.txt:2: column 7: U+{ord(sample):04X}")


def test_many_dropped_characters_make_one_warning(caplog):
    with caplog.at_level(logging.WARNING):
        decode(("line\x01\n" * 1000).encode(), path="x.txt")
    (message,) = [r.getMessage() for r in caplog.records]
    assert "x.txt:1: column 5: U+0001 (SOH) and 999 more like it dropped" in message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_without_a_mark_are_recognised_in_every_record(encoding):
    for path, text in zip(FAMILY, TEXTS, strict=True):
        assert wide_encoding(text.encode(encoding)) == encoding, path
        with pytest.raises(PipelineError, match=f'encoding = "{encoding}"'):
            decode(text.encode(encoding), path=path)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_no_eight_bit_record_is_taken_for_a_wide_one(encoding):
    for path, text in zip(FAMILY, TEXTS, strict=True):
        data = text.encode(encoding, errors="replace")
        assert wide_encoding(data) is None, path


@pytest.mark.parametrize(
    ("mark", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_a_mark_says_how_to_read_every_record(mark, encoding, caplog):
    for path, text in zip(FAMILY, TEXTS, strict=True):
        with caplog.at_level(logging.WARNING):
            assert decode(mark + text.encode(encoding), path=path) == text
        assert f"{path}: read as UTF-" in caplog.records[-1].getMessage()


def test_a_declared_eight_bit_encoding_on_a_utf8_file_warns_on_every_record(caplog):
    for path, text in zip(FAMILY, TEXTS, strict=True):
        if text.isascii():
            continue
        caplog.clear()
        try:
            with caplog.at_level(logging.WARNING):
                decode(text.encode(), encoding="cp1252", path=path)
        except PipelineError as error:
            # UTF-8's bytes for ” hold 0x9D, which cp1252 lacks: then it cannot even be read.
            assert "the file reads as UTF-8: remove [source] encoding" in error.message, path
        else:
            assert "is declared cp1252 but reads as UTF-8" in caplog.text, path


def test_a_real_cp1252_file_gives_no_warning(caplog):
    for path, text in zip(FAMILY, TEXTS, strict=True):
        data = text.encode("cp1252", errors="replace")
        with caplog.at_level(logging.WARNING):
            decode(data, encoding="cp1252", path=path)
    assert caplog.records == []


def test_the_warning_shows_the_misread_word(caplog):
    with caplog.at_level(logging.WARNING):
        decode("Title\nLine\xa0two with Gromyko’s view\n".encode(), encoding="cp1252", path="x")
    expected = "(it would print 'Gromyko’s' as 'Gromykoâ€™s')"
    assert "x:2: the file is declared cp1252 but reads as UTF-8 " + expected in caplog.text


@pytest.mark.parametrize(
    ("encoding", "problem"),
    [
        ("klingon-8", "unknown encoding"),
        ("rot13", "is not a text encoding"),
        ("base64", "is not a text encoding"),
        ("punycode", "domain names"),
        ("idna", "domain names"),
        ("unicode_escape", "backslash escapes"),
        ("raw_unicode_escape", "backslash escapes"),
        ("utf-7", "mail transfer"),
    ],
)
def test_encodings_that_are_not_a_files(encoding, problem):
    assert problem in encoding_problem(encoding)


@pytest.mark.parametrize(
    "encoding",
    [
        "utf-8",
        "UTF8",
        "utf-8-sig",
        "cp1252",
        "latin-1",
        "mac_roman",
        "utf-16",
        "koi8-r",
        "shift_jis",
    ],
)
def test_encodings_of_real_files_are_accepted(encoding):
    assert encoding_problem(encoding) is None


def test_a_declared_encoding_with_the_wrong_byte_order_mark():
    with pytest.raises(PipelineError, match="byte-order mark of UTF-16 \\(big-endian\\)"):
        decode(codecs.BOM_UTF16_BE + "Title\n".encode("utf-16-be"), encoding="utf-16-le")


def test_utf16_declared_without_a_byte_order_finds_it_from_the_zero_bytes():
    assert decode("Title\nline\n".encode("utf-16-be"), encoding="utf-16") == "Title\nline\n"


def test_an_undecodable_utf16_file_is_located_in_characters_not_bytes():
    data = "Title\nline two\n".encode("utf-16-le") + b"\x00\xd8"  # a lone high surrogate
    with pytest.raises(PipelineError) as caught:
        decode(data, encoding="utf-16-le", path="x")
    assert caught.value.line == 3 and "not valid utf-16-le" in caught.value.message


def test_names_of_controls_for_messages():
    assert read.character_name("\x00") == "U+0000 (NUL)"
    assert read.character_name("\x7f") == "U+007F (DEL)"
    assert read.character_name("\ufffe") == "U+FFFE"
    assert len(read.ASCII_CONTROL_NAMES) == 32
    assert unicodedata.category("\x1f") == "Cc"


def test_family_texts_are_unchanged_by_reading():
    # The characters rules touch nothing in a real record (no warning, no change).
    for path, text in zip(FAMILY, TEXTS, strict=True):
        assert read.xml_unfit(text.replace("\r", "")) is None, Path(path).name
