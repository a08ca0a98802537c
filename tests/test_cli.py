"""The validate command: inputs, output formats, exit codes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, Cli, run_process

VALID = FIXTURES / "valid" / "delta-import-sync.xml"
TYPE = FIXTURES / "invalid" / "xsd-type.xml"
TEXT_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<sev>error|warning|info) (?P<code>[A-Z]\d{3}) \[§(?P<section>[\d.]+)\] (?P<msg>.+)$"
)


def test_valid_file_exits_zero_with_a_summary(cli: Cli) -> None:
    r = cli("validate", VALID)
    assert r.code == 0
    assert r.out == "1 file checked (strict profile): 0 invalid, 0 errors, 0 warnings\n"


def test_text_format_line_shape(cli: Cli) -> None:
    r = cli("validate", TYPE)
    assert r.code == 1
    first, summary = r.out.splitlines()
    m = TEXT_LINE.match(first)
    assert m, first
    assert m.group("file", "line", "col", "sev", "code", "section") == (
        str(TYPE),
        "48",
        "6",
        "error",
        "S106",
        "2.2.1.1.1.4",
    )
    assert summary == "1 file checked (strict profile): 1 invalid, 1 error, 0 warnings"


def test_json_format_has_exactly_the_documented_shape(cli: Cli) -> None:
    r = cli("validate", "--format", "json", VALID, TYPE)
    assert r.code == 1
    data = r.json()
    assert set(data) == {"version", "profile", "files", "summary"}
    assert data["version"] == 1 and data["profile"] == "strict"
    assert data["summary"] == {"files": 2, "errors": 1, "warnings": 0, "unreadable": 0}
    assert [f["file"] for f in data["files"]] == [str(VALID), str(TYPE)]
    assert [f["valid"] for f in data["files"]] == [True, False]
    for f in data["files"]:
        assert set(f) == {"file", "valid", "findings"}
    (finding,) = data["files"][1]["findings"]
    assert finding == {
        "rule": "S106",
        "section": "2.2.1.1.1.4",
        "severity": "error",
        "line": 48,
        "column": 6,
        "path": "/run-history/run-details/step-details/synchronization-errors/import-error[1]/retry-count",
        "message": "<retry-count> has value 'once', expected a whole number from 0 to 2147483647",
    }


def test_json_null_column_when_unknown(cli: Cli) -> None:
    data = cli("validate", "--format", "json", FIXTURES / "invalid" / "empty.xml").json()
    (finding,) = data["files"][0]["findings"]
    assert finding["rule"] == "D002" and finding["line"] is None and finding["column"] is None


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("malformed-truncated.xml", "D001", 57),
        ("mismatched-tag.xml", "D001", 5),
        ("empty.xml", "D002", None),
        ("doctype-entity.xml", "D004", 2),
        ("wrong-root.xml", "D005", 2),
        ("not-xml.xml", "D007", 1),
    ],
)
def test_unreadable_documents_are_one_clear_finding(
    cli: Cli, name: str, code: str, line: int | None
) -> None:
    r = cli("validate", "--format", "json", FIXTURES / "invalid" / name)
    assert r.code == 1 and r.err == ""
    (finding,) = r.json()["files"][0]["findings"]
    assert (finding["rule"], finding["line"]) == (code, line)
    assert "Traceback" not in r.out


def test_missing_path_is_exit_2_and_the_rest_is_still_checked(cli: Cli) -> None:
    r = cli("validate", "no/such/file.xml", VALID, "nomatch-*.xml")
    assert r.code == 2
    # The report lists every operand in its place; stderr says it at once as well.
    assert r.out.splitlines() == [
        "no/such/file.xml: error: no such file or directory",
        "nomatch-*.xml: error: no file matches this pattern",
        "1 file checked (strict profile): 0 invalid, 0 errors, 0 warnings, 2 unreadable",
    ]
    assert r.err.splitlines() == [
        "runhistory: no/such/file.xml: no such file or directory",
        "runhistory: nomatch-*.xml: no file matches this pattern",
    ]


def test_errors_win_over_nothing_but_unreadable_wins_over_errors(cli: Cli) -> None:
    assert cli("validate", TYPE, "missing.xml").code == 2


def test_directory_is_walked_for_xml_files(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.xml").write_bytes(VALID.read_bytes())
    (tmp_path / "a.xml").write_bytes(TYPE.read_bytes())
    (tmp_path / "notes.txt").write_text("not checked")
    (tmp_path / "dir.xml").mkdir()  # a directory named *.xml is not a document
    r = cli("validate", "--format", "json", tmp_path)
    files = [f["file"] for f in r.json()["files"]]
    assert files == [str(tmp_path / "a.xml"), str(tmp_path / "sub" / "b.xml")]


def test_glob_operand(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "encoding")
    r = cli("validate", "--format", "json", "utf16*.xml")
    assert [f["file"] for f in r.json()["files"]] == [
        "utf16be-bom.xml",
        "utf16be-no-bom.xml",
        "utf16le-bom-declared-utf8.xml",
        "utf16le-bom.xml",
        "utf16le-no-bom.xml",
    ]


def test_stdin_operand() -> None:
    r = run_process("validate", "-", stdin=TYPE.read_bytes())
    assert r.code == 1
    assert r.out.startswith("<stdin>:48:6: error S106")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_not_read(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    r = cli("validate", fifo)
    assert r.code == 2
    assert "pipe.xml: error: not a regular file" in r.out


def test_profile_product_is_accepted(cli: Cli) -> None:
    r = cli("validate", "--profile", "product", FIXTURES / "encoding" / "utf8-declared-utf16.xml")
    assert r.code == 0
    assert " warning D003 " in r.out


def test_unknown_profile_or_format_is_a_usage_error(cli: Cli) -> None:
    assert cli("validate", "--profile", "lenient", VALID).code == 2
    r = cli("validate", "--format", "yaml", VALID)
    assert r.code == 2 and "unknown format 'yaml'" in r.err


def test_ignore_and_select(cli: Cli) -> None:
    assert cli("validate", "--ignore", "S106", TYPE).code == 0
    assert cli("validate", "--select", "S103", TYPE).code == 0
    assert cli("validate", "--select", "S1", TYPE).code == 1
    r = cli("validate", "--severity", "S106=warning", TYPE)
    assert r.code == 0 and " warning S106 " in r.out
    r = cli("validate", "--ignore", "Q9", TYPE)
    assert r.code == 2 and "matches no rule code" in r.err


def test_fatal_codes_cannot_be_ignored(cli: Cli) -> None:
    assert cli("validate", "--ignore", "D", FIXTURES / "invalid" / "empty.xml").code == 1


def test_output_is_deterministic(cli: Cli) -> None:
    first = cli("validate", "--format", "json", FIXTURES).out
    assert first == cli("validate", "--format", "json", FIXTURES).out
    json.loads(first)


def test_no_traceback_on_any_bundled_fixture() -> None:
    r = run_process("validate", FIXTURES)
    assert r.code == 1
    assert "Traceback" not in r.err + r.out
