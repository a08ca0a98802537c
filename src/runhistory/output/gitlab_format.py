"""``--format gitlab``: GitLab Code Quality report (a JSON array of issues).

Each finding is ``{"type": "issue", "check_name": CODE, "description", "severity",
"fingerprint", "location": {"path", "lines": {"begin"}}}``.  The fingerprint hashes the file,
the code, the element path and the message (not the line, so it survives edits elsewhere in
the file), and a counter for identical findings, so it is stable from run to run and unique.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import IO, Any

from runhistory.escaping import name
from runhistory.findings import Severity
from runhistory.report import Report
from runhistory.sections import cited

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def to_data(report: Report) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for fr in report.files:
        seen: Counter[tuple[str, str, str]] = Counter()
        for f in fr.findings:
            key = (f.rule, f.path, f.message)
            seen[key] += 1
            out.append(
                {
                    "type": "issue",
                    "check_name": f.rule,
                    "description": f"{f.rule} {cited(f.section)}{f.message}",
                    "categories": ["Bug Risk"],
                    "severity": SEVERITIES[f.severity],
                    "fingerprint": fingerprint(fr.file, *key, str(seen[key])),
                    "location": {"path": name(fr.file), "lines": {"begin": f.line or 1}},
                }
            )
    for p in report.problems:
        out.append(
            {
                "type": "issue",
                "check_name": "unreadable",
                "description": f"the file could not be read: {name(p.message)}",
                "categories": ["Bug Risk"],
                "severity": "critical",
                "fingerprint": fingerprint(p.name, "unreadable"),
                "location": {"path": name(p.name), "lines": {"begin": 1}},
            }
        )
    return out


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    json.dump(to_data(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
