"""Values from a document made safe to print in a table or to open in a spreadsheet.

- :func:`human`: text for a terminal on one line.  Control characters (C0, DEL, C1 such as
  U+009B, the one-byte CSI), line and paragraph separators and bidirectional controls (U+202E
  ...) are shown escaped (``\\n``, ``\\x9b``, ``\\u202e``), so a value cannot start a new row,
  drive the terminal or reorder the text after it.
- :func:`csv_cell`: a CSV cell no spreadsheet evaluates.  Text beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a line break gets a leading ``'`` and is shown as text; numbers
  (``-2147016672``) are left as they are.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def human(text: str) -> str:
    """``text`` on one line with nothing a terminal would act on (see the module)."""
    return _UNSAFE.sub(_escape, text)


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell that a spreadsheet shows as text, never as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value
