"""Turn command-line operands into documents to read: files, directories, globs and ``-``.

Directories are walked recursively for ``*.xml`` (symbolic links to directories are not
followed, so a link loop cannot trap the walk).  A path that cannot be used is reported as one
line and skipped; the rest of the batch goes on.
"""

from __future__ import annotations

import fnmatch
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

    keyed: list[tuple[tuple[str, ...], Path]] = []
    top = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        dirnames.sort()
        # Sorted as the paths themselves sort (by their parts), without a Path per comparison.
        below = tuple(part for part in dirpath[len(top) :].split(os.sep) if part)
        folder = Path(dirpath)
        keyed.extend(((*below, f), folder / f) for f in filenames if f.lower().endswith(".xml"))
    # A directory named *.xml is not a document: os.walk lists it under dirnames, not here.
    keyed.sort(key=lambda item: item[0])
    found.extend(path for _key, path in keyed)
    return found


def _unlistable(pattern: str) -> list[InputProblem]:
    """The directories ``glob`` would have to list to expand ``pattern`` but cannot: it skips
    them without a word, so a batch would pass over their files."""
    problems: list[InputProblem] = []

    def entries(folder: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder or ".") as it:
                return list(it)
        except FileNotFoundError:
            return []
        except OSError as err:
            problems.append(InputProblem(folder, f"directory cannot be read: {_reason(err)}"))
            return []

    parts = pattern.split("/")
    folders = ["/"] if parts[0] == "" else [""]
    for part in parts[1:-1] if parts[0] == "" else parts[:-1]:
        if part == "**":
            folders = [d for f in folders for d in _below(f, problems)]
        elif _GLOB_CHARS & set(part):
            folders = [
                os.path.join(f, e.name)
                for f in folders
                for e in entries(f)
                if fnmatch.fnmatch(e.name, part) and e.is_dir()
            ]
        else:
            folders = [os.path.join(f, part) for f in folders]
    for f in folders:
        entries(f)
    unique = {os.path.normpath(p.name): p for p in problems}  # '**' lists some twice
    return [InputProblem(name, p.message) for name, p in unique.items()]


def _below(folder: str, problems: list[InputProblem]) -> list[str]:
    """``folder`` and every directory under it (``**``), noting those that cannot be listed."""

    def unreadable(err: OSError) -> None:
        name = err.filename if err.filename is not None else folder
        problems.append(InputProblem(str(name), f"directory cannot be read: {_reason(err)}"))

    found = [folder]
    for dirpath, dirnames, _files in os.walk(folder or ".", onerror=unreadable):
        found.extend(os.path.join(dirpath, d) for d in dirnames)
    return found


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
            unlistable = _unlistable(op)
            yield from unlistable
            if not candidates and not unlistable:
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
        st = os.stat(path)
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


def read(source: Source, max_bytes: int, size: int | None = None) -> bytes:
    """The bytes of a source, reading at most ``max_bytes + 1`` (so the caller sees the excess).
    ``size``: what :func:`size` said of it just before (the file is not looked at again)."""
    if source.path is None:
        return _read_bounded(_stdin(), max_bytes + 1, _CHUNK)
    if size is None:
        size = _regular(source.path).st_size
    try:
        with open(source.path, "rb") as fh:
            # One byte more than stat says, to notice a file that grows while it is read.
            return _read_bounded(fh, max_bytes + 1, size + 1)
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
