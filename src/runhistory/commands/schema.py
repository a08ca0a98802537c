"""``runhistory schema``: print the shipped normative XSD, or ``--path`` where it is."""

from __future__ import annotations

import argparse
import sys
from typing import Any

ORDER = 80


def add_parser(sub: Any) -> None:
    p = sub.add_parser("schema", help="print the normative Run Detail XSD (or its path)")
    p.add_argument("--path", action="store_true", help="print where the shipped XSD file is")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from runhistory.schema_facts import schema_path
    from runhistory.xsd import schema_text

    if args.path:
        print(schema_path())
    else:
        sys.stdout.write(schema_text())
    return 0
