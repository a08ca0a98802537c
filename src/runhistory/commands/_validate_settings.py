"""The settings of one ``runhistory validate`` run, typed and resolved once.

Each value comes from the command line, else from the configuration file, else from the default;
:class:`Settings` keeps where each came from (``--show-settings`` prints it).  Nothing past this
module reads the ``argparse.Namespace``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from runhistory.config import Config, ConfigError, layered, load
from runhistory.findings import Severity
from runhistory.output import FORMATS
from runhistory.selection import Selection, SelectionError
from runhistory.validate import DEFAULT_MAX_BYTES

DEFAULT_PROFILE = "strict"
COMMAND_LINE, DEFAULT = "command line", "default"
COLORS = ("auto", "always", "never")

T = TypeVar("T")


class UsageError(ValueError):
    """A setting that cannot be used: one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything ``validate`` needs to know, after the configuration file and the flags."""

    paths: tuple[str, ...]
    config: Config
    command_line: Selection  # --select, --extend-select, --ignore, --severity
    format: str = "text"
    output: Path | None = None
    profile: str = DEFAULT_PROFILE
    max_bytes: int = DEFAULT_MAX_BYTES
    inline_ignores: bool = True
    mode: str = "auto"
    fail_on: Severity = Severity.ERROR
    max_findings: int | None = None
    jobs: int | None = None  # None: one per CPU
    statistics: bool = False
    quiet: bool = False
    exit_zero: bool = False
    color: str = "auto"  # auto | always | never
    stdin_filename: str | None = None  # the name of "-" in reports and per-path settings
    show: str | None = None  # "settings" or "files": print them instead of checking
    show_source: bool = False  # the text report shows the line and a caret under each finding
    fix: str | None = None  # "write" (--fix) or "diff" (--diff): repair the encoding declaration
    # Where each resolved value came from: "command line", the configuration file, "default".
    origins: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """``--show-settings``: each setting, its value and where it came from."""
        rows = [("configuration file", str(self.config.file) if self.config.file else "none")]
        for name in ("profile", "fail-on", "max-bytes", "max-findings", "inline-ignores"):
            value = getattr(self, name.replace("-", "_"))
            rows.append((name, f"{'none' if value is None else value} ({self.origins[name]})"))
        rows += [
            ("format", self.format),
            ("output", str(self.output) if self.output else "standard output"),
            ("mode", self.mode),
            ("jobs", str(self.jobs) if self.jobs else "one per CPU"),
        ]
        cli = self.command_line
        for name, value in (
            ("select", ",".join(cli.select) if cli.select is not None else None),
            ("extend-select", ",".join(cli.extend_select) or None),
            ("ignore", ",".join(cli.ignore) or None),
            ("severity", ",".join(f"{k}={v}" for k, v in cli.severity.items()) or None),
        ):
            if value:
                rows.append((name, f"{value} (command line)"))
        enabled = self.selection().enabled(self.profile)
        by_sev = {str(sev): sorted(c for c, v in enabled.items() if v is sev) for sev in Severity}
        for sev, codes in by_sev.items():
            rows.append((f"{sev} codes", f"{len(codes)}: {' '.join(codes)}" if codes else "none"))
        for o in self.config.per_path:
            rows.append((f'per-path "{o.pattern}"', _override(o)))
        width = max(len(k) for k, _ in rows)
        return "".join(f"{k:<{width}}  {v}\n" for k, v in rows)

    def selection(self) -> Selection:
        """The selection of a file that no per-path override applies to."""
        return layered(self.config, (), self.command_line)


def _override(o: Any) -> str:
    parts = [
        f"{key}={','.join(values)}"
        for key, values in (
            ("extend-select", o.extend_select),
            ("ignore", o.ignore),
            ("expect", o.expect),
        )
        if values
    ]
    parts += [f"severity {k}={v}" for k, v in o.severity.items()]
    return "; ".join(parts) or "nothing"


class _Resolver:
    def __init__(self, config: Config) -> None:
        self.where = str(config.file) if config.file else DEFAULT
        self.origins: dict[str, str] = {}

    def pick(self, name: str, flag: T | None, configured: T | None, default: T) -> T:
        if flag is not None:
            self.origins[name] = COMMAND_LINE
            return flag
        if configured is not None:
            self.origins[name] = self.where
            return configured
        self.origins[name] = DEFAULT
        return default


def _config(args: argparse.Namespace) -> Config:
    try:
        return load(Path(args.config) if args.config else None)
    except ConfigError as err:
        raise UsageError(str(err)) from None


def from_args(args: argparse.Namespace) -> Settings:
    """The settings of ``args`` (parsed by ``runhistory validate``'s parser) and the
    configuration file; :class:`UsageError` for one that cannot be used."""
    if args.format not in FORMATS:
        import difflib

        close = difflib.get_close_matches(args.format, FORMATS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"unknown format '{args.format}' (choose from {', '.join(FORMATS)}){hint}")
    if (
        args.output
        and Path(args.output).name.lower() in FORMATS
        and (Path(args.output).name.lower() != args.format)
    ):
        name = Path(args.output).name
        sys.stderr.write(
            f"runhistory validate: warning: writing a {args.format} report to a file named "
            f"'{name}'; -o names the output file, --format {name.lower()} chooses the format\n"
        )
    config = _config(args)
    r = _Resolver(config)
    cli = Selection(
        select=tuple(args.select) if args.select else None,
        extend_select=tuple(args.extend_select),
        ignore=tuple(args.ignore),
        severity=dict(args.severity),
    )
    values: dict[str, Any] = {
        "profile": r.pick("profile", args.profile, config.profile, DEFAULT_PROFILE),
        "max_bytes": r.pick("max-bytes", args.max_bytes, config.max_bytes, DEFAULT_MAX_BYTES),
        "inline_ignores": r.pick(
            "inline-ignores", args.inline_ignores, config.inline_ignores, True
        ),
        "fail_on": Severity(r.pick("fail-on", args.fail_on, config.fail_on, "error")),
        "max_findings": r.pick("max-findings", args.max_findings, config.max_findings, None),
    }
    settings = Settings(
        paths=tuple(args.paths),
        config=config,
        command_line=cli,
        format=args.format,
        output=Path(args.output) if args.output else None,
        mode=args.mode,
        jobs=args.jobs,
        statistics=args.statistics,
        quiet=args.quiet,
        exit_zero=args.exit_zero,
        color=args.color,
        stdin_filename=args.stdin_filename,
        show_source=args.show_source,
        fix="write" if args.fix else "diff" if args.diff else None,
        show="settings" if args.show_settings else "files" if args.show_files else None,
        origins=r.origins,
        **values,
    )
    try:
        cli.validate()
        settings.selection().enabled(settings.profile)
    except SelectionError as err:
        raise UsageError(str(err)) from None
    if settings.quiet and settings.format != "text" and settings.output is None:
        raise UsageError(
            f"--quiet prints only the summary, but the {settings.format} report is standard "
            "output: write it with --output FILE to keep the terminal to the summary"
        )
    if settings.statistics and settings.output is None and settings.format not in ("text", "json"):
        raise UsageError(
            f"--statistics works with --format text or json (or with --output FILE), "
            f"not with --format {settings.format}"
        )
    return settings
