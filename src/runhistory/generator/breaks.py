"""Deliberately broken documents: one registered break per rule code.

A break takes a conformant document (drawn with the :class:`~.build.Shape` it asks for, so the
part it edits exists) and edits it so that ``validate`` reports its code, at the path the break
returns, and nothing else: the edits keep every other rule satisfied (replacing a record's
content keeps the counters and the step-result consistent, dates stay on the calendar, and so
on).  Where a format forces a second finding, the rule's catalog entry lists it in ``implies``
and the test suite holds the break to exactly that.

Adding a rule is adding one entry here (``@breaks("CODE", ...)``); a test fails for any code in
the catalog that has no break.
"""

from __future__ import annotations

import base64
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from runhistory.generator import values as v
from runhistory.generator.build import Builder, RunFacts, Shape
from runhistory.generator.choices import Chooser
from runhistory.generator.encode import Draft
from runhistory.generator.node import Node, path_to
from runhistory.rules.sync_errors import NOT_REIMPORTED

Edit = Callable[[Chooser, Draft], str]


@dataclass(frozen=True, slots=True)
class Break:
    code: str
    what: str  # a few words for file names and reports: "incident-out-of-order"
    shape: dict[str, Any]  # Shape fields the edited document needs
    edit: Edit  # edits the draft, returns the path the finding is reported at
    profile: str = "strict"  # the profile under which validate reports the code

    def needs(self, shape: Shape) -> Shape:
        """``shape`` with what the edit needs (it must see every record: none is lazy)."""
        need = replace(shape, **self.shape, lazy_records=False)
        lo, hi = need.errors
        if need.first_min_errors > hi:
            need = replace(need, errors=(lo, need.first_min_errors))
        if need.first_kind and need.first_kind not in need.kinds:
            need = replace(need, kinds=(*need.kinds, need.first_kind))
        return need


BREAKS: dict[str, Break] = {}

# Codes no document can trigger by itself, and why: the test suite holds every catalog code to
# a break or an entry here.
UNBREAKABLE: dict[str, str] = {
    "U002": "reported when a configuration file's per-path 'expect' names a code the file lacks; "
    "it depends on the configuration, not on the document",
}


def breaks(
    code: str, what: str, *, profile: str = "strict", **shape: object
) -> Callable[[Edit], Edit]:
    def wrap(edit: Edit) -> Edit:
        if code in BREAKS:
            raise ValueError(f"two breaks for {code}")
        BREAKS[code] = Break(code, what, dict(shape), edit, profile)
        return edit

    return wrap


# -- helpers ------------------------------------------------------------------------------------

STEP = "run-details/step-details"


def _step(d: Draft) -> Node:
    found = d.root.first(STEP)
    assert found is not None
    return found


def _one(node: Node, path: str) -> Node:
    found = node.first(path)
    assert found is not None, path
    return found


def _at(d: Draft, node: Node, attribute: str | None = None) -> str:
    return path_to(d.root, node, attribute)


def _place(parent: Node, child: Node, order: tuple[str, ...]) -> Node:
    """Insert ``child`` where the schema's sequence ``order`` puts it."""
    rank = order.index(child.tag)
    at = len(parent.children)
    for i, c in enumerate(parent.children):
        if c.tag in order and order.index(c.tag) > rank:
            at = i
            break
    parent.children.insert(at, child)
    return child


def _strip(node: Node, *tags: str) -> None:
    node.children = [c for c in node.children if c.tag not in tags]


def _parse(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f")


# -- input (D) ----------------------------------------------------------------------------------


@breaks("D001", "truncated")
def _truncated(ch: Chooser, d: Draft) -> str:
    def cut(text: str) -> str:
        body = text.index("<run-history")
        return text[: ch.integer(body + len("<run-history>") + 1, len(text) - 2)]

    d.text_edit = cut
    return "/"


@breaks("D002", "empty")
def _empty(ch: Chooser, d: Draft) -> str:
    d.data = ch.choice((b"", b"\r\n", b"   \n"))
    return "/"


@breaks("D003", "utf8-declared-utf16")
def _declared_utf16(ch: Chooser, d: Draft) -> str:
    d.encoding = "utf-8-declared-utf-16"
    return "/"


@breaks("D008", "unreadable-declared-encoding")
def _declared_unreadable(ch: Chooser, d: Draft) -> str:
    name = ch.choice(("x-unknown", "UTF-7", "base64"))
    if d.encoding == "utf-8-declared-utf-16":
        d.encoding = "utf-8"  # one finding: the declaration no longer says utf-16

    def declare(text: str) -> str:
        head, end, rest = text.partition("?>")
        return re.sub(r'encoding="[^"]*"', f'encoding="{name}"', head, count=1) + end + rest

    d.text_edit = declare
    return "/"


@breaks("D004", "doctype-entity")
def _doctype(ch: Chooser, d: Draft) -> str:
    d.prolog = ch.choice(
        (
            "<!DOCTYPE run-history>\n",
            '<!DOCTYPE run-history [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
        )
    )
    return "/"


@breaks("D005", "wrong-root")
def _wrong_root(ch: Chooser, d: Draft) -> str:
    d.root = _one(d.root, "run-details")
    return "/run-details"


@breaks("D006", "nested-too-deep")
def _deep(ch: Chooser, d: Draft) -> str:
    desc = _one(_step(d), "step-description")
    node = desc.add("custom-data")
    for _ in range(ch.integer(260, 300)):
        node = node.add("custom-data")
    return "/"


@breaks("D007", "powershell-listing")
def _not_xml(ch: Chooser, d: Draft) -> str:
    prefix = ch.choice(("ReturnValue      : ", "__GENUS          : 2\n"))
    d.text_edit = lambda text: prefix + text
    return "/"


# -- the tool's own markup (U) -------------------------------------------------------------------


@breaks("U001", "stale-inline-suppression")
def _stale_suppression(ch: Chooser, d: Draft) -> str:
    # A suppression comment before an element where its code reports nothing.
    target = ch.choice(("run-details/ma-name", "run-details/step-details/end-date"))
    node = _one(d.root, target)
    node.comment = f" runhistory: ignore {ch.choice(('R405', 'S104', 'R001'))} "
    return _at(d, node)


# -- XSD (S) ------------------------------------------------------------------------------------

RUN_DETAILS = ("ma-id", "ma-name", "run-number", "run-profile-name", "security-id", "step-details")
OBJECT_ERROR = (
    "error-type",
    "entry-number",
    "line-number",
    "column-number",
    "dn",
    "anchor",
    "attribute-name",
    "cd-error",
)


@breaks("S101", "unknown-element")
def _unknown_element(ch: Chooser, d: Draft) -> str:
    details = _one(d.root, "run-details")
    name = ch.choice(("run-profile-id", "ma-type"))
    node = Node(
        name, text="{5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A}" if name.endswith("id") else "AD"
    )
    details.insert_after(_one(details, "run-profile-name"), node)
    return _at(d, node)


@breaks("S102", "missing-element")
def _missing_element(ch: Chooser, d: Draft) -> str:
    step = _step(d)
    which = ch.choice(("end-date", "export-counters"))
    step.remove(_one(step, which))
    if which == "end-date":
        return _at(d, _one(step, "step-result"))
    return _at(d, step)


@breaks("S103", "value-not-in-enumeration")
def _enumeration(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "step-result")
    result.attrs.clear()
    result.text = ch.choice(("completed-sync-error", "failed", "Success"))
    return _at(d, result)


@breaks("S104", "pattern-mismatch")
def _pattern(ch: Chooser, d: Draft) -> str:
    if ch.boolean():
        start = _one(_step(d), "start-date")
        start.text = (start.text or "").replace(" ", "T", 1)
        return _at(d, start)
    ma_id = _one(d.root, "run-details/ma-id")
    ma_id.text = (ma_id.text or "").strip("{}")
    return _at(d, ma_id)


@breaks("S105", "fixed-value")
def _fixed(ch: Chooser, d: Draft) -> str:
    counter = _one(_step(d), "staging-counters/stage-no-change")
    counter.attrs["detail"] = "true"
    return _at(d, counter, "detail")


@breaks("S106", "wrong-type")
def _type(ch: Chooser, d: Draft) -> str:
    counter = _one(_step(d), "current-export-step-counter")
    counter.text = ch.choice(("none", "-1", "0.0"))
    return _at(d, counter)


@breaks("S107", "out-of-range")
def _range(ch: Chooser, d: Draft) -> str:
    number = _one(d.root, "run-details/run-number")
    number.text = str(ch.integer(2147483648, 4294967295))
    return _at(d, number)


@breaks("S108", "missing-attribute")
def _missing_attribute(ch: Chooser, d: Draft) -> str:
    step = _step(d)
    del step.attrs["step-id"]
    return _at(d, step, "step-id")


@breaks("S109", "unknown-attribute")
def _unknown_attribute(ch: Chooser, d: Draft) -> str:
    details = _one(d.root, "run-details")
    details.attrs["ma-type"] = ch.choice(("AD", "SQL", "Extensible2"))
    return _at(d, details, "ma-type")


@breaks("S110", "text-in-element-only-content")
def _text_content(ch: Chooser, d: Draft) -> str:
    box = _one(_step(d), "mv-retry-errors")
    box.children.clear()
    box.lazy = None
    box.text = ch.choice(("none", "0"))
    return _at(d, box)


@breaks("S111", "elements-out-of-order")
def _order(ch: Chooser, d: Draft) -> str:
    details = _one(d.root, "run-details")
    ma_id, ma_name = _one(details, "ma-id"), _one(details, "ma-name")
    details.children[0], details.children[1] = ma_name, ma_id
    return _at(d, ma_name)  # libxml2 reports the first element out of place


@breaks("S199", "not-nillable")
def _other_schema(ch: Chooser, d: Draft) -> str:
    d.root.attrs["xmlns:xsi"] = "http://www.w3.org/2001/XMLSchema-instance"
    name = _one(d.root, "run-details/ma-name")
    name.attrs["xsi:nil"] = "true"
    name.text = None
    return _at(d, name)


# -- 2.2.1 (R0xx) -------------------------------------------------------------------------------


@breaks("R001", "date-not-on-calendar")
def _calendar(ch: Chooser, d: Draft) -> str:
    start = _one(_step(d), "start-date")
    when = _parse(start.text or "")
    day, month = ch.choice(((30, 2), (31, 4), (29, 2), (31, 9)))
    year = when.year if not (month == 2 and day == 29) else 2019
    start.text = f"{year:04d}-{month:02d}-{day:02d}{(start.text or '')[10:]}"
    return _at(d, start)


@breaks("R002", "comma-before-fraction")
def _separator(ch: Chooser, d: Draft) -> str:
    end = _one(_step(d), "end-date")
    text = end.text or ""
    end.text = text[:19] + ch.choice((",", ":")) + text[20:]
    return _at(d, end)


@breaks("R003", "cs-guid-not-a-guid", first_kind="sync", first_min_errors=1)
def _string_guid(ch: Chooser, d: Draft) -> str:
    error = _one(_step(d), "synchronization-errors/import-error")
    error.attrs["cs-guid"] = ch.choice(
        ((error.attrs["cs-guid"]).strip("{}"), (error.attrs["cs-guid"]).replace("-", ""))
    )
    return _at(d, error, "cs-guid")


# -- 2.2.1.1 (R1xx) -----------------------------------------------------------------------------


@breaks("R110", "run-number-zero")
def _run_zero(ch: Chooser, d: Draft) -> str:
    number = _one(d.root, "run-details/run-number")
    number.text = "0"
    for record in d.root.iter():  # a run numbered 0 has no previous run to retry from
        if record.tag == "retry-count":
            record.text = "0"
    _sync_first_occurred(d)
    return _at(d, number)


def _sync_first_occurred(d: Draft) -> None:
    for record in d.root.iter():
        if record.tag in ("import-error", "export-error"):
            first, happened = record.find("first-occurred"), record.find("date-occurred")
            if first is not None and happened is not None:
                first.text = happened.text


@breaks("R111", "step-number-out-of-range")
def _step_number(ch: Chooser, d: Draft) -> str:
    steps = d.root.all(STEP)
    step = steps[0]
    step.attrs["step-number"] = str(len(steps) + ch.integer(1, 3))
    return _at(d, step, "step-number")


# -- 2.2.1.1.1 (R2xx, I2xx, L2xx) ---------------------------------------------------------------


@breaks("R201", "progress-on-success", first_result="success")
def _progress(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "step-result")
    result.attrs["progress"] = "3/10"
    return _at(d, result, "progress")


@breaks("R202", "file-on-success", first_result="success")
def _file(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "step-result")
    result.attrs["file"] = ch.choice(v.FILES)
    return _at(d, result, "file")


@breaks("R203", "export-step-counter-not-zero")
def _export_counter(ch: Chooser, d: Draft) -> str:
    name = ch.choice(("current-export-step-counter", "last-successful-export-step-counter"))
    counter = _one(_step(d), name)
    counter.text = str(ch.integer(1, 40))
    return _at(d, counter)


@breaks("I201", "ends-before-it-starts")
def _ends_early(ch: Chooser, d: Draft) -> str:
    step = _step(d)
    start, end = _one(step, "start-date"), _one(step, "end-date")
    end.text = v.when(_parse(start.text or "") - timedelta(seconds=ch.integer(1, 7200)))
    return _at(d, end)


@breaks("I202", "progress-over-total", first_result="completing-obsoletion")
def _progress_over(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "step-result")
    total = ch.integer(0, 500)
    result.attrs["progress"] = f"{total + ch.integer(1, 50)}/{total}"
    return _at(d, result, "progress")


@breaks("I203", "progress-half-missing", first_result="completing-recomputation")
def _progress_half(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "step-result")
    result.attrs["progress"] = ch.choice(("/10", "7/", "/"))
    return _at(d, result, "progress")


@breaks("L201", "success-with-errors", profile="product", first_result="success")
def _success_errors(ch: Chooser, d: Draft) -> str:
    # A retry-error: no counter counts those, so nothing but L201 notices it.
    step = _step(d)
    record = Node("retry-error", {"mv-guid": v.guid(ch), "displayname": v.person(ch)})
    record.add("date-occurred", _one(step, "start-date").text)
    record.add("error-type", ch.choice(("unexpected-error", "mv-constraint-violation")))
    record.add("algorithm-step", ch.choice(("join", "projection", "provisioning")))
    _one(step, "mv-retry-errors").append(record)
    return _at(d, _one(step, "step-result"))


@breaks(
    "R204",
    "export-errors-without-export-error",
    first_kind="export",
    first_result="success",
    errors=(0, 0),
)
def _export_errors_result(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "step-result")
    result.text = "completed-export-errors"
    return _at(d, result)


@breaks("I204", "error-limit-without-errors", steps=(1, 1), errors=(0, 0), first_result="success")
def _error_limit_without_errors(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "step-result")
    result.text = "stopped-error-limit"
    return _at(d, result)


@breaks(
    "L203",
    "no-objects-but-staged",
    profile="product",
    first_kind="import",
    first_result="completed-no-objects",
)
def _no_objects_staged(ch: Chooser, d: Draft) -> str:
    step = _step(d)
    name = ch.choice(("stage-add", "stage-update", "stage-delete"))
    _one(step, f"staging-counters/{name}").text = str(ch.integer(1, 50))
    return _at(d, _one(step, "step-result"))


@breaks("L204", "no-start-but-staged", profile="product", first_result="no-start-ma")
def _no_start_staged(ch: Chooser, d: Draft) -> str:
    step = _step(d)
    _one(step, "staging-counters/stage-add").text = str(ch.integer(1, 50))
    return _at(d, _one(step, "step-result"))


# -- 2.2.1.1.1.1 (R3xx, I3xx) -------------------------------------------------------------------

_CONNECTED: dict[str, Any] = {"first_kind": "import", "first_connection": "success"}


@breaks("R301", "result-without-log", **_CONNECTED)
def _no_log(ch: Chooser, d: Draft) -> str:
    connection = _one(_step(d), "ma-connection")
    connection.remove(_one(connection, "connection-log"))
    return _at(d, connection)


@breaks("R302", "incidents-out-of-order", first_incidents=2, **_CONNECTED)
def _incident_order(ch: Chooser, d: Draft) -> str:
    incidents = _one(_step(d), "ma-connection/connection-log").findall("incident")
    before, last = incidents[-2], incidents[-1]
    earlier = _parse(_one(before, "date").text or "") - timedelta(seconds=ch.integer(1, 600))
    _one(last, "date").text = v.when(earlier)
    return _at(d, last)


@breaks("R303", "connected-without-server", **_CONNECTED)
def _no_server(ch: Chooser, d: Draft) -> str:
    connection = _one(_step(d), "ma-connection")
    connection.remove(_one(connection, "server"))
    return _at(d, connection)


@breaks("R304", "success-incident-with-cd-error", **_CONNECTED)
def _success_cd_error(ch: Chooser, d: Draft) -> str:
    incident = _one(_step(d), "ma-connection/connection-log").findall("incident")[-1]
    cd = incident.add("cd-error")
    cd.add("error-code", ch.choice(v.ERROR_CODES))
    cd.add("error-literal", ch.choice(v.ERROR_LITERALS))
    return _at(d, cd)


@breaks("R305", "log-without-result", **_CONNECTED)
def _no_result(ch: Chooser, d: Draft) -> str:
    connection = _one(_step(d), "ma-connection")
    connection.remove(_one(connection, "connection-result"))
    return _at(d, connection)


@breaks("I301", "result-disagrees-with-last-incident", **_CONNECTED)
def _disagree(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "ma-connection/connection-result")
    result.text = ch.choice(("warning-no-watermark", "dropped-connection", "failed-search"))
    return _at(d, result)


@breaks("I302", "empty-connection-log", **_CONNECTED)
def _empty_log(ch: Chooser, d: Draft) -> str:
    connection = _one(_step(d), "ma-connection")
    _strip(connection, "connection-result", "server")  # no attempt completed (else R306)
    log = _one(connection, "connection-log")
    log.children.clear()
    return _at(d, log)


@breaks("R306", "attempt-without-incident", **_CONNECTED)
def _attempt_without_incident(ch: Chooser, d: Draft) -> str:
    log = _one(_step(d), "ma-connection/connection-log")
    log.children.clear()
    return _at(d, log)


@breaks("P008", "server-after-failed-connection", profile="product", **_CONNECTED)
def _server_after_failed_connection(ch: Chooser, d: Draft) -> str:
    """Azure AD Connect's shape: failed-connection, the server it tried, an incident with the
    LDAP error."""
    connection = _one(_step(d), "ma-connection")
    _one(connection, "connection-result").text = "failed-connection"
    incident = _one(connection, "connection-log").findall("incident")[-1]
    _one(incident, "connection-result").text = "failed-connection"
    _strip(incident, "cd-error")
    cd = incident.add("cd-error")
    cd.add("error-code", "0x51")
    cd.add("error-literal", "Server Down")
    return _at(d, _one(connection, "server"))


# -- 2.2.1.1.1.2 and .3 (R4xx) -----------------------------------------------------------------

_DISCOVERY: dict[str, Any] = {"first_kind": "import", "first_min_errors": 1}


def _object_error(d: Draft, error_type: str) -> Node:
    """The first ma-object-error, made an error of ``error_type`` with no optional parts that
    depend on the type."""
    error = _one(_step(d), "ma-discovery-errors/ma-object-error")
    _strip(error, "entry-number", "line-number", "column-number", "attribute-name")
    _one(error, "error-type").text = error_type
    return error


@breaks("R401", "entry-number-not-parse-error", **_DISCOVERY)
def _entry_number(ch: Chooser, d: Draft) -> str:
    error = _object_error(d, ch.choice(("missing-dn", "duplicate-object", "read-error")))
    return _at(d, _place(error, Node("entry-number", text=str(ch.integer(1, 900))), OBJECT_ERROR))


@breaks("R402", "line-number-not-parse-error", **_DISCOVERY)
def _line_number(ch: Chooser, d: Draft) -> str:
    error = _object_error(d, ch.choice(("missing-dn", "duplicate-object", "read-error")))
    name = ch.choice(("line-number", "column-number"))
    return _at(d, _place(error, Node(name, text=str(ch.integer(1, 900))), OBJECT_ERROR))


@breaks("R403", "line-without-column", **_DISCOVERY)
def _line_alone(ch: Chooser, d: Draft) -> str:
    error = _object_error(d, "parse-error")
    _place(error, Node("entry-number", text=str(ch.integer(1, 900))), OBJECT_ERROR)
    name = ch.choice(("line-number", "column-number"))
    _place(error, Node(name, text=str(ch.integer(1, 900))), OBJECT_ERROR)
    return _at(d, error)


@breaks("R404", "attribute-name-on-other-error", **_DISCOVERY)
def _attribute_name(ch: Chooser, d: Draft) -> str:
    error = _object_error(d, ch.choice(("missing-dn", "duplicate-object", "anchor-too-long")))
    return _at(d, _place(error, Node("attribute-name", text=ch.choice(v.ATTRIBUTES)), OBJECT_ERROR))


@breaks("R405", "anchor-not-strict-base64", **_DISCOVERY)
def _anchor(ch: Chooser, d: Draft) -> str:
    error = _one(_step(d), "ma-discovery-errors/ma-object-error")
    _strip(error, "anchor")
    value = ch.choice(("q-_xYw==", "AAEC AwQF", "AAECAwQ", "QUJD=RA=="))
    return _at(d, _place(error, Node("anchor", text=value), OBJECT_ERROR))


@breaks("R410", "filtered-counter-zero")
def _filtered_zero(ch: Chooser, d: Draft) -> str:
    counters = _one(_step(d), "ma-discovery-counters")
    name = ch.choice(("filtered-deletions", "filtered-objects"))
    _strip(counters, name)
    return _at(
        d, _place(counters, Node(name, text="0"), ("filtered-deletions", "filtered-objects"))
    )


# -- 2.2.1.1.1.6 (R7xx) -------------------------------------------------------------------------

_OUTBOUND: dict[str, Any] = {
    "first_kind": "sync",
    "first_result": "success",
    "first_outbound": True,
}


@breaks("R701", "outbound-counter-zero", **_OUTBOUND)
def _outbound_zero(ch: Chooser, d: Draft) -> str:
    counter = _one(_step(d), "outbound-flow-counters").children[0]
    counter.text = "0"
    return _at(d, counter)


# -- product departures (P) ---------------------------------------------------------------------


@breaks("P001", "several-run-details", profile="product")
def _several_runs(ch: Chooser, d: Draft) -> str:
    details = _one(d.root, "run-details")
    second = copy.deepcopy(details)
    number = _one(second, "run-number")
    number.text = str(int(number.text or "1") + 1)
    d.root.append(second)
    return _at(d, second)


@breaks(
    "P002",
    "incident-server-error-detail",
    profile="product",
    first_kind="import",
    first_connection="failed-connection",
)
def _incident_detail(ch: Chooser, d: Draft) -> str:
    incident = _one(_step(d), "ma-connection/connection-log").findall("incident")[-1]
    cd = incident.find("cd-error")
    if cd is None:
        cd = incident.add("cd-error")
        cd.add("error-code", ch.choice(v.ERROR_CODES))
        cd.add("error-literal", ch.choice(v.ERROR_LITERALS))
    return _at(d, cd.add("server-error-detail", ch.choice(v.ERROR_LITERALS)))


def _export_error_type(d: Draft, value: str) -> str:
    error = _one(_step(d), "synchronization-errors/export-error")
    _strip(error, "cd-error")
    kind = _one(error, "error-type")
    kind.text = value
    return _at(d, kind)


@breaks("P003", "sharepoint-error-type", profile="product", first_kind="export", first_min_errors=1)
def _sharepoint_type(ch: Chooser, d: Draft) -> str:
    return _export_error_type(d, "ma-extension-error")


@breaks(
    "P004", "prose-export-error-type", profile="product", first_kind="export", first_min_errors=1
)
def _prose_type(ch: Chooser, d: Draft) -> str:
    return _export_error_type(d, ch.choice(("encryption-not-enabled", "schema-violation")))


@breaks("P005", "fim-step-result", profile="product", first_result="success")
def _fim_result(ch: Chooser, d: Draft) -> str:
    result = _one(_step(d), "step-result")
    result.text = ch.choice(("stopped-file-error", "no-start-file-contains-incorrect-step-type"))
    return _at(d, result)


@breaks("P006", "fim-outbound-counter", profile="product", **_OUTBOUND)
def _fim_counter(ch: Chooser, d: Draft) -> str:
    box = _one(_step(d), "outbound-flow-counters")
    name = ch.choice(("provisioned-delete-add-flow", "provisioned-delete-add-no-flow"))
    order = (
        "provisioned-add-no-flow",
        "provisioned-add-flow",
        "provisioned-rename-no-flow",
        "provisioned-rename-flow",
        "provisioned-delete-add-no-flow",
        "provisioned-delete-add-flow",
        "provisioned-disconnect",
        "connector-flow",
        "connector-no-flow",
    )
    node = Node(name, {"detail": "true"}, text=str(ch.integer(1, 99)))
    return _at(d, _place(box, node, order))


# -- 2.2.1.1.1.4 and .5 (R5xx, R6xx, I5xx, I6xx, L5xx, L6xx, P007) -----------------------------

_IMPORT_ERRORS: dict[str, Any] = {"first_kind": "sync", "first_min_errors": 1}
_RETRY_ERRORS: dict[str, Any] = {"first_kind": "sync", "first_retry_errors": 1}
_EXPORT_ERRORS: dict[str, Any] = {"first_kind": "export", "first_min_errors": 1}


def _kit(ch: Chooser, d: Draft) -> tuple[Builder, RunFacts]:
    """The builder and the run facts, to make parts of records the way conformant ones are."""
    details = _one(d.root, "run-details")
    account = _one(details, "security-id").text or "CONTOSO\\svc-sync"
    run = RunFacts(
        account.split("\\", 1)[0].lower(),
        _one(details, "ma-name").text or "",
        _one(details, "ma-id").text or "",
        int(_one(details, "run-number").text or "1"),
        _parse(_one(_step(d), "start-date").text or ""),
    )
    return Builder(ch), run


def _record(d: Draft, tag: str, error_type: str, step: str = "join") -> Node:
    """The step's first ``tag`` record, made a plain error of ``error_type`` at ``step``: no
    change-not-reimported, extension-error-info or rules-error-info, no algorithm-step
    attributes."""
    box = "mv-retry-errors" if tag == "retry-error" else "synchronization-errors"
    record = _one(_step(d), f"{box}/{tag}")
    _strip(record, "change-not-reimported", "extension-error-info", "rules-error-info")
    _one(record, "error-type").text = error_type
    algorithm = _one(record, "algorithm-step")
    algorithm.text = step
    algorithm.attrs.clear()
    return record


def _with_change(ch: Chooser, d: Draft, error_type: str = NOT_REIMPORTED) -> Node:
    record = _record(d, "import-error", error_type)
    builder, run = _kit(ch, d)
    return record.append(builder.change_not_reimported(ch, run, record.attrs["dn"]))


def _with_rules_info(ch: Chooser, d: Draft, tag: str, step: str = "import-flow") -> Node:
    record = _record(d, tag, "sync-rule-flow-attribute-not-found", step)
    builder, run = _kit(ch, d)
    return record.append(builder.rules_error_info(ch, run, step, v.dn(ch, run.domain)))


def _with_extension_info(ch: Chooser, d: Draft, tag: str, error_type: str, step: str) -> Node:
    record = _record(d, tag, error_type, step)
    info = record.add("extension-error-info")
    info.add("extension-name", ch.choice(v.EXTENSIONS))
    info.add("extension-callsite", "initialize")
    info.add("extension-context", "")
    info.add("call-stack", ch.choice(v.CALL_STACKS))
    return info


@breaks("R501", "algorithm-step-attribute-on-join", **_IMPORT_ERRORS)
def _algorithm_attribute(ch: Chooser, d: Draft) -> str:
    record = _record(d, "import-error", "unexpected-error", ch.choice(("join", "projection")))
    algorithm = _one(record, "algorithm-step")
    name = ch.choice(("ma-id", "dn"))
    algorithm.attrs[name] = (
        _one(d.root, "run-details/ma-id").text or "" if name == "ma-id" else record.attrs["dn"]
    )
    return _at(d, algorithm, name)


@breaks("R502", "change-anchor-not-base64", **_IMPORT_ERRORS)
def _change_anchor(ch: Chooser, d: Draft) -> str:
    change = _with_change(ch, d)
    anchor = _one(change, "entry/anchor")
    anchor.text = ch.choice(("q-_xYw==", "AAEC AwQF", "AAECAwQ"))
    return _at(d, anchor)


@breaks("R503", "binary-value-not-encoded", **_IMPORT_ERRORS)
def _binary_plain(ch: Chooser, d: Draft) -> str:
    entry = _one(_with_change(ch, d), "entry")
    attr = entry.add(
        "attr", name=ch.choice(v.BINARY_ATTRIBUTES), type="binary", multivalued="false"
    )
    return _at(d, attr.add("value", ch.choice(("AQIDBA==", "0x010203"))))


@breaks("R504", "text-value-encoded", **_IMPORT_ERRORS)
def _text_encoded(ch: Chooser, d: Draft) -> str:
    entry = _one(_with_change(ch, d), "entry")
    attr = entry.add("attr", name="department", type="string", multivalued="false")
    word = ch.choice(("Sales", "Engineering", "Finance"))
    value = attr.add("value", base64.b64encode(word.encode()).decode(), encoding="base64")
    return _at(d, value, "encoding")


def _script_error_without_info(ch: Chooser, d: Draft, tag: str) -> str:
    kind = ch.choice(("extension-dll-exception", "extension-dll-crash", "extension-dll-timeout"))
    return _at(d, _record(d, tag, kind))


@breaks("R505", "extension-error-without-info", **_IMPORT_ERRORS)
def _no_extension_info(ch: Chooser, d: Draft) -> str:
    return _script_error_without_info(ch, d, "import-error")


@breaks("R605", "retry-extension-error-without-info", **_RETRY_ERRORS)
def _no_retry_extension_info(ch: Chooser, d: Draft) -> str:
    return _script_error_without_info(ch, d, "retry-error")


def _context_incomplete(ch: Chooser, d: Draft, tag: str) -> str:
    context = _one(_with_rules_info(ch, d, tag), "context")
    del context.attrs[ch.choice(("ma-id", "ma-name", "cs-object-id", "dn"))]
    return _at(d, context)


@breaks("R506", "import-flow-context-incomplete", **_IMPORT_ERRORS)
def _context(ch: Chooser, d: Draft) -> str:
    return _context_incomplete(ch, d, "import-error")


@breaks("R606", "retry-import-flow-context-incomplete", **_RETRY_ERRORS)
def _retry_context(ch: Chooser, d: Draft) -> str:
    return _context_incomplete(ch, d, "retry-error")


def _dn_not_intrinsic(ch: Chooser, d: Draft, tag: str) -> str:
    mapping = _one(_with_rules_info(ch, d, tag), "context/attribute-mapping")
    mapping.children.clear()
    src = mapping.add("direct-mapping").add("src-attribute", "dn")
    if ch.boolean():
        src.attrs["intrinsic"] = "false"
        return _at(d, src, "intrinsic")
    return _at(d, src)


@breaks("R507", "dn-source-not-intrinsic", **_IMPORT_ERRORS)
def _intrinsic(ch: Chooser, d: Draft) -> str:
    return _dn_not_intrinsic(ch, d, "import-error")


@breaks("R607", "retry-dn-source-not-intrinsic", **_RETRY_ERRORS)
def _retry_intrinsic(ch: Chooser, d: Draft) -> str:
    return _dn_not_intrinsic(ch, d, "retry-error")


@breaks("R508", "cd-error-type-without-cd-error", **_EXPORT_ERRORS)
def _export_without_cd_error(ch: Chooser, d: Draft) -> str:
    error = _one(_step(d), "synchronization-errors/export-error")
    _strip(error, "cd-error")
    _one(error, "error-type").text = "cd-error"
    return _at(d, error)


@breaks("P007", "cd-error-on-other-export-error", profile="product", **_EXPORT_ERRORS)
def _cd_error_other_type(ch: Chooser, d: Draft) -> str:
    error = _one(_step(d), "synchronization-errors/export-error")
    _one(error, "error-type").text = ch.choice(("permission-issue", "cd-missing-object"))
    cd = error.find("cd-error")
    if cd is None:
        cd = error.add("cd-error")
        cd.add("error-code", ch.choice(v.ERROR_CODES))
        cd.add("error-literal", ch.choice(v.ERROR_LITERALS))
    return _at(d, cd)


@breaks("I504", "dn-not-a-distinguished-name", **_EXPORT_ERRORS)
def _dn_not_a_dn(ch: Chooser, d: Draft) -> str:
    error = _one(_step(d), "synchronization-errors/export-error")
    last, first = ch.choice(v.LAST), ch.choice(v.FIRST)
    rest = "OU=" + ch.choice(v.OUS) + ",DC=contoso,DC=com"
    error.attrs["dn"] = ch.choice(
        (
            f"CN={last}, {first},{rest}",  # the comma inside the name is not escaped
            f"CN={first} {last}\\",  # an escape with nothing after it
            f"CN={first} {last},,{rest}",  # an empty RDN
        )
    )
    return _at(d, error, "dn")


@breaks("I501", "first-occurred-after-date-occurred", **_EXPORT_ERRORS)
def _first_after(ch: Chooser, d: Draft) -> str:
    error = _one(_step(d), "synchronization-errors/export-error")
    happened = _parse(_one(error, "date-occurred").text or "")
    first = _one(error, "first-occurred")
    first.text = v.when(happened + timedelta(seconds=ch.integer(1, 86400)))
    return _at(d, first)


@breaks("I502", "retry-count-zero-but-seen-before", **_EXPORT_ERRORS)
def _retry_zero(ch: Chooser, d: Draft) -> str:
    error = _one(_step(d), "synchronization-errors/export-error")
    happened = _parse(_one(error, "date-occurred").text or "")
    _one(error, "first-occurred").text = v.when(happened - timedelta(days=ch.integer(1, 30)))
    count = _one(error, "retry-count")
    count.text = "0"
    return _at(d, count)


@breaks("I503", "change-not-reimported-on-other-error", **_IMPORT_ERRORS)
def _change_other_type(ch: Chooser, d: Draft) -> str:
    return _at(d, _with_change(ch, d, ch.choice(("unexpected-error", "mv-constraint-violation"))))


def _dn_part_zero(ch: Chooser, d: Draft, tag: str) -> str:
    mapping = _one(_with_rules_info(ch, d, tag), "context/attribute-mapping")
    mapping.children.clear()
    return _at(d, mapping.add("dn-part-mapping").add("dn-part", "0"))


@breaks("I505", "dn-part-zero", **_IMPORT_ERRORS)
def _dn_part(ch: Chooser, d: Draft) -> str:
    return _dn_part_zero(ch, d, "import-error")


@breaks("I605", "retry-dn-part-zero", **_RETRY_ERRORS)
def _retry_dn_part(ch: Chooser, d: Draft) -> str:
    return _dn_part_zero(ch, d, "retry-error")


def _extension_info_on_other(ch: Chooser, d: Draft, tag: str) -> str:
    kind = ch.choice(
        ("unexpected-error", "mv-constraint-violation", "join-object-id-must-be-single-valued")
    )
    return _at(d, _with_extension_info(ch, d, tag, kind, "join"))


@breaks("I506", "extension-info-on-other-error", **_IMPORT_ERRORS)
def _extension_other(ch: Chooser, d: Draft) -> str:
    return _extension_info_on_other(ch, d, "import-error")


@breaks("I606", "retry-extension-info-on-other-error", **_RETRY_ERRORS)
def _retry_extension_other(ch: Chooser, d: Draft) -> str:
    return _extension_info_on_other(ch, d, "retry-error")


@breaks("L501", "export-failure-miscounted", profile="product", **_EXPORT_ERRORS)
def _export_failure(ch: Chooser, d: Draft) -> str:
    counter = _one(_step(d), "export-counters/export-failure")
    counter.text = str(int(counter.text or "0") + ch.integer(1, 5))
    return _at(d, counter)


@breaks("L502", "stage-failure-miscounted", profile="product", **_IMPORT_ERRORS)
def _stage_failure(ch: Chooser, d: Draft) -> str:
    counter = _one(_step(d), "staging-counters/stage-failure")
    counter.text = str(ch.integer(1, 5))
    return _at(d, counter)


def _callsite_elsewhere(ch: Chooser, d: Draft, tag: str) -> str:
    info = _with_extension_info(ch, d, tag, "extension-dll-exception", "join")
    callsite = _one(info, "extension-callsite")
    callsite.text = ch.choice(("export-flow", "provisioning", "import-flow"))
    return _at(d, callsite)


@breaks("L503", "callsite-disagrees-with-step", profile="product", **_IMPORT_ERRORS)
def _callsite(ch: Chooser, d: Draft) -> str:
    return _callsite_elsewhere(ch, d, "import-error")


@breaks("L603", "retry-callsite-disagrees-with-step", profile="product", **_RETRY_ERRORS)
def _retry_callsite(ch: Chooser, d: Draft) -> str:
    return _callsite_elsewhere(ch, d, "retry-error")
