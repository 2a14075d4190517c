"""The packet's identifiers: one for the packet (its EPUB's), one for its printed pages on their
paper (the PDF's, and the EPUB page-list's `pageBreakSource`). Stable: uuid5 of a URL naming the
packet file, as `writers/shared.py` names each document."""

from __future__ import annotations

import uuid

from pipeline.packet.spec import PacketSpec
from pipeline.writers.shared import IDENTIFIER_BASE


def packet_identifier(spec: PacketSpec) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, IDENTIFIER_BASE + 'packets/' + spec.name)}"


def print_identifier(spec: PacketSpec) -> str:
    """The printed packet's identifier on its paper: the `pageBreakSource` of the page-list."""
    name = f"{IDENTIFIER_BASE}packets/{spec.name}/print/{spec.paper}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"
