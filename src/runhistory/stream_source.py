"""Reading a document for streaming: in chunks, within --max-bytes, copied aside when it cannot
be read twice (standard input), and read again for columns, exact lines and suppressions."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from runhistory import suppress
from runhistory.decoding import Decoded, decode
from runhistory.findings import Finding
from runhistory.input_stage import too_big_finding
from runhistory.parsing import refusing, safe_settings

CHUNK = 1 << 16
HEAD = 1 << 16


class TooBig(Exception):
    """The input turned out longer than --max-bytes while it was read."""

    def __init__(self, size: int) -> None:
        self.size = size


def read_chunks(fh: BinaryIO, first: bytes, limit: int) -> Iterator[bytes]:
    """``first``, then the rest of ``fh`` in chunks; raises :class:`TooBig` past ``limit``."""
    total = len(first)
    if total > limit:
        raise TooBig(total)
    if first:
        yield first
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            return
        total += len(chunk)
        if total > limit:
            raise TooBig(total)
        yield chunk


def spooled(fh: BinaryIO) -> tuple[BinaryIO, bool]:
    """``fh`` if it can be read again from the start, else a temporary file to copy it into."""
    try:
        if fh.seekable():
            fh.tell()
            return fh, False
    except OSError:
        pass
    return tempfile.TemporaryFile(), True


class Source:
    """The document being read: its first bytes, the rest in chunks (copied aside when the
    input cannot be read twice), and whether it may hold a suppression marker."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self.fh = fh
        self.limit = limit
        self.start = fh.tell() if fh.seekable() else 0
        self.store, self.copying = spooled(fh)
        self.head = fh.read(min(HEAD, limit + 1))
        if self.copying:
            self.store.write(self.head)
        self.codec = decode(self.head[:512]).codec
        self.marked = suppress.has_marker(self.head, self.codec)

    def rest(self) -> Iterator[bytes]:
        """The chunks after the head (raises :class:`TooBig` past the limit)."""
        overlap = len(suppress.MARKER) * 2
        last = self.head[-overlap:]
        for chunk in read_chunks(self.fh, b"", self.limit - len(self.head)):
            if self.copying:
                self.store.write(chunk)
            if not self.marked:  # (the chunk searched where it is: no copy of it)
                self.marked = suppress.has_marker(
                    last + chunk[:overlap], self.codec
                ) or suppress.has_marker(chunk, self.codec)
                last = chunk[-overlap:]
            yield chunk

    def again(self, decoded: Decoded) -> Iterator[bytes]:
        """The document's body (after any BOM) read again from the start."""
        self.store.seek(self.start)
        return after_bom(read_chunks(self.store, b"", self.limit + 1), decoded)

    def too_big(self) -> list[Finding]:
        size = self.limit + 1  # at least (standard input is not read further)
        if not self.copying:
            size = self.fh.seek(0, io.SEEK_END) - self.start
        return [too_big_finding(size, self.limit, exact=not self.copying)]


def after_bom(chunks: Iterator[bytes], decoded: Decoded) -> Iterator[bytes]:
    skip = len(decoded.data) - len(decoded.body)
    for chunk in chunks:
        if skip:
            chunk, skip = chunk[skip:], max(0, skip - len(chunk))
        if chunk:
            yield chunk


def lost_error(decoded: Decoded) -> etree.XMLSyntaxError | None:
    """The error libxml2 reports without a position when it is fed chunks with entity
    substitution off (an undefined entity): fed again with substitution on (external entities
    still refused), it names it where tree mode does."""
    settings = safe_settings(decoded.encoding) | {"resolve_entities": True}
    parser = refusing(etree.XMLPullParser(events=(), **settings))
    body = decoded.body
    try:
        for at in range(0, len(body), CHUNK):
            parser.feed(body[at : at + CHUNK])
            for _ in parser.read_events():
                pass
        parser.close()
    except etree.XMLSyntaxError as err:
        return err
    return None


def whole(store: BinaryIO, start: int, limit: int) -> Decoded:
    """The whole document, for locating an encoding error the way tree mode does."""
    store.seek(start)
    return decode(store.read(limit + 1))
