"""Rules of 2.2.1.1.1.1 (ma-connection), .2 (ma-discovery-errors), .3, .6 and the @detail flags."""

from __future__ import annotations

import pytest

from conftest import Cli
from rules_helpers import BASE, STEP, SUCCESS, edit, findings, line_of, messages

CONN = f"{STEP}/ma-connection"
LOG = """    <connection-log>
     <incident>
      <connection-result>success</connection-result>
      <date>2018-07-24 02:00:03.420</date>
      <server>dc01.contoso.com:389</server>
     </incident>
    </connection-log>
"""
INCIDENT_RESULT = "      <connection-result>success</connection-result>\n"
TOP_RESULT = "    <connection-result>success</connection-result>\n"
SERVER = "    <server>dc01.contoso.com:389</server>\n"


def with_incident(result: str, extra: str = "") -> str:
    return edit(
        BASE,
        (INCIDENT_RESULT, f"      <connection-result>{result}</connection-result>\n"),
        (
            "      <server>dc01.contoso.com:389</server>\n",
            f"      <server>dc01.contoso.com:389</server>\n{extra}",
        ),
    )


CD_ERROR = "      <cd-error><error-code>0x51</error-code><error-literal>Server down</error-literal></cd-error>\n"


# -- R301 --------------------------------------------------------------------------------------


def test_r301_reports_a_connection_result_without_a_log() -> None:
    doc = edit(BASE, (LOG, ""))
    assert findings(doc) == [("R301", line_of(doc, "<ma-connection>"), CONN)]


def test_r301_near_miss_no_attempt_no_log() -> None:
    doc = edit(BASE, (TOP_RESULT, ""), (SERVER, ""), (LOG, ""))
    assert findings(doc) == []


# -- R302 --------------------------------------------------------------------------------------


def test_r302_reports_incidents_out_of_order() -> None:
    doc = SUCCESS.replace("2018-07-25 03:10:21.402", "2018-07-25 03:09:59.000")
    line = line_of(doc, "<incident>", 2)
    assert findings(doc) == [("R302", line, f"{STEP}[2]/ma-connection/connection-log/incident[2]")]
    assert (
        f"earlier than the one before it at line {line_of(doc, '<incident>')}" in messages(doc)[0]
    )


def test_r302_near_miss_same_instant_and_separate_logs() -> None:
    assert findings(SUCCESS.replace("2018-07-25 03:10:21.402", "2018-07-25 03:10:00.390")) == []


# -- R303 --------------------------------------------------------------------------------------


def test_r303_reports_success_without_server() -> None:
    doc = edit(BASE, (SERVER, ""))
    assert findings(doc) == [("R303", line_of(doc, "<ma-connection>"), CONN)]


def test_r303_reports_a_server_after_failed_authentication() -> None:
    doc = edit(
        with_incident("failed-authentication"),
        (TOP_RESULT, "    <connection-result>failed-authentication</connection-result>\n"),
    )
    assert findings(doc) == [("R303", line_of(doc, "    <server>"), f"{CONN}/server")]


def test_r303_reports_a_server_without_any_attempt() -> None:
    doc = edit(BASE, (TOP_RESULT, ""), (LOG, ""))
    assert findings(doc) == [("R303", line_of(doc, "    <server>"), f"{CONN}/server")]


def test_r303_near_miss_failed_connection_without_server() -> None:
    doc = edit(
        with_incident("failed-connection"),
        (TOP_RESULT, "    <connection-result>failed-connection</connection-result>\n"),
        (SERVER, ""),
    )
    assert findings(doc) == []


# -- R304 --------------------------------------------------------------------------------------


def test_r304_reports_a_cd_error_on_a_successful_incident() -> None:
    doc = with_incident("success", CD_ERROR)
    path = f"{CONN}/connection-log/incident/cd-error"
    assert findings(doc) == [("R304", line_of(doc, "<cd-error>"), path)]


@pytest.mark.parametrize("result", ["dropped-connection", "failed-search"])
def test_r304_reports_an_error_while_connected_without_cd_error(result: str) -> None:
    doc = edit(
        with_incident(result),
        (TOP_RESULT, f"    <connection-result>{result}</connection-result>\n"),
    )
    assert findings(doc) == [
        ("R304", line_of(doc, "<incident>"), f"{CONN}/connection-log/incident")
    ]


@pytest.mark.parametrize("result", ["failed-connection", "warning-no-watermark"])
def test_r304_near_miss_cd_error_is_optional_for_other_results(result: str) -> None:
    top = (TOP_RESULT, f"    <connection-result>{result}</connection-result>\n")
    no_server = (
        (SERVER, "") if result == "failed-connection" else ("<ma-connection>", "<ma-connection>")
    )
    assert findings(edit(with_incident(result), top, no_server)) == []
    assert findings(edit(with_incident(result, CD_ERROR), top, no_server)) == []


# -- R305 --------------------------------------------------------------------------------------


def test_r305_reports_logged_attempts_without_a_connection_result() -> None:
    doc = edit(BASE, (TOP_RESULT, ""), (SERVER, ""))
    assert findings(doc) == [("R305", line_of(doc, "<ma-connection>"), CONN)]


def test_r305_alone_reports_a_missing_connection_result_next_to_a_server() -> None:
    doc = edit(BASE, (TOP_RESULT, ""))
    assert findings(doc) == [("R305", line_of(doc, "<ma-connection>"), CONN)]


def test_r305_near_miss_empty_ma_connection() -> None:
    assert findings(edit(BASE, (TOP_RESULT, ""), (SERVER, ""), (LOG, ""))) == []


# -- I301 / I302 -------------------------------------------------------------------------------


def test_i301_reports_a_result_that_differs_from_the_last_incident() -> None:
    # Also pins the engine's order: the incident rule runs (and leaves its result in ctx.state)
    # before the ma-connection rule, as on iterparse 'end' events.
    doc = with_incident("failed-connection")
    assert findings(doc) == [
        ("I301", line_of(doc, "<connection-result>"), f"{CONN}/connection-result")
    ]


def test_i301_near_miss_an_earlier_failure_then_success() -> None:
    assert findings(SUCCESS) == []  # failed-connection, then success; result success


def test_r306_reports_an_empty_log_after_a_completed_attempt() -> None:
    doc = edit(BASE, (LOG, "    <connection-log/>\n"))
    assert findings(doc) == [("R306", line_of(doc, "<connection-log/>"), f"{CONN}/connection-log")]
    assert "connection-result is 'success'" in messages(doc)[0]


def test_i302_reports_an_empty_connection_log_without_a_connection_result() -> None:
    doc = edit(BASE, (LOG, "    <connection-log/>\n"), (TOP_RESULT, ""), (SERVER, ""))
    assert findings(doc) == [("I302", line_of(doc, "<connection-log/>"), f"{CONN}/connection-log")]


def test_r306_near_miss_a_log_with_its_incident() -> None:
    assert findings(BASE) == []


# -- P008: Azure AD Connect's server after a failed connection ------------------------------

AADC = edit(
    with_incident("failed-connection", CD_ERROR),
    (TOP_RESULT, "    <connection-result>failed-connection</connection-result>\n"),
)


def test_p008_aadc_failed_connection_with_server_is_r303_in_strict() -> None:
    assert findings(AADC) == [("R303", line_of(AADC, "<server>dc01"), f"{CONN}/server")]


def test_p008_aadc_failed_connection_with_server_is_a_warning_in_product() -> None:
    from runhistory.validate import Options, validate_bytes

    assert findings(AADC, "product") == [("P008", line_of(AADC, "<server>dc01"), f"{CONN}/server")]
    report = validate_bytes(AADC.encode(), "d.xml", Options(profile="product"))
    assert report.valid and [str(f.severity) for f in report.findings] == ["warning"]


def test_p008_near_miss_other_results_stay_r303_in_product() -> None:
    doc = edit(
        with_incident("failed-authentication"),
        (TOP_RESULT, "    <connection-result>failed-authentication</connection-result>\n"),
    )
    assert findings(doc, "product") == [("R303", line_of(doc, "<server>dc01"), f"{CONN}/server")]
    assert findings(edit(BASE, (TOP_RESULT, "")), "product") == [
        ("R305", line_of(BASE, "<ma-connection>"), CONN)
    ]


# -- R401 to R405: ma-object-error -------------------------------------------------------------

ERRORS = f"{STEP}/ma-discovery-errors/ma-object-error"


def discovery(*records: str) -> str:
    body = "".join(f"    <ma-object-error>\n{r}    </ma-object-error>\n" for r in records)
    return edit(
        BASE,
        (
            "   <ma-discovery-errors/>\n",
            f"   <ma-discovery-errors>\n{body}   </ma-discovery-errors>\n",
        ),
    )


def fields(error_type: str, *children: str) -> str:
    return f"     <error-type>{error_type}</error-type>\n" + "".join(
        f"     {c}\n" for c in children
    )


PARSE_OK = fields(
    "parse-error",
    "<entry-number>12</entry-number>",
    "<line-number>40</line-number>",
    "<column-number>7</column-number>",
)


def test_discovery_near_miss_a_complete_parse_error_and_an_attribute_error() -> None:
    doc = discovery(
        PARSE_OK,
        fields(
            "invalid-attribute-value",
            "<dn>CN=Jane Doe,OU=Staff,DC=contoso,DC=com</dn>",
            '<anchor encoding="base64">YWJj</anchor>',
            "<attribute-name>telephoneNumber</attribute-name>",
        ),
    )
    assert findings(doc) == []


def test_r401_reports_a_parse_error_without_entry_number() -> None:
    doc = discovery(fields("parse-error"))
    assert findings(doc) == [("R401", line_of(doc, "<ma-object-error>"), ERRORS)]


def test_r401_reports_entry_number_on_another_error_type() -> None:
    doc = discovery(fields("read-error", "<entry-number>12</entry-number>"))
    assert findings(doc) == [("R401", line_of(doc, "<entry-number>"), f"{ERRORS}/entry-number")]


def test_r402_reports_line_and_column_number_on_another_error_type() -> None:
    doc = discovery(
        fields("read-error", "<line-number>40</line-number>", "<column-number>7</column-number>")
    )
    assert findings(doc) == [
        ("R402", line_of(doc, "<line-number>"), f"{ERRORS}/line-number"),
        ("R402", line_of(doc, "<column-number>"), f"{ERRORS}/column-number"),
    ]


def test_r403_reports_a_line_number_without_column_number() -> None:
    doc = discovery(
        fields("parse-error", "<entry-number>3</entry-number>", "<line-number>40</line-number>")
    )
    assert findings(doc) == [("R403", line_of(doc, "<ma-object-error>"), ERRORS)]
    assert "has <line-number> but no <column-number>" in messages(doc)[0]


def test_r403_near_miss_a_parse_error_not_read_from_a_file() -> None:
    assert findings(discovery(fields("parse-error", "<entry-number>3</entry-number>"))) == []


def test_r404_reports_attribute_name_on_an_object_level_error() -> None:
    doc = discovery(fields("duplicate-object", "<attribute-name>cn</attribute-name>"))
    assert findings(doc) == [("R404", line_of(doc, "<attribute-name>"), f"{ERRORS}/attribute-name")]


@pytest.mark.parametrize(
    ("anchor", "why"),
    [
        ("YWJ", "not a multiple of 4"),
        ("YR==", "padding bits are not zero"),
        ("YW Jj", "white space"),
        ("-_-_", "URL-safe alphabet"),
        ("YWJj!", "contains '!'"),
        ("YQ==YWJj", "padding appears before the end"),
    ],
)
def test_r405_reports_an_anchor_that_is_not_strict_base64(anchor: str, why: str) -> None:
    doc = discovery(fields("read-error", f"<anchor>{anchor}</anchor>"))
    assert findings(doc) == [("R405", line_of(doc, "<anchor>"), f"{ERRORS}/anchor")]
    assert why in messages(doc)[0]


@pytest.mark.parametrize("anchor", ["", "YQ==", "YWI=", "YWJj", "+/+/"])
def test_r405_near_miss_canonical_base64(anchor: str) -> None:
    assert findings(discovery(fields("read-error", f"<anchor>{anchor}</anchor>"))) == []


# -- R410, R701: counters present only above zero -------------------------------------------


@pytest.mark.parametrize("name", ["filtered-objects", "filtered-deletions"])
def test_r410_reports_a_zero_discovery_counter(name: str) -> None:
    doc = edit(BASE, ("<filtered-objects>12</filtered-objects>", f"<{name}>0</{name}>"))
    assert findings(doc) == [
        ("R410", line_of(doc, f"<{name}>"), f"{STEP}/ma-discovery-counters/{name}")
    ]


def test_r410_near_miss_a_positive_counter() -> None:
    assert findings(edit(BASE, ("<filtered-objects>12<", "<filtered-objects>1<"))) == []


def test_r701_reports_a_zero_outbound_counter() -> None:
    doc = edit(BASE, ('<connector-flow detail="true">214<', '<connector-flow detail="true">0<'))
    path = f"{STEP}/outbound-flow-counters/connector-flow"
    assert findings(doc) == [("R701", line_of(doc, '<connector-flow detail="true">0<'), path)]


def test_r701_near_miss_zero_inbound_counters_of_the_same_name() -> None:
    assert '<connector-no-flow detail="true">0<' in BASE  # inside inbound-flow-counters
    assert findings(BASE) == []


# -- @detail flags: one violation, one finding (S105) ------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "section", "path"),
    [
        (
            '<stage-add detail="true">',
            '<stage-add detail="yes">',
            "2.2.1.1.1.7",
            "staging-counters/stage-add",
        ),
        (
            '<disconnector-remains detail="false">',
            '<disconnector-remains detail="true">',
            "2.2.1.1.1.8",
            "inbound-flow-counters/disconnector-remains",
        ),
        (
            '<export-add detail="true">',
            '<export-add detail="1">',
            "2.2.1.1.1.9",
            "export-counters/export-add",
        ),
        (
            '<connector-flow detail="true">214',
            '<connector-flow detail="false">214',
            "2.2.1.1.1.6",
            "outbound-flow-counters/connector-flow",
        ),
    ],
)
def test_a_wrong_detail_flag_is_reported_once_as_s105(
    old: str, new: str, section: str, path: str
) -> None:
    from runhistory.selection import Selection
    from runhistory.validate import Options, validate_bytes

    doc = edit(BASE, (old, new))
    assert findings(doc) == [("S105", line_of(doc, new), f"{STEP}/{path}/@detail")]
    report = validate_bytes(doc.encode(), "d.xml", Options(selection=Selection(select=("ALL",))))
    assert report.findings[0].section == section


def test_r302_compares_incidents_within_one_log_only() -> None:
    later = (
        "   <ma-connection>\n    <connection-result>success</connection-result>\n"
        "    <server>mv.contoso.com</server>\n    <connection-log>\n     <incident>\n"
        "      <connection-result>success</connection-result>\n"
        "      <date>2018-07-25 03:13:00.000</date>\n      <server>mv.contoso.com</server>\n"
        "     </incident>\n    </connection-log>\n   </ma-connection>\n"
    )
    doc = edit(SUCCESS, ("   <ma-connection/>\n", later))
    # step 2 (listed first) logged 03:13; step 1's log starts at 03:10 in a log of its own.
    assert findings(doc) == []


def test_the_aadc_fixture_is_r303_under_strict_and_p008_under_product(cli: Cli) -> None:
    from conftest import FIXTURES

    path = FIXTURES / "product" / "aadc-failed-connection-server.xml"
    doc = path.read_text(encoding="utf-8")
    at = (line_of(doc, "<server>dc01"), f"{CONN}/server")
    assert findings(doc) == [("R303", *at)]
    assert findings(doc, "product") == [("P008", *at)]
    assert cli("validate", path).code == 1
    assert cli("validate", "--profile", "product", path).code == 0
