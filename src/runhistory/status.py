"""The status strings of the management-agent methods ([MS-UPSMODS] section 3.2.5).

``Execute`` and ``RunStatus`` return a run's status (the same strings as step-result in the run
history, plus a few that only a method call can return); ``GetServerStatus``, ``ResumeState`` and
``Stop`` have vocabularies of their own; every method may return ``connection-failure`` or
``call-failure``.  :class:`StatusValue` lists every string; ``EXECUTE``, ``RUN_STATUS``,
``GET_SERVER_STATUS``, ``RESUME_STATE`` and ``STOP`` are the sets each method returns;
:func:`classify` says what kind of outcome a string is and :func:`lookup` what it means (in our
words, after the spec).
"""

from __future__ import annotations

from dataclasses import dataclass

from runhistory._status_values import StatusValue
from runhistory.status_advice import ADVICE
from runhistory.status_table import TABLE, StatusClass

__all__ = [
    "EXECUTE",
    "GET_SERVER_STATUS",
    "RESUME_STATE",
    "RUN_STATUS",
    "STATUSES",
    "STOP",
    "Status",
    "StatusClass",
    "StatusValue",
    "classify",
    "lookup",
]


@dataclass(frozen=True, slots=True)
class Status:
    """One status string: its class, the methods that return it, what it means, what to do."""

    value: str
    status_class: StatusClass
    methods: tuple[str, ...]
    meaning: str
    section: str
    advice: str | None = None
    """What an administrator can do about it (None when there is nothing to do)."""


_SECTIONS = {
    "Execute": "3.2.5.2",
    "GetServerStatus": "3.2.5.3",
    "ResumeState": "3.2.5.20",
    "RunStatus": "3.2.5.27",
    "Stop": "3.2.5.28",
}

STATUSES: dict[str, Status] = {
    value: Status(
        value,
        cls,
        methods,
        meaning,
        next((_SECTIONS[m] for m in methods if m in _SECTIONS), "3.2.5"),
        ADVICE.get(value),
    )
    for value, cls, methods, meaning in TABLE
}
"""Every status string of section 3.2.5 (and two FIM-era step results), by value."""


def _of(method: str) -> frozenset[StatusValue]:
    return frozenset(StatusValue(v) for v, s in STATUSES.items() if method in s.methods)


EXECUTE = _of("Execute")
"""The strings Execute returns."""
RUN_STATUS = _of("RunStatus")
"""The strings RunStatus returns for the last run (step-result holds the same for a step)."""
GET_SERVER_STATUS = _of("GetServerStatus")
"""The strings GetServerStatus returns."""
RESUME_STATE = _of("ResumeState")
"""The strings ResumeState returns."""
STOP = _of("Stop")
"""The strings Stop returns."""


def lookup(value: str) -> Status | None:
    """The status for ``value`` (surrounding blanks and case ignored), or None if unknown."""
    return STATUSES.get(value.strip().lower())


def classify(value: str) -> StatusClass | None:
    """The class of a status string, or None when the spec does not define it."""
    found = lookup(value)
    return None if found is None else found.status_class
