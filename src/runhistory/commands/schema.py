"""``runhistory schema``: print the shipped normative XSD (or ``--path`` where it is), the JSON
Schema of ``convert --to json`` (``--json``) or of ``validate --format json`` (``--report``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from runhistory.exitcode import ExitCode

ORDER = 80
REPORT_SCHEMA = "schema/report.schema.json"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "schema",
        help="print the normative Run Detail XSD, or the JSON Schemas of the JSON outputs",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--path", action="store_true", help="print where the shipped XSD file is")
    which.add_argument(
        "--json",
        action="store_true",
        help="print the JSON Schema of the run as JSON ('runhistory convert --to json')",
    )
    which.add_argument(
        "--report",
        action="store_true",
        help="print the JSON Schema of the report of 'runhistory validate --format json'",
    )
    p.set_defaults(func=run)


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``validate --format json``, shipped in the package."""
    from importlib import resources

    text = resources.files("runhistory").joinpath(REPORT_SCHEMA).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def run(args: argparse.Namespace) -> int:
    from runhistory.schema_facts import schema_path
    from runhistory.xsd import schema_text

    if args.path:
        print(schema_path())
    elif args.json or args.report:
        from runhistory.model import json_schema

        data = json_schema() if args.json else report_schema()
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(schema_text())
    return ExitCode.OK
