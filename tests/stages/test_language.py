"""stages/language.py: the English variant a record is set in, from edition.toml's tag or from
the record itself (issue 9: American records were hyphenated with British patterns).

The FRUS records here are the family's (tests/fixtures/family/frus, and the bundled ones read as
bare .txt files, without their edition.toml); the small fixtures isolate one kind of evidence
each.
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.model import Document, Header, Meta, Note, Paragraph, Session, Text
from pipeline.pipeline import prepare
from pipeline.rules.language import ORIGIN_RULES, SPELLING_RULES
from pipeline.stages.language import choose_language, explain_language, language_choice
from tests.conftest import ROOT, SOURCES

FAMILY = sorted((ROOT / "tests" / "fixtures" / "family" / "frus").glob("*.txt"))


def record(text: str, *, dateline: str = "", note: str = "", language: str = "en") -> Document:
    return Document(
        meta=Meta(id="x", title="t", language=language),
        header=Header(title=(), dateline=(Text(dateline),) if dateline else ()),
        sessions=(Session((), (Paragraph((Text(text),), id="p1"),)),),
        notes=(Note(1, ((Text(note),),)),) if note else (),
    )


@pytest.mark.parametrize("path", FAMILY, ids=lambda p: p.stem)
def test_a_bare_frus_memcon_is_american(path: Path) -> None:
    doc, _ = prepare(path)
    assert doc.meta.language == "en-US"


def test_the_bundled_records_read_as_bare_text_get_their_variant(tmp_path: Path) -> None:
    chosen = {}
    for folder in sorted(SOURCES.iterdir()):
        bare = tmp_path / f"{folder.name}.txt"
        bare.write_bytes((folder / "source.txt").read_bytes())
        chosen[folder.name] = prepare(bare)[0].meta.language
    assert chosen == {
        "1973-10-08-soviet-japanese-talks": "en-GB",  # a Soviet record in translation
        "1974-04-23-us-panama-memcon": "en-US",
        "1974-10-08-us-polish-talks": "en-US",
    }


def test_a_full_tag_in_edition_toml_wins() -> None:
    doc = record("The defense of the harbor was organized.", language="en-GB")
    assert choose_language(doc).meta.language == "en-GB"
    assert language_choice(doc).how == "edition.toml"
    other = record("The defense of the harbor was organized.", language="fr")
    assert choose_language(other).meta.language == "fr"


@pytest.mark.parametrize(
    ("doc", "tag"),
    [
        (record("Our neighbours' defence of the centre was favourable."), "en-GB"),
        (record("Our neighbors' defense of the center was favorable."), "en-US"),
        (record("We met.", dateline="Washington, April 23, 1974"), "en-US"),
        (record("We met.", dateline="Moscow, 8 October 1973"), "en-GB"),
        (
            record("We met.", note="Source: National Archives, RG 59. Secret; Nodis."),
            "en-US",
        ),
        (record("From the Soviet side – L.I. Brezhnev."), "en-GB"),
        (replace(record("We met."), meta=Meta(id="x", title="t", original_language="ru")), "en-GB"),
    ],
)
def test_each_kind_of_evidence_points_its_way(doc: Document, tag: str) -> None:
    assert choose_language(doc).meta.language == tag
    assert language_choice(doc).how == "inferred"


def test_oxford_ize_does_not_outweigh_british_spelling() -> None:
    # The 1973 translation writes "normalization" and "realize" but "defence", "neighbours".
    doc = record("normalization realize organize. Our neighbours' defence, our neighbour.")
    assert choose_language(doc).meta.language == "en-GB"


def test_words_in_ise_in_both_variants_are_no_evidence() -> None:
    doc = record("They raised the promise; otherwise the exercise was unwise.")
    assert language_choice(doc).how == "default"
    assert choose_language(doc).meta.language == "en-GB"


def test_no_evidence_gives_the_default_and_says_so() -> None:
    doc = record("We met.")
    choice = language_choice(doc)
    assert (choice.tag, choice.how, choice.evidence) == ("en-GB", "default", ())
    assert choice.describe() == "en-GB (default)"


def test_the_choice_is_explained_with_its_evidence() -> None:
    doc = record("The defense was organized.", dateline="Washington, April 23, 1974")
    explained = explain_language(replace(doc, meta=replace(doc.meta, language="en-US")), "")
    assert explained.startswith("en-US (inferred: ")
    assert "American date line ×1 → en-US" in explained
    assert explain_language(doc, "en-GB") == "en-GB (edition.toml)"


def test_inspect_shows_the_choice(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(FAMILY[0]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "en-US"
    assert data["language_choice"].startswith("en-US (inferred: U.S. archive source note")
    assert main(["inspect", str(SOURCES / "1973-10-08-soviet-japanese-talks")]) == 0
    assert "  language: en-GB (edition.toml)" in capsys.readouterr().out


def test_the_tables_are_named_and_explained() -> None:
    for table in (SPELLING_RULES, ORIGIN_RULES):
        names = [rule.name for rule in table]
        assert len(names) == len(set(names))
        assert all(rule.why.strip() and rule.weight > 0 for rule in table)
    assert {rule.where for rule in ORIGIN_RULES} <= {
        "text",
        "notes",
        "dateline",
        "meta",
        "original",
    }
