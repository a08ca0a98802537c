"""Checking many documents: in this process, or in ``--jobs`` worker processes.

Results come back in input order whatever the number of jobs, so the report is byte for byte
the one a serial run gives.  A document that cannot be read is a :class:`Problem`, and the
batch goes on.  On Ctrl-C, the documents already handed to workers are finished (a bounded
number) so that the report covers every input up to the last one done, then
:class:`KeyboardInterrupt` propagates; a second Ctrl-C stops waiting.
"""

from __future__ import annotations

import os
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from runhistory import inputs, suppress
from runhistory.findings import Severity
from runhistory.inputs import InputError, Source
from runhistory.report import FileReport, Problem
from runhistory.validate import Options, validate_bytes

Outcome = FileReport | Problem

# Below this many documents a batch runs in this process: starting workers costs more.
PARALLEL_MIN = 32
CHUNK_FILES = 16
CHUNK_BYTES = 8 << 20


@dataclass(frozen=True, slots=True)
class Plan:
    """How to check the documents of one kind (per-path overrides make several kinds)."""

    options: Options
    # (code or prefix, where the expectation comes from): what each document must report.
    expect: tuple[tuple[str, str], ...] = ()
    # Under the strict profile: the same checks under the product profile, run again on a file
    # with errors to count those that are known departures of product output.
    product: Options | None = None


@dataclass(frozen=True, slots=True)
class Task:
    source: Source
    variant: int  # index into the batch's plans
    size: int  # bytes, as stat saw them (0 for standard input)


def check(source: Source, plan: Plan) -> Outcome:
    """One document; never raises on bad input."""
    outcome = _expected(_check(source, plan.options), plan, plan.options)
    if plan.product is not None and isinstance(outcome, FileReport) and not outcome.valid:
        again = _expected(_check(source, plan.product), plan, plan.product)
        if isinstance(again, FileReport):
            outcome.departures = departures(outcome, again)
    return outcome


def _expected(outcome: Outcome, plan: Plan, options: Options) -> Outcome:
    if plan.expect and isinstance(outcome, FileReport):
        enabled = options.selection.enabled(options.profile)
        outcome.findings = suppress.expected(outcome.findings, plan.expect, enabled)
    return outcome


def departures(strict: FileReport, product: FileReport) -> dict[str, int]:
    """The errors of ``strict`` that the product profile does not report as errors, by code."""

    def errors(fr: FileReport) -> Counter[str]:
        return Counter(f.rule for f in fr.findings if f.severity is Severity.ERROR)

    return dict(sorted((errors(strict) - errors(product)).items()))


def _check(source: Source, options: Options) -> Outcome:
    try:
        if options.streams(inputs.size(source)):
            return _check_streaming(source, options)
        data = inputs.read(source, options.max_bytes)
    except InputError as err:
        return Problem(source.name, str(err))
    except MemoryError:
        return Problem(source.name, "not enough memory to read this file")
    try:
        return validate_bytes(data, source.name, options)
    except MemoryError:
        return Problem(
            source.name, "not enough memory to check this file (lower --max-bytes to refuse it)"
        )


def _check_streaming(source: Source, options: Options) -> Outcome:
    from runhistory.stream import validate_stream

    try:
        with inputs.opened(source) as fh:
            return validate_stream(fh, source.name, options)
    except InputError as err:
        return Problem(source.name, str(err))
    except OSError as err:  # the file went away or failed while it was read
        return Problem(source.name, err.strerror or str(err))
    except MemoryError:
        return Problem(
            source.name, "not enough memory to check this file (lower --max-bytes to refuse it)"
        )


_VARIANTS: Sequence[Plan] = ()


def _init_worker(variants: Sequence[Plan]) -> None:
    global _VARIANTS  # noqa: PLW0603  (one worker process, one batch)
    _VARIANTS = variants
    # Ctrl-C is the parent's to handle: it finishes or stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _sigint_mask(block=False)


def _sigint_mask(block: bool) -> None:
    """Block or unblock SIGINT for this thread (and the processes it starts), where POSIX
    signal masks exist."""
    if hasattr(signal, "pthread_sigmask"):
        how = signal.SIG_BLOCK if block else signal.SIG_UNBLOCK
        signal.pthread_sigmask(how, {signal.SIGINT})


def _check_chunk(chunk: list[Task]) -> list[Outcome]:
    return [check(t.source, _VARIANTS[t.variant]) for t in chunk]


def _chunks(tasks: Sequence[Task]) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    size = 0
    for t in tasks:
        chunk.append(t)
        size += t.size
        if len(chunk) >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run(
    tasks: Sequence[Task],
    variants: Sequence[Plan],
    jobs: int,
    on_result: Callable[[Task, Outcome], None],
    on_start: Callable[[Task], None] | None = None,
) -> None:
    """Check every task, calling ``on_result`` in input order (and ``on_start`` before each
    document when they are checked in this process)."""
    parallel = jobs > 1 and len(tasks) >= PARALLEL_MIN and all(t.source.path for t in tasks)
    if not parallel:
        for t in tasks:
            if on_start is not None:
                on_start(t)
            on_result(t, check(t.source, variants[t.variant]))
        return
    _run_parallel(tasks, variants, jobs, on_result)


def _run_parallel(
    tasks: Sequence[Task],
    variants: Sequence[Plan],
    jobs: int,
    on_result: Callable[[Task, Outcome], None],
) -> None:
    chunks = _chunks(tasks)
    window = 3 * jobs  # chunks in flight: enough to keep every worker busy, few to finish
    pending: deque[tuple[list[Task], Future[list[Outcome]]]] = deque()
    # Workers start with SIGINT blocked, so a Ctrl-C can never reach one before it ignores it.
    _sigint_mask(block=True)
    try:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(variants,))
        first = next(chunks, None)
        if first is not None:
            pending.append((first, pool.submit(_check_chunk, first)))
    finally:
        _sigint_mask(block=False)
    # Ctrl-C only raises a flag here, looked at between chunks, so the results handed on are
    # always a prefix of the input: no result is lost half-way through being handed on.
    interrupted = False

    def note_interrupt(signum: int, frame: object) -> None:
        nonlocal interrupted
        interrupted = True

    try:
        previous = signal.signal(signal.SIGINT, note_interrupt)
    except ValueError:  # not the main thread: Ctrl-C is not this thread's to see
        previous = None
    try:
        while pending and not interrupted:
            while len(pending) < window and (chunk := next(chunks, None)) is not None:
                pending.append((chunk, pool.submit(_check_chunk, chunk)))
            chunk, future = pending[0]
            try:
                outcomes = future.result(timeout=0.2)
            except TimeoutError:
                continue
            pending.popleft()
            for t, outcome in zip(chunk, outcomes, strict=True):
                on_result(t, outcome)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if interrupted:
        try:
            # Finish what the workers have in hand (a bounded amount), so the report reaches
            # the last input done; a second Ctrl-C stops waiting.
            for chunk, future in pending:
                for t, outcome in zip(chunk, future.result(), strict=True):
                    on_result(t, outcome)
        except KeyboardInterrupt:
            pass
        # Not waiting here trips CPython 3.11 into an "Exception ignored" traceback at exit.
        pool.shutdown(wait=True, cancel_futures=True)
        raise KeyboardInterrupt
    pool.shutdown()
