"""What ``runhistory validate`` does once its arguments are parsed: settings (configuration file,
then command line), inputs, the batch, the report and where it goes, and the exit code."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from runhistory import batch, interrupts, outfile
from runhistory.catalog import CATALOG
from runhistory.config import Config, ConfigError, layered, load
from runhistory.escaping import human
from runhistory.findings import Severity
from runhistory.inputs import InputProblem, Source, expand
from runhistory.output import FORMATS, renderer
from runhistory.output.text_format import summary
from runhistory.report import FileReport, Problem, Report
from runhistory.selection import Selection, SelectionError
from runhistory.terminal import Progress, use_color
from runhistory.validate import DEFAULT_MAX_BYTES, Options

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _fail(message: str) -> int:
    sys.stderr.write(f"runhistory validate: {human(message)}\n")
    return EXIT_USAGE


def _size(source: Source) -> int:
    if source.path is None:
        return 0
    try:
        return source.path.stat().st_size
    except OSError:
        return 0


class _Variants:
    """One :class:`Options` per distinct set of per-path overrides."""

    def __init__(
        self,
        config: Config,
        cli: Selection,
        profile: str,
        max_bytes: int,
        inline_ignores: bool,
        mode: str = "auto",
    ) -> None:
        self.mode = mode
        self.config, self.cli, self.profile = config, cli, profile
        self.max_bytes, self.inline_ignores = max_bytes, inline_ignores
        self.options: list[batch.Plan] = []
        self._index: dict[tuple[str, ...], int] = {}

    def index(self, source: Source) -> int:
        overrides = self.config.overrides_for(source.path)
        key = tuple(o.pattern for o in overrides)
        if key not in self._index:
            selection = layered(self.config, overrides, self.cli)
            selection.enabled(self.profile)  # raises SelectionError now, not in a worker
            self._index[key] = len(self.options)
            options = Options(
                profile=self.profile,
                selection=selection,
                max_bytes=self.max_bytes,
                inline_ignores=self.inline_ignores,
                mode=self.mode,
            )
            where = self.config.file.name if self.config.file else "configuration"
            expect = tuple(
                (code, f'per-path "{o.pattern}" in {where}') for o in overrides for code in o.expect
            )
            self.options.append(batch.Plan(options, expect))
        return self._index[key]


def statistics(report: Report) -> str:
    rows = sorted(report.statistics().items(), key=lambda kv: (-kv[1], kv[0]))
    return "".join(f"{n:>6}  {code}  {CATALOG[code].summary}\n" for code, n in rows)


def write_atomically(path: Path, report: Report, fmt: str) -> None:
    """The report into ``path`` as :func:`runhistory.outfile.write` does it: a regular file is
    replaced atomically keeping its mode, a device or FIFO written through, others refused."""
    outfile.write(path, lambda fh: renderer(fmt)(report, fh))


@dataclass(slots=True)
class _Setup:
    """What the command line and the configuration file decided, before any file is read."""

    config: Config
    variants: _Variants
    report: Report
    max_findings: int | None
    jobs: int


def main(args: argparse.Namespace) -> int:
    setup = _setup(args)
    if isinstance(setup, int):
        return setup
    report = setup.report
    tasks = _tasks(args, setup)
    if isinstance(tasks, int):
        return tasks
    interrupted = _check(tasks, setup)
    failed = _emit(args, report, interrupted)
    if failed is not None:
        return failed
    if interrupted:
        sys.stdout.flush()
        done = len(report.files) + len(report.problems)
        where = (
            f"{human(args.output)} was not written (left as it was)"
            if args.output
            else "the report above covers only those"
        )
        sys.stderr.write(f"runhistory: interrupted after {done} input(s); {where}\n")
        return interrupts.exit_code(interrupted)
    if report.problems:
        return EXIT_USAGE
    return EXIT_FAILED if report.failed else EXIT_OK


def _setup(args: argparse.Namespace) -> _Setup | int:
    """The settings (configuration file, then command line), or the usage error's exit code."""
    if args.format not in FORMATS:
        return _fail(f"unknown format '{args.format}' (choose from {', '.join(FORMATS)})")
    try:
        config = load(Path(args.config) if args.config else None)
    except ConfigError as err:
        return _fail(str(err))
    profile = args.profile or config.profile or "strict"
    cli = Selection(
        select=tuple(args.select) if args.select else None,
        extend_select=tuple(args.extend_select),
        ignore=tuple(args.ignore),
        severity=dict(args.severity),
    )
    inline = args.inline_ignores if args.inline_ignores is not None else config.inline_ignores
    variants = _Variants(
        config,
        cli,
        profile,
        max_bytes=args.max_bytes or config.max_bytes or DEFAULT_MAX_BYTES,
        inline_ignores=inline if inline is not None else True,
        mode=args.mode,
    )
    try:
        cli.validate()
        layered(config, (), cli).enabled(profile)
    except SelectionError as err:
        return _fail(str(err))
    jobs, lowered = batch.capped_jobs(args.jobs or batch.default_jobs())
    if lowered:
        sys.stderr.write(f"runhistory: {lowered}\n")
    if args.quiet and args.format != "text" and not args.output:
        return _fail(
            f"--quiet prints only the summary, but the {args.format} report is standard output: "
            "write it with --output FILE to keep the terminal to the summary"
        )
    fail_on = Severity(args.fail_on or config.fail_on or "error")
    report = Report(profile=profile, fail_on=fail_on)
    return _Setup(config, variants, report, args.max_findings or config.max_findings, jobs)


def _tasks(args: argparse.Namespace, setup: _Setup) -> list[batch.Task] | int:
    """The files to check (inputs that cannot be read go into the report), or an exit code."""
    tasks: list[batch.Task] = []
    try:
        for item in expand(args.paths):
            if isinstance(item, InputProblem):
                setup.report.problems.append(Problem(item.name, item.message))
                sys.stderr.write(f"runhistory: {human(str(item))}\n")
            elif item.path is None or setup.config.wanted(item.path):
                tasks.append(batch.Task(item, setup.variants.index(item), _size(item)))
    except SelectionError as err:
        return _fail(str(err))
    except KeyboardInterrupt:
        sys.stderr.write("runhistory: interrupted before any file was checked\n")
        return EXIT_INTERRUPTED
    return tasks


def _check(tasks: list[batch.Task], setup: _Setup) -> KeyboardInterrupt | None:
    """Check every task into the report; the interruption that stopped it, if one did."""
    report = setup.report
    progress = Progress(sys.stderr, len(tasks), sum(t.size for t in tasks))

    def on_result(task: batch.Task, outcome: batch.Outcome) -> None:
        if isinstance(outcome, FileReport):
            outcome.limit(setup.max_findings)
            report.files.append(outcome)
        else:
            report.problems.append(outcome)
            progress.clear()
            sys.stderr.write(f"runhistory: {outcome}\n")
        progress.advance(task.size)

    interrupted: KeyboardInterrupt | None = None
    try:
        batch.run(
            tasks,
            setup.variants.options,
            setup.jobs,
            on_result,
            on_start=lambda t: progress.begin(t.source.name, t.size),
        )
    except KeyboardInterrupt as stop:
        # Ctrl-C or SIGTERM: report what was checked so far, then say so.
        interrupted = stop
        report.interrupted = True
    finally:
        progress.close()
    return interrupted


def _emit(
    args: argparse.Namespace, report: Report, interrupted: KeyboardInterrupt | None
) -> int | None:
    """Write the report where it goes; the exit code when it cannot be written."""
    stdout: IO[str] = sys.stdout
    if args.output:
        # An interrupted run leaves the --output file as it was: a partial report must not
        # replace a whole one.
        if not interrupted:
            try:
                write_atomically(Path(args.output), report, args.format)
            except outfile.OutputError as err:
                return _fail(human(str(err)))
        if args.statistics:
            stdout.write(statistics(report))
        stdout.write(summary(report) + "\n")
    elif args.format == "text":
        if args.statistics:
            stdout.write(statistics(report))
            stdout.write(summary(report) + "\n")
        elif args.quiet:
            stdout.write(summary(report) + "\n")
        else:
            renderer("text")(report, stdout, color=use_color(stdout))
    else:
        # A machine format owns standard output; statistics, if asked, go to standard error.
        renderer(args.format)(report, stdout)
        if args.statistics:
            sys.stderr.write(statistics(report))
    return None
