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


# ---------------------------------------------------------------------------------------------
# Exact lines beyond 65,535
#
# libxml2 keeps an element's line in 16 bits: past line 65,535 an element reports the line of
# its first child or of its next sibling.  The line of the n-th element (in document order) is
# found by reading the text for its start tag; libxml2's line is the one the start tag ends on.

BIG_LINE = 65535  # an element line libxml2 reports at or above this may be wrong

_TAG_END = re.compile(r"""[^\s/>]*(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
# markup that may hold '<' without it starting an element, and what ends it
_SPECIAL = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">"))


class _StartTags:
    """Counts start tags through a document's text, fed in pieces, and records the line on
    which each wanted one (by 0-based index in document order) ends."""

    def __init__(self, todo: list[int]) -> None:
        self.todo = todo
        self.at = 0  # index in todo of the next wanted tag
        self.index = 0  # start tags before the carried text
        self.line = 1  # line at the start of the carried text
        self.carry = ""
        self.out: dict[int, int] = {}

    @property
    def done(self) -> bool:
        return self.at >= len(self.todo)

    def feed(self, piece: str) -> None:
        text = self.carry + piece
        last = text.rfind("<")
        special = -1  # the next '<!' or '<?' at or after pos (-1: none), found lazily
        pos = 0
        while not self.done:
            lt = text.find("<", pos)
            if lt < 0:
                pos = len(text)
                break
            if special < lt:
                special = _next_special(text, lt)
            # Count plain start tags in bulk up to the next special markup or the last '<'.
            cut = special if special >= 0 else last
            if cut > lt:
                n = text.count("<", lt, cut) - text.count("</", lt, cut)
                if self.index + n <= self.todo[self.at]:
                    self.index += n
                    lt = cut
            stop = self._construct(text, lt)
            if stop is None:  # a construct that ends in a later piece
                pos = lt
                break
            pos = stop
        self.line += text.count("\n", 0, pos)
        self.carry = text[pos:] if not self.done else ""

    def _construct(self, text: str, lt: int) -> int | None:
        for opener, closer in _SPECIAL:
            if text.startswith(opener, lt):
                end = text.find(closer, lt + len(opener))
                return None if end < 0 else end + len(closer)
            if len(text) - lt < len(opener) and opener.startswith(text[lt:]):
                return None  # cut before we can tell
        if lt + 1 >= len(text):
            return None
        if text[lt + 1] == "/":
            return lt + 2
        if self.index == self.todo[self.at]:
            m = _TAG_END.match(text, lt + 1)
            if m is None:
                return None  # the tag goes on in the next piece (or is not well-formed)
            line = self.line + text.count("\n", 0, m.end())
            while not self.done and self.todo[self.at] == self.index:
                self.out[self.index] = line
                self.at += 1
        self.index += 1
        return lt + 1


def _next_special(text: str, at: int) -> int:
    found = [i for i in (text.find("<!", at), text.find("<?", at)) if i >= 0]
    return min(found) if found else -1


def start_tag_lines(chunks: Iterable[bytes], codec: str, wanted: Iterable[int]) -> dict[int, int]:
    """The line each wanted element's start tag ends on (libxml2's element line, exact at any
    size), by the element's 0-based index in document order."""
    todo = sorted(set(wanted))
    scanner = _StartTags(todo)
    if not todo:
        return scanner.out
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    for chunk in chunks:
        scanner.feed(decoder.decode(chunk))
        if scanner.done:
            return scanner.out
    scanner.feed(decoder.decode(b"", final=True))
    return scanner.out


def exact_lines(
    findings: list[Finding],
    order: Callable[[list[Finding]], Mapping[int, int]],
    chunks: Callable[[], Iterable[bytes]],
    codec: str,
) -> list[Finding]:
    """``findings`` with the lines of elements past line 65,535 made exact.

    ``order`` gives, for the findings passed to it (those whose line may be wrong), the
    document-order index of each one's element, keyed by its position in that list; ``chunks``
    reads the document's bytes (after any BOM) again.
    """
    suspect = [f for f in findings if f.line is not None and f.line >= BIG_LINE]
    if not suspect:
        return findings
    index = order(suspect)
    lines = start_tag_lines(chunks(), codec, index.values())
    fixed = {
        id(f): lines[index[at]]
        for at, f in enumerate(suspect)
        if at in index and index[at] in lines
    }
    return [replace(f, line=fixed[id(f)]) if id(f) in fixed else f for f in findings]
