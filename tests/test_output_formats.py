"""The CI formats (sarif, junit, github, gitlab), parsed back; --output, --statistics, --quiet,
--max-findings and --fail-on."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO

import jsonschema
import pytest

from conftest import FIXTURES, REPO, Cli

VALID = FIXTURES / "valid" / "delta-import-sync.xml"
TYPE = FIXTURES / "invalid" / "xsd-type.xml"
PRODUCT = FIXTURES / "product" / "sharepoint-save-to-file.xml"  # 4 findings under strict
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def _sarif_validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(SARIF_SCHEMA)
    cls.check_schema(SARIF_SCHEMA)
    return cls(SARIF_SCHEMA)


# -- SARIF ------------------------------------------------------------------------------------


def test_sarif_is_valid_against_the_sarif_2_1_0_schema(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.xml"
    r = cli("validate", "--format", "sarif", VALID, TYPE, PRODUCT, missing)
    assert r.code == 2  # the missing file
    data = r.json()
    _sarif_validator().validate(data)
    assert data["version"] == "2.1.0"
    (run,) = data["runs"]
    assert run["invocations"][0]["executionSuccessful"] is False
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "missing.xml"
    )


def test_sarif_results_carry_rule_level_message_and_region(cli: Cli) -> None:
    from runhistory.catalog import CATALOG

    data = cli("validate", "--format", "sarif", TYPE).json()
    (run,) = data["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(CATALOG)
    (result,) = run["results"]
    assert result["ruleId"] == "S106"
    assert rules[result["ruleIndex"]]["id"] == "S106"
    assert result["level"] == "error"
    assert result["message"]["text"].startswith("<retry-count> has value 'once'")
    (loc,) = result["locations"]
    phys = loc["physicalLocation"]
    assert phys["artifactLocation"]["uri"] == str(TYPE)[1:] or phys["artifactLocation"][
        "uri"
    ].endswith("fixtures/invalid/xsd-type.xml")
    assert phys["region"] == {"startLine": 48, "startColumn": 6}
    assert loc["logicalLocations"][0]["fullyQualifiedName"].endswith("/retry-count")


def test_sarif_default_levels_follow_the_profile(cli: Cli) -> None:
    strict = cli("validate", "--format", "sarif", VALID).json()["runs"][0]["tool"]["driver"]
    product = cli("validate", "--format", "sarif", "--profile", "product", VALID).json()
    by_id = {r["id"]: r for r in strict["rules"]}
    by_id_p = {r["id"]: r for r in product["runs"][0]["tool"]["driver"]["rules"]}
    assert by_id["P001"]["defaultConfiguration"] == {"enabled": False, "level": "none"}
    assert by_id_p["P001"]["defaultConfiguration"] == {"enabled": True, "level": "warning"}
    assert by_id["U001"]["defaultConfiguration"]["level"] == "note"


@pytest.mark.parametrize(
    ("name", "uri"),
    [
        ("a/b c.xml", "a/b%20c.xml"),
        ("/abs/x.xml", "file:///abs/x.xml"),
        ("C:\\cap\\x.xml", "file:///C%3A/cap/x.xml"),
        ("dir\\x.xml", "dir/x.xml"),
    ],
)
def test_sarif_artifact_uris(name: str, uri: str) -> None:
    from runhistory.output.sarif_format import artifact_uri

    assert artifact_uri(name) == uri


# -- JUnit ------------------------------------------------------------------------------------


def test_junit_one_suite_one_case_per_file_failures_carry_findings(
    cli: Cli, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.xml"
    r = cli("validate", "--format", "junit", VALID, TYPE, missing)
    root = ET.fromstring(r.out)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("errors") == "1"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [str(VALID), str(TYPE), str(missing)]
    assert list(cases[0]) == []
    (failure,) = cases[1].findall("failure")
    assert failure.get("type") == "S106"
    assert failure.get("message") == "1 error, 0 warnings"
    assert f"{TYPE}:48:6: error S106 [§2.2.1.1.1.4]" in (failure.text or "")
    (error,) = cases[2].findall("error")
    assert "no such file" in (error.get("message") or "")


def test_junit_warnings_pass_unless_fail_on_warning(cli: Cli) -> None:
    r = cli("validate", "--format", "junit", "--profile", "product", PRODUCT)
    case = ET.fromstring(r.out).find("testsuite/testcase")
    assert case is not None
    assert case.find("failure") is None
    assert "warning P001" in (case.findtext("system-out") or "")
    r = cli(
        "validate", "--format", "junit", "--profile", "product", "--fail-on", "warning", PRODUCT
    )
    assert r.code == 1
    assert ET.fromstring(r.out).find("testsuite/testcase/failure") is not None


def test_junit_survives_characters_xml_cannot_carry() -> None:
    from runhistory.findings import Finding, Severity
    from runhistory.output.junit_format import build
    from runhistory.report import FileReport, Report

    f = Finding("R406", "2.2.1.1.1.4", Severity.ERROR, 3, 1, "/a", "value 'a\x01b\x7f' is bad")
    report = Report("strict", files=[FileReport("odd\x02.xml", [f])])
    text = ET.tostring(build(report), encoding="unicode")
    back = ET.fromstring(text)  # would raise on a raw control character
    case = back.find("testsuite/testcase")
    assert case is not None and case.get("name") == "odd\\x02.xml"
    # Finding messages escape control characters themselves (one line, printable).
    assert "a\\x01b\\x7f" in (case.findtext("failure") or "")


def test_junit_survives_noncharacters_in_file_names() -> None:
    """U+FFFE and U+FFFF are valid UTF-8 in a file name but no XML 1.0 character: in an
    attribute they made the report not well-formed."""
    from runhistory.findings import Finding, Severity
    from runhistory.output.junit_format import build
    from runhistory.report import FileReport, Problem, Report

    f = Finding("R406", "2.2.1.1.1.4", Severity.ERROR, 3, 1, "/a", "bad")
    report = Report("strict", files=[FileReport("a\ufffe.xml", [f])])
    report.problems.append(Problem("b\uffff.xml", "cannot read \ufffe"))
    back = ET.fromstring(ET.tostring(build(report), encoding="unicode"))
    names = [case.get("name") for case in back.iter("testcase")]
    assert names == ["a\\ufffe.xml", "b\\uffff.xml"]
    error = back.find("testsuite/testcase/error")
    assert error is not None and error.get("message") == "cannot read \\ufffe"


# -- GitHub -----------------------------------------------------------------------------------

COMMAND = re.compile(r"^::(?P<cmd>error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")


def _props(text: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in text.split(","))


def _unescape(value: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, char)
    return value


def test_github_workflow_commands(cli: Cli) -> None:
    r = cli("validate", "--format", "github", "--profile", "product", TYPE, PRODUCT)
    lines = r.out.splitlines()
    assert lines[-1].startswith("2 files checked (product profile)")
    parsed = [COMMAND.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    first = parsed[0]
    assert first is not None
    props = {k: _unescape(v) for k, v in _props(first.group("props")).items()}
    assert first.group("cmd") == "error"
    assert props == {"file": str(TYPE), "line": "48", "col": "6", "title": "S106"}
    assert first.group("msg").startswith("[§2.2.1.1.1.4] <retry-count> has value 'once'")
    assert {m.group("cmd") for m in parsed if m} == {"error", "warning"}


def test_github_escaping() -> None:
    from runhistory.output.github_format import command, escape_data, escape_property

    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"
    line = command("error", "x: y, z", file="dir,1/a:b.xml", line=3, col=None, title="R001")
    assert line == "::error file=dir%2C1/a%3Ab.xml,line=3,title=R001::x: y, z"
    m = COMMAND.match(line)
    assert m and _unescape(_props(m.group("props"))["file"]) == "dir,1/a:b.xml"


# -- GitLab -----------------------------------------------------------------------------------


def test_gitlab_code_quality(cli: Cli) -> None:
    r = cli("validate", "--format", "gitlab", VALID, PRODUCT)
    issues = r.json()
    assert isinstance(issues, list) and len(issues) == 4
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == str(PRODUCT)
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert [i["check_name"] for i in issues] == ["D003", "S103", "S103", "S101"]
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == 4  # unique, even for two S103 on one element kind
    again = [i["fingerprint"] for i in cli("validate", "--format", "gitlab", PRODUCT).json()]
    assert again == fingerprints  # stable from run to run


def test_gitlab_fingerprint_ignores_the_line() -> None:
    from runhistory.findings import Finding, Severity
    from runhistory.output.gitlab_format import to_data
    from runhistory.report import FileReport, Report

    def one(line: int) -> str:
        f = Finding("R001", "2.2.1", Severity.ERROR, line, 1, "/run-history/x", "bad date")
        (issue,) = to_data(Report("strict", files=[FileReport("a.xml", [f])]))
        return str(issue["fingerprint"])

    assert one(3) == one(30)


# -- --output, --statistics, --quiet, --max-findings, --fail-on --------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "gitlab", "text"])
def test_output_file_gets_the_report_terminal_the_summary(
    cli: Cli, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"report.{fmt}"
    target.write_text("old")
    r = cli("validate", "--format", fmt, "--output", target, VALID, TYPE)
    assert r.code == 1
    assert r.out == "2 files checked (strict profile): 1 invalid, 1 error, 0 warnings\n"
    plain = cli("validate", "--format", fmt, VALID, TYPE)
    assert target.read_text(encoding="utf-8") == plain.out
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_output_is_atomic_a_failed_write_leaves_the_old_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runhistory.commands import _validate_run
    from runhistory.report import FileReport, Report

    target = tmp_path / "report.json"
    target.write_text("old report")
    seen: list[str] = []

    def half_then_fail(report: Report, fh: IO[str]) -> None:
        fh.write('{"half": ')
        fh.flush()
        # While rendering, the target still holds the whole old report.
        seen.append(target.read_text())
        raise KeyboardInterrupt

    monkeypatch.setattr(_validate_run, "renderer", lambda fmt: half_then_fail)
    with pytest.raises(KeyboardInterrupt):
        _validate_run.write_atomically(
            target, Report("strict", files=[FileReport("a", [])]), "json"
        )
    assert seen == ["old report"]
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_output_into_a_missing_directory_is_one_line_exit_2(cli: Cli, tmp_path: Path) -> None:
    r = cli("validate", "--output", tmp_path / "nope" / "r.json", VALID)
    assert r.code == 2
    assert r.err.count("\n") == 1 and "cannot write" in r.err


def test_statistics_counts_per_code(cli: Cli) -> None:
    r = cli("validate", "--statistics", PRODUCT, TYPE)
    assert r.out.splitlines() == [
        "     2  S103  a value outside the schema's enumeration",
        "     1  D003  the declared encoding disagrees with the bytes (such as utf-16 on UTF-8 content)",
        "     1  S101  an element that the schema does not allow here",
        "     1  S106  a value that is not of the schema's type",
        "2 files checked (strict profile): 2 invalid, 5 errors, 0 warnings",
        "note: 4 of the 5 errors (D003, S101, S103) are known departures of product output "
        "from the spec; --profile product reports them as warnings",
    ]


def test_quiet_prints_only_the_summary(cli: Cli) -> None:
    r = cli("validate", "--quiet", TYPE)
    assert r.code == 1
    assert r.out == "1 file checked (strict profile): 1 invalid, 1 error, 0 warnings\n"


def test_max_findings_lists_n_counts_all(cli: Cli) -> None:
    r = cli("validate", "--max-findings", "2", PRODUCT)
    lines = r.out.splitlines()
    assert len(lines) == 5
    assert lines[2] == f"{PRODUCT}: 2 more findings not shown (--max-findings)"
    assert lines[3].endswith("1 invalid, 4 errors, 0 warnings")
    assert lines[4].startswith("note: 4 of the 4 errors (D003, S101, S103) are known departures")
    data = cli("validate", "--format", "json", "--max-findings", "1", PRODUCT).json()
    assert len(data["files"][0]["findings"]) == 1 and data["files"][0]["omitted"] == 3
    assert data["summary"]["errors"] == 4


def test_max_findings_must_be_positive(cli: Cli) -> None:
    r = cli("validate", "--max-findings", "0", VALID)
    assert r.code == 2 and "at least 1" in r.err


def test_fail_on_warning(cli: Cli) -> None:
    args = ("validate", "--profile", "product", PRODUCT)  # only warnings under product
    assert cli(*args).code == 0
    assert cli(*args, "--fail-on", "warning").code == 1
    assert cli(*args, "--fail-on", "error").code == 0


def test_color_only_where_wanted() -> None:
    import io

    from runhistory.terminal import use_color

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_color(Tty(), {}) is True
    assert use_color(io.StringIO(), {}) is False
    assert use_color(Tty(), {"NO_COLOR": "1"}) is False
    assert use_color(io.StringIO(), {"FORCE_COLOR": "1"}) is True
    assert use_color(io.StringIO(), {"FORCE_COLOR": "0"}) is False
    assert use_color(Tty(), {"NO_COLOR": ""}) is True


def test_progress_bar_only_on_a_terminal_for_big_batches() -> None:
    import io

    from runhistory.terminal import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert not Progress(io.StringIO(), 10_000, 10).active
    assert not Progress(Tty(), 10, 1000).active
    big = Tty()
    bar = Progress(big, 1000, 1000)
    assert bar.active
    for _ in range(1000):
        bar.advance(1)
    bar.close()
    assert "1000/1000 files" in big.getvalue() and big.getvalue().endswith("\r\033[K")
    assert Progress(Tty(), 1, 64 << 20).active


def test_text_colour_when_forced(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert "\033[31merror\033[0m" in cli("validate", TYPE).out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in cli("validate", TYPE).out


def test_unknown_format_lists_the_new_ones(cli: Cli) -> None:
    r = cli("validate", "--format", "xml", VALID)
    assert r.code == 2
    for name in ("sarif", "junit", "github", "gitlab"):
        assert name in r.err


def test_formats_are_discovered() -> None:
    from runhistory.output import FORMATS

    assert set(FORMATS) >= {"text", "json", "sarif", "junit", "github", "gitlab"}
    assert Path(REPO / "src" / "runhistory" / "output" / "sarif_format.py").is_file()


def test_progress_names_a_big_document_while_it_is_checked() -> None:
    import io

    from runhistory.terminal import BIG_FILE, Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    bar = Progress(out, 2, 5 * BIG_FILE)
    bar.begin("small.xml", 10)
    assert out.getvalue() == ""
    bar.begin("huge.xml", 5 * BIG_FILE - 10)
    assert "checking huge.xml (42 MB)" in out.getvalue()
