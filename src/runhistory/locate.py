"""Columns for findings: libxml2 gives lines for elements, the text gives the column."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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


_BLOCK = 1 << 16


def read_lines(chunks: Iterable[bytes], codec: str, wanted: Iterable[int]) -> dict[int, str]:
    """The text of the ``wanted`` lines (1-based) of a document given as chunks of its bytes,
    decoded as the whole text would be (undecodable bytes as U+FFFD), without decoding or
    splitting the lines in between when the text is UTF-8 (a newline byte never sits inside
    a UTF-8 sequence, so blocks that end after one decode on their own)."""
    todo = sorted(set(wanted))
    out: dict[int, str] = {}
    if not todo:
        return out
    at = 0  # index in todo of the next wanted line
    line = 1  # number of the first line of the next block

    def take(text: str) -> None:
        nonlocal at, line
        pieces = text.split("\n")
        while at < len(todo) and todo[at] < line + len(pieces):
            if todo[at] >= line:
                out[todo[at]] = pieces[todo[at] - line]
            at += 1

    if codec == "utf-8":
        carry = b""
        for chunk in chunks:
            buf = carry + chunk
            cut = buf.rfind(b"\n") + 1
            block, carry = buf[:cut], buf[cut:]
            n = block.count(b"\n")
            if n and todo[at] < line + n:
                take(block[:-1].decode(codec, errors="replace"))
            line += n
            if at >= len(todo):
                return out
        take(carry.decode(codec, errors="replace"))
        return out
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    partial = ""
    for chunk in chunks:
        text = partial + decoder.decode(chunk)
        cut = text.rfind("\n")
        if cut >= 0:
            take(text[:cut])
            line += text.count("\n", 0, cut + 1)
            partial = text[cut + 1 :]
        else:
            partial = text
        if at >= len(todo):
            return out
    take(partial + decoder.decode(b"", final=True))
    return out


def byte_chunks(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for at in range(0, len(data), _BLOCK):
        yield bytes(view[at : at + _BLOCK])


class ColumnFinder:
    """Find the column of an element's start tag (or of one of its attributes) on its line.

    ``lines`` holds the text of (at least) the lines asked about.  ``occurrence`` resolves a
    line holding several start tags of the same name (minified documents); it is only called
    for those lines.
    """

    def __init__(self, lines: Mapping[int, str]) -> None:
        self._lines = lines

    def _line(self, n: int) -> str | None:
        return self._lines.get(n)

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


def _needs_column(f: Finding) -> bool:
    return f.column is None and f.line is not None and f.path.startswith("/")


def add_columns(
    findings: list[Finding],
    lines: Callable[[set[int]], Mapping[int, str]],
    occurrence: Callable[[str], int | None],
) -> list[Finding]:
    """Fill in the columns libxml2 does not give; ``lines`` reads the text of the lines asked."""
    wanted = {f.line for f in findings if _needs_column(f) and f.line is not None}
    if not wanted:
        return findings
    finder = ColumnFinder(lines(wanted))
    out = []
    for f in findings:
        if _needs_column(f) and f.line is not None:
            col = finder.column(f.line, f.path, occurrence)
            if col is not None:
                f = replace(f, column=col)
        out.append(f)
    return out
