"""Turn a folder of document folders into built editions: find, skip what is up to date, build
the rest on an executor, publish each edition whole, and report every outcome.

    run_batch(BatchRequest(root=Path("sources"), formats=("pdf", "epub")), progress) -> Report

Executors: this process (`jobs=1`), a local process pool (`jobs>1`; each worker imports
WeasyPrint and the writers once, when it starts), or an existing Dask distributed cluster
(`cluster="tcp://host:8786"`). Workers get the documents' bytes and return the editions' bytes
(`build.build_one`); this process alone writes, with `output.publish`, so workers need no shared
disk and a failed or interrupted run never leaves a half-written edition.

A failure in one document is an outcome like any other: the others go on. Nothing here prints or
exits: progress goes to the `Progress` the caller passes (the command line draws it on a
terminal; a test or a library caller may pass its own).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from pipeline.build import (
    STAMP,
    Edition,
    build_one,
    code_fingerprint,
    format_files,
    input_fingerprint,
    owned_by_edition,
    read_stamp,
    stamp_bytes,
)
from pipeline.errors import PipelineError
from pipeline.inputs import SOURCE_NAME, DocumentInputs, read_inputs
from pipeline.output import publish

if TYPE_CHECKING:  # the pool's modules are imported when a pool is used (a no-op run is fast)
    from concurrent.futures import Future, ProcessPoolExecutor

Status = Literal["built", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """What to build: every document folder under `root`, in `formats`, into `out_root/<id>/`."""

    root: Path
    formats: tuple[str, ...]
    out_root: Path
    paper: str | None = None
    jobs: int = 1
    force: bool = False
    cluster: str | None = None
    release: bool = False  # refuse errata entries still `proposed` (checked before any skip)
    tei_profile: str = "generic"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one document: built, failed (with the `file:line: problem` message), or
    skipped as up to date. `internal` marks a failure that is a bug, not bad input."""

    document: str
    status: Status
    message: str = ""
    internal: bool = False
    seconds: float = 0.0


@dataclass(slots=True)
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


class Progress(Protocol):
    """Callbacks a batch makes as it goes (all in the calling thread)."""

    def planned(self, total: int, skipped: int) -> None: ...
    def started(self, document: str) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...


class NoProgress:
    def planned(self, total: int, skipped: int) -> None:
        pass

    def started(self, document: str) -> None:
        pass

    def finished(self, outcome: Outcome) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Job:
    """One document to build: its inputs, where its edition goes, and the fingerprint the new
    stamp will carry for each format."""

    document: str
    inputs: DocumentInputs
    out_dir: Path
    fingerprint: str


class Interrupted(Exception):
    """Ctrl-C during a batch; `report` holds what was finished (and kept) before it."""

    def __init__(self, report: Report):
        super().__init__("interrupted")
        self.report = report


# --- finding and planning ----------------------------------------------------------------------


def find_documents(root: Path) -> list[Path]:
    """Every document folder under `root` (a folder holding source.txt), in name order; hidden
    folders are skipped."""
    root = Path(root)
    if not root.is_dir():
        raise PipelineError("no such folder", root)
    found = []
    for source in root.rglob(SOURCE_NAME):
        relative = source.parent.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if source.is_file():
            found.append(source.parent)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _collisions(folders: Sequence[tuple[Path, DocumentInputs]]) -> dict[Path, str]:
    """Folders whose names differ but give the same output folder ("memcon (draft)" and
    "memcon [draft]" both give memcon--draft): each is refused, naming the other."""
    by_id: dict[str, list[Path]] = {}
    for folder, inputs in folders:
        by_id.setdefault(inputs.id, []).append(folder)
    refused = {}
    for document_id, group in by_id.items():
        if len(group) > 1:
            for folder in group:
                others = ", ".join(_display(f) for f in group if f != folder)
                refused[folder] = (
                    f"{_display(folder)}: its output folder {document_id}/ would also be that "
                    f"of {others}; rename one of the folders"
                )
    return refused


def up_to_date(job: Job, formats: Iterable[str]) -> bool:
    """Whether the edition in `job.out_dir` was built from the same inputs and code in every
    requested format, and its files are all there at the size the stamp says."""
    stamp = read_stamp(job.out_dir)
    if stamp is None or stamp.get("document") != job.document:
        return False
    fingerprints = stamp.get("formats", {})
    sizes = stamp.get("files", {})
    for fmt in formats:
        if fingerprints.get(fmt) != job.fingerprint:
            return False
        for name in format_files(job.inputs.id, fmt):
            path = job.out_dir / name
            if not path.is_file() or path.stat().st_size != sizes.get(name):
                return False
    return True


def owner_conflict(job: Job) -> str | None:
    """An output folder that already holds another document's edition is not replaced."""
    stamp = read_stamp(job.out_dir)
    if stamp is not None and stamp.get("document") not in (None, job.document):
        return (
            f"holds the edition of {stamp['document']!r}, not of {job.document!r}: the two "
            "folder names give the same output folder; rename one of them"
        )
    return None


def plan(
    request: BatchRequest, folders: Sequence[Path]
) -> tuple[list[Job], list[Outcome], list[Outcome]]:
    """(jobs to build, outcomes of documents that failed before building, up-to-date skips)."""
    code = code_fingerprint()
    read: list[tuple[Path, DocumentInputs]] = []
    failed: list[Outcome] = []
    for folder in folders:
        try:
            inputs = read_inputs(folder)
            if request.release:
                check_release_inputs(inputs)
            read.append((folder, inputs))
        except PipelineError as error:
            failed.append(Outcome(_display(folder), "failed", str(error)))
    refused = _collisions(read)
    jobs: list[Job] = []
    skipped: list[Outcome] = []
    for folder, inputs in read:
        name = _display(folder)
        if folder in refused:
            failed.append(Outcome(name, "failed", refused[folder]))
            continue
        job = Job(
            document=folder.name,
            inputs=inputs,
            out_dir=request.out_root / inputs.id,
            fingerprint=input_fingerprint(inputs, request.paper, code, request.tei_profile),
        )
        conflict = owner_conflict(job)
        if conflict:
            failed.append(Outcome(name, "failed", f"{_display(job.out_dir)}: {conflict}"))
        elif not request.force and up_to_date(job, request.formats):
            skipped.append(Outcome(name, "skipped"))
        else:
            jobs.append(job)
    return jobs, failed, skipped


def check_release_inputs(inputs: DocumentInputs) -> None:
    """A release publishes decisions only: an errata entry still `proposed` stops it, even when
    the edition is otherwise up to date (so the check comes before any skip), and so do errata
    written against another source than `source.txt` (their `source_sha256`). The build itself
    is the same for a release: these are the release's checks, made here for both commands."""
    if inputs.errata is None:
        return
    from pipeline.inputs import decoded
    from pipeline.stages.errata import check_release_errata, parse_errata_file

    errata = parse_errata_file(decoded(inputs.errata, "errata"), inputs.errata.path)
    check_release_errata(errata, inputs.source.data, inputs.errata.path)


def plan_one(
    path: Path,
    paper: str | None,
    out_dir: Path | None = None,
    tei_profile: str = "generic",
    *,
    release: bool = False,
) -> Job:
    """The job of one document given on the command line (`output/<id>/` unless `out_dir`)."""
    from pipeline.context import PROJECT_ROOT

    inputs = read_inputs(path)
    if release:
        check_release_inputs(inputs)
    document = Path(inputs.folder).name if inputs.folder else Path(inputs.source.path).name
    job = Job(
        document=document,
        inputs=inputs,
        out_dir=out_dir or PROJECT_ROOT / "output" / inputs.id,
        fingerprint=input_fingerprint(inputs, paper, code_fingerprint(), tei_profile),
    )
    conflict = owner_conflict(job)
    if conflict:
        raise PipelineError(conflict, job.out_dir)
    return job


# --- publishing --------------------------------------------------------------------------------


def publish_edition(job: Job, edition: Edition, formats: Sequence[str]) -> None:
    """Write one document's new files and its stamp together (see `stamp_for`)."""
    publish(
        job.out_dir,
        edition.files,
        owned=lambda name: owned_by_edition(job.inputs.id, name),
        also=lambda out_dir: {STAMP: stamp_for(job, edition, formats, out_dir)},
    )


def stamp_for(job: Job, edition: Edition, formats: Sequence[str], out_dir: Path) -> bytes:
    """The new stamp. A format this run did not rebuild keeps its files and its earlier
    fingerprint if the files are still those the earlier stamp describes (else it is simply no
    longer claimed up to date). Read under the folder's lock, so two builds of one document
    (`make -j pdf epub`) cannot lose each other's format."""
    stamp = read_stamp(out_dir)
    fingerprints: dict[str, str] = {}
    sizes: dict[str, int] = {}
    if stamp is not None and stamp.get("document") == job.document:
        recorded = stamp.get("files", {})
        for fmt, fingerprint in stamp.get("formats", {}).items():
            if fmt in formats or not isinstance(fingerprint, str):
                continue
            paths = [out_dir / name for name in format_files(job.inputs.id, fmt)]
            if all(p.is_file() and p.stat().st_size == recorded.get(p.name) for p in paths):
                fingerprints[fmt] = fingerprint
                sizes.update({p.name: p.stat().st_size for p in paths})
    fingerprints.update({fmt: job.fingerprint for fmt in formats})
    sizes.update({name: len(data) for name, data in edition.files.items()})
    return stamp_bytes(job.document, fingerprints, sizes)


# --- executors ---------------------------------------------------------------------------------


Result = tuple[Job, Edition | BaseException]
Started = Callable[[Job], None]


def _warm_worker() -> None:
    """Start of a local worker: the parent handles Ctrl-C; import the expensive parts once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import weasyprint  # noqa: F401

    import pipeline.writers.epub
    import pipeline.writers.pdf  # noqa: F401


def _build(job: Job, formats: tuple[str, ...], paper: str | None, tei_profile: str) -> Edition:
    return build_one(job.inputs, formats, paper, tei_profile)


def run_inline(jobs: Sequence[Job], request: BatchRequest, started: Started) -> Iterator[Result]:
    """In this process, one after the other."""
    for job in jobs:
        started(job)
        try:
            yield job, _build(job, request.formats, request.paper, request.tei_profile)
        except Exception as error:  # this document's outcome; the others go on
            yield job, error


def run_pool(jobs: Sequence[Job], request: BatchRequest, started: Started) -> Iterator[Result]:
    """A local process pool of `request.jobs` workers. A worker that dies (killed, out of
    memory) breaks the pool: the documents it held are built again one at a time, so the one
    that kills its worker is found and reported, and the rest still build."""
    pending, workers = list(jobs), request.jobs
    while pending:
        lost: list[Job] = []
        yield from _pool_round(pending, workers, request, started, lost)
        if lost and workers == 1:
            # One document at a time: the one in the worker when it died is the culprit.
            yield lost[0], RuntimeError("the worker building it died (out of memory, or killed)")
            lost = lost[1:]
        pending, workers = lost, 1


# A Unix socket's path holds at most 107 bytes (sun_path). The forkserver listens on one made in
# the temporary folder ("$TMPDIR/pymp-XXXXXXXX/listener-XXXXXXXX", 33 bytes more), so a long
# TMPDIR made every batch fail with "AF_UNIX path too long".
SOCKET_PATH_BYTES = 107
FORKSERVER_SOCKET_SUFFIX = len("/pymp-XXXXXXXX/listener-XXXXXXXX")


def pool_start_method(temporary: str | None = None) -> str:
    """How the pool starts its workers: by forkserver (a clean parent, safe beside the progress
    thread), or by spawn when the temporary folder's path is too long for the forkserver's
    socket: spawn talks to its workers through pipes, and each worker imports the pipeline once
    either way."""
    import tempfile

    folder = tempfile.gettempdir() if temporary is None else temporary
    too_long = len(os.fsencode(folder)) + FORKSERVER_SOCKET_SUFFIX > SOCKET_PATH_BYTES
    return "spawn" if too_long else "forkserver"


def _pool_round(
    jobs: Sequence[Job], workers: int, request: BatchRequest, started: Started, lost: list[Job]
) -> Iterator[Result]:
    """Build `jobs` until done or the pool breaks; `lost` receives the documents not finished
    (those in the dying worker first)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context(pool_start_method())
    queue = list(jobs)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_worker)
    in_flight: dict[Future[Edition], Job] = {}
    try:
        while queue or in_flight:
            while queue and len(in_flight) < workers:
                job = queue.pop(0)
                started(job)
                future = pool.submit(
                    _build, job, request.formats, request.paper, request.tei_profile
                )
                in_flight[future] = job
            done, _ = wait(in_flight, timeout=0.2, return_when=FIRST_COMPLETED)
            _STOP.raise_if_asked()
            for future in done:
                job = in_flight.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool):
                    lost.append(job)
                elif error is not None:
                    yield job, error
                else:
                    yield job, future.result()
            if lost:
                lost.extend(in_flight.values())
                lost.extend(queue)
                return
    finally:
        _terminate(pool)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: nothing more starts, and running workers are killed, so Ctrl-C does not
    wait for a long layout to finish."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def run_cluster(jobs: Sequence[Job], request: BatchRequest, started: Started) -> Iterator[Result]:
    """On an existing Dask distributed cluster at `request.cluster`; results arrive as bytes."""
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise PipelineError(
            "--cluster needs Dask: pip install '.[cluster]' (dask[distributed])"
        ) from None
    try:
        client = Client(request.cluster, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise PipelineError(f"cannot reach the Dask scheduler: {error}", request.cluster) from None
    try:
        futures = {}
        for job in jobs:
            started(job)
            future = client.submit(
                build_one,
                job.inputs,
                request.formats,
                request.paper,
                request.tei_profile,
                key=f"edition-{job.inputs.id}-{job.fingerprint[:16]}",
                pure=False,
            )
            futures[future] = job
        for future in as_completed(futures, loop=client.loop):
            _STOP.raise_if_asked()
            job = futures[future]
            try:
                yield job, future.result()
            except Exception as error:  # this document's outcome
                yield job, error
    finally:
        client.close()


# --- the run -----------------------------------------------------------------------------------


def run_batch(request: BatchRequest, progress: Progress | None = None) -> Report:
    """Build every document under `request.root` (see the module docstring)."""
    progress = progress or NoProgress()
    start = time.monotonic()
    jobs, failed, skipped = plan(request, find_documents(request.root))
    report = Report(outcomes=[*failed, *skipped])
    progress.planned(len(jobs) + len(failed) + len(skipped), len(skipped))
    for outcome in (*failed, *skipped):
        progress.finished(outcome)
    began: dict[str, float] = {}

    def started(job: Job) -> None:
        began[job.document] = time.monotonic()
        progress.started(_display_job(job))

    if request.cluster:
        runner = run_cluster
    elif request.jobs > 1 and len(jobs) > 1:
        runner = run_pool
    else:
        runner = run_inline
    code = code_fingerprint()
    try:
        with _ctrl_c_at_safe_points(runner is not run_inline):
            for job, result in runner(jobs, request, started):
                outcome = _settle(job, result, request.formats, code)
                outcome = _timed(outcome, time.monotonic() - began.get(job.document, start))
                report.outcomes.append(outcome)
                progress.finished(outcome)
                _STOP.raise_if_asked()
    except KeyboardInterrupt:
        report.interrupted = True
        report.seconds = time.monotonic() - start
        raise Interrupted(report) from None
    report.seconds = time.monotonic() - start
    return report


class _StopFlag:
    """Ctrl-C as a flag, read where stopping is safe: between two waits for workers and after
    an edition is published, never inside the executor's own locks or halfway through a publish
    (a KeyboardInterrupt raised anywhere once left a pool's shutdown waiting forever). A second
    Ctrl-C stops at once."""

    def __init__(self) -> None:
        self.asked = threading.Event()

    def handler(self, signum: int, frame: object) -> None:
        if self.asked.is_set():
            raise KeyboardInterrupt
        self.asked.set()

    def raise_if_asked(self) -> None:
        if self.asked.is_set():
            raise KeyboardInterrupt


_STOP = _StopFlag()


@contextmanager
def _ctrl_c_at_safe_points(enabled: bool) -> Iterator[None]:
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return
    _STOP.asked.clear()
    previous = signal.signal(signal.SIGINT, _STOP.handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _STOP.asked.clear()


def _display_job(job: Job) -> str:
    folder = job.inputs.folder
    return _display(Path(folder)) if folder else job.inputs.source.path


def _timed(outcome: Outcome, seconds: float) -> Outcome:
    return replace(outcome, seconds=seconds)


def _settle(
    job: Job, result: Edition | BaseException, formats: tuple[str, ...], code: str
) -> Outcome:
    name = _display_job(job)
    if isinstance(result, PipelineError):
        return Outcome(name, "failed", str(result))
    if isinstance(result, OSError) and (problem := _machine_problem(result)):
        # A full disk in a worker is no bug: the single build's sentence, for this document.
        return Outcome(name, "failed", f"{name}: {problem}")
    if isinstance(result, BaseException):
        return Outcome(
            name, "failed", f"{name}: internal error: {type(result).__name__}: {result}", True
        )
    if result.code != code:
        return Outcome(
            name,
            "failed",
            f"{name}: the worker runs other code than this machine (fingerprint "
            f"{result.code[:12]} ≠ {code[:12]}); install the same commit on every worker",
        )
    try:
        publish_edition(job, result, formats)
    except PipelineError as error:
        return Outcome(name, "failed", str(error))
    return Outcome(name, "built")


def _machine_problem(error: OSError) -> str | None:
    from pipeline.cli import machine_problem  # the command line's sentence, word for word

    return machine_problem(error)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)))
