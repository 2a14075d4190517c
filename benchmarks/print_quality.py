"""Turn the print edition's pages into measures of its typesetting, and check them against issue 9.

Run with `.venv/bin/python benchmarks/print_quality.py [--repeat N] [--only NAME]`. Each record is
laid out on A4 and on US Letter by the pipeline's own `render_print`; the pages are read back from
that layout (WeasyPrint's box tree: the lines exactly as they are drawn in the PDF, each with its
page, its paragraph and whether it ends the paragraph). Per record and paper it reports:

    cpl       median characters per full line of body text (a full line: a justified line of
              a paragraph of the record that is not the paragraph's last line)
    loose     share of full lines whose word spaces justification stretched to more than
              twice their width (Linux Libertine's space is 0.25 em: more than 0.25 em added)
    v.loose   the same beyond 2.6 times (0.4 em added): the lines a reader notices
    widest    the most any full line's word spaces were stretched, in em added to each: one
              line of four words spread across the measure is what a reader stops at, and a
              share of lines hides it
    hyph      share of body lines that end in a hyphen WeasyPrint inserted (U+2010)
    run       the longest run of consecutive hyphenated lines
    carry<3   breaks that carry fewer than 3 letters to the next line ("Uni-/on."), in the text
              and in the notes (names and compounds below too)
    names     breaks inside a name the model knows (turn labels, speakers, header fields)
    turns     breaks across a page turn (the last line of a page's text hyphenated)
    compound  compounds broken away from their own hyphen ("Pol-/ish-U.S.")
    short     lines short of a full page, worst page (the record's last page and a page whose
              successor opens with a heading are left out: those gaps are wanted)
    layouts   WeasyPrint layouts per build (issue 8: 1, no "lay out, look, lay out again")
    ratio     time of a PDF build / time of a bare WeasyPrint render + write of the same final
              HTML and CSS; CPU time of this process, the best of --repeat runs of each, taken
              in turn, garbage collected before each. One record's ratio still moves by ±10 %
              on a busy shared machine, so issue 8's target (≤ 1.10) is checked on each
              split's total: all its builds / all its bare renders.

The split: the CSS and the markup rules were tuned on the bundled records (`sources/*`, "tuning");
the five FRUS records of the family in `tests/fixtures/family/frus/` (the project's one copy of
them, byte for byte as in ../shared/sources) were not looked at while tuning and are reported
apart ("held-out"). Exit status 1 when a target is missed on either split.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import weasyprint  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402

HYPHEN = "\u2010"
PAPERS = ("a4", "letter")
LOOSE_EM = 0.25  # a word space stretched by more than its own width (0.25 em) is loose
VERY_LOOSE_EM = 0.4
# A space stretched by a whole em (five times Linux Libertine's 0.25 em): "Let   me   talk
# about   Polish-U.   S.   rela-" (2.4 em) before WeasyPrint's trailing-space trap was patched.
WIDEST_EM = 1.0
BODY_CLASSES = frozenset({"turn", "narrative", "continuation"})
HELD_OUT = ROOT / "tests" / "fixtures" / "family" / "frus"


@dataclass(frozen=True, slots=True)
class Target:
    """One of issue 9's targets: `check` says whether a measured value meets it."""

    name: str
    text: str
    check: Callable[[float], bool]


TARGETS = (
    Target("cpl", "62–72", lambda v: 62 <= v <= 72),
    Target("hyph", "≤ 8 %", lambda v: v <= 0.08),
    # Not one of issue 9's: ours, so that fewer hyphens are not bought with gaps in the text.
    Target("v.loose", "≤ 3 %", lambda v: v <= 0.03),
    Target("widest", f"≤ {WIDEST_EM} em", lambda v: v <= WIDEST_EM),
    Target("run", "≤ 2", lambda v: v <= 2),
    Target("carry<3", "0", lambda v: v == 0),
    Target("names", "0", lambda v: v == 0),
    Target("turns", "0", lambda v: v == 0),
    Target("compound", "0", lambda v: v == 0),
    Target("layouts", "1", lambda v: v == 1),
)
RATIO = Target("ratio", "≤ 1.10 (split total)", lambda v: v <= 1.10)


# --- reading the layout back ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line of the page's text flow (running heads and footnotes apart)."""

    page: int  # 1-based
    text: str
    block_id: str  # the id of the paragraph (or other block) that holds it
    body: bool  # a paragraph of the record (turn, narrative, continuation)
    last: bool  # the paragraph's last line (not justified to the full measure)
    bottom: float  # its bottom edge on the page, CSS px
    stretch: float  # what justification added to each word space, in em of the line's font


def _text(box: boxes.Box) -> Iterator[str]:
    tag = box.element_tag or ""
    if tag.endswith("::footnote-call"):
        return
    if isinstance(box, boxes.TextBox):
        yield box.text
    for child in getattr(box, "children", ()):
        yield from _text(child)


def _stretch(line: boxes.LineBox) -> float:
    for box in line.descendants():
        if isinstance(box, boxes.TextBox) and getattr(box, "justification_spacing", 0):
            return box.justification_spacing / box.style["font_size"]
    return 0.0


def _lines(box: boxes.Box, page: int, block: tuple[str, bool]) -> Iterator[Line]:
    element = box.element
    if isinstance(box, boxes.BlockBox) and element is not None and element.get("id"):
        classes = set((element.get("class") or "").split())
        if "::" not in (box.element_tag or ""):
            block = (element.get("id"), element.tag == "p" and bool(classes & BODY_CLASSES))
    if isinstance(box, boxes.LineBox):
        text = "".join(_text(box)).strip()
        if text:
            yield Line(
                page=page,
                text=text,
                block_id=block[0],
                body=block[1],
                last=getattr(box, "resume_at", None) is None,
                bottom=box.position_y + box.height,
                stretch=_stretch(box),
            )
        return
    for child in getattr(box, "children", ()):
        yield from _lines(child, page, block)


def flow_lines(rendered: weasyprint.document.Document) -> list[Line]:
    """Every line of text in the pages' flow, in reading order."""
    lines: list[Line] = []
    for index, page in enumerate(rendered.pages, start=1):
        for child in page._page_box.children:
            if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
                lines.extend(_lines(child, index, ("", False)))
    return lines


def note_lines(rendered: weasyprint.document.Document) -> list[Line]:
    """Every line of the footnote areas, page by page (each note is whole on its page)."""
    lines: list[Line] = []
    for index, page in enumerate(rendered.pages, start=1):
        for child in page._page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                lines.extend(_lines(child, index, ("", False)))
    return lines


# --- the measures --------------------------------------------------------------------------

_LETTERS = re.compile(r"[^\W\d_]+")


def model_names(doc) -> frozenset[str]:  # type: ignore[no-untyped-def]
    """Capitalised words of the turn labels, the speakers and the header's fields: the names the
    model knows, as a reader would check them (independent of the writer's own rules)."""
    from pipeline.model import Turn, body_blocks, inline_text

    texts = [b.label for _, b in body_blocks(doc) if isinstance(b, Turn)]
    texts += [b.speaker for _, b in body_blocks(doc) if isinstance(b, Turn)]
    texts += [inline_text(b.content) for b in doc.header.blocks]
    words = {w for t in texts for w in _LETTERS.findall(t) if w[:1].isupper() and len(w) > 1}
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class Break:
    """A word broken at a line end: `head` ends the line (its U+2010 removed), `tail` opens the
    next one; `page_turn` when the next line is on another page."""

    head: str
    tail: str
    page_turn: bool

    @property
    def word(self) -> str:
        return self.head + self.tail


def breaks(lines: list[Line]) -> list[Break]:
    found = []
    for line, following in itertools.pairwise(lines):
        if not line.text.endswith(HYPHEN):
            continue
        head = line.text.removesuffix(HYPHEN).split()[-1] if line.text[:-1].strip() else ""
        tail = following.text.split()[0]
        found.append(Break(head, tail, following.page != line.page))
    return found


def _letters_at(word: str, end: bool) -> int:
    parts = _LETTERS.findall(word)
    return len(parts[-1 if end else 0]) if parts else 0


def short_pages(rendered: weasyprint.document.Document, lines: list[Line]) -> list[int]:
    """Per page: how many body lines more would have fitted above the notes (see the docstring
    for the pages left out, which count 0)."""
    if not lines:
        return []
    line_height = statistics.median(
        b.bottom - a.bottom for a, b in itertools.pairwise(lines) if b.page == a.page
    )
    record_pages = {line.page for line in lines if line.body}
    last_record_page = max(record_pages) if record_pages else 0
    starts_with_heading = set()
    for index in range(1, len(rendered.pages) + 1):
        first = next((ln for ln in lines if ln.page == index), None)
        if first is not None and not first.body and first.block_id:
            starts_with_heading.add(index)
    result = []
    for index, page in enumerate(rendered.pages, start=1):
        page_box = page._page_box
        bottom = page_box.content_box_y() + page_box.height
        for child in page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox) and child.children:
                bottom = child.position_y - child.margin_top
        on_page = [ln for ln in lines if ln.page == index]
        if (
            not on_page
            or index >= last_record_page
            or index + 1 in starts_with_heading
            or index not in record_pages
        ):
            result.append(0)
            continue
        result.append(int((bottom - on_page[-1].bottom) // line_height))
    return result


@dataclass(frozen=True, slots=True)
class Measures:
    cpl: float
    loose: float
    very_loose: float
    hyph: float
    run: int
    carries: int
    names: int
    turns: int
    compounds: int
    short: int
    body_lines: int
    samples: tuple[str, ...]  # the offending breaks, for the report
    widest: float  # the largest stretch of a full line, em per word space
    widest_line: str  # its page and text, for the report

    def value(self, name: str) -> float:
        return {
            "cpl": self.cpl,
            "loose": self.loose,
            "v.loose": self.very_loose,
            "widest": self.widest,
            "hyph": self.hyph,
            "run": self.run,
            "carry<3": self.carries,
            "names": self.names,
            "turns": self.turns,
            "compound": self.compounds,
        }[name]


def measure(doc, rendered: weasyprint.document.Document) -> Measures:  # type: ignore[no-untyped-def]
    lines = flow_lines(rendered)
    body = [ln for ln in lines if ln.body]
    full_lines = [ln for ln in body if not ln.last]
    full = [len(ln.text) for ln in full_lines]
    loose = [ln.stretch > LOOSE_EM for ln in full_lines]
    very_loose = [ln.stretch > VERY_LOOSE_EM for ln in full_lines]
    widest = max(full_lines, key=lambda ln: ln.stretch, default=None)
    hyphenated = [ln.text.endswith(HYPHEN) for ln in body]
    run = longest = 0
    for line in lines:
        run = run + 1 if line.text.endswith(HYPHEN) else 0
        longest = max(longest, run)
    names = model_names(doc)
    # Breaks in the notes count too (names, carries, compounds); a note never crosses a page.
    found = breaks(lines) + [b for b in breaks(note_lines(rendered)) if not b.page_turn]
    carries = [b for b in found if _letters_at(b.tail, False) < 3]
    broken_names = [b for b in found if any(w in names for w in _LETTERS.findall(b.word))]
    turns = [b for b in found if b.page_turn]
    compounds = [b for b in found if "-" in b.word]
    samples = tuple(
        f"{kind}: {b.head}{HYPHEN}/{b.tail}"
        for kind, items in (
            ("carry", carries),
            ("name", broken_names),
            ("turn", turns),
            ("compound", compounds),
        )
        for b in items
    )
    return Measures(
        cpl=statistics.median(full) if full else 0.0,
        loose=sum(loose) / len(loose) if loose else 0.0,
        very_loose=sum(very_loose) / len(very_loose) if very_loose else 0.0,
        hyph=sum(hyphenated) / len(hyphenated) if hyphenated else 0.0,
        run=longest,
        carries=len(carries),
        names=len(broken_names),
        turns=len(turns),
        compounds=len(compounds),
        short=max(short_pages(rendered, lines), default=0),
        body_lines=len(body),
        samples=samples,
        widest=widest.stretch if widest else 0.0,
        widest_line=f"p. {widest.page}: {widest.text}" if widest else "",
    )


# --- builds and timing ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    split: str
    paper: str
    pages: int
    measures: Measures
    layouts: int
    build_s: float
    bare_s: float

    @property
    def ratio(self) -> float:
        return self.build_s / self.bare_s if self.bare_s else 0.0


class _CountLayouts:
    """Count WeasyPrint layouts (`HTML.render` calls) made inside the `with` block."""

    def __enter__(self) -> _CountLayouts:
        self.count = 0
        self._render = weasyprint.HTML.render

        def counting(html: weasyprint.HTML, *args: object, **kwargs: object) -> object:
            self.count += 1
            return self._render(html, *args, **kwargs)

        weasyprint.HTML.render = counting  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        weasyprint.HTML.render = self._render  # type: ignore[method-assign]


def records() -> list[tuple[str, str, Path]]:
    """(name, split, path) of every record measured: bundled = tuning, family = held-out."""
    bundled = sorted(p for p in (ROOT / "sources").iterdir() if (p / "source.txt").is_file())
    family = sorted(HELD_OUT.glob("*.txt"))
    return [(p.name, "tuning", p) for p in bundled] + [(p.stem, "held-out", p) for p in family]


def run_record(name: str, split: str, path: Path, paper: str, repeat: int = 1) -> Result:
    """Build one record on one paper `repeat` times (the best time is kept) and measure it."""
    from pipeline.pipeline import prepare
    from pipeline.writers import pdf

    doc, ctx = prepare(path)
    ctx = replace(ctx, settings=replace(ctx.settings, paper=paper))
    best_build = best_bare = float("inf")
    layout = None
    layouts = 0
    for _ in range(repeat):
        # The garbage of the run before (a laid-out document is a large tree of boxes) would be
        # collected during the next one, and charged to it: collect it first, each time.
        gc.collect()
        with _CountLayouts() as counter:
            start = time.process_time()
            layout = pdf.layout_print(doc, ctx)
            pdf.write_pdf(doc, ctx, layout.rendered)
            best_build = min(best_build, time.process_time() - start)
        layouts = counter.count
        gc.collect()
        best_bare = min(best_bare, _bare_seconds(layout))
    assert layout is not None
    return Result(
        name,
        split,
        paper,
        len(layout.rendered.pages),
        measure(doc, layout.rendered),
        layouts,
        best_build,
        best_bare,
    )


def _bare_seconds(layout) -> float:  # type: ignore[no-untyped-def]
    """A bare WeasyPrint render and write of the final HTML and CSS the build used: no checks,
    no line-breaking patches, no metadata."""

    from pipeline.writers import pdf
    from pipeline.writers.fetcher import StylesFetcher

    start = time.process_time()
    fonts, fetcher = pdf.font_configuration(), StylesFetcher()
    document = weasyprint.HTML(string=layout.html, base_url=pdf.BASE_URL, url_fetcher=fetcher)
    document.render(
        stylesheets=pdf.stylesheets(layout.page_css, fetcher, fonts), font_config=fonts
    ).write_pdf()
    return time.process_time() - start


def failures(result: Result) -> list[str]:
    missed = []
    for target in TARGETS:
        if target.name == "layouts":
            value = float(result.layouts)
        else:
            value = result.measures.value(target.name)
        if not target.check(value):
            missed.append(f"{target.name} = {value:.3g} (target {target.text})")
    return missed


def report(results: list[Result]) -> int:
    header = (
        f"{'record':<36} {'paper':<6} {'pp':>3} {'cpl':>5} {'loose':>6} {'v.lo':>5} {'wide':>5} "
        f"{'hyph':>6} "
        f"{'run':>3} "
        f"{'c<3':>3} {'nam':>3} {'trn':>3} {'cmp':>3} {'shrt':>4} {'lay':>3} {'ratio':>5}"
    )
    missed = 0
    for split in ("tuning", "held-out"):
        chosen = [r for r in results if r.split == split]
        if not chosen:
            continue
        print(f"\n== {split} ==")
        print(header)
        for r in chosen:
            m = r.measures
            print(
                f"{r.name[:36]:<36} {r.paper:<6} {r.pages:>3} {m.cpl:>5.1f} {m.loose:>6.1%} "
                f"{m.very_loose:>5.1%} {m.widest:>5.2f} {m.hyph:>6.1%} "
                f"{m.run:>3} {m.carries:>3} {m.names:>3} {m.turns:>3} {m.compounds:>3} "
                f"{m.short:>4} {r.layouts:>3} {r.ratio:>5.2f}"
            )
            for sample in m.samples:
                print(f"    {sample}")
            for failure in failures(r):
                if failure.startswith("widest"):
                    failure += f": {m.widest_line}"
                print(f"    MISSED {failure}")
                missed += 1
        total = sum(r.build_s for r in chosen) / sum(r.bare_s for r in chosen)
        ratios = sorted(r.ratio for r in chosen)
        print(
            f"time, {split}: builds / bare renders = {total:.3f} "
            f"(per record {ratios[0]:.2f}–{ratios[-1]:.2f}, median {statistics.median(ratios):.2f})"
        )
        if not RATIO.check(total):
            print(f"    MISSED ratio = {total:.3f} (target {RATIO.text})")
            missed += 1
    targets = (*TARGETS, RATIO)
    print("\ntargets: " + "; ".join(f"{t.name} {t.text}" for t in targets))
    return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (best is kept)")
    parser.add_argument("--only", help="measure only records whose name contains this")
    args = parser.parse_args(argv)
    results = [
        run_record(name, split, path, paper, args.repeat)
        for name, split, path in records()
        if not args.only or args.only in name
        for paper in PAPERS
    ]
    return report(results)


if __name__ == "__main__":
    sys.exit(main())
