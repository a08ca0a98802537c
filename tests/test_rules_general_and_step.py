"""Rules of 2.2.1 (dateTimeNoT, GUIDs), 2.2.1.1 (run-details) and 2.2.1.1.1 (step-details)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from rules_helpers import BASE, STEP, SUCCESS, edit, findings, line_of, messages
from runhistory.selection import Selection
from runhistory.validate import Options, validate_bytes

START = "<start-date>2018-07-24 02:00:03.117</start-date>"


@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").glob("*.xml")), ids=lambda p: p.name)
@pytest.mark.parametrize("profile", ["strict", "product"])
def test_the_valid_fixtures_have_no_finding_with_every_rule_selected(
    path: Path, profile: str
) -> None:
    options = Options(profile=profile, selection=Selection(select=("ALL",)))
    assert validate_bytes(path.read_bytes(), path.name, options).findings == []


def test_look_alikes_inside_step_description_are_not_checked() -> None:
    # step-description is xs:anyType: its content is not the schema's vocabulary.
    inside = (
        "    <start-date>2018-13-24 02:00:03,117</start-date>\n"
        '    <step-result progress="9/1" file="x">success</step-result>\n'
        "    <current-export-step-counter>4</current-export-step-counter>\n"
        "    <ma-connection><connection-result>success</connection-result></ma-connection>\n"
        "    <ma-object-error><error-type>read-error</error-type><entry-number>1</entry-number></ma-object-error>\n"
        '    <import-error cs-guid="none"/>\n'
        "   </step-description>\n"
    )
    assert findings(edit(BASE, ("   </step-description>\n", inside))) == []


# -- R001 / R002: dateTimeNoT -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2018-13-24 02:00:03.117", "month 13 does not exist"),
        ("2018-02-30 02:00:03.117", "day 30 does not exist in 2018-02"),
        ("2018-07-24 24:00:03.117", "hour 24 does not exist"),
        ("2018-07-24 02:60:03.117", "minute 60 does not exist"),
        ("2018-07-24 02:00:60.117", "second 60 does not exist"),
    ],
)
def test_r001_reports_a_date_time_that_is_not_on_the_calendar(value: str, why: str) -> None:
    doc = edit(BASE, (START, f"<start-date>{value}</start-date>"))
    assert findings(doc) == [("R001", 10, f"{STEP}/start-date")]
    assert why in messages(doc)[0]


@pytest.mark.parametrize("value", ["2016-02-29 02:00:03.117", "2018-07-24 00:00:00.0"])
def test_r001_near_miss_leap_day_and_midnight(value: str) -> None:
    assert findings(edit(BASE, (START, f"<start-date>{value}</start-date>"))) == []


def test_r001_leaves_values_the_xsd_rejects_to_the_xsd() -> None:
    doc = edit(BASE, (START, "<start-date>2018-13-24T02:00:03.117</start-date>"))
    assert findings(doc) == [("S104", 10, f"{STEP}/start-date")]


def test_r002_reports_another_character_before_the_fraction() -> None:
    doc = edit(
        BASE, ("<date>2018-07-24 02:00:03.420</date>", "<date>2018-07-24 02:00:03,420</date>")
    )
    line = line_of(doc, "<date>")
    assert findings(doc) == [("R002", line, f"{STEP}/ma-connection/connection-log/incident/date")]
    assert "with ',' before the fraction" in messages(doc)[0]


def test_r002_near_miss_one_digit_fraction_with_a_dot() -> None:
    doc = edit(BASE, ("<date>2018-07-24 02:00:03.420</date>", "<date>2018-07-24 02:00:03.4</date>"))
    assert findings(doc) == []


def test_r001_and_r002_are_two_problems_in_one_value() -> None:
    doc = edit(BASE, (START, "<start-date>2018-02-30 02:00:03:117</start-date>"))
    assert sorted(findings(doc)) == [
        ("R001", 10, f"{STEP}/start-date"),
        ("R002", 10, f"{STEP}/start-date"),
    ]


# -- R003: GUIDs typed xs:string --------------------------------------------------------------

CS_GUID = 'cs-guid="{7F1E2D3C-4B5A-6978-8A9B-0C1D2E3F4A5B}"'


def test_r003_reports_an_import_error_cs_guid_that_is_not_a_guid() -> None:
    doc = edit(BASE, (CS_GUID, 'cs-guid="7F1E2D3C-4B5A-6978-8A9B-0C1D2E3F4A5B"'))
    path = f"{STEP}/synchronization-errors/import-error[1]/@cs-guid"
    assert findings(doc) == [("R003", line_of(doc, "<import-error"), path)]
    assert "expected a GUID in braces" in messages(doc)[0]


def test_r003_reports_a_context_id_that_is_not_a_guid() -> None:
    doc = edit(
        BASE, ('context-id="{9B8A7C6D-5E4F-4031-A2B3-C4D5E6F70819}"', 'context-id="department"')
    )
    path = f"{STEP}/synchronization-errors/import-error[2]/rules-error-info/context/attribute-mapping/@context-id"
    assert findings(doc) == [("R003", line_of(doc, "<attribute-mapping"), path)]


def test_r003_near_miss_lower_case_hex_is_a_guid() -> None:
    doc = edit(BASE, (CS_GUID, CS_GUID.lower()))
    assert findings(doc) == []


# -- R110 / R111: run-number, step-number --------------------------------------------------------


def test_r110_reports_run_number_zero() -> None:
    doc = edit(BASE, ("<run-number>1842<", "<run-number>0<"))
    assert findings(doc) == [("R110", 6, "/run-history/run-details/run-number")]


def test_r110_near_miss_run_number_one() -> None:
    assert findings(edit(BASE, ("<run-number>1842<", "<run-number>1<"))) == []


def test_r111_reports_a_step_number_outside_one_to_n() -> None:
    doc = edit(BASE, ('step-number="1"', 'step-number="2"'))
    assert findings(doc) == [("R111", 9, f"{STEP}/@step-number")]


def test_r111_reports_a_repeated_step_number() -> None:
    doc = edit(SUCCESS, ('step-number="2"', 'step-number="1"'))
    line = line_of(doc, "<step-details", 2)
    assert findings(doc) == [("R111", line, f"{STEP}[2]/@step-number")]


def test_r111_near_miss_descending_step_numbers_are_fine_in_both_profiles() -> None:
    assert line_of(SUCCESS, 'step-number="2"') < line_of(SUCCESS, 'step-number="1"')
    assert findings(SUCCESS) == findings(SUCCESS, "product") == []


# -- R201 / R202: step-result attributes --------------------------------------------------------

RESULT = "<step-result>completed-sync-errors</step-result>"


def test_r201_reports_progress_on_a_result_that_is_not_completing() -> None:
    doc = edit(BASE, (RESULT, '<step-result progress="3/10">completed-sync-errors</step-result>'))
    assert findings(doc) == [("R201", 12, f"{STEP}/step-result/@progress")]


@pytest.mark.parametrize(
    "value", ["completing-referential-updates", "completing-obsoletion", "completing-recomputation"]
)
def test_r201_near_miss_progress_while_completing(value: str) -> None:
    doc = edit(BASE, (RESULT, f'<step-result progress="3/10">{value}</step-result>'))
    assert findings(doc) == []


def test_r201_applies_to_a_step_result_outside_the_enumeration() -> None:
    # The value is wrong (S103), and whatever it is, it is not a completing-* result (R201).
    doc = edit(BASE, (RESULT, '<step-result progress="3/10">completed-sync-error</step-result>'))
    assert findings(doc) == [
        ("S103", 12, f"{STEP}/step-result"),
        ("R201", 12, f"{STEP}/step-result/@progress"),
    ]


def test_r201_near_miss_a_padded_completing_result_is_only_the_xsds() -> None:
    doc = edit(BASE, (RESULT, '<step-result progress="3/10"> completing-obsoletion </step-result>'))
    assert findings(doc) == [("S103", 12, f"{STEP}/step-result")]


@pytest.mark.parametrize(
    "value",
    [
        "stopped-extension-dll-not-configured-for-ma",
        "stopped-extension-dll-not-configured-for-mv",
        "success",
    ],
)
def test_r202_reports_file_on_a_result_outside_the_list(value: str) -> None:
    doc = edit(BASE, (RESULT, f'<step-result file="Contoso.Sync.dll">{value}</step-result>'))
    assert [f for f in findings(doc) if f[0] != "L201"] == [
        ("R202", 12, f"{STEP}/step-result/@file")
    ]


@pytest.mark.parametrize(
    "value",
    [
        "completed-no-objects",
        "stopped-extension-dll-load",
        "stopped-disk-full",
        "no-start-file-open",
    ],
)
def test_r202_near_miss_file_on_a_listed_result(value: str) -> None:
    doc = edit(BASE, (RESULT, f'<step-result file="dsdelta.xml">{value}</step-result>'))
    # (the lint rules may find the base's errors odd for such a result; R202 must stay silent)
    assert [f for f in findings(doc) if not f[0].startswith("L")] == []


# -- R203: export step counters ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["current-export-step-counter", "last-successful-export-step-counter"]
)
def test_r203_reports_a_non_zero_export_step_counter(name: str) -> None:
    doc = edit(BASE, (f"<{name}>0<", f"<{name}>3<"))
    assert findings(doc) == [("R203", line_of(doc, f"<{name}>"), f"{STEP}/{name}")]
    assert messages(doc) == [f"<{name}> is 3; the spec requires 0"]


def test_r203_near_miss_zero_written_with_a_sign() -> None:
    assert (
        findings(
            edit(BASE, ("<current-export-step-counter>0<", "<current-export-step-counter>+00<"))
        )
        == []
    )


def test_r203_leaves_an_out_of_range_counter_to_the_xsd() -> None:
    doc = edit(
        BASE, ("<current-export-step-counter>0<", "<current-export-step-counter>2147483648<")
    )
    assert [c for c, _, _ in findings(doc)] == ["S107"]


# -- I201 / I202 / I203 -------------------------------------------------------------------------


def test_i201_reports_an_end_date_before_the_start_date() -> None:
    doc = edit(BASE, ("<end-date>2018-07-24 02:01:45.530<", "<end-date>2018-07-24 02:00:03.116<"))
    assert findings(doc) == [("I201", 11, f"{STEP}/end-date")]


def test_i201_near_miss_a_step_that_ends_when_it_starts() -> None:
    assert (
        findings(
            edit(BASE, ("<end-date>2018-07-24 02:01:45.530<", "<end-date>2018-07-24 02:00:03.117<"))
        )
        == []
    )


def test_i202_reports_progress_beyond_the_total() -> None:
    doc = edit(BASE, (RESULT, '<step-result progress="11/10">completing-obsoletion</step-result>'))
    assert findings(doc) == [("I202", 12, f"{STEP}/step-result/@progress")]


def test_i202_near_miss_progress_at_the_total() -> None:
    assert (
        findings(
            edit(
                BASE, (RESULT, '<step-result progress="10/10">completing-obsoletion</step-result>')
            )
        )
        == []
    )


@pytest.mark.parametrize("progress", ["/", "3/", "/10"])
def test_i203_reports_progress_without_both_numbers(progress: str) -> None:
    doc = edit(
        BASE, (RESULT, f'<step-result progress="{progress}">completing-obsoletion</step-result>')
    )
    assert findings(doc) == [("I203", 12, f"{STEP}/step-result/@progress")]


def test_i203_near_miss_zero_of_zero() -> None:
    assert (
        findings(
            edit(BASE, (RESULT, '<step-result progress="0/0">completing-obsoletion</step-result>'))
        )
        == []
    )


# -- L201 / L202: step-result against the step's content -------------------------------------


def test_l201_reports_success_with_errors_and_failures() -> None:
    doc = edit(BASE, (RESULT, "<step-result>success</step-result>"))
    assert findings(doc) == [("L201", 12, f"{STEP}/step-result")]
    assert "2 import-error, 2 flow-failure" in messages(doc)[0]


def test_l201_is_off_in_strict_unless_selected_and_info_in_product() -> None:
    from runhistory.validate import validate_bytes

    doc = edit(BASE, (RESULT, "<step-result>success</step-result>")).encode()
    assert validate_bytes(doc, "d.xml").findings == []
    from runhistory.validate import Options

    [f] = validate_bytes(doc, "d.xml", Options(profile="product")).findings
    assert (f.rule, str(f.severity)) == ("L201", "info")


def test_r204_reports_an_error_result_without_its_records_in_strict() -> None:
    doc = edit(BASE, (RESULT, "<step-result>completed-export-errors</step-result>"))
    assert findings(doc) == [("R204", 12, f"{STEP}/step-result")]
    assert "<synchronization-errors> has no <export-error>" in messages(doc)[0]
    doc = edit(BASE, (RESULT, "<step-result>completed-discovery-errors</step-result>"))
    assert findings(doc) == [("R204", 12, f"{STEP}/step-result")]
    assert "<ma-discovery-errors> has no <ma-object-error>" in messages(doc)[0]
    from runhistory.validate import validate_bytes

    [f] = validate_bytes(doc.encode(), "d.xml").findings  # strict, nothing selected
    assert (f.rule, str(f.severity)) == ("R204", "error")


def test_r204_failure_counters_do_not_stand_in_for_records() -> None:
    doc = edit(
        BASE,
        (RESULT, "<step-result>completed-export-errors</step-result>"),
        (
            '<export-failure detail="true">0</export-failure>',
            '<export-failure detail="true">2</export-failure>',
        ),
    )
    # (L501, a lint, notes the counter that no record backs)
    assert [c for c, _, _ in findings(doc)] == ["R204", "L501"]


def test_r204_near_miss_records_of_the_promised_kind() -> None:
    doc = edit(
        BASE,
        (RESULT, "<step-result>completed-discovery-errors</step-result>"),
        (
            "   <ma-discovery-errors/>\n",
            "   <ma-discovery-errors>\n    <ma-object-error>\n"
            "     <error-type>read-error</error-type>\n    </ma-object-error>\n"
            "   </ma-discovery-errors>\n",
        ),
    )
    assert findings(doc) == []


def test_i204_reports_an_error_limit_in_a_run_without_error_records() -> None:
    from conftest import FIXTURES

    clean = (FIXTURES / "valid" / "full-import-sync-success.xml").read_text(encoding="utf-8")
    doc = clean.replace(
        "<step-result>success</step-result>", "<step-result>stopped-error-limit</step-result>", 1
    )
    assert [c for c, _, _ in findings(doc)] == ["I204"]
    assert "no step of the run lists" in messages(doc)[0]


def test_i204_near_miss_records_in_the_run() -> None:
    # BASE lists import-errors: the run met errors, whichever step stopped at the limit.
    doc = edit(BASE, (RESULT, "<step-result>stopped-error-limit</step-result>"))
    assert [c for c, _, _ in findings(doc)] == []


def test_l201_l202_near_miss_results_that_match_the_content() -> None:
    from conftest import FIXTURES

    exports = (FIXTURES / "valid" / "export-errors.xml").read_bytes().decode("utf-16")
    exports = exports.replace('encoding="utf-16"', 'encoding="utf-8"')
    assert findings(exports) == []  # completed-export-errors with two export-error records
    assert findings(SUCCESS) == []  # success, nothing failed


def test_l203_reports_no_objects_with_staged_objects() -> None:
    doc = edit(BASE, (RESULT, "<step-result>completed-no-objects</step-result>"))
    assert findings(doc) == [("L203", 12, f"{STEP}/step-result")]
    assert "stage-add 3, stage-update 241, stage-rename 1, stage-delete 2" in messages(doc)[0]


def test_l203_near_miss_no_objects_and_nothing_staged() -> None:
    doc = (
        SUCCESS.replace(
            '<step-result>success</step-result>\n   <step-description>\n    <step-type type="full-import">',
            '<step-result>completed-no-objects</step-result>\n   <step-description>\n    <step-type type="full-import">',
        )
        .replace('<stage-add detail="true">12<', '<stage-add detail="true">0<')
        .replace('<stage-update detail="true">317<', '<stage-update detail="true">0<')
    )
    assert "completed-no-objects" in doc
    assert findings(doc) == []


def test_l204_reports_a_step_that_did_not_start_but_has_errors() -> None:
    doc = edit(BASE, (RESULT, "<step-result>no-start-connection</step-result>"))
    assert findings(doc) == [("L204", 12, f"{STEP}/step-result")]
    assert "2 import-error, stage-add 3" in messages(doc)[0]


def test_l204_near_miss_a_step_that_did_not_start_and_did_nothing() -> None:
    doc = SUCCESS.replace(
        '<step-result>success</step-result>\n   <step-description>\n    <step-type type="apply-rules">',
        '<step-result>no-start-ma</step-result>\n   <step-description>\n    <step-type type="apply-rules">',
    ).replace(
        '    <provisioned-add-flow detail="true">12</provisioned-add-flow>\n    <connector-flow detail="true">317</connector-flow>\n',
        "",
    )
    assert "no-start-ma" in doc
    assert findings(doc) == []
