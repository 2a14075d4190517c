"""Identifiers an editor may give in edition.toml, and what the records make of them.

What this protects: a DOI or a Handle reaches MARC 024/856 and ONIX in the form each expects
(bare value with its source code, a resolvable link), a URN stays a URN.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from lxml import etree

from pipeline.dist import marc, onix
from pipeline.writers.shared import identifier_scheme, identifier_uri
from tests.dist.conftest import Built

ONIX = "{http://ns.editeur.org/onix/3.0/reference}"


@pytest.mark.parametrize(
    ("given", "scheme", "value", "uri"),
    [
        ("doi:10.1234/frus.40", "doi", "10.1234/frus.40", "https://doi.org/10.1234/frus.40"),
        ("https://doi.org/10.1234/x", "doi", "10.1234/x", "https://doi.org/10.1234/x"),
        ("10.1234/x", "doi", "10.1234/x", "https://doi.org/10.1234/x"),
        ("hdl:20.500.1/77", "hdl", "20.500.1/77", "https://hdl.handle.net/20.500.1/77"),
        ("urn:nbn:de:101-1", "urn", "urn:nbn:de:101-1", "urn:nbn:de:101-1"),
        ("urn:uuid:d4eced65-2086-5c0a-8d80-e74683fe8f79", "urn",
         "urn:uuid:d4eced65-2086-5c0a-8d80-e74683fe8f79",
         "urn:uuid:d4eced65-2086-5c0a-8d80-e74683fe8f79"),
    ],
)  # fmt: skip
def test_schemes(given: str, scheme: str, value: str, uri: str) -> None:
    found, bare = identifier_scheme(given)
    assert (found.name, bare, identifier_uri(given)) == (scheme, value, uri)


def test_a_doi_reaches_marc_and_onix_in_their_forms(built: Built, tmp_path) -> None:
    import onixcheck

    entry = built.release.entries[0]
    entry = replace(entry, epub=replace(entry.epub, identifier="doi:10.1234/talks"))
    record = marc.marc_record(entry, entry.epub)
    assert record["024"].get_subfields("a", "2") == ["10.1234/talks", "doi"]
    assert "https://doi.org/10.1234/talks" in [f["u"] for f in record.get_fields("856")]
    epubs = {e.id: (built.data / e.epub.path).read_bytes() for e in built.release.entries}
    message = onix.onix_message([entry], epubs)
    path = tmp_path / "onix.xml"
    path.write_bytes(message)
    assert onixcheck.validate(str(path)) == []
    identifier = etree.fromstring(message).find(f".//{ONIX}Product/{ONIX}ProductIdentifier")
    assert identifier.findtext(f"{ONIX}ProductIDType") == "06"
    assert identifier.findtext(f"{ONIX}IDValue") == "10.1234/talks"
