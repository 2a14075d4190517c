"""Import fontTools' subsetter and font instancer only when WeasyPrint calls them (issue 8 §4).

WeasyPrint 70's ``weasyprint/pdf/fonts.py`` imports ``fontTools.subset`` and
``fontTools.varLib.instancer`` when it loads. It calls the subsetter only when HarfBuzz's own
subsetter is missing (``libharfbuzz-subset0`` is a system dependency of the project, so never
here), and the instancer only for a variable font (the vendored Linux Libertine fonts are not
variable ones). The two imports pull in most of fontTools (the subsetter's table plug-ins,
``fontTools.varLib``, the designspace and feature libraries): some 0.05 s of every cold build.

`install()` puts a stand-in for each module in ``sys.modules`` before WeasyPrint loads. The
stand-in imports the real module the first time anything is asked of it and answers from it
from then on, so a caller that needs it gets the real thing, only later. The instancer relies
on the subsetter's side effects (it defines methods on fontTools' table classes), so the real
subsetter is loaded before the real instancer. Nothing changes once either has been imported
already, and the outputs are the same bytes (a test builds with and without the stand-ins).
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType
from typing import Any

SUBSET = "fontTools.subset"
INSTANCER = "fontTools.varLib.instancer"
# Two threads asking at once load the module once; re-entrant, because loading the
# instancer loads the subsetter first, under the same lock.
_LOAD = threading.RLock()


class _StandIn(ModuleType):
    """A module that becomes the real one on first use: it loads `name` and answers from it."""

    def __init__(
        self, name: str, first: tuple[str, ...] = (), functions: tuple[str, ...] = ()
    ) -> None:
        super().__init__(name)
        self._edition_first = first  # modules to load for real before this one
        self._edition_real: ModuleType | None = None
        # `from module import function` takes the attribute at once: these are there from the
        # start, each calling the real module's function when it is called.
        for function in functions:
            setattr(self, function, _forwarding(self, function))

    def __getattr__(self, attribute: str) -> Any:
        # Only names the stand-in lacks come here; dunders such as __spec__ are its own (None),
        # so the import system finds it in sys.modules without loading anything.
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return getattr(real(self), attribute)


def _forwarding(module: _StandIn, name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(real(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


def real(module: ModuleType) -> ModuleType:
    """The real module behind a stand-in (loaded now if need be), or `module` itself."""
    if not isinstance(module, _StandIn):
        return module
    with _LOAD:
        if module._edition_real is None:
            for name in module._edition_first:
                real(sys.modules[name])
            if sys.modules.get(module.__name__) is module:
                del sys.modules[module.__name__]
            loaded = importlib.import_module(module.__name__)
            module._edition_real = loaded
            parent, _, child = module.__name__.rpartition(".")
            if parent in sys.modules and getattr(sys.modules[parent], child, None) is module:
                setattr(sys.modules[parent], child, loaded)
        return module._edition_real


def install() -> None:
    """Put the stand-ins in place, unless WeasyPrint's font module or either real module has
    been imported already (then there is nothing left to defer)."""
    if "weasyprint.pdf.fonts" in sys.modules or SUBSET in sys.modules or INSTANCER in sys.modules:
        return
    import fontTools

    subset = _StandIn(SUBSET)
    sys.modules[SUBSET] = subset
    # `from fontTools import subset` reads the package's attribute first; with it there, the
    # import system never looks inside the stand-in (which would load it).
    fontTools.subset = subset  # type: ignore[attr-defined]
    sys.modules[INSTANCER] = _StandIn(
        INSTANCER, first=(SUBSET,), functions=("instantiateVariableFont",)
    )
