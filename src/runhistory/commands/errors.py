"""``runhistory errors FILE``: one row per error (discovery, import, export, retry)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from runhistory.commands._document import CommandError, add_document_arguments, fail, load_document
from runhistory.escaping import csv_row, human

ORDER = 30
ERRORS_JSON_VERSION = 1


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "errors",
        help="list every error of a run: discovery, import, export and mv-retry errors",
        description="One row per error across discovery, import, export and mv-retry errors: "
        "run, step, kind, dn, error type, algorithm step, first and last occurrence, retry "
        "count, and the cd-error code and literal when present.",
    )
    add_document_arguments(p)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=run)


def _table(rows: list[Any]) -> None:
    if not rows:
        print("no errors")
        return
    head = ["run", "step", "kind", "error-type", "retries", "date-occurred", "dn"]
    cells = [
        [
            # Text from the document, so escaped: a line break or an ESC sequence in a dn or
            # an error literal must not reach the terminal raw.
            str(r.run),
            str(r.step),
            r.kind,
            human(r.error_type),
            "" if r.retry_count is None else str(r.retry_count),
            human((r.date_occurred or "")[:19]),
            human(r.dn or ""),
        ]
        for r in rows
    ]
    extra = [
        human(
            "  ".join(
                x
                for x in (
                    f"algorithm-step: {r.algorithm_step}" if r.algorithm_step else "",
                    f"first-occurred: {r.first_occurred[:19]}" if r.first_occurred else "",
                    f"cd-error: {r.error_code} {r.error_literal}" if r.error_code else "",
                )
                if x
            )
        )
        for r in rows
    ]
    widths = [max(len(head[i]), *(len(c[i]) for c in cells)) for i in range(len(head) - 1)]
    right = {0, 1, 4}

    def line(values: list[str]) -> str:
        out = [
            v.rjust(widths[i]) if i in right else v.ljust(widths[i])
            for i, v in enumerate(values[:-1])
        ]
        return "  ".join([*out, values[-1]]).rstrip()

    print(line(head))
    pad = " " * (widths[0] + widths[1] + 4)
    for c, x in zip(cells, extra, strict=True):
        print(line(c))
        if x:
            print(pad + x)


def run(args: argparse.Namespace) -> int:
    from runhistory.model.summary import ErrorRow, error_rows

    try:
        _name, history = load_document(args)
    except CommandError as err:
        return fail("errors", err)
    rows = list(error_rows(history))
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
            # csv_row: a cell a spreadsheet would take for a formula is written as text.
            writer.writerow(csv_row(getattr(r, f) for f in ErrorRow.FIELDS))
    else:
        _table(rows)
    return 0
