"""Being stopped: SIGTERM is handled like Ctrl-C, and worker processes never outlive the run.

:func:`install` makes SIGTERM raise :class:`Terminated`, a :class:`KeyboardInterrupt`, so that
everything that cleans up after Ctrl-C (the report of what was done, no temporary file left,
the workers stopped) does so after ``kill`` or a CI timeout too.  :func:`exit_code` is
128 + the signal number, as a shell reports a process the signal killed: 130 for Ctrl-C, 143
for SIGTERM.

:func:`bind_to_parent`, called in a worker process, makes the worker exit when the process
that started it dies, even by SIGKILL, which no handler sees: on Linux the kernel sends it
SIGKILL (``prctl(PR_SET_PDEATHSIG)``); elsewhere a thread watches the parent.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from types import FrameType

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5


class Terminated(KeyboardInterrupt):
    """SIGTERM (or another terminating signal) arrived: stop as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


def install() -> None:
    """SIGTERM raises :class:`Terminated` (in the main thread; elsewhere nothing changes)."""
    # Outside the main thread signal.signal raises ValueError: nothing changes there.
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGTERM, _raise_terminated)


def exit_code(interrupt: KeyboardInterrupt) -> int:
    """128 + the signal that stopped the run (SIGINT for a plain Ctrl-C)."""
    signum = interrupt.signum if isinstance(interrupt, Terminated) else signal.SIGINT
    return 128 + int(signum)


def _pdeathsig() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; whether that worked."""
    if not sys.platform.startswith("linux"):
        return False
    # Here, not at the top: only worker processes need ctypes.  The symbols already loaded (the
    # C library's among them) rather than find_library("c"), which runs ldconfig, per worker.
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def bind_to_parent(parent: int, *, direct: bool = True) -> None:
    """Exit this (worker) process when process ``parent`` dies.  ``direct``: ``parent``
    started this process itself (fork or spawn), so this process's parent id changes the moment
    it dies, zombie or not; otherwise (a fork server in between) ``parent`` is watched by id."""
    if _pdeathsig():
        # The parent may have died before prctl: then nobody would ever send the signal.
        if direct and os.getppid() != parent:
            os._exit(1)
        return

    def gone() -> bool:
        return os.getppid() != parent if direct else not _alive(parent)

    def watch() -> None:
        while not gone():
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    if gone():
        os._exit(1)
    import threading  # here: only a worker process without prctl watches its parent

    threading.Thread(target=watch, name="runhistory-parent-watch", daemon=True).start()
