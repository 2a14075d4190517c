"""Turn a book plan into its colophon: who made the edition, from what, when, and with what.

A library cataloguing the ebook, and a reader citing it, find here what the package metadata
says, in words: the creator and the contributors with their roles, the date of the talks (the
content's date) apart from the edition's own date, the source and where it is held, the
identifiers of this ebook and of the print edition its page numbers follow, the checksum of the
source file, the pipeline and version that made the book, and its accessibility.
"""

from __future__ import annotations

import re

from pipeline.context import PAPER_SIZES
from pipeline.writers.epub.accessibility import CONFORMS_TO, SELF_EVALUATION, certifier, summary
from pipeline.writers.epub.plan import BookPlan
from pipeline.writers.shared import (
    content_date,
    contributors,
    edition_date,
    epub_identifier,
    generator,
    print_identifier,
    spelled_date,
)

# An edition with no date in edition.toml (a bare .txt) says so rather than take a date from
# the talks or the clock; its dcterms:modified is package.FALLBACK_MODIFIED.
UNDATED = "Undated: no date of publication or revision was given"


def _entry(label: str, value: str, href: str = "") -> dict[str, str]:
    return {"label": label, "value": " ".join(value.split()), "href": href}


def colophon_entries(plan: BookPlan) -> list[dict[str, str]]:
    """(label, value, link) rows, in the order a catalogue record reads."""
    meta = plan.doc.meta
    entries = [_entry("Title", plan.title)]
    if meta.subtitle.strip():
        entries.append(_entry("Subtitle", meta.subtitle))
    entries += [_entry(person.label, person.name) for person in contributors(meta)]
    if content_date(meta):
        entries.append(_entry("Date of the talks", spelled_date(content_date(meta))))
    for label, value in (("Archive", meta.archive), ("Source", meta.citation)):
        if value.strip():
            entries.append(_entry(label, value))
    if url := meta.source_url.strip():
        # Only web addresses become links: a `javascript:` or `file:` URL stays text.
        entries.append(_entry("Online", url, url if re.match(r"https?://", url) else ""))
    if meta.publisher.strip():
        entries.append(_entry("Publisher", meta.publisher))
    published = edition_date(meta)
    entries.append(_entry("Published", spelled_date(published) if published else UNDATED))
    if meta.modified.strip() and meta.modified.strip() != published:
        entries.append(_entry("Last revised", spelled_date(meta.modified)))
    if meta.rights.strip():
        entries.append(_entry("Rights", meta.rights))
    entries.append(_entry("Identifier", epub_identifier(meta)))
    if plan.pages:
        paper = PAPER_SIZES.get(plan.paper, plan.paper)
        entries.append(_entry("Print edition", f"{print_identifier(meta, plan.paper)} ({paper})"))
    if plan.doc.source_sha256:
        entries.append(_entry("Source file", f"SHA-256 {plan.doc.source_sha256}"))
    entries.append(_entry("Made with", generator()))
    return entries


def colophon_notes(plan: BookPlan) -> list[str]:
    """The paragraphs after the entries: where the page numbers come from, and accessibility."""
    meta = plan.doc.meta
    paragraphs = []
    if plan.pages:
        paper = PAPER_SIZES.get(plan.paper, plan.paper)
        paragraphs.append(
            f"Page numbers (in the page list) are those of the print edition on {paper} paper, "
            f"{print_identifier(meta, plan.paper)}, built from the same text."
        )
    who = certifier(meta)
    paragraphs.append(f"Accessibility: {summary(plan)} Conformance: {_claim(who)}.")
    return paragraphs


def _claim(who: str) -> str:
    # CONFORMS_TO is the exact string the specification defines; in prose, its parts.
    claim = CONFORMS_TO.replace(" - ", ", ")
    if who == SELF_EVALUATION:
        return f"{claim}, a self-evaluation, not an independent certification"
    return f"{claim}, certified by {who}"
