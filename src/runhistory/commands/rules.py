"""``runhistory rules``: the rule catalog (every code validate can report)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

ORDER = 70


def add_parser(sub: Any) -> None:
    p = sub.add_parser("rules", help="list every rule code with its section and severities")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("codes", nargs="*", metavar="CODE", help="only these codes or prefixes")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from runhistory.catalog import CATALOG, PROFILES
    from runhistory.rules import RULES  # noqa: F401  (registers the prose rules)
    from runhistory.rules.catalog_doc import catalog_data, render_markdown

    infos = [
        i
        for c, i in sorted(CATALOG.items())
        if not args.codes or any(c.startswith(p) for p in args.codes)
    ]
    if args.format == "json":
        json.dump(catalog_data(infos), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(infos))
    else:
        for i in infos:
            sev = " ".join(f"{p}={i.severity(p) or 'off'}" for p in PROFILES)
            print(f"{i.code}  {i.kind:<8} §{i.section:<12} {sev:<30} {i.summary}")
    return 0
