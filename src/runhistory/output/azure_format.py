"""``--format azure``: Azure DevOps Pipelines logging commands, shown as issues of the run.

One line per error or warning finding:
``##vso[task.logissue type=error;sourcepath=F;linenumber=L;columnnumber=C;code=CODE][§section]
message``.  Azure DevOps knows only errors and warnings as issues, so an info finding is a plain
log line; an input that could not be read is an error issue; then the summary as plain text.
"""

from __future__ import annotations

from typing import IO

from runhistory.escaping import human
from runhistory.findings import Finding, Severity
from runhistory.output.text_format import line, summary
from runhistory.report import Problem, Report
from runhistory.sections import cited

TYPES = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def escape_data(value: str) -> str:
    """The message of a logging command: one line, ``%`` and line breaks encoded as Azure
    DevOps decodes them, no control character (a name cannot start a command of its own)."""
    encoded = value.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")
    return human(encoded)


def escape_property(value: str) -> str:
    """A ``key=value`` property: ``;`` ends a property and ``]`` the properties."""
    return escape_data(value).replace(";", "%3B").replace("]", "%5D")


def command(kind: str, message: str, **props: object) -> str:
    given = "".join(f"{k}={escape_property(str(v))};" for k, v in props.items() if v is not None)
    return f"##vso[task.logissue type={kind};{given}]{escape_data(message)}"


def _finding(file: str, f: Finding) -> str:
    if f.severity not in TYPES:
        return line(file, f)
    return command(
        TYPES[f.severity],
        f"{cited(f.section)}{f.message}",
        sourcepath=file,
        linenumber=f.line,
        columnnumber=f.column if f.line is not None else None,
        code=f.rule,
    )


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    for entry in report.entries():
        if isinstance(entry, Problem):
            stream.write(command("error", entry.message, sourcepath=entry.name) + "\n")
            continue
        for f in entry.findings:
            stream.write(_finding(entry.file, f) + "\n")
        if entry.hidden:
            more = f"{len(entry.hidden)} more findings not shown (--max-findings)"
            stream.write(f"{human(entry.file)}: {more}\n")
    stream.write(summary(report) + "\n")
