"""What a check reports: a :class:`Finding`, with a stable code, a spec section and a location."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

# Characters that end a line for str.splitlines(), terminals or editors, and other C0 controls:
# a message is one line, so a value quoted in it shows these escaped (\r, \x1f, \u2028 ...).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters escaped, so that it prints as one line."""
    return _UNPRINTABLE.sub(_escape, text)


class Severity(StrEnum):
    """How much a finding matters.  Only ``error`` makes ``validate`` exit 1 by default."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one document.

    ``rule`` is the stable code (``S102``, ``R210`` ...), ``section`` the [MS-UPSMODS]
    section the check enforces, ``line``/``column`` are 1-based (``None`` when unknown),
    ``path`` is an XPath-like location with 1-based positions such as
    ``/run-history/run-details/step-details[2]/step-result``.
    """

    rule: str
    section: str
    severity: Severity
    line: int | None
    column: int | None
    path: str
    message: str

    def __post_init__(self) -> None:
        if _UNPRINTABLE.search(self.message):
            object.__setattr__(self, "message", one_line(self.message))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line or 0, self.column or 0, self.rule, self.path)
