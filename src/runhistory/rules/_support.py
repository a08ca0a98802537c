"""Helpers shared by the rule modules: reading values the way the XSD reads them.

Rules report only what the XSD cannot (one problem, one finding), so each helper returns
``None`` for a value the XSD already rejects; the rule then stays silent.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from functools import lru_cache

from runhistory import schema_facts as facts
from runhistory.rules.engine import Check, Element, Hit, Hits, RuleContext, first

# xs:unsignedInt's lexical space (the whitespace facet collapses surrounding blanks).
_UNSIGNED = re.compile(r"\s*\+?([0-9]+)\s*")
NUMBER_MAX = 2147483647  # numberType
UNSIGNED_INT_MAX = 4294967295  # xs:unsignedInt

# dateTimeNoT exactly as the XSD's pattern reads it: its unescaped '.' matches any character
# except a line end, and nothing checks the calendar.
_DATETIME_XSD = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2}) "
    r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<s>[0-9]{2})(?P<sep>[^\n\r])(?P<f>[0-9]{1,3})"
)

GUID = re.compile(
    r"\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}"
)
GUID_FORM = "a GUID in braces, like {0C4B0F5E-3A7B-4F8C-9D2E-1A2B3C4D5E6F}"
DATETIME_FORM = "yyyy-mm-dd hh:mm:ss.fff, like 2018-07-24 13:45:07.123"


def unsigned(el: Element | None, maximum: int = UNSIGNED_INT_MAX) -> int | None:
    """The element's value as the XSD reads an unsigned number; None if the XSD rejects it."""
    if el is None:
        return None
    m = _UNSIGNED.fullmatch(el.text or "")
    if m is None:
        return None
    value = int(m.group(1))
    return value if value <= maximum else None


@lru_cache(maxsize=256)
def datetime_parts(value: str) -> re.Match[str] | None:
    """The parts of a dateTimeNoT value that passes the XSD pattern (None otherwise).

    Cached: several rules read each date-time (R001, R002, the record rules' comparisons).
    """
    return _DATETIME_XSD.fullmatch(value)


def calendar_error(m: re.Match[str]) -> str | None:
    """Why the date-time parts do not name a real instant, or None when they do."""
    # Most values are plainly fine: the pattern fixes where each two-digit field is, and such
    # fields compare as strings.
    v = m.string
    if (
        "01" <= v[5:7] <= "12"
        and "01" <= v[8:10] <= "28"
        and v[11:13] <= "23"
        and v[14:16] <= "59"
        and v[17:19] <= "59"
        and v[0:4] != "0000"
    ):
        return None
    return _date_error(m) or _time_error(m)


def _date_error(m: re.Match[str]) -> str | None:
    y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
    if not 1 <= mo <= 12:
        return f"month {m['mo']} does not exist"
    if y == 0:
        return "year 0000 does not exist"
    try:
        datetime(y, mo, d)
    except ValueError:
        return f"day {m['d']} does not exist in {y:04d}-{mo:02d}"
    return None


def _time_error(m: re.Match[str]) -> str | None:
    for group, name, top in (("h", "hour", 23), ("mi", "minute", 59), ("s", "second", 59)):
        if int(m[group]) > top:
            return f"{name} {m[group]} does not exist (00 to {top})"
    return None


def date_time(el: Element | None) -> datetime | None:
    """A dateTimeNoT element's instant, or None unless it is fully well-formed (XSD and R00x)."""
    if el is None:
        return None
    return _instant(el.text or "")


@lru_cache(maxsize=256)
def _instant(value: str) -> datetime | None:
    if datetime_parts(value) is None or value[19] != ".":
        return None
    # The pattern fixes each field's place; datetime() refuses what calendar_error reports
    # (month 13, day 30 of February, hour 24, year 0).
    try:
        return datetime(
            int(value[0:4]),
            int(value[5:7]),
            int(value[8:10]),
            int(value[11:13]),
            int(value[14:16]),
            int(value[17:19]),
            int(value[20:].ljust(6, "0")),
        )
    except ValueError:
        return None


def step_results() -> frozenset[str]:
    return facts.value_set("step-result")


def connection_results() -> frozenset[str]:
    return facts.value_set("connection-result")


def discovery_error_types() -> frozenset[str]:
    return facts.value_set("ma-object-error/error-type")


def import_error_types() -> frozenset[str]:
    """import-error and retry-error error types (importAndMVRetryErrorType)."""
    return facts.value_set("import-error/error-type")


def export_error_types() -> frozenset[str]:
    return facts.value_set("export-error/error-type")


def algorithm_steps() -> frozenset[str]:
    return facts.value_set("algorithm-step")


def raw(el: Element | None) -> str:
    """The element's text as the XSD compares it with an enumeration: not stripped."""
    return "" if el is None else (el.text or "")


def count_in(el: Element, ctx: RuleContext, container: str, record: str) -> int:
    """How many ``record`` children ``el``'s ``container`` child has (0 without one), records
    that streaming has already dropped included."""
    box = first(el, container)
    return 0 if box is None else ctx.count(box, record)


def present_only_above_zero(message: str) -> Check:
    """The check of a counter the spec omits when its count is zero (R410, R701): ``message``
    with ``{tag}`` for the element's name."""

    def check(el: Element, ctx: RuleContext) -> Hits:
        if unsigned(el) == 0:
            yield Hit(el, message.format(tag=el.tag))

    return check


def one_of(values: tuple[str, ...] | list[str]) -> str:
    """'a, b or c'."""
    values = list(values)
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def base64_problem(value: str) -> str | None:
    """Why ``value`` is not strict, canonical RFC 4648 section 4 base64 (None when it is)."""
    if BASE64.fullmatch(value) is None:
        return _why_not_base64(value)
    try:
        decoded = base64.b64decode(value, validate=True)
    except binascii.Error:  # pragma: no cover - the pattern above admits only valid input
        return "it does not decode"
    if base64.b64encode(decoded).decode("ascii") != value:
        return "its padding bits are not zero (not the canonical encoding, RFC 4648 3.5)"
    return None


def _why_not_base64(value: str) -> str:
    """What is wrong with a value outside the base64 pattern, the likeliest mistake first."""
    if any(c.isspace() for c in value):
        return "it contains white space or line breaks"
    if "-" in value or "_" in value:
        return "it uses the URL-safe alphabet ('-' and '_', RFC 4648 section 5)"
    bad = sorted({c for c in value if not (c.isascii() and (c.isalnum() or c in "+/="))})
    if bad:
        return "it contains " + ", ".join(repr(c) for c in bad)
    if len(value) % 4:
        return f"its length {len(value)} is not a multiple of 4 (missing '=' padding?)"
    return "'=' padding appears before the end"


def not_base64(el: Element) -> str | None:
    """The message for an element whose text is not strict base64 (None when it is)."""
    value = el.text or ""
    problem = base64_problem(value)
    if problem is None:
        return None
    shown = value if len(value) <= 40 else value[:37] + "..."
    return (
        f"<{el.tag}> '{shown}' is not base64 as RFC 4648 section 4 defines it: {problem}; "
        "expected characters A-Z a-z 0-9 + / in groups of four, '=' padding at the end"
    )
