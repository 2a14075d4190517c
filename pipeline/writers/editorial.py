"""Turn a Document's record of changes into the words of the Editorial note, for both editions.

One policy statement for the print and the ebook edition: what the text is, how the typography
was normalised (each rule that fired, in words, with its count), and whether corrections follow.
Each writer lays the corrections table out its own way (print pages, EPUB links).
"""

from __future__ import annotations

from pipeline.model import Document

NO_CORRECTIONS = "No corrections were made to the source text."


def policy_paragraphs(doc: Document, *, corrections_intro: str) -> list[str]:
    """The note's opening paragraphs; `corrections_intro` leads into the writer's table."""
    fired = [rule for rule in doc.typography if rule.count > 0]
    if fired:
        clauses = "; ".join(
            f"{rule.why} ({rule.count} {'time' if rule.count == 1 else 'times'})" for rule in fired
        )
        typography = f"The typography has been normalised: {clauses}."
    else:
        typography = "The typography of the source has been kept as it stands."
    policy = [
        "The text is the source’s, word for word, with its own spelling and errors; "
        "square brackets and […] are the source’s or its editors’, not ours. "
        "Notes are numbered as in the source.",
        typography,
    ]
    if doc.corrections:
        policy.append(corrections_intro)
    return policy
