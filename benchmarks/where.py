"""Turn one record's build into where its time goes: start-up, imports, our stages, HTML, CSS,
layout, checks, PDF and EPUB writing, the cover image, the page map and publishing.

    .venv/bin/python benchmarks/where.py [FOLDER] [--runs 3] [--profile FILE] [--corpus 60]

Three views, for whoever makes the build faster:

- **cold**: a fresh `python -m pipeline build FOLDER --to pdf --to epub --force`, taken apart:
  the interpreter's start, the imports (`python -X importtime`, self time summed by top-level
  package), the code fingerprint (`build.code_fingerprint`, hashed once per process), then the
  phases of the build itself, timed by wrappers around the functions that do them;
- **warm PDF**: the same phases for `build_one(inputs, ("pdf",))` in a warm process, beside a
  bare WeasyPrint render of the same HTML (see `archive.py`), so what the build adds beyond
  the render is visible phase by phase;
- **profile**: cProfile of a warm `build_one` of both editions, the functions with the most
  own time, and own time summed by package (cProfile slows Python code more than C code, so
  read its shares, not its seconds).
- **layouts** (`--corpus N`): how many layouts each record of an N-record generated corpus
  needs; every layout after the first is a whole second render.

Phase times are CPU seconds of this process, best of `--runs` per phase (the machine is
shared). A phase includes the phases it calls: layout includes nothing of ours, `render_print`
includes HTML, CSS, layout and the checks.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RECORD_1973 = ROOT / "sources" / "1973-10-08-soviet-japanese-talks"
PY = sys.executable


@dataclass(frozen=True)
class Phase:
    label: str
    module: str
    attribute: str  # "name" or "Class.method"
    why: str


# The functions that do each part of a build, outermost first.
PHASES = (
    Phase("text stages (read → typography)", "pipeline.pipeline", "prepare_inputs", "our stages"),
    Phase("layout_print (all of the below)", "pipeline.writers.pdf", "layout_print", "layouts"),
    Phase("  print HTML (Jinja2)", "pipeline.writers.pdf", "print_html", "our template"),
    Phase("  CSS parsing", "pipeline.writers.pdf", "stylesheets", "print.css, per layout"),
    Phase("  HTML parsing", "weasyprint", "HTML.__init__", "html5lib tree"),
    Phase("  layout (cascade, boxes, pages)", "weasyprint", "HTML.render", "WeasyPrint"),
    Phase("  footnote check", "pipeline.writers.pdf", "note_placements", "box-tree walk"),
    Phase("  page-turn check", "pipeline.writers.pdf", "page_turn_words", "box-tree walk"),
    Phase("  squeeze search", "pipeline.writers.pdf", "block_at_page_end", "box-tree walk"),
    Phase("PDF writing", "weasyprint.document", "Document.write_pdf", "pydyf, font subsets"),
    Phase("errata and normalisation reports", "pipeline.writers.reports", "errata_json", "JSON"),
    Phase("  (csv)", "pipeline.writers.reports", "errata_csv", "CSV"),
    Phase("  (normalisation)", "pipeline.writers.reports", "normalisation_json", "JSON"),
    Phase("page map", "pipeline.writers.pagemap", "page_starts_from_layout", "box-tree walk"),
    Phase("EPUB writing (all of it)", "pipeline.writers.epub", "write_epub", "EbookLib"),
    Phase("  cover image", "pipeline.writers.epub", "render_cover", "Pillow"),
    Phase("publishing the files", "pipeline.batch", "publish_edition", "atomic swap"),
)


class Clock:
    """CPU seconds and calls per phase, summed while the wrappers are in place."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._open: set[str] = set()

    def wrap(self, label: str, fn: Callable) -> Callable:
        def timed(*args: object, **kwargs: object) -> object:
            if label in self._open:  # a recursive call is counted once, by the outer one
                return fn(*args, **kwargs)
            self._open.add(label)
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.process_time() - start
                self.calls[label] += 1
                self._open.discard(label)

        return timed


@contextmanager
def watched(clock: Clock) -> Iterator[None]:
    import importlib

    with ExitStack() as stack:
        for phase in PHASES:
            owner: object = importlib.import_module(phase.module)
            *path, name = phase.attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, name)
            stack.enter_context(mock.patch.object(owner, name, clock.wrap(phase.label, original)))
        yield


def phase_table(clocks: Sequence[Clock], total: float, reference: dict[str, float]) -> str:
    """Best of the runs per phase, with its share of `total` (and a reference column)."""
    lines = [f"    {'phase':<36} {'calls':>5} {'CPU s':>7} {'share':>6}  {'bare':>6}"]
    for phase in PHASES:
        values = [c.seconds[phase.label] for c in clocks if c.calls[phase.label]]
        if not values:
            continue
        seconds, calls = min(values), clocks[0].calls[phase.label]
        bare = reference.get(phase.label)
        shown = f"{bare:6.3f}" if bare is not None else ""
        lines.append(
            f"    {phase.label:<36} {calls:>5} {seconds:7.3f} {seconds / total:6.0%}  {shown}"
        )
    return "\n".join(lines)


# --- cold -----------------------------------------------------------------------------------------

COLD_CHILD = r"""
import sys, time, json
start = time.process_time()
sys.path.insert(0, sys.argv[1])
args = json.loads(sys.argv[2])
import pipeline.cli, pipeline.build, pipeline.batch, pipeline.writers.pdf, pipeline.writers.epub
import pipeline.writers.pagemap, pipeline.writers.reports, pipeline.pipeline
imports = time.process_time() - start
from benchmarks.where import Clock, watched
from pipeline.build import code_fingerprint
clock = Clock()
fingerprint = time.process_time()
code_fingerprint()
fingerprint = time.process_time() - fingerprint
with watched(clock):
    main = time.process_time()
    status = pipeline.cli.main(args)
    main = time.process_time() - main
print(json.dumps({"imports": imports, "fingerprint": fingerprint, "main": main,
                  "status": status, "seconds": clock.seconds, "calls": clock.calls}))
"""


def interpreter_start(runs: int) -> float:
    return min(_timed_cpu([PY, "-S", "-c", "pass"]) for _ in range(runs))


def _timed_cpu(command: Sequence[str]) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_times(folder: Path, out: Path) -> tuple[float, list[tuple[str, float]]]:
    """Self import time (s) summed by top-level package, from `-X importtime` of the build."""
    command = [PY, "-X", "importtime", "-m", "pipeline", "build", str(folder)]
    done = subprocess.run(
        [*command, "--to", "pdf", "--to", "epub", "--force", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    by_package: dict[str, float] = defaultdict(float)
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|(\s*)(\S+)", line)
        if match:
            by_package[match.group(3).split(".")[0]] += int(match.group(1)) / 1e6
    ranked = sorted(by_package.items(), key=lambda item: -item[1])
    return sum(by_package.values()), ranked


def cold(folder: Path, runs: int) -> str:
    import json

    with tempfile.TemporaryDirectory(prefix="where-") as tmp:
        args = ["build", str(folder), "--to", "pdf", "--to", "epub", "--force", "--out", tmp]
        results = []
        for _ in range(runs):
            wall = time.perf_counter()
            done = subprocess.run(
                [PY, "-c", COLD_CHILD, str(ROOT), json.dumps(args)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            result = json.loads(done.stdout)
            result["wall"] = time.perf_counter() - wall
            results.append(result)
        imports_total, ranked = min(
            (import_times(folder, Path(tmp)) for _ in range(runs)), key=lambda r: r[0]
        )
    start = interpreter_start(runs)
    best = min(results, key=lambda r: r["imports"] + r["main"])
    clocks = []
    for result in results:
        clock = Clock()
        clock.seconds.update(result["seconds"])
        clock.calls.update(result["calls"])
        clocks.append(clock)
    total = start + best["imports"] + best["fingerprint"] + best["main"]
    packages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in ranked[:10])

    def row(label: str, seconds: float) -> str:
        return f"    {label:<42} {seconds:7.3f} {seconds / total:6.0%}"

    return "\n".join(
        [
            f"cold build of {folder.name}, both editions (CPU s; total ≈ {total:.2f} s, "
            f"best wall {min(r['wall'] for r in results):.2f} s)",
            row("interpreter start (python -S -c pass)", start),
            row("imports (our modules and libraries)", best["imports"]),
            f"      -X importtime self time by package: {packages} (total {imports_total:.2f})",
            row("code fingerprint (hash of the code)", best["fingerprint"]),
            row("the build command after imports", best["main"]),
            phase_table(clocks, total, {}),
        ]
    )


# --- warm PDF against a bare render ---------------------------------------------------------------


def warm_pdf(folder: Path, runs: int) -> str:
    from benchmarks.archive import bare_render, recorded_build
    from pipeline.build import build_one
    from pipeline.inputs import read_inputs

    inputs = read_inputs(folder)
    seen, _ = recorded_build(inputs)
    build_one(inputs, ("pdf",))
    clocks, bare_clocks, totals, bare_totals = [], [], [], []
    for _ in range(runs):
        clock = Clock()
        with watched(clock):
            start = time.process_time()
            build_one(inputs, ("pdf",))
            totals.append(time.process_time() - start)
        clocks.append(clock)
        bare = Clock()
        with watched(bare):
            start = time.process_time()
            bare_render(seen)
            bare_totals.append(time.process_time() - start)
        bare_clocks.append(bare)
    reference = {
        phase.label: min(c.seconds[phase.label] for c in bare_clocks)
        for phase in PHASES
        if bare_clocks[0].calls[phase.label]
    }
    total, bare_total = min(totals), min(bare_totals)
    return "\n".join(
        [
            f"warm PDF build of {folder.name}: {total:.3f} s CPU, bare render {bare_total:.3f} s "
            f"({total / bare_total:.2f}×; {seen.layouts} layout(s) per build)",
            phase_table(clocks, total, reference),
        ]
    )


# --- profile --------------------------------------------------------------------------------------


def profile(folder: Path, save: Path | None) -> str:
    from pipeline.build import build_one
    from pipeline.inputs import read_inputs

    inputs = read_inputs(folder)
    build_one(inputs, ("pdf", "epub"))
    profiler = cProfile.Profile()
    profiler.enable()
    build_one(inputs, ("pdf", "epub"))
    profiler.disable()
    if save:
        profiler.dump_stats(save)
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[_package(filename)] += own
    total = sum(by_package.values())
    shares = ", ".join(
        f"{name} {seconds / total:.0%}"
        for name, seconds in sorted(by_package.items(), key=lambda item: -item[1])[:8]
    )
    text = io.StringIO()
    stats.stream = text  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(15)
    top = "\n".join(
        "    " + line.strip()
        for line in text.getvalue().splitlines()
        if re.match(r"\s*\d", line) or "ncalls" in line
    )
    return (
        f"cProfile of a warm build_one, both editions, {folder.name}\n"
        f"    own time by package: {shares}\n{top}"
    )


def layouts_over_corpus(count: int) -> str:
    """How many layouts each record of the generated corpus needs (a PDF build each)."""
    from collections import Counter

    from benchmarks.archive import recorded_build
    from benchmarks.corpus import generate
    from pipeline.inputs import read_inputs

    with tempfile.TemporaryDirectory(prefix="where-") as tmp:
        corpus = generate(Path(tmp) / "corpus", count)
        found = {f.name: recorded_build(read_inputs(f))[0].layouts for f in corpus.folders}
    tally = Counter(found.values())
    extra = sum(n - 1 for n in found.values())
    many = ", ".join(f"{name} ({n})" for name, n in found.items() if n > 2)
    return (
        f"layouts per PDF build over the {count}-record corpus: "
        + ", ".join(f"{n} layout(s): {tally[n]} records" for n in sorted(tally))
        + f"; {extra} extra layouts in all"
        + (f"; more than two: {many}" if many else "")
    )


def _package(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if "pipeline" in parts:
        return "pipeline." + parts[parts.index("pipeline") + 1].removesuffix(".py")
    return "python stdlib"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", default=RECORD_1973)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="also save the cProfile stats here")
    parser.add_argument(
        "--corpus", type=int, metavar="N", help="also count layouts over an N-record corpus"
    )
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    # As `make setup` leaves it: Python here writes no bytecode itself (see archive.py).
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True)
    print(cold(folder, args.runs), end="\n\n", flush=True)
    print(warm_pdf(folder, args.runs), end="\n\n", flush=True)
    print(profile(folder, args.profile), flush=True)
    if args.corpus:
        print("\n" + layouts_over_corpus(args.corpus))
    return 0


if __name__ == "__main__":
    sys.exit(main())
