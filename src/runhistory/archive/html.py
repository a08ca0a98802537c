"""The HTML page of ``runhistory report``: one self-contained file, nothing fetched.

Per management agent: charts of duration, adds/updates/deletes and errors per run over time
(uPlot, vendored under ``vendor/uplot`` with its licence and version, inlined with the data as
JSON), a table of runs with their results coloured, the errors that persist longest, then the
validation status of each file.  The tables are plain HTML, readable with JavaScript off;
long ones fold into ``<details>`` so thousands of runs stay quick to open.  Every value that
comes from a document is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from runhistory.archive.agents import Agent, Persisting
from runhistory.archive.runs import KINDS, RECORDS, Archive, FileStatus, RunRow
from runhistory.model import format_datetime

# From this many rows on, a table is folded (closed <details>): the page opens fast.
FOLD = 300
PERSISTING_SHOWN = 20
_EPOCH = datetime(1970, 1, 1)
_KIND_LABELS = {k: f"{RECORDS[k]}s" for k in KINDS}


def result_class(result: str) -> str:
    """ok, warn or fail: how a step result is coloured."""
    if result == "success":
        return "ok"
    if result.startswith(("completed-", "completing-")) or result == "in-progress":
        return "warn"
    if result.startswith(("stopped-", "no-start-")):
        return "fail"
    return "other"


@cache
def _asset(*parts: str) -> str:
    return resources.files("runhistory.archive").joinpath(*parts).read_text(encoding="utf-8")


def _script_json(value: Any) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' that could end or open markup."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for raw, safe in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, safe)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: int | float, cls: str = "n") -> str:
    shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    return f'<td class="{cls}{" zero" if not value else ""}">{shown}</td>'


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _chart_data(agent: Agent) -> dict[str, Any]:
    rows = agent.rows
    errors = {k: [r.errors.get(k, 0) for r in rows] for k in KINDS}
    shown = {k: v for k, v in errors.items() if any(v)} or {"import": errors["import"]}
    return {
        "id": agent.anchor,
        "x": [round((r.start - _EPOCH).total_seconds(), 3) for r in rows],
        "duration": [round(r.duration, 3) for r in rows],
        "bad": [1 if result_class(r.result) == "fail" else 0 for r in rows],
        "adds": [r.adds for r in rows],
        "updates": [r.updates for r in rows],
        "deletes": [r.deletes for r in rows],
        "errors": shown,
        "labels": {k: _KIND_LABELS[k] for k in shown},
    }


def _fold(rows: int, title: str, table: str) -> str:
    if rows <= FOLD:
        return table
    return f"<details><summary>{_e(title)} ({rows:,} rows)</summary>{table}</details>"


def _runs_table(agent: Agent) -> str:
    head = (
        "<tr><th>run</th><th>profile</th><th>start</th><th class=n>duration</th><th>result</th>"
        "<th class=n>adds</th><th class=n>updates</th><th class=n>deletes</th>"
        + "".join(f"<th class=n>{_e(_KIND_LABELS[k])}</th>" for k in KINDS)
        + "<th>file</th></tr>"
    )
    body = []
    for r in reversed(agent.rows):  # the latest run first
        cls = result_class(r.result)
        body.append(
            f"<tr><td class=n>{r.number}</td><td>{_e(r.profile)}</td>"
            f"<td class=mono>{_e(format_datetime(r.start))}</td>"
            f'<td class=n title="{r.duration:.3f} s">{_duration(r.duration)}</td>'
            f"<td class={cls}>{_e(r.result)}</td>"
            + _num(r.adds)
            + _num(r.updates)
            + _num(r.deletes)
            + "".join(_num(r.errors.get(k, 0)) for k in KINDS)
            + f"<td class=mono>{_e(r.file)}</td></tr>"
        )
    table = f'<div class="wrap"><table class="runs"><thead>{head}</thead><tbody>'
    table += "".join(body) + "</tbody></table></div>"
    return _fold(len(body), "every run", table)


def _persisting_table(items: list[Persisting]) -> str:
    if not items:
        return "<p class=muted>No error records in these runs.</p>"
    head = (
        "<tr><th>record</th><th>error-type</th><th>object</th><th>first-occurred</th>"
        "<th class=n>retry-count</th><th class=n>runs</th><th>first run</th><th>last run</th>"
        "<th>state</th></tr>"
    )
    body = []
    for p in items:
        state = f"resolved by run {p.resolved_by}" if p.resolved_by else "open"
        body.append(
            f"<tr><td>{_e(RECORDS[p.kind])}</td><td>{_e(p.error_type)}</td>"
            f"<td><span class=mono>{_e(p.dn or p.object)}</span></td>"
            f"<td class=mono>{_e(p.first_occurred or '')}</td>"
            f"<td class=n>{'' if p.retry_count is None else p.retry_count}</td>"
            f"<td class=n>{p.runs}</td><td>{p.first_run}</td><td>{p.last_run}</td>"
            f"<td class={'ok' if p.resolved_by else 'warn'}>{_e(state)}</td></tr>"
        )
    return (
        f'<div class="wrap"><table class="persisting"><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _results(rows: list[RunRow]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.result] = counts.get(r.result, 0) + 1
    chips = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return (
        '<ul class="chips">'
        + "".join(f'<li class="{result_class(name)}">{_e(name)} {n:,}</li>' for name, n in chips)
        + "</ul>"
    )


def _agent_section(agent: Agent) -> str:
    rows = agent.rows
    first, last = rows[0], rows[-1]
    persisting = agent.persisting()
    charts = "".join(
        f'<figure><figcaption>{title}</figcaption><div class="chart" data-chart="{key}"></div>'
        "<noscript><p class=noscript>The charts need JavaScript; the table of runs below "
        "holds every number.</p></noscript></figure>"
        for key, title in (
            ("duration", "Duration per run"),
            ("changes", "Adds, updates and deletes per run"),
            ("errors", "Errors per run"),
        )
    )
    return (
        f'<section class="agent" id="{agent.anchor}">'
        f"<h2>{_e(agent.name)} <small class=mono>{_e(agent.ma_id)}</small></h2>"
        f"<p>{len(rows):,} runs, run {first.number} to {last.number}, "
        f"{_e(format_datetime(first.start))} to {_e(format_datetime(last.end))}</p>"
        f"{_results(rows)}"
        f'<div class="charts">{charts}</div>'
        f"<h3>Errors that persist longest</h3>"
        f"<p class=muted>Matched from run to run by record, object and error-type; "
        f"the {PERSISTING_SHOWN} met on the most runs, the oldest first-occurred first "
        f"({len(agent.errors):,} distinct errors in all).</p>"
        f"{_persisting_table(persisting[:PERSISTING_SHOWN])}"
        f"<h3>Runs <span class=muted>(latest first)</span></h3>{_runs_table(agent)}"
        "</section>"
    )


def _file_rows(files: list[FileStatus]) -> Iterator[str]:
    for f in files:
        cls = {"valid": "ok", "invalid": "fail"}.get(f.status, "fail")
        errors = f"{f.errors:,}" if f.errors else ""
        yield (
            f"<tr><td class=mono>{_e(f.file)}</td><td class={cls}>{_e(f.status)}</td>"
            f"<td class=n>{f.runs:,}</td><td class=n>{errors}</td><td class=mono>{_e(f.where)}</td>"
            f"<td>{_e(f.problem)}</td></tr>"
        )


def _files_section(archive: Archive) -> str:
    head = (
        "<thead><tr><th>file</th><th>status</th><th class=n>runs</th><th class=n>errors</th>"
        "<th>line:column</th><th>first problem</th></tr></thead>"
    )
    bad = [f for f in archive.files if f.status != "valid"]
    good = [f for f in archive.files if f.status == "valid"]
    parts = [
        '<section id="files"><h2>Files</h2>',
        f"<p>{len(archive.files):,} files read under the {_e(archive.profile)} profile: "
        f"{len(good):,} valid, {len(bad):,} not.</p>",
    ]
    for problem in archive.problems:
        parts.append(f'<p class="fail">{_e(problem)}</p>')
    if bad:
        parts.append(
            f'<div class="wrap"><table class="files">{head}<tbody>'
            f"{''.join(_file_rows(bad))}</tbody></table></div>"
        )
    table = (
        f'<div class="wrap"><table class="files">{head}<tbody>'
        f"{''.join(_file_rows(good))}</tbody></table></div>"
    )
    parts.append(_fold(len(good), "valid files", table))
    parts.append("</section>")
    return "".join(parts)


def render(archive: Archive, agents: list[Agent], version: str) -> str:
    """The page, as text."""
    runs = sum(len(a.rows) for a in agents)
    data = {"agents": [_chart_data(a) for a in agents]}
    nav = "".join(
        f'<li><a href="#{a.anchor}">{_e(a.name)}</a> <span class=muted>{len(a.rows):,} runs'
        "</span></li>"
        for a in agents
    )
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Run history report</title>",
            f"<style>{_asset('vendor', 'uplot', 'uPlot.min.css')}\n{_asset('report.css')}</style>",
            "</head><body><header><h1>Run history report</h1>",
            f"<p class=muted>{runs:,} runs of {len(agents):,} management agent(s) from "
            f"{len(archive.files):,} file(s); made by runhistory {_e(version)}. Times are "
            "as the documents record them.</p>",
            f'<nav><ul>{nav}<li><a href="#files">Files</a></li></ul></nav></header><main>',
            *(_agent_section(a) for a in agents),
            _files_section(archive),
            "</main><footer>Charts drawn with uPlot 1.6.32 (MIT licence), included in this "
            "file.</footer>",
            f'<script type="application/json" id="report-data">{_script_json(data)}</script>',
            f"<script>{_asset('vendor', 'uplot', 'uPlot.iife.min.js')}</script>",
            f"<script>{_asset('report.js')}</script>",
            "</body></html>\n",
        ]
    )
