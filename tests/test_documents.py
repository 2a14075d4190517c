"""The three bundled documents come out with their known structure, and nothing is lost."""

import re
from collections import Counter

import pytest

from pipeline.model import Turn, block_text, body_blocks, inline_text, speakers
from pipeline.pipeline import prepare
from pipeline.stages.clean import clean
from pipeline.stages.read import read_source
from tests.conftest import DOCUMENTS, RECORD_1973, SOURCES

EXPECTED = {
    "1973-10-08-soviet-japanese-talks": {
        "title": "RECORD OF SOVIET-JAPANESE TALKS",
        "date": "1973-10-08",
        "headings": ["Morning meeting (11:30-13:40)", "Evening meeting (19:00-21:30)"],
        "notes": 4,
        "speakers": ("Tanaka", "L.I. Brezhnev", "A.N. Kosygin", "Ohira"),
        "paragraphs": 65,
        "turns": 24,
        "labels": {
            "Tanaka": "Tanaka",
            "L.I. Brezhnev": "Brezhnev",
            "A.N. Kosygin": "Kosygin",
            "Ohira": "Ohira",
        },
    },
    "1974-04-23-us-panama-memcon": {
        "title": "MEMORANDUM OF CONVERSATION",
        "date": "1974-04-23",
        "headings": ["Meeting in the Secretary’s office (18:00-18:30)"],
        "notes": 7,
        "speakers": (
            "The Secretary",
            "Foreign Minister Tack",
            "Ambassador Bunker",
            "Ambassador Gonzalez",
            "The Minister",
        ),
        "paragraphs": 81,
        "turns": 59,
        # Without [parse] aliases the reader cannot know that "The Minister" is Tack.
        "labels": {
            "The Secretary": "Secretary",
            "Foreign Minister Tack": "Tack",
            "Ambassador Bunker": "Bunker",
            "Ambassador Gonzalez": "Gonzalez",
            "The Minister": "Minister",
        },
    },
    "1974-10-08-us-polish-talks": {
        "title": "RECORD OF U.S.-POLISH TALKS",
        "date": "1974-10-08",
        "headings": [
            "Meeting in the Oval Office (11:00-12:40)",
            "Luncheon at the Department of State (13:15)",
        ],
        "notes": 8,
        "speakers": (
            "Gierek",
            "Kissinger",
            "President",
            "SECRETARY",
            "GIEREK",
            "OLSZOWSKI",
            "ZABLOCKI",
            "FRELEK",
            "JAGIELSKI",
            "SENATOR PERCY",
        ),
        "paragraphs": 90,
        "turns": 66,
        # A label in capitals names the same speaker as one in mixed case.
        "labels": {
            "Gierek": "Gierek",
            "Kissinger": "Kissinger",
            "President": "President",
            "SECRETARY": "Secretary",
            "GIEREK": "Gierek",
            "OLSZOWSKI": "Olszowski",
            "ZABLOCKI": "Zablocki",
            "FRELEK": "Frelek",
            "JAGIELSKI": "Jagielski",
            "SENATOR PERCY": "Percy",
        },
    },
}


@pytest.fixture(scope="module", params=DOCUMENTS, ids=lambda p: p.name)
def documents(request):
    read, _ = prepare(request.param, typography=False)
    final, ctx = prepare(request.param)
    return request.param, read, final, ctx


def test_bundled_sources_are_the_shared_files_byte_for_byte():
    shared = SOURCES.parent.parent / "shared" / "sources"
    if not shared.is_dir():
        pytest.skip("../shared/sources is not beside this checkout")
    pairs = {
        "1973-10-08-soviet-japanese-talks": "record-1973-10-08-soviet-japanese-talks.txt",
        "1974-04-23-us-panama-memcon": "memcon-1974-04-23-washington.txt",
        "1974-10-08-us-polish-talks": "memcon-1974-10-08-washington.txt",
    }
    for folder, name in pairs.items():
        assert (SOURCES / folder / "source.txt").read_bytes() == (shared / name).read_bytes()


def test_known_structure(documents):
    path, read, final, _ = documents
    expected = EXPECTED[path.name]
    assert read.meta.source_title == expected["title"]
    assert final.meta.date == expected["date"]
    assert [inline_text(s.heading) for s in read.sessions if s.heading] == expected["headings"]
    assert [n.number for n in read.notes] == list(range(1, expected["notes"] + 1))
    assert speakers(read) == expected["speakers"]
    assert sum(1 for _ in body_blocks(read)) == expected["paragraphs"]


def test_no_export_junk_left_anywhere(documents):
    _, read, final, _ = documents
    for doc in (read, final):
        text = repr(doc)
        assert "[bookmark" not in text and "_GoBack" not in text and "_ftn" not in text
        assert not re.search("[\ue000-\ue003]", text)


def test_note_texts_of_the_1973_record():
    read, _ = prepare(RECORD_1973, typography=False)
    texts = [inline_text(n.paragraphs[0]) for n in read.notes]
    assert texts[0] == (
        "The record of conversation has not been reviewed by the participants "
        "[note in the original – SR]."
    )
    assert texts[1] == "Omitted here is the list of other participants."
    assert texts[2].endswith("pp. 8-13 in the original [translator’s note].")
    assert texts[3].startswith("Omitted here is Brezhnev’s discussion")


def test_1973_errata_are_applied_and_sic_is_kept():
    final, _ = prepare(RECORD_1973)
    text = " ".join(block_text(b) for _, b in body_blocks(final))
    for slip in (
        "spehres",
        "te morning",
        "Genera ",
        "Secterary",
        "Serertary",
        "Europen",
        "Holand",
        "relations with continue",
        "for your to make",
        "population The",
    ):
        assert slip not in text, slip
    assert "Monroe doctrine [sic]" in text
    assert len(final.corrections) >= 8
    ids = {c.id for c in final.corrections}
    assert {"spheres", "the-morning", "general-secretary-1", "general-secretary-2"} <= ids
    by_id = {c.id: c for c in final.corrections}
    # issue 14 §3: `session` is the session's id, one meaning; the paragraph number runs
    # through the whole record, and the correction sits in the block that carries it.
    evening = final.sessions[1]
    assert inline_text(evening.heading).startswith("Evening meeting")
    assert by_id["spheres"].session == evening.id
    holder = next(b for b in evening.blocks if b.id == by_id["spheres"].block_id)
    assert holder.number == by_id["spheres"].paragraph
    assert by_id["spheres"].paragraph == int(by_id["spheres"].block_id[1:])


def _words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text))


def source_text(ctx) -> str:  # type: ignore[no-untyped-def]
    """The source as the reader gets it: errata applied, export junk cleaned, note calls out."""
    from pipeline.stages.errata import apply_errata, load_errata

    source, _ = apply_errata(read_source(ctx.source), load_errata(ctx.errata), marked=False)
    return re.sub("\ue000\\d+\ue002|\ue001\\d+\ue002", " ", clean(source))


def test_no_word_of_a_body_paragraph_is_lost(documents):
    """Every word of the cleaned source is in the model: headings, blocks, header and notes.

    Compared before typography, which may join "L.I.\u00a0Brezhnev" but never drops a word."""
    _, read, _, ctx = documents
    source_words = _words(source_text(ctx))
    model_text = [inline_text(read.header.title), inline_text(read.header.dateline)]
    model_text += [block_text(b) for b in read.header.blocks]
    model_text += [inline_text(s.heading) for s in read.sessions]
    model_text += [block_text(b) for _, b in body_blocks(read)]
    model_text += [inline_text(p) for n in read.notes for p in n.paragraphs]
    assert _words(" ".join(model_text)) == source_words


def test_turns_keep_label_and_speaker(documents):
    """Each turn keeps the source's label verbatim, with its punctuation (the whole turn is one
    of the source's paragraphs, word for word), and names the speaker that label stands for;
    no turn is lost to a plain paragraph."""
    path, read, _, ctx = documents
    expected = EXPECTED[path.name]
    paragraphs = {" ".join(line.split()) for line in source_text(ctx).split("\n")}
    turns = [block for _, block in body_blocks(read) if isinstance(block, Turn)]
    assert len(turns) == expected["turns"]
    for turn in turns:
        assert " ".join(block_text(turn).split()) in paragraphs, turn.id
    assert {turn.label: turn.speaker for turn in turns} == expected["labels"]


def test_a_second_build_gives_the_same_bytes_in_every_file(bundled):
    """Determinism (STYLE.md §7: two fresh builds, never golden bytes): every file of a second
    `build_one` of a bundled record, PDF, EPUB and reports, is the session's build's, byte for
    byte."""
    from pipeline.build import build_one
    from pipeline.inputs import read_inputs

    again = build_one(read_inputs(bundled.folder), ("pdf", "epub"), bundled.paper).files
    assert sorted(again) == sorted(bundled.files)
    for name, data in again.items():
        assert data == bundled.files[name], name
