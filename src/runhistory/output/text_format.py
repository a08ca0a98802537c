"""``--format text``: ``file:line:column: severity CODE [§section] message``, then a summary."""

from __future__ import annotations

from typing import IO

from runhistory.escaping import human
from runhistory.findings import Finding, Severity
from runhistory.report import Problem, Report
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def notes(report: Report) -> list[str]:
    """What the summary line alone would leave a reader wondering: why the run failed on
    warnings, and which errors the product profile would accept."""
    out: list[str] = []
    if report.failed and report.fail_on is Severity.WARNING and report.errors == 0:
        out.append(
            f"failed because of --fail-on warning: {_plural(report.warnings, 'warning')} "
            "reported (without it, warnings do not fail the run)"
        )
    departures = report.departures()
    if departures:
        n = sum(departures.values())
        codes = ", ".join(sorted(departures))
        out.append(
            f"note: {n} of the {_plural(report.errors, 'error')} ({codes}) "
            f"{'is a known departure' if n == 1 else 'are known departures'} of product output "
            "from the spec; --profile product reports "
            f"{'it' if n == 1 else 'them'} as warnings"
        )
    return out


def problem_line(problem: Problem, *, color: bool = False) -> str:
    sev = f"{_COLORS[Severity.ERROR]}error{_RESET}" if color else "error"
    return f"{human(problem.name)}: {sev}: {human(problem.message)}"


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    for entry in report.entries():
        if isinstance(entry, Problem):
            stream.write(problem_line(entry, color=color) + "\n")
            continue
        for f in entry.findings:
            stream.write(line(entry.file, f, color=color) + "\n")
        if entry.hidden:
            n = len(entry.hidden)
            stream.write(
                f"{human(entry.file)}: {_plural(n, 'more finding')} not shown (--max-findings)\n"
            )
    stream.write(summary(report) + "\n")
    for note in notes(report):
        stream.write(note + "\n")
