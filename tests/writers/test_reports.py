"""writers/reports.py: errata and normalisation files beside the editions."""

import csv
import io
import json

from pipeline.model import Correction, Document, Header, Meta, RuleReport, Text
from pipeline.writers.reports import errata_csv, errata_json, normalisation_json

DOC = Document(
    meta=Meta(id="doc", title="T"),
    header=Header(title=(Text("T"),)),
    sessions=(),
    corrections=(
        Correction(
            "spheres", "other spehres.", "other spheres.", "typo", "", 104, 212,
            "Evening meeting", 46, "p46",
        ),
        Correction("sic", "a, b", "a; b", "punctuation", "kept, \"quoted\"", 3, 1, "", 0, "h2"),
    ),
    typography=(RuleReport("number-range", "ranges take an en dash", 2, (("8-13", "8–13"),)),),
)  # fmt: skip


def test_errata_json_lists_every_correction_with_its_place_and_page():
    data = json.loads(errata_json(DOC, {"p46": 5}))
    first, second = data["corrections"]
    assert data["document"] == "doc"
    assert first == {
        "id": "spheres", "reason": "typo", "find": "other spehres.", "replace": "other spheres.",
        "note": "", "source_line": 104, "source_column": 212, "session": "Evening meeting",
        "paragraph": 46, "page": 5, "block_id": "p46",
    }  # fmt: skip
    assert second["page"] is None


def test_errata_csv_has_the_same_entries_and_survives_commas_and_quotes():
    rows = list(csv.DictReader(io.StringIO(errata_csv(DOC, {"p46": 5}).decode())))
    assert [r["id"] for r in rows] == ["spheres", "sic"]
    assert rows[1]["note"] == 'kept, "quoted"' and rows[1]["page"] == ""


def test_normalisation_json_gives_counts_and_examples():
    (rule,) = json.loads(normalisation_json(DOC))["rules"]
    assert rule == {
        "name": "number-range",
        "why": "ranges take an en dash",
        "count": 2,
        "examples": [{"before": "8-13", "after": "8–13"}],
    }
