"""Turn a Document into a TEI P5 file: the bytes of one XML document, in the profile asked for.

    write_tei(doc, ctx, profile="generic") -> bytes

Two profiles (`PROFILES`), one for each kind of reader:

- `generic`: TEI P5 valid against the TEI Consortium's `tei_all` (see `generic.py`): speakers'
  turns as `sp`/`speaker`, every errata decision in its TEI form (`choice`/`sic`/`corr`,
  `choice`/`orig`/`reg`, `supplied`, `sic`, `orig`) with @resp and @change;
- `frus`: shaped as the Office of the Historian encodes a FRUS document and valid against their
  `frus.rnc` (see `frus.py`), whose schema has neither `choice`, `sic`, `corr`, `sp` nor
  `speaker`: speakers as `persName@corresp` inside `p`, the decisions listed in
  `editorialDecl/correction` and their places marked with `seg`.

Both give the same words as the print and ebook editions (`reading.py` reads them back; the
tests compare them with `audit.expected_words` for every bundled record), write notes at their
call points, use the EPUB's identifier, and are byte-identical from one build to the next.
Nothing is fetched: the schemas the tests validate against are vendored in `schemas/`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.context import Context
from pipeline.model import Document


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    why: str  # who it is for
    schema: str  # the vendored schema its files are valid against, from the project root
    write: Callable[[Document, Context], bytes]


def _generic(doc: Document, ctx: Context) -> bytes:
    from pipeline.writers.tei.generic import write_generic

    return write_generic(doc, ctx)


def _frus(doc: Document, ctx: Context) -> bytes:
    from pipeline.writers.tei.frus import write_frus

    return write_frus(doc, ctx)


PROFILES: tuple[Profile, ...] = (
    Profile(
        "generic",
        "any TEI tool or archive: TEI P5 with the Guidelines' own elements for speeches and "
        "editorial interventions",
        "schemas/tei/tei_all.rng",
        _generic,
    ),
    Profile(
        "frus",
        "the Office of the Historian's FRUS repository: their document shape and schema",
        "schemas/frus/frus.rnc",
        _frus,
    ),
)
DEFAULT_PROFILE = "generic"
PROFILE_NAMES = tuple(profile.name for profile in PROFILES)


def profile(name: str) -> Profile:
    for candidate in PROFILES:
        if candidate.name == name:
            return candidate
    raise ValueError(f"unknown TEI profile {name!r}; one of: {', '.join(PROFILE_NAMES)}")


def write_tei(doc: Document, ctx: Context, profile_name: str = DEFAULT_PROFILE) -> bytes:
    """The TEI file of `doc` in the named profile (see the module docstring)."""
    return profile(profile_name).write(doc, ctx)


__all__ = ["DEFAULT_PROFILE", "PROFILES", "PROFILE_NAMES", "Profile", "profile", "write_tei"]
