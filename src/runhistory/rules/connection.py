"""Section 2.2.1.1.1.1: ma-connection, its connection-log and incidents.

incident is a repeated record: rules on ma-connection and connection-log only count incidents;
what they need from inside an incident, an incident-level rule leaves in ``ctx.state``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from runhistory.catalog import Kind
from runhistory.generator import edits as e
from runhistory.generator import values as gv
from runhistory.rules._support import connection_results, date_time
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, first, rule, sourceline
from runhistory.rules.product import PROFILE

# connection-result values that mean the agent never got a connection, and the one that means
# it did.  dropped-connection, failed-search and warning-no-watermark say something happened
# after connecting, but not whether the final attempt holds a connection: server is not checked.
NOT_CONNECTED = ("failed-connection", "failed-authentication")
CONNECTED = ("success",)
# Incident results that are errors while connected: cd-error MUST be present.  failed-connection
# "generally" has one (2.2.1.1.1.1), failed-authentication happens before a connection exists,
# warning-no-watermark is a warning: cd-error is optional for those.
ERROR_WHILE_CONNECTED = ("dropped-connection", "failed-search")


def _result(el: Element | None) -> str | None:
    """A connection-result value the spec knows (the XSD reports any other)."""
    if el is None:
        return None
    value = el.text or ""
    return value if value in connection_results() else None


@rule(
    "R301",
    section="2.2.1.1.1.1",
    quote=(
        "A connection-log element MUST be present if one or more connections to a server "
        "were attempted."
    ),
    on="ma-connection",
    summary="connection-log is present when a connection was attempted (connection-result present)",
    fix=(
        "Add the connection-log with its incident(s), or remove connection-result"
        " if no connection was attempted."
    ),
)
def log_when_attempted(el: Element, ctx: RuleContext) -> Hits:
    result = first(el, "connection-result")
    if result is not None and first(el, "connection-log") is None:
        yield Hit(
            el,
            "<ma-connection> has a connection-result, so a connection was attempted, but no "
            "<connection-log>; the log lists each attempt as an <incident>",
        )


@rule(
    "R302",
    section="2.2.1.1.1.1",
    quote="The incident elements MUST be in order of occurrence.",
    on="incident",
    summary="incidents are in order of occurrence (dates never decrease)",
    fix=("Put the incidents in the order they occurred (their dates never decrease)."),
)
def incidents_in_order(el: Element, ctx: RuleContext) -> Hits:
    when = date_time(first(el, "date"))
    log = el.getparent()
    last: tuple[Element | None, datetime, Element] | None = ctx.state.get("R302")
    if when is None:
        return
    if last is not None and last[0] is log and when < last[1]:
        yield Hit(
            el,
            f"this incident ({when:%Y-%m-%d %H:%M:%S}) is earlier than the one before it at "
            f"line {sourceline(last[2])} ({last[1]:%Y-%m-%d %H:%M:%S}); incidents are listed "
            "in the order they occurred",
        )
    ctx.state["R302"] = (log, when, el)


@rule(
    "R303",
    section="2.2.1.1.1.1",
    quote=(
        "This element MUST be present if and only if the management agent successfully "
        "connected to a server."
    ),
    on="ma-connection",
    summary="ma-connection/server is present if and only if the agent connected",
    notes="Connected: connection-result success.  Not connected: no connection-result, "
    "failed-connection or failed-authentication.  The other results are not checked (see "
    "docs/errata.md).",
    fix=(
        "Give ma-connection a server when the agent connected (connection-result "
        "success) and none when it did not."
    ),
)
def server_iff_connected(el: Element, ctx: RuleContext) -> Hits:
    result_el = first(el, "connection-result")
    result = _result(result_el)
    if result_el is not None and result is None:
        return  # the XSD reports the value
    log = first(el, "connection-log")
    if result_el is None and log is not None and ctx.count(log, "incident"):
        return  # attempts were logged: the missing connection-result is R305's one finding
    server = first(el, "server")
    if result in CONNECTED and server is None:
        yield Hit(
            el,
            f"connection-result is '{result}' but <server> is missing; it names the server "
            "the agent connected to",
        )
    elif server is not None and (result is None or result in NOT_CONNECTED):
        if _aadc_server(el, ctx):
            return  # the product profile's P008 reports it
        why = (
            "there is no connection-result"
            if result is None
            else f"connection-result is '{result}'"
        )
        yield Hit(
            server,
            f"<server> is present but {why}: the agent did not connect; <server> is only "
            "present after a successful connection",
        )


@rule(
    "R304",
    section="2.2.1.1.1.1",
    quote=(
        "This element MUST be present if and only if an error occurred while connected to "
        "the data source."
    ),
    on="incident",
    summary="an incident has a cd-error if and only if an error occurred: never with success, "
    "always with dropped-connection or failed-search",
    notes="failed-connection, failed-authentication and warning-no-watermark may have one or "
    "not (see docs/errata.md).",
    fix=(
        "Give an incident a cd-error when the attempt failed (dropped-connection,"
        " failed-search) and none with success."
    ),
)
def cd_error_iff_error(el: Element, ctx: RuleContext) -> Hits:
    result = _result(first(el, "connection-result"))
    cd_error = first(el, "cd-error")
    if result == "success" and cd_error is not None:
        yield Hit(
            cd_error,
            "this incident's connection-result is 'success' but it has a <cd-error>; "
            "cd-error is only present when an error occurred",
        )
    elif result in ERROR_WHILE_CONNECTED and cd_error is None:
        yield Hit(
            el,
            f"this incident's connection-result is '{result}', an error while connected, but "
            "it has no <cd-error> with the data source's error-code and error-literal",
        )


@rule(
    "R305",
    section="2.2.1.1.1.1",
    quote=(
        "The ma-connection/connection-result element contains the current status of the "
        "connection and MUST be present if and only if an attempt to connect to the "
        "server has completed."
    ),
    on="ma-connection",
    summary="ma-connection/connection-result is present when the connection-log records "
    "completed attempts",
    fix=(
        "Add ma-connection/connection-result: the connection-log records attempts that completed."
    ),
)
def result_when_incidents(el: Element, ctx: RuleContext) -> Hits:
    log = first(el, "connection-log")
    if log is None or first(el, "connection-result") is not None:
        return
    n = ctx.count(log, "incident")
    if n:
        yield Hit(
            el,
            f"the connection-log records {n} completed connection attempt(s) but "
            "<ma-connection> has no <connection-result>; it is present once an attempt has "
            "completed",
        )


@rule(
    "I301",
    section="2.2.1.1.1.1",
    quote=(
        "The ma-connection/connection-result element contains the current status of the connection"
    ),
    on=("incident", "ma-connection"),
    kind=Kind.INFERRED,
    summary="ma-connection/connection-result agrees with the last incident's connection-result",
    fix=(
        "Make ma-connection/connection-result agree with the connection-result of"
        " the last incident in the connection-log; in a capture, save it again "
        "rather than editing it."
    ),
)
def result_agrees_with_last_incident(el: Element, ctx: RuleContext) -> Hits:
    if el.tag == "incident":
        ctx.state["I301"] = (el.getparent(), _result(first(el, "connection-result")))
        return
    result_el = first(el, "connection-result")
    result = _result(result_el)
    log = first(el, "connection-log")
    last = ctx.state.pop("I301", None)
    if result_el is None or result is None or log is None or last is None:
        return
    if last[0] is log and last[1] is not None and last[1] != result:
        yield Hit(
            result_el,
            f"connection-result is '{result}' but the last incident of the connection-log is "
            f"'{last[1]}'; the current status is the outcome of the last attempt",
        )


@rule(
    "I302",
    section="2.2.1.1.1.1",
    quote=("The ma-connection/connection-log element contains one or more connection incidents."),
    on="connection-log",
    kind=Kind.INFERRED,
    summary="a connection-log holds at least one incident",
    fix=(
        "Remove the empty connection-log, or give it the incident(s) the "
        "connection attempts recorded."
    ),
)
def log_not_empty(el: Element, ctx: RuleContext) -> Hits:
    parent = el.getparent()
    if parent is not None and first(parent, "connection-result") is not None:
        return  # an attempt completed: an empty log is R306's error
    if not ctx.count(el, "incident"):
        yield Hit(
            el,
            "<connection-log> is empty; it is present only when connections were attempted, "
            "with one <incident> per attempt",
        )


@rule(
    "R306",
    section="2.2.1.1.1.1",
    quote="An incident element MUST be present for each attempted connection to a server.",
    on="ma-connection",
    summary="the connection-log holds an incident when connection-result shows that an attempt "
    "completed",
    notes="connection-result is present if and only if an attempt to connect has completed "
    "(R305's sentence), and each attempt has its incident: a present connection-result with an "
    "empty connection-log breaks the MUST, the chain R301 reads for the log itself.  An empty "
    "log without a connection-result is the warning I302.",
    fix=(
        "Add the incident(s) to the connection-log: its connection-result says an"
        " attempt completed."
    ),
)
def incident_when_attempted(el: Element, ctx: RuleContext) -> Hits:
    result = first(el, "connection-result")
    log = first(el, "connection-log")
    if result is None or log is None or ctx.count(log, "incident"):
        return
    yield Hit(
        log,
        f"<connection-log> is empty but connection-result is '{(result.text or '').strip()}', "
        "so a connection was attempted; the log has one <incident> for each attempt",
    )


def _aadc_server(el: Element, ctx: RuleContext) -> bool:
    """True under the product profile for Azure AD Connect's failed-connection with a server."""
    return (
        ctx.profile == PROFILE
        and _result(first(el, "connection-result")) == "failed-connection"
        and first(el, "server") is not None
    )


@rule(
    "P008",
    section="2.2.1.1.1.1",
    quote="This element MUST be present if and only if the management agent successfully "
    "connected to a server.",
    on="ma-connection",
    kind=Kind.PRODUCT,
    summary="ma-connection/server with connection-result failed-connection (Azure AD Connect "
    "names the server it tried)",
    notes="Strict reports it as R303 (an error).  Silent under strict, even when selected.  See "
    "docs/errata.md for where the departure was seen.",
    fix=(
        "Nothing to fix in Azure AD Connect output; to meet the spec, leave out "
        "ma-connection/server when the connection failed."
    ),
)
def server_after_failed_connection(el: Element, ctx: RuleContext) -> Hits:
    if _aadc_server(el, ctx):
        server = first(el, "server")
        assert server is not None
        yield Hit(
            server,
            f"<server> '{(server.text or '').strip()}' is present although connection-result is "
            "'failed-connection'; the spec has <server> only after a successful connection "
            "(Azure AD Connect names the server it tried)",
        )


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("R301", "result-without-log", **e.CONNECTED)
def _no_log(ch: e.Chooser, d: e.Draft) -> str:
    connection = e.one(e.step(d), "ma-connection")
    connection.remove(e.one(connection, "connection-log"))
    return e.at(d, connection)


@e.breaks("R302", "incidents-out-of-order", first_incidents=2, **e.CONNECTED)
def _incident_order(ch: e.Chooser, d: e.Draft) -> str:
    incidents = e.one(e.step(d), "ma-connection/connection-log").findall("incident")
    before, last = incidents[-2], incidents[-1]
    earlier = e.parse(e.one(before, "date").text or "") - timedelta(seconds=ch.integer(1, 600))
    e.one(last, "date").text = gv.when(earlier)
    return e.at(d, last)


@e.breaks("R303", "connected-without-server", **e.CONNECTED)
def _no_server(ch: e.Chooser, d: e.Draft) -> str:
    connection = e.one(e.step(d), "ma-connection")
    connection.remove(e.one(connection, "server"))
    return e.at(d, connection)


@e.breaks("R304", "success-incident-with-cd-error", **e.CONNECTED)
def _success_cd_error(ch: e.Chooser, d: e.Draft) -> str:
    incident = e.one(e.step(d), "ma-connection/connection-log").findall("incident")[-1]
    cd = gv.cd_error(ch, incident)
    return e.at(d, cd)


@e.breaks("R305", "log-without-result", **e.CONNECTED)
def _no_result(ch: e.Chooser, d: e.Draft) -> str:
    connection = e.one(e.step(d), "ma-connection")
    connection.remove(e.one(connection, "connection-result"))
    return e.at(d, connection)


@e.breaks("I301", "result-disagrees-with-last-incident", **e.CONNECTED)
def _disagree(ch: e.Chooser, d: e.Draft) -> str:
    result = e.one(e.step(d), "ma-connection/connection-result")
    result.text = ch.choice(("warning-no-watermark", "dropped-connection", "failed-search"))
    return e.at(d, result)


@e.breaks("I302", "empty-connection-log", **e.CONNECTED)
def _empty_log(ch: e.Chooser, d: e.Draft) -> str:
    connection = e.one(e.step(d), "ma-connection")
    e.strip(connection, "connection-result", "server")  # no attempt completed (else R306)
    log = e.one(connection, "connection-log")
    log.children.clear()
    return e.at(d, log)


@e.breaks("R306", "attempt-without-incident", **e.CONNECTED)
def _attempt_without_incident(ch: e.Chooser, d: e.Draft) -> str:
    log = e.one(e.step(d), "ma-connection/connection-log")
    log.children.clear()
    return e.at(d, log)


@e.breaks("P008", "server-after-failed-connection", profile="product", **e.CONNECTED)
def _server_after_failed_connection(ch: e.Chooser, d: e.Draft) -> str:
    """Azure AD Connect's shape: failed-connection, the server it tried, an incident with the
    LDAP error."""
    connection = e.one(e.step(d), "ma-connection")
    e.one(connection, "connection-result").text = "failed-connection"
    incident = e.one(connection, "connection-log").findall("incident")[-1]
    e.one(incident, "connection-result").text = "failed-connection"
    e.strip(incident, "cd-error")
    cd = incident.add("cd-error")
    cd.add("error-code", "0x51")
    cd.add("error-literal", "Server Down")
    return e.at(d, e.one(connection, "server"))
