"""``runhistory show``, ``errors``, ``convert`` and ``status`` on every fixture, and on bad input."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

import runhistory
from conftest import FIXTURES, REPO, Cli
from runhistory import model
from runhistory.model import json_schema
from runhistory.model._canon import canonical_form

VALID = sorted(
    [
        *(FIXTURES / "valid").glob("*.xml"),
        *(FIXTURES / "encoding").glob("*.xml"),
        *(FIXTURES / "product").glob("*.xml"),
        REPO / "tests" / "model_docs" / "every-shape.xml",
    ]
)
ANSI = re.compile(r"\x1b\[")


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.name}"


def _count(path: Path, xpath: str) -> int:
    tree = etree.fromstring(canonical_form(path.read_bytes()))
    found = tree.xpath(xpath)
    assert isinstance(found, list)
    return len(found)


# -- show -----------------------------------------------------------------------------------


def test_show_delta_import(cli: Cli) -> None:
    r = cli("show", FIXTURES / "valid" / "delta-import-sync.xml")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "run 1842 of MOSSAD-CONTOSO"
    assert "  run profile       DS_DELTAIMPORT" in lines
    assert "  account           CONTOSO\\svc-fimsync" in lines
    assert "  started, ended    2018-07-24 02:00:03.117, 2018-07-24 02:01:45.530 (0:01:42)" in lines
    head = next(i for i, line in enumerate(lines) if line.startswith("step "))
    assert lines[head].split() == ["step", "type", "result", "start", "duration", "errors"]
    assert lines[head + 1].split() == [
        "1",
        "delta-import",
        "completed-sync-errors",
        "02:00:03",
        "0:01:42",
        "2",
    ]
    assert lines[-3:] == [
        "  errors by type (2)",
        "    1  import  extension-dll-exception",
        "    1  import  sync-rule-flow-attribute-not-found",
    ]


def test_show_lists_steps_in_document_order_and_every_run(cli: Cli) -> None:
    r = cli("show", FIXTURES / "valid" / "full-import-sync-success.xml")
    table = r.out.split("\n\n")[1].splitlines()[1:]
    assert [line.split()[:3] for line in table] == [
        ["2", "apply-rules", "success"],
        ["1", "full-import", "success"],
    ]
    # The failed first connection attempt of step 1 is its one error.
    assert r.out.rstrip().endswith("  errors by type (1)\n    1  connection  failed-connection")
    r = cli("show", FIXTURES / "product" / "sharepoint-save-to-file.xml")
    assert [line for line in r.out.splitlines() if line.startswith("run ")] == [
        "run 412 of MOSS-a1b2c3d4-e5f6-4711-8899-aabbccddeeff",
        "run 1844 of MOSSAD-CONTOSO",
        "run 96 of Contoso-HR-Feed",
    ]
    assert "    1  export  ma-extension-error" in r.out
    assert "stopped-file-error" in r.out


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_show_fits_100_columns_without_colour(cli: Cli, path: Path) -> None:
    r = cli("show", path)
    assert r.code == 0, r.err
    assert max(len(line) for line in r.out.splitlines()) <= 100
    assert not ANSI.search(r.out)


def test_show_fits_a_long_result_in_100_columns(cli: Cli, tmp_path: Path) -> None:
    data = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
    data = data.replace(
        "<step-result>completed-sync-errors</step-result>",
        "<step-result>stopped-extension-dll-not-configured-for-mv</step-result>",
    )
    path = tmp_path / "long.xml"
    path.write_text(data, encoding="utf-8")
    r = cli("show", path)
    assert r.code == 0, r.err
    assert max(len(line) for line in r.out.splitlines()) <= 100
    assert "  1  delta-import  stopped-extension-dll-not-configured-for-mv  02:00:03" in r.out


def test_show_gives_dates_when_steps_start_on_different_days(cli: Cli, tmp_path: Path) -> None:
    data = (FIXTURES / "valid" / "full-import-sync-success.xml").read_text(encoding="utf-8")
    data = data.replace(
        "<start-date>2018-07-25 03:10:00.250</start-date>",
        "<start-date>2018-07-24 23:59:00.250</start-date>",
    )
    path = tmp_path / "days.xml"
    path.write_text(data, encoding="utf-8")
    table = cli("show", path).out.split("\n\n")[1].splitlines()[1:]
    assert [r.split()[3:6] for r in table] == [
        ["2018-07-25", "03:12:40", "0:01:23"],
        ["2018-07-24", "23:59:00", "3:13:40"],
    ]


# -- errors ---------------------------------------------------------------------------------

ERROR_XPATH = (
    "//ma-object-error | //import-error | //export-error | //retry-error"
    " | //incident[cd-error or (connection-result != 'success'"
    " and connection-result != 'warning-no-watermark')]",
    "count",
)


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_errors_has_one_row_per_error_in_every_format(cli: Cli, path: Path) -> None:
    expected = _count(path, ERROR_XPATH[0])
    r_json = cli("errors", path, "--format", "json")
    r_csv = cli("errors", path, "--format", "csv")
    r_table = cli("errors", path)
    assert r_json.code == r_csv.code == r_table.code == 0
    data = r_json.json()
    assert data["version"] == 2
    assert len(data["errors"]) == expected
    rows = list(csv.DictReader(io.StringIO(r_csv.out)))
    assert len(rows) == expected
    for row, item in zip(rows, data["errors"], strict=True):
        assert row["dn"] == (item["dn"] or "")
        assert row["error-type"] == item["error_type"]
        assert row["retry-count"] == (
            "" if item["retry_count"] is None else str(item["retry_count"])
        )
    if not expected:
        assert r_table.out == "no errors\n"


def test_errors_rows_for_export_errors(cli: Cli) -> None:
    path = FIXTURES / "valid" / "export-errors.xml"
    r = cli("errors", path, "--format", "json")
    connection, first, second = r.json()["errors"]
    assert connection["kind"] == "connection"
    assert connection["error_code"] == "0x80072EFD"
    assert first == {
        "file": str(path),
        "ma": "MOSS-UserProfile",
        "run": 77,
        "step": 1,
        "kind": "export",
        "dn": "CN=Ana Lopez,OU=Staff,DC=contoso,DC=com",
        "error_type": "cd-error",
        "algorithm_step": None,
        "first_occurred": "2018-07-22 02:05:10.001",
        "date_occurred": "2018-07-24 02:05:12.604",
        "retry_count": 2,
        "error_code": "0x80230729",
        "detail": "The user profile property 'SPS-Birthday' cannot be set: invalid date format.",
    }
    assert second["error_type"] == "permission-issue"
    assert second["error_code"] is None


def test_errors_rows_for_import_errors(cli: Cli) -> None:
    r = cli("errors", FIXTURES / "valid" / "delta-import-sync.xml", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert [(x["kind"], x["error-type"], x["algorithm-step"], x["retry-count"]) for x in rows] == [
        ("import", "extension-dll-exception", "import-flow", "1"),
        ("import", "sync-rule-flow-attribute-not-found", "import-flow", "0"),
    ]
    table = cli("errors", FIXTURES / "valid" / "delta-import-sync.xml").out.splitlines()
    assert table[0].split() == [
        "ma",
        "run",
        "step",
        "kind",
        "error-type",
        "retries",
        "date-occurred",
        "code",
        "dn",
    ]
    assert table[2] == (
        "    algorithm-step: import-flow  extension Contoso.Sync.Extensions at import-flow"
        "  first-occurred: 2018-07-23 02:01:12"
    )


# -- convert --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=_id)
def test_convert_to_json_and_back_gives_the_same_xml(cli: Cli, path: Path, tmp_path: Path) -> None:
    r = cli("convert", path, "--to", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert list(data) == ["version", "run_history"]
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    as_json = tmp_path / "run.json"
    as_json.write_text(r.out, encoding="utf-8")
    back = cli("convert", as_json, "--to", "xml")
    assert back.code == 0, back.err
    assert canonical_form(back.out.encode("utf-8")) == canonical_form(path.read_bytes())
    again = cli("convert", path, "--to", "xml")
    assert again.out == back.out


def test_convert_json_keys_are_the_documented_ones(cli: Cli) -> None:
    r = cli("convert", FIXTURES / "valid" / "delta-import-sync.xml", "--to", "json")
    run = r.json()["run_history"]["run_details"][0]
    assert list(run) == [
        "ma_id",
        "ma_name",
        "run_number",
        "run_profile_name",
        "security_id",
        "step_details",
    ]
    step = run["step_details"][0]
    assert step["step_result"] == {
        "value": "completed-sync-errors",
        "progress": None,
        "file": None,
    }
    assert step["staging_counters"]["stage_add"] == {"value": 3, "detail": "true"}
    assert step["ma_discovery_counters"] == {"filtered_deletions": None, "filtered_objects": 12}
    docs = (REPO / "docs" / "json.md").read_text(encoding="utf-8")
    for key in ("run_history", "run_details", "step_details", "_lexical", "step_description"):
        assert f"`{key}`" in docs


def test_the_json_schema_is_strict() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    history = runhistory.load(FIXTURES / "valid" / "export-errors.xml")
    r_data = json.loads(json.dumps(model.to_data(history)))
    step = r_data["run_history"]["run_details"][0]["step_details"][0]
    step["step_number"] = "1"
    assert not validator.is_valid(r_data)
    step["step_number"] = 1
    step.pop("mv_retry_errors")
    assert not validator.is_valid(r_data)


def test_convert_normalizes_what_powershell_saved(cli: Cli) -> None:
    r = cli("convert", FIXTURES / "encoding" / "utf16le-bom.xml", "--to", "xml")
    assert r.out.startswith('<?xml version="1.0" encoding="utf-8"?>\n<run-history>\n')
    assert "\r" not in r.out


# -- status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cls"),
    [
        ("success", "success"),
        ("completed-warnings", "completed with warnings"),
        ("completed-export-errors", "completed with errors"),
        ("no-start-ma-already-running", "did not start"),
        ("stopped-user-termination-from-wmi-or-ui", "stopped"),
        ("in-progress", "in progress"),
        ("call-failure", "call failure"),
        ("success-low-security", "completed with warnings"),
        ("ma-not-running", "call failure"),
    ],
)
def test_status_prints_the_class_and_meaning(cli: Cli, value: str, cls: str) -> None:
    r = cli("status", value)
    assert r.code == 0
    assert r.out.splitlines()[0] == f"{value}: {cls}"
    assert r.out.splitlines()[1].startswith("  meaning: ")


def test_status_says_what_to_do_about_a_stopped_step(cli: Cli) -> None:
    from runhistory.status import STATUSES

    r = cli("status", "stopped-connectivity")
    assert r.code == 0
    advice = STATUSES["stopped-connectivity"].advice
    assert advice and "credentials of the management agent" in advice
    lines = r.out.splitlines()
    said = lines[2:-1]  # wrapped to 100 columns, between the meaning and the methods
    assert said[0].startswith("  what to do: ") and lines[-1].startswith("  returned by: ")
    assert all(len(x) <= 100 for x in lines)
    assert " ".join(x.strip() for x in said) == f"what to do: {advice}"


def test_status_of_a_success_has_nothing_to_do(cli: Cli) -> None:
    assert "what to do" not in cli("status", "success").out


def test_status_unknown_string_suggests_one(cli: Cli) -> None:
    r = cli("status", "stopped-extension-dll-lod")
    assert r.code == 2
    assert r.out == ""
    assert "did you mean 'stopped-extension-dll-load'?" in r.err
    assert r.err.count("\n") == 1


# -- bad input: one line, exit 1 or 2, no traceback ----------------------------------------


@pytest.mark.parametrize(
    "args",
    [["show"], ["errors", "--format", "csv"], ["convert", "--to", "json"]],
    ids=["show", "errors", "convert"],
)
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("invalid/xsd-type.xml", 1),
        ("invalid/malformed-truncated.xml", 1),
        ("invalid/empty.xml", 1),
        ("invalid/not-xml.xml", 1),
        ("invalid/doctype-entity.xml", 1),
        ("missing.xml", 2),
    ],
)
def test_bad_input_is_one_line(cli: Cli, args: tuple[str, ...], name: str, code: int) -> None:
    # show and errors read what they can: a document they cannot read at all is exit 2.
    code = 2 if args[0] in ("show", "errors") else code
    r = cli(args[0], FIXTURES / name, *args[1:])
    assert r.code == code
    assert r.out == ""
    assert r.err.count("\n") == 1, r.err
    assert r.err.startswith(f"runhistory {args[0]}: ")
    assert "Traceback" not in r.err


def test_invalid_document_line_says_where_and_what(cli: Cli) -> None:
    r = cli("show", FIXTURES / "invalid" / "xsd-type.xml")
    assert re.search(r"xsd-type\.xml:\d+:\d+: S106 \[§2\.2\.1\.1\.1\.4\] <retry-count>", r.err)


def test_product_departures_are_warnings_under_strict(cli: Cli) -> None:
    path = FIXTURES / "product" / "sharepoint-save-to-file.xml"
    product = cli("show", path)
    assert product.code == 0 and product.err == ""
    strict = cli("show", "--profile", "strict", path)
    assert strict.code == 0
    assert strict.out == product.out  # every run is still shown
    warnings = strict.err.splitlines()
    assert all(w.startswith("runhistory show: warning: ") for w in warnings)
    assert any(" S103 " in w and w.endswith("(shown as written)") for w in warnings)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"version": 1}', "expected the shape 'runhistory schema --json' prints"),
        ('{"version": 1, "run_history": {"run_details": "x"}}', "run_details: expected a list"),
        ('{"a": ' + "[" * 100000 + "]" * 100000 + "}", "nested too deeply"),
        ("[1, 2]", "expected the shape 'runhistory schema --json' prints"),
    ],
)
def test_convert_bad_json_is_one_line(cli: Cli, tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    r = cli("convert", path, "--to", "xml")
    assert r.code == 1
    assert says in r.err
    assert r.err.count("\n") == 1


def test_convert_reads_json_saved_as_utf16(cli: Cli, tmp_path: Path) -> None:
    r = cli("convert", FIXTURES / "valid" / "export-errors.xml", "--to", "json")
    path = tmp_path / "powershell.json"
    path.write_bytes(b"\xff\xfe" + r.out.replace("\n", "\r\n").encode("utf-16-le"))
    back = cli("convert", path, "--to", "xml")
    assert back.code == 0, back.err
    expected = canonical_form((FIXTURES / "valid" / "export-errors.xml").read_bytes())
    assert canonical_form(back.out.encode("utf-8")) == expected


def test_show_colours_results_on_a_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    r = cli("show", FIXTURES / "valid" / "export-errors.xml")
    assert "\x1b[31mcompleted-export-errors\x1b[0m" in r.out
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(cli("show", FIXTURES / "valid" / "export-errors.xml").out)


def test_convert_json_that_breaks_a_rule_is_refused(cli: Cli, tmp_path: Path) -> None:
    r = cli("convert", FIXTURES / "valid" / "delta-import-sync.xml", "--to", "json")
    data = r.json()
    data["run_history"]["run_details"][0]["security_id"] = "no-backslash"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    r = cli("convert", path, "--to", "xml")
    assert r.code == 1
    assert "the JSON does not describe a valid run" in r.err
    assert "S104" in r.err


def test_convert_json_with_a_character_xml_cannot_carry_is_one_line(
    cli: Cli, tmp_path: Path
) -> None:
    # Found by `make fuzz`: dumps() raised ModelError through the command.
    data = cli("convert", FIXTURES / "valid" / "delta-import-sync.xml", "--to", "json").json()
    data["run_history"]["run_details"][0]["ma_name"] = "MOSS\u001f"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    r = cli("convert", path, "--to", "xml")
    assert r.code == 1
    assert "U+001F" in r.err and "Traceback" not in r.err
    assert "run_history.run_details[0].ma_name" in r.err  # where, in the JSON
    assert r.err.count("\n") == 1


def test_stdin_is_read(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = (FIXTURES / "valid" / "export-errors.xml").read_bytes()
    out = subprocess.run(
        [sys.executable, "-m", "runhistory", "errors", "--format", "csv", "-"],
        input=data,
        capture_output=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().count("\n") == 4  # the head, a connection and two export errors


@pytest.mark.parametrize("command", [["show"], ["errors"], ["convert", "--to", "json"]])
def test_reading_commands_take_max_bytes_with_units_as_validate_does(
    cli: Cli, command: list[str]
) -> None:
    path = FIXTURES / "valid" / "delta-import-sync.xml"
    size = path.stat().st_size
    assert 1024 < size < 1 << 20
    refused = cli(*command, "--max-bytes", "1K", path)
    assert refused.code == 2
    assert f"{size:,} bytes, over the limit of 1,024" in refused.err
    assert cli(*command, "--max-bytes", "1M", path).code == 0
    bad = cli(*command, "--max-bytes", "1Q", path)
    assert bad.code == 2
    assert "expected a size such as 1000, 64K" in bad.err
