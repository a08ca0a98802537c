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
    a UTF-8 sequence, so blocks that end after one decode on their own).

    Linear in the size of the document however long its lines are: the pieces of a line that
    spans chunks are gathered in a list and joined once, only when the line is wanted.
    """
    todo = sorted(set(wanted))
    if not todo:
        return {}
    if codec == "utf-8":
        return _Lines(todo).read_utf8(chunks)
    return _Lines(todo).read_decoded(chunks, codec)


class _Lines:
    """The state of :func:`read_lines`: which wanted line comes next, and the pieces of the
    line being read."""

    def __init__(self, todo: list[int]) -> None:
        self.todo = todo
        self.at = 0  # index in todo of the next wanted line
        self.line = 1  # number of the line the pieces belong to
        self.out: dict[int, str] = {}

    @property
    def done(self) -> bool:
        return self.at >= len(self.todo)

    def _want(self) -> int:
        return self.todo[self.at]

    def read_utf8(self, chunks: Iterable[bytes]) -> dict[int, str]:
        pieces: list[bytes] = []  # the current line so far (kept only when it is wanted)
        for chunk in chunks:
            n = chunk.count(b"\n")
            if not n:
                if self._want() == self.line:
                    pieces.append(chunk)
                continue
            first = chunk.find(b"\n")
            last = chunk.rfind(b"\n")
            if self._want() == self.line:  # the line that ends in this chunk
                pieces.append(chunk[:first])
                self._take([b"".join(pieces).decode(_UTF8, errors="replace")], self.line)
            inner_end = self.line + n  # the line after the chunk's last newline
            if not self.done and self._want() < inner_end:
                block = chunk[first + 1 : last].decode(_UTF8, errors="replace")
                self._take(block.split("\n"), self.line + 1)
            self.line = inner_end
            pieces = [chunk[last + 1 :]] if not self.done and self._want() == self.line else []
            if self.done:
                return self.out
        if not self.done and self._want() == self.line:
            self._take([b"".join(pieces).decode(_UTF8, errors="replace")], self.line)
        return self.out

    def read_decoded(self, chunks: Iterable[bytes], codec: str) -> dict[int, str]:
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        pieces: list[str] = []
        for chunk in chunks:
            self._text(decoder.decode(chunk), pieces)
            if self.done:
                return self.out
        self._text(decoder.decode(b"", final=True), pieces)
        if not self.done and self._want() == self.line:
            self._take(["".join(pieces)], self.line)
        return self.out

    def _text(self, text: str, pieces: list[str]) -> None:
        if self.done:
            return
        first = text.find("\n")
        if first < 0:
            if self._want() == self.line:
                pieces.append(text)
            return
        if self._want() == self.line:
            pieces.append(text[:first])
            self._take(["".join(pieces)], self.line)
        last = text.rfind("\n")
        n = text.count("\n", first, last + 1)
        if not self.done and self._want() < self.line + n:
            self._take(text[first + 1 : last].split("\n"), self.line + 1)
        self.line += n
        pieces.clear()
        if not self.done and self._want() == self.line:
            pieces.append(text[last + 1 :])

    def _take(self, lines: list[str], first: int) -> None:
        """Record the wanted ones of ``lines``, the first of which is line ``first``."""
        todo = self.todo
        while self.at < len(todo) and todo[self.at] < first + len(lines):
            if todo[self.at] >= first:
                self.out[todo[self.at]] = lines[todo[self.at] - first]
            self.at += 1


_UTF8 = "utf-8"


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
