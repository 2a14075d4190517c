"""Turn the bundled documents into timings and memory peaks, and check them against targets.

Run with `make bench`. Targets (from NOTES.md's measurements of WeasyPrint on this kind of
machine, 2 cores): our own text stages stay a small fraction of a render, and a whole build of
one record stays well under what a reading-packet user would wait for.

    text stages (read → typography)   ≤ 0.25 s per record, ≤ 10 % of the PDF build
    PDF build                         ≤ 6 s per record
    EPUB build (includes the print page map)   ≤ 8 s per record
    peak memory of one full build     ≤ 400 MB

Timings are the best of three runs, each in a fresh process for memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"stages_s": 0.25, "stages_share": 0.10, "pdf_s": 6.0, "epub_s": 8.0, "peak_mb": 400}

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pipeline.pipeline import prepare
path, kind = Path(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
doc, ctx = prepare(path)
if kind == "pdf":
    from pipeline.writers.pdf import write_pdf
    write_pdf(doc, ctx)
elif kind == "epub":
    from pipeline.writers.epub import write_epub
    write_epub(doc, ctx)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"s": seconds, "peak_mb": peak_mb}))
"""


def measure(path: Path, kind: str) -> dict[str, float]:
    runs = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(ROOT), str(path), kind],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    return {"s": min(r["s"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs)}


def main() -> int:
    from pipeline.pipeline import prepare

    failures = []
    print(f"{'document':<38} {'stages':>8} {'pdf':>7} {'epub':>7} {'peak MB':>8}")
    for folder in sorted(p for p in (ROOT / "sources").iterdir() if (p / "source.txt").exists()):
        best = min(_time(lambda folder=folder: prepare(folder)) for _ in range(5))
        pdf, epub = measure(folder, "pdf"), measure(folder, "epub")
        peak = max(pdf["peak_mb"], epub["peak_mb"])
        print(f"{folder.name:<38} {best:>7.3f}s {pdf['s']:>6.2f}s {epub['s']:>6.2f}s {peak:>8.0f}")
        checks = {
            "stages_s": best,
            "stages_share": best / pdf["s"],
            "pdf_s": pdf["s"],
            "epub_s": epub["s"],
            "peak_mb": peak,
        }
        failures += [
            f"{folder.name}: {name} = {value:.3f} > {TARGETS[name]}"
            for name, value in checks.items()
            if value > TARGETS[name]
        ]
    for failure in failures:
        print("over target:", failure)
    return 1 if failures else 0


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
