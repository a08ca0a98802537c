"""The record screen: decide cheaply, per record, whether any rule could fire in it.

A big document is nearly all records (import-error, export-error, retry-error,
ma-object-error, incident), and nearly all records are clean.  Running every rule on every
element of every record costs tens of microseconds a record; a screen reads a record's children
once, in the schema's fixed order, and answers with string compares, sets and a few
precompiled patterns whether any rule on the record or below it could report something.  Only
the records it flags are checked by the rules (:func:`runhistory.rules.engine.run_subtree`, or
:func:`~runhistory.rules.engine.run_rules` with :func:`skipper`).

A screen is an optimisation, never a second rule set: it may flag a record no rule reports on
(the rules then find nothing), and must never pass a record a rule would report on.  It is
applied only to a record that is valid under the profile's schema, at the place the schema puts
it: every child is where the XSD says, and the screen need not reason about anything else
(product-profile values outside the strict enumerations are flagged).  ``tests/test_screen.py``
holds every screen to that, record by record, against the rules run on every element, over
every broken document the generator makes, the fixtures and fuzzed records.  A record kind
without a screen (ma-object-error, incident: rare and short) is always checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from runhistory import schema_facts as facts
from runhistory.rules._support import GUID, calendar_error, datetime_parts
from runhistory.rules.change_not_reimported import ATTRIBUTE_TYPES
from runhistory.rules.engine import Element
from runhistory.rules.error_info import (
    CALLSITE_STEPS,
    CONTEXT_ATTRIBUTES,
    SCRIPT_ERROR_TYPES,
    SCRIPT_MAYBE_TYPES,
)
from runhistory.rules.sync_errors import MA_STEPS, NOT_REIMPORTED

Screen = Callable[[Element], bool]
Children = dict[str, Element]

# A dateTimeNoT value that is plainly on the calendar with a '.' before its fraction (R001,
# R002); days 29 to 31 and year 0000 are decided by the rules' own reading (_calendar_ok).
_PLAIN_DATETIME = re.compile(
    r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8]) "
    r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{1,3}"
)
# retry-count above 0, as written by the engine (numberType; 9 digits stay below its maximum)
_POSITIVE = re.compile(r"[1-9][0-9]{0,8}")
# dn-part at least 1 (xs:unsignedByte)
_DN_PART = re.compile(r"[1-9][0-9]{0,2}")
# A distinguished name I504 accepts at a glance: type=value RDNs, no escapes, quotes, ';' or '+'.
_PLAIN_DN = re.compile(
    r"[A-Za-z][A-Za-z0-9-]*=[^,;+\"\\=]+(?:,[A-Za-z][A-Za-z0-9-]*=[^,;+\"\\=]+)*"
)

# The control characters R503 looks for (XML 1.0 carries no other C0 character but tab, CR, LF)
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_TEXT_TYPES = frozenset(ATTRIBUTE_TYPES) - {"binary"}
_TRUE = frozenset(("true", "1"))

_MA_STEPS = frozenset(MA_STEPS)
_SCRIPT = frozenset(SCRIPT_ERROR_TYPES)
_SCRIPT_OR_MAYBE = frozenset(SCRIPT_ERROR_TYPES + SCRIPT_MAYBE_TYPES)
_CALLSITES = {site: frozenset(steps) for site, steps in CALLSITE_STEPS.items()}


@lru_cache(maxsize=1)
def _import_types() -> frozenset[str]:
    """import-error and retry-error types (the strict enumeration)."""
    return facts.value_set("import-error/error-type")


@lru_cache(maxsize=1)
def _export_types() -> frozenset[str]:
    return facts.value_set("export-error/error-type")


def _children(el: Element) -> Children:
    """Each child by name (in a valid record every name appears at most once; comments and
    processing instructions go under their own keys, which nothing asks for)."""
    return {item.tag: item for item in el}


def _first(el: Element, name: str) -> Element | None:
    """The first child named ``name`` (without ElementPath, which ``find`` goes through)."""
    return next(el.iterchildren(name), None)


@lru_cache(maxsize=4096)
def _calendar_ok(value: str) -> bool:
    """R001 and R002 are silent on ``value`` and the record rules can read it as an instant."""
    m = datetime_parts(value)
    return m is not None and m["sep"] == "." and calendar_error(m) is None


def _plain_datetime(value: str | None) -> bool:
    if value is None:
        return False
    return _PLAIN_DATETIME.fullmatch(value) is not None or _calendar_ok(value)


def _dates_flagged(kids: Children) -> bool:
    """R001/R002 on first-occurred and date-occurred, I501 and I502 (import-error and
    export-error).  Two well-formed values with fractions of the same width compare as
    strings exactly as their instants do."""
    first_el, when_el, count_el = (
        kids.get("first-occurred"),
        kids.get("date-occurred"),
        kids.get("retry-count"),
    )
    if first_el is None or when_el is None or count_el is None:
        return True
    first, when, count = first_el.text, when_el.text, count_el.text
    if first is None or when is None or len(first) != len(when):
        return True
    if not (_plain_datetime(first) and _plain_datetime(when)):
        return True
    if count == "0":
        return first != when
    return count is None or _POSITIVE.fullmatch(count) is None or first >= when


def _dn_flagged(value: str | None) -> bool:
    """I504 on a record's @dn."""
    if value is None or _PLAIN_DN.fullmatch(value) is not None:
        return False
    return not (value.strip() and "=" not in value)  # not attribute=value: a connector's name


def _extension_flagged(kind: str, info: Element | None, step: str) -> bool:
    """R505/R605, I506/I606 and L503/L603 (``kind`` is a strict error type)."""
    if info is None:
        return kind in _SCRIPT
    if kind not in _SCRIPT_OR_MAYBE:
        return True
    callsite = _first(info, "extension-callsite")
    steps = None if callsite is None else _CALLSITES.get(callsite.text or "")
    return steps is not None and step.strip() not in steps


def _rules_info_flagged(info: Element | None, step: str) -> bool:
    """R506/R606, R507/R607, I505/I605 and R003 on attribute-mapping/@context-id."""
    if info is None:
        return False
    context = _first(info, "context")
    if context is None:
        return True
    if step == "import-flow" and any(context.get(a) is None for a in CONTEXT_ATTRIBUTES):
        return True
    return _mapping_flagged(_first(context, "attribute-mapping"))


def _mapping_flagged(mapping: Element | None) -> bool:
    if mapping is None or GUID.fullmatch(mapping.get("context-id") or "") is None:
        return True
    for how in mapping:
        if how.tag == "direct-mapping":
            src = _first(how, "src-attribute")
            if src is None or _dn_not_intrinsic(src):
                return True
        elif how.tag == "dn-part-mapping":
            part = _first(how, "dn-part")
            if part is None or _DN_PART.fullmatch(part.text or "") is None:
                return True
    return False


def _dn_not_intrinsic(src: Element) -> bool:
    """R507/R607: a dn source without intrinsic="true" (or "1")."""
    if (src.text or "") != "dn" or src.get("instrinsic") is not None:
        return False
    return (src.get("intrinsic") or "").strip() not in _TRUE


def _base64_ok(value: str) -> bool:
    """R502 (and R405) are silent: strict base64 whose padding bits are zero."""
    if _BASE64.fullmatch(value) is None:
        return False
    if value.endswith("=="):
        return value[-3] in "AQgw"  # the last 6-bit group's low 4 bits are padding
    if value.endswith("="):
        return value[-2] in "AEIMQUYcgkosw048"  # the low 2 bits are padding
    return True


def _change_flagged(change: Element) -> bool:
    """R502, R503 and R504 on the anchors and values of a change-not-reimported."""
    for el in change.iter("anchor", "parent-anchor", "value"):
        text = el.text or ""
        if el.tag != "value":
            if not _base64_ok(text):
                return True
            continue
        attr = el.getparent()
        kind = None if attr is None else attr.get("type")
        encoding = el.get("encoding")
        if encoding is None:
            if kind == "binary" or _CONTROL.search(text) is not None:
                return True  # R503
        elif encoding != "base64" or not _base64_ok(text) or kind in _TEXT_TYPES:
            return True  # R502, or R504 may find the value needed no encoding
    return False


def _step_info_flagged(kids: Children, kind: str) -> bool:
    """What import-error and retry-error share: algorithm-step and the two error-infos."""
    step_el = kids.get("algorithm-step")
    if step_el is None:
        return True
    step = step_el.text or ""
    return _extension_flagged(kind, kids.get("extension-error-info"), step) or (
        _rules_info_flagged(kids.get("rules-error-info"), step)
    )


def import_error(el: Element) -> bool:
    """R501, I501-I504, R505-R507, I505, I506, L503, R003 and R001/R002/P003 on its children;
    a change-not-reimported (R502-R504 below it) is always checked."""
    kids = _children(el)
    kind_el = kids.get("error-type")
    kind = None if kind_el is None else kind_el.text
    if kind not in _import_types() or _dates_flagged(kids):
        return True
    change = kids.get("change-not-reimported")
    if change is None:
        if kind == NOT_REIMPORTED:
            return True  # I503
    elif kind != NOT_REIMPORTED or _change_flagged(change):
        return True  # I503, R502-R504
    step_el = kids.get("algorithm-step")
    if step_el is None:
        return True
    if len(step_el.attrib) and (step_el.text or "").strip() not in _MA_STEPS:
        return True  # R501
    if _step_info_flagged(kids, kind):
        return True
    return GUID.fullmatch(el.get("cs-guid") or "") is None or _dn_flagged(el.get("dn"))


def retry_error(el: Element) -> bool:
    """R605-R607, I605, I606, L603 and R001/R002/P003 on its children."""
    kids = _children(el)
    kind_el, when_el = kids.get("error-type"), kids.get("date-occurred")
    kind = None if kind_el is None else kind_el.text
    if kind not in _import_types() or when_el is None or not _plain_datetime(when_el.text):
        return True
    return _step_info_flagged(kids, kind)


def export_error(el: Element) -> bool:
    """R508, P007, I501, I502, I504 and R001/R002/P003/P004 on its children."""
    kids = _children(el)
    kind_el = kids.get("error-type")
    kind = None if kind_el is None else kind_el.text
    if kind not in _export_types() or _dates_flagged(kids):
        return True
    cd_error = kids.get("cd-error")
    if (kind == "cd-error") != (cd_error is not None):
        return True
    if cd_error is not None and _first(cd_error, "value") is not None:
        return True  # not in an export-error's cd-error (the XSD); R502-R504 read values
    return _dn_flagged(el.get("dn"))


# record name -> its screen (True: run the rules on this record)
SCREENS: dict[str, Screen] = {
    "import-error": import_error,
    "export-error": export_error,
    "retry-error": retry_error,
}


def needs_rules(record: Element) -> bool:
    """Whether the rules must run on ``record``, a record valid under the profile's schema (a
    record kind without a screen, a comment: always)."""
    screen = SCREENS.get(record.tag)
    return screen is None or screen(record)


def containers(root: Element) -> dict[Element, Screen]:
    """For :func:`~runhistory.rules.engine.run_rules` on a document valid under the profile's
    schema: each element holding screened records, at the place the schema puts it, and the
    screen of its children."""
    found: dict[Element, Screen] = {}
    for name, chain in facts.records().items():
        if name in SCREENS and root.tag == chain[0]:
            found.update(dict.fromkeys(root.iterfind("/".join(chain[1:])), needs_rules))
    return found
