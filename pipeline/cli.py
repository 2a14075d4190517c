"""Turn command-line arguments into pipeline runs; turn every input problem into one line.

    python -m pipeline inspect PATH [--json]
    python -m pipeline build PATH [--to pdf|epub|tei]... [--out DIR] [--paper a4|letter]
                               [--tei-profile generic|frus] [--force]
    python -m pipeline build --all [FOLDER] [-j N] [--cluster ADDRESS] [--to …] [--force]
    python -m pipeline suggest PATH [--json]
    python -m pipeline audit PATH [--out DIR]
    python -m pipeline dist [FOLDER] [--out DIR] [--base-url URL] [--paper PAPER]
    python -m pipeline doctor
    python -m pipeline packet packets/NAME.toml [--booklet] [--marks] [--out DIR]

PATH is a document folder (`sources/<id>/`) or a bare `.txt`. Problems in the input are printed
to stderr as `file:line: problem` with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from pipeline.context import PAPER_SIZES, PROJECT_ROOT
from pipeline.errors import PipelineError
from pipeline.interrupts import Handler, Terminated, ignore_interrupts, interrupts_raise
from pipeline.metadata import load_edition
from pipeline.model import (
    Document,
    Session,
    Turn,
    block_text,
    body_blocks,
    inline_text,
    speakers,
)
from pipeline.stages.language import explain_language

EXIT_INPUT = 2
EXIT_INTERNAL = 70
# pipeline.build.FORMATS, spelt out so that every command's start does not import the build
# (importlib.metadata and all); a test holds the two equal.
FORMATS = ("pdf", "epub", "tei")
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away
EXIT_TERMINATED = 143  # 128 + SIGTERM
# Errors of the machine a build runs on, reported like input problems (exit 2), not as bugs.
ENVIRONMENT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


# --- inspect -----------------------------------------------------------------------------------


def _heading(session: Session) -> str | None:
    return inline_text(session.heading) if session.heading else None


def inspect_json(read: Document, final: Document, language: str = "") -> dict:
    """The model as JSON. Text is given as read (after errata, before typography), so it can be
    compared with the source; `typography` says what the house style then changes; `language`
    says how the language tag was chosen."""
    return {
        "id": final.meta.id,
        "title": read.meta.source_title,
        "edition_title": final.meta.title,
        "date": final.meta.date,
        "dateline": read.meta.dateline,
        "language": final.meta.language,
        "language_choice": language,
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


def inspect_text(read: Document, final: Document, language: str = "") -> str:
    out = [f"{read.meta.source_title}", f"  date: {final.meta.date or '(unknown)'}"]
    out.append(f"  language: {language or final.meta.language}")
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

    read, ctx = prepare(args.path, typography=False)
    final, _ = prepare(args.path)
    # How the language variant was chosen: edition.toml's tag, or the evidence in the text.
    given = load_edition(ctx.edition).meta.get("language", "") if ctx.edition else ""
    language = explain_language(read, given)
    if args.json:
        print(json.dumps(inspect_json(read, final, language), ensure_ascii=False, indent=2))
    else:
        print(inspect_text(read, final, language))
    return 0


# --- build -------------------------------------------------------------------------------------


def _formats(args: argparse.Namespace) -> tuple[str, ...]:
    from pipeline.build import DEFAULT_FORMATS

    return tuple(dict.fromkeys(args.to)) if args.to else DEFAULT_FORMATS


def run_build(args: argparse.Namespace) -> int:
    from pipeline.doctor import require_build_dependencies

    # Before anything imports WeasyPrint, which cannot even load without Pango.
    require_build_dependencies()
    if args.all is not None:
        return run_build_all(args)
    if args.path is None:
        raise PipelineError("give a document folder or .txt to build, or --all [FOLDER]")
    from pipeline.batch import plan_one, publish_edition, up_to_date
    from pipeline.build import build_one

    formats = _formats(args)
    job = plan_one(
        args.path,
        args.paper,
        Path(args.out) if args.out else None,
        args.tei_profile,
        release=args.release,
    )
    was_up_to_date = up_to_date(job, formats)
    if not args.force and was_up_to_date:
        print(f"up to date: {job.out_dir} (--force rebuilds)", file=sys.stderr)
        return 0
    published = False
    try:
        edition = build_one(job.inputs, formats, args.paper, args.tei_profile)
        publish_edition(job, edition, formats)
        published = True
        ignore_interrupts()  # the edition is out: what is left is to say so
        for name in sorted(edition.files):
            print(f"wrote {job.out_dir / name}", file=sys.stderr)
    except KeyboardInterrupt as stop:
        # Publishing swaps the whole set in one step, so the folder holds the earlier set or
        # the new one; say which (the interrupt may come just after the swap).
        if published or (not was_up_to_date and up_to_date(job, formats)):
            print(f"interrupted; the new edition is in {job.out_dir}, whole", file=sys.stderr)
        else:
            print("interrupted; nothing written", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED
    return 0


def run_build_all(args: argparse.Namespace) -> int:
    from pipeline.batch import BatchRequest, Interrupted, default_jobs, run_batch
    from pipeline.progress import progress_for

    if args.path is not None:
        raise PipelineError("give either a document or --all [FOLDER], not both", args.path)
    request = BatchRequest(
        root=Path(args.all),
        formats=_formats(args),
        out_root=Path(args.out) if args.out else PROJECT_ROOT / "output",
        paper=args.paper,
        jobs=args.jobs or default_jobs(),
        force=args.force,
        cluster=args.cluster,
        release=args.release,
        tei_profile=args.tei_profile,
    )
    if threading.current_thread() is threading.main_thread():
        # SIGTERM ends a batch as it ends any process: the batch stops at safe points for
        # Ctrl-C only (a KeyboardInterrupt inside a pool's locks can hang its shutdown), and
        # what it left half-done the next build cleans up (output.py).
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    progress = progress_for(sys.stderr)
    try:
        with progress:
            report = run_batch(request, progress)
    except Interrupted as interrupted:
        report = interrupted.report
        built = report.count("built")
        print(
            f"interrupted: {built} edition(s) built and kept, the others left as they were; "
            "nothing half-written",
            file=sys.stderr,
        )
        return 130
    ignore_interrupts()  # the batch is over: its report is printed whole
    for outcome in report.outcomes:
        if outcome.status == "failed":
            print(outcome.message, file=sys.stderr)
    print(
        f"{report.count('built')} built, {report.count('failed')} failed, "
        f"{report.count('skipped')} up to date ({report.seconds:.1f} s)",
        file=sys.stderr,
    )
    if any(o.internal for o in report.outcomes):
        return EXIT_INTERNAL
    return EXIT_INPUT if report.count("failed") else 0


# --- suggest and audit -------------------------------------------------------------------------


def run_suggest(args: argparse.Namespace) -> int:
    from pipeline.editorial.review import suggest_for

    return suggest_for(args.path, as_json=args.json)


def run_audit(args: argparse.Namespace) -> int:
    from pipeline.editorial.audit import audit_command

    return audit_command(args.path, out=Path(args.out) if args.out else None)


def _base_url(value: str) -> str:
    """`--base-url`, checked as it is read: a usage error, before anything is built."""
    from pipeline.dist.catalogue import checked_base_url

    try:
        return checked_base_url(value)
    except PipelineError as error:
        raise argparse.ArgumentTypeError(error.message.removeprefix("--base-url ")) from None


def run_dist(args: argparse.Namespace) -> int:
    from pipeline.doctor import require_build_dependencies

    require_build_dependencies()
    from pipeline.dist.release import write_release

    out = Path(args.out) if args.out else PROJECT_ROOT / "output" / "dist"
    release = write_release(
        Path(args.folder),
        out,
        lambda name: print(f"releasing {name}", file=sys.stderr),
        base_url=args.base_url or "",
        paper=args.paper,
    )
    print(
        f"wrote {out}: {len(release.entries)} document(s), {len(release.files)} files "
        "(BagIt bag; check with: sha256sum -c SHA256SUMS)",
        file=sys.stderr,
    )
    return 0


def run_packet(args: argparse.Namespace) -> int:
    """Build a reading packet (pipeline/packet/): its PDF and EPUB (and booklet), written to
    output/packets/ all together or not at all."""
    from pipeline.doctor import require_build_dependencies
    from pipeline.output import publish
    from pipeline.packet import build_packet

    require_build_dependencies()
    out_dir = Path(args.out) if args.out else PROJECT_ROOT / "output" / "packets"
    # SIGTERM is a Terminated here as in every command (`interrupts.interrupts_raise`, in main).
    files = build_packet(args.path, booklet=args.booklet, marks=args.marks)
    # The folder holds every packet: only this packet's files are replaced.
    publish(out_dir, files, owned=lambda name: name.endswith((".pdf", ".epub")))
    for name in files:
        print(out_dir / name)
    return 0


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

    from pipeline.writers.tei import DEFAULT_PROFILE, PROFILE_NAMES

    build = commands.add_parser(
        "build",
        help="build the print and ebook editions (and the TEI file) of one document, or of all",
    )
    build.add_argument("path", type=Path, nargs="?", help="document folder or .txt file")
    build.add_argument(
        "--all",
        nargs="?",
        const="sources",
        metavar="FOLDER",
        help="build every document folder under FOLDER (default: sources/)",
    )
    build.add_argument(
        "--to",
        action="append",
        choices=FORMATS,
        help="output format (repeat for several; default: pdf and epub); tei writes <id>.xml",
    )
    build.add_argument(
        "--tei-profile",
        choices=PROFILE_NAMES,
        default=DEFAULT_PROFILE,
        help="with --to tei: generic TEI P5 (valid against tei_all, the default) or frus "
        "(shaped and valid as the Office of the Historian's FRUS files)",
    )
    build.add_argument(
        "--out", help="output folder (default: output/<id>/; with --all: output/, one per document)"
    )
    build.add_argument("--paper", choices=tuple(PAPER_SIZES), help="override [print] paper")
    build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    build.add_argument(
        "--release",
        action="store_true",
        help='refuse errata entries still marked status = "proposed"',
    )
    build.add_argument(
        "-j", "--jobs", type=int, metavar="N", help="with --all: N worker processes (default: CPUs)"
    )
    build.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="with --all: build on the Dask scheduler at ADDRESS (pip install '.[cluster]')",
    )
    build.set_defaults(run=run_build)

    suggest = commands.add_parser("suggest", help="list candidate typos for the errata")
    suggest.add_argument("path", type=Path, help="document folder or .txt file")
    suggest.add_argument("--json", action="store_true", help="print JSON")
    suggest.set_defaults(run=run_suggest)

    audit = commands.add_parser("audit", help="check built files against the source")
    audit.add_argument("path", type=Path, help="document folder or .txt file")
    audit.add_argument("--out", help="folder holding the built editions (default: output/<id>/)")
    audit.set_defaults(run=run_audit)

    dist = commands.add_parser(
        "dist",
        help="write the library release: editions, MARC, ONIX, OPDS, archival PDFs, a BagIt bag",
    )
    dist.add_argument(
        "folder",
        nargs="?",
        default="sources",
        help="folder of document folders (default: sources/)",
    )
    dist.add_argument("--out", help="release folder (default: output/dist/)")
    dist.add_argument(
        "--base-url",
        metavar="URL",
        type=_base_url,
        help="the address the release's data/ folder will be served at: MARC 856 and ONIX "
        "then link each file there (default: paths inside the release)",
    )
    dist.add_argument(
        "--paper",
        choices=tuple(PAPER_SIZES),
        help="every print edition on this paper (default: each document's [print] paper)",
    )
    dist.set_defaults(run=run_dist)

    doctor = commands.add_parser(
        "doctor", help="check the system dependencies (exit status 1: the build cannot run)"
    )
    doctor.set_defaults(run=run_doctor)

    packet = commands.add_parser(
        "packet", help="build a reading packet (packets/NAME.toml) as one PDF and one EPUB"
    )
    packet.add_argument("path", type=Path, help="the packet file, packets/NAME.toml")
    packet.add_argument(
        "--booklet",
        action="store_true",
        help="also write NAME-booklet.pdf: the half-size pages two-up, in saddle-stitch order",
    )
    packet.add_argument("--marks", action="store_true", help="give the PDF bleed and crop marks")
    packet.add_argument("--out", help="output folder (default: output/packets/)")
    packet.set_defaults(run=run_packet)
    return top


def _one_line(text: str, limit: int = 500) -> str:
    """A message on one line (a path or a quoted value may hold a line break), not endless."""
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main(argv: Sequence[str] | None = None, *, interrupts_after: Handler | None = None) -> int:
    """Run one command line; every problem of the input or of the machine is one line on stderr.
    `interrupts_after`: the SIGINT and SIGTERM handler once the command is over (see
    `interrupts.interrupts_raise`)."""
    try:
        with interrupts_raise(interrupts_after):
            # The parser imports the TEI writer: inside, so that an interrupt there is handled.
            args = parser().parse_args(argv)
            return args.run(args)
    except PipelineError as error:
        print(_one_line(str(error), 2000), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt as stop:
        # The other commands write nothing; a build says more in run_build.
        print("interrupted; nothing written", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(stop, Terminated) else EXIT_INTERRUPTED
    except BrokenPipeError:
        # `inspect | head`: the reader has gone, which is no error of ours. Later writes to
        # stdout (Python's own flush at exit) go nowhere instead of failing again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as error:
        if (message := machine_problem(error)) is None:
            return _internal(error)
        print(_one_line(message), file=sys.stderr)
        return EXIT_INPUT
    except Exception as error:
        return _internal(error)


def machine_problem(error: OSError) -> str | None:
    """The sentence for a full disk or a read-only one where a build writes its temporary files
    (WeasyPrint writes the fonts it loads): the machine's problem, not the pipeline's nor the
    input's. None for any other OSError, which is a bug. A batch says the same for a document
    whose worker met it (batch.py)."""
    if error.errno not in ENVIRONMENT_ERRORS:
        return None
    if error.filename:
        return f"{error.filename}: cannot write: {error.strerror}"
    return (
        f"{tempfile.gettempdir()}: cannot write: {error.strerror} (is the disk or the "
        "temporary folder full?)"
    )


def _internal(error: Exception) -> int:
    if os.environ.get("PIPELINE_DEBUG"):
        raise error
    print(
        _one_line(f"internal error: {type(error).__name__}: {error}")
        + " (this is a bug in the pipeline; rerun with PIPELINE_DEBUG=1 for details)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL
