"""Checking many documents: in this process, or in ``--jobs`` worker processes.

Results come back in input order whatever the number of jobs, so the report is byte for byte
the one a serial run gives.  A document that cannot be read is a :class:`Problem`, and the
batch goes on.  On Ctrl-C, the documents already handed to workers are finished (a bounded
number) so that the report covers every input up to the last one done, then
:class:`KeyboardInterrupt` propagates; a second Ctrl-C stops waiting.  SIGTERM is the same
(:class:`runhistory.interrupts.Terminated` propagates).  Workers ignore both (the parent
stops them) and exit by themselves if the parent dies.  If a worker dies (killed, out of
memory), the documents not yet done are reported as problems, not lost in a traceback.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from runhistory import inputs, interrupts, suppress
from runhistory.findings import Severity
from runhistory.input_stage import too_big_finding
from runhistory.inputs import InputError, Source
from runhistory.report import FileReport, Problem
from runhistory.validate import Options, apply_selection, validate_bytes

# The worker processes are started by runhistory.parallel, imported only for a parallel batch:
# most runs check a few documents in this process, and it costs start-up time.

Outcome = FileReport | Problem

# Below this many documents a batch runs in this process: starting workers costs more.
PARALLEL_MIN = 32
CHUNK_FILES = 16
CHUNK_BYTES = 8 << 20
# At most this many worker processes per CPU: each holds its documents (and libxml2's tree) in
# memory, and more workers than CPUs only add memory and start-up time.
JOBS_PER_CPU = 2
WORKER_DIED = "not checked: a worker process died (killed, or out of memory?)"


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
    # Standard input cannot be read twice: its departures are not counted.
    again_readable = source.path is not None
    if plan.product and again_readable and isinstance(outcome, FileReport) and not outcome.valid:
        again = _expected(_check(source, plan.product), plan, plan.product)
        if isinstance(again, FileReport):
            outcome.departures = departures(outcome, again)
    return outcome


def _expected(outcome: Outcome, plan: Plan, options: Options) -> Outcome:
    if plan.expect and isinstance(outcome, FileReport):
        enabled = options.selection.enabled(options.profile)
        outcome.findings = suppress.expected(outcome.findings, plan.expect, enabled)
    return outcome


def too_big_report(name: str, size: int, options: Options, *, exact: bool) -> FileReport:
    """The report of a document over ``options.max_bytes``: ``size`` is its size (``exact``), or
    how much of it was read before it was refused."""
    finding = too_big_finding(size, options.max_bytes, exact=exact)
    return FileReport(file=name, findings=apply_selection([finding], options))


def departures(strict: FileReport, product: FileReport) -> dict[str, int]:
    """The errors of ``strict`` that the product profile does not report as errors, by code."""

    def errors(fr: FileReport) -> Counter[str]:
        return Counter(f.rule for f in fr.findings if f.severity is Severity.ERROR)

    return dict(sorted((errors(strict) - errors(product)).items()))


def _check(source: Source, options: Options) -> Outcome:
    data = _whole(source, options)
    if not isinstance(data, bytes):
        return data
    if len(data) > options.max_bytes:  # standard input, or a file that grew: read no further
        return too_big_report(source.name, len(data), options, exact=False)
    try:
        return validate_bytes(data, source.name, options)
    except MemoryError:
        return Problem(
            source.name, "not enough memory to check this file (lower --max-bytes to refuse it)"
        )


def _whole(source: Source, options: Options) -> bytes | Outcome:
    """The document's bytes, or its outcome when it is not read whole (too big, streamed, or
    unreadable)."""
    try:
        size = inputs.size(source)
        if size is not None and size > options.max_bytes:  # refused without reading it
            return too_big_report(source.name, size, options, exact=True)
        if options.streams(size):
            return _check_streaming(source, options)
        return inputs.read(source, options.max_bytes, size)
    except InputError as err:
        return Problem(source.name, str(err))
    except MemoryError:
        return Problem(source.name, "not enough memory to read this file")


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


# A worker's batch: every task (a chunk is sent as a span of their indices, not pickled) and
# the plans they index.
_TASKS: Sequence[Task] = ()
_VARIANTS: Sequence[Plan] = ()
# Set by the parent on Ctrl-C or SIGTERM: a worker checks no further document of its chunk.
_STOP: Any = None
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _init_worker(
    tasks: Sequence[Task], variants: Sequence[Plan], parent: int, direct: bool, stop: Any = None
) -> None:
    global _TASKS, _VARIANTS, _STOP  # one worker process, one batch
    _TASKS, _VARIANTS, _STOP = tasks, variants, stop
    # Ctrl-C and SIGTERM are the parent's to handle: it finishes or stops the workers itself;
    # if it dies without doing so, the worker goes too.
    for signum in _STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    _signal_mask(block=False)
    interrupts.bind_to_parent(parent, direct=direct)


def _signal_mask(block: bool) -> None:
    """Block or unblock SIGINT and SIGTERM for this thread (and the processes it starts),
    where POSIX signal masks exist."""
    if hasattr(signal, "pthread_sigmask"):
        how = signal.SIG_BLOCK if block else signal.SIG_UNBLOCK
        signal.pthread_sigmask(how, set(_STOP_SIGNALS))


def _check_chunk(chunk: Sequence[Task]) -> list[Outcome]:
    """The outcomes of the chunk's documents, in order; fewer (a prefix) when the parent was
    stopped meanwhile, so that Ctrl-C does not wait for whole chunks to be checked."""
    out: list[Outcome] = []
    for t in chunk:
        if _STOP is not None and _STOP.is_set():
            break
        out.append(check(t.source, _VARIANTS[t.variant]))
    return out


def _check_span(span: range) -> list[Outcome | None]:
    """:func:`_check_chunk` of the tasks ``span`` indexes, in a worker; a report with nothing
    in it (most of them) comes back as None, which is cheaper to send."""
    return [None if _clean(o) else o for o in _check_chunk(_TASKS[span.start : span.stop])]


def _clean(outcome: Outcome) -> bool:
    """Whether ``outcome`` is the report of a file with no finding at all."""
    return isinstance(outcome, FileReport) and not (
        outcome.findings or outcome.hidden or outcome.departures
    )


def _chunks(tasks: Sequence[Task]) -> Iterator[range]:
    """The tasks' indices in consecutive spans of at most :data:`CHUNK_FILES` documents and
    about :data:`CHUNK_BYTES`."""
    start = size = 0
    for i, t in enumerate(tasks):
        size += t.size
        if i + 1 - start >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield range(start, i + 1)
            start, size = i + 1, 0
    if start < len(tasks):
        yield range(start, len(tasks))


def cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_jobs() -> int:
    return cpus()


def max_jobs() -> int:
    """The most worker processes ``--jobs`` gets: :data:`JOBS_PER_CPU` per CPU."""
    return JOBS_PER_CPU * cpus()


def capped_jobs(jobs: int) -> tuple[int, str | None]:
    """``jobs`` limited to :func:`max_jobs`, and a note for stderr when it was lowered."""
    limit = max_jobs()
    if jobs <= limit:
        return jobs, None
    return limit, (
        f"--jobs {jobs} lowered to {limit} ({JOBS_PER_CPU} per CPU, {cpus()} CPUs): more "
        "processes only use more memory"
    )


def run(
    tasks: Sequence[Task],
    variants: Sequence[Plan],
    jobs: int,
    on_result: Callable[[Task, Outcome], None],
    on_start: Callable[[Task], None] | None = None,
) -> None:
    """Check every task, calling ``on_result`` in input order (and ``on_start`` before each
    document when they are checked in this process).  ``jobs`` is capped at :func:`max_jobs`."""
    jobs = min(jobs, max_jobs())
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
    from runhistory import parallel  # only for a parallel batch: not at start-up

    parallel.run(tasks, variants, jobs, on_result)
