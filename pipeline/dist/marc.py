"""Turn a catalogue entry into MARC 21 bibliographic records, one per edition (pymarc).

Each edition is an online resource (RDA, ISBD punctuation): leader type `a`, level `m`;
006 and 007 `cr` for the electronic aspects; 008 form of item `o`. The fields follow from the
entry, so a record says what the EPUB and the PDF say: 024 and 856 the edition's identifier,
264 the edition's date, 033/045/518 the talks' date, 1XX the creator a catalogue files under,
7XX everyone else with relator terms and `$4` codes. Bytes: `.mrc` (ISO 2709, UTF-8) and
MARCXML, each record alone and all records together.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

import pymarc
from pymarc import Field, Indicators, Leader, Record, Subfield

from pipeline.dist.catalogue import Entry, Manifestation, paper_name
from pipeline.writers.shared import Contributor, identifier_scheme, identifier_uri

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

# Relator terms (RDA appendix I) for the MARC relator codes the editions use.
RELATOR_TERMS = {
    "aut": "author",
    "isb": "issuing body",
    "com": "compiler",
    "trl": "translator",
    "edt": "editor",
}
# Statement of responsibility (245 $c), as ISBD words it.
RESPONSIBILITY = {
    "aut": "{name}",
    "isb": "{name}",
    "com": "compiled by {name}",
    "trl": "translated by {name}",
    "edt": "edited by {name}",
}
# A name is a corporate body's (110/710, not 100/700) when it holds one of these words: the
# bodies that issue and compile records of talks. An issuing body is corporate by definition.
CORPORATE_WORDS = re.compile(
    r"\b(Office|Department|Ministry|Bureau|Institute|Archive|Archives|Agency|Council|Committee|"
    r"Commission|Embassy|Government|Library|University|Society|Foundation|Press)\b"
)
# Leading articles and how many characters a catalogue skips when filing (245 ind2).
ARTICLES = {"the ": 4, "a ": 2, "an ": 3}
# A personal name heading with dates: "Kissinger, Henry, 1923-2023" (LCSH/NAF form).
PERSON_WITH_DATES = re.compile(r"^(?P<name>[^,]+, [^,]+), (?P<dates>\d{4}-(?:\d{4})?)$")
# A chronological subdivision: "1945-1991", "20th century".
PERIOD = re.compile(r"^\d{4}(-\d{4})?$|^\d{1,2}(st|nd|rd|th) century$")
SUBDIVISION = re.compile(r" (?:–|--|—) ")


def _date(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def spelled(iso: str) -> str:
    day = _date(iso)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _end(text: str, mark: str = ".") -> str:
    """ISBD: a field ends with a full stop unless it already ends with punctuation."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", ")", "-")) else text + mark


def is_corporate(person: Contributor) -> bool:
    return person.role == "isb" or bool(CORPORATE_WORDS.search(person.name))


def _name_subfields(person: Contributor, last: str) -> list[Subfield]:
    """$a (and $b for a subordinate body), then the relator term and code."""
    name = person.name
    parts: list[Subfield] = []
    # "United States. Department of State": a jurisdiction, then the body under it ($b); not
    # "Office of the Historian, U.S. Department of State", whose full stop ends an abbreviation.
    if is_corporate(person) and ". " in name and "," not in name.partition(". ")[0]:
        head, _, rest = name.partition(". ")
        parts = [Subfield("a", head + "."), Subfield("b", rest + ",")]
    else:
        parts = [Subfield("a", name + ",")]
    return [*parts, Subfield("e", RELATOR_TERMS[person.role] + last), Subfield("4", person.role)]


def _name_field(person: Contributor, main: bool) -> Field:
    if is_corporate(person):
        tag, ind1 = ("110" if main else "710"), "2"
    else:
        tag, ind1 = ("100" if main else "700"), ("1" if "," in person.name else "0")
    return Field(tag, Indicators(ind1, " "), _name_subfields(person, "."))


def _title_field(entry: Entry) -> Field:
    title = entry.title
    skip = next((n for a, n in ARTICLES.items() if title.lower().startswith(a)), 0)
    responsibility = " ; ".join(
        RESPONSIBILITY[p.role].format(name=p.name) for p in entry.contributors
    )
    subfields = [
        Subfield("a", title + (" :" if entry.subtitle else (" /" if responsibility else "")))
    ]
    if entry.subtitle:
        subfields.append(Subfield("b", entry.subtitle + (" /" if responsibility else "")))
    if responsibility:
        subfields.append(Subfield("c", responsibility))
    last = subfields[-1]
    subfields[-1] = Subfield(last.code, _end(last.value))
    return Field("245", Indicators("1" if entry.creators else "0", str(skip)), subfields)


def _subject_fields(entry: Entry) -> Iterable[Field]:
    places = set(entry.places)
    for heading in entry.subjects:
        main, *subdivisions = SUBDIVISION.split(heading)
        if person := PERSON_WITH_DATES.match(main):
            tag, ind1 = "600", "1"
            subfields = [Subfield("a", person["name"] + ","), Subfield("d", person["dates"])]
        else:
            tag, ind1 = ("651", " ") if main in places else ("650", " ")
            subfields = [Subfield("a", main)]
        for part in subdivisions:
            code = "z" if part in places else "y" if PERIOD.match(part) else "x"
            subfields.append(Subfield(code, part))
        last = subfields[-1]
        subfields[-1] = Subfield(last.code, _end(last.value))
        # ind2 7 with $2: the headings follow LCSH's form but are the editors', not LC's.
        yield Field(tag, Indicators(ind1, "7"), [*subfields, Subfield("2", "local")])


def _fixed_length(entry: Entry) -> str:
    """008 for books, form of item `o` (online)."""
    entered = _date(entry.modified).strftime("%y%m%d")
    year = entry.published[:4]
    return (
        f"{entered}s{year}    xx "  # 00-17: entered, single date, no place known
        "    "  # 18-21 illustrations: none
        " o"  # 22 audience unknown, 23 form of item: online
        "    "  # 24-27 nature of contents
        " 000"  # 28 not a government publication, 29 conference, 30 festschrift, 31 index
        " 0 "  # 32 undefined, 33 literary form: non-fiction, 34 biography: none
        f"{entry.language.marc} d"  # 35-37 language, 38 not modified, 39 source: other
    )


def _notes(entry: Entry, edition: Manifestation) -> list[Field]:
    notes = []
    if entry.archive:
        notes.append(
            Field("500", Indicators(" ", " "), [Subfield("a", _end(f"Source: {entry.archive}"))])
        )
    if entry.citation:
        notes.append(
            Field("500", Indicators(" ", " "), [Subfield("a", _end(f"Cited as: {entry.citation}"))])
        )
    if edition.kind == "epub":
        text = f"Page numbers follow the print edition on {paper_name(entry.paper)} paper"
        notes.append(Field("500", Indicators(" ", " "), [Subfield("a", _end(text))]))
    return notes  # fmt: skip


def _language_fields(entry: Entry) -> list[Field]:
    original = entry.original_language
    codes = [Subfield("a", entry.language.marc)]
    if original:
        codes.append(Subfield("h", original.marc))
    words = f"In {entry.language.name}" + (f", translated from {original.name}" if original else "")
    return [
        Field("041", Indicators("1" if original else "0", " "), codes),
        Field("546", Indicators(" ", " "), [Subfield("a", _end(words))]),
    ]


def _links(entry: Entry, edition: Manifestation) -> list[Field]:
    scheme, value = identifier_scheme(edition.identifier)
    other = entry.print if edition.kind == "epub" else entry.epub
    relation = "Print version" if edition.kind == "epub" else "Online version (EPUB)"
    where = "Download" if entry.base_url else "Path inside the release"
    fields = [
        Field(
            "024", Indicators("7", " "), [Subfield("a", value), Subfield("2", scheme.marc_source)]
        ),
        Field(
            "776",
            Indicators("0", "8"),
            [
                Subfield("i", relation + ":"),
                Subfield("t", entry.title + "."),
                Subfield("o", other.identifier),
            ],
        ),
        Field(
            "856",
            Indicators("4", "0"),
            [
                Subfield("u", identifier_uri(edition.identifier)),
                Subfield("z", "Persistent identifier of this edition"),
            ],
        ),
        Field(
            "856",
            Indicators("4", "0"),
            [
                Subfield("3", edition.label),
                Subfield("u", entry.url(edition.path)),
                Subfield("q", edition.media_type),
                Subfield("z", where),
            ],
        ),
    ]
    if edition.kind == "print":
        fields.append(
            Field(
                "856",
                Indicators("4", "0"),
                [
                    Subfield("3", "Archival PDF/UA-1 file of the print edition"),
                    Subfield("u", entry.url(entry.archival)),
                    Subfield("q", "application/pdf"),
                    Subfield("z", where),
                ],
            )
        )
    return fields  # fmt: skip


def _event_fields(entry: Entry) -> list[Field]:
    day = entry.content_date.replace("-", "")
    return [
        Field("033", Indicators("0", "0"), [Subfield("a", day)]),
        Field("045", Indicators("0", " "), [Subfield("b", "d" + day)]),
        Field("518", Indicators(" ", " "), [
            Subfield("a", f"Record of talks held {spelled(entry.content_date)}.")
        ]),
    ]  # fmt: skip


def _control_fields(entry: Entry, edition: Manifestation) -> list[Field]:
    stamp = _date(entry.modified).strftime("%Y%m%d") + "000000.0"
    return [
        Field("001", data=f"{entry.id}-{edition.kind}"),
        Field("005", data=stamp),
        # 006 computer file: form of item online (06), type of file: document (09).
        Field("006", data="m     o  d        "),
        # 007 electronic resource, remote (cr), no attempt to code the rest.
        Field("007", data="cr |n|||||||||"),
        Field("008", data=_fixed_length(entry)),
    ]


def _description(entry: Entry, edition: Manifestation) -> list[Field]:
    year = entry.published[:4]
    place = "[Place of publication not identified]"
    fields = [
        Field(
            "264",
            Indicators(" ", "1"),
            [
                Subfield("a", place + " :"),
                Subfield("b", (entry.publisher or "[publisher not identified]") + ","),
                Subfield("c", year + "."),
            ],
        ),
        Field(
            "300", Indicators(" ", " "), [Subfield("a", f"1 online resource ({entry.pages} pages)")]
        ),
        Field(
            "336",
            Indicators(" ", " "),
            [Subfield("a", "text"), Subfield("b", "txt"), Subfield("2", "rdacontent")],
        ),
        Field(
            "337",
            Indicators(" ", " "),
            [Subfield("a", "computer"), Subfield("b", "c"), Subfield("2", "rdamedia")],
        ),
        Field(
            "338",
            Indicators(" ", " "),
            [Subfield("a", "online resource"), Subfield("b", "cr"), Subfield("2", "rdacarrier")],
        ),
        Field(
            "347",
            Indicators(" ", " "),
            [
                Subfield("a", "text file"),
                Subfield("b", edition.format_name),
                Subfield("2", "rdaft"),
            ],
        ),
    ]
    return fields  # fmt: skip


def marc_record(entry: Entry, edition: Manifestation) -> Record:
    """The MARC 21 record of one edition of `entry`."""
    # pymarc 5 takes a Leader here, though its signature says str.
    record = Record(force_utf8=True, leader=Leader("00000nam a2200000 i 4500"))  # type: ignore[arg-type]
    for field in _control_fields(entry, edition):
        record.add_ordered_field(field)
    record.add_ordered_field(*_links(entry, edition)[:1])
    record.add_ordered_field(
        Field("040", Indicators(" ", " "), [Subfield("b", "eng"), Subfield("e", "rda")])
    )
    fields = [*_language_fields(entry)[:1], *_event_fields(entry)[:2]]
    main = entry.creators[:1]
    fields += [_name_field(person, main=True) for person in main]
    fields.append(_title_field(entry))
    fields += _description(entry, edition)
    fields += _notes(entry, edition)
    fields.append(Field("506", Indicators("0", " "), [
        Subfield("a", "Open access."), Subfield("f", "Unrestricted online access"),
        Subfield("2", "star"),
    ]))  # fmt: skip
    fields.append(_event_fields(entry)[2])
    if entry.description:
        fields.append(Field("520", Indicators(" ", " "), [Subfield("a", _end(entry.description))]))
    fields.append(Field("540", Indicators(" ", " "), [Subfield("a", _end(entry.rights))]))
    fields.append(_language_fields(entry)[1])
    fields.append(Field("588", Indicators("0", " "), [
        Subfield("a", "Description based on the edition's own metadata; title from title page "
                 f"(viewed {spelled(entry.modified)})."),
    ]))  # fmt: skip
    fields += _subject_fields(entry)
    fields += [_name_field(p, main=False) for p in entry.contributors if p not in main]
    fields += _links(entry, edition)[1:]
    for field in fields:
        record.add_ordered_field(field)
    return record


def marc_binary(records: Iterable[Record]) -> bytes:
    return b"".join(record.as_marc() for record in records)


def marc_xml(records: Iterable[Record]) -> bytes:
    """A MARCXML collection (valid against MARC21slim.xsd), pretty-printed, UTF-8."""
    body = b"".join(pymarc.record_to_xml(record, namespace=False) for record in records)
    from lxml import etree

    root = etree.fromstring(
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + body + b"</collection>"
    )
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def marc_files(entries: Iterable[Entry]) -> dict[str, bytes]:
    """Per edition `<id>/marc/<kind>.mrc` and `.xml`; all of them in `records.mrc`/`.xml`."""
    files: dict[str, bytes] = {}
    every: list[Record] = []
    for entry in entries:
        for edition in entry.editions:
            record = marc_record(entry, edition)
            every.append(record)
            files[f"{entry.id}/marc/{edition.kind}.mrc"] = marc_binary([record])
            files[f"{entry.id}/marc/{edition.kind}.xml"] = marc_xml([record])
    files["records.mrc"] = marc_binary(every)
    files["records.xml"] = marc_xml(every)
    return files
