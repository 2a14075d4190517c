"""`python -m pipeline`: the command line (see pipeline/cli.py).

Ctrl-C is handled from this module's first line (issue 13): importing the pipeline takes a second
or two (WeasyPrint, lxml), and an interrupt then used to print a traceback. Until `main` takes
over, an interrupt or a SIGTERM ends the process at once with the same sentence a build gives,
since nothing has been written yet; once `main` returns, its status stands and a late Ctrl-C is
ignored. (Python's own start-up, before this module runs, is Python's: an interrupt there ends
the process the way Python ends it.)
"""

import os
import signal
import sys

EXIT_STATUS: dict[int, int] = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + the signal


def _before_main(signum: int, frame: object) -> None:
    try:
        os.write(2, b"interrupted; nothing written\n")
    finally:
        os._exit(EXIT_STATUS[signum])


for _signal in EXIT_STATUS:
    signal.signal(_signal, _before_main)

from pipeline.cli import main  # noqa: E402  (after the handlers: this import is the slow part)

sys.exit(main(interrupts_after=signal.SIG_IGN))
