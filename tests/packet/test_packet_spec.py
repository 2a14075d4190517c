"""The packet file is strict: every problem is `packets/<name>.toml:LINE: problem`, before any
layout, and a packet that names something missing writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.packet import build_packet
from pipeline.packet.spec import Options, read_packet

ROOT = Path(__file__).resolve().parents[2]
IDS = ("1973-10-08-soviet-japanese-talks", "1974-04-23-us-panama-memcon")

GOOD = """\
[packet]
title = "A Seminar"
course = "HIST 1"
introduction = "intro.md"
paper = "a5"
documents = [
    "1973-10-08-soviet-japanese-talks",
    "1974-04-23-us-panama-memcon",
]

[options]
paragraph_numbers = false
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder: packets/ beside sources/ holding two bundled records."""
    for document in IDS:
        shutil.copytree(ROOT / "sources" / document, tmp_path / "sources" / document)
    (tmp_path / "packets").mkdir()
    (tmp_path / "packets" / "intro.md").write_text("Read *both*.\n", encoding="utf-8")
    return tmp_path


def write(project: Path, text: str) -> Path:
    path = project / "packets" / "seminar.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_packet_is_read_whole(project: Path) -> None:
    spec = read_packet(write(project, GOOD))
    assert spec.name == "seminar"
    assert spec.short_title == "A Seminar"  # defaults to the title
    assert [p.name for p in spec.documents] == list(IDS)
    assert spec.introduction == project / "packets" / "intro.md"
    assert spec.paper == "a5"
    assert spec.options == Options(duplex=True, paragraph_numbers=False, annotation=False)


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ('"1974-04-23-us-panama-memcon",', '"no-such-record",', 8, "no document 'no-such-record'"),
        ('"intro.md"', '"missing.md"', 4, "no file 'missing.md'"),
        ('"intro.md"', '"intro.pdf"', 4, "Markdown (.md) or plain-text (.txt)"),
        ('paper = "a5"', 'paper = "a3"', 5, "paper must be one of a4, letter, a5, half-letter"),
        ("paragraph_numbers = false", "margin_notes = true", 12, "unknown key 'margin_notes'"),
        ("paragraph_numbers = false", 'paragraph_numbers = "yes"', 12, "true or false"),
        ('course = "HIST 1"', 'course = "HIST 1"\ncolour = "red"', 4, "unknown key 'colour'"),
        ('"1974-04-23-us-panama-memcon",', '"1973-10-08-soviet-japanese-talks",', 8, "twice"),
        ("[options]", "[layout]", 11, "unknown section [layout]"),
    ],
)
def test_each_problem_is_named_at_its_line(
    project: Path, old: str, new: str, line: int, words: str
) -> None:
    path = write(project, GOOD.replace(old, new))
    with pytest.raises(PipelineError) as caught:
        read_packet(path)
    assert caught.value.line == line
    assert words in caught.value.message
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_title_and_documents_are_required(project: Path) -> None:
    with pytest.raises(PipelineError, match="title is required"):
        read_packet(write(project, GOOD.replace('title = "A Seminar"\n', "")))


def test_a_booklet_needs_half_size_pages_and_says_so_before_any_layout(project: Path) -> None:
    path = write(project, GOOD.replace('paper = "a5"', 'paper = "a4"'))
    with pytest.raises(PipelineError) as caught:
        build_packet(path, booklet=True)
    assert caught.value.line == 5
    assert "half-size pages" in caught.value.message


def test_the_command_line_prints_file_line_problem_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(project, GOOD.replace('"1974-04-23-us-panama-memcon",', '"nowhere",'))
    out = project / "output" / "packets"
    status = main(["packet", str(path), "--out", str(out)])
    assert status == 2
    assert capsys.readouterr().err.strip().startswith(f"{path}:8: no document 'nowhere'")
    assert not out.exists()


def test_a_booklet_with_crop_marks_is_refused(project: Path) -> None:
    with pytest.raises(PipelineError, match="--booklet and --marks"):
        build_packet(write(project, GOOD), booklet=True, marks=True)
