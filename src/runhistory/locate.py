"""Columns for findings: libxml2 gives lines for elements, the text gives the column."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache

from runhistory.findings import Finding

_STEP = re.compile(r"\[\d+\]$")


@cache
def _tag_re(tag: str) -> re.Pattern[str]:
    return re.compile("<" + re.escape(tag) + r"(?=[\s/>])")


@cache
def _attr_re(attr: str) -> re.Pattern[str]:
    return re.compile(r"\s(" + re.escape(attr) + r")\s*=")


class ColumnFinder:
    """Find the column of an element's start tag (or of one of its attributes) on its line.

    ``occurrence`` resolves a line holding several start tags of the same name (minified
    documents); it is only called for those lines.
    """

    def __init__(self, text: Callable[[], str]) -> None:
        self._text = text
        self._lines: list[str] | None = None

    def _line(self, n: int) -> str | None:
        if self._lines is None:
            self._lines = self._text().split("\n")
        return self._lines[n - 1] if 0 < n <= len(self._lines) else None

    def column(
        self,
        line: int,
        path: str,
        occurrence: Callable[[str], int | None],
    ) -> int | None:
        text = self._line(line)
        if text is None:
            return None
        steps = path.rstrip("/").split("/")
        attr = steps[-1][1:] if steps[-1].startswith("@") else None
        if attr:
            steps = steps[:-1]
        if not steps or not steps[-1]:
            return None
        tag = _STEP.sub("", steps[-1])
        starts = [m.start() for m in _tag_re(tag).finditer(text)]
        if not starts:
            return None
        index = 0
        if len(starts) > 1:
            found = occurrence("/".join(steps))
            if found is None or found >= len(starts):
                return None
            index = found
        start = starts[index]
        if attr:
            end = text.find(">", start)
            m = _attr_re(attr).search(text, start, end if end >= 0 else len(text))
            if m:
                return m.start(1) + 1
        return start + 1


def add_columns(
    findings: Iterable[Finding],
    finder: ColumnFinder,
    occurrence: Callable[[str], int | None],
) -> list[Finding]:
    out = []
    for f in findings:
        if f.column is None and f.line is not None and f.path.startswith("/"):
            col = finder.column(f.line, f.path, occurrence)
            if col is not None:
                f = replace(f, column=col)
        out.append(f)
    return out
