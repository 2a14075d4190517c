"""stages/parse.py on one small fixture per variant of the Word-export family.

Fixtures are written as the export lays them out (see conftest.export), then cleaned, so each
test reads like the file an archive would send.
"""

import pytest

from pipeline.errors import PipelineError
from pipeline.model import (
    Closing,
    Editorial,
    Field,
    NoteRef,
    Omission,
    Paragraph,
    Subheading,
    Text,
    Turn,
    inline_text,
    speakers,
)
from pipeline.stages.clean import clean
from pipeline.stages.parse import iso_date, parse
from tests.conftest import export

# The header is the evidence that a bare name is a person ("Tanaka." is a speaker).
PARTICIPANTS = "Participants: L.I. Brezhnev, K. Tanaka, E. Gierek, Chou En-lai"


def read(text, **kwargs):
    return parse(clean(text), **kwargs)


def blocks(doc):
    return [b for s in doc.sessions for b in s.blocks]


def headings(doc):
    return [inline_text(s.heading) for s in doc.sessions if s.heading]


def test_header_title_date_and_fields():
    doc = read(
        export(
            "Moscow, 9 October 1973{1}",
            "The talks were conducted:",
            "From the Soviet side – L.I. Brezhnev, A.N. Kosygin",
            "Subject: Fisheries",
            "[…]{2}",
            "Morning meeting (11:30-13:40)",
            "Brezhnev. Welcome.",
            notes=("Not reviewed.", "List omitted."),
            title="RECORD OF TALKS",
        )
    )
    assert doc.meta.source_title == "RECORD OF TALKS"
    assert doc.meta.date == "1973-10-09"
    assert doc.header.dateline == (Text("Moscow, 9 October 1973"), NoteRef(1))
    fields = doc.header.blocks
    assert [type(b) for b in fields] == [Field, Field, Field, Omission]
    assert (fields[1].label, fields[1].separator) == ("From the Soviet side", "–")
    assert (fields[2].label, inline_text(fields[2].content)) == ("Subject", "Fisheries")
    assert fields[3].content == (Editorial("…"), NoteRef(2))


def test_title_in_two_capitals_lines_is_one_title():
    doc = read(export("BETWEEN X AND Y", "1 May 1970", "X. Hello.", title="RECORD OF CONVERSATION"))
    assert doc.meta.source_title == "RECORD OF CONVERSATION BETWEEN X AND Y"


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("Morning meeting (11:30-13:40)", "11:30", "13:40"),
        ("Meeting in the Oval Office (11:00-12:40)", "11:00", "12:40"),
        ("Luncheon at the Department of State (13:15)", "13:15", ""),
        ("Moscow, 9 October 1973, Kremlin (10:00–11:15)", "10:00", "11:15"),
        ("Second session", None, None),
        ("Evening meeting (7-9:30 p.m.)", "7", "9:30 p.m."),
    ],
)
def test_session_heading_variants(line, start, end):
    doc = read(export("1 May 1970", line + " ", "Tanaka. We agree.", "X. Y."))
    assert headings(doc) == [line]
    time = doc.sessions[0].time
    assert (time.start, time.end) == (start, end) if start else time is None


def test_heading_with_a_note_call_and_a_place_and_date_heading():
    doc = read(
        export(
            "1 May 1970",
            "Luncheon at the Department of State (13:15){1}",
            "Kissinger. Welcome.",
            "Moscow, 2 May 1970",
            "Kissinger. Again.",
            notes=("Source note.",),
        )
    )
    assert headings(doc) == ["Luncheon at the Department of State (13:15)", "Moscow, 2 May 1970"]
    assert doc.sessions[0].heading[-1] == NoteRef(1)


@pytest.mark.parametrize(
    ("line", "label", "speaker", "punctuation", "rest"),
    [
        (
            "L.I. Brezhnev. That’s not our fault.",
            "L.I. Brezhnev",
            "Brezhnev",
            ".",
            "That’s not our fault.",
        ),
        ("Tanaka. First of all.", "Tanaka", "Tanaka", ".", "First of all."),
        ("The Secretary. “Well, yes.”", "The Secretary", "Secretary", ".", "“Well, yes.”"),
        (
            "Foreign Minister Tack. “To celebrate?”",
            "Foreign Minister Tack",
            "Tack",
            ".",
            "“To celebrate?”",
        ),
        ("SENATOR PERCY. I hope not.", "SENATOR PERCY", "Percy", ".", "I hope not."),
        ("Gierek: We think so.", "Gierek", "Gierek", ":", "We think so."),
        ("Dr. Kissinger. Indeed.", "Dr. Kissinger", "Kissinger", ".", "Indeed."),
        (
            "Minister of Foreign Affairs M. Ohira. Yes.",
            "Minister of Foreign Affairs M. Ohira",
            "Ohira",
            ".",
            "Yes.",
        ),
        ("Brezhnev (laughing). No.", "Brezhnev (laughing)", "Brezhnev", ".", "No."),
        (
            "The Secretary. (To Ambassador Bunker) “A disgrace!”",
            "The Secretary",
            "Secretary",
            ".",
            "(To Ambassador Bunker) “A disgrace!”",
        ),
    ],
)
def test_speaker_label_variants(line, label, speaker, punctuation, rest):
    doc = read(export("1 May 1970", PARTICIPANTS, "Meeting (10:00)", line, "Brezhnev. End."))
    turn = blocks(doc)[0]
    assert isinstance(turn, Turn)
    assert (turn.label, turn.speaker, turn.punctuation) == (label, speaker, punctuation)
    assert inline_text(turn.content) == rest


@pytest.mark.parametrize(
    "line",
    [
        "L.I. Brezhnev thanks K. Tanaka.",  # narrative about a speaker
        "Yes. I agree with that.",  # a sentence, not a label
        "Thank You. We are grateful.",
        "U.S. relations are good.",
        "Mr. Secretary, I must say this.",
        "Latin American Foreign Ministers, disturbed, asked.",
        "17 years ago Prime Minister [Ichiro] Hatoyama visited.",
    ],
)
def test_lines_that_only_look_like_turns_are_paragraphs(line):
    doc = read(export("1 May 1970", "Meeting (10:00)", "Brezhnev. Hello.", line, "Tanaka. Bye."))
    block = blocks(doc)[1]
    assert isinstance(block, Paragraph), block


def test_continuation_and_narrative_paragraphs():
    doc = read(
        export(
            "1 May 1970",
            PARTICIPANTS,
            "Meeting (10:00)",
            "At the start Prime Minister Tanaka speaks.",
            "L.I. Brezhnev thanks K. Tanaka.",
            "Tanaka. First of all.",
            "I was born in Niigata.",
            "(Laughter)",
            "L.I. Brezhnev. That is so.",
        )
    )
    kinds = [(type(b).__name__, getattr(b, "speaker", None)) for b in blocks(doc)]
    assert kinds == [
        ("Paragraph", None),
        ("Paragraph", None),
        ("Turn", "Tanaka"),
        ("Paragraph", "Tanaka"),
        ("Paragraph", None),
        ("Turn", "Brezhnev"),
    ]


def test_headings_inside_the_text_that_look_like_labels():
    doc = read(
        export(
            "1 May 1970",
            "Meeting in the office (18:00-18:30)",
            "I. BACKGROUND",
            "Latin American ministers raised the issue.",
            "II.",
            "The Secretary. “Well.”",
        )
    )
    kinds = [type(b) for b in blocks(doc)]
    assert kinds == [Subheading, Paragraph, Subheading, Turn]
    assert speakers(doc) == ("The Secretary",)


def test_editorial_brackets_survive_untouched():
    doc = read(
        export(
            "1 May 1970",
            "Meeting (10:00)",
            "Tanaka. Prime Minister [Ichiro] Hatoyama [and] the Monroe doctrine [sic]"
            " [note in the original – SR] [Gonzalez-Revilla ] […]",
            "[General Scowcroft missed part of the conversation.]",
        )
    )
    turn, aside = blocks(doc)
    assert [n.text for n in turn.content if isinstance(n, Editorial)] == [
        "Ichiro",
        "and",
        "sic",
        "note in the original – SR",
        "Gonzalez-Revilla ",
        "…",
    ]
    assert aside.content == (Editorial("General Scowcroft missed part of the conversation."),)
    assert aside.speaker is None


def test_omissions_as_paragraphs_and_at_paragraph_ends():
    doc = read(
        export(
            "1 May 1970",
            "Meeting (10:00)",
            "Tanaka. There are questions. […]{1}",
            "[…]{2}",
            "Tanaka. More.",
            notes=("Omitted: fish.", "Omitted: gas."),
        )
    )
    first, omission, _ = blocks(doc)
    assert first.content[-2:] == (Editorial("…"), NoteRef(1))
    assert isinstance(omission, Omission) and omission.content == (Editorial("…"), NoteRef(2))


def test_closing_line_in_the_middle_of_two_joined_records():
    doc = read(
        export(
            "1 May 1970",
            "Morning meeting (10:00-11:00)",
            "Tanaka. Hello.",
            "Recorded by: N.N. Solov’ev.",
            "Evening meeting (19:00-21:30)",
            "Tanaka. Again.",
            "Drafted by S. Morey Bell",
        )
    )
    assert headings(doc) == ["Morning meeting (10:00-11:00)", "Evening meeting (19:00-21:30)"]
    assert isinstance(doc.sessions[0].blocks[-1], Closing)
    assert isinstance(doc.sessions[1].blocks[-1], Closing)


def test_notes_several_calls_side_by_side_and_multi_paragraph_bodies():
    text = export(
        "1 May 1970",
        "Meeting (10:00)",
        "Tanaka. Yes.{1}{2}",
        notes=("First note.", "Second note."),
    )
    text = text.replace("Second note. ", "Second note.\nIts second paragraph.")
    doc = read(text)
    assert blocks(doc)[0].content[-2:] == (NoteRef(1), NoteRef(2))
    assert [n.number for n in doc.notes] == [1, 2]
    assert [inline_text(p) for p in doc.notes[1].paragraphs] == [
        "Second note.",
        "Its second paragraph.",
    ]


@pytest.mark.parametrize(
    ("paragraphs", "notes", "message", "line"),
    [
        (
            ("Tanaka. Yes.{1}", "Tanaka. No.[bookmark: _ftn_GoBack1][2]"),
            ("One.",),
            "note 2 is called here but has no body",
            8,
        ),
        (("Tanaka. Yes.{1}",), ("One.", "Two."), "note 2 has a body but is never called", 9),
        (
            ("Tanaka. Yes.{1}", "Tanaka. No.{1}"),
            ("One.",),
            r"note 1 is called twice \(also at line 6\)",
            8,
        ),
    ],
)
def test_note_mismatches_are_errors_naming_both_lines(paragraphs, notes, message, line):
    text = export("1 May 1970", "Meeting (10:00)", *paragraphs, notes=notes)
    with pytest.raises(PipelineError, match=message) as caught:
        read(text, path="r.txt")
    assert caught.value.line == line


def test_a_note_body_given_twice_is_an_error():
    text = export("1 May 1970", "Meeting (10:00)", "Tanaka. Yes.{1}", notes=("One.",))
    text = text.replace(
        "[bookmark: _ftn0][1] One. ", "[bookmark: _ftn0][1] One.\n[bookmark: _ftn0][1] Again."
    )
    with pytest.raises(PipelineError, match="note 1 has a second body"):
        read(text)


def test_parse_hints_decide_what_heuristics_cannot():
    from pipeline.context import ParseHints

    text = export("1 May 1970", "The beginning", "Yes. I open the talks.", "Yes. I close them.")
    hints = ParseHints(headings=("The beginning",), speakers=("Yes",))
    doc = read(text, hints=hints)
    assert headings(doc) == ["The beginning"] and speakers(doc) == ("Yes",)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("8 October 1973", "1973-10-08"),
        ("Washington, April 23, 1974", "1974-04-23"),
        ("Moscow, 9 Oct. 1973", "1973-10-09"),
        ("October 8-9, 1974", "1974-10-08"),
        ("1975-01-02", "1975-01-02"),
        ("no date here", ""),
    ],
)
def test_iso_date(text, iso):
    assert iso_date(text) == iso


def test_a_source_with_no_text_is_an_error():
    with pytest.raises(PipelineError, match="no text"):
        read("\u00a0\n \n")


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("MR. KISSINGER. We agree.", "MR. KISSINGER"),
        ("Mr. Kissinger: Yes, indeed.", "Mr. Kissinger"),
        ("THE PRESIDENT: Welcome.", "THE PRESIDENT"),
        ("Chou En-lai. The Chinese people.", "Chou En-lai"),
        ("Secretary Rogers. Thank you.", "Secretary Rogers"),
    ],
)
def test_more_label_shapes_of_the_family(line, label):
    doc = read(export("1 May 1970", PARTICIPANTS, "Meeting (10:00)", line, "Brezhnev. End."))
    assert isinstance(blocks(doc)[0], Turn) and blocks(doc)[0].label == label


def test_a_lone_word_with_a_full_stop_is_not_a_turn():
    doc = read(export("1 May 1970", "Meeting (10:00)", "Brezhnev. Yes.", "Fisheries.", "X. Y."))
    assert isinstance(blocks(doc)[1], Paragraph)


def test_a_sentence_ends_the_header_even_without_a_heading():
    doc = read(
        export(
            "1 May 1970",
            "Participants:",
            "President Ford",
            "The President opened the meeting at ten o’clock.",
            "Ford. Welcome.",
        )
    )
    assert [type(b) for b in doc.header.blocks] == [Field, Paragraph]
    assert [type(b) for b in blocks(doc)] == [Paragraph, Turn]


def test_topic_lead_ins_of_a_summary_memorandum_are_not_speakers():
    doc = read(
        export(
            "1 May 1970",
            "Subject: Okinawa; Textiles",
            "Participants: Prime Minister Sato; The President",
            "Meeting (10:00)",
            "Okinawa. The Prime Minister said that reversion was the first question.",
            "Textiles. The President raised the question of textiles.",
            "General Discussion. Both sides reviewed the state of relations.",
            "Foreign Policy. The Prime Minister described his talks in Peking.",
            "Sato. We shall study it.",
            "Sato. Agreed.",
        )
    )
    kinds = [(type(b).__name__, getattr(b, "label", None)) for b in blocks(doc)]
    assert kinds == [("Paragraph", None)] * 4 + [("Turn", "Sato"), ("Turn", "Sato")]


def test_a_bare_name_that_recurs_is_a_speaker_without_the_header():
    doc = read(export("1 May 1970", "Meeting (10:00)", "Frelek. Yes, indeed.", "Frelek. No."))
    assert speakers(doc) == ("Frelek",)


def test_a_note_call_on_a_caption_line_is_kept():
    doc = read(export("1 May 1970", "Participants:{1}", "Ford – the President", "Ford. Hi.",
                      notes=("Others omitted.",)))  # fmt: skip
    caption = doc.header.blocks[0]
    assert (caption.label, caption.content) == ("Participants", (NoteRef(1),))


# --- records the parser had not seen (#14 §1) ---------------------------------------------------


def test_issue_14_a_short_line_alone_before_the_first_turn_is_the_first_heading():
    doc = read(
        export(
            "Riyadh, February 15, 1975",
            "Participants:",
            "United States – Secretary Kissinger; Ambassador Akins",
            "Blair House (Secretary’s Suite)",
            "Secretary. Welcome.",
            "Akins. Thank you.",
        )
    )
    assert headings(doc) == ["Blair House (Secretary’s Suite)"]
    assert doc.sessions[0].time is None
    assert [type(b) for b in doc.header.blocks] == [Field, Field]


@pytest.mark.parametrize(
    "after",
    [
        "The Secretary opened the meeting by thanking the ambassadors for coming.",  # prose
        "I. BACKGROUND",  # a numbered section
        "[General Scowcroft missed part of the conversation.]",  # an editor's aside
        "Drafted by: S. Morey Bell.",  # a closing, nothing else
    ],
)
def test_issue_14_the_first_heading_before_any_kind_of_body_text(after):
    doc = read(export("1 May 1970", "Subject: Oil", "Jidda", after))
    assert headings(doc) == ["Jidda"]
    assert [b.label for b in doc.header.blocks] == ["Subject"]


def test_issue_14_a_line_inside_a_header_block_is_not_a_heading():
    # No separator line between the two participant lines: one block of the header.
    doc = read(export("1 May 1970", "Participants:", "Panama – Tack\nUnited States", "Tack. Hi."))
    assert headings(doc) == []
    assert [inline_text(b.content) for b in doc.header.blocks][-1] == "United States"


def test_issue_14_edition_toml_headings_turn_the_position_rule_off():
    from pipeline.context import ParseHints

    text = export("1 May 1970", "Subject: Oil", "Jidda", "Evening", "Tanaka. Yes.")
    doc = read(text, hints=ParseHints(headings=("Evening",)))
    assert headings(doc) == ["Evening"]


def test_issue_14_a_meeting_with_a_parenthesis_that_is_not_a_time_later_in_the_text():
    doc = read(
        export(
            "1 May 1970",
            "Meeting (10:00)",
            "Tanaka. Yes.",
            "Luncheon at the Akasaka Palace, Tokyo (State Dining Room)",
            "Tanaka. Again.",
        )
    )
    assert headings(doc) == [
        "Meeting (10:00)",
        "Luncheon at the Akasaka Palace, Tokyo (State Dining Room)",
    ]


def test_issue_14_captions_under_a_heading_are_not_sessions_but_hours_are():
    doc = read(
        export(
            "1 May 1970",
            "Maison Fleur d’Eau (10:20-11:20)",
            "MEETINGS IN GENEVA November, 1985",
            "First Private Meeting",
            "The President began by saying that this was their first meeting.",
            "Plenary Meeting (11:30-12:40)",
            "Second Plenary Meeting (15:00)",
            "The President opened the second meeting.",
        )
    )
    assert headings(doc) == [
        "Maison Fleur d’Eau (10:20-11:20)",
        "Plenary Meeting (11:30-12:40)",
        "Second Plenary Meeting (15:00)",
    ]
    assert [type(b) for b in doc.sessions[0].blocks] == [Subheading, Subheading, Paragraph]


@pytest.mark.parametrize(
    ("line", "label", "speaker"),
    [
        ("Secretary to Ambassador Akins. Are you talking to them?", "Secretary to Ambassador Akins",
         "Secretary"),
        ("The Minister (Bouteflika). People would have said so.", "The Minister (Bouteflika)",
         "Bouteflika"),
        ("Min. Bouteflika. I had fully intended to study English.", "Min. Bouteflika",
         "Bouteflika"),
        ("Amb. Buffum. I think we can work it out.", "Amb. Buffum", "Buffum"),
        ("Gen. Scowcroft. The aircraft are ready.", "Gen. Scowcroft", "Scowcroft"),
        ("A Senator: Where is China? Better than France?", "A Senator", "Senator"),
        ("H.E. Juan Tack. We are grateful.", "H.E. Juan Tack", "Tack"),
    ],
)  # fmt: skip
def test_issue_14_label_shapes_of_unseen_records(line, label, speaker):
    # No participants line: each label must be believed on its own shape.
    doc = read(export("1 May 1970", "Meeting (10:00)", "Tanaka. Hello.", line, "Tanaka. Bye."))
    turn = blocks(doc)[1]
    assert isinstance(turn, Turn), turn
    assert (turn.label, turn.speaker) == (label, speaker)


@pytest.mark.parametrize(
    "line",
    [
        "Welcome to Moscow. It is a pleasure to see you here.",  # "to" after a sentence word
        "Textiles. The President raised the question of textile quotas.",  # narrative rest
        "Hyland: Do we know when?",  # a colon among full-stop labels
    ],
)
def test_issue_14_lines_between_turns_that_are_still_paragraphs(line):
    doc = read(export("1 May 1970", "Meeting (10:00)", "Tanaka. Hello.", line, "Tanaka. Bye."))
    assert isinstance(blocks(doc)[1], Paragraph), blocks(doc)[1]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Answers. None.", "Answers"),  # a short reply
        ("Cederburg. Any thought to sending the Secretary of Defense?", "Cederburg"),
        ("Hyland. We have looked at that already and we see no problem.", "Hyland"),
    ],
)
def test_issue_14_a_bare_surname_between_two_turns_speaks_once(line, label):
    doc = read(export("1 May 1970", "Meeting (10:00)", "Tanaka. Hello.", line, "Tanaka. Bye."))
    assert isinstance(blocks(doc)[1], Turn) and blocks(doc)[1].label == label


def test_issue_14_a_bare_surname_needs_a_turn_after_it():
    doc = read(
        export(
            "1 May 1970",
            "Meeting (10:00)",
            "Tanaka. Hello.",
            "Hyland. We agree.",
            "So be it.",
            "Tanaka. Bye.",
        )
    )
    assert [type(b) for b in blocks(doc)] == [Turn, Paragraph, Paragraph, Turn]


def test_a_turn_with_a_blank_label_is_nobodys_continuation():
    doc = read(
        export(
            "1 May 1970",
            "Meeting (10:00)",
            "Tanaka. I will.",
            ": Netherlands defense cuts.",
            "And the rest of it.",
            "Tanaka. Yes.",
        )
    )
    assert [getattr(b, "speaker", None) for b in blocks(doc)] == ["Tanaka", None, None, "Tanaka"]


# --- note bodies in the middle of the record (#13, item 2) ----------------------------------------


def test_issue_13_a_note_body_followed_by_more_record_names_both_lines():
    text = export(
        "1 May 1970",
        "Meeting (10:00)",
        "Tanaka. Yes.{1}",
        "[bookmark: _ftn1][2] A body out of place.",
        "Tanaka. And this paragraph is still the record.{2}",
        notes=("One.",),
    )
    text = text.replace("record.{2}", "record.[bookmark: _ftn_GoBack1][2]")
    with pytest.raises(PipelineError, match="note 2 is followed by more of the record at line 10"):
        read(text, path="r.txt")
    assert caught_line(text) == 8  # the error's own line is the body's


def caught_line(text):
    with pytest.raises(PipelineError) as caught:
        read(text)
    return caught.value.line


def test_issue_13_a_note_that_runs_into_a_note_call_is_out_of_place():
    text = export("1 May 1970", "Meeting (10:00)", "Tanaka. Yes.{1}{2}", notes=("One.", "Two."))
    text = text.replace("One. \n", "One.\nTanaka. More.[bookmark: _ftn_GoBack2][3]\n")
    with pytest.raises(PipelineError, match="body of note 1 is followed by more of the record"):
        read(text)


def test_notes_may_be_separated_from_each_other_by_separator_lines():
    text = export("1 May 1970", "Meeting (10:00)", "Tanaka. Yes.{1}{2}", notes=("One.", "Two."))
    text = text.replace("One. \n", "One. \n\u00a0\n")
    doc = read(text)
    assert [inline_text(n.paragraphs[0]) for n in doc.notes] == ["One.", "Two."]


def test_issue_14_a_short_line_above_a_known_heading_stays_in_the_header():
    doc = read(export("1 May 1970", "Subject: Oil", "Secret Sensitive", "Meeting (10:00)", "X. Y."))
    assert headings(doc) == ["Meeting (10:00)"]
    assert [inline_text(b.content) for b in doc.header.blocks] == ["Oil", "Secret Sensitive"]


def test_issue_14_a_person_in_a_list_of_participants_is_not_a_heading():
    people = ("Participants:", "Secretary Kissinger", "Ambassador Akins", "Kissinger. Hi.")
    doc = read(export("1 May 1970", *people))
    assert headings(doc) == []
    assert [inline_text(b.content) for b in doc.header.blocks][1:] == [
        "Secretary Kissinger",
        "Ambassador Akins",
    ]
    # A place after the list is the heading: it names nobody.
    doc = read(export("1 May 1970", *people[:3], "Jidda", "Kissinger. Hi."))
    assert headings(doc) == ["Jidda"]
