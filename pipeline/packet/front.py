"""Turn a packet and its documents into the front matter both packet editions show: the cover's
lines, the contents, the introduction as markup, the credits and the rule for citing.

The printed packet and its EPUB lay these values out differently; they compute them here, once,
so the contents, the credits and the citation rule read alike in both.

The introduction is the instructor's Markdown (CommonMark, raw HTML off, so a `<script>` in it
is printed as text) or plain text (paragraphs at blank lines). Its markup is XHTML as well as
HTML: the EPUB takes it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from pipeline.errors import PipelineError
from pipeline.packet.assemble import PacketDocument
from pipeline.packet.spec import PacketSpec
from pipeline.writers.shared import (
    content_date,
    contributors,
    edition_title,
    session_label,
    spelled_date,
)

# Stated in the packet as in the README ("Paragraph numbers"), from stages/numbering.py's rule.
NUMBERING_RULE = (
    "Paragraph numbers (¶) run through each record, across its sessions: every paragraph, "
    "speaker’s turn, omission mark and closing line counts; headings, the title block, the "
    "list of participants and the notes do not. They are the numbers of the record’s own "
    "editions, print and ebook alike, so a citation such as “doc. {example}, ¶ 12” finds the "
    "same words in each."
)
UNNUMBERED_RULE = (
    "Cite a passage by its document number and page: “doc. {example}, p. 7”. The page numbers "
    "run on through the whole packet."
)


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    """A line of the contents: a document's number, title, date, target id and its sessions
    (label, target id)."""

    number: int
    title: str
    date: str
    target: str
    sessions: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Credit:
    """Where document `number` comes from and who made it, as `edition.toml` says."""

    number: int
    title: str
    lines: tuple[tuple[str, str], ...]  # (label, value)


def contents(documents: tuple[PacketDocument, ...]) -> tuple[ContentsEntry, ...]:
    entries = []
    for item in documents:
        sessions = tuple(
            (label, item.prefix + s.id)
            for s in item.doc.sessions
            if s.id and (label := session_label(s))
        )
        entries.append(
            ContentsEntry(
                number=item.number,
                title=edition_title(item.doc),
                # A date is not broken across lines: "23 / April 1974" reads badly.
                date=spelled_date(content_date(item.doc.meta)).replace(" ", "\u00a0"),
                target=item.prefix + "title",
                sessions=sessions,
            )
        )
    return tuple(entries)


def credits(documents: tuple[PacketDocument, ...]) -> tuple[Credit, ...]:
    """Each record's archive, citation, address, translator, other responsibility and rights:
    only what edition.toml gives (nothing is invented for a field it leaves out)."""
    found = []
    for item in documents:
        meta = item.doc.meta
        lines = [
            ("Source", meta.archive),
            ("Citation", meta.citation),
            ("Online", meta.source_url),
        ]
        lines += [(c.label, c.name) for c in contributors(meta)]
        lines += [("Rights", meta.rights)]
        found.append(
            Credit(
                number=item.number,
                title=edition_title(item.doc),
                lines=tuple((label, " ".join(v.split())) for label, v in lines if v.strip()),
            )
        )
    return tuple(found)


def citation_rule(spec: PacketSpec, documents: tuple[PacketDocument, ...]) -> str:
    example = min(3, len(documents))
    rule = NUMBERING_RULE if spec.options.paragraph_numbers else UNNUMBERED_RULE
    return rule.format(example=example)


def cover_lines(spec: PacketSpec) -> tuple[str, ...]:
    """Course, term, instructor: the lines under the cover's title, those given."""
    return tuple(line for line in (spec.course, spec.term, spec.instructor) if line)


def introduction_markup(spec: PacketSpec) -> Markup:
    """The introduction file as markup ("" without one)."""
    if spec.introduction is None:
        return Markup("")
    text = _read(spec.introduction)
    if spec.introduction.suffix == ".md":
        parser = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True})
        tokens = parser.parse(text)
        # The introduction's own headings sit under its heading (h2): its top level becomes
        # h3, and no level is skipped (Ace "heading-order").
        levels = sorted({int(t.tag[1]) for t in tokens if t.type == "heading_open"})
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, 3 + levels.index(int(token.tag[1])))}"
        return Markup(parser.renderer.render(tokens, parser.options, {}))
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(escape(p)) for p in paragraphs)


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except OSError as error:
        raise PipelineError(f"cannot read the introduction: {error.strerror}", path) from None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PipelineError("the introduction is not UTF-8 text", path, line) from None
