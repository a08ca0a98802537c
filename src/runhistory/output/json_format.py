"""``--format json``: the stable machine-readable report (version 1).

Shape: ``{"version": 1, "profile": ..., "files": [{"file", "valid", "findings": [...]}],
"summary": {"files", "errors", "warnings"}}``; each finding has exactly the keys
rule, section, severity, line, column, path, message.  A file whose findings were cut by
``--max-findings`` also has ``"omitted"``: how many were not listed (they are in the counts).
"""

from __future__ import annotations

import json
from typing import IO, Any

from runhistory.escaping import name
from runhistory.report import FileReport, Report


def _file(fr: FileReport) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": name(fr.file),
        "valid": fr.valid,
        "findings": [f.to_dict() for f in fr.findings],
    }
    if fr.hidden:
        data["omitted"] = len(fr.hidden)
    return data


def to_data(report: Report) -> dict[str, Any]:
    return {
        "version": 1,
        "profile": report.profile,
        "files": [_file(fr) for fr in report.files],
        "summary": {
            "files": len(report.files),
            "errors": report.errors,
            "warnings": report.warnings,
        },
    }


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    json.dump(to_data(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
