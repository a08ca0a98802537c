"""``--show-source``: under each finding of the text report, the line of the document it points
at and a caret under its column, as ruff and compilers show them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

from runhistory.escaping import human
from runhistory.output.text_format import line, notes, problem_line, summary
from runhistory.report import Problem, Report

# A long line (a base64 value, a call stack) is shown around the column, not whole.
WIDTH = 100


def document_lines(name: str) -> list[str] | None:
    """The lines of the document a report calls ``name``, decoded as the checks decode it; None
    when it cannot be read again (standard input, a file gone)."""
    from runhistory.decoding import decode

    try:
        data = Path(name).read_bytes()
    except (OSError, ValueError):
        return None
    decoded = decode(data)
    body = data[decoded.bom_length :]
    text = body.decode(decoded.codec or "utf-8", errors="replace")
    return text.splitlines()


def frame(lines: list[str], number: int, column: int | None) -> list[str]:
    """The numbered line and, when the column is known, a caret under it."""
    if not 1 <= number <= len(lines):
        return []
    text = lines[number - 1].expandtabs(1)
    start = 0
    if len(text) > WIDTH:
        start = max(0, min((column or 1) - WIDTH // 2, len(text) - WIDTH))
    shown = human(text[start : start + WIDTH])
    gutter = f"{number:>5} | "
    out = [f"{gutter}{shown}"]
    if column is not None:
        out.append(" " * (len(gutter) - 2) + "| " + " " * max(0, column - 1 - start) + "^")
    return out


def render(
    report: Report,
    stream: IO[str],
    *,
    color: bool = False,
    read: Callable[[str], list[str] | None] = document_lines,
) -> None:
    """The text report with a code frame under every finding that has a line."""
    for entry in report.entries():
        if isinstance(entry, Problem):
            stream.write(problem_line(entry, color=color) + "\n")
            continue
        lines = read(entry.file) if entry.findings else None
        for f in entry.findings:
            stream.write(line(entry.file, f, color=color) + "\n")
            if lines is not None and f.line is not None:
                for row in frame(lines, f.line, f.column):
                    stream.write(row + "\n")
        if entry.hidden:
            n = len(entry.hidden)
            more = f"{n} more finding{'s' if n != 1 else ''}"
            stream.write(f"{human(entry.file)}: {more} not shown (--max-findings)\n")
    stream.write(summary(report) + "\n")
    for note in notes(report):
        stream.write(note + "\n")
