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
    """Counts start tags through a document's text, fed in pieces, and records for each wanted
    one (by 0-based index in document order) the line its start tag ends on (libxml2's line)
    and the line and 0-based column of its '<'.

    Linear in the text however many are wanted: the start tags between two special constructs
    are counted in bulk, walked one by one only up to a wanted one, and lines and columns are
    counted forward from the last place asked about."""

    def __init__(self, todo: list[int]) -> None:
        self.todo = todo
        self.at = 0  # index in todo of the next wanted tag
        self.index = 0  # start tags before the carried text
        self.line = 1  # line at the start of the carried text
        self.column = 0  # characters of that line before the carried text
        self.carry = ""
        self.out: dict[int, int] = {}
        self.where: dict[int, tuple[int, int]] = {}
        # the piece being read: up to where lines are counted, that line, its last newline
        self._text = ""
        self._counted = 0
        self._line = 1
        self._newline = -1
        self._next = {"<!": -1, "<?": -1}  # the next of each special opening, where known

    @property
    def done(self) -> bool:
        return self.at >= len(self.todo)

    def feed(self, piece: str) -> None:
        text = self._text = self.carry + piece
        self._counted, self._line, self._newline = 0, self.line, -1
        self._next = {"<!": -1, "<?": -1}
        pos = self._scan(text)
        if self.done:
            self.carry = ""
            return
        self.line = self._line_at(pos)
        newline = self._newline
        self.column = pos - newline - 1 if newline >= 0 else self.column + pos
        self.carry = text[pos:]

    def _line_at(self, pos: int) -> int:
        """The line at ``pos`` of the piece (asked in increasing order)."""
        text = self._text
        if pos > self._counted:
            newline = text.rfind("\n", self._counted, pos)
            if newline >= 0:
                self._line += text.count("\n", self._counted, newline + 1)
                self._newline = newline
            self._counted = pos
        return self._line

    def _special(self, text: str, at: int) -> int:
        """The next '<!' or '<?' at or after ``at`` (the length of the text: none)."""
        found = len(text)
        for opener in ("<!", "<?"):
            known = self._next[opener]
            if known < at:
                known = text.find(opener, at)
                known = self._next[opener] = len(text) if known < 0 else known
            found = min(found, known)
        return found

    def _scan(self, text: str) -> int:
        """Read the piece; returns where the text carried to the next piece starts."""
        last = text.rfind("<")
        pos = 0
        while not self.done:
            lt = text.find("<", pos)
            if lt < 0:
                return len(text)
            cut = min(self._special(text, lt), last)
            if cut > lt:
                self._plain(text, lt, cut)
                if self.done:
                    break
                lt = cut
            stop = self._construct(text, lt)
            if stop is None:  # a construct that ends in a later piece
                return lt
            pos = stop
        return len(text)

    def _plain(self, text: str, lt: int, cut: int) -> None:
        """The start tags of ``text[lt:cut]``, which holds no special construct."""
        n = text.count("<", lt, cut) - text.count("</", lt, cut)
        at = lt
        while n and not self.done:
            need = self.todo[self.at] - self.index
            if need >= n:
                self.index += n
                return
            while True:  # walk to the wanted one
                if text[at + 1] != "/":
                    if not need:
                        break
                    need -= 1
                    n -= 1
                    self.index += 1
                at = text.find("<", at + 1)
            self._take(text, at, _TAG_END.match(text, at + 1))
            n -= 1
            at = text.find("<", at + 1)

    def _take(self, text: str, lt: int, tag: re.Match[str] | None) -> None:
        """Record the wanted start tag at ``lt`` (``tag``: the rest of it, when complete)."""
        opened = self._line_at(lt)
        newline = self._newline
        column = lt - newline - 1 if newline >= 0 else self.column + lt
        line = self._line_at(tag.end()) if tag is not None else opened
        while not self.done and self.todo[self.at] == self.index:
            self.out[self.index] = line
            self.where[self.index] = (opened, column)
            self.at += 1
        self.index += 1

    def _construct(self, text: str, lt: int) -> int | None:
        """Where the construct at ``lt`` ends (None: in a later piece)."""
        if lt + 1 >= len(text) or text[lt + 1] in "!?":
            return _markup_end(text, lt)
        if text[lt + 1] == "/":
            return lt + 2
        if self.index == self.todo[self.at]:
            m = _TAG_END.match(text, lt + 1)
            if m is None:
                return None  # the tag goes on in the next piece (or is not well-formed)
            self._take(text, lt, m)
            return lt + 1
        self.index += 1
        return lt + 1


def _markup_end(text: str, lt: int) -> int | None:
    """Where the comment, CDATA section, processing instruction or declaration at ``lt``
    ends (None: in a later piece)."""
    for opener, closer in _SPECIAL:
        if text.startswith(opener, lt):
            end = text.find(closer, lt + len(opener))
            return None if end < 0 else end + len(closer)
        if len(text) - lt < len(opener) and opener.startswith(text[lt:]):
            return None  # cut before we can tell
    return None


def _scanned(chunks: Iterable[bytes], codec: str, wanted: Iterable[int]) -> _StartTags:
    scanner = _StartTags(sorted(set(wanted)))
    if scanner.done:
        return scanner
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    for chunk in chunks:
        scanner.feed(decoder.decode(chunk))
        if scanner.done:
            return scanner
    scanner.feed(decoder.decode(b"", final=True))
    return scanner


def start_tag_lines(chunks: Iterable[bytes], codec: str, wanted: Iterable[int]) -> dict[int, int]:
    """The line each wanted element's start tag ends on (libxml2's element line, exact at any
    size), by the element's 0-based index in document order."""
    return _scanned(chunks, codec, wanted).out


def start_tag_places(
    chunks: Iterable[bytes], codec: str, wanted: Iterable[int]
) -> dict[int, tuple[int, int, int]]:
    """For each wanted element (by 0-based index in document order): the line its start tag
    ends on (libxml2's line), and the line and 0-based column (in characters) of its '<'."""
    scanner = _scanned(chunks, codec, wanted)
    return {at: (line, *scanner.where[at]) for at, line in scanner.out.items()}


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
