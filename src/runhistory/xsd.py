"""The XSD layer: the shipped normative schema, compiled once per thread, and its errors as
findings."""

from __future__ import annotations

import re
from _thread import _local
from collections.abc import Callable, Iterable, Iterator
from functools import cache

from lxml import etree

from runhistory.content_model import not_allowed, repeated
from runhistory.findings import Finding, Severity, one_line
from runhistory.schema_facts import fresh, parsed, schema_path
from runhistory.sections import section_for

# Profiles may validate against a patched copy of the normative schema (built in memory from
# the shipped file, never written).  The rules package registers the patches.
SchemaPatch = Callable[[etree._ElementTree], None]
SCHEMA_PATCHES: dict[str, list[SchemaPatch]] = {}


def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")


def schema_doc(profile: str = "strict") -> etree._ElementTree:
    """A fresh copy of the schema document a profile validates against (patches applied)."""
    doc = fresh()
    for patch in SCHEMA_PATCHES.get(profile, ()):
        patch(doc)
    return doc


class _Compiled(_local):
    """This thread's compiled schemas, by kind and profile."""

    def __init__(self) -> None:
        self.schemas: dict[tuple[str, str], etree.XMLSchema] = {}


_COMPILED = _Compiled()


def per_thread(kind: str, profile: str, build: Callable[[str], etree.XMLSchema]) -> etree.XMLSchema:
    """This thread's compiled schema of ``kind`` for ``profile``: ``build(profile)``, made the
    first time this thread asks for it.

    lxml keeps the errors of a validation on the validator object: one schema validating in two
    threads at once (libxml2 validates without Python's lock) would mix their findings, so each
    thread has its own.  A pool's threads build theirs once; a thread's go when it ends."""
    schemas = _COMPILED.schemas
    found = schemas.get((kind, profile))
    if found is None:
        found = schemas[(kind, profile)] = build(profile)
    return found


def _compiled(profile: str) -> etree.XMLSchema:
    return etree.XMLSchema(schema_doc(profile))


def schema_for(profile: str = "strict") -> etree.XMLSchema:
    """The compiled schema a profile validates against (this thread's: see :func:`per_thread`)."""
    return per_thread("whole", profile, _compiled)


def lent_schema(profile: str = "strict") -> etree.XMLSchema:
    """A second compiled schema of this thread, for a helper thread it waits for (see
    ``validate._overlapped``): made here, where Python runs unhindered, and used by one thread
    at a time."""
    return per_thread("lent", profile, _compiled)


# ---------------------------------------------------------------------------------------------
# libxml2's error log to findings

_MISSING_ATTR = re.compile(r"The attribute '(?P<attr>[^']+)' is required but missing")
_ELEM = re.compile(
    r"^Element '(?P<el>[^']+)'(?:, attribute '(?P<attr>[^']+)')?: (?P<rest>.*)$", re.S
)
_EXPECTED = re.compile(r"Expected is (?:one of )?\( (?P<names>[^)]*) \)")
_SET = re.compile(r"The value '(?P<value>.*)' is not an element of the set \{(?P<set>.*)\}", re.S)
_PATTERN = re.compile(
    r"The value '(?P<value>.*)' is not accepted by the pattern '(?P<pat>.*)'", re.S
)
_FIXED = re.compile(
    r"The value '(?P<value>.*)' does not match the fixed value constraint '(?P<fixed>.*)'", re.S
)
_ELT_FIXED = re.compile(
    r"The element content '(?P<value>.*)' does not match the fixed value constraint "
    r"'(?P<fixed>.*)'",
    re.S,
)
_ATOMIC = re.compile(
    r"'(?P<value>.*)' is not a valid value of the (?:atomic|local atomic) type '(?P<type>[^']*)'",
    re.S,
)
_RANGE = re.compile(
    r"The value '(?P<value>.*)' is (?:greater|less) than the (?:maximum|minimum) value allowed "
    r"\('(?P<limit>[^']*)'\)",
    re.S,
)

# Friendly descriptions of the schema's simple types.
_TYPE_FORMS = {
    "guidType": "a GUID in braces, like {0C4B0F5E-3A7B-4F8C-9D2E-1A2B3C4D5E6F}",
    "dateTimeNoT": "a date-time like 2018-07-24 13:45:07.123",
    "numberType": "a whole number from 0 to 2147483647",
    "xs:unsignedInt": "a whole number from 0 to 4294967295",
    "xs:unsignedByte": "a whole number from 0 to 255",
    "xs:boolean": "true, false, 1 or 0",
    "dnType": "a distinguished name like CN=Jane Doe,OU=Staff,DC=contoso,DC=com",
    "security-idType": "DOMAIN\\account",
    "progressType": "x/y, like 3/10",
}


def _short(value: str, limit: int = 60) -> str:
    value = one_line(value)
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _allowed(names: list[str], value: str) -> str:
    """What an S103 message says after the value: that it is not allowed, and what is."""
    if len(names) <= 8:
        return "which is not allowed; allowed: " + ", ".join(names)
    # Under the product profile the schema's list holds known product values too: it is then
    # not "the spec's" list.
    extra = [n for n in names if n not in spec_enumerations()]
    source = (
        f"the {len(names)} values the product profile accepts (the spec's "
        f"{len(names) - len(extra)} and {len(extra)} known product value"
        f"{'s' if len(extra) != 1 else ''})"
        if extra
        else f"the {len(names)} values the spec lists"
    )
    close = _nearest(value.strip(), names)
    hint = "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else ""
    return f"which is not allowed: it is not one of {source}{hint}"


def _nearest(value: str, names: list[str]) -> list[str]:
    """The allowed values nearest to ``value``: one when it is plainly a slip, else up to three."""
    import difflib  # here: only a finding about a value needs it, not start-up

    close = difflib.get_close_matches(value, names, n=3, cutoff=0.6)
    if close and difflib.SequenceMatcher(None, value, close[0]).ratio() >= 0.9:
        return close[:1]
    return close


@cache
def spec_enumerations() -> frozenset[str]:
    """Every enumerated value of the normative schema, anywhere."""
    tag = "{http://www.w3.org/2001/XMLSchema}enumeration"
    return frozenset(v for el in parsed().iter(tag) if (v := el.get("value")) is not None)


@cache
def declared_names() -> frozenset[str]:
    """Every element name the normative schema declares, anywhere."""
    tag = "{http://www.w3.org/2001/XMLSchema}element"
    return frozenset(n for el in parsed().iter(tag) if (n := el.get("name")))


@cache
def pattern_forms() -> dict[str, str]:
    """Pattern of each named simple type -> the friendly form of that type."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    forms: dict[str, str] = {}
    for st in parsed().iter(f"{xs}simpleType"):
        name = st.get("name")
        pattern = st.find(f"{xs}restriction/{xs}pattern")
        if name in _TYPE_FORMS and pattern is not None and (value := pattern.get("value")):
            forms[value] = _TYPE_FORMS[name]
    return forms


# Given the path of an element libxml2 did not expect, its following and preceding siblings'
# names (or None when the tree is not at hand, as in streaming).
SiblingLookup = Callable[[str], tuple[list[str], list[str]] | None]


def _content_error(
    el: str, rest: str, path: str, siblings: SiblingLookup | None
) -> tuple[str, str]:
    expected = _EXPECTED.search(rest)
    names = expected.group("names").split(", ") if expected else []
    want = " or ".join(f"<{n}>" for n in names) if names else "another element"
    if "not expected" not in rest:
        return "S102", f"<{el}> is missing a required child element: expected {want}"
    if not names:  # the parent's content is complete: name what it may hold
        return "S101", not_allowed(el, path) or f"<{el}> is not allowed here"
    found = siblings(path) if el in declared_names() and siblings is not None else None
    if found is None:
        return "S101", f"<{el}> is not allowed here; expected {want}"
    return _misplaced(el, path, want, names, *found)


def _misplaced(
    el: str, path: str, want: str, names: list[str], after: list[str], before: list[str]
) -> tuple[str, str]:
    """An element of the schema where libxml2 expected ``names``: repeated, missing or out of
    order, told apart by the names of its siblings.  A second ``<el>`` where one only is allowed
    is said to be repeated, whatever libxml2 expected in its place (a <server> repeated in an
    incident was "<cd-error> is missing", in ma-connection "out of order")."""
    if el in before and (message := repeated(el, path)) is not None:
        return "S101", message
    if not any(n in after or n in before for n in names):
        return "S102", f"{want} is missing: it must come before <{el}>"
    if any(n in after for n in names):
        return "S111", f"<{el}> is out of order: {want} must come before it"
    return "S101", f"<{el}> is not allowed here (repeated or misplaced); expected {want}"


def _set(what: str, m: re.Match[str]) -> tuple[str, str]:
    names = re.findall(r"'([^']*)'", m.group("set"))
    value = m.group("value")
    return "S103", f"{what} has value '{_short(value)}', {_allowed(names, value)}"


def _pattern(what: str, m: re.Match[str]) -> tuple[str, str]:
    value = _short(m.group("value"))
    form = pattern_forms().get(m.group("pat"))
    if form:
        return "S104", f"{what} has value '{value}', expected {form}"
    return "S104", f"{what} has value '{value}', which does not match the pattern '{m['pat']}'"


def _fixed(what: str, m: re.Match[str]) -> tuple[str, str]:
    return "S105", f"{what} must be '{m.group('fixed')}', not '{_short(m.group('value'))}'"


def _range(what: str, m: re.Match[str]) -> tuple[str, str]:
    return (
        "S107",
        f"{what} has value '{_short(m.group('value'))}', "
        f"outside the allowed range (limit {m.group('limit')})",
    )


def _atomic(what: str, m: re.Match[str]) -> tuple[str, str]:
    form = _TYPE_FORMS.get(m.group("type"), f"a value of type {m.group('type')}")
    return "S106", f"{what} has value '{_short(m.group('value'))}', expected {form}"


# libxml2's value messages, in the order they are tried, and how each becomes a finding.
_VALUE_ERRORS: tuple[tuple[re.Pattern[str], Callable[[str, re.Match[str]], tuple[str, str]]], ...]
_VALUE_ERRORS = (
    (_SET, _set),
    (_PATTERN, _pattern),
    (_FIXED, _fixed),
    (_ELT_FIXED, _fixed),
    (_RANGE, _range),
    (_ATOMIC, _atomic),
)

# libxml2's structure errors (by type name) -> code and message, given the element and attribute.
_STRUCTURE_ERRORS: dict[str, tuple[str, str]] = {
    "SCHEMAV_CVC_COMPLEX_TYPE_4": ("S108", "<{el}> is missing its required attribute '{attr}'"),
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2": (
        "S109",
        "<{el}> has attribute '{attr}', which the schema does not allow",
    ),
    "SCHEMAV_CVC_COMPLEX_TYPE_2_3": ("S110", "<{el}> holds text, but may only contain elements"),
    "SCHEMAV_CVC_COMPLEX_TYPE_2_1": ("S110", "<{el}> holds text, but may only contain elements"),
    "SCHEMAV_CVC_TYPE_3_1_2": ("S110", "<{el}> holds child elements, but may only contain a value"),
    "SCHEMAV_CVC_COMPLEX_TYPE_2_2": (
        "S110",
        "<{el}> holds child elements, but may only contain a value",
    ),
}


def _classify(
    type_name: str, el: str, attr: str | None, rest: str, path: str, siblings: SiblingLookup | None
) -> tuple[str, str]:
    """(code, message for an administrator) for one libxml2 schema error."""
    what = f"attribute '{attr}' of <{el}>" if attr else f"<{el}>"
    if type_name == "SCHEMAV_ELEMENT_CONTENT":
        return _content_error(el, rest, path, siblings)
    for pattern, finding in _VALUE_ERRORS:
        if m := pattern.search(rest):
            return finding(what, m)
    key = (
        "SCHEMAV_CVC_COMPLEX_TYPE_3_2"
        if type_name.startswith("SCHEMAV_CVC_COMPLEX_TYPE_3_2")
        else type_name
    )
    structure = _STRUCTURE_ERRORS.get(key)
    if structure is not None:
        code, template = structure
        return code, template.format(el=el, attr=attr)
    return "S199", f"{what}: {rest.strip()}"


def findings_from_log(
    entries: Iterable[etree._LogEntry],
    *,
    path_map: Callable[[str], str] | None = None,
    siblings: SiblingLookup | None = None,
) -> Iterator[Finding]:
    """Turn libxml2 schema errors into findings: one problem, one finding."""
    seen: set[tuple[str, str | None]] = set()
    reported: set[tuple[int, str, str, str]] = set()
    for entry in entries:
        if entry.domain_name != "SCHEMASV":
            continue
        m = _ELEM.match(entry.message)
        el, attr, rest = (
            (m.group("el"), m.group("attr"), m.group("rest")) if m else ("?", None, entry.message)
        )
        if attr is None and (ma := _MISSING_ATTR.search(rest)):
            attr = ma.group("attr")
        path = entry.path or ""
        code, message = _classify(entry.type_name, el, attr, rest, path, siblings)
        if path_map is not None:
            path = path_map(path)
        # A facet failure is followed by "not a valid value of the atomic type": drop that echo.
        key = (path, attr)
        if code == "S106" and key in seen:
            continue
        if code in ("S103", "S104", "S105", "S107"):
            seen.add(key)
        full = f"{path}/@{attr}" if attr else path
        dedup = (entry.line, code, full, message)
        if dedup in reported:  # libxml2 may log one failure twice (iterparse does)
            continue
        reported.add(dedup)
        yield Finding(
            rule=code,
            section=section_for(path),
            severity=Severity.ERROR,
            line=entry.line or None,
            column=entry.column or None,
            path=full,
            message=message,
        )
