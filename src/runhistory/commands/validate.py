"""``runhistory validate``: check documents against the XSD and the prose rules."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from runhistory.findings import Severity


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def _severity(value: str) -> tuple[str, Severity]:
    code, sep, level = value.partition("=")
    try:
        if not sep:
            raise ValueError
        return code.strip().upper(), Severity(level.strip().lower())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}': expected CODE=LEVEL with LEVEL one of error, warning, info"
        ) from None


ORDER = 10


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="validate RunDetails documents (XSD and every prose rule)",
        description="Validate RunDetails run-history documents against the normative XSD and the "
        "prose rules of [MS-UPSMODS] 2.2.1. Operands: files, directories (searched for *.xml), "
        "glob patterns, or - for standard input.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--format", default="text", help="text (default) or json")
    p.add_argument("--profile", default="strict", choices=("strict", "product"))
    p.add_argument(
        "--select",
        type=_codes,
        action="extend",
        metavar="CODES",
        help="only these codes or prefixes (comma-separated; ALL for every rule)",
    )
    p.add_argument(
        "--extend-select",
        type=_codes,
        action="extend",
        default=[],
        metavar="CODES",
        help="add these codes or prefixes to the profile's defaults",
    )
    p.add_argument(
        "--ignore",
        "--disable",
        type=_codes,
        action="extend",
        default=[],
        metavar="CODES",
        dest="ignore",
        help="turn these codes or prefixes off",
    )
    p.add_argument(
        "--severity",
        type=_severity,
        action="append",
        default=[],
        metavar="CODE=LEVEL",
        help="report a code or prefix at another severity (error, warning, info)",
    )
    p.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="refuse documents larger than N bytes (default 1 GiB)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--mode",
        choices=("auto", "tree", "stream"),
        default="auto",
        help="tree: parse each document whole (fastest); stream: read it in chunks in memory "
        "that does not grow with its size (same findings); auto (default): stream files over "
        "64 MiB",
    )
    mode.add_argument(
        "--stream", dest="mode", action="store_const", const="stream", help="same as --mode stream"
    )
    mode.add_argument(
        "--no-stream", dest="mode", action="store_const", const="tree", help="same as --mode tree"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from runhistory.inputs import InputError, InputProblem, expand, opened, read, size
    from runhistory.output import FORMATS, renderer
    from runhistory.report import Report
    from runhistory.selection import Selection, SelectionError
    from runhistory.validate import DEFAULT_MAX_BYTES, Options, validate_bytes

    if args.format not in FORMATS:
        sys.stderr.write(
            f"runhistory validate: unknown format '{args.format}' "
            f"(choose from {', '.join(FORMATS)})\n"
        )
        return 2
    selection = Selection(
        select=tuple(args.select) if args.select else None,
        extend_select=tuple(args.extend_select),
        ignore=tuple(args.ignore),
        severity=dict(args.severity),
    )
    try:
        selection.validate()
        selection.enabled(args.profile)
    except SelectionError as err:
        sys.stderr.write(f"runhistory validate: {err}\n")
        return 2
    options = Options(
        profile=args.profile,
        selection=selection,
        max_bytes=args.max_bytes if args.max_bytes is not None else DEFAULT_MAX_BYTES,
        mode=args.mode,
    )
    report = Report(profile=args.profile)
    interrupted = False
    try:
        for item in expand(args.paths):
            if isinstance(item, InputProblem):
                report.problems.append(str(item))
                sys.stderr.write(f"runhistory: {item}\n")
                continue
            try:
                if options.streams(size(item)):
                    from runhistory.stream import validate_stream

                    with opened(item) as fh:
                        report.files.append(validate_stream(fh, item.name, options))
                else:
                    data = read(item, options.max_bytes)
                    report.files.append(validate_bytes(data, item.name, options))
            except InputError as err:
                report.problems.append(f"{item.name}: {err}")
                sys.stderr.write(f"runhistory: {item.name}: {err}\n")
            except MemoryError:
                message = "not enough memory to check this file (lower --max-bytes to refuse it)"
                report.problems.append(f"{item.name}: {message}")
                sys.stderr.write(f"runhistory: {item.name}: {message}\n")
    except KeyboardInterrupt:
        # Ctrl-C: report what was checked so far, then say so.
        interrupted = True
    color = args.format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    renderer(args.format)(report, sys.stdout, color=color)
    if interrupted:
        sys.stdout.flush()
        sys.stderr.write(
            f"runhistory: interrupted after {len(report.files) + len(report.problems)} "
            "input(s); the report above covers only those\n"
        )
        return 130
    if report.problems:
        return 2
    return 1 if report.errors else 0
