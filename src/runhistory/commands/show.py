"""``runhistory show FILE``: a run at a glance (steps, key counters, errors by type)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from runhistory.commands._document import CommandError, add_document_arguments, fail, load_document
from runhistory.escaping import human

if TYPE_CHECKING:
    from runhistory.model import RunDetails

ORDER = 20
WIDTH = 100

_GREEN, _YELLOW, _RED, _RESET = "\033[32m", "\033[33m", "\033[31m", "\033[0m"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "show",
        help="show a run at a glance: steps, counters, errors by type",
        description="Show the run(s) in a RunDetails document: management agent, profile, run "
        "number and account; one row per step (adds, updates and deletes count the staging and "
        "export counters; failures add stage-, export- and flow-failures); then the errors "
        "grouped by type.",
    )
    add_document_arguments(p)
    p.set_defaults(func=run)


def _duration(delta: timedelta) -> str:
    if delta < timedelta(0):
        return "-"
    seconds = round(delta.total_seconds())
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def _colour(result: str) -> str:
    from runhistory.status import StatusClass, classify

    cls = classify(result)
    if cls is StatusClass.SUCCESS:
        return _GREEN
    if cls in (StatusClass.COMPLETED_WITH_WARNINGS, StatusClass.IN_PROGRESS):
        return _YELLOW
    return _RED


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "~"


def render_run(run: RunDetails, colour: bool) -> list[str]:
    from runhistory.model import format_datetime, format_guid
    from runhistory.model.summary import errors_by_type, step_row

    steps = run.step_details
    started = min(s.start_date for s in steps)
    ended = max(s.end_date for s in steps)

    def flat(value: str) -> str:
        # Names from the document, on one line and with nothing a terminal acts on.
        return human(" ".join(value.split()))

    head = [
        f"run {run.run_number} of {flat(run.ma_name)}",
        f"  management agent  {format_guid(run.ma_id)} {flat(run.ma_name)}",
        f"  run profile       {flat(run.run_profile_name)}",
        f"  account           {flat(run.security_id)}",
        f"  started, ended    {format_datetime(started)}, {format_datetime(ended)}"
        f" ({_duration(ended - started)})",
    ]
    lines = [_clip(line, WIDTH) for line in head]
    lines.append("")
    rows = [step_row(s) for s in steps]
    one_day = len({s.start_date.date() for s in steps}) == 1
    head = [
        "step",
        "type",
        "result",
        "start",
        "duration",
        "adds",
        "updates",
        "deletes",
        "fail",
        "errors",
    ]
    cells = [
        [
            str(r.number),
            r.type or "-",
            r.result,
            r.start[11:19] if one_day else r.start[:19],
            _duration(r.duration),
            str(r.adds),
            str(r.updates),
            str(r.deletes),
            str(r.failures),
            str(r.errors),
        ]
        for r in rows
    ]
    widths = [max(len(head[i]), *(len(c[i]) for c in cells)) for i in range(len(head))]
    # Keep to WIDTH columns: the result column gives way first.
    over = sum(widths) + 2 * (len(widths) - 1) - WIDTH
    if over > 0:
        widths[2] = max(len(head[2]), widths[2] - over)
    right = {0, 5, 6, 7, 8, 9}

    def line(values: list[str], results: str | None = None) -> str:
        out = []
        for i, v in enumerate(values):
            v = _clip(v, widths[i])
            cell = v.rjust(widths[i]) if i in right else v.ljust(widths[i])
            if i == 2 and results is not None and colour:
                cell = _colour(results) + cell + _RESET
            out.append(cell)
        return "  ".join(out).rstrip()

    lines.append(line(head))
    lines.extend(line(c, results=c[2]) for c in cells)
    groups = errors_by_type(run)
    lines.append("")
    if not groups:
        lines.append("no errors")
    else:
        total = sum(c for _, _, c in groups)
        lines.append(f"errors by type ({total})")
        kw = max(len(k) for k, _, _ in groups)
        cw = max(len(str(c)) for _, _, c in groups)
        lines.extend(f"  {str(c).rjust(cw)}  {k.ljust(kw)}  {human(t)}" for k, t, c in groups)
    return lines


def run(args: argparse.Namespace) -> int:
    try:
        _name, history = load_document(args)
    except CommandError as err:
        return fail("show", err)
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    blocks = [render_run(r, colour) for r in history.run_details]
    out = []
    for i, block in enumerate(blocks):
        if i:
            out.append("")
        out.extend(block)
    sys.stdout.write("\n".join(out) + "\n")
    return 0
