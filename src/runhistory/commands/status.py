"""``runhistory status STRING``: what a management-agent status string means (section 3.2.5)."""

from __future__ import annotations

import argparse
import difflib
import sys
import textwrap
from typing import Any

from runhistory.exitcode import ExitCode

ORDER = 60


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "status",
        help="explain a status string (Execute, RunStatus, GetServerStatus, step-result, ...)",
        description="Print the class of a status string returned by the management-agent "
        "methods of [MS-UPSMODS] 3.2.5 (or held by step-result), what it means and what to do.",
    )
    p.add_argument("value", metavar="STRING", help="the status, such as stopped-extension-dll-load")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from runhistory.escaping import human
    from runhistory.status import STATUSES, lookup

    found = lookup(args.value)
    if found is None:
        close = difflib.get_close_matches(args.value.strip().lower(), list(STATUSES), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; see section 3.2.5 of the spec"
        sys.stderr.write(
            f"runhistory status: '{human(args.value)}' is not a status string of "
            f"[MS-UPSMODS]{hint}\n"
        )
        return ExitCode.USAGE
    print(f"{found.value}: {found.status_class}")
    print(f"  meaning: {found.meaning}")
    if found.advice:
        text = f"  what to do: {found.advice}"
        print(textwrap.fill(text, 100, subsequent_indent="    ", break_on_hyphens=False))
    print(f"  returned by: {', '.join(found.methods)} (§{found.section})")
    return ExitCode.OK
