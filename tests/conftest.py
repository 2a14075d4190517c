"""Shared test helpers, the warnings guard, and one build of each bundled record per session.

Paths and texts (import them: `from tests.conftest import DOCUMENTS, export`):
- `ROOT`, `SOURCES`, `FIXTURES`; `DOCUMENTS` (the bundled document folders), `RECORD_1973`;
- `export(*paragraphs, notes=…)`: a Word file as Tika exports it; the `write_source` fixture
  writes one to a bare `.txt`.

Builds of the bundled records (each record and paper is built once per session, on first use,
by `pipeline.build.build_one`, so the tests check the files a user gets):
- `bundled` (parametrised over `DOCUMENTS`): a `BuiltRecord` on the paper its edition.toml
  names; `bundled_on_paper` (over every record and both papers, "a4" and "letter");
- `bundled_builds.get(folder, paper=None)`: the same builds, for a test that picks its own.
A `BuiltRecord` holds the Document and Context the editions were written from, the Document as
read (before typography: what the audit compares with), every file `build_one` returned
(`.pdf`, `.epub`, `.files["errata.json"]`, …), the one print layout the build made
(`.layout.rendered`: it served the PDF, the errata pages and the EPUB's page-list) and how many
WeasyPrint layouts the whole build made (`.renders`). Treat it as read-only; a test that must
build something different (a fixture, a broken input, another setting) builds its own, as
small as it can.

Validators (session fixture `epub_verdicts`): `epubcheck(data)` and `ace(data)` give the
messages of EPUBCheck and the violations of Ace for an EPUB's bytes, each run once per distinct
EPUB per session; `start(data, checks)` begins them in the background (the suite is single-threaded,
the machine is not), so a verdict asked for later is often ready. The session's builds on each
record's own paper start theirs as soon as they are built.

The guard: any warning logged during a test or its fixtures fails it, unless the test is marked
`@pytest.mark.allow_warnings` (issue 14 §6; tests/test_warnings_guard.py proves it fires).

Slow groups (the `SLOW` table below) carry the `slow` marker: every run, `make test` and CI
included, runs them; `pytest -m "not slow"` leaves them out, for a quick loop while working.
The property tests' example counts scale with PIPELINE_FUZZ (tests/test_properties.py): a bare
`pytest` runs a fifth of them, `make test` all, `make fuzz` 25 times as many.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCUMENTS = sorted(p for p in SOURCES.iterdir() if (p / "source.txt").is_file())
RECORD_1973 = SOURCES / "1973-10-08-soviet-japanese-talks"
PAPERS = ("a4", "letter")

NBSP = "\u00a0"


def export(*paragraphs: str, notes: tuple[str, ...] = (), title: str = "RECORD OF TALKS") -> str:
    """Lay out paragraphs the way Tika exports a Word file: a leading space on the title,
    NBSP-only separator lines, note bodies piled at the end, a final line holding one space.
    Write a call as `{n}` in a paragraph; `notes[i]` is the body of note i+1."""

    def calls(text: str) -> str:
        for n in range(1, len(notes) + 1):
            text = text.replace(f"{{{n}}}", f"[bookmark: _ftn_GoBack{n - 1}][{n}]")
        return text

    lines = [f" {title}"]
    for paragraph in paragraphs:
        lines += [calls(paragraph), NBSP + " "] if paragraph else []
    for n, body in enumerate(notes, start=1):
        lines.append(f"[bookmark: _ftn{n - 1}][{n}] {body} ")
    lines.append(" ")
    return "\n".join(lines)


@pytest.fixture
def write_source(tmp_path: Path):
    """Write a source text (str or bytes) to a bare .txt file and return its path."""

    def write(content: str | bytes, name: str = "record.txt") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


# --- the session's builds of the bundled records ---------------------------------------------


@dataclass(frozen=True)
class BuiltRecord:
    """One bundled record as `build_one` built it (see the module docstring)."""

    folder: Path
    paper: str
    doc: Any  # pipeline.model.Document: the one the editions were written from
    ctx: Any  # pipeline.context.Context, with the paper of this build
    read: Any  # the Document as read: errata applied, no typography (prepare(typography=False))
    files: Mapping[str, bytes]
    layout: Any  # pipeline.writers.pdf.PrintLayout: the build's one print layout
    renders: int  # WeasyPrint layouts (`HTML.render` calls) the whole build made

    @property
    def id(self) -> str:
        return self.ctx.id

    @property
    def pdf(self) -> bytes:
        return self.files[f"{self.id}.pdf"]

    @property
    def epub(self) -> bytes:
        return self.files[f"{self.id}.epub"]


@contextmanager
def _layouts_seen(into: list) -> Iterator[None]:
    """Record each print layout made inside the block, with the Document and Context it was
    made for: `build_one` returns only bytes, and the layout tests read the box tree."""
    import weasyprint

    import pipeline.writers.pdf as pdf

    original, render = pdf.layout_print, weasyprint.HTML.render

    def recording(doc, ctx, fetcher=None):  # type: ignore[no-untyped-def]
        layout = original(doc, ctx, fetcher)
        into.append((doc, ctx, layout))
        return layout

    def counting(html, *args, **kwargs):  # type: ignore[no-untyped-def]
        into.append("render")
        return render(html, *args, **kwargs)

    pdf.layout_print, weasyprint.HTML.render = recording, counting
    try:
        yield
    finally:
        pdf.layout_print, weasyprint.HTML.render = original, render


def build_record(folder: Path, paper: str | None = None) -> BuiltRecord:
    """Build a record's print and ebook editions with `build_one`, as `build` does."""
    from pipeline.build import build_one
    from pipeline.inputs import read_inputs
    from pipeline.pipeline import prepare_inputs

    inputs = read_inputs(folder)
    seen: list = []
    with _layouts_seen(seen):
        edition = build_one(inputs, ("pdf", "epub"), paper)
    layouts = [entry for entry in seen if entry != "render"]
    # If build_one stops calling pdf.layout_print, say so here rather than test nothing.
    assert len(layouts) == 1, f"build_one made {len(layouts)} print layouts of {folder.name}"
    doc, ctx, layout = layouts[0]
    read, _ = prepare_inputs(inputs, typography=False)
    renders = seen.count("render")
    return BuiltRecord(folder, ctx.settings.paper, doc, ctx, read, edition.files, layout, renders)


class EpubVerdicts:
    """EPUBCheck's messages and Ace's violations per distinct EPUB, each computed once, in
    background threads (the checks are other processes: Java and Node with Chromium)."""

    def __init__(self, folder: Path, wanted: bool = True) -> None:
        self._folder = folder
        self._wanted = wanted
        # Two workers: one check can run beside the tests on a two-CPU machine.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="epub-verdict")
        self._futures: dict[tuple[str, str], Future] = {}

    def _path(self, data: bytes) -> Path:
        path = self._folder / f"{hashlib.sha256(data).hexdigest()[:16]}.epub"
        if not path.exists():
            path.write_bytes(data)
        return path

    def _future(self, check: str, data: bytes, run: Callable[[Path], list]) -> Future:
        key = (check, hashlib.sha256(data).hexdigest())
        if key not in self._futures:
            self._futures[key] = self._pool.submit(run, self._path(data))
        return self._futures[key]

    def start(self, data: bytes, checks: tuple[str, ...] = ("epubcheck", "ace")) -> None:
        """Begin the checks of `data` now (Ace only where it is installed), if any test of
        this run asks for a verdict at all."""
        if not self._wanted:
            return
        if "epubcheck" in checks:
            self._future("epubcheck", data, _epubcheck)
        if "ace" in checks and ace_available():
            self._future("ace", data, _ace)

    def epubcheck(self, data: bytes) -> list[str]:
        """Every message EPUBCheck gives (warnings and usage notes too), "invalid" if it
        calls the book invalid without one."""
        return self._future("epubcheck", data, _epubcheck).result()

    def ace(self, data: bytes) -> list:
        """Ace's violations (`pipeline.writers.ace.Violation`); Ace must be installed."""
        return self._future("ace", data, _ace).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _epubcheck(path: Path) -> list[str]:
    from pipeline.writers.checks import epubcheck

    verdict = epubcheck(path)
    return [*verdict.messages] + ([] if verdict.valid else ["invalid"])


def _ace(path: Path) -> list:
    from pipeline.writers import ace

    return ace.run_ace(path)


def ace_available() -> bool:
    from pipeline.writers import ace

    return ace.ace_executable() is not None and ace.chromium_executable() is not None


def _asks_for(item: pytest.Item, name: str) -> bool:
    function = getattr(item, "function", None)
    return function is not None and name in inspect.signature(function).parameters


class BundledBuilds:
    """The session's builds, by (folder, paper); a record's own paper when none is named."""

    def __init__(self, verdicts: EpubVerdicts) -> None:
        self._verdicts = verdicts
        self._builds: dict[tuple[Path, str | None], BuiltRecord] = {}

    def get(self, folder: Path, paper: str | None = None) -> BuiltRecord:
        key = (Path(folder), paper)
        if key not in self._builds:
            built = build_record(Path(folder), paper)
            self._builds[key] = built
            self._builds.setdefault((built.folder, built.paper), built)
            if paper is None:  # the EPUBs the validator tests check: each record's own paper
                self._verdicts.start(built.epub)
        return self._builds[key]


@pytest.fixture(scope="session")
def epub_verdicts(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EpubVerdicts]:
    # Started checks are wasted on a run whose tests never ask for a verdict (the builds
    # themselves depend on this fixture, so ask the tests' own arguments).
    wanted = any(_asks_for(item, "epub_verdicts") for item in request.session.items)
    verdicts = EpubVerdicts(tmp_path_factory.mktemp("epub-verdicts"), wanted)
    yield verdicts
    verdicts.close()


@pytest.fixture(scope="session")
def bundled_builds(epub_verdicts: EpubVerdicts) -> BundledBuilds:
    return BundledBuilds(epub_verdicts)


# The parametrised fixtures are module-scoped lookups into the session's builds: a parametrised
# session fixture would make pytest regroup the whole run by record, splitting modules and
# setting their own module fixtures up again.
@pytest.fixture(scope="module", params=DOCUMENTS, ids=lambda p: p.name)
def bundled(request: pytest.FixtureRequest, bundled_builds: BundledBuilds) -> BuiltRecord:
    """Each bundled record, built on the paper its edition.toml names."""
    return bundled_builds.get(request.param)


@pytest.fixture(
    scope="module",
    params=[(folder, paper) for folder in DOCUMENTS for paper in PAPERS],
    ids=lambda p: f"{p[0].name}-{p[1]}",
)
def bundled_on_paper(request: pytest.FixtureRequest, bundled_builds: BundledBuilds) -> BuiltRecord:
    """Each bundled record on each paper."""
    folder, paper = request.param
    return bundled_builds.get(folder, paper)


# --- slow groups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlowGroup:
    """Tests that cost seconds each in other processes; `match` is a node id prefix, or a
    fixture the tests ask for by name."""

    name: str
    match: str
    why: str


SLOW = (
    SlowGroup(
        "validators",
        "fixture:epub_verdicts",
        "EPUBCheck (Java) and Ace (Node, Chromium) take seconds per book",
    ),
    SlowGroup(
        "catalogue",
        "tests/robustness/test_catalogue.py",
        "every hostile folder through fresh `python -m pipeline` processes",
    ),
    SlowGroup(
        "command line",
        "tests/robustness/test_command_line.py",
        "builds in subprocesses, interrupted, on full and read-only disks",
    ),
    SlowGroup("reflow", "tests/writers/test_reflow.py", "every book measured in Chromium"),
    SlowGroup(
        "interrupted batch",
        "tests/test_batch.py::test_ctrl_c",
        "a batch in a subprocess, stopped with SIGINT",
    ),
    SlowGroup(
        "batch temporaries",
        "tests/test_batch.py::test_builds_leave_no_temporary_folders",
        "builds in subprocesses with a TMPDIR of their own",
    ),
    SlowGroup("Dask", "tests/test_batch.py::test_dask", "starts a Dask cluster of two processes"),
    SlowGroup(
        "cached builds",
        "tests/test_cache.py::test_a_build_from_the_cache",
        "three builds of the 1973 record in subprocesses: no cache, filling it, from it",
    ),
    SlowGroup(
        "deep temporary folder",
        "tests/test_batch.py::test_a_temporary_folder_too_long",
        "a batch in a subprocess with spawn workers",
    ),
    SlowGroup(
        "packet validators",
        "tests/packet/test_packet_build.py::test_ace",
        "Ace (Node, Chromium) on the packet's EPUB",
    ),
    SlowGroup(
        "packet EPUBCheck",
        "tests/packet/test_packet_build.py::test_epubcheck",
        "EPUBCheck (Java) on the packet's EPUB",
    ),
    SlowGroup(
        "packet rebuild",
        "tests/packet/test_packet_build.py::test_a_rebuild",
        "the whole packet laid out a second time",
    ),
    SlowGroup(
        "EPUBCheck on every errata place",
        "tests/robustness/test_errata_links.py::test_epubcheck",
        "EPUBCheck (Java) on a book of its own",
    ),
    SlowGroup(
        "bundled batch",
        "tests/test_batch.py::test_bundled_documents_and_a_broken_one",
        "every bundled record built in a subprocess batch and one by one",
    ),
)


def _is_slow(item: pytest.Item, group: SlowGroup) -> bool:
    if group.match.startswith("fixture:"):
        return _asks_for(item, group.match.removeprefix("fixture:"))
    return item.nodeid.startswith(group.match)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(_is_slow(item, group) for group in SLOW):
            item.add_marker(pytest.mark.slow)


# --- the session's own housekeeping ----------------------------------------------------------


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Tests lay documents out directly: remove WeasyPrint's font copies of those layouts
    (pipeline/build.py does it after each build)."""
    from pipeline.build import _release_layouts

    _release_layouts(scan=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_warnings: the test expects logged warnings")
    config.addinivalue_line("markers", "slow: seconds per test in other processes (SLOW)")


@pytest.fixture(autouse=True)
def fail_on_warnings(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Make any warning WeasyPrint (or we, or any library) logs during a test fail it, unless
    the test expects it by marking itself `@pytest.mark.allow_warnings`.

    The records are those of the test's setup (its fixtures, the session's builds included,
    are made then) and call phases: `caplog.records` read here, in the fixture's teardown,
    holds only the teardown's own records, which is why the earlier guard never fired
    (issue 14 §6)."""
    caplog.set_level(logging.WARNING)
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    warnings = [r for r in records if r.levelno >= logging.WARNING]
    if warnings and request.node.get_closest_marker("allow_warnings") is None:
        pytest.fail(
            "unexpected warnings: " + "; ".join(f"{r.name}: {r.getMessage()}" for r in warnings)
        )
