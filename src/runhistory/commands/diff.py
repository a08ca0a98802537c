"""``runhistory diff OLD NEW``: two runs of one management agent compared.

OLD and NEW are each a file or a directory (or glob); each stands for its run with the highest
run number (``--ma`` chooses the agent where several are there).  Errors new, resolved and
persisting (matched by record, object and error-type), counter changes, step result changes;
``--format json`` has the keys ``new``, ``resolved`` and ``persisting``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from runhistory.archive.diff import Side

ORDER = 55

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Refused(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="compare two runs of a management agent: errors new, resolved, persisting",
        description="Compare two runs of one management agent: the errors that are new, "
        "resolved and persisting (matched by record, object and error-type, with retry-count "
        "and first-occurred), the counters that changed and the steps whose result changed. "
        "OLD and NEW are files or directories; each stands for its run with the highest run "
        "number.",
    )
    p.add_argument("old", metavar="OLD", help="a capture, or a directory of captures")
    p.add_argument("new", metavar="NEW", help="a capture, or a directory of captures")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE (replaced atomically), not stdout"
    )
    p.add_argument(
        "--ma", metavar="NAME", help="the management agent (name or ma-id) where several are there"
    )
    p.add_argument(
        "--profile",
        choices=("strict", "product"),
        default="product",
        help="which documents load (default product: real product output loads)",
    )
    p.set_defaults(func=run)


def _matches(run: Any, ma: str) -> bool:
    guid = str(run.ma_id).upper()
    return ma in (run.ma_name, guid, "{" + guid + "}") or ma.upper().strip("{}") == guid


def _side(operand: str, args: argparse.Namespace, read: list[Path]) -> Side:
    """The latest run under ``operand``; every file read is added to ``read``."""
    from runhistory.archive.diff import Side
    from runhistory.archive.runs import read_archive

    archive = read_archive([operand], args.profile)
    read.extend(archive.paths)
    if archive.problems:
        raise _Refused(archive.problems[0], EXIT_USAGE)
    for f in archive.files:
        if f.status != "valid":
            code = EXIT_INVALID if f.status == "invalid" else EXIT_USAGE
            raise _Refused(f.line(), code)
    runs = [(file, run) for file, run in archive.runs() if not args.ma or _matches(run, args.ma)]
    if not runs:
        raise _Refused(f"{operand}: no run of {args.ma}" if args.ma else f"{operand}: no run", 2)
    agents = sorted({run.ma_name for _, run in runs})
    if len({run.ma_id for _, run in runs}) > 1:
        raise _Refused(
            f"{operand}: runs of several management agents ({', '.join(agents)}); "
            "choose one with --ma NAME",
            EXIT_USAGE,
        )
    file, latest = max(runs, key=lambda fr: (fr[1].run_number, fr[0]))
    return Side(file, latest)


def _not_an_input(target: str, read: list[Path]) -> None:
    """Refuse an ``--output`` that is (or links to) a capture compared: it would be replaced."""
    from runhistory.outfile import refuse_inputs

    try:
        refuse_inputs(target, read)
    except OSError as err:
        raise _Refused(str(err), EXIT_USAGE) from None


def run(args: argparse.Namespace) -> int:
    import csv
    import io
    import json

    from runhistory.archive.diff import CSV_COLUMNS, as_rows, as_text, compare
    from runhistory.archive.output import write_text
    from runhistory.escaping import csv_cell, human

    try:
        read: list[Path] = []
        old, new = _side(args.old, args, read), _side(args.new, args, read)
        if old.run.ma_id != new.run.ma_id and old.run.ma_name != new.run.ma_name:
            raise _Refused(
                f"{args.old} holds runs of {old.run.ma_name}, {args.new} of {new.run.ma_name}: "
                "diff compares two runs of one management agent",
                EXIT_USAGE,
            )
        if args.output and args.output != "-":
            _not_an_input(args.output, read)
    except _Refused as err:
        sys.stderr.write(f"runhistory diff: {human(str(err))}\n")
        return err.code
    diff = compare(old, new)
    if args.format == "json":
        text = json.dumps(diff, indent=1, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in as_rows(diff))
        text = buffer.getvalue()
    else:
        text = as_text(diff)
    target = args.output or "-"
    try:
        write_text(target, text)
    except OSError as err:
        sys.stderr.write(f"runhistory diff: {human(target)}: {err.strerror or err}\n")
        return EXIT_USAGE
    if target != "-":
        counts = ", ".join(f"{len(diff[k])} {k}" for k in ("new", "resolved", "persisting"))
        print(f"wrote {target}: errors {counts}")
    return EXIT_OK
