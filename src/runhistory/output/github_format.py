"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

One line per finding: ``::error file=F,line=L,col=C,title=CODE::[§section] message``
(``warning`` and ``notice`` for the other severities), then the summary as plain text.
"""

from __future__ import annotations

from typing import IO

from runhistory.escaping import human
from runhistory.findings import Severity
from runhistory.output.text_format import summary
from runhistory.report import Report
from runhistory.sections import cited

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """The message part of a workflow command: on one line, with no control character (a line
    break or an ESC sequence in a file name must not start a command of its own)."""
    return human(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(value: str) -> str:
    """A ``key=value`` property of a workflow command."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **props: object) -> str:
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{name} {given}::{escape_data(message)}"


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    for fr in report.files:
        for f in fr.findings:
            stream.write(
                command(
                    COMMANDS[f.severity],
                    f"{cited(f.section)}{f.message}",
                    file=fr.file,
                    line=f.line,
                    col=f.column if f.line is not None else None,
                    title=f.rule,
                )
                + "\n"
            )
        if fr.hidden:
            stream.write(
                command(
                    "notice",
                    f"{len(fr.hidden)} more findings not shown (--max-findings)",
                    file=fr.file,
                    title="runhistory",
                )
                + "\n"
            )
    for p in report.problems:
        stream.write(command("error", p.message, file=p.name, title="runhistory") + "\n")
    stream.write(summary(report) + "\n")
