"""A batch in worker processes: chunks of documents checked in parallel, handed on in order.

Two runners do the same thing.  Where the platform forks safely (:func:`forkpool.available`),
:class:`Forked` uses :mod:`runhistory.forkpool`; elsewhere (Windows, macOS) :class:`Executor`
uses a :class:`concurrent.futures.ProcessPoolExecutor`.  In both:

- the workers get the batch when they start, and a chunk is sent as a span of its indices;
- results are handed on in input order, so the report is the one a serial run gives;
- Ctrl-C or SIGTERM only sets :attr:`stopped`, looked at between chunks; then the documents the
  workers have in hand are finished (a bounded number: workers stop between documents, and
  chunks not started are not started), the report reaches the last input done, and
  :class:`KeyboardInterrupt` (or :class:`~runhistory.interrupts.Terminated`) propagates; a
  second signal stops waiting;
- a worker that dies (killed, out of memory) makes every document not handed on yet a
  :class:`~runhistory.report.Problem`, not a traceback.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from runhistory import batch, forkpool, interrupts
from runhistory.batch import (
    _STOP_SIGNALS,
    WORKER_DIED,
    Outcome,
    Plan,
    Task,
    _check_span,
    _chunks,
    _init_worker,
    _signal_mask,
)
from runhistory.report import FileReport, Problem

if TYPE_CHECKING:
    from concurrent.futures import Future

    Pending = deque[tuple[range, Future[list[Outcome | None]]]]

# The runner on platforms that fork safely; tests switch it off to run the other one.
FORK = forkpool.available()
# How long a wait for results lasts before a signal's flag is looked at again (seconds).
POLL_SECONDS = 0.2


def run(
    tasks: Sequence[Task],
    variants: Sequence[Plan],
    jobs: int,
    on_result: Callable[[Task, Outcome], None],
) -> None:
    kind = Forked if FORK else Executor
    try:
        runner = kind(tasks, variants, jobs, on_result)
    except OSError as err:  # no process to be had: a limit on processes, or no memory left
        sys.stderr.write(
            f"runhistory: cannot start worker processes ({err.strerror or err}); "
            "checking the files in this process\n"
        )
        for t in tasks:
            on_result(t, batch.check(t.source, variants[t.variant]))
        return
    runner.run()


@contextlib.contextmanager
def _starting_workers() -> Iterator[None]:
    """SIGINT and SIGTERM blocked while workers start, so that neither can reach one before it
    ignores them (the workers unblock them; so does this process afterwards)."""
    _signal_mask(block=True)
    try:
        yield
    finally:
        _signal_mask(block=False)


class _Runner:
    """What both runners share: the batch, its order, and the signals."""

    def __init__(self, tasks: Sequence[Task], on_result: Callable[[Task, Outcome], None]):
        self.tasks = tasks
        self.chunks: Iterator[range] = _chunks(tasks)
        self.on_result = on_result
        # Set by Ctrl-C or SIGTERM, looked at between chunks, so the results handed on are
        # always a prefix of the input: none is lost half-way through being handed on.
        self.stopped: int | None = None

    def _note(self, signum: int, frame: object) -> None:
        self.stopped = signum

    def _catch_signals(self) -> dict[int, Any]:
        previous: dict[int, Any] = {}
        for signum in _STOP_SIGNALS:
            try:
                previous[signum] = signal.signal(signum, self._note)
            except ValueError:  # not the main thread: signals are not this thread's to see
                break
        return previous

    def _hand_on(
        self, chunk: range, outcomes: Sequence[Outcome | None], strict: bool = True
    ) -> None:
        for i, outcome in zip(chunk, outcomes, strict=strict):
            t = self.tasks[i]
            self.on_result(t, FileReport(t.source.name) if outcome is None else outcome)

    def _died(self, chunk: range) -> list[Outcome | None]:
        return [Problem(self.tasks[i].source.name, WORKER_DIED) for i in chunk]

    def _raise_stopped(self) -> None:
        if self.stopped == signal.SIGINT:
            raise KeyboardInterrupt
        raise interrupts.Terminated(self.stopped or signal.SIGTERM)


class Forked(_Runner):
    """The batch in workers forked from this process (:mod:`runhistory.forkpool`)."""

    def __init__(
        self,
        tasks: Sequence[Task],
        variants: Sequence[Plan],
        jobs: int,
        on_result: Callable[[Task, Outcome], None],
    ) -> None:
        super().__init__(tasks, on_result)
        self.order: deque[range] = deque()  # chunks sent, not handed on yet, in input order
        self.answers: dict[int, list[Outcome | None]] = {}  # by the chunk's first index
        self.held: range | None = None  # taken from self.chunks, not sent yet
        self.stop = forkpool.Flag()
        parent = os.getpid()

        def start() -> None:
            _init_worker(tasks, variants, parent, True, self.stop)

        with _starting_workers():
            self.pool = forkpool.Pool(jobs, start, _check_span)

    def run(self) -> None:
        try:
            previous = self._catch_signals()
            try:
                self._loop()
            except forkpool.WorkerDied:
                self.pool.kill()
                self._worker_died()
            finally:
                for signum, handler in previous.items():
                    signal.signal(signum, handler)
            if self.stopped is not None:
                self._finish_in_hand()
        finally:
            self.pool.close()

    def _fill(self) -> None:
        """Send chunks until every worker has its fill."""
        while (chunk := self.held or next(self.chunks, None)) is not None:
            self.held = chunk  # until it is sent (submit may raise WorkerDied)
            if not self.pool.submit(chunk):
                return
            self.held = None
            self.order.append(chunk)

    def _loop(self) -> None:
        while self.stopped is None:
            self._fill()
            if not self.order:
                return
            for chunk, outcomes in self.pool.wait(POLL_SECONDS):
                self.answers[chunk.start] = outcomes
            while self.order and self.order[0].start in self.answers:
                chunk = self.order.popleft()
                self._hand_on(chunk, self.answers.pop(chunk.start))

    def _worker_died(self) -> None:
        """The pool is broken: every document not handed on yet is a problem, except those of
        chunks another worker had answered (in order, as ever)."""
        for chunk in self.order:
            self._hand_on(chunk, self.answers.pop(chunk.start, []) or self._died(chunk))
        self.order.clear()
        if self.held is not None:
            self._hand_on(self.held, self._died(self.held))
        for chunk in self.chunks:
            self._hand_on(chunk, self._died(chunk))

    def _finish_in_hand(self) -> None:
        """After Ctrl-C or SIGTERM: the workers' answers for what they have in hand (a prefix of
        each chunk, or nothing once they see the flag), handed on up to the first gap."""
        self.stop.set()
        try:
            while self.pool.busy():
                for chunk, outcomes in self.pool.wait(POLL_SECONDS):
                    self.answers[chunk.start] = outcomes
        except (forkpool.WorkerDied, KeyboardInterrupt):
            pass  # a second signal, or a worker gone: what has come is handed on
        for chunk in self.order:
            outcomes = self.answers.get(chunk.start)
            if outcomes is None:
                break
            self._hand_on(chunk, outcomes, strict=False)
            if len(outcomes) < len(chunk):
                break  # a prefix of the input, nothing after a gap
        self._raise_stopped()


class Executor(_Runner):
    """The batch in a :class:`concurrent.futures.ProcessPoolExecutor` (platforms that do not
    fork safely): a window of chunks in flight."""

    def __init__(
        self,
        tasks: Sequence[Task],
        variants: Sequence[Plan],
        jobs: int,
        on_result: Callable[[Task, Outcome], None],
    ) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        super().__init__(tasks, on_result)
        self.window = 3 * jobs  # chunks in flight: enough to keep every worker busy, few to finish
        self.pending: Pending = deque()
        self.stop = multiprocessing.get_context().Event()
        with _starting_workers():
            self.pool = ProcessPoolExecutor(
                max_workers=jobs,
                initializer=_init_worker,
                # Workers are children of this process, except under a fork server.
                initargs=(
                    tasks,
                    variants,
                    os.getpid(),
                    multiprocessing.get_start_method() != "forkserver",
                    self.stop,
                ),
            )
            self._fill(1)  # the workers start with the first chunk

    def _fill(self, up_to: int) -> None:
        from concurrent.futures.process import BrokenProcessPool

        while len(self.pending) < up_to and (chunk := next(self.chunks, None)) is not None:
            try:
                future = self.pool.submit(_check_span, chunk)
            except BrokenProcessPool:  # not sent: still to be reported
                self.chunks = itertools.chain([chunk], self.chunks)
                raise
            self.pending.append((chunk, future))

    def run(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        previous = self._catch_signals()
        try:
            self._loop()
        except BrokenProcessPool:
            self._kill_workers()
            self._worker_died()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if self.stopped is not None:
            self._finish_in_hand()
        self.pool.shutdown()

    def _loop(self) -> None:
        while self.pending and self.stopped is None:
            self._fill(self.window)
            chunk, future = self.pending[0]
            try:
                outcomes = future.result(timeout=POLL_SECONDS)
            except TimeoutError:
                continue
            self.pending.popleft()
            self._hand_on(chunk, outcomes)

    def _kill_workers(self) -> None:
        """Kill the workers left when one died: the pool stops them with SIGTERM, which they
        ignore, and then waits for them forever when the dead one held the lock of the task
        queue (it had stopped waiting for a task)."""
        processes: dict[int, Any] = getattr(self.pool, "_processes", None) or {}
        for process in list(processes.values()):
            with contextlib.suppress(OSError, ValueError):
                process.kill()

    def _worker_died(self) -> None:
        """The pool is broken: every document not handed on yet is a problem."""
        for chunk, _future in self.pending:
            self._hand_on(chunk, self._died(chunk))
        self.pending.clear()
        for chunk in self.chunks:
            self._hand_on(chunk, self._died(chunk))

    def _finish_in_hand(self) -> None:
        """After Ctrl-C or SIGTERM: finish what the workers have in hand (a bounded amount) so
        the report reaches the last input done, then stop; a second signal stops waiting."""
        from concurrent.futures.process import BrokenProcessPool

        self.stop.set()
        for _chunk, future in self.pending:
            future.cancel()
        try:
            for chunk, future in self.pending:
                if future.cancelled():
                    break
                outcomes = future.result()
                self._hand_on(chunk, outcomes, strict=False)
                if len(outcomes) < len(chunk):
                    break  # a prefix of the input, nothing after a gap
        except BrokenProcessPool:
            self._kill_workers()
        except KeyboardInterrupt:
            pass
        # Not waiting here trips CPython 3.11 into an "Exception ignored" traceback at exit.
        self.pool.shutdown(wait=True, cancel_futures=True)
        self._raise_stopped()
