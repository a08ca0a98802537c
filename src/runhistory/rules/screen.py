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
without a screen (incident: few, and its rules carry state from one incident to the next) is
always checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from runhistory import schema_facts as facts
from runhistory.rules._support import BASE64, GUID, calendar_error, datetime_parts
from runhistory.rules.change_not_reimported import ATTRIBUTE_TYPES
from runhistory.rules.discovery import ATTRIBUTE_NAME_TYPES
from runhistory.rules.engine import Element, first
from runhistory.rules.error_info import (
    CALLSITE_STEPS,
    CONTEXT_ATTRIBUTES,
    SCRIPT_ERROR_TYPES,
    SCRIPT_MAYBE_TYPES,
)
from runhistory.rules.sync_errors import MA_STEPS, NOT_REIMPORTED
from runhistory.schema_check import record_containers

Screen = Callable[[Element], bool]

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
_TEXT_TYPES = frozenset(ATTRIBUTE_TYPES) - {"binary"}
_TRUE = frozenset(("true", "1"))

# What most records hold, in one match (the separator is NUL, which XML cannot carry):
# first-occurred, date-occurred, retry-count (0 or above), @cs-guid and @dn as the
# checks above accept them at a glance.  A record that does not match is asked check by check.
_SEP = "\x00"
_DATES = f"{_PLAIN_DATETIME.pattern}{_SEP}{_PLAIN_DATETIME.pattern}{_SEP}(?:0|{_POSITIVE.pattern})"
_AT_A_GLANCE_DN = f"(?:{_PLAIN_DN.pattern}|[^={_SEP}]*[^=\\s{_SEP}][^={_SEP}]*)"
_IMPORT_FAST = re.compile(f"{_DATES}{_SEP}{GUID.pattern}{_SEP}{_AT_A_GLANCE_DN}")
_EXPORT_FAST = re.compile(f"{_DATES}{_SEP}{_AT_A_GLANCE_DN}")

_MA_STEPS = frozenset(MA_STEPS)
_ATTRIBUTE_NAME_TYPES = frozenset(ATTRIBUTE_NAME_TYPES)
_SCRIPT = frozenset(SCRIPT_ERROR_TYPES)
_SCRIPT_OR_MAYBE = frozenset(SCRIPT_ERROR_TYPES + SCRIPT_MAYBE_TYPES)
_CALLSITES = {site: frozenset(steps) for site, steps in CALLSITE_STEPS.items()}


# The leading children each screen reads by position: required, and in this order, in a valid
# element (tests/test_screen.py holds this table to the schema).  A child that is not where the
# table says (a comment before it) makes the screen flag the record.
ORDER: dict[str, tuple[str, ...]] = {
    "import-error": (
        "first-occurred",
        "retry-count",
        "date-occurred",
        "error-type",
        "algorithm-step",
    ),
    "export-error": ("date-occurred", "first-occurred", "retry-count", "error-type"),
    "retry-error": ("date-occurred", "error-type", "algorithm-step"),
    "ma-object-error": ("error-type",),
    "extension-error-info": ("extension-name", "extension-callsite"),
    "rules-error-info": ("context",),
    "context": ("attribute-mapping",),
    "direct-mapping": ("src-attribute",),
    "dn-part-mapping": ("dn-part",),
}

_KINDS: dict[str, frozenset[str]] = {}


def _kinds(record: str) -> frozenset[str]:
    """The error types of the record's strict enumeration (read from the schema once)."""
    found = _KINDS.get(record)
    if found is None:
        found = _KINDS[record] = facts.value_set(f"{record}/error-type")
    return found


def _child(el: Element, at: int, name: str | None) -> Element | None:
    """The child at ``at``, when it is an element named ``name`` (any element: None), where the
    schema's fixed order puts it in a valid record; else None (a comment there: flag)."""
    if len(el) <= at:
        return None
    found = el[at]
    tag = found.tag
    return found if (tag == name if name else isinstance(tag, str)) else None


@lru_cache(maxsize=4096)
def _calendar_ok(value: str) -> bool:
    """R001 and R002 are silent on ``value`` and the record rules can read it as an instant."""
    m = datetime_parts(value)
    return m is not None and m["sep"] == "." and calendar_error(m) is None


def _plain_datetime(value: str | None) -> bool:
    if value is None:
        return False
    return _PLAIN_DATETIME.fullmatch(value) is not None or _calendar_ok(value)


def _dates_flagged(first: str | None, when: str | None, count: str | None) -> bool:
    """R001/R002 on first-occurred and date-occurred, I501 and I502 (import-error and
    export-error).  Two well-formed values with fractions of the same width compare as
    strings exactly as their instants do."""
    if first is None or when is None or count is None:
        return True
    if first == when:
        return count != "0" or not _plain_datetime(first)
    if count == "0" or first > when or len(first) != len(when):
        return True  # I502, I501, or instants the rules compare
    return (
        _POSITIVE.fullmatch(count) is None
        or not _plain_datetime(first)
        or not _plain_datetime(when)
    )


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
    callsite = _child(info, 1, ORDER["extension-error-info"][1])  # after extension-name
    if callsite is None:
        return True
    steps = _CALLSITES.get(callsite.text or "")
    return steps is not None and step.strip() not in steps


def _rules_info_flagged(info: Element | None, step: str) -> bool:
    """R506/R606, R507/R607, I505/I605 and R003 on attribute-mapping/@context-id."""
    if info is None:
        return False
    context = _child(info, 0, ORDER["rules-error-info"][0])
    if context is None:
        return True
    if step == "import-flow" and any(context.get(a) is None for a in CONTEXT_ATTRIBUTES):
        return True
    return _mapping_flagged(_child(context, 0, ORDER["context"][0]))


def _mapping_flagged(mapping: Element | None) -> bool:
    if mapping is None or GUID.fullmatch(mapping.get("context-id") or "") is None:
        return True
    how = _child(mapping, 0, None)
    if how is None or len(mapping) != 1:
        return True  # not one mapping (a comment beside it)
    if how.tag == "direct-mapping":
        src = _child(how, 0, ORDER["direct-mapping"][0])
        return src is None or _dn_not_intrinsic(src)
    if how.tag == "dn-part-mapping":
        part = _child(how, 0, ORDER["dn-part-mapping"][0])
        return part is None or _DN_PART.fullmatch(part.text or "") is None
    return how.tag not in ("scripted-mapping", "constant-mapping")


def _dn_not_intrinsic(src: Element) -> bool:
    """R507/R607: a dn source without intrinsic="true" (or "1")."""
    if (src.text or "") != "dn" or src.get("instrinsic") is not None:
        return False
    return (src.get("intrinsic") or "").strip() not in _TRUE


def _base64_ok(value: str) -> bool:
    """R502 (and R405) are silent: strict base64 whose padding bits are zero."""
    if BASE64.fullmatch(value) is None:
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


def _infos_flagged(kind: str, step: str, infos: list[Element]) -> bool:
    """What import-error and retry-error share: the extension-error-info and rules-error-info
    after algorithm-step (``infos``: the record's children after it, in order)."""
    info = rules = None
    for extra in infos:
        tag = extra.tag
        if tag == "extension-error-info" and info is None and rules is None:
            info = extra
        elif tag == "rules-error-info" and rules is None:
            rules = extra
        else:
            return True  # a comment among the records' children: the rules decide
    return _extension_flagged(kind, info, step) or _rules_info_flagged(rules, step)


# Each screen reads the record's children in the schema's fixed order: a valid record's
# required children come first, so a record whose children are not where a valid record has
# them (a comment among them) is flagged without further ado.


def _out_of_order(first: str, when: str, count: str) -> bool:
    """I501 and I502 on dates and a count that passed the at-a-glance pattern."""
    if count == "0":
        return first != when
    return first >= when or len(first) != len(when)


def _import_head_flagged(el: Element, kids: list[Element]) -> bool:
    """An import-error's dates and count (first-occurred, retry-count, date-occurred come
    first), @cs-guid and @dn."""
    first, count, when = kids[0].text or "", kids[1].text or "", kids[2].text or ""
    guid, dn = el.get("cs-guid"), el.get("dn")
    if _IMPORT_FAST.fullmatch(f"{first}{_SEP}{when}{_SEP}{count}{_SEP}{guid}{_SEP}{dn}"):
        return _out_of_order(first, when, count)
    return (
        _dates_flagged(first, when, count) or GUID.fullmatch(guid or "") is None or _dn_flagged(dn)
    )


def _export_head_flagged(el: Element, kids: list[Element]) -> bool:
    """An export-error's dates and count (date-occurred, first-occurred, retry-count come
    first) and @dn."""
    when, first, count = kids[0].text or "", kids[1].text or "", kids[2].text or ""
    dn = el.get("dn")
    if _EXPORT_FAST.fullmatch(f"{first}{_SEP}{when}{_SEP}{count}{_SEP}{dn}"):
        return _out_of_order(first, when, count)
    return _dates_flagged(first, when, count) or _dn_flagged(dn)


def import_error(el: Element) -> bool:
    """R501, I501-I504, R505-R507, I505, I506, L503, R003, and R001/R002/P003 on its
    children, R502-R504 below its change-not-reimported."""
    kids = list(el)
    if len(kids) < 5 or kids[4].tag != ORDER["import-error"][4]:
        return True
    kind = kids[3].text
    if kind not in _kinds("import-error") or _import_head_flagged(el, kids):
        return True
    step_el = kids[4]
    step = step_el.text or ""
    if step not in _MA_STEPS and (
        step_el.get("ma-id") is not None or step_el.get("dn") is not None
    ):
        return True  # R501
    if len(kids) == 5:
        return kind == NOT_REIMPORTED or kind in _SCRIPT  # I503, R505
    return _import_tail_flagged(kind, step, kids[5:])


def _import_tail_flagged(kind: str, step: str, rest: list[Element]) -> bool:
    """An import-error's optional children: change-not-reimported, then the error-infos."""
    change = rest.pop(0) if rest[0].tag == "change-not-reimported" else None
    if (change is None) == (kind == NOT_REIMPORTED) or (
        change is not None and _change_flagged(change)
    ):
        return True  # I503, R502-R504
    return _infos_flagged(kind, step, rest)


def retry_error(el: Element) -> bool:
    """R605-R607, I605, I606, L603, and R001/R002/P003 on its children."""
    kids = list(el)
    if len(kids) < 3 or kids[2].tag != ORDER["retry-error"][2]:
        return True
    when, kind_el, step_el = kids[:3]
    kind = kind_el.text
    if kind not in _kinds("import-error") or not _plain_datetime(when.text):
        return True
    return _infos_flagged(kind, step_el.text or "", kids[3:])


def export_error(el: Element) -> bool:
    """R508, P007, I501, I502, I504, and R001/R002/P003/P004 on its children."""
    kids = list(el)
    if len(kids) < 4 or kids[3].tag != ORDER["export-error"][3]:
        return True
    kind = kids[3].text
    if kind not in _kinds("export-error") or _export_head_flagged(el, kids):
        return True
    if len(kids) == 4:
        return kind == "cd-error"  # R508
    cd_error = kids[4]
    if len(kids) > 5 or cd_error.tag != "cd-error" or kind != "cd-error":
        return True  # R508 and P007, or a comment
    return first(cd_error, "value") is not None  # not in an export-error's (the XSD): R502


def ma_object_error(el: Element) -> bool:
    """R401-R405 (R405 on its anchor)."""
    kids = list(el)
    if not kids or kids[0].tag != ORDER["ma-object-error"][0]:
        return True
    kind = kids[0].text
    if kind not in _kinds("ma-object-error"):
        return True
    present = {str(k.tag): k for k in kids[1:]}  # a valid record names each child once
    parse_error = kind == "parse-error"
    line, column = "line-number" in present, "column-number" in present
    if parse_error != ("entry-number" in present) or (
        line != column if parse_error else line or column
    ):
        return True  # R401, R402, R403
    if "attribute-name" in present and kind not in _ATTRIBUTE_NAME_TYPES:
        return True  # R404
    anchor = present.get("anchor")
    return anchor is not None and not _base64_ok(anchor.text or "")  # R405


# record name -> its screen (True: run the rules on this record)
SCREENS: dict[str, Screen] = {
    "import-error": import_error,
    "export-error": export_error,
    "retry-error": retry_error,
    "ma-object-error": ma_object_error,
}


def needs_rules(record: Element) -> bool:
    """Whether the rules must run on ``record``, a record valid under the profile's schema (a
    record kind without a screen, a comment: always)."""
    screen = SCREENS.get(record.tag)
    return screen is None or screen(record)


def containers(root: Element, boxes: list[Element] | None = None) -> dict[Element, Screen]:
    """For :func:`~runhistory.rules.engine.run_rules` on a document valid under the profile's
    schema: each element holding screened records, at the place the schema puts it, and the
    screen of its children.  ``boxes``: the document's record containers
    (:func:`~runhistory.schema_check.record_containers`), when the caller has them."""
    names = _screened_boxes()
    if boxes is None:
        boxes = record_containers(root)
    return dict.fromkeys((b for b in boxes if b.tag in names), needs_rules)


@cache
def _screened_boxes() -> frozenset[str]:
    """The names of the containers of screened records."""
    return frozenset(chain[-1] for name, chain in facts.records().items() if name in SCREENS)
