"""Worker processes made with ``fork``, for the batch runner (:mod:`runhistory.parallel`).

Each worker is a copy of this process made when the pool starts, so it already holds the batch:
the parent sends it a span of indices (two integers), and it answers with the span's results,
pickled, prefixed by their length.  Nothing else is shared but a one-byte :class:`Flag` the
workers read between documents.  Importing :mod:`multiprocessing` and
:mod:`concurrent.futures`, and running an executor's queues and manager thread, cost about a
tenth of a batch of 1,000 small documents; this is all a batch needs of them.

A worker answers its spans in the order it was given them.  One that dies (killed, out of
memory) closes its pipe: :meth:`Pool.wait` raises :class:`WorkerDied`.  One whose work raises
(a bug) sends the traceback, raised in the parent as :class:`WorkerFailed`.  Workers are
children of this process; :meth:`Pool.close` ends and reaps them.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import select
import signal
import struct
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SPAN = struct.Struct("<qq")
_SIZE = struct.Struct("<Q")


class WorkerDied(Exception):
    """A worker process ended before answering every span it was given."""


class WorkerFailed(Exception):
    """A worker's work raised; the message is the worker's traceback."""


class Flag:
    """A flag set in one process and seen in every process forked after it was made."""

    def __init__(self) -> None:
        self._mem = mmap.mmap(-1, 1)  # anonymous and shared: fork does not copy it

    def set(self) -> None:
        self._mem[0] = 1

    def is_set(self) -> bool:
        return self._mem[0] != 0


@dataclass(slots=True)
class _Worker:
    pid: int
    spans: int  # the parent's end of the pipe of spans
    results: int  # the parent's end of the pipe of results
    given: deque[range] = field(default_factory=deque)  # sent, not answered yet


class Pool:
    """``jobs`` forked workers, each calling ``initializer()`` once, then ``work(span)`` for
    every span sent to it; at most ``depth`` spans wait at a worker at a time."""

    def __init__(
        self,
        jobs: int,
        initializer: Callable[[], None],
        work: Callable[[range], Any],
        depth: int = 2,
    ) -> None:
        self.depth = depth
        self.workers: list[_Worker] = []
        self._poll = select.poll()
        self._by_fd: dict[int, _Worker] = {}
        try:
            for _ in range(jobs):
                self._start(initializer, work)
        except BaseException:
            self.kill()
            raise

    def _start(self, initializer: Callable[[], None], work: Callable[[range], Any]) -> None:
        spans_r, spans_w = os.pipe()
        results_r, results_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: it never returns from here
            code = 1
            try:
                # The parent's ends, this worker's and every earlier one's: a worker holding
                # another's pipe open would keep it from ever reading the end of it.
                for w in self.workers:
                    os.close(w.spans)
                    os.close(w.results)
                os.close(spans_w)
                os.close(results_r)
                initializer()
                _serve(spans_r, results_w, work)
                code = 0
            finally:
                os._exit(code)
        os.close(spans_r)
        os.close(results_w)
        worker = _Worker(pid, spans_w, results_r)
        self.workers.append(worker)
        self._by_fd[results_r] = worker
        self._poll.register(results_r, select.POLLIN)

    def submit(self, span: range) -> bool:
        """Send ``span`` to the least busy worker; False when every worker has ``depth``."""
        worker = min(self.workers, key=lambda w: len(w.given))
        if len(worker.given) >= self.depth:
            return False
        try:
            os.write(worker.spans, _SPAN.pack(span.start, span.stop))
        except OSError:  # BrokenPipeError: the worker is gone
            raise WorkerDied from None
        worker.given.append(span)
        return True

    def busy(self) -> bool:
        """Whether some span has not been answered yet."""
        return any(w.given for w in self.workers)

    def wait(self, timeout: float) -> list[tuple[range, Any]]:
        """The answers that arrive within ``timeout`` seconds (none when it passes first)."""
        out: list[tuple[range, Any]] = []
        for fd, _event in self._poll.poll(int(timeout * 1000)):
            worker = self._by_fd[fd]
            if not worker.given:  # an end of file, with nothing owed: not an answer
                raise WorkerDied
            ok, value = pickle.loads(_read_message(fd))
            if not ok:
                raise WorkerFailed(value)
            out.append((worker.given.popleft(), value))
        return out

    def close(self) -> None:
        """End every worker and wait for it to: one with nothing to answer ends as its pipe
        of spans closes; one still working is killed (nobody would read its answer)."""
        for w in self.workers:
            _close(w.spans)
            if w.given:
                _kill(w.pid)
        for w in self.workers:
            _close(w.results)  # a worker still writing gets a broken pipe, and ends
            _reap(w.pid)
        self.workers.clear()

    def kill(self) -> None:
        """End every worker now."""
        for w in self.workers:
            _kill(w.pid)
        self.close()


def _serve(spans: int, results: int, work: Callable[[range], Any]) -> None:
    """A worker's loop: a span in, its answer out, until the parent closes the pipe."""
    while True:
        head = _read_exactly(spans, _SPAN.size)
        if head is None:
            return
        start, stop = _SPAN.unpack(head)
        try:
            answer = (True, work(range(start, stop)))
        except Exception:
            import traceback

            answer = (False, traceback.format_exc())
        body = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        _write_all(results, _SIZE.pack(len(body)) + body)


def _read_message(fd: int) -> bytes:
    head = _read_exactly(fd, _SIZE.size)
    if head is None:
        raise WorkerDied
    (size,) = _SIZE.unpack(head)
    body = _read_exactly(fd, size)
    if body is None:
        raise WorkerDied
    return body


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd``; None at an end of file before them."""
    parts: list[bytes] = []
    left = size
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):  # gone already
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    while True:
        try:
            os.waitpid(pid, 0)
            return
        except ChildProcessError:
            return
        except InterruptedError:  # pragma: no cover - Python retries waitpid itself (PEP 475)
            continue


def available() -> bool:
    """Whether this platform forks safely: POSIX, except macOS, whose system libraries may not
    survive a fork (its Python starts multiprocessing workers with spawn for that reason)."""
    return hasattr(os, "fork") and sys.platform != "darwin"
