"""Open WeasyPrint's C libraries by their sonames, without ctypes' library search (issue 8 §4).

WeasyPrint's ``weasyprint/text/ffi.py`` opens GObject, Pango, HarfBuzz, fontconfig and the rest by
trying one list of names for every platform: ``libgobject-2.0-0``, ``gobject-2.0-0``,
``gobject-2.0``, then the Linux soname ``libgobject-2.0.so.0``, and so on. cffi passes each name it
cannot open to ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then ``gcc``
or ``ld`` for every miss: some twenty subprocesses, 0.15–0.2 s of every cold build (a sixth of
it), spent before the soname further down each list opens directly.

While that one module runs, and only then, the search answers "not found" at once. ``dlopen``
itself still looks for the soname where the system's loader looks (``LD_LIBRARY_PATH``,
``ld.so.cache``, the default folders), which is where the search would have found it. Should
the module still fail to load, it runs again with the real search, so a library that only the
search can find loads as before. Nothing changes on other systems, or when WeasyPrint was
imported before the pipeline.

The same module then spends another 0.05–0.07 s on cffi parsing its C declarations with
pycparser (the declarations at import, and each type named in ``ffi.new`` later). So while it
runs, ``cffi.FFI()`` gives a stand-in whose ``cdef`` hands the declarations to cffi's
"out-of-line ABI" mode once per machine: cffi turns them into a small Python module of binary
type tables (kept in the pipeline's cache, ``pipeline/cache.py``, named by a hash of the
declarations and cffi's version), and that module's FFI answers every later question without a
parser (0.006 s). The functions called, and the layouts and PDFs made, are the same. When the
cache is off, or anything in this path fails, the module runs again as WeasyPrint wrote it.
"""

from __future__ import annotations

import ctypes.util
import importlib.abc
import importlib.machinery
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline import cache

WEASYPRINT_LIBRARIES = "weasyprint.text.ffi"
CACHE_KIND = "cffi"
_MODULE_NAME = "_weasyprint_ffi"


def _not_searched(name: str) -> None:
    return None


class _SonamesFirst(importlib.abc.Loader):
    """WeasyPrint's own loader for the module, run with the search switched off."""

    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        search = ctypes.util.find_library
        ctypes.util.find_library = _not_searched  # type: ignore[assignment]
        try:
            try:
                self._run(module)
                return
            except OSError:
                pass  # a library only the search finds: run the module again with it
            ctypes.util.find_library = search
            self._run(module)
        finally:
            ctypes.util.find_library = search

    def _run(self, module: ModuleType) -> None:
        """Run the module with the prebuilt declarations, or as written when that did not work
        out; an OSError (a library not found) is the caller's to handle."""
        if not _run_with_prebuilt_declarations(self.inner, module):
            self.inner.exec_module(module)

    def __getattr__(self, name: str) -> object:
        # get_source, get_filename, …: what inspect and tracebacks ask of a module's loader.
        return getattr(self.inner, name)


class _Declarations:
    """What ``cffi.FFI()`` gives while WeasyPrint's module runs: `cdef` makes the real FFI, from
    the cached out-of-line module when there is one, and everything else is asked of it."""

    def __init__(self) -> None:
        self.ffi: Any = None

    def cdef(self, source: str, **options: object) -> None:
        if self.ffi is not None or options:
            raise _NotAsPlanned("more than one cdef, or cdef options")
        self.ffi = prebuilt_ffi(source)
        if self.ffi is None:
            raise _NotAsPlanned("no cache")

    def __getattr__(self, name: str) -> Any:
        if self.ffi is None:
            raise _NotAsPlanned(f"ffi.{name} before cdef")
        return getattr(self.ffi, name)


class _NotAsPlanned(Exception):
    """The module did not use cffi the way the stand-in expects: run it as written."""


def _run_with_prebuilt_declarations(inner: importlib.abc.Loader, module: ModuleType) -> bool:
    """Run WeasyPrint's module with the stand-in for `cffi.FFI`; False if that did not work
    out (the module then runs again as written, which raises any error that is really there).
    A library that cannot be opened (OSError) is not the stand-in's doing: it is raised."""
    if cache.folder() is None:
        return False
    try:
        import cffi
    except ImportError:
        return False
    made: list[_Declarations] = []

    def stand_in() -> _Declarations:
        made.append(_Declarations())
        return made[-1]

    real = cffi.FFI
    cffi.FFI = stand_in  # type: ignore[assignment,misc]
    try:
        inner.exec_module(module)
    except OSError:
        raise
    except Exception:
        return False
    finally:
        cffi.FFI = real  # type: ignore[misc]
    if not made:
        return True  # the module never asked for an FFI: its run stands as it is
    stood_in = getattr(module, "ffi", None)
    if len(made) != 1 or stood_in is not made[0] or stood_in.ffi is None:
        return False
    # The module's own functions and WeasyPrint's `from .ffi import ffi` see the real FFI.
    module.ffi = stood_in.ffi  # type: ignore[attr-defined]
    return True


def prebuilt_ffi(source: str) -> Any:
    """The FFI of `source` in cffi's out-of-line ABI mode, from the cache, made and kept there
    on the first call; None when there is no cache or cffi cannot make it."""
    if cache.folder() is None:
        return None  # without a place to keep it, making it costs more than it saves
    import cffi

    name = cache.key("cffi out-of-line ABI", cffi.__version__, source) + ".py"
    code = cache.read(CACHE_KIND, name)
    if code is not None and (ffi := _ffi_of(code, name)) is not None:
        return ffi
    code = _generate(source)
    if code is None:
        return None
    cache.write(CACHE_KIND, name, code)
    return _ffi_of(code, name)


def _generate(source: str) -> bytes | None:
    from cffi import recompiler
    from cffi.api import FFI  # not `cffi.FFI`, which is the stand-in while the module runs

    try:
        builder = FFI()
        builder.cdef(source)
        with tempfile.TemporaryDirectory(prefix="edition-cffi-") as work:
            target = Path(work) / f"{_MODULE_NAME}.py"
            recompiler.make_py_source(builder, _MODULE_NAME, str(target))
            return target.read_bytes()
    except Exception:  # cffi's own errors have no common base: any failure means "not cached"
        return None


def _ffi_of(code: bytes, name: str) -> Any:
    try:
        import _cffi_backend

        namespace: dict[str, Any] = {"__name__": _MODULE_NAME}
        exec(compile(code, f"<edition-pipeline cache {CACHE_KIND}/{name}>", "exec"), namespace)
        ffi = namespace["ffi"]
        return ffi if isinstance(ffi, _cffi_backend.FFI) else None
    except Exception:  # a damaged entry is made again
        return None


class _WeasyPrintLibraries(importlib.abc.MetaPathFinder):
    """Finds WeasyPrint's library module the usual way and gives it the loader above, once."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != WEASYPRINT_LIBRARIES:
            return None
        uninstall()
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _SonamesFirst(spec.loader)
        return spec


_FINDER = _WeasyPrintLibraries()


def install() -> None:
    """Take the next import of WeasyPrint's library module in hand (Linux only)."""
    if sys.platform.startswith("linux") and WEASYPRINT_LIBRARIES not in sys.modules:
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
