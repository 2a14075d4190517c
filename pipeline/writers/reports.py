"""Turn a Document's record of changes into the machine-readable files beside its editions.

    errata.json, errata.csv   every applied correction (errata.json: with the SHA-256 of the
                              source it was built from): the errata file's id, where it falls
                              (source line and column; session, paragraph, print page), the
                              source reading, the edition's reading, the reason and the note
    normalisation.json        every typography rule: what it is for, how often it fired, and a
                              few examples (before, after)

The same entries as the Editorial note printed in both editions, for tools and reviewers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping

from pipeline.model import Document
from pipeline.writers.shared import words_anchor

ERRATA_COLUMNS = (
    "id",
    "reason",
    "find",
    "replace",
    "note",
    "source_line",
    "source_column",
    "session",
    "paragraph",
    "page",
    "block_id",
)


def errata_rows(doc: Document, pages: Mapping[str, int]) -> list[dict[str, object]]:
    """One row per correction; `pages` maps an element id of the print edition to its page.
    The page is the one where the entry's words are, which may come after the page its block
    starts on; an entry with no words printed (a label, a replaced title) has its block's."""
    return [
        {
            "id": c.id,
            "reason": c.reason,
            "find": c.find,
            "replace": c.replace,
            "note": c.note,
            "source_line": c.line,
            "source_column": c.column,
            "session": c.session,
            "paragraph": c.paragraph,
            "page": pages.get(words_anchor(c.id), pages.get(c.block_id)),
            "block_id": c.block_id,
        }
        for c in doc.corrections
    ]


def errata_json(doc: Document, pages: Mapping[str, int]) -> bytes:
    data = {
        "document": doc.meta.id,
        "source": "source.txt",
        # The source as received, so that the audit can tell the editions were built from
        # the text the errata were written against (issue 14 §4).
        "source_sha256": doc.source_sha256,
        "errata": "errata.toml",
        "corrections": errata_rows(doc, pages),
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def errata_csv(doc: Document, pages: Mapping[str, int]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ERRATA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in errata_rows(doc, pages):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def normalisation_json(doc: Document) -> bytes:
    data = {
        "document": doc.meta.id,
        "rules": [
            {
                "name": rule.name,
                "why": rule.why,
                "count": rule.count,
                "examples": [{"before": b, "after": a} for b, a in rule.examples],
            }
            for rule in doc.typography
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
