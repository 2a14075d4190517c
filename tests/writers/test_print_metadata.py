"""The PDF's metadata read back: the Info dictionary and the XMP packet (pypdf), and, where
calibre is installed, what `ebook-meta` makes of them (issue 9, "the metadata read by calibre").

What they must say: the edition's title; the creator a catalogue files under (the authors, else
the issuing body) as Author and dc:creator; every other contributor in dc:contributor with a
MARC relator role; the edition's publication date as CreationDate, xmp:CreateDate and dc:date,
its last change as ModDate; the date of the talks only as the content's date (dc:coverage); the
pipeline's name and version as Creator, CreatorTool and Producer; the print identifier, not the
EPUB's; and all of it byte-identical from one build to the next.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pypdf
import pytest

from pipeline.context import Context
from pipeline.model import Document, Meta, Turn, body_blocks
from pipeline.pipeline import prepare
from pipeline.writers.pdf import write_pdf
from pipeline.writers.shared import (
    contributors,
    creators,
    epub_identifier,
    pipeline_version,
    print_identifier,
)
from pipeline.writers.xmp import NS

ROOT = Path(__file__).resolve().parents[2]
PANAMA = ROOT / "sources" / "1974-04-23-us-panama-memcon"
MARCREL = NS["marcrel"]


def sink_document(docs: SimpleNamespace) -> Document:
    return docs.kitchen_sink(
        authors=(),
        issuing_body="Union of Soviet Socialist Republics. Ministry of Foreign Affairs",
        translator="S. Radchenko",
        editor="A. Editor",
        compiler="B. Compiler",
        published="2024-06-15",
        modified="2024-07-01",
        publisher="Edition Pipeline",
    )


@pytest.fixture(scope="module")
def sink(docs: SimpleNamespace) -> tuple[Document, bytes]:
    doc = sink_document(docs)
    return doc, write_pdf(doc, Context(id=doc.meta.id, source=Path("t.txt")))


def relator(pdf: bytes, role: str) -> list[str]:
    """The names the XMP gives in a MARC relator role (<marcrel:trl><rdf:Seq><rdf:li>…)."""
    xmp = pypdf.PdfReader(io.BytesIO(pdf)).xmp_metadata
    return [
        item.firstChild.data
        for element in xmp.get_element("", MARCREL, role)
        for item in element.getElementsByTagNameNS(NS["rdf"], "li")
    ]


def test_info_names_the_creator_the_edition_dates_and_the_generator(sink) -> None:  # type: ignore[no-untyped-def]
    doc, pdf = sink
    info = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert info["/Title"] == doc.meta.title
    assert info["/Author"] == doc.meta.issuing_body
    assert info["/CreationDate"] == "D:20240615"  # published, not the talks' 1973-10-08
    assert info["/ModDate"] == "D:20240701"
    assert info["/Creator"] == f"edition-pipeline {pipeline_version()}"
    assert info["/Producer"].startswith(f"edition-pipeline {pipeline_version()} (WeasyPrint ")


def test_xmp_gives_creator_contributors_roles_and_dates(sink) -> None:  # type: ignore[no-untyped-def]
    doc, pdf = sink
    xmp = pypdf.PdfReader(io.BytesIO(pdf)).xmp_metadata
    assert xmp.dc_title == {"x-default": doc.meta.title}
    assert xmp.dc_creator == [doc.meta.issuing_body]
    assert xmp.dc_contributor == ["S. Radchenko", "A. Editor", "B. Compiler"]
    assert relator(pdf, "isb") == [doc.meta.issuing_body]
    assert relator(pdf, "trl") == ["S. Radchenko"]
    assert relator(pdf, "com") == ["B. Compiler"]
    assert relator(pdf, "edt") == ["A. Editor"]
    assert xmp.dc_date == [datetime(2024, 6, 15)]
    assert xmp.dc_coverage == "1973-10-08"
    assert xmp.xmp_create_date == datetime(2024, 6, 15)
    assert xmp.xmp_modify_date == xmp.xmp_metadata_date == datetime(2024, 7, 1)
    assert xmp.dc_language == ["en-GB"]
    assert xmp.dc_subject == list(doc.meta.subjects)
    assert xmp.xmp_creator_tool == f"edition-pipeline {pipeline_version()}"
    assert xmp.pdf_producer.startswith("edition-pipeline")


def test_the_print_identifier_is_not_the_epubs(sink) -> None:  # type: ignore[no-untyped-def]
    doc, pdf = sink
    xmp = pypdf.PdfReader(io.BytesIO(pdf)).xmp_metadata
    assert xmp.dc_identifier == print_identifier(doc.meta)
    assert print_identifier(doc.meta) != epub_identifier(doc.meta)


def test_the_identifiers_are_the_ones_the_epub_names() -> None:
    # epub.py keeps its own copies until it adopts shared.py: they must agree.
    from pipeline.writers import epub

    meta = Meta(id="some-record", title="t")
    for paper in ("a4", "letter"):
        assert epub.print_identifier(meta, paper) == print_identifier(meta, paper)
    assert print_identifier(meta, "a4") != print_identifier(meta, "letter")
    assert epub.epub_identifier(meta) == epub_identifier(meta)


def test_the_packet_is_byte_identical_across_builds(sink) -> None:  # type: ignore[no-untyped-def]
    doc, pdf = sink
    again = write_pdf(doc, Context(id=doc.meta.id, source=Path("t.txt")))
    assert again == pdf
    assert b"<?xpacket begin=" in pdf and b'<?xpacket end="w"?>' in pdf


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"authors": ("A. Author", "B. Author")}, [("A. Author", "aut"), ("B. Author", "aut")]),
        ({"issuing_body": "A Ministry"}, [("A Ministry", "isb")]),
        # A compilation with neither: the compiler is who it is filed under.
        ({"compiler": "An Office"}, [("An Office", "com")]),
        ({"authors": ("A. Author",), "issuing_body": "A Ministry"}, [("A. Author", "aut")]),
        ({}, []),
    ],
)
def test_creators_follow_catalogue_practice(given: dict, expected: list) -> None:
    meta = Meta(id="x", title="t", **given)
    assert [(c.name, c.role) for c in creators(meta)] == expected


def test_contributors_come_creator_first_each_name_once() -> None:
    meta = Meta(
        id="x",
        title="t",
        issuing_body="A Ministry",
        translator="S. Radchenko",
        compiler="An Office",
        editor="S. Radchenko",
    )
    assert [(c.name, c.role, c.label, c.creator) for c in contributors(meta)] == [
        ("A Ministry", "isb", "Issuing body", True),
        ("S. Radchenko", "trl", "Translator", False),
        ("An Office", "com", "Compiler", False),
    ]


def speakers_of(doc: Document) -> list[str]:
    return [b.speaker for _, b in body_blocks(doc) if isinstance(b, Turn)]


def test_a_bare_record_gets_subject_and_keywords_from_its_own_text(write_source) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import export

    source = write_source(
        export(
            "Washington, April 23, 1974",
            "Subject: U.S.-Panama Treaty Negotiations",
            "Meeting in the Secretary's office (18:00-18:30)",
            "The Secretary. Welcome to Washington, Mr. Minister.",
            "Foreign Minister Tack. Thank you for receiving me.",
            title="MEMORANDUM OF CONVERSATION",
        )
    )
    doc, ctx = prepare(source)
    info = pypdf.PdfReader(io.BytesIO(write_pdf(doc, ctx))).metadata
    assert info["/Subject"] == "U.S.-Panama Treaty Negotiations"
    # No subjects in an edition.toml: the speakers, as the model names them, are the keywords.
    assert info["/Keywords"] == "; ".join(dict.fromkeys(speakers_of(doc)))


@pytest.mark.skipif(shutil.which("ebook-meta") is None, reason="calibre is not installed")
def test_calibre_reads_title_author_dates_and_identifier(tmp_path: Path, bundled_builds) -> None:  # type: ignore[no-untyped-def]
    built = bundled_builds.get(PANAMA)
    doc = built.doc
    path = tmp_path / "panama.pdf"
    path.write_bytes(built.pdf)
    shown = subprocess.run(
        ["ebook-meta", str(path)], capture_output=True, text=True, check=True
    ).stdout
    fields = dict(
        (k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in shown.splitlines())
    )
    assert fields["Title"] == doc.meta.title
    assert fields["Author(s)"] == doc.meta.issuing_body
    assert fields["Published"].startswith(doc.meta.published or doc.meta.modified)
    assert fields["Book Producer"] == f"edition-pipeline {pipeline_version()}"
    assert print_identifier(doc.meta).removeprefix("urn:") in fields["Identifiers"]
    assert fields["Languages"] == "eng"
    assert doc.meta.date not in fields["Published"]  # the talks: 1974-04-23
