"""``validate --fix`` and ``--diff``: repair what can be repaired without changing meaning.

One repair exists: the encoding declaration that the bytes contradict (D003) is rewritten to
name the encoding the bytes are in (UTF-8 or UTF-16).  Nothing else in the file changes, byte
for byte; the file is replaced atomically (a temporary file beside it, renamed over it, with its
mode kept); every other finding is still reported, since the file is checked again after.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from runhistory.decoding import decode

FIXABLE = "D003"
_DECLARATION = re.compile(r"""\A(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])([^"']*)\2""")
# The codecs whose documents the repair rewrites, and the name it declares for each.
_NAMES = {"utf-8": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}


@dataclass(frozen=True, slots=True)
class Fix:
    path: Path
    before: bytes
    after: bytes
    declared: str  # what the declaration said
    written: str  # what it says now

    def diff(self) -> str:
        """A unified diff of the change (the declaration's line), as text."""
        old = decode(self.before).text().splitlines(keepends=True)[:1]
        new = decode(self.after).text().splitlines(keepends=True)[:1]
        name = str(self.path)
        name = name.lstrip("/")
        lines = difflib.unified_diff(old, new, f"a/{name}", f"b/{name}")
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _text(data: bytes) -> tuple[int, str, str] | None:
    """(BOM length, codec, text) of a document whose declaration the bytes contradict (D003),
    in an encoding the repair handles, whose text encodes back to exactly the same bytes."""
    decoded = decode(data)
    codec = decoded.codec.lower().replace("_", "-")
    if codec not in _NAMES or not any(f.rule == FIXABLE for f in decoded.findings):
        return None
    try:
        text = decoded.body.decode(decoded.codec)
    except UnicodeDecodeError:
        return None
    faithful = text.encode(decoded.codec) == decoded.body
    return (decoded.bom_length, decoded.codec, text) if faithful else None


def plan(path: Path) -> Fix | None:
    """The repair of ``path``'s declaration, or None when there is none to make (no D003, an
    encoding the repair does not handle, or bytes that do not decode and encode back exactly)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    found = _text(data)
    m = _DECLARATION.match(found[2]) if found else None
    if found is None or m is None:
        return None
    bom, codec, text = found
    name = _NAMES[codec.lower().replace("_", "-")]
    after = data[:bom] + (text[: m.start(3)] + name + text[m.end(3) :]).encode(codec)
    if any(f.rule == FIXABLE for f in decode(after).findings):
        return None
    return Fix(path, data, after, m.group(3), name)


def apply(fix: Fix) -> None:
    """Write the repaired bytes over the file atomically, keeping its mode; the file is not
    replaced when it changed since it was planned."""
    if fix.path.read_bytes() != fix.before:
        raise OSError(f"{fix.path}: changed while it was checked; not fixed")
    st = fix.path.stat()
    fd, temp = tempfile.mkstemp(prefix=f".{fix.path.name}.", suffix=".tmp", dir=fix.path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(fix.after)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, st.st_mode & 0o7777)
        os.replace(temp, fix.path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
