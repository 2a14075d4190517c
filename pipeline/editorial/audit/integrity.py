"""Turn a document's inputs and the reports beside its editions into problems of provenance.

- The errata were written against one source: `errata.toml` records its SHA-256
  (`source_sha256`). A source edited by hand afterwards has another hash, and the audit fails
  naming both; an errata file with entries and no hash is a notice (nothing to compare).
- The model was made from this source (`Document.source_sha256`), and the editions were built
  from it (`errata.json` records the hash it was built from).
- Every errata entry was applied once, as the file declares it.
- `errata.json` lists every entry, with the page where its words really are in the PDF, and
  `normalisation.json` gives each typography rule's count as the audit found it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from pipeline.editorial.audit.report import AuditReport, Tally
from pipeline.model import Document
from pipeline.stages.errata import Errata


def check_inputs(
    doc: Document,
    source_bytes: bytes,
    errata: Errata,
    source_name: str,
    errata_name: str,
    tally: Tally,
) -> str:
    """The source's hash against the errata's and the model's; each entry applied as declared.
    Returns the source's SHA-256."""
    digest = hashlib.sha256(source_bytes).hexdigest()
    if errata.source_sha256 and errata.source_sha256 != digest:
        tally.problem(
            "the source was changed after the errata were written",
            source_name,
            errata_name,
            f"SHA-256 of {source_name}: {digest}",
            f"source_sha256 in {errata_name}: {errata.source_sha256}",
        )
    elif errata.source_sha256:
        tally.add("source: SHA-256 as the errata record it")
    elif errata.fixes:
        tally.notices.append(
            f"{errata_name} records no source_sha256, so a change to {source_name} after the"
            f' errata were written cannot be seen; record it: source_sha256 = "{digest}"'
        )
    if doc.source_sha256 and doc.source_sha256 != digest:
        tally.problem(
            "the model was made from another source",
            source_name,
            "model",
            digest,
            doc.source_sha256,
        )
    applied = {c.id: c for c in doc.corrections}
    for fix in errata.fixes:
        c = applied.pop(fix.id, None)
        declared = (fix.kind, fix.reason, fix.note, fix.category)
        if c is None or (c.kind, c.reason, c.note, c.category) != declared:
            tally.problem(
                f"errata entry {fix.id!r} is not applied as declared",
                f"{errata_name}:{fix.line}",
                "model",
                " | ".join(declared),
                " | ".join((c.kind, c.reason, c.note, c.category)) if c else "(not applied)",
            )
    for c in applied.values():
        tally.problem(
            f"a correction {c.id!r} in the model that the errata file does not declare",
            errata_name,
            "model",
            "(none)",
            c.id,
        )
    return digest


def check_reports(
    folder: Path,
    doc: Document,
    digest: str,
    counts: Mapping[str, int],
    pages: Mapping[str, int] | None,
    tally: Tally,
) -> None:
    """errata.json and normalisation.json beside the editions (written with the PDF)."""
    errata_json = folder / "errata.json"
    if errata_json.is_file():
        data = json.loads(errata_json.read_text(encoding="utf-8"))
        recorded = data.get("source_sha256", "")
        if recorded != digest:
            tally.problem(
                "the editions were built from another source (errata.json)",
                "source.txt",
                str(errata_json),
                digest,
                recorded or "(no source_sha256)",
            )
        rows = {row.get("id"): row for row in data.get("corrections", [])}
        if list(rows) != [c.id for c in doc.corrections]:
            tally.problem(
                "errata.json does not list every applied entry once, in order",
                "errata.toml",
                str(errata_json),
                ", ".join(c.id for c in doc.corrections),
                ", ".join(map(str, rows)),
            )
        for c in doc.corrections:
            row = rows.get(c.id)
            if row is None or pages is None or c.id not in pages:
                continue
            if row.get("page") != pages[c.id]:
                tally.problem(
                    f"errata.json gives errata entry {c.id!r} another page than the PDF",
                    f"errata.toml:{c.errata_line}",
                    str(errata_json),
                    f"page {pages[c.id]} (where its words are)",
                    f"page {row.get('page')}",
                )
    normalisation = folder / "normalisation.json"
    if normalisation.is_file():
        data = json.loads(normalisation.read_text(encoding="utf-8"))
        for rule in data.get("rules", []):
            name, count = rule.get("name"), rule.get("count")
            if count != counts.get(name, 0):
                tally.problem(
                    f"normalisation.json gives typography rule {name!r} another count",
                    "pipeline/rules/typography.py",
                    str(normalisation),
                    f"{counts.get(name, 0)} (the rules applied to the text as read)",
                    str(count),
                )


def provenance_report(tally: Tally) -> AuditReport:
    return tally.report("provenance: the source, its errata and the model", 0)
