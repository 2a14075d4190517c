"""The FRUS TEI profile (pipeline/writers/tei/frus.py) on documents built with model
constructors: the shape of a FRUS document (as `frus1969-76v22.xml` d40 encodes one), no element
FRUS's schema leaves out, the decisions listed in the header, validity against frus.rnc, the
words read back.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from pipeline.context import Context
from pipeline.model import Document, Field, Header, Meta, Text
from pipeline.writers.tei import write_tei
from pipeline.writers.tei.elements import TEI_NS
from pipeline.writers.tei.frus import LIST_TYPES, list_type
from pipeline.writers.tei.reading import element_words, round_trip_problems
from pipeline.writers.tei.validate import schema_errors
from tests.writers.test_tei import intervention_doc, kitchen_sink

NS = {"t": TEI_NS}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CTX = Context(id="test-talks", source=Path("source.txt"))
# Elements FRUS's schema does not have (frus.rnc): the profile must never write them.
NOT_IN_FRUS = ("choice", "sic", "corr", "reg", "orig", "supplied", "sp", "speaker", "listPerson")


def tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def texts(root: etree._Element, path: str) -> list[str]:
    return [element_words(node) for node in root.xpath(path, namespaces=NS)]


def only(root: etree._Element, path: str) -> etree._Element:
    (found,) = root.xpath(path, namespaces=NS)
    return found


@pytest.fixture(scope="module")
def sink(docs) -> bytes:
    return write_tei(kitchen_sink(docs), CTX, "frus")


@pytest.fixture(scope="module")
def kinds() -> bytes:
    return write_tei(intervention_doc(), CTX, "frus")


def test_the_record_is_one_historical_document(sink):
    document = only(tree(sink), "t:text/t:body/t:div")
    assert (document.get("type"), document.get("subtype"), document.get("n")) == (
        "document",
        "historical-document",
        "1",
    )
    assert document.get(XML_ID) == "d1"
    assert texts(document, "t:head") == ["RECORD OF TEST TALKS1"]


def test_the_date_line_is_an_opener_with_place_and_date(sink):
    dateline = only(tree(sink), "//t:div[@type='document']/t:opener/t:dateline")
    assert texts(dateline, "t:placeName") == ["Moscow"]
    date = only(dateline, "t:date")
    assert dict(date.attrib) == {
        "when": "1973-10-08",
        "type": "conversation-or-meeting-date",
        "calendar": "gregorian",
    }


def test_a_caption_and_its_fields_are_one_list(sink):
    document = only(tree(sink), "//t:div[@type='document']")
    lists = document.xpath("t:list", namespaces=NS)
    assert [(x.get("type"), texts(x, "t:head")) for x in lists] == [
        (None, ["The talks were conducted:"]),
        ("subject", ["Subject:"]),
    ]
    assert texts(lists[0], "t:item") == [
        "From the first side – L.I. Brezhnev, A.N. Kosygin, A.A. Gromyko"
    ]
    assert texts(lists[0], "t:item/t:label") == ["From the first side"]
    # A field FRUS types ("Subject") is a list of its own even after a caption's fields.
    assert texts(lists[1], "t:item") == ["Fisheries, trade and the peace treaty3"]


def test_header_captions_take_frus_list_types():
    assert list_type("Participants") == "participants"
    assert list_type("SUBJECT ") == "subject"
    assert list_type("The talks were conducted") == ""
    assert all(t.why and t.labels for t in LIST_TYPES)
    assert len({label for t in LIST_TYPES for label in t.labels}) == sum(
        len(t.labels) for t in LIST_TYPES
    )


def test_sessions_with_headings_are_sections_and_subheadings_centred(sink):
    document = only(tree(sink), "//t:div[@type='document']")
    sections = document.xpath("t:div", namespaces=NS)
    assert [(s.get("type"), s.get("subtype")) for s in sections] == [("section", "section")] * 2
    assert texts(sections[0], "t:head") == ["Morning meeting (11:30–13:40)7"]
    assert only(sections[0], "t:head/t:time").get("from") == "11:30:00"
    # Text before the first heading stands in the document itself, before the sections.
    assert texts(document, "t:p") == ["[General Scowcroft missed part of the conversation.]"]
    assert "II. Economic Questions" in texts(sections[0], "t:p[@rend='center']")


def test_a_speakers_name_is_a_persname_pointing_to_the_persons_list(sink):
    root = tree(sink)
    persons = root.xpath(
        "t:text/t:front/t:div[@xml:id='persons']/t:list[@type='names']/t:item", namespaces=NS
    )
    ids = [p.xpath(".//t:persName/@xml:id", namespaces=NS)[0] for p in persons]
    assert ids == ["p_B_1", "p_T_1", "p_P_1"]
    turn = root.xpath("//t:p[t:persName[@corresp]]", namespaces=NS)[0]
    name = only(turn, "t:persName")
    assert (turn.text, name.text, name.get("corresp")) == ("L.I. ", "Brezhnev", "#p_B_1")
    assert element_words(turn).startswith("L.I. Brezhnev. ")
    percy = only(root, "//t:p[t:persName[@corresp='#p_P_1']]")
    assert element_words(percy).startswith("SENATOR PERCY: ")  # not "Percy": not its end


def test_no_element_frus_leaves_out(sink, kinds):
    for data in (sink, kinds):
        root = tree(data)
        for name in NOT_IN_FRUS:
            assert not root.xpath(f"//t:{name}", namespaces=NS), name


def test_notes_at_their_calls_numbered_as_frus_does(sink):
    notes = tree(sink).xpath("//t:text//t:note", namespaces=NS)
    assert [(n.get("n"), n.get(XML_ID)) for n in notes][:3] == [
        ("1", "d1fn1"),
        ("2", "d1fn2"),
        ("3", "d1fn3"),
    ]
    assert sorted(int(n.get("n")) for n in notes) == list(range(1, 9))


def test_decisions_are_segs_listed_in_the_header(kinds):
    root = tree(kinds)
    segs = root.xpath("//t:text//t:seg[@type='intervention']", namespaces=NS)
    assert [(s.get("subtype"), s.get(XML_ID), element_words(s)) for s in segs] == [
        ("emend", "c-label", "Secretary"),
        ("regularise", "c-the-annex", "the"),
        ("emend", "c-those", "those"),
        ("sic", "c-holland", "Holand"),
        ("supply", "c-the-report", "the"),
        ("emend", "c-note-fix", "the"),
        ("keep", "c-cederburg", "Cederburg"),
    ]
    deletion = only(root, "//t:anchor[@subtype='emend']")
    assert deletion.get(XML_ID) == "c-doubled"
    assert only(root, "//t:seg[@xml:id='c-holland']").get("resp") == "#resp-s-r"
    entries = root.xpath("//t:editorialDecl/t:correction/t:p[@n]", namespaces=NS)
    assert [e.get("corresp") for e in entries] == [
        f"#c-{c.id}" for c in intervention_doc().corrections
    ]
    dated = only(root, "//t:correction/t:p[@n='holland']/t:date")
    assert dated.get("when") == "2026-11-28"
    editors = root.xpath("//t:titleStmt/t:editor[@role='errata']", namespaces=NS)
    assert [(e.get(XML_ID), e.text) for e in editors] == [
        ("resp-a-b", "A. B."),
        ("resp-s-r", "S. R."),
    ]


def test_the_header_is_frus_shaped(docs, sink):
    root = tree(sink)
    assert only(root, "//t:titleStmt/t:title").get("type") == "complete"
    date = only(root, "//t:publicationStmt/t:date")
    assert (date.get("type"), date.get("when")) == ("publication-date", "2024-05-01")
    assert texts(root, "//t:sourceDesc/t:bibl/t:idno[@type='SHA-256']") == [""]
    assert not root.xpath("//t:revisionDesc|//t:profileDesc/t:particDesc", namespaces=NS)


@pytest.mark.allow_warnings  # the lone field's document calls none of its notes
def test_valid_against_frus_rnc(tmp_path, docs, sink, kinds):
    lone_field = replace(
        kitchen_sink(docs),
        header=Header(title=(Text("X"),), blocks=(Field("Place", (Text("Here"),), id="h1"),)),
    )
    variants = {
        "sink": sink,
        "kinds": kinds,
        "no-date": write_tei(kitchen_sink(docs, date="", modified=""), CTX, "frus"),
        "lone-field": write_tei(lone_field, CTX, "frus"),
        "empty": write_tei(
            Document(meta=Meta(id="e", title=""), header=Header(title=()), sessions=()),
            CTX,
            "frus",
        ),
    }
    paths = []
    for name, data in variants.items():
        path = tmp_path / f"{name}.xml"
        path.write_bytes(data)
        paths.append(path)
    assert schema_errors(paths, "frus") == []


def test_frus_rnc_rejects_the_generic_profiles_elements(tmp_path):
    path = tmp_path / "generic.xml"
    path.write_bytes(write_tei(intervention_doc(), CTX, "generic"))
    errors = " ".join(schema_errors([path], "frus"))
    for name in ("choice", "supplied", "sp"):
        assert f'element "{name}" not allowed' in errors


def test_words_read_back_are_the_editions(docs, sink, kinds):
    assert round_trip_problems(kitchen_sink(docs), sink) == ()
    assert round_trip_problems(intervention_doc(), kinds) == ()
