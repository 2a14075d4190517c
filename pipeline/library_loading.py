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
"""

from __future__ import annotations

import ctypes.util
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

WEASYPRINT_LIBRARIES = "weasyprint.text.ffi"


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
                self.inner.exec_module(module)
                return
            except OSError:
                pass  # a library only the search finds: run the module again with it
            ctypes.util.find_library = search
            self.inner.exec_module(module)
        finally:
            ctypes.util.find_library = search

    def __getattr__(self, name: str) -> object:
        # get_source, get_filename, …: what inspect and tracebacks ask of a module's loader.
        return getattr(self.inner, name)


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
