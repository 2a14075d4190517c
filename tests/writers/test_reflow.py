"""The ebook read on a phone, with large text and in a night mode, measured in headless Chromium.

What this protects (issue 9, "Ebook"): nothing may be wider than the screen at 320 px (WCAG
1.4.10, Reflow) or at 390 px with the text at 200 % (WCAG 1.4.4), which is how a paginated
reading system cuts a table off; links, note calls and contents entries keep the colour of the
text when a night mode swaps page and text colours; contents entries are targets of at least
24 px (WCAG 2.5.8); each emended word's link has a name that says where it leads (WCAG 2.4.4).

How: each XHTML file of the unzipped EPUB is loaded, with its stylesheet, in an iframe of the
given width in Debian's Chromium (`--dump-dom`, no browser download), and a script in the
harness page writes the measurements into the page: the document's scroll width against its
client width, the elements that stick out, computed colours, link boxes and, with Blink's
ComputedAccessibilityInfo, accessible names and roles. Text at 200 % is the reader's font size
on the root element, as reading systems set it (Readium CSS's user font size). A control page
proves the harness sees an overflow when there is one.

Which books. Tuning part (the stylesheet was adjusted while looking at these): a stress book
built here with the worst cases the issue names (a long web address and identifiers in the
colophon, long readings and reasons in the corrections table, a long heading, long speaker
labels) and the 1973 record. Reporting part (never looked at while tuning): the two other
bundled records and the five FRUS records of tests/fixtures/family/frus, built from bare .txt
files, as the hidden corpus will be.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pipeline.context import Context
from pipeline.model import (
    Correction,
    Document,
    Field,
    Header,
    Intervention,
    Meta,
    Note,
    NoteRef,
    Paragraph,
    Session,
    Subheading,
    Text,
    Time,
    Turn,
)
from pipeline.writers.epub import write_epub

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"
DOCUMENTS = sorted(p for p in SOURCES.glob("*/") if (p / "source.txt").is_file())
CHROMIUM = next(
    (p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian package chromium; tools/system-deps.txt)",
)

# (name, iframe width in CSS px, root font size): a small phone, and a common phone with the
# reader's text at 200 %.
VIEWS = (("phone", 320, "100%"), ("large-text", 390, "200%"))
# A night mode that only swaps page and text colours, as simple reading systems do.
NIGHT = "html, body { background: #000 !important; color: #fff !important; }"
TARGET_MIN = 24  # px, WCAG 2.2 SC 2.5.8 (Target Size, Minimum)

HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"/><title>reflow</title></head><body>
<pre id="result"></pre>
<script>
const FILES = %(files)s;
const VIEWS = %(views)s;
const NIGHT = %(night)s;
const frames = [];
for (const file of FILES) {
  for (const [view, width, size] of VIEWS) {
    const frame = document.createElement('iframe');
    frame.style.cssText = `width:${width}px;height:700px;border:0;display:block`;
    frame.dataset.file = file; frame.dataset.view = view; frame.dataset.size = size;
    frame.src = file;
    document.body.appendChild(frame);
    frames.push(frame);
  }
}
function describe(el) {
  const classes = typeof el.className === 'string' && el.className
    ? '.' + el.className.split(' ').join('.') : '';
  return el.localName + (el.id ? '#' + el.id : '') + classes;
}
function measure(frame) {
  const doc = frame.contentDocument;
  const style = doc.createElementNS('http://www.w3.org/1999/xhtml', 'style');
  style.textContent = `html { font-size: ${frame.dataset.size} !important; }`;
  doc.documentElement.firstElementChild.appendChild(style);
  const root = doc.documentElement;
  const width = root.clientWidth;
  const wide = [];
  for (const el of doc.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    const spills = el.clientWidth && el.scrollWidth > el.clientWidth + 1;
    if ((box.width && box.right > width + 0.5) || spills)
      wide.push(describe(el) + ' ' + Math.round(Math.max(box.right, box.left + el.scrollWidth)));
  }
  const out = {file: frame.dataset.file, view: frame.dataset.view,
               scrollWidth: root.scrollWidth, clientWidth: width, wide: wide.slice(0, 8)};
  if (frame.dataset.view === 'phone') {
    out.tables = [...doc.querySelectorAll('table')].map(t => [t.computedRole,
      [...t.querySelectorAll('th')].map(th => th.computedRole)]);
    out.links = [...doc.querySelectorAll('a.emendation')].map(a => ({
      text: a.textContent, name: a.computedName, role: a.computedRole}));
    out.contents = [...doc.querySelectorAll('nav#toc a')].map(a => {
      const box = a.getBoundingClientRect(); return [box.top, box.bottom, box.height]; });
    const night = doc.createElementNS('http://www.w3.org/1999/xhtml', 'style');
    night.textContent = NIGHT;
    doc.documentElement.firstElementChild.appendChild(night);
    const view = doc.defaultView;
    out.colours = [...doc.querySelectorAll('a')].map(a => [describe(a),
      view.getComputedStyle(a).color, view.getComputedStyle(a.parentElement).color]);
    out.background = view.getComputedStyle(doc.body).backgroundColor;
  }
  return out;
}
let loaded = 0;
for (const frame of frames) frame.addEventListener('load', () => {
  if (++loaded < frames.length) return;
  document.getElementById('result').textContent = JSON.stringify(frames.map(measure));
});
</script></body></html>
"""


def chromium_measure(folder: Path, files: list[str], tmp: Path) -> list[dict]:
    """Load `files` (relative to `folder`) in every view and return the measurements."""
    harness = folder / "reflow-harness.html"
    harness.write_text(
        HARNESS
        % {
            "files": json.dumps(files),
            "views": json.dumps(VIEWS),
            "night": json.dumps(NIGHT),
        },
        encoding="utf-8",
    )
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp / 'chromium-profile'}",
        "--allow-file-access-from-files",  # the harness reads its iframes' documents
        "--enable-blink-features=ComputedAccessibilityInfo",  # computedName, computedRole
        "--virtual-time-budget=20000",
        "--dump-dom",
        harness.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    start = done.stdout.find('<pre id="result">')
    end = done.stdout.find("</pre>", start)
    assert start >= 0 and end > start, done.stderr[-2000:]
    payload = html.unescape(done.stdout[start + len('<pre id="result">') : end])
    assert payload, "the harness wrote no measurements: " + done.stderr[-2000:]
    return json.loads(payload)


def unpack(data: bytes, folder: Path) -> list[str]:
    """Unzip an EPUB; return its XHTML files, relative to the package folder, in zip order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
        names = [n for n in archive.namelist() if n.endswith(".xhtml")]
    return [n.removeprefix("EPUB/") for n in names]


# --- the books -----------------------------------------------------------------------------------

LONG_URL = (
    "https://history.state.gov/historicaldocuments/frus1969-76ve15p1/d50?"
    "view=print&source=archive-of-the-department-of-state-central-files-pol-pol-us"
)


def stress_book() -> Document:
    """Every long thing the issue found overflowing, and a few more."""
    words = "internationalisation of the characteristically extraordinary negotiations " * 3
    return Document(
        meta=Meta(
            id="reflow-stress",
            title="Memorandum of Conversation on the Internationalisation of Counterproliferation",
            date="1974-10-08",
            language="en-GB",
            authors=("United States Department of State, Bureau of Intelligence and Research",),
            translator="A. Translator-Extraordinarily-Long-Surname",
            archive="National Archives, RG 59, Central Foreign Policy Files, P820118-0123",
            citation="FRUS 1969–1976, vol. E–15, part 1, docs. 50 and 51 (frus1969-76ve15p1#d50)",
            source_url=LONG_URL,
            identifier="urn:uuid:0f7c1b2e-3c4d-5e6f-8a9b-0c1d2e3f4a5b",
            publisher="Edition Pipeline",
            modified="2026-11-28",
        ),
        header=Header(
            title=(Text("MEMORANDUM OF CONVERSATION"),),
            dateline=(Text("Washington, 8–9 October 1974"),),
            blocks=(
                Field("Participants", (), ":", id="h1"),
                Field("SUBJECT", (Text("Counterproliferationsnegotiationsrunde " * 2),), id="h2"),
            ),
        ),
        sessions=(
            Session(
                heading=(Text("Meeting in the Secretary’s Dining Room at the Department"),),
                time=Time("13:15", "15:40"),
                id="s1",
                blocks=(
                    Subheading((Text("II. Conference on Security and Co-operation in Europe"),)),
                    Turn(
                        "SECRETARY OF STATE KISSINGER",
                        "Kissinger",
                        (
                            Text(words),
                            Intervention("c1", "emend", (Text("those"),)),
                            Text(" remarks."),
                            NoteRef(1),
                        ),
                        ":",
                        id="p1",
                        number=1,
                    ),
                    Paragraph(
                        (
                            Text("The delegation "),
                            Intervention("c2", "supply", (Text("was"),)),
                            Text(" " + LONG_URL),
                        ),
                        id="p2",
                        number=2,
                    ),
                ),
            ),
        ),
        notes=(Note(1, ((Text("See " + LONG_URL + " and the annex."),),), id="n1"),),
        corrections=(
            Correction(
                "c1",
                "thos",
                "those",
                "a misprint in the transcription of the memorandum " + words,
                note="The microfilm reading P820118-0123-0456-0789 agrees.",
                block_id="p1",
                paragraph=1,
                reading="those",
                source_reading="thos-internationalisationcharacteristically",
            ),
            Correction(
                "c2",
                "delegation  the",
                "delegation was the",
                "a word the sense requires",
                kind="supply",
                block_id="p2",
                paragraph=2,
                reading="was",
            ),
        ),
        source_sha256="9" * 64,
    )


CTX = Context(id="reflow", source=Path("source.txt"))


FAMILY = sorted((ROOT / "tests" / "fixtures" / "family" / "frus").glob("*.txt"))


def books(bundled_builds) -> list[tuple[str, bytes]]:  # type: ignore[no-untyped-def]
    """The stress book, the bundled records' EPUBs as the session built them (with their
    page-lists: what a user gets) and the family records' EPUBs (bare .txt files, no layout)."""
    from pipeline.pipeline import prepare

    found = [("stress", write_epub(stress_book(), CTX, page_starts=()))]
    found += [(folder.name, bundled_builds.get(folder).epub) for folder in DOCUMENTS]
    for path in FAMILY:
        doc, ctx = prepare(path)
        found.append((path.stem, write_epub(doc, ctx, ())))
    return found


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory, bundled_builds) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def]
    """Every book's files in both views, measured in one Chromium run (a run costs seconds)."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package chromium)")
    root = tmp_path_factory.mktemp("books")
    files = []
    for name, data in books(bundled_builds):
        files += [f"{name}/EPUB/{file}" for file in unpack(data, root / name)]
    out: dict[str, list[dict]] = {}
    for result in chromium_measure(root, files, root):
        name, _, file = result["file"].partition("/EPUB/")
        out.setdefault(name, []).append({**result, "file": file})
    return out


# --- the tests ------------------------------------------------------------------------------------


@needs_chromium
def test_the_harness_sees_an_overflow(tmp_path: Path) -> None:
    """A control: a page with a table wider than a phone must be reported."""
    page = tmp_path / "wide.xhtml"
    page.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html>'
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>w</title></head>'
        "<body><table><tr><td>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</td>"
        "<td>bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb</td></tr></table></body></html>",
        encoding="utf-8",
    )
    (result_phone, result_large) = chromium_measure(tmp_path, ["wide.xhtml"], tmp_path)
    assert result_phone["scrollWidth"] > result_phone["clientWidth"] == 320
    assert result_large["scrollWidth"] > result_large["clientWidth"] == 390
    assert any(w.startswith("table") for w in result_phone["wide"])


@needs_chromium
def test_nothing_overflows_at_320_px_or_with_200_percent_text(
    measured: dict[str, list[dict]],
) -> None:
    overflowing = [
        f"{book} {m['file']} ({m['view']}): {m['scrollWidth']} > {m['clientWidth']} px: "
        + ", ".join(m["wide"])
        for book, results in measured.items()
        for m in results
        if m["scrollWidth"] > m["clientWidth"]
    ]
    assert not overflowing, "\n".join(overflowing)
    views = {(book, m["view"]) for book, results in measured.items() for m in results}
    assert len(measured) == 1 + len(DOCUMENTS) + len(FAMILY)  # every book was measured …
    assert len(views) == 2 * len(measured)  # … in both views


@needs_chromium
def test_links_note_calls_and_contents_keep_the_text_colour_in_night_mode(
    measured: dict[str, list[dict]],
) -> None:
    for book, results in measured.items():
        links = [c for m in results for c in m.get("colours", [])]
        assert links, book
        for what, colour, parent in links:
            # White text on black (21:1): a link in the text's own colour keeps that contrast.
            assert colour == parent == "rgb(255, 255, 255)", (book, what, colour, parent)
        backgrounds = {m["background"] for m in results if "background" in m}
        assert backgrounds == {"rgb(0, 0, 0)"}, book


@needs_chromium
def test_contents_entries_are_targets_of_24_px_with_a_gap(measured: dict[str, list[dict]]) -> None:
    for book, results in measured.items():
        (nav,) = [m for m in results if m["file"] == "nav.xhtml" and m["view"] == "phone"]
        boxes = nav["contents"]
        assert len(boxes) >= 3, book
        for top, _, height in boxes:
            assert height >= TARGET_MIN, (book, top, height)
        for (_, bottom, _), (top, _, _) in itertools.pairwise(boxes):
            assert top >= bottom, (book, bottom, top)  # no entry overlaps the next


@needs_chromium
def test_emended_words_have_a_link_name_that_says_where_it_leads(
    measured: dict[str, list[dict]],
) -> None:
    links = [
        (book, link)
        for book, results in measured.items()
        for m in results
        for link in m.get("links", [])
    ]
    assert len({book for book, _ in links}) >= 2  # the stress book and the 1973 record
    for book, link in links:
        # Label in name (WCAG 2.5.3): the name starts with the visible words; brackets and
        # punctuation are not spoken.
        words = " ".join(link["text"].replace("⟨", "").replace("⟩", "").split()).strip(".,;:")
        assert link["role"] == "link", (book, link)
        assert link["name"].startswith(words), (book, link)
        assert link["name"].endswith("see the editorial note"), (book, link)
    names = {link["name"] for _, link in links}
    assert "those: emended reading, see the editorial note" in names
    assert "was: words supplied by the editors, see the editorial note" in names


@needs_chromium
def test_the_corrections_table_stays_a_table_for_a_screen_reader_on_a_phone(
    measured: dict[str, list[dict]],
) -> None:
    (editorial,) = [
        m for m in measured["stress"] if m["file"] == "editorial.xhtml" and m["view"] == "phone"
    ]
    assert editorial["tables"], editorial
    for role, headers in editorial["tables"]:
        assert role == "table" and headers and set(headers) == {"columnheader"}


def test_the_stress_book_has_what_it_stresses() -> None:
    """The stress book must keep its worst cases, or the reflow tests prove nothing."""
    data = write_epub(stress_book(), CTX, page_starts=())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        colophon = archive.read("EPUB/colophon.xhtml").decode()
        editorial = archive.read("EPUB/editorial.xhtml").decode()
    assert LONG_URL.replace("&", "&amp;") in colophon and "9" * 64 in colophon
    assert "thos-internationalisationcharacteristically" in editorial
