"""Turn TEI files into what jing says of them against the vendored schema of their profile.

    schema_errors(paths, "generic") -> ["file:line:column: error: …", …]   ([] when valid)

jing (Debian `jing`, a row of tools/system-deps.txt) reads both the XML syntax of `tei_all.rng`
and the compact syntax of `frus.rnc`; lxml's RELAX NG reads only the first, and takes about
20 s to compile it here against jing's 3 s for a whole batch of files. One jing run checks any
number of files. Nothing is fetched: the schemas are in `schemas/` (see its README).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pipeline.context import PROJECT_ROOT
from pipeline.errors import PipelineError
from pipeline.writers.tei import profile

TIMEOUT = 600  # seconds; a batch of bundled records takes a few

# Debian's /usr/bin/jing is a java-wrappers script that looks for optional jars (xml-apis,
# avalon-framework, batik-all, …) and says on stderr which it did not find. Which ones are
# there depends on what else the machine has installed (xml-apis.jar is in no Debian 12
# package), and the lines are about the machine, not the files: they are not jing's verdict.
_WRAPPER_NOTE = re.compile(r"^\[warning\] \S*jing: Unable to locate \S+ in \S+$")


def schema_path(profile_name: str) -> Path:
    return PROJECT_ROOT / profile(profile_name).schema


def schema_errors(paths: Sequence[Path], profile_name: str) -> list[str]:
    """jing's complaints about `paths`, one line each; [] when every file is valid."""
    jing = shutil.which("jing")
    if jing is None:
        raise PipelineError("jing is not installed; install it with: tools/system-deps.sh core")
    schema = schema_path(profile_name)
    compact = ["-c"] if schema.suffix == ".rnc" else []
    result = subprocess.run(
        [jing, *compact, str(schema), *(str(p) for p in paths)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
    )
    said = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not _WRAPPER_NOTE.match(line)
    ]
    if result.returncode != 0 and not said:
        said = [f"jing exited with status {result.returncode} and said nothing"]
    return said
