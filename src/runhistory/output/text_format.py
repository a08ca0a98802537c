"""``--format text``: ``file:line:column: severity CODE [§section] message``, then a summary."""

from __future__ import annotations

from typing import IO

from runhistory.escaping import human
from runhistory.findings import Finding, Severity
from runhistory.report import Report
from runhistory.sections import cited

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_RESET = "\033[0m"
_BOLD = "\033[1m"


def location(file: str, f: Finding) -> str:
    file = human(file)
    if f.line is None:
        return file
    if f.column is None:
        return f"{file}:{f.line}"
    return f"{file}:{f.line}:{f.column}"


def line(file: str, f: Finding, *, color: bool = False) -> str:
    sev = str(f.severity)
    code = f.rule
    if color:
        sev = f"{_COLORS[f.severity]}{sev}{_RESET}"
        code = f"{_BOLD}{code}{_RESET}"
    return f"{location(file, f)}: {sev} {code} {cited(f.section)}{human(f.message)}"


def summary(report: Report) -> str:
    n = len(report.files)
    errors, warnings = report.errors, report.warnings
    invalid = sum(1 for f in report.files if not f.valid)
    parts = [
        f"{n} file{'s' if n != 1 else ''} checked ({report.profile} profile)",
        f"{invalid} invalid",
        f"{errors} error{'s' if errors != 1 else ''}",
        f"{warnings} warning{'s' if warnings != 1 else ''}",
    ]
    infos = report.count(Severity.INFO)
    if infos:  # lint findings of the product profile, unused suppressions
        parts.append(f"{infos} info{'s' if infos != 1 else ''}")
    if report.problems:
        parts.append(f"{len(report.problems)} unreadable")
    return ": ".join(parts[:1]) + ": " + ", ".join(parts[1:])


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    for fr in report.files:
        for f in fr.findings:
            stream.write(line(fr.file, f, color=color) + "\n")
        if fr.hidden:
            n = len(fr.hidden)
            more = f"{n} more finding{'s' if n != 1 else ''}"
            stream.write(f"{human(fr.file)}: {more} not shown (--max-findings)\n")
    stream.write(summary(report) + "\n")
