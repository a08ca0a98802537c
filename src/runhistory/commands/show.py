"""``runhistory show FILE``: each run as the Operations pane shows it (docs/operations.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from runhistory.commands._document import (
    CommandError,
    add_document_arguments,
    fail,
    read_source,
    read_tolerantly,
)
from runhistory.escaping import human

ORDER = 20
WIDTH = 100

_GREEN, _YELLOW, _RED, _RESET = "\033[32m", "\033[33m", "\033[31m", "\033[0m"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "show",
        help="show a run as the Operations pane does: steps, connection, counters, errors",
        description="Show every run in a RunDetails document as Synchronization Service "
        "Manager's Operations pane does: the run's management agent, profile, number and "
        "account; a row per step; then per step its result in words, the connection and each "
        "incident of its log (date, server, result, error code and text), every non-zero "
        "counter under the pane's group and label (docs/operations.md), outbound counters per "
        "target management agent, and its errors by type.  A value the spec does not list is "
        "shown as written, with a warning on stderr.",
    )
    add_document_arguments(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--all-counters", action="store_true", help="also show the counters that are zero"
    )
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


def _header(run: dict[str, Any]) -> list[str]:
    started, ended = run["start_date"], run["end_date"]
    length = _length(started, ended)
    name = human(run["ma_name"])
    head = [
        f"run {run['run_number']} of {name}",
        f"  management agent  {run['ma_id']} {name}",
        f"  run profile       {human(run['run_profile_name'])}",
        f"  account           {human(run['security_id'])}",
        f"  started, ended    {started}, {ended} ({_duration(length)})",
    ]
    return [_clip(line, WIDTH) for line in head]


def _step_table(data: dict[str, Any], colour: bool) -> list[str]:
    steps = data["steps"]
    one_day = len({s["start_date"][:10] for s in steps}) == 1
    head = ["step", "type", "result", "start", "duration", "errors"]
    cells = [
        [
            str(s["step_number"]),
            human(s["step_type"] or "-"),
            human(s["result"]["value"]),
            s["start_date"][11:19] if one_day else s["start_date"][:19],
            _duration(_length(s["start_date"], s["end_date"])),
            str(len(s["errors"])),
        ]
        for s in steps
    ]
    widths = [max(len(head[i]), *(len(c[i]) for c in cells)) for i in range(len(head))]
    # Keep to WIDTH columns: the result column gives way first.
    over = sum(widths) + 2 * (len(widths) - 1) - WIDTH
    if over > 0:
        widths[2] = max(len(head[2]), widths[2] - over)
    right = {0, 5}

    def line(values: list[str], result: str | None = None) -> str:
        out = []
        for i, v in enumerate(values):
            v = _clip(v, widths[i])
            cell = v.rjust(widths[i]) if i in right else v.ljust(widths[i])
            if i == 2 and result is not None and colour:
                cell = _colour(result) + cell + _RESET
            out.append(cell)
        return "  ".join(out).rstrip()

    rows = [line(c, result=s["result"]["value"]) for c, s in zip(cells, steps, strict=True)]
    return [line(head), *rows]


def _length(start: str, end: str) -> timedelta:
    return datetime.fromisoformat(end) - datetime.fromisoformat(start)


def _wrap(first: str, text: str, indent: int) -> list[str]:
    """``first`` + ``text`` wrapped to WIDTH columns, later lines indented by ``indent``."""
    return textwrap.wrap(
        first + text,
        WIDTH,
        subsequent_indent=" " * indent,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _result(result: dict[str, Any]) -> list[str]:
    value = human(result["value"])
    if not result["known"]:
        words = "a value the spec does not define (shown as written)"
    elif result["class"] is None:
        words = "not a status of section 3.2.5"
    elif result["class"] == "success":
        words = ""
    else:
        words = f"{result['class']}: {result['meaning']}"
    lines = _wrap("  result      ", f"{value} - {words}" if words else value, 14)
    for key in ("file", "progress"):
        if result[key]:
            lines += _wrap(f"              {key} ", human(result[key]), 16)
    return lines


def _connection(conn: dict[str, Any]) -> list[str]:
    if conn["connection_result"] is None and not conn["incidents"]:
        return []
    said = [human(x) for x in (conn["connection_result"], conn["server"]) if x]
    lines = _wrap("  connection  ", ", ".join(said) or "-", 14)
    for i in conn["incidents"]:
        code = f" {human(i['error_code'])}" if i["error_code"] else ""
        text = f" {human(i['error_literal'])}" if i["error_literal"] else ""
        at = f"{i['date']}  {human(i['server'])}  {human(i['connection_result'])}"
        lines += _wrap("    ", f"{at}{code}{text}", 8)
        if i["server_error_detail"]:
            lines += _wrap("        server-error-detail: ", human(i["server_error_detail"]), 8)
    return lines


def _counters(groups: list[dict[str, Any]]) -> list[str]:
    from runhistory.operations import BY_ELEMENT

    lines: list[str] = []
    for g in groups:
        title = g["group"]
        if g.get("ma") is not None:
            title = f"{title}: {human(g['ma'])}"
        lines.append(_clip(f"  {title}", WIDTH))
        labels = [BY_ELEMENT[(g["container"], e)].text for e in g["counters"]]
        values = [str(v) for v in g["counters"].values()]
        lw = max((len(x) for x in labels), default=0)
        vw = max((len(x) for x in values), default=0)
        lines += [f"    {x.ljust(lw)}  {v.rjust(vw)}" for x, v in zip(labels, values, strict=True)]
    return lines


def _errors(errors: list[dict[str, Any]]) -> list[str]:
    if not errors:
        return []
    counts = Counter((e["kind"], e["error_type"]) for e in errors)
    groups = sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    cw = max(len(str(c)) for _, c in groups)
    kw = max(len(k) for (k, _), _ in groups)
    lines = [f"  errors by type ({len(errors)})"]
    lines += [
        _clip(f"    {str(c).rjust(cw)}  {k.ljust(kw)}  {human(t)}", WIDTH) for (k, t), c in groups
    ]
    return lines


_QUIET = ("success", "warning-no-watermark")


def _cause(step: dict[str, Any]) -> list[str]:
    """For a step that stopped or did not start (or whose connection failed), the last incident of
    its connection log that failed or carries an error: what the data source said."""
    stopped = step["result"]["class"] in ("stopped", "did not start", None)
    if not stopped and step["connection"]["connection_result"] in (None, *_QUIET):
        return []
    failed = [
        i
        for i in step["connection"]["incidents"]
        if i["error_code"] or i["connection_result"] not in _QUIET
    ]
    if not failed:
        return []
    i = failed[-1]
    said = " ".join(human(x) for x in (i["error_code"], i["error_literal"]) if x)
    where = f"{human(i['connection_result'])} on {human(i['server'])}"
    return _wrap("  cause       ", f"{where}: {said}" if said else where, 14)


def _step(step: dict[str, Any]) -> list[str]:
    kind = human(step["step_type"] or "-")
    lines = [_clip(f"step {step['step_number']}: {kind}", WIDTH)]
    lines += _result(step["result"])
    lines += _cause(step)
    if step["result"].get("advice"):
        lines += _wrap("  what to do  ", step["result"]["advice"], 14)
    lines += _connection(step["connection"])
    lines += _counters(step["counters"])
    lines += _errors(step["errors"])
    return lines


def render_run(data: dict[str, Any], colour: bool) -> list[str]:
    """The text of one run (as :func:`runhistory.operations.run_data` gives it): its header, a
    row per step, then each step in detail."""
    lines = [*_header(data), "", *_step_table(data, colour)]
    for step in data["steps"]:
        lines += ["", *_step(step)]
    if not any(step["errors"] for step in data["steps"]):
        lines += ["", "no errors"]
    return lines


def run(args: argparse.Namespace) -> int:
    from runhistory.operations import SHOW_JSON_VERSION, run_data

    try:
        name, body = read_source(args.file, args.max_bytes)
        history = read_tolerantly("show", name, body, args.profile)
    except CommandError as err:
        return fail("show", err)
    runs = [run_data(r, name, args.all_counters) for r in history.run_details]
    if args.format == "json":
        data = {"version": SHOW_JSON_VERSION, "file": name, "runs": runs}
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    out: list[str] = []
    for data in runs:
        if out:
            out.append("")
        out.extend(render_run(data, colour))
    sys.stdout.write("\n".join(out) + "\n")
    return 0
