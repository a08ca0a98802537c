"""Text from outside (file names, values quoted from documents, OS messages) made safe to print.

Three places need it, and each has its own function:

* :func:`human` for anything a person reads on a terminal or in a CI log (the text report,
  tables, messages on stderr): control characters (C0, DEL, C1 such as U+009B, the one-byte
  CSI), line and paragraph separators and the bidirectional controls (U+202E ...) are shown as
  ``\\x1b``, ``\\n``, ``\\u202e``, so a name can neither move the cursor, recolour the screen,
  start a new line that looks like a finding or a ``::error`` command, nor reorder what follows
  it.
* :func:`name` for the machine formats (JSON, SARIF, GitLab, JUnit): only what cannot be
  encoded at all is changed.  A file name that is not valid UTF-8 reaches Python with surrogate
  escapes (U+DC80-U+DCFF, one per undecodable byte); they are shown as ``\\xNN``, the byte they
  stand for, where writing them raw would raise UnicodeEncodeError.
* :func:`csv_cell` / :func:`csv_row` for CSV: a cell that a spreadsheet would read as a formula
  (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a line break) gets a leading ``'`` so it
  is shown as text.  Numbers (``-3``, ``+1.5``) are left alone.

:func:`file_uri` gives the URI of a file name with its real bytes percent-encoded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

# Bidirectional formatting characters: marks, embeddings, overrides and isolates.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Everything human() escapes: C0 and C1 controls, DEL, line/paragraph separators, bidi
# controls, and lone surrogates (undecodable bytes of a file name, or broken text).
_HUMAN = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Leading characters that make a spreadsheet evaluate a cell (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _escape_one(m: re.Match[str]) -> str:
    c = m.group()
    named = _NAMED.get(c)
    if named is not None:
        return named
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def human(text: str) -> str:
    """``text`` on one line with nothing a terminal would act on: controls, line breaks, bidi
    controls and lone surrogates escaped (``\\x1b``, ``\\n``, ``\\u202e``, ``\\xe9``)."""
    return _HUMAN.sub(_escape_one, text)


def name(text: str) -> str:
    """``text`` with lone surrogates (undecodable bytes of a file name) shown as ``\\xNN``, so
    that it can be written in UTF-8; everything else unchanged."""
    return _SURROGATE.sub(_escape_one, text)


def encodable(text: str) -> bool:
    """Whether ``text`` can be written in UTF-8 as it is."""
    return _SURROGATE.search(text) is None


def file_uri(path: str) -> str:
    """A URI reference for a file name as given on the command line: relative names stay
    relative, absolute ones become ``file:`` URIs; bytes that are not UTF-8 are
    percent-encoded as the bytes they are."""

    def pct(text: str) -> str:
        if encodable(text):
            return quote(text)
        return quote(os.fsencode(text) if os.name != "nt" else text.encode("utf-8", "replace"))

    if path.startswith("/"):
        return "file://" + pct(path)
    if PureWindowsPath(path).drive:
        return "file:///" + pct(PureWindowsPath(path).as_posix())
    return pct(PurePosixPath(path.replace("\\", "/")).as_posix())


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet evaluates: text beginning like a formula is prefixed
    with ``'``; numbers, ``None`` and other text are returned as they are."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_row(values: Iterable[object]) -> list[object]:
    """:func:`csv_cell` of every value, and :func:`name` of every string (CSV is written in
    UTF-8, which cannot carry a lone surrogate)."""
    return [csv_cell(name(v) if isinstance(v, str) else v) for v in values]
