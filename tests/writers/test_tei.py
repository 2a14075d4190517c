"""The generic TEI profile (pipeline/writers/tei/generic.py) on documents built with model
constructors: what each node becomes, every kind of errata decision in its TEI form with who
and when, notes at their calls, validity against tei_all, the words read back, the same bytes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from pipeline.context import Context
from pipeline.model import (
    Closing,
    Correction,
    Document,
    Field,
    Header,
    Intervention,
    Meta,
    Note,
    NoteRef,
    Paragraph,
    Session,
    Subheading,
    Text,
    Time,
    Turn,
)
from pipeline.writers.epub import epub_identifier
from pipeline.writers.tei import write_tei
from pipeline.writers.tei.common import split_dateline, xsd_time
from pipeline.writers.tei.elements import TEI_NS
from pipeline.writers.tei.reading import element_words, round_trip_problems, tei_words
from pipeline.writers.tei.validate import schema_errors

NS = {"t": TEI_NS}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CTX = Context(id="test-talks", source=Path("source.txt"))


def tree(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def texts(root: etree._Element, path: str) -> list[str]:
    """The words of each element found, as a reader extracts them: notes as their numbers."""
    return [element_words(node) for node in root.xpath(path, namespaces=NS)]


def only(root: etree._Element, path: str) -> etree._Element:
    (found,) = root.xpath(path, namespaces=NS)
    return found


# --- a document with every kind of errata decision ------------------------------------------


def intervention_doc() -> Document:
    """Every kind of errata entry, one in a speaker's label and one in a note, with and
    without `by` and `date`, built as the stages leave them (`Intervention` nodes)."""

    def entry(id_: str, kind: str, reading: str, source: str, **more: object) -> Correction:
        reason = str(more.pop("reason", "typo"))
        return Correction(
            id_, source, reading, reason, kind=kind, reading=reading, source_reading=source, **more
        )

    corrections = (
        entry("label", "emend", "Secretary", "Secterary", paragraph=1, in_label=True),
        entry("the-annex", "regularise", "the", "teh", paragraph=2, category="spelling",
              reason="Obvious misspellings of common words are corrected silently."),
        entry("those", "emend", "those", "these", paragraph=2, reason="wrong word", by="A. B."),
        entry("holland", "sic", "Holand", "Holand", paragraph=3, by="S. R.", date="2026-11-28",
              reason="the translator's spelling, kept"),
        entry("the-report", "supply", "the", "", paragraph=3, reason="a missing article",
              by="S. R.", date="2026-11-28"),
        entry("doubled", "emend", "", "the", paragraph=3, reason="doubled word", date="2026-11-29"),
        entry("cederburg", "keep", "Cederburg", "Cederburg", paragraph=4,
              reason="spelled so in FRUS", note="The Representative was Elford Cederberg."),
        entry("note-fix", "emend", "the", "teh", note_number=1),
    )  # fmt: skip
    blocks = (
        Turn(
            "Secretary Kissinger",
            "Kissinger",
            (Text("Good morning to you all."),),
            number=1,
            id="p1",
            label_corrections=("label",),
        ),
        Paragraph(
            (
                Text("Please read "),
                Intervention("the-annex", "regularise", (Text("the"),)),
                Text(" annex and "),
                Intervention("those", "emend", (Text("those"),)),
                Text(" papers."),
            ),
            speaker="Kissinger",
            number=2,
            id="p2",
        ),
        Paragraph(
            (
                Text("We visited "),
                Intervention("holland", "sic", (Text("Holand"),)),
                Text(" and read "),
                Intervention("the-report", "supply", (Text("the"),)),
                Text(" the"),
                Intervention("doubled", "emend", ()),
                Text(" report."),
                NoteRef(1),
            ),
            number=3,
            id="p3",
        ),
        Turn(
            "Cederburg",
            "Cederburg",
            (Intervention("cederburg", "keep", (Text("Cederburg"),)), Text(" agrees.")),
            ":",
            number=4,
            id="p4",
        ),
    )
    return Document(
        meta=Meta(id="kinds", title="Every Kind", date="1970-05-01", modified="2026-12-01"),
        header=Header(title=(Text("RECORD OF TALKS"),), dateline=(Text("Moscow, 1 May 1970"),)),
        sessions=(Session((Text("Meeting (10:00)"),), blocks, Time("10:00"), id="s1"),),
        notes=(
            Note(
                1,
                (
                    (
                        Text("A note with "),
                        Intervention("note-fix", "emend", (Text("the"),)),
                        Text(" fix."),
                    ),
                ),
                id="note-1",
            ),
        ),
        corrections=corrections,
        regularisation_classes=(
            ("spelling", "Obvious misspellings of common words are corrected silently."),
        ),
        source_sha256="ab" * 32,
    )


def kitchen_sink(docs, **meta: object) -> Document:
    """The writers' kitchen sink with a source line for each session heading, as parsed
    documents have: `audit.expected_words` tells sessions apart by their line."""
    doc = docs.kitchen_sink(**meta)
    sessions = tuple(replace(s, line=10 * i) for i, s in enumerate(doc.sessions, start=1))
    return replace(doc, sessions=sessions)


@pytest.fixture(scope="module")
def sink(docs) -> bytes:
    return write_tei(kitchen_sink(docs), CTX)


@pytest.fixture(scope="module")
def kinds() -> bytes:
    return write_tei(intervention_doc(), CTX)


# --- the text ------------------------------------------------------------------------------


def test_title_date_line_and_header_fields_are_front_matter(sink):
    root = tree(sink)
    front = only(root, "t:text/t:front")
    assert texts(front, "t:titlePage/t:docTitle/t:titlePart") == ["RECORD OF TEST TALKS1"]
    date = only(front, "t:dateline/t:date")
    assert (date.get("when"), date.text) == ("1973-10-08", "8 October 1973")
    assert texts(front, "t:dateline/t:placeName") == ["Moscow"]
    fields = texts(front, "t:div[@type='header']/t:p")
    assert fields == [
        "The talks were conducted:",
        "From the first side – L.I. Brezhnev, A.N. Kosygin, A.A. Gromyko",
        "Subject: Fisheries, trade and the peace treaty3",
    ]
    assert texts(front, "t:div[@type='header']/t:p/t:label")[0] == "The talks were conducted"


def test_one_division_per_session_with_its_heading_and_hours(sink):
    root = tree(sink)
    sessions = root.xpath("t:text/t:body/t:div[@type='session']", namespaces=NS)
    assert [s.get(XML_ID) for s in sessions] == ["s0", "s1", "s2"]
    assert sessions[0].find(f"{{{TEI_NS}}}head") is None  # text before the first heading
    time = only(sessions[1], "t:head/t:time")
    assert (time.get("from"), time.get("to"), time.text) == ("11:30:00", "13:40:00", "11:30–13:40")
    # "Evening meeting" does not spell its hours: the editions add them, and so does the TEI.
    head = only(sessions[2], "t:head")
    assert "".join(head.itertext()) == "Evening meeting (16:00–19:10)"
    assert only(head, "t:time").get("from") == "16:00:00"


def test_a_turn_is_an_sp_that_the_speakers_next_paragraphs_join(sink):
    root = tree(sink)
    session = only(root, "//t:div[@xml:id='s1']")
    speeches = session.xpath("t:sp", namespaces=NS)
    assert [s.get("who") for s in speeches] == ["#sp-brezhnev", "#sp-tanaka"]
    tanaka = speeches[1]
    assert texts(tanaka, "t:speaker") == ["Tanaka."]
    assert len(tanaka.xpath("t:p", namespaces=NS)) == 9  # the turn and its 8 continuations
    person = only(root, "//t:listPerson/t:person[@xml:id='sp-brezhnev']")
    assert texts(person, "t:persName") == ["Brezhnev", "L.I. Brezhnev"]


def test_a_subheading_opens_a_nested_division(sink):
    root = tree(sink)
    sub = only(root, "//t:div[@xml:id='s1']/t:div[@type='subsection']")
    assert texts(sub, "t:head") == ["II. Economic Questions"]
    percy = only(sub, "t:sp")
    assert (percy.get("who"), texts(percy, "t:speaker")) == ("#sp-percy", ["SENATOR PERCY:"])


def test_omission_closing_and_editorial_brackets(sink):
    root = tree(sink)
    omission = only(root, "//t:p[t:gap]")
    assert omission.get("n") is None  # the kitchen sink's blocks carry no numbers
    assert only(omission, "t:gap").get("reason") == "editorial"
    assert texts(omission, "t:seg[@type='editorial']") == ["[…]"]
    assert only(omission, "t:note").get("n") == "5"
    closer = only(root, "//t:div[@xml:id='s2']/*[last()]")
    assert etree.QName(closer).localname == "closer"
    assert "".join(closer.itertext()) == "Recorded by: N.N. Solov’ev."
    assert "[General Scowcroft missed part of the conversation.]" in texts(
        root, "//t:seg[@type='editorial']"
    )


def test_notes_stand_at_their_calls_each_once(sink):
    root = tree(sink)
    notes = root.xpath("//t:text//t:note", namespaces=NS)
    # In reading order: title, date line, header, the first heading (7), then the body.
    assert [n.get("n") for n in notes] == ["1", "2", "3", "7", "4", "5", "6", "8"]
    assert {n.get("place") for n in notes} == {"foot"}
    assert etree.QName(notes[0].getparent()).localname == "titlePart"
    two = only(root, "//t:note[@n='6']")
    assert texts(two, "t:p") == [
        "The first paragraph of a note in two paragraphs.",
        "The second paragraph of the same note, which must follow it.",
    ]


def test_paragraph_numbers_are_the_editions(kinds):
    root = tree(kinds)
    assert [p.get("n") for p in root.xpath("//t:body//t:p", namespaces=NS)] == list("1234")


# --- errata decisions ----------------------------------------------------------------------


def test_each_kind_of_decision_in_its_tei_form(kinds):
    root = tree(kinds)
    emend = only(root, "//t:choice[@xml:id='c-those']")
    assert texts(emend, "t:sic") == ["these"] and texts(emend, "t:corr") == ["those"]
    assert only(emend, "t:corr").get("resp") == "#resp-a-b"
    regularised = only(root, "//t:choice[@xml:id='c-the-annex']")
    assert texts(regularised, "t:orig") == ["teh"]
    reg = only(regularised, "t:reg")
    assert (reg.text, reg.get("type"), reg.get("ana")) == ("the", "spelling", "#reg-spelling")
    supplied = only(root, "//t:supplied[@xml:id='c-the-report']")
    assert supplied.text == "the"
    assert (supplied.get("resp"), supplied.get("change")) == ("#resp-s-r", "#errata-2026-11-28")
    kept_error = only(root, "//t:sic[@xml:id='c-holland']")
    assert kept_error.getparent().tag != f"{{{TEI_NS}}}choice" and kept_error.text == "Holand"
    kept = only(root, "//t:orig[@xml:id='c-cederburg']")
    assert kept.text == "Cederburg"
    deleted = only(root, "//t:choice[@xml:id='c-doubled']")
    assert texts(deleted, "t:sic") == ["the"] and texts(deleted, "t:corr") == [""]
    assert only(deleted, "t:corr").get("change") == "#errata-2026-11-29"


def test_corrections_in_a_label_and_in_a_note_are_marked_there(kinds):
    root = tree(kinds)
    speaker = only(root, "//t:speaker[t:choice]")
    assert "".join(speaker.itertext()).startswith("SecterarySecretary Kissinger")
    assert texts(speaker, "t:choice/t:corr") == ["Secretary"]
    note = only(root, "//t:note[@n='1']")
    assert texts(note, "t:choice/t:corr") == ["the"]


def test_who_and_when_are_declared_in_the_header(kinds):
    root = tree(kinds)
    people = root.xpath("//t:editionStmt/t:respStmt", namespaces=NS)
    assert [(p.get(XML_ID), texts(p, "t:name")) for p in people] == [
        ("resp-a-b", ["A. B."]),
        ("resp-s-r", ["S. R."]),
    ]
    changes = root.xpath("//t:revisionDesc/t:change[@xml:id]", namespaces=NS)
    assert [(c.get(XML_ID), c.get("when"), c.get("who")) for c in changes] == [
        ("errata-2026-11-28", "2026-11-28", "#resp-s-r"),
        ("errata-2026-11-29", "2026-11-29", None),
    ]
    category = only(root, "//t:classDecl/t:taxonomy/t:category")
    assert category.get(XML_ID) == "reg-spelling"


def test_the_header_lists_every_decision_pointing_at_its_mark(kinds):
    root = tree(kinds)
    entries = root.xpath("//t:editorialDecl/t:correction/t:p[@n]", namespaces=NS)
    assert [e.get("n") for e in entries] == [c.id for c in intervention_doc().corrections]
    ids = set(root.xpath("//@xml:id"))
    assert all(e.get("corresp")[1:] in ids for e in entries)
    by_id = {e.get("n"): "".join(e.itertext()) for e in entries}
    assert (
        by_id["those"]
        == "¶\u00a02: “those” for the source’s “these” (wrong word). Decided by A. B."
    )
    assert by_id["doubled"].startswith("¶\u00a03: the source’s “the” deleted (doubled word).")
    assert "The Representative was Elford Cederberg." in by_id["cederburg"]
    assert by_id["note-fix"].startswith("note 1: ")


def test_the_policy_says_how_each_kind_used_is_marked(kinds, sink):
    policy = texts(tree(kinds), "//t:correction/t:p[not(@n)]")[1]
    for phrase in ("corr", "reg", "supplied", "as sic", "as orig"):
        assert phrase in policy
    sink_policy = texts(tree(sink), "//t:correction/t:p[not(@n)]")[1]
    assert "supplied" not in sink_policy and "corr" in sink_policy


# --- the header ----------------------------------------------------------------------------


def test_header_has_identifier_dates_source_and_typography(docs, sink):
    root = tree(sink)
    meta = docs.kitchen_sink().meta
    assert texts(root, "//t:publicationStmt/t:idno[@type='URI']") == [epub_identifier(meta)]
    assert only(root, "//t:publicationStmt/t:date").get("when") == "2024-05-01"
    assert only(root, "//t:profileDesc/t:creation/t:date").get("when") == "1973-10-08"
    assert texts(root, "//t:titleStmt/t:author") == ["Ministry of Foreign Affairs"]
    assert texts(root, "//t:titleStmt/t:respStmt/t:resp") == ["translated by"]
    rules = root.xpath("//t:normalization//t:item", namespaces=NS)
    assert [(r.get("n"), r.text) for r in rules] == [
        ("dash", "dash: number ranges take an en dash (2)"),
        ("quotes", "quotes: quotation marks are curly (0)"),
    ]
    languages = root.xpath("//t:langUsage/t:language/@ident", namespaces=NS)
    assert languages == ["en-GB"]


def test_source_file_and_its_checksum(kinds):
    root = tree(kinds)
    transcription = only(root, "//t:sourceDesc/t:bibl[@type='transcription']")
    assert texts(transcription, "t:title") == ["source.txt"]
    assert texts(transcription, "t:idno[@type='SHA-256']") == ["ab" * 32]


# --- values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "value"),
    [
        ("11:30", "11:30:00"),
        ("11.30", "11:30:00"),
        ("08:30", "08:30:00"),
        ("6 p.m.", "18:00:00"),
        ("6\u00a0p.m.", "18:00:00"),
        ("12 p.m.", "12:00:00"),
        ("12 a.m.", "00:00:00"),
        ("1:15pm", "13:15:00"),
        ("15 hrs", "15:00:00"),
        ("25:00", ""),
        ("13 p.m.", ""),
        ("noon", ""),
    ],
)
def test_clock_times_in_xml_schema_form(clock, value):
    assert xsd_time(clock) == value


@pytest.mark.parametrize(
    ("line", "place", "date"),
    [
        ("Washington, April 23, 1974", "Washington", "April 23, 1974"),
        ("8 October 1973", "", "8 October 1973"),
        ("Glassboro, New Jersey, June 23–25, 1967", "Glassboro, New Jersey", "June 23–25, 1967"),
        ("New York, December 21, 1974", "New York", "December 21, 1974"),
    ],
)
def test_a_date_line_divides_into_place_and_date(line, place, date):
    parts = split_dateline((Text(line),))
    assert parts is not None and (parts.place, parts.date) == (place, date)


def test_a_date_line_without_a_digit_has_no_date():
    assert split_dateline((Text("Somewhere, undated"),)) is None


def test_unknown_date_of_the_talks_writes_no_date_element(docs):
    doc = docs.kitchen_sink(date="")
    root = tree(write_tei(doc, CTX))
    assert not root.xpath("//t:dateline/t:date", namespaces=NS)
    assert texts(root, "//t:dateline") == ["Moscow, 8 October 19732"]


def test_a_start_time_alone_is_when():
    doc = intervention_doc()
    assert only(tree(write_tei(doc, CTX)), "//t:head/t:time").get("when") == "10:00:00"


# --- robustness ----------------------------------------------------------------------------


@pytest.mark.allow_warnings
def test_a_note_never_called_goes_to_the_back(docs, caplog):
    doc = docs.kitchen_sink()
    doc = replace(doc, notes=(*doc.notes, Note(9, ((Text("Stray note."),),), id="fn9")))
    root = tree(write_tei(doc, CTX))
    assert texts(root, "t:text/t:back/t:div/t:note[@n='9']") == ["Stray note."]
    assert "note 9 is never called" in caplog.text


def test_a_second_call_points_at_the_note(docs):
    doc = docs.kitchen_sink()
    first, second = doc.sessions[1], doc.sessions[2]
    turn = replace(second.blocks[0], content=(*second.blocks[0].content, NoteRef(4)))
    doc = replace(
        doc, sessions=(doc.sessions[0], first, replace(second, blocks=(turn, *second.blocks[1:])))
    )
    root = tree(write_tei(doc, CTX))
    assert len(root.xpath("//t:note[@n='4']", namespaces=NS)) == 1
    ref = only(root, "//t:ref[@type='noteref']")
    assert (ref.get("n"), ref.get("target")) == ("4", "#fn4")


@pytest.mark.allow_warnings
def test_an_intervention_without_its_entry_keeps_its_words(caplog):
    doc = intervention_doc()
    doc = replace(doc, corrections=tuple(c for c in doc.corrections if c.id != "those"))
    root = tree(write_tei(doc, CTX))
    assert "Please read" in texts(root, "//t:p[@n='2']")[0]
    assert "papers." in texts(root, "//t:p[@n='2']")[0]
    assert not root.xpath("//*[@xml:id='c-those']")
    assert "'those' has no errata entry" in caplog.text


def test_ids_that_are_not_names_are_replaced(docs):
    doc = docs.kitchen_sink()
    session = replace(doc.sessions[1], id="1 bad id")
    doc = replace(doc, sessions=(doc.sessions[0], session, doc.sessions[2]))
    root = tree(write_tei(doc, CTX))
    ids = root.xpath("//@xml:id")
    assert len(ids) == len(set(ids)) and "1 bad id" not in ids


# --- the file ------------------------------------------------------------------------------


@pytest.mark.allow_warnings  # model-built documents with notes never called: the writer says so
def test_valid_against_tei_all(tmp_path, docs, sink, kinds):
    variants = {
        "sink": sink,
        "kinds": kinds,
        "no-date": write_tei(
            docs.kitchen_sink(date="", modified="", subtitle="", language=""), CTX
        ),
        "empty": write_tei(
            Document(meta=Meta(id="empty", title=""), header=Header(title=()), sessions=()), CTX
        ),
        "closing-inside": write_tei(
            replace(
                docs.kitchen_sink(),
                sessions=(
                    Session(
                        (),
                        (
                            Closing((Text("Drafted by: X."),), id="c1"),
                            Paragraph((Text("More."),), id="c2"),
                            Subheading((Text("III."),), id="c3"),
                            Field("Time", (Text("noon"),), id="c4"),
                        ),
                        id="s9",
                    ),
                ),
            ),
            CTX,
        ),
    }
    paths = []
    for name, data in variants.items():
        path = tmp_path / f"{name}.xml"
        path.write_bytes(data)
        paths.append(path)
    assert schema_errors(paths, "generic") == []


def test_the_validator_rejects_what_tei_all_does_not_allow(tmp_path, kinds):
    path = tmp_path / "broken.xml"
    path.write_bytes(kinds.replace(b"<speaker>", b"<speaker><sp/>", 1))
    errors = schema_errors([path], "generic")
    assert errors and "sp" in errors[0]


def test_the_jing_wrappers_notes_on_missing_jars_are_not_complaints(tmp_path, monkeypatch):
    # Debian's /usr/bin/jing warns of optional jars it did not find; which ones depends on
    # the machine (a fresh one lacks xml-apis.jar), and the notes say nothing of the files.
    fake = tmp_path / "bin" / "jing"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        "echo '[warning] /usr/bin/jing: Unable to locate xml-apis in /usr/share/java' >&2\n"
        "echo '/tmp/x.xml:3:7: error: element \"sp\" not allowed here' \n"
        "exit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    assert schema_errors([tmp_path / "x.xml"], "generic") == [
        '/tmp/x.xml:3:7: error: element "sp" not allowed here'
    ]


def test_words_read_back_are_the_editions(docs, sink, kinds):
    assert round_trip_problems(kitchen_sink(docs), sink) == ()
    assert round_trip_problems(intervention_doc(), kinds) == ()
    words = tei_words(kinds).body
    assert "Holand" in words and "⟨sic⟩" not in words
    assert words[words.index("Please") : words.index("Please") + 6] == [
        "Please", "read", "the", "annex", "and", "those",
    ]  # fmt: skip


def test_a_changed_word_is_a_round_trip_problem(kinds):
    changed = kinds.replace(b" annex and ", b" appendix and ", 1)
    problems = round_trip_problems(intervention_doc(), changed)
    assert problems and "'annex' → 'appendix'" in problems[0]


def test_same_bytes_every_time(docs):
    first = write_tei(docs.kitchen_sink(), CTX)
    assert write_tei(docs.kitchen_sink(), CTX) == first
    assert (
        write_tei(docs.kitchen_sink(), Context(id="x", source=Path("/elsewhere/source.txt")))
        == first
    )
