"""What a newcomer meets first: argument errors, the summary's pointers, every operand reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import FIXTURES, Result
from runhistory.report import FileReport

Cli = Callable[..., Result]

VALID = FIXTURES / "valid" / "delta-import-sync.xml"
TYPE = FIXTURES / "invalid" / "xsd-type.xml"
PRODUCT = FIXTURES / "product" / "sharepoint-save-to-file.xml"  # 4 departures under strict


def _report_schema() -> dict[str, Any]:
    text = resources.files("runhistory").joinpath("schema/report.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# -- item 7: argument errors -------------------------------------------------------------------


def test_a_misspelled_option_names_the_option_meant_with_the_subcommand_usage(cli: Cli) -> None:
    r = cli("validate", "--frmat", "json", VALID)
    assert r.code == 2
    assert r.err.startswith("usage: runhistory validate ")
    assert "unrecognized arguments: --frmat (did you mean --format for --frmat?)" in r.err


def test_a_misspelled_choice_names_the_choice_meant(cli: Cli) -> None:
    r = cli("validate", "--profile", "prodcut", VALID)
    assert r.code == 2
    assert "invalid choice: 'prodcut'" in r.err and "did you mean 'product'?" in r.err
    r = cli("validate", "--format", "jsno", VALID)
    assert r.code == 2 and "did you mean 'json'?" in r.err
    r = cli("valdate", VALID)
    assert r.code == 2 and "did you mean 'validate'?" in r.err


@pytest.mark.parametrize(
    ("size", "refused"),
    [("1K", True), ("1KB", True), ("6K", False), ("1M", False), ("1GiB", False), ("5837", False)],
)
def test_max_bytes_takes_units(cli: Cli, tmp_path: Path, size: str, refused: bool) -> None:
    doc = tmp_path / "doc.xml"
    doc.write_bytes(VALID.read_bytes())
    assert 1024 < doc.stat().st_size <= 6 * 1024
    r = cli("validate", "--format", "json", "--max-bytes", size, doc)
    rules = [f["rule"] for f in r.json()["files"][0]["findings"]]
    assert ("D006" in rules) is refused


@pytest.mark.parametrize("size", ["1X", "K", "0", "-1", "1.5.2G"])
def test_max_bytes_refuses_what_is_not_a_size(cli: Cli, size: str) -> None:
    r = cli("validate", "--max-bytes", size, VALID)
    assert r.code == 2 and "expected a size" in r.err


def test_units_are_powers_of_1024_or_of_1000_as_written() -> None:
    from runhistory.units import parse_size

    assert parse_size("1K") == parse_size("1KiB") == 1024
    assert parse_size("1KB") == 1000
    assert parse_size("1g") == 1 << 30
    assert parse_size("1.5M") == 3 << 19
    assert parse_size("200") == 200


def test_help_describes_every_argument(cli: Cli) -> None:
    r = cli("validate", "--help")
    assert r.code == 0
    text = " ".join(r.out.split())
    assert "PATH a document, a directory" in text
    assert "--profile {strict,product} strict (default)" in text
    assert "--max-bytes SIZE" in text


def test_statistics_with_json_is_json(cli: Cli) -> None:
    r = cli("validate", "--format", "json", "--statistics", PRODUCT, TYPE)
    assert r.code == 1
    data = r.json()
    assert data[0] == {
        "code": "S103",
        "count": 2,
        "summary": "a value outside the schema's enumeration",
    }
    assert sum(row["count"] for row in data) == 5


def test_statistics_with_another_machine_format_is_a_usage_error(cli: Cli) -> None:
    r = cli("validate", "--format", "sarif", "--statistics", VALID)
    assert r.code == 2 and "--statistics works with --format text or json" in r.err


def test_an_output_file_named_like_a_format_is_warned_about(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = cli("validate", "-o", "json", VALID)
    assert r.code == 0
    assert "warning: writing a text report to a file named 'json'" in r.err
    assert "--format json chooses the format" in r.err
    assert (tmp_path / "json").read_text().startswith("1 file checked")
    r = cli("validate", "--format", "json", "-o", "json", VALID)
    assert r.err == ""


# -- items 2 and 5: the summary says why ---------------------------------------------------------


def test_strict_errors_that_are_product_departures_are_pointed_out_once(cli: Cli) -> None:
    r = cli("validate", PRODUCT, TYPE)
    assert r.code == 1
    tail = r.out.splitlines()[-2:]
    assert tail[0] == "2 files checked (strict profile): 2 invalid, 5 errors, 0 warnings"
    assert tail[1] == (
        "note: 4 of the 5 errors (D003, S101, S103) are known departures of product output "
        "from the spec; --profile product reports them as warnings"
    )
    assert r.out.count("note:") == 1
    # And it is true: under product those four are warnings and only S106 stays an error.
    data = cli("validate", "--profile", "product", "--format", "json", PRODUCT, TYPE).json()
    assert data["summary"]["errors"] == 1 and data["summary"]["warnings"] == 7


def test_no_pointer_when_no_error_is_a_departure(cli: Cli) -> None:
    r = cli("validate", TYPE)
    assert "note:" not in r.out
    assert "note:" not in cli("validate", "--profile", "product", PRODUCT).out


def test_quiet_and_output_keep_the_pointer(cli: Cli, tmp_path: Path) -> None:
    assert "--profile product reports them" in cli("validate", "-q", PRODUCT).out
    r = cli("validate", "--format", "sarif", "-o", tmp_path / "r.sarif", PRODUCT)
    assert "--profile product reports them" in r.out


def test_failing_on_warnings_says_so(cli: Cli) -> None:
    r = cli("validate", "--profile", "product", "--fail-on", "warning", PRODUCT)
    assert r.code == 1
    assert r.out.splitlines()[-1] == (
        "failed because of --fail-on warning: 7 warnings reported "
        "(without it, warnings do not fail the run)"
    )
    assert "failed because" not in cli("validate", "--profile", "product", PRODUCT).out


def test_exit_zero(cli: Cli) -> None:
    assert cli("validate", TYPE).code == 1
    assert cli("validate", "--exit-zero", TYPE).code == 0
    assert cli("validate", "--exit-zero", TYPE, "missing.xml").code == 2


@pytest.mark.parametrize(("color", "escapes"), [("always", True), ("never", False)])
def test_color_flag(cli: Cli, monkeypatch: pytest.MonkeyPatch, color: str, escapes: bool) -> None:
    monkeypatch.setenv("NO_COLOR" if escapes else "FORCE_COLOR", "1")
    r = cli("validate", "--color", color, TYPE)
    assert ("\033[" in r.out) is escapes


# -- item 3: every operand, with its error, in every format --------------------------------------


def test_json_lists_unreadable_operands_in_place(cli: Cli) -> None:
    r = cli("validate", "--format", "json", VALID, "nosuch.xml", TYPE)
    assert r.code == 2
    data = r.json()
    assert [f["file"] for f in data["files"]] == [str(VALID), "nosuch.xml", str(TYPE)]
    assert data["files"][1] == {
        "file": "nosuch.xml",
        "valid": False,
        "error": "no such file or directory",
        "findings": [],
    }
    assert data["summary"] == {"files": 3, "errors": 1, "warnings": 0, "unreadable": 1}
    jsonschema.validate(data, _report_schema())


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "gitlab"])
def test_every_format_names_the_unreadable_operand_and_its_error(cli: Cli, fmt: str) -> None:
    r = cli("validate", "--format", fmt, VALID, "nosuch.xml")
    assert r.code == 2
    assert "nosuch.xml" in r.out and "no such file or directory" in r.out


# -- the JSON Schema of the report ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        (VALID,),
        (TYPE, PRODUCT, FIXTURES / "invalid"),
        ("--max-findings", "1", PRODUCT),
        ("--profile", "product", FIXTURES / "product", "missing.xml"),
    ],
)
def test_the_json_report_matches_its_shipped_schema(cli: Cli, args: tuple[object, ...]) -> None:
    data = cli("validate", "--format", "json", *args).json()
    jsonschema.Draft202012Validator.check_schema(_report_schema())
    jsonschema.validate(data, _report_schema())


def test_the_schema_is_strict_enough_to_fail(cli: Cli) -> None:
    data = cli("validate", "--format", "json", TYPE).json()
    data["files"][0]["findings"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _report_schema())


# -- item 8: what ruff users expect ---------------------------------------------------------------


def test_azure_logging_commands(cli: Cli) -> None:
    r = cli("validate", "--format", "azure", "--profile", "product", TYPE, PRODUCT, "nosuch.xml")
    assert r.code == 2
    lines = r.out.splitlines()
    assert lines[0] == (
        f"##vso[task.logissue type=error;sourcepath={TYPE};linenumber=48;columnnumber=6;"
        "code=S106;][§2.2.1.1.1.4] <retry-count> has value 'once', expected a whole number "
        "from 0 to 2147483647"
    )
    assert sum(ln.startswith("##vso[task.logissue type=warning;") for ln in lines) == 7
    assert (
        "##vso[task.logissue type=error;sourcepath=nosuch.xml;]no such file or directory" in lines
    )
    assert lines[-1].startswith("2 files checked (product profile)")


def test_azure_escaping() -> None:
    from runhistory.output.azure_format import command

    line = command("error", "50% done\nnext", sourcepath="a;b]c.xml", linenumber=None)
    assert line == "##vso[task.logissue type=error;sourcepath=a%3Bb%5Dc.xml;]50%AZP25 done%0Anext"


def test_stdin_filename_names_standard_input(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    stdin = io.TextIOWrapper(io.BytesIO(TYPE.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    r = cli("validate", "--format", "json", "--stdin-filename", "captures/run.xml", "-")
    assert r.code == 1
    assert r.json()["files"][0]["file"] == "captures/run.xml"


def test_show_settings_says_where_each_value_comes_from(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "runhistory.toml").write_text('profile = "product"\nfail-on = "warning"\n')
    monkeypatch.chdir(tmp_path)
    r = cli("validate", "--show-settings", "--max-bytes", "1M", "--ignore", "L", "x.xml")
    assert r.code == 0
    rows = {line.split("  ", 1)[0]: line.split("  ", 1)[1].strip() for line in r.out.splitlines()}
    where = str(tmp_path / "runhistory.toml")
    assert rows["configuration file"] == where
    assert rows["profile"] == f"product ({where})"
    assert rows["fail-on"] == f"warning ({where})"
    assert rows["max-bytes"] == "1048576 (command line)"
    assert rows["max-findings"] == "none (default)"
    assert rows["ignore"] == "L (command line)"
    assert "L201" not in rows["info codes"] and "P001" in rows["warning codes"]


def test_show_files_lists_what_would_be_checked(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.xml", "b.tmp.xml", "sub/c.xml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(VALID.read_bytes())
    (tmp_path / "runhistory.toml").write_text('exclude = ["*.tmp.xml"]\n')
    monkeypatch.chdir(tmp_path)
    r = cli("validate", "--show-files", ".")
    assert r.code == 0
    assert [Path(p).as_posix() for p in r.out.splitlines()] == ["a.xml", "sub/c.xml"]


def test_show_source_puts_a_caret_under_the_column(cli: Cli) -> None:
    r = cli("validate", "--show-source", TYPE, "nosuch.xml")
    assert r.code == 2
    lines = r.out.splitlines()
    assert lines[0].startswith(f"{TYPE}:48:6: error S106")
    assert lines[1] == "   48 |      <retry-count>once</retry-count>"
    assert lines[2] == "      |      ^"
    assert lines[3] == "nosuch.xml: error: no such file or directory"
    # Without the flag, the report is as before.
    assert "   48 | " not in cli("validate", TYPE).out


def test_a_frame_on_a_long_line_is_cut_around_the_column() -> None:
    from runhistory.output.source_frame import frame

    text = "x" * 500 + "<bad/>" + "y" * 500
    shown, caret = frame([text], 1, 501)
    assert "<bad/>" in shown and len(shown) <= 8 + 100
    assert shown[caret.index("^")] == "<"
    assert frame([text], 2, 1) == []


def test_a_stopped_worker_checks_no_further_document_of_its_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from runhistory import batch
    from runhistory.inputs import Source
    from runhistory.validate import Options

    stop = threading.Event()
    seen: list[str] = []

    def check(source: Source, plan: batch.Plan) -> batch.Outcome:
        seen.append(source.name)
        if len(seen) == 2:
            stop.set()  # Ctrl-C arrives while the second document is checked
        return FileReport(source.name)

    monkeypatch.setattr(batch, "check", check)
    monkeypatch.setattr(batch, "_VARIANTS", [batch.Plan(Options())])
    monkeypatch.setattr(batch, "_STOP", stop)
    chunk = [batch.Task(Source(f"{i}.xml", None), 0, 0) for i in range(16)]
    outcomes = batch._check_chunk(chunk)
    assert [o.file for o in outcomes if isinstance(o, FileReport)] == ["0.xml", "1.xml"]


def test_generated_files_are_named_by_what_they_are(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("generate", "--count", "2", "--encoding", "utf-8-declared-utf-16", "--out", out)
    assert cli(*args).code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert entry["expected"] == ["D003"]
        assert "-D003-" in entry["file"] and "valid" not in entry["file"]


def test_the_pre_commit_hook_runs_once_for_all_files() -> None:
    from conftest import REPO

    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    # One process for the staged files (it spreads them over --jobs itself): one summary.
    assert "require_serial: true" in hooks


def test_generate_usage_shows_that_out_is_required(cli: Cli) -> None:
    usage = cli("generate", "--help").out
    assert usage.startswith("usage: runhistory generate --out DIR [options]\n")
    assert "runhistory generate --coverage [options]" in usage
    r = cli("generate", "--count", "1")
    assert r.code == 2 and r.err == "runhistory generate: --out DIR is required (or --coverage)\n"
