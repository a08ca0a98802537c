"""``runhistory report``: the runs of an archive of captures, grouped by management agent.

``--format html`` (default) writes one self-contained page (charts, tables of runs, the errors
that persist longest, the validation status of each file); ``csv`` and ``json`` one row per run.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

ORDER = 50

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="report on an archive of captures: charts and tables per management agent",
        description="Read every capture under PATH (files, directories searched for *.xml, "
        "globs; any encoding validate reads, several runs per file), group the runs by "
        "management agent and write an HTML page (charts of duration, adds/updates/deletes "
        "and errors per run, the runs with their results, the errors that persist longest, "
        "each file's validation status), or one row per run as csv or json.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="captures: files, directories, globs")
    p.add_argument("--format", choices=("html", "csv", "json"), default="html", help="default html")
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="where to write (- for standard output); default report.html for html, "
        "standard output for csv and json",
    )
    p.add_argument(
        "--profile",
        choices=("strict", "product"),
        default="product",
        help="which documents load (default product: real product output loads); the others "
        "are listed as invalid",
    )
    p.set_defaults(func=run)


def _say(message: str) -> None:
    from runhistory.escaping import human

    sys.stderr.write(f"runhistory report: {human(message)}\n")


def run(args: argparse.Namespace) -> int:
    from runhistory import __version__
    from runhistory.archive.agents import group
    from runhistory.archive.output import runs_csv, runs_json, write_text
    from runhistory.archive.runs import read_archive
    from runhistory.outfile import refuse_inputs

    archive = read_archive(args.paths, args.profile)
    for problem in archive.problems:
        _say(problem)
    for f in archive.files:
        if f.status != "valid":
            _say(f.line())
    if not archive.files:
        _say("no capture to report on")
        return EXIT_USAGE
    target = args.output or ("report.html" if args.format == "html" else "-")
    if target != "-":
        try:
            refuse_inputs(target, archive.paths)
        except OSError as err:  # the page would replace a capture it reports on
            _say(str(err))
            return EXIT_USAGE
    agents = group(archive)
    rows = [row for agent in agents for row in agent.rows]
    if args.format == "html":
        from runhistory.archive.html import render

        text = render(archive, agents, __version__)
    elif args.format == "csv":
        text = runs_csv(rows)
    else:
        text = runs_json(archive, rows)
    try:
        write_text(target, text)
    except OSError as err:
        _say(f"{target}: {err.strerror or err}")
        return EXIT_USAGE
    bad = sum(f.status != "valid" for f in archive.files)
    if target != "-":
        print(
            f"wrote {target}: {len(rows)} run(s) of {len(agents)} management agent(s) from "
            f"{len(archive.files)} file(s), {bad} not valid"
        )
    if archive.problems or any(f.status == "unreadable" for f in archive.files):
        return EXIT_USAGE
    return EXIT_INVALID if bad else EXIT_OK
