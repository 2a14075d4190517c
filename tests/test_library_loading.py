"""WeasyPrint's C libraries open by their sonames, without a subprocess per name tried
(pipeline/library_loading.py), and a library that only ctypes' search finds still opens."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from pipeline import cache, library_loading

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

COUNT_SUBPROCESSES = textwrap.dedent(
    """
    import ctypes.util, subprocess, sys
    started = []
    real = subprocess.Popen.__init__
    def counted(self, args, *rest, **options):
        started.append(args)
        return real(self, args, *rest, **options)
    subprocess.Popen.__init__ = counted
    search = ctypes.util.find_library
    {imports}
    import weasyprint.text.ffi as ffi
    assert ffi.pango is not None and ffi.harfbuzz is not None
    assert ctypes.util.find_library is search, "the search was not given back"
    print(len(started))
    """
)


def _subprocesses_started(imports: str) -> int:
    code = COUNT_SUBPROCESSES.format(imports=imports)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def test_weasyprint_loads_its_libraries_without_a_subprocess_after_the_pipeline() -> None:
    assert _subprocesses_started("import pipeline") == 0


def test_without_the_pipeline_first_weasyprint_would_search_by_subprocess() -> None:
    # What the module saves: WeasyPrint alone runs ldconfig/gcc for the names it tries first.
    # (If this ever gives 0, WeasyPrint or cffi fixed it upstream and the module can go.)
    assert _subprocesses_started("") > 0


class _NeedsTheSearch:
    """A module loader that, like a library outside the loader's folders, opens only when
    ctypes' search is the real one."""

    def __init__(self) -> None:
        self.runs: list[bool] = []

    def create_module(self, spec: object) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        searched = ctypes.util.find_library is not library_loading._not_searched
        self.runs.append(searched)
        if not searched:
            raise OSError("cannot load library 'libpango-1.0-0'")

    def get_source(self, name: str) -> str:
        return "# source"


def test_a_library_only_the_search_finds_still_loads_on_a_second_run() -> None:
    inner = _NeedsTheSearch()
    search = ctypes.util.find_library
    library_loading._SonamesFirst(inner).exec_module(ModuleType("probe"))  # type: ignore[arg-type]
    assert inner.runs == [False, True]
    assert ctypes.util.find_library is search


def test_the_loader_answers_for_its_module_as_the_usual_one_would() -> None:
    loader = library_loading._SonamesFirst(_NeedsTheSearch())  # type: ignore[arg-type]
    assert loader.get_source("weasyprint.text.ffi") == "# source"


# --- the C declarations, parsed once per machine (cffi's out-of-line ABI mode) -----------------

PREBUILT_PROBE = textwrap.dedent(
    """
    import hashlib, sys
    import pipeline
    import weasyprint
    import weasyprint.text.ffi as libraries
    html = '<p lang="en" style="hyphens: auto; width: 3cm">Negotiations of the representatives</p>'
    pdf = weasyprint.HTML(string=html).write_pdf()
    parsed = "pycparser" in sys.modules
    print(type(libraries.ffi).__module__, parsed, hashlib.sha256(pdf).hexdigest())
    """
)


def _probe(cache_setting: str) -> tuple[str, bool, str]:
    env = {**os.environ, cache.ENVIRONMENT_VARIABLE: cache_setting}
    done = subprocess.run(
        [sys.executable, "-c", PREBUILT_PROBE], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    kind, parsed, digest = done.stdout.split()
    return kind, parsed == "True", digest


def test_the_declarations_are_parsed_once_and_the_pdf_is_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    stock = _probe("off")
    assert stock[:2] == ("cffi.api", True)  # WeasyPrint as written: cffi parses with pycparser
    first = _probe(str(folder))
    (entry,) = (folder / library_loading.CACHE_KIND).iterdir()
    again = _probe(str(folder))
    assert first[0] == again[0] == "_cffi_backend"
    assert again[1] is False, "a second build should not need the C parser at all"
    assert stock[2] == first[2] == again[2]
    entry.write_bytes(b"this is not python")  # a damaged entry is made again
    mended = _probe(str(folder))
    assert mended[0] == "_cffi_backend" and mended[2] == stock[2]
    assert entry.read_bytes().startswith(b"# auto-generated file")


class _TwoDeclarations:
    """A module that uses cffi in a way the stand-in does not plan for (two FFIs)."""

    def create_module(self, spec: object) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        import cffi

        module.ffi = cffi.FFI()  # type: ignore[attr-defined]
        module.other = cffi.FFI()  # type: ignore[attr-defined]


def test_a_module_that_uses_cffi_otherwise_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cffi

    monkeypatch.setenv(cache.ENVIRONMENT_VARIABLE, str(tmp_path))
    real = cffi.FFI
    module = ModuleType("probe")
    assert not library_loading._run_with_prebuilt_declarations(_TwoDeclarations(), module)  # type: ignore[arg-type]
    assert cffi.FFI is real


def test_without_a_cache_there_is_no_prebuilt_ffi(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENVIRONMENT_VARIABLE, "off")
    assert library_loading.prebuilt_ffi("int abs(int);") is None
