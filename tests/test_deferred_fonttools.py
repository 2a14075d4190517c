"""fontTools' subsetter and instancer wait until WeasyPrint calls them
(pipeline/deferred_fonttools.py): a build never loads them, the PDF is the same bytes as with
them loaded, and whoever does use them gets the real modules."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import RECORD_1973

ROOT = Path(__file__).resolve().parents[1]

BUILD = textwrap.dedent(
    """
    import sys
    {before}
    from pipeline.cli import main
    folder, out = sys.argv[1:3]
    status = main(["build", folder, "--to", "pdf", "--to", "epub", "--force", "--out", out])
    subset = sys.modules["fontTools.subset"]
    print(type(subset).__name__, "fontTools.varLib" in sys.modules)
    sys.exit(status)
    """
)


def _python(code: str, *args: object) -> list[str]:
    """The lines a fresh Python printed running `code` from the checkout (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,  # a lock that waits for ever fails the test instead of hanging it
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def _build(out: Path, before: str = "") -> str:
    return _python(BUILD.format(before=before), RECORD_1973, out)[-1]


def test_a_build_never_loads_them_and_makes_the_same_bytes_as_one_that_has(tmp_path) -> None:
    deferred = _build(tmp_path / "deferred")
    # Imported before the pipeline, the real modules are there and nothing is deferred.
    eager = _build(tmp_path / "eager", before="import fontTools.subset, fontTools.varLib.instancer")
    assert deferred == "_StandIn False"  # the saving: neither fontTools.varLib nor the subsetter
    assert eager == "module True"
    names = sorted(p.name for p in (tmp_path / "deferred").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "eager").iterdir())
    for name in names:
        assert (tmp_path / "deferred" / name).read_bytes() == (
            tmp_path / "eager" / name
        ).read_bytes(), name


USE = textwrap.dedent(
    """
    import sys, threading
    import pipeline  # puts the stand-ins in place
    import fontTools
    from fontTools import subset
    from fontTools.varLib.instancer import instantiateVariableFont
    from fontTools.ttLib import TTFont
    assert type(subset).__name__ == "_StandIn" and "fontTools.varLib" not in sys.modules
    # Two threads asking at once get one real module.
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(subset.Subsetter)) for _ in range(2)]
    for t in threads: t.start()
    for t in threads: t.join()
    assert seen[0] is seen[1] is sys.modules["fontTools.subset"].Subsetter
    assert type(sys.modules["fontTools.subset"]).__name__ == "module"
    assert fontTools.subset is sys.modules["fontTools.subset"]
    # The forwarding instancer calls the real one: a static font is refused by fontTools itself.
    font = TTFont(sys.argv[1])
    try:
        instantiateVariableFont(font, {{"wght": 400}})
    except ValueError as error:
        print("refused:", error)
    print(type(sys.modules["fontTools.varLib.instancer"]).__name__)
    """
)


def test_whoever_uses_them_gets_the_real_modules_once(tmp_path) -> None:
    font = ROOT / "styles" / "fonts" / "LinLibertine_R.otf"
    lines = _python(USE.format(), font)
    assert lines[0] == "refused: Missing required table fvar"  # fontTools' own words
    assert lines[-1] == "module"


INSTANCER_FIRST = textwrap.dedent(
    """
    import sys
    import pipeline  # puts the stand-ins in place
    from fontTools.varLib.instancer import instantiateVariableFont
    from fontTools.ttLib import TTFont
    try:
        instantiateVariableFont(TTFont(sys.argv[1]), {"wght": 400})
    except ValueError as error:
        print("refused:", error)
    print(type(sys.modules["fontTools.subset"]).__name__)
    """
)


def test_the_instancer_used_first_loads_the_subsetter_before_it(tmp_path) -> None:
    # The instancer relies on methods the subsetter adds; loading it first loads both, once
    # (with a lock that was not re-entrant, this waited for ever).
    font = ROOT / "styles" / "fonts" / "LinLibertine_R.otf"
    lines = _python(INSTANCER_FIRST, font)
    assert lines == ["refused: Missing required table fvar", "module"]
