"""Run many command lines of the pipeline, each in its own process, without paying for Python's
start and the pipeline's imports each time.

    python -m tests.robustness.forkrun JOBS.json RESULTS.json

JOBS.json is a list of `{"id": …, "argv": […], "phase": N}`; the jobs of one phase all end
before those of the next start (an audit reads what a build wrote). This process imports what
`python -m pipeline` would import for any command (WeasyPrint too), then forks one child per
job, a few at a time.
A child is what `python -m pipeline ARGV…` is after its imports: it runs `pipeline.cli.main`
with its own stdout and stderr, and exits with its status; a traceback escaping `main` is
printed as Python prints it. Forking gives every job fresh state (nothing cached by an earlier
job), and a job that crashes, hangs (killed after `--timeout` seconds) or exhausts its memory
takes no other job with it. RESULTS.json maps each id to its status, stdout and stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path


def _preload() -> None:
    # Everything the commands import lazily, so that each child starts warm.
    import weasyprint  # noqa: F401

    import pipeline.batch
    import pipeline.build
    import pipeline.cli
    import pipeline.editorial.audit
    import pipeline.editorial.review
    import pipeline.pipeline
    import pipeline.writers.epub
    import pipeline.writers.pdf  # noqa: F401


def _child(argv: list[str], out: int, err: int) -> None:
    """Become `python -m pipeline ARGV` (never returns)."""
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.argv = ["python -m pipeline", *argv]
    status = 1
    try:
        from pipeline.cli import main

        status = main(argv)
    except SystemExit as stop:  # argparse's usage errors
        status = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


def run_jobs(jobs: list[dict], parallel: int, timeout: float) -> dict[str, dict]:
    results: dict[str, dict] = {}
    pending = list(jobs)
    running: dict[int, tuple[dict, float, object, object]] = {}
    while pending or running:
        while pending and len(running) < parallel:
            job = pending.pop(0)
            # Closed by _read when the child has ended.
            out = tempfile.TemporaryFile()  # noqa: SIM115
            err = tempfile.TemporaryFile()  # noqa: SIM115
            pid = os.fork()
            if pid == 0:
                _child(job["argv"], out.fileno(), err.fileno())
            running[pid] = (job, time.monotonic(), out, err)
        pid, wait_status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            for child, (_, started, _, _) in list(running.items()):
                if time.monotonic() - started > timeout:
                    os.kill(child, signal.SIGKILL)
            time.sleep(0.01)
            continue
        job, started, out, err = running.pop(pid)
        code = os.waitstatus_to_exitcode(wait_status)
        timed_out = code == -signal.SIGKILL and time.monotonic() - started > timeout
        results[job["id"]] = {
            "status": code,
            "timed_out": timed_out,
            "stdout": _read(out),
            "stderr": _read(err),
        }
    return results


def _read(handle) -> str:
    handle.seek(0)
    text = handle.read().decode("utf-8", errors="replace")
    handle.close()
    return text


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("jobs", type=Path)
    parser.add_argument("results", type=Path)
    parser.add_argument("--parallel", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    jobs = json.loads(args.jobs.read_text())
    _preload()
    results: dict[str, dict] = {}
    for phase in sorted({job.get("phase", 0) for job in jobs}):
        batch = [job for job in jobs if job.get("phase", 0) == phase]
        results.update(run_jobs(batch, args.parallel, args.timeout))
    args.results.write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
