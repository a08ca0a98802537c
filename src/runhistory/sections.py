"""Which [MS-UPSMODS] section defines an element, from its path."""

from __future__ import annotations

import re

# The innermost container decides; checked from the leaf up.
_BY_ELEMENT = {
    "ma-connection": "2.2.1.1.1.1",
    "ma-discovery-errors": "2.2.1.1.1.2",
    "ma-discovery-counters": "2.2.1.1.1.3",
    "synchronization-errors": "2.2.1.1.1.4",
    "mv-retry-errors": "2.2.1.1.1.5",
    "outbound-flow-counters": "2.2.1.1.1.6",
    "staging-counters": "2.2.1.1.1.7",
    "inbound-flow-counters": "2.2.1.1.1.8",
    "export-counters": "2.2.1.1.1.9",
    "step-details": "2.2.1.1.1",
    "run-details": "2.2.1.1",
    "run-history": "2.2.1.1",
}
_STEP = re.compile(r"\[\d+\]$")


def section_for(path: str) -> str:
    """The most specific section for an XPath-like ``path`` (at least ``2.2.1``)."""
    for part in reversed(path.split("/")):
        name = _STEP.sub("", part)
        if name in _BY_ELEMENT:
            return _BY_ELEMENT[name]
    return "2.2.1"


NO_SECTION = "n/a"  # the section of the tool's own codes (limits, suppressions): none applies


def cited(section: str) -> str:
    """How a finding cites its section before the message: ``[§2.2.1.1] `` ('' for none)."""
    return "" if section == NO_SECTION else f"[§{section}] "
