"""Turn a book plan and its rendered files into the EPUB's accessibility claims, true of this book.

EPUB Accessibility 1.1 §2 asks for discovery metadata (access modes, features, hazards and a
summary) and a conformance claim with who evaluated it (§5). Each claim here is computed from
what this document and these files really have, so a record with no speaker labels, an untitled
opening session or no page-list is never described as having them (issue 9, "Accessibility
claims"). The vocabulary is schema.org's, as the W3C's "Schema.org Accessibility Properties for
Discoverability" defines it (printPageNumbers is deprecated there in favour of pageBreakMarkers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.context import PAPER_SIZES
from pipeline.model import Document, Meta, Subheading, Turn, body_blocks
from pipeline.writers.editorial import apparatus
from pipeline.writers.epub.plan import BookPlan, correction_target

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
# EPUB Accessibility 1.1 §5.2: the claim names who evaluated the book. Unless edition.toml names
# a certifier ([document] accessibility_certifier), that is the publisher itself, checking with
# EPUBCheck and Ace in its tests: a self-evaluation, and the metadata says so.
SELF_EVALUATION = "Self-evaluation"

# (feature, why it is claimed) for what every book of this pipeline has by construction.
ALWAYS = (
    ("structuralNavigation", "each file opens with one h1, sessions' subheadings are h2"),
    ("tableOfContents", "the nav document and the NCX list every part"),
    ("readingOrder", "the spine is the record's order; notes follow their chapter's text"),
    ("displayTransformability", "the stylesheet sets no font, colour or fixed size"),
)


MARKUP = "This edition is text with structural markup"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def uses_aria(files: Mapping[str, bytes]) -> bool:
    """Whether any file uses ARIA (DPUB-ARIA roles, aria-label): then "ARIA" is a feature."""
    return any(re.search(rb'\s(role|aria-[a-z]+)="', data) for data in files.values())


def features(plan: BookPlan, files: Mapping[str, bytes]) -> list[str]:
    found = [feature for feature, _ in ALWAYS]
    if any(b"<img " in data for data in files.values()):
        found.append("alternativeText")  # every img is rendered with its alt text (cover.py)
    if uses_aria(files):
        found.append("ARIA")
    if plan.pages:
        found += ["pageBreakMarkers", "pageNavigation"]
    return found


def summary(plan: BookPlan) -> str:
    """A few sentences a reader can trust, stating what this book has and lacks."""
    doc = plan.doc
    return " ".join(
        (
            _structure(doc),
            _speakers(doc),
            _notes(plan),
            _corrections(plan),
            _pages(plan),
            "The only image, the cover, has a text description. "
            "The stylesheet sets no fonts or colours, so the reader’s own settings apply.",
        )
    ).replace("  ", " ")


def _structure(doc: Document) -> str:
    sessions = len(doc.sessions)
    headed = sum(1 for s in doc.sessions if s.heading)
    subheadings = sum(1 for _, b in body_blocks(doc) if isinstance(b, Subheading))
    if not sessions:
        text = f"{MARKUP}: a title page and no chapters."
    elif headed == sessions == 1:
        text = f"{MARKUP}: its one session is a chapter under its own heading."
    elif headed == sessions:
        text = f"{MARKUP}: each of its {sessions} sessions is a chapter under its own heading."
    else:
        chapters = _count(sessions, "chapter", "chapters")
        own = _count(headed, "has its own heading", "have their own headings")
        untitled = _count(sessions - headed, "part", "parts")
        text = (
            f"{MARKUP} in {chapters}: {own}; {untitled} without a heading in the source "
            f"{'is' if sessions - headed == 1 else 'are'} headed with the edition’s title."
        )
    if subheadings:
        text += f" {_count(subheadings, 'subheading divides', 'subheadings divide')} the text."
    return text + " A table of contents and landmarks lead to every part."


def _speakers(doc: Document) -> str:
    turns = sum(1 for _, b in body_blocks(doc) if isinstance(b, Turn))
    if not turns:
        return "No speakers are marked: the record reports what was said."
    which = (
        "The one turn of speech opens"
        if turns == 1
        else f"Each of the {turns} turns of speech opens"
    )
    return f"{which} with the speaker’s name, set apart."


def _pick(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _notes(plan: BookPlan) -> str:
    notes, called = len(plan.notes), len(plan.called)
    if not notes:
        return "The record has no notes."
    uncalled = notes - called
    linked = f"linked from {_pick(called, 'its call', 'their calls')} and back"
    unlinked = (
        f"{_pick(uncalled, 'has', 'have')} no call in the text and "
        f"{_pick(uncalled, 'follows', 'follow')} the last chapter"
    )
    its = "Its one note" if notes == 1 else f"Its {notes} notes"
    if not uncalled:
        return f"{its} {_pick(notes, 'is', 'are')} {linked}."
    if not called:
        return f"{its} {unlinked}."
    return (
        f"Of its {notes} notes, {called} {_pick(called, 'is', 'are')} {linked}; "
        f"the other {uncalled} {unlinked}."
    )


def _corrections(plan: BookPlan) -> str:
    entries = [c for section in apparatus(plan.doc).sections for c in section.entries]
    if not entries:
        return "An editorial note states how the text was edited."
    linked = sum(1 for c in entries if correction_target(plan, c.id, c.block_id))
    listed = _count(len(entries), "intervention", "interventions")
    if linked == len(entries):
        where = "each linked to its place" if linked > 1 else "linked to its place"
    else:
        where = f"{linked} of them linked to their place"
    return f"An editorial note states how the text was edited and lists {listed}, {where}."


def _pages(plan: BookPlan) -> str:
    if not plan.pages:
        return "There are no print page numbers."
    paper = PAPER_SIZES.get(plan.paper, plan.paper)
    return (
        f"Page breaks and a page list follow the print edition on {paper} paper "
        f"({_count(len(plan.pages), 'page', 'pages')})."
    )


def certifier(meta: Meta) -> str:
    return meta.accessibility_certifier.strip() or SELF_EVALUATION
