"""What ``runhistory validate`` does once its settings are resolved: inputs, the batch, the
report and where it goes, and the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from runhistory import batch, interrupts, outfile
from runhistory.catalog import CATALOG
from runhistory.commands._validate_settings import Settings, UsageError, from_args
from runhistory.config import layered
from runhistory.escaping import human
from runhistory.exitcode import ExitCode
from runhistory.inputs import InputProblem, Source, expand
from runhistory.output import renderer
from runhistory.output.text_format import notes, summary
from runhistory.report import FileReport, Problem, Report
from runhistory.selection import SelectionError
from runhistory.terminal import Progress, use_color
from runhistory.validate import Options


def _fail(message: str) -> ExitCode:
    sys.stderr.write(f"runhistory validate: {human(message)}\n")
    return ExitCode.USAGE


def _size(source: Source) -> int:
    if source.path is None:
        return 0
    try:
        return os.stat(source.path).st_size
    except OSError:
        return 0


class _Variants:
    """One :class:`batch.Plan` per distinct set of per-path overrides."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.plans: list[batch.Plan] = []
        self._index: dict[tuple[str, ...], int] = {}

    def index(self, source: Source) -> int:
        s = self.settings
        named = Path(s.stdin_filename) if s.stdin_filename and source.path is None else None
        overrides = s.config.overrides_for(source.path or named)
        key = tuple(o.pattern for o in overrides)
        if key not in self._index:
            selection = layered(s.config, overrides, s.command_line)
            selection.enabled(s.profile)  # raises SelectionError now, not in a worker
            self._index[key] = len(self.plans)
            options = Options(
                profile=s.profile,
                selection=selection,
                max_bytes=s.max_bytes,
                inline_ignores=s.inline_ignores,
                mode=s.mode,
            )
            where = s.config.file.name if s.config.file else "configuration"
            expect = tuple(
                (code, f'per-path "{o.pattern}" in {where}') for o in overrides for code in o.expect
            )
            product = Options(
                profile="product",
                selection=selection,
                max_bytes=s.max_bytes,
                inline_ignores=s.inline_ignores,
                mode=s.mode,
            )
            self.plans.append(
                batch.Plan(options, expect, product if s.profile == "strict" else None)
            )
        return self._index[key]


def statistics(report: Report) -> str:
    rows = sorted(report.statistics().items(), key=lambda kv: (-kv[1], kv[0]))
    return "".join(f"{n:>6}  {code}  {CATALOG[code].summary}\n" for code, n in rows)


def statistics_json(report: Report) -> str:
    import json

    rows = sorted(report.statistics().items(), key=lambda kv: (-kv[1], kv[0]))
    data = [{"code": c, "count": n, "summary": CATALOG[c].summary} for c, n in rows]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_atomically(path: Path, report: Report, fmt: str) -> None:
    """The report into ``path`` as :func:`runhistory.outfile.write` does it: a regular file is
    replaced atomically keeping its mode, a device or FIFO written through, others refused."""
    outfile.write(path, lambda fh: renderer(fmt)(report, fh))


class _Inputs:
    """The operands as tasks, and those that name nothing readable as problems, each problem
    remembered with the number of tasks before it (so the report keeps the operands' order)."""

    def __init__(self, settings: Settings, variants: _Variants) -> None:
        self.tasks: list[batch.Task] = []
        self.problems: list[tuple[int, Problem]] = []
        for item in expand(list(settings.paths)):
            if isinstance(item, InputProblem):
                self.problems.append((len(self.tasks), Problem(item.name, item.message)))
                sys.stderr.write(f"runhistory: {human(str(item))}\n")
            elif item.path is None and settings.stdin_filename:
                named = Source(settings.stdin_filename, None)
                self.tasks.append(batch.Task(named, variants.index(named), 0))
            elif item.path is None or settings.config.wanted(item.path):
                self.tasks.append(batch.Task(item, variants.index(item), _size(item)))

    def problems_before(self, done: int) -> Iterator[Problem]:
        """The problems that come before the task at index ``done`` (all when it is past
        the end), each once."""
        while self.problems and self.problems[0][0] <= done:
            yield self.problems.pop(0)[1]


def _check(
    settings: Settings, report: Report, inputs: _Inputs, plans: list[batch.Plan], jobs: int
) -> KeyboardInterrupt | None:
    """Check every task into ``report``; the interrupt (Ctrl-C, SIGTERM) that cut it short."""
    tasks = inputs.tasks
    progress = Progress(sys.stderr, len(tasks), sum(t.size for t in tasks))
    done = 0

    def on_result(task: batch.Task, outcome: batch.Outcome) -> None:
        nonlocal done
        for problem in inputs.problems_before(done):
            report.add(problem)
        done += 1
        if isinstance(outcome, FileReport):
            outcome.limit(settings.max_findings)
        else:
            progress.clear()
            sys.stderr.write(f"runhistory: {outcome}\n")
        report.add(outcome)
        progress.advance(task.size)

    try:
        batch.run(
            tasks, plans, jobs, on_result, on_start=lambda t: progress.begin(t.source.name, t.size)
        )
    except KeyboardInterrupt as stop:
        report.interrupted = True  # report what was checked so far, then say so
        return stop
    finally:
        progress.close()
        for problem in inputs.problems_before(len(tasks)):
            report.add(problem)
    return None


def _color(settings: Settings, stream: IO[str]) -> bool:
    if settings.color == "auto":
        return use_color(stream)
    return settings.color == "always"


def _summary(report: Report) -> str:
    return "".join(f"{text}\n" for text in (summary(report), *notes(report)))


def _emit(settings: Settings, report: Report) -> None:
    """The report where the settings send it, with statistics if asked.  An interrupted run
    leaves the --output file as it was: a partial report must not replace a whole one."""
    stdout: IO[str] = sys.stdout
    if settings.output is not None:
        if not report.interrupted:
            write_atomically(settings.output, report, settings.format)
        if settings.statistics:
            stdout.write(statistics(report))
        stdout.write(_summary(report))
    elif settings.statistics and settings.format == "json":
        stdout.write(statistics_json(report))
    elif settings.format == "text":
        if settings.statistics:
            stdout.write(statistics(report))
            stdout.write(_summary(report))
        elif settings.quiet:
            stdout.write(_summary(report))
        elif settings.show_source:
            from runhistory.output import source_frame

            source_frame.render(report, stdout, color=_color(settings, stdout))
        else:
            renderer("text")(report, stdout, color=_color(settings, stdout))
    else:
        renderer(settings.format)(report, stdout)


def _interrupted(settings: Settings, report: Report, stop: KeyboardInterrupt) -> int:
    sys.stdout.flush()
    done = len(report.files) + len(report.problems)
    where = (
        f"{human(str(settings.output))} was not written (left as it was)"
        if settings.output is not None
        else "the report above covers only those"
    )
    sys.stderr.write(f"runhistory: interrupted after {done} input(s); {where}\n")
    return interrupts.exit_code(stop)


def _exit_code(settings: Settings, report: Report) -> ExitCode:
    if report.problems:
        return ExitCode.USAGE
    if report.failed and not settings.exit_zero:
        return ExitCode.FAILED
    return ExitCode.OK


def _show_files(settings: Settings, inputs: _Inputs) -> int:
    for task in inputs.tasks:
        sys.stdout.write(human(task.source.name) + "\n")
    return ExitCode.USAGE if inputs.problems else ExitCode.OK


def _repair(settings: Settings, inputs: _Inputs) -> int | None:
    """--diff: the diffs and the exit code; --fix: rewrite the declarations, say so, go on."""
    from runhistory.commands import _validate_fix

    fixes = [
        fix
        for task in inputs.tasks
        if task.source.path is not None and (fix := _validate_fix.plan(task.source.path))
    ]
    if settings.fix == "diff":
        for fix in fixes:
            sys.stdout.write(fix.diff())
        n = len(fixes)
        sys.stdout.write(f"{n} file{'s' if n != 1 else ''} would be fixed (--fix)\n")
        return ExitCode.FAILED if fixes else ExitCode.OK
    said = sys.stdout if settings.format == "text" and settings.output is None else sys.stderr
    for fix in fixes:
        try:
            _validate_fix.apply(fix)
        except OSError as err:
            sys.stderr.write(f"runhistory: {human(str(err))}\n")
            continue
        said.write(
            f'fixed {human(str(fix.path))}: encoding="{human(fix.declared)}" is now '
            f'"{fix.written}", as the bytes are ({_validate_fix.FIXABLE})\n'
        )
    return None


def _before_checking(settings: Settings, inputs: _Inputs) -> int | None:
    """--show-files, --diff and --fix act on the inputs before (or instead of) the checks."""
    if settings.show == "files":
        return _show_files(settings, inputs)
    if settings.fix is not None:
        return _repair(settings, inputs)
    return None


def _check_and_report(settings: Settings, inputs: _Inputs, variants: _Variants, jobs: int) -> int:
    report = Report(profile=settings.profile, fail_on=settings.fail_on)
    try:
        if settings.output is not None:  # never over a document checked, nor the configuration
            paths = [t.source.path for t in inputs.tasks if t.source.path is not None]
            if settings.config.file is not None:
                paths.append(settings.config.file)
            outfile.refuse_inputs(settings.output, paths)
        stop = _check(settings, report, inputs, variants.plans, jobs)
        _emit(settings, report)
    except outfile.OutputError as err:
        return _fail(str(err))
    if stop is not None:
        return _interrupted(settings, report, stop)
    return _exit_code(settings, report)


def run(settings: Settings) -> int:
    if settings.show == "settings":
        sys.stdout.write(settings.describe())
        return ExitCode.OK
    variants = _Variants(settings)
    jobs, lowered = batch.capped_jobs(settings.jobs or batch.default_jobs())
    if lowered:
        sys.stderr.write(f"runhistory: {lowered}\n")
    try:
        inputs = _Inputs(settings, variants)
    except SelectionError as err:
        return _fail(str(err))
    except KeyboardInterrupt as early:
        sys.stderr.write("runhistory: interrupted before any file was checked\n")
        return interrupts.exit_code(early)
    code = _before_checking(settings, inputs)
    if code is not None:
        return code
    return _check_and_report(settings, inputs, variants, jobs)


def main(args: argparse.Namespace) -> int:
    try:
        settings = from_args(args)
    except UsageError as err:
        return _fail(str(err))
    return run(settings)
