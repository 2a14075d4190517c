"""What Ctrl-C and SIGTERM do while a command runs (issue 13): Ctrl-C raises KeyboardInterrupt
and SIGTERM its subclass `Terminated`, so that a build removes its staging folder and each
command says what it kept, instead of dying with leftovers.

Python raises a signal handler's exception wherever the main thread happens to be, and two
kinds of place drop it instead of letting it through:
- a finalizer (`__del__`, `weakref.finalize`): Python prints "Exception ignored in …" and runs
  on. The handler sees that from the frame and sends the signal again a moment later;
- C code that clears whatever error a call of its own raised. lxml's module set-up registers its
  classes with `collections.abc` and drops an error from that: a Ctrl-C there, while a build
  imports lxml, vanished, and the build ran on and published (4 times in 60 Ctrl-Cs sent 0.2 to
  0.4 s into a build, 2 December). No frame shows that, so the handler also notes the signal, and
  `stop_if_interrupted`, called where stopping is safe (between a build's steps, before anything
  is published), raises it again.
"""

from __future__ import annotations

import os
import signal
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

# What signal.signal accepts and returns.
Handler = Callable[[int, FrameType | None], object] | int | None

RESEND_AFTER = 0.01
"""Seconds after which a signal that landed in a finalizer is sent again (`_handle`)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM during a command (but a batch), handled as Ctrl-C is."""


# The signal whose exception was last raised while a command runs (None: none since it
# started). Only the main thread's handler writes it, and only between two bytecodes.
_received: int | None = None

ERRORS: dict[int, type[KeyboardInterrupt]] = {
    signal.SIGINT: KeyboardInterrupt,
    signal.SIGTERM: Terminated,
}


def stop_if_interrupted() -> None:
    """Raise the interruption again if a signal arrived during the command and its exception
    was dropped on the way (see the module docstring). Once raised, it is forgotten: the
    command's own handling of the interruption may go through here again."""
    global _received
    if _received is not None:
        signum, _received = _received, None
        raise ERRORS[signum]


def _handle(signum: int, frame: FrameType | None) -> None:
    """Raise the signal's error, unless it landed in a finalizer: Python prints an exception
    raised there with a traceback, drops it and lets the build run on. Then the signal is sent
    again a moment later, when the finalizer has returned."""
    global _received
    if _in_finalizer(frame):
        resend = threading.Timer(RESEND_AFTER, os.kill, (os.getpid(), signum))
        resend.daemon = True
        resend.start()
        return
    _received = signum
    raise ERRORS[signum]


def _in_finalizer(frame: FrameType | None) -> bool:
    """Whether `frame` runs inside a `__del__` or a `weakref.finalize` callback (tempfile's
    folders clean up through one): Python reports and drops what either raises."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or (
            code.co_name == "__call__" and code.co_filename == weakref.__file__
        ):
            return True
        frame = frame.f_back
    return False


@contextmanager
def interrupts_raise(after: Handler | None) -> Iterator[None]:
    """While the block runs, Ctrl-C raises KeyboardInterrupt and SIGTERM Terminated.
    Afterwards the handlers are `after` (`python -m pipeline`: SIG_IGN, since the run's status
    stands), else what they were before."""
    global _received
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _received = None
    before_int = signal.signal(signal.SIGINT, _handle)
    before_term = signal.signal(signal.SIGTERM, _handle)
    try:
        yield
    finally:
        # None: the handler was not Python's; the default is the closest Python can set.
        signal.signal(signal.SIGTERM, (before_term or signal.SIG_DFL) if after is None else after)
        signal.signal(signal.SIGINT, (before_int or signal.SIG_DFL) if after is None else after)
        _received = None


def ignore_interrupts() -> None:
    """Ignore Ctrl-C and SIGTERM for the rest of the command (`interrupts_raise` restores the
    handlers): the work is done, and an interrupt would only make the report of it lie."""
    global _received
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _received = None
