"""`build --all`: every document built and byte-identical to a single build, one broken document
reported without stopping the others, up-to-date skips, `--force`, folder-name collisions, the
Dask LocalCluster build, and Ctrl-C (issue 8 §2–3)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch import BatchRequest, Outcome, run_batch
from pipeline.build import STAMP
from pipeline.cli import main
from tests.conftest import DOCUMENTS, ROOT, export


def small_record(title: str, speaker: str = "Tanaka", notes: int = 1) -> str:
    calls = "".join(f"{{{n}}}" for n in range(1, notes + 1))
    return export(
        "8 October 1973",
        "Morning meeting (10:00-11:00)",
        f"{speaker}. We discussed the fisheries question at length.{calls}",
        "L.I. Brezhnev. The Soviet side agrees with this assessment of the situation.",
        notes=tuple(f"Note {n} of {title}." for n in range(1, notes + 1)),
        title=title,
    )


# A note called twice: the parser stops with `source.txt:LINE: note 1 is called twice`.
BROKEN = export(
    "1 May 1970", "Meeting (10:00)", "Tanaka. Yes.{1}", "Tanaka. No.{1}", notes=("One.",)
)


def make_folder(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "source.txt").write_text(text, encoding="utf-8")
    return folder


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_bundled_documents_and_a_broken_one(tmp_path, capsys, bundled_builds):
    sources = tmp_path / "sources"
    for document in DOCUMENTS:
        shutil.copytree(document, sources / document.name)
    broken = make_folder(sources, "zz-broken", BROKEN)
    out = tmp_path / "out"

    status = main(["build", "--all", str(sources), "--out", str(out), "-j", "2"])
    err = capsys.readouterr().err

    assert status == 2
    # The broken one is one `file:line: problem` line; the others are all built.
    assert f"{broken / 'source.txt'}:" in err and "note 1" in err
    assert err.strip().splitlines()[-1].startswith("3 built, 1 failed, 0 up to date")
    assert "Traceback" not in err
    assert not (out / "zz-broken").exists()
    for document in DOCUMENTS:
        # The same bytes as a single build (the session's, tests/conftest.py) …
        batch_files = files_of(out / document.name)
        assert batch_files.pop(STAMP)
        assert batch_files == dict(bundled_builds.get(document).files), document.name
        # … and the same stamp: a single build into the batch's folder finds it up to date.
        assert main(["build", str(document), "--out", str(out / document.name)]) == 0
        assert "up to date" in capsys.readouterr().err, document.name
    # No staging or retired folder is left beside the editions.
    assert [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_dir()] == []


def test_up_to_date_documents_are_skipped_and_force_rebuilds(tmp_path, capsys):
    sources = tmp_path / "sources"
    make_folder(sources, "a", small_record("RECORD A"))
    make_folder(sources, "b", small_record("RECORD B", notes=2))
    out = tmp_path / "out"
    assert main(["build", "--all", str(sources), "--out", str(out), "-j", "1"]) == 0
    capsys.readouterr()
    before = {name: files_of(out / name) for name in ("a", "b")}
    times = {p: p.stat().st_mtime_ns for p in (out / "a").iterdir()}

    assert main(["build", "--all", str(sources), "--out", str(out)]) == 0
    assert capsys.readouterr().err.strip().startswith("0 built, 0 failed, 2 up to date")
    assert {p: p.stat().st_mtime_ns for p in (out / "a").iterdir()} == times

    # A changed input rebuilds that document only.
    (sources / "b" / "source.txt").write_text(small_record("RECORD B", notes=1), encoding="utf-8")
    assert main(["build", "--all", str(sources), "--out", str(out)]) == 0
    assert capsys.readouterr().err.strip().startswith("1 built, 0 failed, 1 up to date")
    assert files_of(out / "b") != before["b"]

    # An edition file removed by hand makes it out of date.
    (out / "a" / "a.epub").unlink()
    assert main(["build", "--all", str(sources), "--out", str(out)]) == 0
    assert capsys.readouterr().err.strip().startswith("1 built")
    assert files_of(out / "a") == before["a"]

    assert main(["build", "--all", str(sources), "--out", str(out), "--force"]) == 0
    assert capsys.readouterr().err.strip().startswith("2 built, 0 failed, 0 up to date")
    assert files_of(out / "a") == before["a"]


def test_one_format_alone_keeps_the_other_and_its_stamp(tmp_path, capsys):
    sources = tmp_path / "sources"
    make_folder(sources, "a", small_record("RECORD A"))
    out = tmp_path / "out"
    assert main(["build", "--all", str(sources), "--out", str(out), "--to", "pdf"]) == 0
    assert main(["build", "--all", str(sources), "--out", str(out), "--to", "epub"]) == 0
    stamp = json.loads((out / "a" / STAMP).read_text())
    assert set(stamp["formats"]) == {"pdf", "epub"}
    assert {"a.pdf", "a.epub", "errata.json"} <= set(stamp["files"])
    capsys.readouterr()
    assert main(["build", "--all", str(sources), "--out", str(out)]) == 0
    assert capsys.readouterr().err.strip().startswith("0 built, 0 failed, 1 up to date")


def test_folders_that_share_an_output_folder_are_refused(tmp_path, capsys):
    sources = tmp_path / "sources"
    first = make_folder(sources, "memcon (draft)", small_record("RECORD A"))
    second = make_folder(sources, "memcon [draft]", small_record("RECORD B"))
    out = tmp_path / "out"
    assert main(["build", "--all", str(sources), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert not (out / "memcon--draft").exists()
    assert err.count("rename one of the folders") == 2
    assert str(first) in err and str(second) in err
    # Built one after the other, the second may not replace the first's edition either.
    assert main(["build", str(first), "--out", str(out / "memcon--draft")]) == 0
    before = files_of(out / "memcon--draft")
    assert main(["build", str(second), "--out", str(out / "memcon--draft")]) == 2
    assert "holds the edition of 'memcon (draft)'" in capsys.readouterr().err
    assert files_of(out / "memcon--draft") == before


def test_a_library_caller_gets_outcomes_through_its_own_progress(tmp_path):
    sources = tmp_path / "sources"
    make_folder(sources, "a", small_record("RECORD A"))
    make_folder(sources, "b", BROKEN)
    seen: list[tuple[str, str]] = []

    class Recorder:
        def planned(self, total: int, skipped: int) -> None:
            seen.append(("planned", f"{total}/{skipped}"))

        def started(self, document: str) -> None:
            seen.append(("started", Path(document).name))

        def finished(self, outcome: Outcome) -> None:
            seen.append((outcome.status, Path(outcome.document).name))

    request = BatchRequest(root=sources, formats=("epub",), out_root=tmp_path / "out")
    report = run_batch(request, Recorder())
    assert ("planned", "2/0") in seen and ("built", "a") in seen and ("failed", "b") in seen
    assert report.count("built") == 1 and report.count("failed") == 1


def test_dask_local_cluster_builds_the_same_bytes(tmp_path, capsys, request):
    distributed = pytest.importorskip("dask.distributed")
    # On a busy machine the cluster's own shutdown warns that it killed a slow worker: a fact
    # about the test's cluster, not about the build (whose warnings still fail the test).
    nanny = logging.getLogger("distributed.nanny")
    request.addfinalizer(lambda level=nanny.level: nanny.setLevel(level))
    nanny.setLevel(logging.ERROR)
    sources = tmp_path / "sources"
    make_folder(sources, "a", small_record("RECORD A"))
    make_folder(sources, "b", small_record("RECORD B", speaker="Ohira", notes=2))
    make_folder(sources, "c", BROKEN)
    local = tmp_path / "local"
    assert main(["build", "--all", str(sources), "--out", str(local), "-j", "1"]) == 2
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = tmp_path / "remote"
        status = main(
            [
                "build",
                "--all",
                str(sources),
                "--out",
                str(remote),
                "--cluster",
                cluster.scheduler_address,
            ]
        )
    err = capsys.readouterr().err
    assert status == 2 and "note 1" in err, err  # the broken one fails on the cluster as well
    for name in ("a", "b"):
        assert files_of(remote / name) == files_of(local / name)
    assert not (remote / "c").exists()


def test_an_unreachable_cluster_is_a_clear_error(tmp_path, capsys, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    # The batch waits 10 s for a scheduler; the message, not the wait, is under test here.
    client = distributed.Client
    monkeypatch.setattr(
        distributed, "Client", lambda address, timeout, **kw: client(address, timeout="1s", **kw)
    )
    sources = tmp_path / "sources"
    make_folder(sources, "a", small_record("RECORD A"))
    status = main(
        [
            "build",
            "--all",
            str(sources),
            "--out",
            str(tmp_path / "o"),
            "--cluster",
            "tcp://127.0.0.1:9",
        ]
    )
    err = capsys.readouterr().err
    assert status == 2 and "cannot reach the Dask scheduler" in err and "Traceback" not in err


def test_ctrl_c_keeps_what_was_finished_and_leaves_no_temporary_files(tmp_path):
    sources = tmp_path / "sources"
    for index in range(6):
        make_folder(sources, f"doc-{index}", small_record(f"RECORD {index}", notes=index % 3))
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            "--all",
            str(sources),
            "--out",
            str(out),
            "-j",
            "2",
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )

    def published() -> list[str]:
        # Not a staging folder (.name.staging-…) that is still being filled.
        return [p.parent.name for p in out.glob("*/" + STAMP) if not p.parent.name.startswith(".")]

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not published():
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted:" in err and "nothing half-written" in err and "Traceback" not in err
    built = published()
    assert built, "the edition finished before Ctrl-C is kept"
    for name in built:
        assert {"errata.json", f"{name}.pdf", f"{name}.epub"} <= set(os.listdir(out / name))
    leftovers = [
        p.name for p in out.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")
    ]
    assert leftovers == []


def test_builds_leave_no_temporary_folders(tmp_path):
    # WeasyPrint copies the fonts into /tmp/weasyprint-* for each layout and removes the copy
    # only when its FontConfiguration is collected: every build used to leave 1.3 MB behind.
    sources = tmp_path / "sources"
    make_folder(sources, "a", small_record("RECORD A"))
    make_folder(sources, "b", small_record("RECORD B", notes=2))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary)}
    for argv in (
        ["build", str(sources / "a"), "--out", str(tmp_path / "one")],
        ["build", "--all", str(sources), "--out", str(tmp_path / "all"), "-j", "2"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", *argv],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert list(temporary.iterdir()) == [], argv


def test_a_release_refuses_a_proposed_entry_even_when_up_to_date(tmp_path, capsys):
    sources = tmp_path / "sources"
    folder = make_folder(sources, "a", small_record("RECORD A"))
    (folder / "errata.toml").write_text(
        '\n[[fix]]\nid = "x"\nfind = "fisheries question"\nreplace = "fisheries questions"\n'
        'reason = "typo"\nstatus = "proposed"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["build", "--all", str(sources), "--out", str(out)]) == 0
    before = files_of(out / "a")
    capsys.readouterr()
    assert main(["build", "--all", str(sources), "--out", str(out), "--release"]) == 2
    assert f"{folder / 'errata.toml'}:2: fix 'x' is still proposed" in capsys.readouterr().err
    assert main(["build", str(folder), "--out", str(out / "a"), "--release"]) == 2
    assert files_of(out / "a") == before


def test_a_temporary_folder_too_long_for_a_socket_still_builds(tmp_path):
    # The forkserver listens on a Unix socket in $TMPDIR, whose path may hold 107 bytes: a
    # deep TMPDIR (a CI runner's, a test's) made every batch an internal error.
    from pipeline.batch import pool_start_method

    sources = tmp_path / "sources"
    make_folder(sources, "a", small_record("RECORD A"))
    make_folder(sources, "b", small_record("RECORD B"))
    temporary = tmp_path / ("deep-" * 20)
    temporary.mkdir()
    assert pool_start_method(str(temporary)) == "spawn"
    assert pool_start_method("/tmp") == "forkserver"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--all", str(sources), "-j", "2",
         "--out", str(tmp_path / "all")],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(temporary)},
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 built, 0 failed" in done.stderr
    assert sorted(p.name for p in (tmp_path / "all").iterdir() if p.is_dir()) == ["a", "b"]
