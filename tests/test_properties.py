"""Properties of the reader on any text: a model or the project's own error, and no lost words."""

import contextlib
import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import PipelineError
from pipeline.model import block_text, body_blocks, inline_text
from pipeline.stages.clean import clean
from pipeline.stages.parse import parse
from pipeline.stages.read import decode
from tests.conftest import export

PIECES = st.sampled_from(
    [
        "[bookmark: _ftn_GoBack0][1]",
        "[bookmark: _ftn0][1] ",
        "[bookmark: _GoBack]",
        "[…]",
        "[sic]",
        "\u00a0",
        "\n",
        "\r\n",
        "\r",
        " ",
        ".",
        ":",
        "–",
        "(11:30-13:40)",
        "Tanaka. ",
        "L.I. Brezhnev. ",
        "Morning meeting",
        "Recorded by: ",
        "I. ",
        "SECRETARY. ",
        "[",
        "]",
        "“",
        '"',
        "'",
        "\ufeff",
    ]
)
ANY_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(ANY_TEXT)
def test_reader_returns_a_model_or_raises_its_own_error(text):
    try:
        decoded = decode(text.encode("utf-8", "surrogatepass"))
        doc = parse(clean(decoded))
    except PipelineError:
        return
    assert doc.header.title is not None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_reader_on_arbitrary_bytes(data):
    with contextlib.suppress(PipelineError):
        parse(clean(decode(data)))


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ’", min_size=1, max_size=8)
SENTENCE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
LINE = st.one_of(
    SENTENCE.map(lambda s: s + "."),
    st.tuples(
        st.sampled_from(["Tanaka", "L.I. Brezhnev", "SECRETARY", "The Secretary"]), SENTENCE
    ).map(lambda t: f"{t[0]}. {t[1]}."),
    SENTENCE.map(lambda s: f"[{s}]"),
    st.just("[…]"),
    st.just("Evening meeting (19:00-21:30)"),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=15))
def test_no_word_of_a_body_paragraph_is_lost(lines):
    text = export("1 May 1970", "Morning meeting (11:30-13:40)", *lines)
    doc = parse(clean(decode(text.encode())))
    seen = [inline_text(s.heading) for s in doc.sessions] + [
        block_text(b) for _, b in body_blocks(doc)
    ]
    seen += [block_text(b) for b in doc.header.blocks] + [inline_text(doc.header.dateline)]
    expected = Counter(re.findall(r"\w+", " ".join(lines)))
    assert (
        Counter(re.findall(r"\w+", " ".join(seen)))
        - Counter(re.findall(r"\w+", "1 May 1970 Morning meeting 11 30 13 40"))
        == expected
    )
