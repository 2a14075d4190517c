"""Turn command-line arguments into pipeline runs; turn every input problem into one line.

    python -m pipeline inspect PATH [--json]
    python -m pipeline build PATH --to pdf|epub [--out DIR] [--paper a4|letter]
    python -m pipeline suggest PATH [--json]
    python -m pipeline audit PATH [--out DIR]
    python -m pipeline doctor

PATH is a document folder (`sources/<id>/`) or a bare `.txt`. Problems in the input are printed
to stderr as `file:line: problem` with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.context import PAPER_SIZES, PROJECT_ROOT
from pipeline.errors import PipelineError
from pipeline.model import (
    Document,
    Session,
    Turn,
    block_text,
    body_blocks,
    inline_text,
    speakers,
)

EXIT_INPUT = 2
EXIT_INTERNAL = 70


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a failed build never leaves a
    half-written file and never clobbers the last good one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise PipelineError(f"cannot write here: {error.strerror}", path) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise PipelineError(f"cannot write: {error.strerror}", path) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- inspect -----------------------------------------------------------------------------------


def _heading(session: Session) -> str | None:
    return inline_text(session.heading) if session.heading else None


def inspect_json(read: Document, final: Document) -> dict:
    """The model as JSON. Text is given as read (after errata, before typography), so it can be
    compared with the source; `typography` says what the house style then changes."""
    return {
        "id": final.meta.id,
        "title": read.meta.source_title,
        "edition_title": final.meta.title,
        "date": final.meta.date,
        "dateline": read.meta.dateline,
        "language": final.meta.language,
        "header": [block_text(b) for b in read.header.blocks],
        "sessions": [
            {
                "heading": _heading(s),
                "time": {"start": s.time.start, "end": s.time.end} if s.time else None,
                "paragraphs": len(s.blocks),
            }
            for s in read.sessions
            if s.heading
        ],
        "preamble_paragraphs": sum(len(s.blocks) for s in read.sessions if not s.heading),
        "notes": [
            {"number": n.number, "text": "\n\n".join(inline_text(p) for p in n.paragraphs)}
            for n in read.notes
        ],
        "speakers": list(speakers(read)),
        "paragraphs": sum(1 for _ in body_blocks(read)),
        "blocks": [
            {
                "id": block.id,
                "line": block.line,
                "kind": type(block).__name__.lower(),
                **(
                    {"label": block.label, "speaker": block.speaker}
                    if isinstance(block, Turn)
                    else {}
                ),
                "text": block_text(block),
            }
            for _, block in body_blocks(read)
        ],
        "corrections": [
            {
                "id": c.id,
                "find": c.find,
                "replace": c.replace,
                "reason": c.reason,
                "note": c.note,
                "line": c.line,
                "column": c.column,
                "session": c.session,
                "paragraph": c.paragraph,
            }
            for c in final.corrections
        ],
        "typography": {r.name: r.count for r in final.typography},
    }


def inspect_text(read: Document, final: Document) -> str:
    out = [f"{read.meta.source_title}", f"  date: {final.meta.date or '(unknown)'}"]
    for block in read.header.blocks:
        out.append(f"  {block.line:>4}  {type(block).__name__:<10} {block_text(block)[:90]}")
    for session in read.sessions:
        out.append("")
        out.append(f"{session.line:>4}  == {_heading(session) or '(before the first heading)'}")
        for block in session.blocks:
            kind = type(block).__name__
            if isinstance(block, Turn):
                kind = f"Turn<{block.label}>"
            out.append(f"  {block.line:>4}  {kind:<24} {inline_text(block.content)[:80]}")
    out.append("")
    out.append("Notes")
    for note in read.notes:
        out.append(f"  {note.line:>4}  [{note.number}] {inline_text(note.paragraphs[0])[:90]}")
    out.append("")
    out.append(f"Corrections ({len(final.corrections)})")
    for c in final.corrections:
        out.append(f"  {c.line:>4}:{c.column:<4} {c.id}: {c.find!r} → {c.replace!r} ({c.reason})")
    out.append("")
    out.append("Typography")
    for rule in final.typography:
        out.append(f"  {rule.count:>4}  {rule.name}")
    return "\n".join(out)


def run_inspect(args: argparse.Namespace) -> int:
    from pipeline.pipeline import prepare

    read, _ = prepare(args.path, typography=False)
    final, _ = prepare(args.path)
    if args.json:
        print(json.dumps(inspect_json(read, final), ensure_ascii=False, indent=2))
    else:
        print(inspect_text(read, final))
    return 0


# --- build -------------------------------------------------------------------------------------


def run_build(args: argparse.Namespace) -> int:
    from pipeline.doctor import require_build_dependencies
    from pipeline.pipeline import prepare

    require_build_dependencies()  # before anything imports WeasyPrint, which needs Pango to load

    doc, ctx = prepare(args.path)
    if args.paper:
        ctx = replace(ctx, settings=replace(ctx.settings, paper=args.paper))
    out_dir = Path(args.out) if args.out else PROJECT_ROOT / "output" / ctx.id
    outputs: dict[str, bytes] = {}
    rendered = None
    if "pdf" in args.to:
        from pipeline.writers import reports
        from pipeline.writers.pdf import render_print, write_pdf

        # One print layout serves the PDF, the errata files' page column and the page-list.
        rendered = render_print(doc, ctx)

        pages: dict[str, int] = {}
        for number, page in enumerate(rendered.pages, start=1):
            for anchor in page.anchors:
                pages.setdefault(anchor, number)
        outputs[f"{ctx.id}.pdf"] = write_pdf(doc, ctx, rendered)
        outputs["errata.json"] = reports.errata_json(doc, pages)
        outputs["errata.csv"] = reports.errata_csv(doc, pages)
        outputs["normalisation.json"] = reports.normalisation_json(doc)
    if "epub" in args.to:
        from pipeline.writers.epub import write_epub
        from pipeline.writers.pagemap import print_page_starts

        # Alone, the EPUB writer lays out the print edition itself for its page-list, and
        # goes without one (with a warning) if the print layout cannot be made.
        starts = print_page_starts(doc, ctx, rendered) if rendered is not None else None
        outputs[f"{ctx.id}.epub"] = write_epub(doc, ctx, starts)
    # Everything is built before anything is written: a failure leaves no half-set behind.
    for name, data in outputs.items():
        write_atomically(out_dir / name, data)
        print(f"wrote {out_dir / name}", file=sys.stderr)
    return 0


# --- suggest and audit -------------------------------------------------------------------------


def run_suggest(args: argparse.Namespace) -> int:
    from pipeline.editorial.review import suggest_for

    return suggest_for(args.path, as_json=args.json)


def run_audit(args: argparse.Namespace) -> int:
    from pipeline.editorial.audit import audit_command

    return audit_command(args.path, out=Path(args.out) if args.out else None)


def run_doctor(args: argparse.Namespace) -> int:
    from pipeline import doctor

    findings = doctor.examine()
    print("\n".join(doctor.report_lines(findings)))
    return doctor.exit_status(findings)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m pipeline", description="Build editions of records of talks."
    )
    commands = top.add_subparsers(dest="command", required=True)

    inspect = commands.add_parser("inspect", help="print the document model")
    inspect.add_argument("path", type=Path, help="document folder or .txt file")
    inspect.add_argument("--json", action="store_true", help="print JSON")
    inspect.set_defaults(run=run_inspect)

    build = commands.add_parser("build", help="build the print and/or ebook edition")
    build.add_argument("path", type=Path, help="document folder or .txt file")
    build.add_argument(
        "--to", action="append", choices=("pdf", "epub"), required=True, help="output format"
    )
    build.add_argument("--out", help="output folder (default: output/<id>/)")
    build.add_argument("--paper", choices=tuple(PAPER_SIZES), help="override [print] paper")
    build.set_defaults(run=run_build)

    suggest = commands.add_parser("suggest", help="list candidate typos for the errata")
    suggest.add_argument("path", type=Path, help="document folder or .txt file")
    suggest.add_argument("--json", action="store_true", help="print JSON")
    suggest.set_defaults(run=run_suggest)

    audit = commands.add_parser("audit", help="check built files against the source")
    audit.add_argument("path", type=Path, help="document folder or .txt file")
    audit.add_argument("--out", help="folder holding the built editions (default: output/<id>/)")
    audit.set_defaults(run=run_audit)

    doctor = commands.add_parser(
        "doctor", help="check the system dependencies (exit status 1: the build cannot run)"
    )
    doctor.set_defaults(run=run_doctor)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except PipelineError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get("PIPELINE_DEBUG"):
            raise
        print(
            f"internal error: {type(error).__name__}: {error} "
            "(this is a bug in the pipeline; rerun with PIPELINE_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
