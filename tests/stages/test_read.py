"""stages/read.py: decoding, BOM, line ends, and clear errors for bad bytes."""

import pytest

from pipeline.errors import PipelineError
from pipeline.stages.read import decode


@pytest.mark.parametrize(
    "data",
    [
        b"Title\nline\n",
        b"\xef\xbb\xbfTitle\nline\n",  # UTF-8 with byte-order mark
        b"Title\r\nline\r\n",  # Windows line ends
        b"Title\rline\r",  # classic Mac line ends
    ],
)
def test_decode_gives_one_newline_convention_and_no_bom(data):
    assert decode(data) == "Title\nline\n"


def test_decode_without_final_newline_keeps_last_line():
    assert decode(b"Title\nlast") == "Title\nlast"


def test_invalid_utf8_names_file_line_column_and_byte():
    with pytest.raises(PipelineError) as caught:
        decode(b"Title\nfine line\nbad \xe9 byte\n", path="doc/source.txt")
    error = caught.value
    assert (error.path, error.line) == ("doc/source.txt", 3)
    assert "column 5" in error.message and "0xE9" in error.message
    assert str(error).startswith("doc/source.txt:3: ")


def test_declared_cp1252_decodes_what_utf8_cannot():
    assert decode(b"Solov\x92ev", encoding="cp1252") == "Solov\u2019ev"


def test_unknown_encoding_is_a_clear_error():
    with pytest.raises(PipelineError, match="unknown encoding"):
        decode(b"x", encoding="klingon-8")
