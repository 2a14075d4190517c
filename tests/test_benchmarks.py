"""The benchmarks' own instruments still measure what they say (issue 8 §4).

`make bench` is not part of `make test`, so a change to the writers can break a benchmark
unseen (the print rework did: the recording hook it watched was renamed). These tests run the
pieces each measure depends on, at the smallest size: the recorded build and the bare render
it is compared with give the same PDF (or the ratio would compare different work), and the
long record reads as its copies and builds within its own limits; callgrind's counts of two
stretches of one child come back under their labels, in proportion to the work.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from benchmarks import archive, corpus, instructions, where
from pipeline.inputs import read_inputs
from pipeline.pipeline import prepare_inputs
from tests.conftest import RECORD_1973, ROOT, SOURCES

SHORTEST = SOURCES / "1974-04-23-us-panama-memcon"


def test_the_bare_render_is_the_same_work_as_the_build() -> None:
    seen, built = archive.recorded_build(read_inputs(SHORTEST))
    assert seen.layouts >= 1 and seen.html and seen.page_css
    assert archive.bare_render(seen) == built


def test_the_long_record_reads_as_its_copies_within_its_own_limits(tmp_path: Path) -> None:
    folder = corpus.repeat_record(RECORD_1973, 3, tmp_path)
    once, _ = prepare_inputs(read_inputs(RECORD_1973), typography=False)
    thrice, _ = prepare_inputs(read_inputs(folder), typography=False)
    assert len(thrice.sessions) == 3 * len(once.sessions)
    # The sessions' notes are repeated with them (renumbered); the title's and header's are not.
    assert len(once.notes) < len(thrice.notes) < 3 * len(once.notes)
    assert "[limits]" in (folder / "edition.toml").read_text("utf-8")


def test_every_phase_where_times_is_a_function_of_the_build() -> None:
    """where.py patches each phase by name; a renamed function would fail it mid-run."""
    for phase in where.PHASES:
        owner: object = importlib.import_module(phase.module)
        for part in phase.attribute.split("."):
            owner = getattr(owner, part)
        assert callable(owner), phase.label


COUNTED = """
import sys
sys.path.insert(0, sys.argv[1])
from benchmarks.instructions import counted
with counted("once"):
    sum(i * i for i in range(20_000))
with counted("twice"):
    sum(i * i for i in range(40_000))
"""


def test_callgrind_counts_each_labelled_stretch_in_proportion_to_its_work() -> None:
    """The instruments of measure 1 (instructions.py): valgrind is a row of system-deps.txt
    for the tests and the benchmark."""
    assert instructions.missing() is None
    counts = instructions.run_counted([sys.executable, "-c", COUNTED, ROOT], ROOT)
    assert set(counts) == {"once", "twice"}
    assert counts["once"] > 1_000_000  # the loop itself, not the calls around it
    assert 1.8 < counts["twice"] / counts["once"] < 2.2
