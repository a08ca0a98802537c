"""``runhistory validate``: check documents against the XSD and the prose rules."""

from __future__ import annotations

import argparse
import gc
from typing import Any

from runhistory.findings import Severity
from runhistory.output import FORMATS
from runhistory.units import MAX_BYTES_HELP, size_argument


def _codes(value: str) -> list[str]:
    codes = [c.strip().upper() for c in value.split(",")]
    if not all(codes):  # an empty code would match every rule as a prefix
        raise argparse.ArgumentTypeError(
            f"'{value}': an empty code; expected CODES separated by commas, such as S106,R1"
        )
    return codes


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
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a document, a directory (searched recursively for *.xml), a glob pattern, or - "
        "for standard input",
    )
    p.add_argument(
        "--format",
        default="text",
        metavar="FORMAT",
        help=f"report format: {', '.join(FORMATS)} (default text)",
    )
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the report to FILE (replaced atomically); the terminal gets a summary. "
        "The format is --format's, whatever FILE is called",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        help="read settings from FILE (pyproject.toml or runhistory.toml) instead of the one "
        "found from the current directory",
    )
    p.add_argument(
        "--profile",
        default=None,
        choices=("strict", "product"),
        help="strict (default): the spec to the letter, so known departures of real product "
        "output (such as D003 on PowerShell 7 captures) are errors; product: those departures "
        "are warnings",
    )
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
        type=size_argument,
        default=None,
        metavar="SIZE",
        help=MAX_BYTES_HELP,
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
    p.add_argument(
        "--no-inline-ignores",
        dest="inline_ignores",
        action="store_const",
        const=False,
        default=None,
        help="do not honour <!-- runhistory: ignore CODE --> comments in documents",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=None,
        metavar="N",
        help="check with N processes (default: the number of CPUs); output is the same",
    )
    p.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default=None,
        help="the severity that makes the exit code 1 (default: error)",
    )
    p.add_argument(
        "--max-findings",
        type=_positive,
        default=None,
        metavar="N",
        help="list at most N findings per file (the rest are still counted)",
    )
    p.add_argument(
        "--statistics",
        action="store_true",
        help="print how many findings each code has, instead of the findings",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary")
    p.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings reach --fail-on (an unreadable input is still exit 2)",
    )
    p.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the name of standard input (-) in the report and for per-path settings",
    )
    repair = p.add_mutually_exclusive_group()
    repair.add_argument(
        "--fix",
        action="store_true",
        help="rewrite an encoding declaration the bytes contradict (D003) to name their "
        "encoding, nothing else, atomically; the file is then checked as usual",
    )
    repair.add_argument(
        "--diff",
        action="store_true",
        help="print what --fix would change, as a diff, and write nothing (exit 1 if anything)",
    )
    p.add_argument(
        "--show-source",
        action="store_true",
        help="under each finding of the text report, the line it points at with a caret under "
        "the column",
    )
    p.add_argument(
        "--show-settings",
        action="store_true",
        help="print the settings that apply (and where each comes from) instead of checking",
    )
    p.add_argument(
        "--show-files",
        action="store_true",
        help="print the files that would be checked (after include and exclude) instead",
    )
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report: auto (default: on a terminal, unless NO_COLOR is set), "
        "always or never",
    )
    p.set_defaults(func=run)


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"'{value}': expected a whole number of at least 1")
    return n


def run(args: argparse.Namespace) -> int:
    # Importing the pipeline and checking make no reference cycles (everything is freed by
    # reference counting), so the cycle collector is paused for the command: its collections
    # would only walk the objects of every module imported.
    paused = gc.isenabled()
    gc.disable()
    try:
        from runhistory.commands._validate_run import main

        return main(args)
    finally:
        if paused:
            gc.enable()
