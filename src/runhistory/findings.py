"""What a check reports: a :class:`Finding`, with a stable code, a spec section and a location."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from runhistory.escaping import human
from runhistory.location import Location


def one_line(text: str) -> str:
    """``text`` with line breaks, control and bidi characters escaped, so that it prints as one
    line that means what it says (see :func:`runhistory.escaping.human`)."""
    return human(text)


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

    ``rule`` is the stable code (``S102``, ``R210`` ...): the catalog's ``RuleInfo.code``, named
    ``rule`` here as in every output format (the JSON key is stable).  ``section`` is the
    [MS-UPSMODS] section the check enforces, ``line``/``column`` are 1-based (``None`` when
    unknown), ``path`` is an XPath-like location with 1-based positions such as
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
        safe = human(self.message)
        if safe != self.message:
            object.__setattr__(self, "message", safe)

    @property
    def location(self) -> Location:
        """Where the finding is (line, column, path) as one value."""
        return Location(self.line, self.column, self.path)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line or 0, self.column or 0, self.rule, self.path)
