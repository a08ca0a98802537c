"""Writing a report to ``--output FILE`` without harming what FILE is.

* A regular file (or a new name) is replaced atomically: the report is rendered into a
  temporary file beside it, which is renamed over it only once complete, so a reader never sees
  half a report and a failed or interrupted run leaves the old one whole.  The replacement keeps
  the old file's permission bits (a 0600 report stays 0600) and, where the process may, its
  owner; a new file gets 0666 less the umask, as the shell's ``>`` would.
* A symbolic link is followed: its target is replaced, the link stays a link.
* A character device (``/dev/null``, ``/dev/stdout``, a terminal) or a FIFO is written through,
  as ``>`` would: replacing it would turn ``/dev/null`` into a regular file.
* Anything else (a directory, a socket, a block device) is refused with :class:`OutputError`.

The text is UTF-8; a character UTF-8 cannot carry (a lone surrogate that escaped
:mod:`runhistory.escaping`) is written as a backslash escape rather than failing the run.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

Render = Callable[[IO[str]], object]


class OutputError(OSError):
    """The report could not be written: ``str()`` is one line naming the file, ``strerror``
    the reason alone (so ``except OSError`` handlers written for plain writes still fit)."""

    def __init__(self, shown: str, reason: str) -> None:
        super().__init__(0, reason)
        self.shown = shown

    def __str__(self) -> str:
        return f"cannot write {self.shown}: {self.strerror}"


def _describe(err: OSError) -> str:
    return err.strerror or str(err)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    if stat.S_ISBLK(mode):
        return "is a block device"
    return "is not a regular file"


def _existing(path: Path) -> os.stat_result | None:
    """What is at ``path`` now (symbolic links followed), if anything."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def refuse_inputs(path: str | os.PathLike[str], inputs: Iterable[Path]) -> None:
    """:class:`OutputError` if ``path`` is (or links to) one of ``inputs``: the report would
    replace a document it was asked to check."""
    try:
        st = _existing(Path(path))
    except OSError:
        return  # write() reports it
    if st is None or not stat.S_ISREG(st.st_mode):
        return
    for p in inputs:
        try:
            other = os.stat(p)
        except OSError:
            continue
        if os.path.samestat(st, other):
            raise OutputError(
                os.fspath(path), f"it is the input {os.fspath(p)}: the report would replace it"
            )


def write(path: str | os.PathLike[str], render: Render) -> None:
    """Write what ``render`` writes to the stream it is given into ``path`` (see the module)."""
    shown = os.fspath(path)
    try:
        st = _existing(Path(path))
        if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
            # Opened by the name given: /dev/stdout on a pipe has no other name to open.
            _write_through(Path(path), render)
        elif st is not None and not stat.S_ISREG(st.st_mode):
            raise OutputError(shown, _kind(st.st_mode))
        else:
            _replace(Path(os.path.realpath(path)), st, render)
    except OutputError:
        raise
    except OSError as err:
        raise OutputError(shown, _describe(err)) from None


def _open_text(fd: int) -> IO[str]:
    return os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="")


def _write_through(target: Path, render: Render) -> None:
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    with _open_text(fd) as fh:
        render(fh)


def _replace(target: Path, st: os.stat_result | None, render: Render) -> None:
    import tempfile  # here: only a report written to a file needs it, not start-up

    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        _keep_mode(fd, st)
        with _open_text(fd) as fh:
            render(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException:  # an error, Ctrl-C or SIGTERM: no temporary file is left behind
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _keep_mode(fd: int, st: os.stat_result | None) -> None:
    """The old file's permission bits and owner (best effort), or those of a new file."""
    if st is None:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    if hasattr(os, "fchown") and (st.st_uid != os.geteuid() or st.st_gid != os.getegid()):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.fchown(fd, st.st_uid, st.st_gid)
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
