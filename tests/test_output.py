"""Publishing an edition's files: all together or not at all, even when the build is killed
at any step, with leftovers cleaned up by the next build (issue 13 §1, issue 8)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.output import publish, recover

OLD = {"book.pdf": b"old pdf", "errata.json": b"old errata", "book.epub": b"old epub"}
NEW = {"book.pdf": b"new pdf", "errata.json": b"new errata"}


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_new_folder_gets_the_files(tmp_path):
    publish(tmp_path / "out", NEW)
    assert contents(tmp_path / "out") == NEW


def test_files_not_rebuilt_are_kept_and_named_ones_removed(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    publish(out, NEW)
    assert contents(out) == {**OLD, **NEW}
    publish(out, {"book.pdf": b"third"}, remove=("book.epub",))
    assert contents(out) == {"book.pdf": b"third", "errata.json": b"new errata"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_a_folder_in_the_way_of_a_file_stops_before_anything_changes(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    (out / "book.epub").unlink()
    (out / "book.epub").mkdir()
    (out / "book.epub" / "keep.txt").write_text("the user's")
    with pytest.raises(PipelineError, match="is a folder where the build must write a file"):
        publish(out, {**NEW, "book.epub": b"new epub"})
    assert (out / "book.pdf").read_bytes() == b"old pdf"
    assert (out / "book.epub" / "keep.txt").read_text() == "the user's"


def test_a_folder_holding_other_files_is_not_taken_over(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.odt").write_text("years of work")
    with pytest.raises(PipelineError, match=r"holds files that are not this edition's \(thesis"):
        publish(home, NEW, owned=lambda name: name in NEW)
    assert contents(home) == {"thesis.odt": b"years of work"}


def test_a_killed_build_leaves_the_old_set_and_the_next_one_cleans_up(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    staging = tmp_path / ".out.staging-x1"
    staging.mkdir()
    (staging / "book.pdf").write_bytes(b"half")
    retired = tmp_path / ".out.retired-x2"
    retired.mkdir()
    recover(out)
    assert contents(out) == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_leftovers_of_an_interrupted_write_are_dropped(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    (out / ".errata.json.k3j2.tmp").write_bytes(b"half")
    publish(out, NEW, owned=lambda name: name in OLD)
    assert contents(out) == {**OLD, **NEW}


def test_killed_between_the_two_renames_the_old_set_comes_back(tmp_path):
    out = tmp_path / "out"
    publish(out, OLD)
    os.rename(out, tmp_path / ".out.retired-abc")
    recover(out)
    assert contents(out) == OLD


# A child process publishes NEW over OLD and kills itself (SIGKILL: no cleanup runs) at step
# `kill_at` of the publish: each file written, each rename or exchange.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import pipeline.output as output
    out, kill_at, can_exchange = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    steps = [0]
    def step():
        steps[0] += 1
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    real_write, real_rename, real_exchange = output._write, os.rename, output.exchange
    def write(path, data):
        real_write(path, data); step()
    def rename(a, b):
        step(); real_rename(a, b); step()
    def exchange(a, b):
        step()
        done = real_exchange(a, b) if can_exchange else False
        if done:
            step()
        return done
    output._write, output.exchange = write, exchange
    os.rename = rename
    output.publish(out, {"book.pdf": b"new pdf", "errata.json": b"new errata"})
    print("finished", steps[0])
    """
)


@pytest.mark.parametrize("can_exchange", [True, False], ids=["exchange", "two-renames"])
def test_sigkill_at_every_step_leaves_the_old_set_or_the_new_one(tmp_path, can_exchange):
    total = None
    kill_at = 1
    while True:
        out = tmp_path / f"run-{kill_at}" / "out"
        publish(out, OLD)
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(out), str(kill_at), "1" if can_exchange else "0"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        finished = done.returncode == 0
        if finished:
            total = int(done.stdout.split()[-1])
        else:
            assert done.returncode == -9, done.stderr
        # What a reader sees right after the kill: the old set or the new one, unless the
        # fallback was between its two renames (then the old set waits beside it).
        if out.exists():
            assert contents(out) in (OLD, {**OLD, **NEW}), kill_at
        else:
            assert not can_exchange and list(out.parent.glob(".out.retired-*")), kill_at
        # The next build first puts things right, then finds no leftovers.
        recover(out)
        assert contents(out) in (OLD, {**OLD, **NEW}), kill_at
        assert sorted(p.name for p in out.parent.iterdir()) == [".out.lock", "out"]
        if finished:
            break
        kill_at += 1
    assert total is not None and kill_at > 3  # every step was tried
