"""Turn a Document whose language is plain "en" into one that names its variant, en-US or en-GB.

    Meta(language="en")   → Meta(language="en-US")   a FRUS memcon: U.S. source note, -ize, defense
    Meta(language="en-GB")→ Meta(language="en-GB")   edition.toml named a full tag: it wins

Hyphenation patterns, spell checking and the readers' text-to-speech differ by variant, and
pyphen reads a bare "en" as British, so an American record hyphenated as "en" breaks words the
British way. The variant comes from edition.toml's `[document] language` when it is a full tag
(with a region, or another language altogether); otherwise it is inferred from the record:
where it comes from (`ORIGIN_RULES`: a FRUS citation, a U.S. archive's source note, the order
of the date line, a Soviet record's formula, the Russian original of a translation) and how it
spells (`SPELLING_RULES`: -or/-our, -er/-re, -ense/-ence, -ize/-ise …), each piece of evidence
weighted. With no evidence either
way the record is taken as British (en-GB), the variant pyphen gives "en" anyway.

`language_choice(doc)` says what was chosen and why (shown by `inspect`); `choose_language`
records the tag in `Meta.language`, where both editions read it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.model import Document, inline_text
from pipeline.rules.language import GB, ORIGIN_RULES, SPELLING_RULES, US

# One spelling alone must not outvote a record's origin: each rule counts at most this often.
MAX_COUNT_PER_RULE = 10
DEFAULT = GB


@dataclass(frozen=True, slots=True)
class Evidence:
    """One rule that matched: for `tag`, `count` times, worth `weight` each."""

    name: str
    tag: str
    count: int
    weight: int

    @property
    def score(self) -> int:
        return min(self.count, MAX_COUNT_PER_RULE) * self.weight


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    """The language tag chosen, how (`"edition.toml"`, `"inferred"` or `"default"`), and the
    evidence weighed when it was inferred."""

    tag: str
    how: str
    evidence: tuple[Evidence, ...] = ()

    def describe(self) -> str:
        """ "en-US (inferred: U.S. archive source note ×1, -ense / -ence ×4 …)" """
        if not self.evidence:
            return f"{self.tag} ({self.how})"
        parts = ", ".join(f"{e.name} ×{e.count} → {e.tag}" for e in self.evidence)
        return f"{self.tag} ({self.how}: {parts})"


def _texts(doc: Document) -> dict[str, str]:
    """The record's words, by the part the origin rules look at."""
    body = [inline_text(doc.header.title), inline_text(doc.header.dateline)]
    body += [inline_text(b.content) for b in doc.header.blocks]
    for session in doc.sessions:
        body.append(inline_text(session.heading))
        body += [inline_text(b.content) for b in session.blocks]
    notes = [inline_text(p) for note in doc.notes for p in note.paragraphs]
    meta = doc.meta
    return {
        "text": "\n".join(body + notes),
        "notes": "\n".join(notes),
        "dateline": inline_text(doc.header.dateline) or meta.dateline,
        "meta": "\n".join((meta.archive, meta.citation, meta.source_url)),
        "original": meta.original_language,
    }


def _is_full_tag(tag: str) -> bool:
    """ "en-GB" and "fr" are full tags; a bare "en" leaves the variant open."""
    primary = tag.split("-")[0].lower()
    return bool(tag) and (primary != "en" or "-" in tag)


def language_choice(doc: Document) -> LanguageChoice:
    tag = doc.meta.language.strip()
    if _is_full_tag(tag):
        return LanguageChoice(tag, "edition.toml")
    texts = _texts(doc)
    found: list[Evidence] = []
    for origin in ORIGIN_RULES:
        if count := len(origin.pattern.findall(texts[origin.where])):
            found.append(Evidence(origin.name, origin.tag, count, origin.weight))
    for rule in SPELLING_RULES:
        for variant, pattern in ((US, rule.american), (GB, rule.british)):
            if count := len(pattern.findall(texts["text"])):
                found.append(Evidence(rule.name, variant, count, rule.weight))
    balance = sum(e.score if e.tag == US else -e.score for e in found)
    if balance == 0:
        return LanguageChoice(DEFAULT, "default", tuple(found))
    return LanguageChoice(US if balance > 0 else GB, "inferred", tuple(found))


def explain_language(doc: Document, given: str) -> str:
    """How `doc`'s language was chosen, for `inspect`: `given` is edition.toml's `[document]
    language` ("" when it names none), what the stage saw before it chose."""
    before = replace(doc, meta=replace(doc.meta, language=given.strip() or "en"))
    return language_choice(before).describe()


def choose_language(doc: Document) -> Document:
    """Record the chosen language tag in the metadata (see the module docstring)."""
    tag = language_choice(doc).tag
    if tag == doc.meta.language:
        return doc
    return replace(doc, meta=replace(doc.meta, language=tag))
