"""Turn WeasyPrint 70.0's line and page breaking into a book's, for the print edition's layouts.

WeasyPrint breaks lines first-fit and ignores `hyphenate-limit-lines` (NOTES.md), and at a page
foot it will push an earlier footnote of the page to the next page, leaving its call behind, to
honour orphans and widows. Three small changes to its line-box layout, made only while the
print edition is laid out (`book_breaking()`, a context manager), fix that in the same single
layout, with no "lay out, look, lay out again":

- **No footnote squeeze.** When a line that would satisfy orphans and widows does not fit,
  WeasyPrint 70.0 moves footnotes already placed on the page (whose calls stay there) to the
  next page to make room (layout/block.py, "report footnotes"). Instead the page breaks where
  orphans and widows allow, as it does everywhere else: the page ends a line or two short and
  every note stays with its call.
- **At most two hyphenated lines in a row.** After two consecutive lines that end in a hyphen,
  the next line of the paragraph is broken without hyphenation (`hyphenate-limit-lines: 2`).
- **No word broken across a page turn.** When the page breaks inside a paragraph and the last
  line kept on the page ends in a hyphen, that one line is laid out again without
  hyphenation, so the whole word moves to the next page.

- **A note that fits, fits.** WeasyPrint 70.0 compares the bottom of the last note with the
  bottom of the footnote area exactly (layout/__init__.py, `_update_footnote_area`); when they
  are equal but for a rounding error, the note is taken for too tall and pushed from page to
  page, away from its call (seen on US Letter with a FRUS source note on the date line).
- **Hyphenate only a line that needs it.** A line is hyphenated only if, broken at a space,
  its word spaces would stretch by more than `LOOSE_STRETCH_EM` each.
- **A trailing space does not overflow.** WeasyPrint 70.0 measures a text with its trailing
  space, which hangs at the line end: a text that fits but for it (the words before a
  `.whole` span) was taken for one too long to fit at all, and its first long word was
  hyphenated ("Let me talk about Polish-U. S. rela-", spaces of 2.4 em). It now fits.

The changes are source patches of three functions (`PATCHED`), each an exact string of
WeasyPrint 70.0's code replaced (`SourcePatch`, each with its reason); the patched code calls
the `_edition_*` helpers below and reads a flag set on the layout context. If the installed
WeasyPrint is not the one these were written against, nothing is patched and a warning says
so: the layout check after the layout (pdf.py) still catches any page-turn break.
"""

from __future__ import annotations

import inspect
import logging
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import weasyprint
import weasyprint.layout as weasy_layout
from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext
from weasyprint.layout import block as weasy_block
from weasyprint.layout import inline as weasy_inline
from weasyprint.text import line_break as weasy_line_break

LOGGER = logging.getLogger(__name__)

WEASYPRINT_VERSION = "70.0"
HYPHEN = "\u2010"  # WeasyPrint's default hyphenate-character, and ours (print.css)
MAX_HYPHENATED_RUN = 2  # Chicago Manual of Style 7.41: no more than two (three at most) in a row
FLAG = "edition_no_hyphens"  # set on the LayoutContext: lay the next line out without hyphens
# A line is hyphenated only if, broken at a space, its word spaces would each have to stretch
# by more than this: Linux Libertine's space is 0.25 em, so up to 2.4 times its width. Tuned on
# the bundled records: the fewest hyphens (≤ 8 %, issue 9) that keep lines with spaces of more
# than 2.6 times their width under 3 % (benchmarks/print_quality.py).
LOOSE_STRETCH_EM = 0.35


@dataclass(frozen=True, slots=True)
class SourcePatch:
    """Replace `old` (which must occur exactly once) by `new` in the patched function."""

    name: str
    old: str
    new: str
    why: str


LINEBOX_PATCHES = (
    SourcePatch(
        "remember the first line's start",
        "    new_footnotes = []\n",
        "    new_footnotes = []\n"
        "    _edition_first_skip = skip_stack\n"
        "    _edition_clear(context)\n",
        "the last line of a page is laid out again from where it started",
    ),
    SourcePatch(
        "no footnote squeeze",
        "report = not context.in_column and can_break_now and not could_break_before",
        "report = False",
        "moving notes already on the page to the next one separates them from their calls",
    ),
    SourcePatch(
        "limit hyphenated runs",
        "        new_children.append(line)\n        position_y = new_position_y\n"
        "        skip_stack = resume_at\n",
        "        new_children.append(line)\n        position_y = new_position_y\n"
        "        skip_stack = resume_at\n        _edition_after_line(context, new_children)\n",
        "a third hyphenated line in a row is laid out without hyphenation",
    ),
    SourcePatch(
        "no break across a page turn",
        "    if new_children:\n        resume_at = {index: new_children[-1].resume_at}\n",
        "    _edition_page_end(context, box, child, new_children, stop and not abort,\n"
        "                      _edition_first_skip, bottom_space, absolute_boxes, fixed_boxes,\n"
        "                      first_letter_style, first_line_style)\n"
        "    if new_children:\n        resume_at = {index: new_children[-1].resume_at}\n",
        "a reader turning the page must not meet half a word",
    ),
)

LINE_BREAK_PATCHES = (
    SourcePatch(
        "no hyphenation when asked",
        "    if hyphens == 'auto' and lang:\n",
        "    if hyphens == 'auto' and lang and not getattr(context, FLAG, False):\n",
        "the third line of a hyphenated run, and the last line of a page, are not hyphenated",
    ),
    SourcePatch(
        "hyphenate only a line that needs it",
        "limit_zone = percentage(\n                        style['hyphenate_limit_zone'], style, "
        "max_width)",
        "limit_zone = _edition_limit_zone(first_line_text, style, max_width)",
        "a gap shared by many word spaces needs no hyphen (see _edition_limit_zone)",
    ),
    SourcePatch(
        "a trailing space does not overflow",
        "    if resume_index is None and first_line_width <= max_width:\n",
        "    if resume_index is None and _edition_fits(\n"
        "            first_line_width, text, style, context, max_width, justification_spacing,\n"
        "            space_collapse):\n",
        "a text that fits but for its trailing space was taken for one word too long for the "
        "line and its first long word hyphenated ('Let me talk about Polish-U. S. rela-')",
    ),
)

FOOTNOTE_AREA_PATCHES = (
    SourcePatch(
        "compare positions with a tolerance",
        "overflow = last_child_bottom > footnote_area_bottom",
        "overflow = last_child_bottom > footnote_area_bottom + 1e-6",
        "a note that exactly fits is taken for one too tall by a rounding error (1e-13 px) "
        "and pushed from page to page, away from its call",
    ),
)


# --- what the patched code calls ----------------------------------------------------------------


def ends_hyphenated(line: boxes.LineBox) -> bool:
    """Whether a laid-out line ends in a hyphen the layout inserted."""
    last = None
    for box in line.descendants():
        if isinstance(box, boxes.TextBox) and box.text:
            last = box
    return last is not None and last.text.endswith(last.style["hyphenate_character"])


def _edition_clear(context: Any) -> None:
    setattr(context, FLAG, False)


def _edition_after_line(context: Any, lines: list[boxes.LineBox]) -> None:
    run = 0
    for line in reversed(lines):
        if not ends_hyphenated(line):
            break
        run += 1
    setattr(context, FLAG, run >= MAX_HYPHENATED_RUN)


def _edition_page_end(
    context: Any,
    box: boxes.Box,
    child: boxes.LineBox,
    lines: list[boxes.LineBox],
    page_breaks_here: bool,
    first_skip: Any,
    bottom_space: float,
    absolute_boxes: list[Any],
    fixed_boxes: list[Any],
    first_letter_style: Any,
    first_line_style: Any,
) -> None:
    """Lay the page's last line again without hyphenation if the page breaks after it and it
    ends in a hyphen; the partial word then opens the next page whole."""
    _edition_clear(context)
    if not (page_breaks_here and lines and ends_hyphenated(lines[-1])):
        return
    last = lines[-1]
    first = len(lines) == 1
    start = first_skip if first else lines[-2].resume_at
    setattr(context, FLAG, True)
    try:
        line, resume_at = next(
            weasy_inline.iter_line_boxes(
                context,
                child,
                last.position_y,
                bottom_space,
                start,
                box,
                absolute_boxes,
                fixed_boxes,
                first_letter_style if first else None,
                first_line_style if first else None,
            )
        )
    finally:
        _edition_clear(context)
    line.resume_at = resume_at
    lines[-1] = line


def _edition_fits(
    width: float,
    text: str,
    style: Any,
    context: Any,
    max_width: float,
    justification_spacing: float,
    space_collapse: bool,
) -> bool:
    """Whether a text Pango laid out on one line fits in `max_width`. WeasyPrint 70.0 counts
    the line's trailing space, which hangs at a line end and is never printed there: a text
    box that ends in a space and fits but for it (the words before a `.whole` span or an
    editorial bracket) was taken for one that cannot fit at all, its first long word was
    hyphenated and the rest of the line's words went to the next line, leaving a line of four
    words with spaces of 2.4 em."""
    if width <= max_width:
        return True
    if not (space_collapse and text.endswith(" ")):
        return False
    from weasyprint.text.line_break import create_layout, line_size

    trimmed = create_layout(text.rstrip(" "), style, context, max_width, justification_spacing)
    line, resume_index = trimmed.get_first_line()
    fits = resume_index is None and line_size(line, style)[0] <= max_width
    trimmed.deactivate()
    return bool(fits)


def _edition_limit_zone(first_line_text: str, style: Any, max_width: float) -> float:
    """The gap at a line end below which the line is justified rather than hyphenated: the
    CSS `hyphenate-limit-zone`, or `LOOSE_STRETCH_EM` for each word space of the line, if more
    (a gap shared by many spaces stretches each of them less)."""
    from weasyprint.layout.percent import percentage

    zone = percentage(style["hyphenate_limit_zone"], style, max_width)
    line = first_line_text.rstrip(" ")
    spaces = line.count(" ") + line.count("\u00a0")
    return max(zone, spaces * LOOSE_STRETCH_EM * style["font_size"])


# --- installing the patches --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PatchedFunction:
    """A function of WeasyPrint's (`owner.name`), the source patches applied to it, and every
    other module that imported it by name (`bindings`), where it is swapped too."""

    owner: Any  # a module or a class
    name: str
    patches: tuple[SourcePatch, ...]
    module: Any  # whose globals the patched code sees
    bindings: tuple[Any, ...] = ()


PATCHED = (
    PatchedFunction(weasy_block, "_linebox_layout", LINEBOX_PATCHES, weasy_block),
    PatchedFunction(
        weasy_line_break,
        "split_first_line",
        LINE_BREAK_PATCHES,
        weasy_line_break,
        bindings=(weasy_inline,),
    ),
    PatchedFunction(LayoutContext, "_update_footnote_area", FOOTNOTE_AREA_PATCHES, weasy_layout),
)

_HELPERS = {
    "FLAG": FLAG,
    "_edition_limit_zone": _edition_limit_zone,
    "_edition_fits": _edition_fits,
    "_edition_clear": _edition_clear,
    "_edition_after_line": _edition_after_line,
    "_edition_page_end": _edition_page_end,
}


def _patched(target: PatchedFunction) -> Callable[..., Any] | None:
    """The patched function, or None (with a warning) if its source is not the expected one."""
    source = textwrap.dedent(inspect.getsource(getattr(target.owner, target.name)))
    for patch in target.patches:
        if source.count(patch.old) != 1:
            LOGGER.warning(
                "WeasyPrint's %s is not the one the print edition patches (%r not found); "
                "laying out without the print edition's breaking rules",
                target.name,
                patch.name,
            )
            return None
        source = source.replace(patch.old, patch.new)
    namespace = {**vars(target.module), **_HELPERS}
    exec(compile(source, target.module.__file__, "exec"), namespace)
    return namespace[target.name]


_CACHE: dict[str, tuple[Callable[..., Any], ...] | None] = {}
_LAYOUT = threading.RLock()  # re-entrant: a nested layout in the same thread does not wait


def _all_patched() -> tuple[Callable[..., Any], ...] | None:
    if "all" not in _CACHE:
        functions = [_patched(target) for target in PATCHED]
        _CACHE["all"] = None if None in functions else tuple(f for f in functions if f)
    return _CACHE["all"]


@contextmanager
def book_breaking() -> Iterator[bool]:
    """Lay out with the patches above inside the `with` block; yields whether they are on.

    WeasyPrint's module functions are swapped for the block's duration, so layouts in other
    threads of the process (a Dask worker runs several tasks at once) wait for it: `_LAYOUT`
    serialises them, and no thread ever sees a half-patched or a wrongly restored WeasyPrint.
    """
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        LOGGER.warning(
            "WeasyPrint %s, not %s: laying out without the print edition's line-breaking rules",
            weasyprint.__version__,
            WEASYPRINT_VERSION,
        )
        yield False
        return
    patched = _all_patched()
    if patched is None:
        yield False
        return
    places = [(owner, t.name) for t in PATCHED for owner in (t.owner, *t.bindings)]
    functions = [f for t, f in zip(PATCHED, patched, strict=True) for _ in (t.owner, *t.bindings)]
    with _LAYOUT:
        originals = [getattr(owner, name) for owner, name in places]
        for (owner, name), function in zip(places, functions, strict=True):
            setattr(owner, name, function)
        try:
            yield True
        finally:
            for (owner, name), function in zip(places, originals, strict=True):
                setattr(owner, name, function)
