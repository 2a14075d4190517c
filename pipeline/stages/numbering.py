"""Turn a Document into one whose body paragraphs carry their citation numbers.

    (Turn, Subheading, Paragraph)  →  (Turn(number=1), Subheading, Paragraph(number=2))

The rule, stated in the README and in the editions: the body paragraphs of the record are
numbered 1, 2, 3 … in reading order through the whole record, across its sessions. Every
paragraph, speaker turn, omission mark ("[…]") and closing line counts; session headings,
subheadings, the title block, the header's lines and the notes do not. A number depends on the
record's text alone, so the same text gives the same numbers in the print edition, the ebook, a
reading packet and the editorial note ("¶ 12"), build after build.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.model import Block, Closing, Document, Omission, Paragraph, Turn

COUNTED = (Paragraph, Turn, Omission, Closing)


def number_paragraphs(doc: Document) -> Document:
    number = 0

    def numbered(block: Block) -> Block:
        nonlocal number
        if not isinstance(block, COUNTED):
            return block
        number += 1
        return replace(block, number=number)

    sessions = tuple(
        replace(session, blocks=tuple(numbered(b) for b in session.blocks))
        for session in doc.sessions
    )
    return replace(doc, sessions=sessions)
