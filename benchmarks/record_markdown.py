"""Turn a finished Document into Pandoc Markdown: the same record, for Pandoc to build.

The benchmark compares our builds with what Pandoc does on the same text, so the Markdown holds
what our editions hold in words: the title (and subtitle, language, date) as YAML metadata, the
date line and header fields, one level-1 heading per session, subheadings, speaker labels in
bold, paragraphs, and every note as a Pandoc footnote (`[^n]`, later paragraphs indented) at
its call. Text comes after our typography (curly quotes, dashes), and everything Markdown would
read as markup is escaped, so Pandoc sets the same words, not more or fewer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from pipeline.model import (
    Block,
    Closing,
    Document,
    Editorial,
    Field,
    Inline,
    Note,
    NoteRef,
    Omission,
    Paragraph,
    Subheading,
    Text,
    Turn,
    inline_text,
)
from pipeline.writers.pdf import session_label

# Characters Pandoc's Markdown reads as markup anywhere in a line.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#$|~^@])")
# At the start of a line: a list item, a numbered list ("1." / "(1)"), a block quote, a rule.
_LINE_START = re.compile(r"^(\s*)([-+:>=]|\d+[.)]|\(\w+\))(?=\s|$)")


def escape(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def inlines(content: Iterable[Inline]) -> str:
    parts = []
    for node in content:
        match node:
            case Text(text):
                parts.append(escape(text))
            case Editorial(text):
                parts.append(escape(f"[{text}]"))
            case NoteRef(number):
                parts.append(f"[^{number}]")
    return " ".join("".join(parts).split())


def block(item: Block) -> str:
    match item:
        case Turn(label=label, punctuation=punctuation, content=content):
            return f"**{escape(label + punctuation)}** {inlines(content)}".rstrip()
        case Field(label=label, separator=separator, content=content):
            text = inlines(content)
            joint = ":" if separator == ":" else f" {separator}"
            return f"**{escape(label)}**{joint} {text}".rstrip()
        case Subheading(content=content):
            return f"## {inlines(content)}"
        case Paragraph(content=content) | Omission(content=content) | Closing(content=content):
            return inlines(content)
    raise TypeError(f"no Markdown for {type(item).__name__}")


def note(item: Note) -> str:
    first, *rest = [inlines(p) for p in item.paragraphs] or [""]
    lines = [f"[^{item.number}]: {first}"]
    lines += [f"\n    {paragraph}" for paragraph in rest]
    return "\n".join(lines)


def metadata(doc: Document) -> str:
    meta = doc.meta
    fields = {
        "title": meta.title or inline_text(doc.header.title).strip(),
        "subtitle": meta.subtitle,
        "date": meta.date,
        "lang": meta.language,
        "author": list(meta.authors) or None,
    }
    # JSON strings are YAML strings: no quoting rule of YAML's own to get wrong.
    lines = [
        f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items() if value
    ]
    return "---\n" + "\n".join(lines) + "\n---"


def to_markdown(doc: Document) -> str:
    """The whole record as Pandoc Markdown (see the module docstring)."""
    parts = [metadata(doc)]
    # The title line's own notes (a source note on the title) follow the title as a paragraph.
    title_calls = "".join(f"[^{n.number}]" for n in doc.header.title if isinstance(n, NoteRef))
    if title_calls:
        parts.append(title_calls)
    if doc.header.dateline:
        parts.append(inlines(doc.header.dateline))
    parts += [block(item) for item in doc.header.blocks]
    for session in doc.sessions:
        label = session_label(session)
        if label:
            calls = "".join(f"[^{n.number}]" for n in session.heading if isinstance(n, NoteRef))
            parts.append(f"# {escape(label)}{calls}")
        parts += [block(item) for item in session.blocks]
    parts += [note(item) for item in doc.notes]
    return "\n\n".join(part for part in parts if part) + "\n"
