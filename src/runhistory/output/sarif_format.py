"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF readers.

One run: ``tool.driver`` carries the whole rule catalog (id, summary, section, kind, default
level under the profile in force); each finding is a result with ruleId, level, message and a
physical location (artifact URI, startLine, startColumn) plus its element path as a logical
location.  Inputs that could not be read are tool execution notifications.
"""

from __future__ import annotations

import json
from typing import IO, Any

from runhistory import __version__
from runhistory import rules as _rules  # noqa: F401  (registers the prose rules)
from runhistory.catalog import CATALOG
from runhistory.escaping import file_uri, name
from runhistory.findings import Finding, Severity
from runhistory.report import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(name: str) -> str:
    """A URI reference for a file name as given on the command line (its bytes, when they are
    not UTF-8, percent-encoded as they are)."""
    return file_uri(name)


def _rules_data(profile: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    out: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for code, info in sorted(CATALOG.items()):
        sev = info.severity(profile)
        rule: dict[str, Any] = {
            "id": code,
            "shortDescription": {"text": info.summary},
            "defaultConfiguration": {
                "enabled": sev is not None,
                "level": LEVELS[sev] if sev is not None else "none",
            },
            "properties": {"section": info.section, "kind": str(info.kind), "tags": [info.kind]},
        }
        if info.notes:
            rule["fullDescription"] = {"text": info.notes}
        index[code] = len(out)
        out.append(rule)
    return out, index


def _location(file: str, f: Finding | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    if f is not None and f.line is not None:
        region: dict[str, int] = {"startLine": f.line}
        if f.column is not None:
            region["startColumn"] = f.column
        physical["region"] = region
    loc: dict[str, Any] = {"physicalLocation": physical}
    if f is not None and f.path:
        loc["logicalLocations"] = [{"fullyQualifiedName": f.path, "kind": "element"}]
    return loc


def to_data(report: Report) -> dict[str, Any]:
    rules, index = _rules_data(report.profile)
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [_location(fr.file, f)],
            "properties": {"section": f.section},
        }
        for fr in report.files
        for f in fr.findings
    ]
    notifications: list[dict[str, Any]] = [
        {
            "level": "error",
            "message": {"text": name(p.message)},
            "locations": [_location(p.name, None)],
        }
        for p in report.problems
    ]
    if report.interrupted:
        checked = len(report.files) + len(report.problems)
        notifications.append(
            {
                "level": "error",
                "message": {
                    "text": f"interrupted after {checked} input(s): the results cover only those"
                },
            }
        )
    hidden = {fr.file: len(fr.hidden) for fr in report.files if fr.hidden}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "runhistory",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not report.problems and not report.interrupted,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
        "properties": {"profile": report.profile},
    }
    if hidden:
        run["properties"]["omitted"] = hidden
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    json.dump(to_data(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
