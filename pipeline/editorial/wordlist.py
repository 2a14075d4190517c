"""Turn accepted-word files into one set of words the typo finder never flags.

Two lists exist, both plain text, one word per line, `#` starting a comment:

- the project-wide list, `pipeline/editorial/words.txt`, for the vocabulary of the whole family
  of records (diplomatic terms, archive abbreviations, period spellings);
- `sources/<id>/words.txt` beside one document, for its own names and rare words.

Words are compared without regard to case; a list may keep the spelling the record uses.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.inputs import read_words

PROJECT_WORDLIST = Path(__file__).with_name("words.txt")


def parse_wordlist(text: str) -> frozenset[str]:
    """The words of a wordlist's text, lower-cased, comments and blank lines left out."""
    words = (line.split("#", 1)[0].strip() for line in text.split("\n"))
    return frozenset(word.replace("\u2019", "'").lower() for word in words if word)


def load_wordlist(path: Path) -> frozenset[str]:
    """The words in `path`; none when the file does not exist (a document's list is optional)."""
    if not path.is_file():
        return frozenset()
    return parse_wordlist(path.read_text(encoding="utf-8"))


def accepted_words(document_dir: Path | None = None) -> frozenset[str]:
    """The project-wide list joined with `document_dir/words.txt`, when there is one."""
    words = load_wordlist(PROJECT_WORDLIST)
    # The document's list is an input file like the others: a link out of its folder is
    # refused (inputs.py, issue 13 §3).
    text = read_words(document_dir)
    return words | parse_wordlist(text) if text is not None else words
