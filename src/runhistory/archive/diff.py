"""Two runs of one management agent compared: errors new, resolved and persisting, counter
changes, step result changes.

Errors are matched by identity (the record, the object and the error-type: see
:class:`~runhistory.archive.runs.ErrorSeen`): *new* errors are in the new run only, *resolved*
ones in the old run only, *persisting* ones in both (with the retry-count and first-occurred of
each side).  Counters are the run's totals of each staging, inbound flow and export counter
(every step added up), listed where they differ; steps are matched by step-number.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from runhistory.archive.runs import RECORDS, ErrorSeen, run_errors, run_row
from runhistory.model import RunDetails, StepDetails, format_datetime
from runhistory.model.summary import step_type

Key = tuple[str, str, str]
# The error counts compared beside the counters.
_ERROR_COUNTS = tuple(f"{RECORDS[k]}s" for k in ("discovery", "import", "export", "retry"))


@dataclass(frozen=True, slots=True)
class Side:
    """One of the two runs: the file it came from and the run."""

    file: str
    run: RunDetails

    def describe(self) -> dict[str, Any]:
        row = run_row(self.file, self.run)
        return {
            "file": self.file,
            "agent": row.agent,
            "ma-id": row.ma_id,
            "run-number": row.number,
            "profile": row.profile,
            "start": format_datetime(row.start),
            "result": row.result,
        }


def _error(seen: ErrorSeen) -> dict[str, Any]:
    return {
        "record": RECORDS[seen.kind],
        "error-type": seen.error_type,
        "object": seen.object,
        "dn": seen.dn,
        "first-occurred": seen.first_occurred,
        "retry-count": seen.retry_count,
    }


def _sort_key(seen: ErrorSeen) -> tuple[str, str, str, str]:
    return (seen.first_occurred or "~", RECORDS[seen.kind], seen.error_type, seen.dn or "")


def _counter_totals(run: RunDetails) -> dict[str, int]:
    totals: dict[str, int] = {}
    for step in run.step_details:
        blocks: list[Any] = [
            step.staging_counters,
            *step.inbound_flow_counters,
            step.export_counters,
        ]
        for block in blocks:
            for f in dataclasses.fields(block):
                value = getattr(block, f.name)
                number = getattr(value, "value", None)
                if isinstance(number, int):
                    name = f.name.replace("_", "-")
                    totals[name] = totals.get(name, 0) + number
    row = run_row("", run)
    for kind, name in zip(("discovery", "import", "export", "retry"), _ERROR_COUNTS, strict=True):
        totals[name] = row.errors.get(kind, 0)
    return totals


def _steps(run: RunDetails) -> dict[int, StepDetails]:
    return {s.step_number: s for s in run.step_details}


def _step_changes(old: RunDetails, new: RunDetails) -> list[dict[str, Any]]:
    before, after = _steps(old), _steps(new)
    changes = []
    for number in sorted(before.keys() | after.keys()):
        a, b = before.get(number), after.get(number)
        old_result = None if a is None else str(a.step_result.value)
        new_result = None if b is None else str(b.step_result.value)
        old_type = None if a is None else step_type(a)
        new_type = None if b is None else step_type(b)
        if (old_result, old_type) != (new_result, new_type):
            changes.append(
                {
                    "step": number,
                    "type": {"old": old_type, "new": new_type},
                    "result": {"old": old_result, "new": new_result},
                }
            )
    return changes


def compare(old: Side, new: Side) -> dict[str, Any]:
    """The differences from ``old`` to ``new`` as plain data (the JSON of ``runhistory diff``)."""
    before, after = run_errors(old.run), run_errors(new.run)
    persisting = []
    for key in sorted(before.keys() & after.keys(), key=lambda k: _sort_key(after[k])):
        a, b = before[key], after[key]
        persisting.append(
            {
                **_error(b),
                "first-occurred": {"old": a.first_occurred, "new": b.first_occurred},
                "retry-count": {"old": a.retry_count, "new": b.retry_count},
                "dn": {"old": a.dn, "new": b.dn},
            }
        )
    old_counts, new_counts = _counter_totals(old.run), _counter_totals(new.run)
    counters = [
        {"counter": name, "old": was, "new": now, "change": now - was}
        for name in [*old_counts, *(n for n in new_counts if n not in old_counts)]
        if (was := old_counts.get(name, 0)) != (now := new_counts.get(name, 0))
    ]
    old_types = sorted({t for s in old.run.step_details if (t := step_type(s))})
    new_types = sorted({t for s in new.run.step_details if (t := step_type(s))})
    return {
        "version": 1,
        "runs": {"old": old.describe(), "new": new.describe()},
        "same-step-types": old_types == new_types,
        "new": _only(after, before),
        "resolved": _only(before, after),
        "persisting": persisting,
        "counters": counters,
        "steps": _step_changes(old.run, new.run),
    }


def _only(these: dict[Key, ErrorSeen], other: dict[Key, ErrorSeen]) -> list[dict[str, Any]]:
    """The errors of ``these`` that ``other`` does not have, oldest first-occurred first."""
    return [
        _error(these[k])
        for k in sorted(these.keys() - other.keys(), key=lambda k: _sort_key(these[k]))
    ]


# -- text and csv -------------------------------------------------------------------------------


def _run_line(label: str, run: dict[str, Any]) -> str:
    return (
        f"{label}: run {run['run-number']} of {run['agent']} ({run['profile']}, {run['start']}, "
        f"{run['result']}) {run['file']}"
    )


def _error_line(change: str, e: dict[str, Any]) -> str:
    first, retry = e["first-occurred"], e["retry-count"]
    if isinstance(retry, dict):
        retry = f"{retry['old']} -> {retry['new']}"
        first = (
            first["new"] if first["old"] == first["new"] else f"{first['old']} -> {first['new']}"
        )
    dn = e["dn"]["new"] if isinstance(e["dn"], dict) else e["dn"]
    parts = [f"  {change:<10} {e['record']:<15} {e['error-type']}  {dn or e['object']}"]
    if first is not None:
        parts.append(f"first-occurred {first}")
    if retry is not None:
        parts.append(f"retry-count {retry}")
    return "  ".join(parts)


def as_text(diff: dict[str, Any]) -> str:
    lines = [_run_line("old", diff["runs"]["old"]), _run_line("new", diff["runs"]["new"])]
    if not diff["same-step-types"]:
        lines.append(
            "note: the runs ran different step types; errors of a step type only one of them "
            "ran show as new or resolved"
        )
    counts = {k: len(diff[k]) for k in ("new", "resolved", "persisting")}
    lines.append(
        f"errors: {counts['new']} new, {counts['resolved']} resolved, "
        f"{counts['persisting']} persisting"
    )
    for change in ("new", "resolved", "persisting"):
        lines.extend(_error_line(change, e) for e in diff[change])
    lines.append(f"counters: {len(diff['counters'])} changed")
    for c in diff["counters"]:
        lines.append(f"  {c['counter']:<32} {c['old']:>8} -> {c['new']:<8} ({c['change']:+d})")
    lines.append(f"steps: {len(diff['steps'])} changed")
    for s in diff["steps"]:
        r, t = s["result"], s["type"]
        kind = t["new"] if t["old"] == t["new"] else f"{t['old']} -> {t['new']}"
        lines.append(f"  step {s['step']} ({kind}): {r['old']} -> {r['new']}")
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ("change", "record", "error-type", "object", "dn", "first-occurred", "old", "new")


def as_rows(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per error (old/new: retry-count), changed counter and changed step (old/new:
    the values, the step results)."""
    rows: list[dict[str, Any]] = []
    for change in ("new", "resolved", "persisting"):
        for e in diff[change]:
            first, retry, dn = e["first-occurred"], e["retry-count"], e["dn"]
            if change == "persisting":
                old, new, first, dn = retry["old"], retry["new"], first["new"], dn["new"]
            else:
                old, new = (retry, None) if change == "resolved" else (None, retry)
            rows.append(
                {
                    "change": change,
                    "record": e["record"],
                    "error-type": e["error-type"],
                    "object": e["object"],
                    "dn": dn,
                    "first-occurred": first,
                    "old": old,
                    "new": new,
                }
            )
    for c in diff["counters"]:
        rows.append({"change": "counter", "object": c["counter"], "old": c["old"], "new": c["new"]})
    for s in diff["steps"]:
        rows.append(
            {
                "change": "step",
                "object": s["step"],
                "old": s["result"]["old"],
                "new": s["result"]["new"],
            }
        )
    return rows
