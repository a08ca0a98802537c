"""The typed model: generated from the XSD without drift, loads every valid fixture, round-trips."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import runhistory
from conftest import FIXTURES, REPO
from runhistory import model
from runhistory.model._canon import canonical_form
from runhistory.validate import Options, validate_bytes

VALID = sorted(
    [
        *(FIXTURES / "valid").glob("*.xml"),
        *(FIXTURES / "encoding").glob("*.xml"),
        *(FIXTURES / "product").glob("*.xml"),
        REPO / "tests" / "model_docs" / "every-shape.xml",
    ]
)
INVALID = sorted((FIXTURES / "invalid").glob("*.xml"))
EVERY_SHAPE = REPO / "tests" / "model_docs" / "every-shape.xml"


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.name}"


def test_generated_module_has_no_drift() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "gen_model.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_generated_classes_are_frozen_slotted_and_named_after_the_schema() -> None:
    for name in ("ImportError", "ChangeNotReimported", "Incident", "StepDetails", "RunHistory"):
        cls = getattr(model, name)
        assert dataclasses.is_dataclass(cls)
        assert vars(cls)["__dataclass_params__"].frozen
        assert "__slots__" in cls.__dict__
    xml_names = {
        f.name: f.metadata["xml"] for f in dataclasses.fields(model.StepDetails) if f.metadata
    }
    assert xml_names["last_successful_export_step_counter"] == "last-successful-export-step-counter"

    # Clashing anonymous types get their holder's name; anonymous enumerations are enums.
    def names(cls: type) -> set[str]:
        return {f.name for f in dataclasses.fields(cls) if f.metadata}

    assert names(model.IncidentCdError) == {"error_code", "error_literal", "server_error_detail"}
    assert names(model.MaObjectErrorCdError) == names(model.IncidentCdError) | {"value"}
    assert names(model.ExportErrorCdError) == names(model.IncidentCdError)
    assert model.ExportErrorType("cd-error") is model.ExportErrorType.CD_ERROR
    assert model.DeltaOperation("delete-add") is model.DeltaOperation.DELETE_ADD


def test_product_only_members_are_the_product_profiles_departures() -> None:
    from runhistory.rules.product import (
        FIM_OUTBOUND_COUNTERS,
        FIM_STEP_RESULTS,
        PROSE_EXPORT_ERROR_TYPES,
        SHAREPOINT_ERROR_TYPES,
    )

    expected = {
        *(f"StepResultValue.{v.upper().replace('-', '_')}" for v in FIM_STEP_RESULTS),
        *(f"OutboundFlowCounters.{v.replace('-', '_')}" for v in FIM_OUTBOUND_COUNTERS),
        *(
            f"ExportErrorType.{v.upper().replace('-', '_')}"
            for v in SHAREPOINT_ERROR_TYPES + PROSE_EXPORT_ERROR_TYPES
        ),
        *(f"ImportAndMvRetryError.{v.upper().replace('-', '_')}" for v in SHAREPOINT_ERROR_TYPES),
        "IncidentCdError.server_error_detail",
        "RunHistory.run_details",
    }
    assert expected == model.PRODUCT_ONLY


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_every_valid_fixture_round_trips_canonically(path: Path) -> None:
    data = path.read_bytes()
    history = runhistory.load(path)
    assert canonical_form(runhistory.dumps(history)) == canonical_form(data)


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_every_valid_fixture_round_trips_through_json(path: Path) -> None:
    history = runhistory.load(path)
    text = json.dumps(model.to_data(history))
    again = model.from_data(json.loads(text))
    assert again == history
    assert canonical_form(model.dumps(again)) == canonical_form(path.read_bytes())


def test_values_are_typed() -> None:
    history = runhistory.load(EVERY_SHAPE)
    (run,) = history.run_details
    step = run.step_details[0]
    assert run.ma_id == uuid.UUID("5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A")
    assert run.run_number == 1842
    assert step.start_date == datetime(2018, 7, 24, 2, 0, 3, 100000)
    assert step.end_date == datetime(2018, 7, 24, 2, 1, 45, 530000)
    assert step.step_result.value is model.StepResultValue.COMPLETED_SYNC_ERRORS
    assert step.staging_counters.stage_update == model.CounterDetailTrue(value=241)
    assert step.staging_counters.stage_no_change.detail == "false"
    assert step.ma_discovery_counters.filtered_objects == 12
    assert step.ma_discovery_counters.filtered_deletions is None
    first, second, third = step.synchronization_errors.import_error
    assert first.retry_count == 1
    assert first.extension_error_info is not None
    assert first.extension_error_info.extension_callsite is model.ExtensionCallsite.IMPORT_FLOW
    assert second.change_not_reimported is None
    change = third.change_not_reimported
    assert change is not None
    assert change.delta.operation is model.DeltaOperation.UPDATE
    assert change.delta.dn_attr[0].multivalued is False
    assert change.delta.attr[0].multivalued is True
    assert [v.operation for v in change.delta.attr[0].value] == [
        model.ValueDeltaOperation.ADD,
        model.ValueDeltaOperation.DELETE,
    ]
    assert change.entry.objectclass.oc_value == ("top", "person", "user")
    assert change.entry.attr[1].value[0].encoding == "base64"
    assert third.algorithm_step.ma_id == run.ma_id
    assert third.algorithm_step.value is model.AlgorithmStepValue.EXPORT_FLOW
    mapping = second.rules_error_info
    assert mapping is not None
    direct = mapping.context.attribute_mapping.direct_mapping
    assert direct is not None and direct.src_attribute.intrinsic is True
    assert step.outbound_flow_counters[0].connector_flow == model.CounterDetailTrue(value=214)


def test_text_that_is_not_canonical_is_written_back_as_it_came() -> None:
    data = EVERY_SHAPE.read_bytes()
    out = runhistory.dumps(runhistory.loads(data)).decode()
    for kept in (
        'step-id="{0c4b0f5e-3a7b-4f8c-9d2e-1a2b3c4d5e6f}"',
        "<start-date>2018-07-24 02:00:03.1</start-date>",
        "<retry-count>01</retry-count>",
        'intrinsic="1"',
        'multivalued="0"',
    ):
        assert kept in out


def test_text_of_gives_the_xml_text_of_a_value() -> None:
    run = runhistory.load(EVERY_SHAPE).run_details[0]
    step = run.step_details[0]
    assert model.text_of(step, "start_date") == "2018-07-24 02:00:03.1"
    assert model.text_of(step, "end_date") == "2018-07-24 02:01:45.530"
    assert model.text_of(step, "step_id") == "{0c4b0f5e-3a7b-4f8c-9d2e-1a2b3c4d5e6f}"
    assert model.text_of(run, "ma_id") == "{5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A}"
    assert model.text_of(step.ma_discovery_counters, "filtered_deletions") is None
    moved = dataclasses.replace(step, start_date=datetime(2018, 7, 24, 2, 0, 3, 200000))
    assert model.text_of(moved, "start_date") == "2018-07-24 02:00:03.200"
    with pytest.raises(model.ModelError):
        model.text_of(run, "step_details")


def test_a_changed_value_is_written_in_canonical_form() -> None:
    history = runhistory.load(EVERY_SHAPE)
    run = history.run_details[0]
    step = run.step_details[0]
    moved = dataclasses.replace(
        step,
        step_id=uuid.UUID("0c4b0f5e-3a7b-4f8c-9d2e-1a2b3c4d5e60"),
        start_date=datetime(2018, 7, 24, 2, 0, 4, 250999),
    )
    history = dataclasses.replace(
        history, run_details=(dataclasses.replace(run, step_details=(moved,)),)
    )
    out = runhistory.dumps(history).decode()
    assert 'step-id="{0C4B0F5E-3A7B-4F8C-9D2E-1A2B3C4D5E60}"' in out
    assert "<start-date>2018-07-24 02:00:04.250</start-date>" in out
    # The end date was not touched and kept its text; the result is still a valid document.
    assert "<end-date>2018-07-24 02:01:45.530</end-date>" in out
    assert runhistory.loads(out).run_details[0].step_details[0].step_id == moved.step_id


def test_several_run_details_load_as_a_sequence_of_runs() -> None:
    history = runhistory.load(FIXTURES / "product" / "sharepoint-save-to-file.xml")
    assert [r.run_number for r in history.run_details] == [412, 1844, 96]
    incident = history.run_details[1].step_details[0].ma_connection.connection_log
    assert incident is not None
    cd = incident.incident[0].cd_error
    assert cd is not None and cd.server_error_detail == "The LDAP server is unavailable."
    third = history.run_details[2].step_details[0]
    assert third.step_result.value is model.StepResultValue.STOPPED_FILE_ERROR


def test_strict_profile_refuses_the_product_departures() -> None:
    with pytest.raises(runhistory.LoadError) as caught:
        runhistory.load(FIXTURES / "product" / "sharepoint-save-to-file.xml", profile="strict")
    assert {f.rule for f in caught.value.findings} >= {"D003", "S101"}
    history = runhistory.load(FIXTURES / "valid" / "delta-import-sync.xml", profile="strict")
    assert len(history.run_details) == 1


@pytest.mark.parametrize("path", INVALID, ids=_id)
def test_invalid_documents_raise_load_error_with_the_validate_findings(path: Path) -> None:
    data = path.read_bytes()
    report = validate_bytes(data, path.name, Options(profile="product"))
    expected = [f for f in report.findings if f.severity == "error"]
    with pytest.raises(runhistory.LoadError) as caught:
        runhistory.loads(data, name=path.name)
    assert list(caught.value.findings) == expected
    assert expected, "every invalid fixture has an error finding"
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(path.name)
    assert expected[0].rule in message


@pytest.mark.parametrize("profile", ["strict", "product"])
def test_loads_refuses_exactly_the_errors_validate_reports(tmp_path: Path, profile: str) -> None:
    # loads computes only the codes that are errors in its profile; what it refuses, and the
    # findings it carries, must still be exactly validate's errors (one broken document per
    # rule code, from the generator, plus the valid fixtures).
    from runhistory.cli import main

    assert main(["generate", "--out", str(tmp_path), "--broken", "all", "--seed", "3"]) == 0
    docs = [*sorted(tmp_path.glob("*.xml")), *VALID]
    refused = 0
    for path in docs:
        data = path.read_bytes()
        report = validate_bytes(data, path.name, Options(profile=profile))
        expected = [f for f in report.findings if f.severity == "error"]
        try:
            runhistory.loads(data, profile=profile, name=path.name)
        except runhistory.LoadError as err:
            assert list(err.findings) == expected, path.name
            refused += 1
        else:
            assert expected == [], path.name
    assert refused > 40


def test_loads_accepts_text_whatever_its_declaration_says() -> None:
    text = (FIXTURES / "encoding" / "utf16le-bom.xml").read_bytes().decode("utf-16")
    assert text.startswith('<?xml version="1.0" encoding="utf-16"?>')
    history = runhistory.loads(text, profile="strict")
    assert history == runhistory.load(FIXTURES / "valid" / "delta-import-sync.xml")


def test_load_takes_a_path_or_a_binary_file() -> None:
    path = FIXTURES / "valid" / "export-errors.xml"
    assert runhistory.load(io.BytesIO(path.read_bytes())) == runhistory.load(str(path))
    text = io.StringIO(path.read_bytes().decode("utf-16"))
    assert runhistory.load(text) == runhistory.load(path)
    with pytest.raises(OSError):
        runhistory.load(path.with_name("missing.xml"))
    with pytest.raises(ValueError, match="unknown profile"):
        runhistory.loads(path.read_bytes(), profile="lenient")


def test_dumps_writes_utf8_with_a_declaration() -> None:
    out = runhistory.dumps(runhistory.load(FIXTURES / "encoding" / "utf16be-bom.xml"))
    assert out.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<run-history>\n <run-details>')
    with pytest.raises(model.ModelError):
        model.dumps("not a model")  # type: ignore[arg-type]


def test_dumps_refuses_characters_xml_cannot_carry() -> None:
    history = runhistory.load(FIXTURES / "valid" / "export-errors.xml")
    run = dataclasses.replace(history.run_details[0], ma_name="bad\x00name")
    with pytest.raises(model.ModelError, match="U\\+0000"):
        runhistory.dumps(dataclasses.replace(history, run_details=(run,)))


def test_step_description_is_kept_as_xml() -> None:
    step = runhistory.load(EVERY_SHAPE).run_details[0].step_details[0]
    description = step.step_description
    assert description.attributes == (("version", "2"),)
    assert ("x", "urn:example:x") in description.namespaces
    assert "<!-- kept -->" in description.content
    assert description.find_attribute("step-type", "type") == "delta-import"
    el = description.element()
    assert el.findtext("{urn:example:x}note") == "a & b < c"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d["run_history"]["run_details"][0].pop("ma_name"), "ma_name: is required"),
        (
            lambda d: d["run_history"]["run_details"][0].update(run_number="1842"),
            "run_details[0].run_number: expected a whole number",
        ),
        (
            lambda d: d["run_history"]["run_details"][0]["step_details"][0].update(
                start_date="yesterday"
            ),
            "start_date: expected a date-time",
        ),
        (
            lambda d: d["run_history"]["run_details"][0]["step_details"][0]["step_result"].update(
                value="finished"
            ),
            "'finished' is not a StepResultValue",
        ),
        (
            lambda d: d["run_history"]["run_details"][0].update(colour="red"),
            "unknown key 'colour'",
        ),
        (lambda d: d["run_history"].update(run_details=[]), "needs at least one item"),
    ],
)
def test_from_data_names_what_does_not_fit(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    data = model.to_data(runhistory.load(FIXTURES / "valid" / "delta-import-sync.xml"))
    change(data)
    with pytest.raises(model.ModelError, match=message.replace("[", r"\[").replace("]", r"\]")):
        model.from_data(data)


def test_walk_visits_every_object() -> None:
    history = runhistory.load(EVERY_SHAPE)
    kinds = {type(o).__name__ for o in model.walk(history)}
    assert {"RunHistory", "Delta", "Entry", "DnValueDelta", "SrcAttribute", "Incident"} <= kinds


@pytest.mark.parametrize(
    "description",
    [
        "<step-description/>",
        "<step-description>text only &amp; more</step-description>",
        "<step-description><![CDATA[x < y]]><step-type type='export'/>tail</step-description>",
        "<step-description><?keep this?><step-type type='export'/></step-description>",
        '<step-description xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xmlns:xs="http://www.w3.org/2001/XMLSchema"'
        ' xsi:type="xs:anyType"><step-type type="export"/></step-description>',
        '<step-description><a xmlns="urn:example:default"><b/></a></step-description>',
    ],
)
def test_any_step_description_round_trips(description: str) -> None:
    data = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
    start = data.index("<step-description>")
    end = data.index("</step-description>") + len("</step-description>")
    data = data[:start] + description + data[end:]
    history = runhistory.loads(data)
    assert canonical_form(runhistory.dumps(history)) == canonical_form(data.encode())
    again = model.from_data(json.loads(json.dumps(model.to_data(history))))
    assert again == history
