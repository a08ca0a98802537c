"""``--format json``: the stable machine-readable report (version 1).

Shape: ``{"version": 1, "profile": ..., "files": [{"file", "valid", "findings": [...]}],
"summary": {"files", "errors", "warnings", "unreadable"}}``; each finding has exactly the keys
rule, section, severity, line, column, path, message.  A file whose findings were cut by
``--max-findings`` also has ``"omitted"``: how many were not listed (they are in the counts).
Every operand is in ``files``, in input order: one that could not be read has ``"error"`` (the
reason) and no findings, and counts in ``summary.files`` and ``summary.unreadable``.
The package ships a JSON Schema of this report (``runhistory/schema/report.schema.json``).
"""

from __future__ import annotations

import json
from typing import IO, Any

from runhistory.escaping import name
from runhistory.report import FileReport, Problem, Report


def _file(fr: FileReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": name(fr.file),
        "valid": fr.valid,
        "findings": [f.to_dict() for f in fr.findings],
    }
    if fr.hidden:
        data["omitted"] = len(fr.hidden)
    return data


def _problem(p: Problem) -> dict[str, Any]:
    return {"file": name(p.name), "valid": False, "error": name(p.message), "findings": []}


def to_data(report: Report) -> dict[str, Any]:
    entries = report.entries()
    return {
        "version": 1,
        "profile": report.profile,
        "files": [_problem(e) if isinstance(e, Problem) else _file(e) for e in entries],
        "summary": {
            "files": len(entries),
            "errors": report.errors,
            "warnings": report.warnings,
            "unreadable": len(report.problems),
        },
    }


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    json.dump(to_data(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
