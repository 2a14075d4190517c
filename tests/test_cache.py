"""The cache of work every build start would redo (pipeline/cache.py): where it is, that an entry
is whole or absent, and that a cache that cannot be used only means the work is done again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cache
from tests.conftest import RECORD_1973, ROOT


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENVIRONMENT_VARIABLE, str(folder))
    return folder


def test_the_default_folder_is_inside_the_installed_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(cache.ENVIRONMENT_VARIABLE, raising=False)
    folder = cache.folder()
    assert folder is not None and folder.is_relative_to(sys.prefix)
    assert not folder.is_relative_to(Path.home()) or Path(sys.prefix).is_relative_to(Path.home())


@pytest.mark.parametrize("off", ["", "off", " OFF "])
def test_the_cache_can_be_switched_off(
    off: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(cache.ENVIRONMENT_VARIABLE, off)
    assert cache.folder() is None
    cache.write("kind", "entry", b"data")
    assert cache.read("kind", "entry") is None
    assert cache.subfolder("kind") is None


def test_an_entry_reads_back_whole_and_leaves_no_temporary_file(cache_in: Path) -> None:
    cache.write("kind", "entry", b"data")
    assert cache.read("kind", "entry") == b"data"
    cache.write("kind", "entry", b"other")  # replaced, not appended
    assert cache.read("kind", "entry") == b"other"
    assert [p.name for p in (cache_in / "kind").iterdir()] == ["entry"]
    assert cache.read("kind", "missing") is None


def test_a_folder_that_cannot_be_written_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(cache.ENVIRONMENT_VARIABLE, str(blocked / "cache"))
    cache.write("kind", "entry", b"data")  # no exception
    assert cache.read("kind", "entry") is None
    assert cache.subfolder("jinja2") is None


def test_names_change_with_every_part_and_with_where_parts_divide() -> None:
    assert cache.key("ab", "c") != cache.key("a", "bc")
    assert cache.key("a", b"b") == cache.key("a", "b")
    assert cache.key("a", "b") != cache.key("a", "c")
    assert len(cache.key("x")) == 64


def test_templates_compiled_by_different_environments_are_kept_apart(
    cache_in: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    first.write_text("Environment(autoescape=True)")
    second.write_text("Environment(autoescape=False)")
    one, other = cache.template_bytecode(str(first)), cache.template_bytecode(str(second))
    assert one is not None and other is not None
    assert one.directory != other.directory
    first.write_text("Environment(autoescape=False, trim_blocks=True)")  # an option changed
    assert cache.template_bytecode(str(first)).directory not in (one.directory, other.directory)


def test_a_template_renders_the_same_from_its_cached_code(cache_in: Path, tmp_path: Path) -> None:
    from jinja2 import Environment, FileSystemLoader

    (tmp_path / "page.html").write_text(
        "<p>{{ words }}</p>{% for n in range(3) %}{{ n }}{% endfor %}"
    )

    def render() -> str:
        env = Environment(
            loader=FileSystemLoader(tmp_path),
            autoescape=True,
            bytecode_cache=cache.template_bytecode(__file__),
        )
        return env.get_template("page.html").render(words="a < b")

    fresh = render()
    entries = list(cache_in.glob("jinja2/*/*"))
    assert len(entries) == 1
    assert render() == fresh == "<p>a &lt; b</p>012"


def _build(record: Path, out: Path, cache_setting: str) -> dict[str, bytes]:
    env = {**os.environ, cache.ENVIRONMENT_VARIABLE: cache_setting}
    command = [sys.executable, "-m", "pipeline", "build", str(record), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_a_build_from_the_cache_gives_the_same_files_as_one_without(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    without = _build(RECORD_1973, tmp_path / "without", "off")
    filling = _build(RECORD_1973, tmp_path / "filling", str(folder))
    kinds = {p.name for p in folder.iterdir()}
    assert kinds == {"cffi", "pyphen", "jinja2"}
    from_cache = _build(RECORD_1973, tmp_path / "from-cache", str(folder))
    assert without.keys() == filling.keys() == from_cache.keys()
    for name in without:
        assert without[name] == filling[name] == from_cache[name], name


def _render_with_cache(folder: Path, creator: str) -> str:
    from jinja2 import Environment, FileSystemLoader

    (folder / "page.html").write_text("<p>{{ words }}</p>")
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,
        bytecode_cache=cache.template_bytecode(creator),
    )
    return env.get_template("page.html").render(words="a < b")


def test_a_damaged_template_entry_is_compiled_again(cache_in: Path, tmp_path: Path) -> None:
    assert _render_with_cache(tmp_path, __file__) == "<p>a &lt; b</p>"
    (entry,) = cache_in.glob("jinja2/*/*")
    from jinja2.bccache import bc_magic

    assert entry.read_bytes().startswith(bc_magic)
    entry.write_bytes(bc_magic + b"not a pickle, not marshal")  # passes Jinja2's own check
    assert _render_with_cache(tmp_path, __file__) == "<p>a &lt; b</p>"


def test_a_template_entry_that_cannot_be_written_is_not_an_error(
    cache_in: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile as tempfile_module

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(27, "File too large")

    monkeypatch.setattr(tempfile_module, "NamedTemporaryFile", full_disk)
    assert _render_with_cache(tmp_path, __file__) == "<p>a &lt; b</p>"
    assert list(cache_in.glob("jinja2/*/*")) == []
