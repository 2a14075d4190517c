"""Turn a document folder and its built editions into the audit's verdict: reports and a status.

    python -m pipeline audit PATH [--out DIR]

Runs every step once: provenance (source hash, errata, reports), source → model, model → PDF,
model → EPUB (which checks its page-list against the PDF's pages). Exit status 0 when every
difference is explained, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.context import PROJECT_ROOT
from pipeline.editorial.audit.colophon import pdf_identifier
from pipeline.editorial.audit.epub import compare_epub
from pipeline.editorial.audit.integrity import check_inputs, check_reports, provenance_report
from pipeline.editorial.audit.pdf import audit_print
from pipeline.editorial.audit.report import AuditReport, Tally, format_report, merge_reports
from pipeline.editorial.audit.source import audit_source
from pipeline.editorial.audit.typography import rule_counts
from pipeline.errors import PipelineError
from pipeline.model import Document
from pipeline.stages.errata import Errata, parse_errata_file


def audit_pdf(
    doc_read: Document,
    doc_final: Document,
    source_text: str,
    pdf_bytes: bytes,
    source_name: str = "source.txt",
) -> AuditReport:
    """Source → model → PDF: every difference explained, or a problem."""
    first = audit_source(doc_read, doc_final, source_text, source_name)
    second = audit_print(
        doc_final, pdf_bytes, source_text, source_name, counts=rule_counts(doc_read)
    )
    return merge_reports(first, second.report)


def audit_epub(
    doc_read: Document,
    doc_final: Document,
    source_text: str,
    epub_bytes: bytes,
    source_name: str = "source.txt",
    print_pages: list[list[str]] | None = None,
) -> AuditReport:
    """Source → model → EPUB: every difference explained, or a problem."""
    first = audit_source(doc_read, doc_final, source_text, source_name)
    second = compare_epub(
        doc_final,
        epub_bytes,
        source_text,
        source_name,
        counts=rule_counts(doc_read),
        print_pages=print_pages,
    )
    return merge_reports(first, second)


def audit_command(path: Path, out: Path | None = None) -> int:
    """`python -m pipeline audit PATH [--out DIR]`: 0 if every difference is explained."""
    from pipeline.inputs import decoded, read_inputs
    from pipeline.pipeline import prepare_inputs
    from pipeline.stages.read import decode

    inputs = read_inputs(path)
    doc_read, ctx = prepare_inputs(inputs, typography=False)
    doc_final, _ = prepare_inputs(inputs)
    folder = Path(out) if out else PROJECT_ROOT / "output" / ctx.id
    files = {kind: folder / f"{ctx.id}.{kind}" for kind in ("pdf", "epub")}
    for kind, file in files.items():
        if not file.is_file():
            raise PipelineError(
                f"no {kind.upper()} to audit; build it first (python -m pipeline build"
                f" {path} --to pdf --to epub{f' --out {out}' if out else ''})",
                file,
            )
    source_text = decode(inputs.source.data, encoding=ctx.settings.encoding, path=ctx.source)
    name = _display(ctx.source)
    errata_name = _display(Path(inputs.errata.path)) if inputs.errata else "errata.toml"
    errata = (
        parse_errata_file(decoded(inputs.errata, "errata"), errata_name)
        if inputs.errata
        else Errata()
    )
    tally = Tally()
    digest = check_inputs(doc_final, inputs.source.data, errata, name, errata_name, tally)
    provenance = provenance_report(tally)
    source = audit_source(doc_read, doc_final, source_text, name)
    counts = rule_counts(doc_read)
    pdf_bytes = files["pdf"].read_bytes()
    pdf = audit_print(
        doc_final,
        pdf_bytes,
        source_text,
        name,
        errata=errata,
        errata_name=errata_name,
        counts=counts,
        numbers=ctx.settings.paragraph_numbers,
    )
    tally = Tally()
    check_reports(folder, doc_final, digest, counts, pdf.pages, tally)
    beside = tally.report(f"reports beside the editions in {_display(folder)}", 0)
    epub = compare_epub(
        doc_final,
        files["epub"].read_bytes(),
        source_text,
        name,
        errata=errata,
        errata_name=errata_name,
        counts=counts,
        print_pages=pdf.openings,
        print_identifier=pdf_identifier(pdf_bytes),
        numbers=ctx.settings.paragraph_numbers,
    )
    reports = [provenance, source, pdf.report, epub, beside]
    print(f"Audit of {ctx.id}")
    for report in reports:
        print(format_report(report))
    problems = sum(len(report.problems) for report in reports)
    if problems:
        print(f"{problems} unexplained difference(s)", file=sys.stderr)
        return 1
    print("every difference is explained")
    return 0


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
