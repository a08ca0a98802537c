"""``runhistory errors FILE...``: one row per error, over many documents (docs/operations.md)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import TYPE_CHECKING, Any

from runhistory.commands._document import (
    EXIT_USAGE,
    CommandError,
    add_max_bytes,
    fail,
    read_limited,
    read_tolerantly,
)
from runhistory.escaping import csv_row, human

if TYPE_CHECKING:
    from runhistory.model.summary import ErrorRow

ORDER = 30
ERRORS_JSON_VERSION = 2


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "errors",
        help="list every error of every run: connection, discovery, import, export, retry",
        description="One row per error the documents record: connection incidents that failed "
        "or carry a cd-error, discovery errors (ma-object-error), import, export and mv-retry "
        "errors; with the file, management agent, run and step, kind, dn, error type, "
        "algorithm step, first and last occurrence, retry count, error code and the detail "
        "(server, error text, extension).  Operands are files, directories (searched for "
        "*.xml), glob patterns or - for standard input, as for validate.  CSV cells that a "
        "spreadsheet would take for a formula are prefixed with '.",
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="RunDetails documents, directories, globs or -"
    )
    p.add_argument(
        "--profile",
        default="product",
        choices=("strict", "product"),
        help="which findings are problems worth a warning (default product)",
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    add_max_bytes(p)
    p.set_defaults(func=run)


_HEAD = ["file", "ma", "run", "step", "kind", "error-type", "retries", "date-occurred", "code"]


def _cells(r: ErrorRow, with_file: bool) -> list[str]:
    cells = [
        human(r.file),
        human(r.ma),
        str(r.run),
        str(r.step),
        r.kind,
        human(r.error_type),
        "" if r.retry_count is None else str(r.retry_count),
        (r.date_occurred or "")[:19],
        human(r.error_code or ""),
        human(r.dn or ""),
    ]
    return cells if with_file else cells[1:]


def _table(rows: list[ErrorRow], with_file: bool) -> None:
    if not rows:
        print("no errors")
        return
    head = [*(_HEAD if with_file else _HEAD[1:]), "dn"]
    cells = [_cells(r, with_file) for r in rows]
    widths = [max(len(head[i]), *(len(c[i]) for c in cells)) for i in range(len(head) - 1)]
    numbers = {head.index(h) for h in ("run", "step", "retries")}

    def line(values: list[str]) -> str:
        out = [
            v.rjust(widths[i]) if i in numbers else v.ljust(widths[i])
            for i, v in enumerate(values[:-1])
        ]
        return "  ".join([*out, values[-1]]).rstrip()

    print(line(head))
    pad = " " * 4
    for c, r in zip(cells, rows, strict=True):
        print(line(c))
        extra = [f"algorithm-step: {r.algorithm_step}" if r.algorithm_step else "", human(r.detail)]
        if r.first_occurred:
            extra.append(f"first-occurred: {r.first_occurred[:19]}")
        said = "  ".join(x for x in extra if x)
        if said:
            print(pad + said)


def _collect(args: argparse.Namespace) -> tuple[list[ErrorRow], int, int]:
    """The rows of every readable operand, the exit code so far, and how many documents."""
    from runhistory.inputs import InputError, InputProblem, expand
    from runhistory.model.summary import error_rows

    rows: list[ErrorRow] = []
    code = 0
    documents = 0
    for item in expand(args.files):
        if isinstance(item, InputProblem):
            code = fail("errors", CommandError(human(str(item)), EXIT_USAGE))
            continue
        try:
            body = read_limited(item, args.max_bytes)
            history = read_tolerantly("errors", item.name, body, args.profile)
        except InputError as err:
            code = fail("errors", CommandError(f"{human(item.name)}: {err}", EXIT_USAGE))
            continue
        except CommandError as err:
            code = fail("errors", err)
            continue
        documents += 1
        rows.extend(error_rows(history, item.name))
    return rows, code, documents


def run(args: argparse.Namespace) -> int:
    from runhistory.model.summary import ErrorRow

    rows, code, documents = _collect(args)
    if code and not documents:
        return code  # nothing was read: the reasons are on stderr
    if args.format == "json":
        data = {
            "version": ERRORS_JSON_VERSION,
            "errors": [{f: getattr(r, f) for f in ErrorRow.FIELDS} for r in rows],
        }
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([f.replace("_", "-") for f in ErrorRow.FIELDS])
        for r in rows:
            writer.writerow(
                csv_row("" if (v := getattr(r, f)) is None else v for f in ErrorRow.FIELDS)
            )
    else:
        _table(rows, with_file=documents > 1)
    return code
