"""Turn command-line operands into documents to read: files, directories, globs and ``-``.

Directories are walked recursively for ``*.xml`` (symbolic links to directories are not
followed, so a link loop cannot trap the walk).  A path that cannot be used is reported as one
line and skipped; the rest of the batch goes on.
"""

from __future__ import annotations

import glob
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

STDIN = "-"
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True, slots=True)
class Source:
    """One document to read: a path, or standard input."""

    name: str  # as shown in reports
    path: Path | None  # None for standard input


@dataclass(frozen=True, slots=True)
class InputProblem:
    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


def _reason(err: OSError) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    return err.strerror or str(err)


def _walk(root: Path, problems: list[InputProblem]) -> list[Path]:
    """Every ``*.xml`` file under ``root``, sorted.  A directory that cannot be listed (at the
    top or anywhere below) is added to ``problems``: skipping it silently would pass a batch
    whose files were never checked."""
    found: list[Path] = []

    def unreadable(err: OSError) -> None:
        name = err.filename if err.filename is not None else str(root)
        problems.append(InputProblem(str(name), f"directory cannot be read: {_reason(err)}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        dirnames.sort()
        found.extend(Path(dirpath) / f for f in filenames if f.lower().endswith(".xml"))
    # A directory named *.xml is not a document: os.walk lists it under dirnames, not here.
    return sorted(found)


def expand(operands: list[str]) -> Iterator[Source | InputProblem]:
    """Sources in the order given; directories and globs expand in sorted order."""
    seen: set[str] = set()
    for op in operands:
        if op == STDIN:
            yield Source("<stdin>", None)
            continue
        path = Path(op)
        candidates: list[Path]
        try:
            is_dir = path.is_dir()
        except OSError as err:  # a name too long, a folder that cannot be searched
            yield InputProblem(op, (err.strerror or str(err)).lower())
            continue
        if is_dir:
            problems: list[InputProblem] = []
            candidates = _walk(path, problems)
            yield from problems
            if not candidates and not problems:
                yield InputProblem(op, "directory holds no *.xml file")
        elif os.path.lexists(op):
            candidates = [path]
        elif _GLOB_CHARS & set(op):
            candidates = [Path(p) for p in sorted(glob.glob(op, recursive=True))]
            candidates = [p for p in candidates if not p.is_dir()]
            if not candidates:
                yield InputProblem(op, "no file matches this pattern")
        else:
            yield InputProblem(op, "no such file or directory")
            continue
        for c in candidates:
            key = os.path.normpath(str(c))
            if key in seen:
                continue
            seen.add(key)
            yield Source(str(c), c)


class InputError(Exception):
    """A source that could not be read; the message is one line for an administrator."""


_CHUNK = 1 << 20


def _read_bounded(fh: BinaryIO, limit: int, expected: int) -> bytes:
    """At most ``limit`` bytes of ``fh``.  ``read(limit)`` would reserve ``limit`` bytes up front
    (1 GiB by default) however small the file; this reserves what is expected, then grows."""
    data = fh.read(min(expected, limit))
    if len(data) < min(expected, limit) or len(data) >= limit:
        return data
    buf = bytearray(data)
    while len(buf) < limit:
        chunk = fh.read(min(_CHUNK, limit - len(buf)))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def _regular(path: Path) -> os.stat_result:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError("no such file (was it removed during the run?)") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as err:  # a symlink loop, a name too long, ...
        raise InputError(err.strerror or str(err)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise InputError("not a regular file (a FIFO, socket or device is not read)")
    return st


def _stdin() -> BinaryIO:
    if sys.stdin is None:  # the process was started with standard input closed (<&-)
        raise InputError("standard input is closed")
    return sys.stdin.buffer


def size(source: Source) -> int | None:
    """The size of a file source in bytes (None for standard input)."""
    return None if source.path is None else _regular(source.path).st_size


def read(source: Source, max_bytes: int) -> bytes:
    """The bytes of a source, reading at most ``max_bytes + 1`` (so the caller sees the excess)."""
    if source.path is None:
        return _read_bounded(_stdin(), max_bytes + 1, _CHUNK)
    st = _regular(source.path)
    try:
        with open(source.path, "rb") as fh:
            # One byte more than stat says, to notice a file that grows while it is read.
            return _read_bounded(fh, max_bytes + 1, st.st_size + 1)
    except FileNotFoundError:
        raise InputError("no such file (was it removed during the run?)") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as err:
        raise InputError(err.strerror or str(err)) from None


@contextmanager
def opened(source: Source) -> Iterator[BinaryIO]:
    """The source as a binary file to read in chunks (streaming)."""
    if source.path is None:
        yield _stdin()
        return
    _regular(source.path)
    try:
        fh = open(source.path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputError("no such file (was it removed during the run?)") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as err:
        raise InputError(err.strerror or str(err)) from None
    with fh:
        yield fh
