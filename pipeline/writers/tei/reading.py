"""Turn a TEI file back into the words it gives a reader, and compare them with the editions'.

    tei_words(xml_bytes) -> TeiWords(body, notes)
    element_words(element) -> "Subject: Fisheries3"
    round_trip_problems(doc, xml_bytes) -> tuple[str, ...]

The words of the `text` element as an archive would extract them: the edition's readings
(`corr` and `reg` in a `choice`, `supplied`, a `sic` or `orig` standing alone), the source's
own brackets as characters, no `gap`, and each note apart, its number (`@n`) standing at its
call as the editions print the call. Generated lists are not the record's words: the FRUS
profile's list of persons (`div[@subtype='index']`) is left out.

The comparison takes the words the audit expects every edition to print
(`audit.expected_words`: title line, date line, header, headings with their hours, blocks,
notes), without the editors' presentation marks: in TEI `supplied` and `sic` carry what the
editions print as ⟨ ⟩ and ⟨sic⟩.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from lxml import etree

from pipeline.model import SIC, SUPPLIED_CLOSE, SUPPLIED_OPEN, Document, supplied
from pipeline.writers.tei.elements import TEI_NS, Element, local_name

# Elements inside a line of text: no word boundary at their edges. Every other element (p,
# head, item, speaker, dateline, …) is a block of its own.
INLINE = frozenset(
    {
        "hi",
        "seg",
        "label",
        "persName",
        "placeName",
        "orgName",
        "name",
        "date",
        "time",
        "choice",
        "corr",
        "reg",
        "sic",
        "orig",
        "supplied",
        "mentioned",
        "title",
        "ref",
        "note",
    }
)
SILENT = frozenset({"gap", "anchor", "pb", "lb"})  # elements with no words of their own
READINGS = frozenset({"corr", "reg"})  # what a `choice` reads


@dataclass(slots=True)
class TeiWords:
    body: list[str]
    notes: dict[int, list[str]] = field(default_factory=dict)


def tei_words(xml: bytes) -> TeiWords:
    text = etree.fromstring(xml).find(f"{{{TEI_NS}}}text")
    if text is None:
        return TeiWords([])
    notes: dict[int, list[str]] = {}
    out: list[str] = []
    _walk(text, out, notes)
    return TeiWords("".join(out).split(), notes)


def element_words(node: Element) -> str:
    """The words of one element as `tei_words` reads them (notes as their numbers), joined."""
    out: list[str] = []
    _content(node, out, {})
    return " ".join("".join(out).split())


def _walk(node: Element, out: list[str], notes: dict[int, list[str]]) -> None:
    name = local_name(node)
    if name in SILENT or (name == "div" and node.get("subtype") == "index"):
        return
    if name == "note":
        out.append(node.get("n", ""))
        body: list[str] = []
        _content(node, body, notes)
        notes.setdefault(int(node.get("n", "0") or 0), []).extend("".join(body).split())
        return
    if name == "ref" and node.get("type") == "noteref":
        out.append(node.get("n", ""))
        return
    if name == "choice":
        for part in node:
            if local_name(part) in READINGS:
                _walk(part, out, notes)
        return
    block = name not in INLINE
    if block:
        out.append(" ")
    _content(node, out, notes)
    if block:
        out.append(" ")


def _content(node: Element, out: list[str], notes: dict[int, list[str]]) -> None:
    out.append(node.text or "")
    for part in node:
        if isinstance(part.tag, str):  # not a comment or processing instruction
            _walk(part, out, notes)
        out.append(part.tail or "")


# --- the comparison with the editions ----------------------------------------------------


def without_marks(words: list[str]) -> list[str]:
    """The editions' words without the editors' ⟨ ⟩ and ⟨sic⟩ (joined first: a "⟨sic⟩." keeps
    its full stop on the word before)."""
    text = " ".join(words).replace(" " + supplied(SIC), "").replace(supplied(SIC), "")
    return text.replace(SUPPLIED_OPEN, "").replace(SUPPLIED_CLOSE, "").split()


def round_trip_problems(doc: Document, xml: bytes) -> tuple[str, ...]:
    """Every difference between the TEI file's words and the editions' (empty when none)."""
    from pipeline.editorial.audit import expected_words

    expected = expected_words(doc)
    found = tei_words(xml)
    problems = _differences(
        "text", without_marks([w.text for w in [*expected.title, *expected.body]]), found.body
    )
    for number in sorted(set(expected.notes) | set(found.notes)):
        want = without_marks([w.text for w in expected.notes.get(number, [])])
        problems += _differences(f"note {number}", want, found.notes.get(number, []))
    return problems


def _differences(where: str, expected: list[str], found: list[str]) -> tuple[str, ...]:
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    return tuple(
        f"{where}: {tag} {' '.join(expected[i1:i2])!r} → {' '.join(found[j1:j2])!r} "
        f"(after {' '.join(expected[max(0, i1 - 5) : i1])!r})"
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    )
