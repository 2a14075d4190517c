"""The library release (issue 11): each promise checked with the format's own validator.

What this protects: that `make dist` gives records a library can load (MARC, ONIX, OPDS), keep
(BagIt, SHA256SUMS, archival PDF) and trust (one identifier per edition everywhere, the same
title, creator and dates as the editions), byte-identical on rebuild.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pymarc
import pytest
from lxml import etree
from pypdf import PdfReader

from pipeline.dist import opds
from pipeline.dist.release import build_release
from pipeline.errors import PipelineError
from tests.dist.conftest import ROOT, SCHEMAS, Built

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"
ONIX = "{http://ns.editeur.org/onix/3.0/reference}"


def _needs(command: str) -> None:
    if shutil.which(command) is None:
        pytest.skip(f"{command} is not installed (tools/system-deps.txt)")


def _records(built: Built) -> list[pymarc.Record]:
    with open(built.data / "records.mrc", "rb") as handle:
        return [r for r in pymarc.MARCReader(handle, to_unicode=True, force_utf8=True) if r]


def _by_id(built: Built) -> dict[str, pymarc.Record]:
    return {record["001"].data: record for record in _records(built)}


def _opf(epub: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(epub)) as package:
        return etree.fromstring(package.read("EPUB/content.opf"))


# --- MARC ----------------------------------------------------------------------------------


def test_marc_reads_back_with_pymarc_one_record_per_edition(built: Built) -> None:
    records = _by_id(built)
    assert len(records) == 2 * len(built.release.entries)
    for entry in built.release.entries:
        for edition in entry.editions:
            record = records[f"{entry.id}-{edition.kind}"]
            assert record.leader[6:8] == "am"
            assert record["008"].data[23] == "o" and len(record["008"].data) == 40
            assert record["007"].data.startswith("cr")
            assert record["006"].data[0] == "m" and record["006"].data[6] == "o"
            assert record["245"]["a"].startswith(entry.title)
            assert record["024"]["a"] in edition.identifier
            assert record["300"]["a"] == f"1 online resource ({entry.pages} pages)"
            assert record["264"]["c"] == entry.published[:4] + "."
            assert record["033"]["a"] == entry.content_date.replace("-", "")
            assert record["045"]["b"] == "d" + entry.content_date.replace("-", "")
            assert record["540"]["a"].startswith(entry.rights.rstrip("."))
            assert {f["a"] for f in record.get_fields("336", "337", "338")} == {
                "text", "computer", "online resource",
            }  # fmt: skip
            links = [f["u"] for f in record.get_fields("856")]
            assert edition.path in links
            assert any(edition.identifier in link for link in links)


def test_marc_translation_and_relators(built: Built) -> None:
    records = _by_id(built)
    soviet = records["1973-10-08-soviet-japanese-talks-epub"]
    assert soviet["041"].indicators[0] == "1"
    assert soviet["041"].get_subfields("a", "h") == ["eng", "rus"]
    panama = records["1974-04-23-us-panama-memcon-print"]
    assert panama["110"]["a"] == "United States."
    assert panama["110"]["4"] == "isb"
    added = panama.get_fields("700", "710")
    assert [(f["e"], f["4"]) for f in added] == [("compiler.", "com")]
    assert panama["651"]["a"] == "United States"


def test_yaz_marcdump_reads_every_record_without_warnings(built: Built) -> None:
    _needs("yaz-marcdump")
    for path in sorted(built.data.rglob("*.mrc")):
        run = subprocess.run(["yaz-marcdump", str(path)], capture_output=True, text=True)
        assert run.returncode == 0 and run.stderr == "", (path, run.stderr)
        assert run.stdout.count("\n001 ") == path.read_bytes().count(b"\x1d")


LINT = r"""
use MARC::File::USMARC; use MARC::Lint;
my $lint = MARC::Lint->new; my $count = 0;
my $file = MARC::File::USMARC->in($ARGV[0]) or die "cannot read";
while (my $record = $file->next) { $count++; $lint->check_record($record);
  print "$_\n" for $lint->warnings; }
print "records: $count\n";
"""


def test_marc_lint_has_no_warnings(built: Built) -> None:
    _needs("perl")
    if subprocess.run(["perl", "-MMARC::Lint", "-e1"], capture_output=True).returncode:
        pytest.skip("MARC::Lint is not installed (Debian libmarc-lint-perl)")
    run = subprocess.run(
        ["perl", "-e", LINT, str(built.data / "records.mrc")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"records: {2 * len(built.release.entries)}\n"


def test_marcxml_is_valid_against_the_loc_schema(built: Built) -> None:
    _needs("xmllint")
    schema = SCHEMAS / "marc" / "MARC21slim.xsd"
    files = sorted(str(p) for p in built.data.rglob("*.xml") if p.parent.name == "marc")
    files.append(str(built.data / "records.xml"))
    run = subprocess.run(
        ["xmllint", "--noout", "--schema", str(schema), *files], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    # The schema does refuse a broken record: a leader of the wrong length.
    broken = (built.data / "records.xml").read_text().replace("nam a22", "nam a2", 1)
    bad = built.folder.parent / "broken.xml"
    bad.write_text(broken)
    refused = subprocess.run(["xmllint", "--noout", "--schema", str(schema), str(bad)],
                             capture_output=True)  # fmt: skip
    assert refused.returncode != 0


# --- ONIX ----------------------------------------------------------------------------------


def test_onix_is_valid_and_its_accessibility_matches_the_epub(built: Built) -> None:
    import onixcheck

    path = built.data / "onix.xml"
    assert onixcheck.validate(str(path)) == []
    message = etree.parse(str(path))
    products = message.findall(f"{ONIX}Product")
    assert len(products) == len(built.release.entries)
    for entry, product in zip(built.release.entries, products, strict=True):
        opf = _opf((built.data / entry.epub.path).read_bytes())
        features = {m.text for m in opf.iter(f"{OPF}meta")
                    if m.get("property") == "schema:accessibilityFeature"}  # fmt: skip
        codes = {
            f.findtext(f"{ONIX}ProductFormFeatureValue")
            for f in product.iter(f"{ONIX}ProductFormFeature")
            if f.findtext(f"{ONIX}ProductFormFeatureType") == "09"
        }
        assert ("41" in codes) == ("pageNavigation" in features)
        assert ("19" in codes) == ("pageBreakMarkers" in features)
        assert ("14" in codes) == ("alternativeText" in features)
        assert {"04", "81", "85", "11", "13", "00"} <= codes
        assert product.findtext(f"{ONIX}ProductIdentifier/{ONIX}IDValue") == entry.epub.identifier


# --- OPDS ----------------------------------------------------------------------------------


def test_opds_1_2_is_valid_and_the_published_pattern_would_refuse_it(built: Built) -> None:
    _needs("jing")
    catalog = str(built.data / opds.CATALOG_XML)
    run = subprocess.run(["jing", "-c", str(SCHEMAS / "opds" / "opds.rnc"), catalog],
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stdout
    # Without the patch (schemas/README.md), every URI with an "r" or a "t" is refused.
    original = built.folder.parent / "unpatched"
    original.mkdir(exist_ok=True)
    shutil.copy(SCHEMAS / "opds" / "atom.rnc", original)
    text = (SCHEMAS / "opds" / "opds.rnc").read_text().replace(r"\n\r\t].*'", r"\nrt].*'")
    (original / "opds.rnc").write_text(text)
    refused = subprocess.run(["jing", "-c", str(original / "opds.rnc"), catalog],
                             capture_output=True, text=True)  # fmt: skip
    assert refused.returncode != 0


def _opds2_validator():
    from jsonschema import validators
    from referencing import Registry, Resource

    resources = []
    for path in sorted((SCHEMAS / "opds2").rglob("*.schema.json")):
        # ECMAScript named groups, as Python's re spells them (schemas/README.md).
        schema = json.loads(path.read_text().replace("(?<", "(?P<"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    feed = json.loads((SCHEMAS / "opds2" / "feed.schema.json").read_text())
    registry = Registry().with_resources(resources)
    return validators.validator_for(feed)(feed, registry=registry)


def test_opds_2_is_valid_against_its_json_schemas(built: Built) -> None:
    validator = _opds2_validator()
    feed = json.loads((built.data / opds.CATALOG_JSON).read_text())
    assert [e.message for e in validator.iter_errors(feed)] == []
    assert len(feed["publications"]) == 2 * len(built.release.entries)
    broken = json.loads(json.dumps(feed))
    del broken["publications"][0]["metadata"]["title"]
    assert list(validator.iter_errors(broken))


MEDIA_TYPES = {".epub": "application/epub+zip", ".pdf": "application/pdf", ".png": "image/png",
               ".xml": None, ".json": "application/opds+json"}  # fmt: skip


def _check_link(built: Built, href: str, kind: str | None) -> None:
    target = (built.data / href).resolve()
    assert target.is_file() and built.data.resolve() in target.parents, href
    expected = MEDIA_TYPES[target.suffix]
    if expected and kind:
        assert kind == expected, (href, kind)


def test_every_catalog_link_resolves_to_a_file_of_the_release(built: Built) -> None:
    feed = etree.parse(str(built.data / opds.CATALOG_XML))
    links = list(feed.iter(f"{ATOM}link"))
    assert len(links) > 4 * len(built.release.entries)
    for link in links:
        _check_link(built, link.get("href"), link.get("type"))
    data = json.loads((built.data / opds.CATALOG_JSON).read_text())
    for link in data["links"]:
        _check_link(built, link["href"], link["type"])
    for publication in data["publications"]:
        for link in publication["links"] + publication["images"]:
            _check_link(built, link["href"], link["type"])
    for record in _records(built):
        for field in record.get_fields("856"):
            if "://" not in field["u"] and not field["u"].startswith("urn:"):
                _check_link(built, field["u"], field["q"])


# --- identifiers, dates, creators everywhere the same --------------------------------------


def _xmp(pdf: bytes) -> etree._Element:
    reader = PdfReader(io.BytesIO(pdf))
    return etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data().strip())


def test_one_identifier_per_edition_everywhere(built: Built) -> None:
    records = _by_id(built)
    feed = etree.parse(str(built.data / opds.CATALOG_XML))
    opds_ids = [e.findtext(f"{ATOM}id") for e in feed.iter(f"{ATOM}entry")]
    feed2 = json.loads((built.data / opds.CATALOG_JSON).read_text())
    json_ids = [p["metadata"]["identifier"] for p in feed2["publications"]]
    papers = set()
    for entry in built.release.entries:
        opf = _opf((built.data / entry.epub.path).read_bytes())
        assert opf.findtext(f".//{DC}identifier") == entry.epub.identifier
        for pdf in (entry.print.path, entry.archival):
            xmp = _xmp((built.data / pdf).read_bytes())
            assert xmp.findtext(f".//{DC}identifier") == entry.print.identifier
        assert records[f"{entry.id}-epub"]["776"]["o"] == entry.print.identifier
        for edition in entry.editions:
            assert edition.identifier in opds_ids and edition.identifier in json_ids
        assert entry.epub.identifier != entry.print.identifier
        papers.add(entry.print.identifier)
    assert len(papers) == len(built.release.entries)


def _calibre(path: Path) -> dict[str, str]:
    run = subprocess.run(["ebook-meta", str(path)], capture_output=True, text=True, check=True)
    return dict(re.findall(r"^(\w[\w ()]*?)\s*: (.*)$", run.stdout, re.M))


def test_calibre_and_a_marc_reader_agree(built: Built) -> None:
    _needs("ebook-meta")
    records = _by_id(built)
    for entry in built.release.entries:
        for edition in entry.editions:
            seen = _calibre(built.data / edition.path)
            record = records[f"{entry.id}-{edition.kind}"]
            title = record["245"]["a"].rstrip(" :/.")
            assert seen["Title"].startswith(title)
            main = record.get("100") or record.get("110")
            if main is None:
                assert seen["Author(s)"] == "Unknown"
            else:
                assert seen["Author(s)"].startswith(entry.creators[0].name)
            assert seen["Published"].startswith(entry.published)
            assert record["264"]["c"].startswith(seen["Published"][:4])
            scheme_free = edition.identifier.removeprefix("urn:")
            assert scheme_free in seen["Identifiers"]


# --- preservation ----------------------------------------------------------------------------


def test_bag_is_valid_and_sha256sums_checks(built: Built) -> None:
    import bagit

    bag = bagit.Bag(str(built.folder))
    bag.validate()
    assert bag.info["Bagging-Date"] == max(e.modified for e in built.release.entries)
    assert "sha256" in bag.algorithms
    _needs("sha256sum")
    run = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=built.folder,
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    listed = {
        line.split("  ", 1)[1] for line in (built.folder / "SHA256SUMS").read_text().splitlines()
    }
    on_disk = {
        p.relative_to(built.folder).as_posix() for p in built.folder.rglob("*") if p.is_file()
    }
    assert on_disk - listed == {"SHA256SUMS"}


def test_rebuild_gives_identical_bytes(built: Built) -> None:
    again = build_release(ROOT / "sources")
    assert again.files.keys() == built.release.files.keys()
    different = [name for name in again.files if again.files[name] != built.release.files[name]]
    assert different == []
    for name, data in built.release.files.items():
        assert (built.folder / name).read_bytes() == data


def test_archival_pdf_is_tagged_and_self_contained(built: Built) -> None:
    for entry in built.release.entries:
        data = (built.data / entry.archival).read_bytes()
        reader = PdfReader(io.BytesIO(data))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/Lang"] == entry.language_tag
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        assert bool(root["/MarkInfo"]["/Marked"])
        xmp = _xmp(data)
        ns = {"xmp": "http://ns.adobe.com/xap/1.0/", "dc": DC[1:-1],
              "ua": "http://www.aiim.org/pdfua/ns/id/"}  # fmt: skip
        assert xmp.findtext(".//xmp:CreateDate", namespaces=ns) == entry.published
        assert xmp.findtext(".//xmp:ModifyDate", namespaces=ns) == entry.modified
        assert xmp.findtext(".//dc:coverage", namespaces=ns) == entry.content_date
        assert xmp.findtext(".//ua:part", namespaces=ns) == "1"
        assert len(reader.pages) == entry.pages
        for page in reader.pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0].get_object() if descendants else font)[
                    "/FontDescriptor"
                ]
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())
        # Nothing outside the file: no launch actions, remote go-tos or external streams.
        for marker in (b"/Launch", b"/GoToR", b"/EmbeddedFiles", b"/FFilter"):
            assert marker not in data, marker


def test_covers_are_the_ebooks_and_the_thumbnail_is_small(built: Built) -> None:
    from PIL import Image

    for entry in built.release.entries:
        with zipfile.ZipFile(built.data / entry.epub.path) as package:
            assert package.read("EPUB/cover.png") == (built.data / entry.cover).read_bytes()
        with Image.open(built.data / entry.thumbnail) as image:
            assert image.size == (200, 300) == entry.thumbnail_size


# --- what a catalogue needs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edition", "field"),
    [
        (None, "[document] published (or modified)"),
        (None, "[document] rights"),
        ('[document]\ntitle = "Talks"\nrights = "Public domain."\n', "[document] published"),
        ('[document]\nmodified = "2026-11-28"\nlanguage = "xx-YY"\nrights = "PD"\n',
         "[document] language"),
    ],
)  # fmt: skip
def test_release_names_the_document_and_the_missing_field(
    tmp_path: Path, edition: str | None, field: str
) -> None:
    folder = tmp_path / "sources" / "talks"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "sources" / "1974-04-23-us-panama-memcon" / "source.txt", folder)
    if edition is not None:
        (folder / "edition.toml").write_text(edition)
    with pytest.raises(PipelineError) as caught:
        build_release(tmp_path / "sources")
    assert "document talks" in str(caught.value) and field in str(caught.value)


def test_dist_command_fails_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "sources" / "talks"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "sources" / "1974-04-23-us-panama-memcon" / "source.txt", folder)
    out = tmp_path / "dist"
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "dist",
        str(tmp_path / "sources"),
        "--out",
        str(out),
    ]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2
    problem = run.stderr.strip().splitlines()[-1]  # after the progress line "releasing talks"
    assert "document talks" in problem and "[document] rights" in problem
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_every_document_is_checked_before_any_is_built(tmp_path: Path, monkeypatch) -> None:
    """A missing field in the last document stops the release before the first is laid out."""
    import pipeline.build

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document was built before every one was checked")

    monkeypatch.setattr(pipeline.build, "build_one", no_build)
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "sources" / "1974-04-23-us-panama-memcon", sources / "a-complete")
    incomplete = sources / "z-no-rights"
    incomplete.mkdir()
    shutil.copy(ROOT / "sources" / "1974-04-23-us-panama-memcon" / "source.txt", incomplete)
    (incomplete / "edition.toml").write_text('[document]\nmodified = "2026-11-28"\n')
    with pytest.raises(PipelineError, match=r"document z-no-rights: .*\[document\] rights"):
        build_release(sources)


# --- a release with an address ----------------------------------------------------------------

BASE = "https://library.example.org/talks/release-1"


def test_with_a_base_url_marc_and_onix_link_each_file_at_its_address(
    built: Built, tmp_path
) -> None:
    # A catalogue follows 856 $u and an ONIX ResourceLink: paths inside the bag lead nowhere
    # once the records are loaded, so `--base-url` makes them addresses of the served files.
    import onixcheck

    from pipeline.dist import marc, onix
    from pipeline.dist.catalogue import checked_base_url

    base = checked_base_url(BASE)
    assert base == BASE + "/"
    entries = [replace(entry, base_url=base) for entry in built.release.entries]
    for entry in entries:
        for edition in entry.editions:
            record = marc.marc_record(entry, edition)
            files = [f for f in record.get_fields("856") if f["z"] == "Download"]
            assert len(files) == (2 if edition.kind == "print" else 1)
            for field in files:
                assert field["u"].startswith(base)
                _check_link(built, field["u"].removeprefix(base), field["q"])
            assert not [f for f in record.get_fields("856") if f["z"] == "Path inside the release"]
    epubs = {e.id: (built.data / e.epub.path).read_bytes() for e in entries}
    message = tmp_path / "onix.xml"
    message.write_bytes(onix.onix_message(entries, epubs))
    assert onixcheck.validate(str(message)) == []
    links = [link.text for link in etree.parse(str(message)).iter(f"{ONIX}ResourceLink")]
    assert links == [base + e.cover for e in entries]


@pytest.mark.parametrize(
    "value",
    ["ftp://library.example.org/", "library.example.org/talks", "https://x.org/?a=1", "https:///"],
)
def test_a_base_url_that_is_no_web_address_is_refused_before_anything_is_built(
    tmp_path, value: str
) -> None:
    out = tmp_path / "dist"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "dist",
            "sources",
            "--out",
            str(out),
            "--base-url",
            value,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert "error: argument --base-url: must be an " in done.stderr, done.stderr
    assert repr(value) in done.stderr
    assert not out.exists()


def test_the_archival_pdf_from_the_builds_layout_is_the_one_a_layout_of_its_own_gives(
    built: Built,
) -> None:
    # The release writes the PDF/UA file from the print edition's layout instead of laying
    # the document out again: it must be byte for byte what a separate layout would give.
    from pipeline.pipeline import prepare
    from pipeline.writers.pdf import render_print, write_pdf

    entry = built.release.entries[0]
    doc, ctx = prepare(ROOT / "sources" / entry.id)
    separate = write_pdf(doc, ctx, render_print(doc, ctx), variant="pdf/ua-1")
    assert (built.data / entry.archival).read_bytes() == separate


def test_a_release_on_letter_paper_is_the_letter_edition_everywhere(tmp_path) -> None:
    # A library in the United States takes the print editions on US Letter: the PDFs, the
    # archival files, the MARC records and the EPUB's page-list all name that edition.
    from pipeline.writers.shared import print_identifier

    sources = tmp_path / "sources"
    name = "1974-04-23-us-panama-memcon"
    shutil.copytree(ROOT / "sources" / name, sources / name)
    release = build_release(sources, paper="letter")
    (entry,) = release.entries
    files = dict(release.files)
    assert entry.paper == "letter"
    letter = print_identifier(_meta(sources / name), "letter")
    assert entry.print.identifier == letter
    for path in (entry.print.path, entry.archival):
        page = PdfReader(io.BytesIO(files[f"data/{path}"])).pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    record = pymarc.parse_xml_to_array(io.BytesIO(files[f"data/{name}/marc/print.xml"]))[0]
    assert record["024"]["a"] in letter
    assert any("US Letter" in field.value() for field in record.get_fields("856"))
    opf = _opf(files[f"data/{entry.epub.path}"])
    (source,) = [m.text for m in opf.iter(f"{OPF}meta") if m.get("property") == "pageBreakSource"]
    assert source == letter


def _meta(folder: Path):
    from pipeline.pipeline import prepare

    return prepare(folder)[0].meta
