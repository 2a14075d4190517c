"""Turn a release's payload (names → bytes) into a BagIt bag, with SHA256SUMS over everything.

BagIt 1.0 (RFC 8493), as the Library of Congress's `bagit` package reads it: the payload under
`data/`, `bagit.txt`, `bag-info.txt`, `manifest-sha256.txt` over the payload and
`tagmanifest-sha256.txt` over the tag files. The bag is written here as bytes, not by
`bagit.make_bag`, because that one stamps today's date as `Bagging-Date` and lists tag files in
the order the file system returns them: here the date is the release's (the newest edition
date), every list is sorted, and two builds give the same bytes. The tests validate the bag with
`bagit` itself.

`SHA256SUMS` (the format `sha256sum -c` reads) lists every other file of the release, tag
files included, so one command checks a copy; it is a tag file no manifest lists (it cannot
list itself, nor be listed by a file it lists).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

PAYLOAD = "data"
CHECKSUMS = "SHA256SUMS"
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt")


@dataclass(frozen=True, slots=True)
class BagInfo:
    """What bag-info.txt says about the release (RFC 8493 §2.2.2 reserved names)."""

    source_organization: str
    bagging_date: str  # ISO date, from the editions' metadata
    description: str
    software: str


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(files: Mapping[str, bytes]) -> bytes:
    return "".join(f"{_sha256(files[name])}  {name}\n" for name in sorted(files)).encode()


def bag_files(payload: Mapping[str, bytes], info: BagInfo) -> dict[str, bytes]:
    """The whole bag: payload under data/, the tag files, and SHA256SUMS."""
    if any(name.startswith("/") or ".." in name.split("/") or "\n" in name for name in payload):
        raise ValueError("payload names must be relative paths inside the bag")
    data = {f"{PAYLOAD}/{name}": content for name, content in payload.items()}
    size = sum(len(content) for content in payload.values())
    fields = (
        ("Bag-Software-Agent", info.software),
        ("Bagging-Date", info.bagging_date),
        ("External-Description", info.description),
        ("Payload-Oxum", f"{size}.{len(payload)}"),
        ("Source-Organization", info.source_organization),
    )
    tags = {
        "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "bag-info.txt": "".join(f"{k}: {' '.join(v.split())}\n" for k, v in fields if v).encode(),
        "manifest-sha256.txt": _manifest(data),
    }
    tags["tagmanifest-sha256.txt"] = _manifest(tags)
    everything = {**data, **tags}
    return {**everything, CHECKSUMS: _manifest(everything)}
