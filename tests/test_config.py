"""Configuration: [tool.runhistory] in pyproject.toml, runhistory.toml, --config; the command
line wins; bad configuration is one line naming the key and the file, exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, Cli, Result

TYPE = FIXTURES / "invalid" / "xsd-type.xml"  # one S106 error
PRODUCT = FIXTURES / "product" / "sharepoint-save-to-file.xml"  # D003, S103 x2, S101 (strict)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with captures/ and broken/ folders; the current directory is a subfolder."""
    (tmp_path / "captures").mkdir()
    (tmp_path / "broken" / "deep").mkdir(parents=True)
    shutil.copy(TYPE, tmp_path / "captures" / "type.xml")
    shutil.copy(PRODUCT, tmp_path / "captures" / "product.xml")
    shutil.copy(TYPE, tmp_path / "broken" / "deep" / "type.xml")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path


def _codes(result: Result) -> list[tuple[str, str]]:
    return [
        (Path(f["file"]).relative_to(Path(f["file"]).parents[1]).as_posix(), x["rule"])
        for f in result.json()["files"]
        for x in f["findings"]
    ]


def test_no_configuration_means_defaults(cli: Cli, project: Path) -> None:
    r = cli("validate", "--format", "json", project / "captures")
    assert r.code == 1
    assert sorted({c for _, c in _codes(r)}) == ["D003", "S101", "S103", "S106"]


def test_pyproject_found_by_walking_up(cli: Cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.runhistory]\nignore = ["S1"]\nprofile = "product"\n'
    )
    r = cli("validate", "--format", "json", project / "captures")
    data = r.json()
    assert data["profile"] == "product"
    assert all(not c.startswith("S1") for _, c in _codes(r))
    assert r.code == 0  # only warnings left


def test_pyproject_without_the_table_is_passed_over(cli: Cli, project: Path) -> None:
    (project / "work" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (project / "runhistory.toml").write_text('ignore = ["S106"]\n')
    r = cli("validate", "--format", "json", project / "captures" / "type.xml")
    assert r.code == 0 and _codes(r) == []


def test_runhistory_toml_is_taken_before_pyproject(cli: Cli, project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.runhistory]\nignore = ["D003"]\n')
    (project / "runhistory.toml").write_text('ignore = ["S106"]\n')
    r = cli("validate", "--format", "json", project / "captures")
    codes = {c for _, c in _codes(r)}
    assert "S106" not in codes and "D003" in codes


def test_config_option_names_the_file(
    cli: Cli, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("elsewhere") / "ci.toml"
    other.write_text('[tool.runhistory]\nselect = ["S106"]\n')
    (project / "runhistory.toml").write_text('ignore = ["S106"]\n')
    r = cli("validate", "--config", other, "--format", "json", project / "captures")
    assert {c for _, c in _codes(r)} == {"S106"}


def test_severity_override_and_fail_on_from_the_file(cli: Cli, project: Path) -> None:
    (project / "runhistory.toml").write_text(
        '[severity]\nS106 = "warning"\nS1 = "info"\nD = "info"\n'
    )
    r = cli("validate", "--format", "json", project / "captures")
    sev = {x["rule"]: x["severity"] for f in r.json()["files"] for x in f["findings"]}
    assert sev == {"S106": "warning", "S103": "info", "S101": "info", "D003": "info"}
    assert r.code == 0
    (project / "runhistory.toml").write_text('fail-on = "warning"\n[severity]\nS106 = "warning"\n')
    assert cli("validate", project / "captures" / "type.xml").code == 1


def test_command_line_wins(cli: Cli, project: Path) -> None:
    (project / "runhistory.toml").write_text(
        'profile = "product"\nignore = ["S106"]\n[severity]\nS103 = "info"\n'
    )
    r = cli(
        "validate",
        "--format",
        "json",
        "--profile",
        "strict",
        "--extend-select",
        "S106",
        "--severity",
        "S103=error",
        "--ignore",
        "D003",
        project / "captures",
    )
    data = r.json()
    assert data["profile"] == "strict"
    sev = {x["rule"]: x["severity"] for f in data["files"] for x in f["findings"]}
    assert sev == {"S106": "error", "S103": "error", "S101": "error"}


def test_include_and_exclude(cli: Cli, project: Path) -> None:
    (project / "runhistory.toml").write_text('exclude = ["broken"]\n')
    r = cli("validate", "--format", "json", project)
    files = {Path(f["file"]).relative_to(project).as_posix() for f in r.json()["files"]}
    assert files == {"captures/type.xml", "captures/product.xml"}
    (project / "runhistory.toml").write_text('include = ["**/type.xml"]\n')
    r = cli("validate", "--format", "json", project)
    files = {Path(f["file"]).relative_to(project).as_posix() for f in r.json()["files"]}
    assert files == {"captures/type.xml", "broken/deep/type.xml"}


def test_per_path_overrides_for_deliberately_broken_fixtures(cli: Cli, project: Path) -> None:
    (project / "runhistory.toml").write_text(
        '[per-path."broken/**"]\nignore = ["S106"]\n'
        '[per-path."captures/product.xml"]\nseverity = { S1 = "warning" }\n'
    )
    r = cli("validate", "--format", "json", project)
    by_file = {
        Path(f["file"]).relative_to(project).as_posix(): {
            x["rule"]: x["severity"] for x in f["findings"]
        }
        for f in r.json()["files"]
    }
    assert by_file["broken/deep/type.xml"] == {}
    assert by_file["captures/type.xml"] == {"S106": "error"}
    assert by_file["captures/product.xml"] == {
        "D003": "error",
        "S103": "warning",
        "S101": "warning",
    }
    # and the command line still wins inside the overridden folder
    r = cli("validate", "--format", "json", "--extend-select", "S106", project / "broken")
    assert [x["rule"] for x in r.json()["files"][0]["findings"]] == ["S106"]


def test_inline_ignores_can_be_turned_off_in_the_file(cli: Cli, project: Path) -> None:
    doc = TYPE.read_text().replace(
        '    <import-error cs-guid="{7F1E',
        '    <!-- runhistory: ignore S106 -->\n    <import-error cs-guid="{7F1E',
        1,
    )
    (project / "captures" / "type.xml").write_text(doc)
    target = project / "captures" / "type.xml"
    assert cli("validate", target).code == 0
    (project / "runhistory.toml").write_text("inline-ignores = false\n")
    assert cli("validate", target).code == 1


@pytest.mark.parametrize(
    ("content", "key", "words"),
    [
        ('selct = ["S1"]\n', "selct", "unknown key"),
        ('select = "S1"\n', "select", "expected a list of strings"),
        ('ignore = ["Q999"]\n', "ignore", "matches no rule code"),
        ('profile = "lenient"\n', "profile", "is not a profile"),
        ('[severity]\nS106 = "fatal"\n', "severity.S106", "is not a level"),
        ('[severity]\nZ1 = "info"\n', "severity.Z1", "matches no rule code"),
        ("max-findings = 0\n", "max-findings", "whole number >= 1"),
        ('max-findings = "10"\n', "max-findings", "whole number >= 1"),
        ('fail-on = "info"\n', "fail-on", "use error or warning"),
        ("inline-ignores = 1\n", "inline-ignores", "expected true or false"),
        ('per-path = ["x"]\n', "per-path", "expected a table"),
        ('[per-path."broken/**"]\nignor = ["S1"]\n', 'per-path."broken/**".ignor', "unknown key"),
        ('[per-path."b"]\nignore = ["XX"]\n', 'per-path."b".ignore', "matches no rule code"),
        ("select = [\n", None, "is not valid TOML"),
    ],
)
def test_bad_configuration_is_one_line_with_key_and_file(
    cli: Cli, project: Path, content: str, key: str | None, words: str
) -> None:
    file = project / "runhistory.toml"
    file.write_text(content)
    r = cli("validate", project / "captures")
    assert r.code == 2
    assert r.out == ""
    assert r.err.count("\n") == 1, r.err
    assert str(file) in r.err and words in r.err
    if key:
        assert f"[tool.runhistory] {key}:" in r.err


def test_bad_table_in_pyproject_names_pyproject(cli: Cli, project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.runhistory]\nignor = ["S1"]\n')
    r = cli("validate", project / "captures")
    assert r.code == 2 and "pyproject.toml: [tool.runhistory] ignor: unknown key" in r.err


def test_config_option_with_a_missing_file(cli: Cli, project: Path) -> None:
    r = cli("validate", "--config", project / "nope.toml", project / "captures")
    assert r.code == 2 and "nope.toml" in r.err and "no such file" in r.err


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("broken", "broken/deep/a.xml", True),
        ("broken/**", "broken/deep/a.xml", True),
        ("*.xml", "a/b/c.xml", True),
        ("captures/*.xml", "captures/deep/a.xml", False),
        ("captures/*.xml", "other/a.xml", False),
        ("**/bad-?.xml", "x/y/bad-1.xml", True),
        ("**/bad-?.xml", "x/y/bad-10.xml", False),
        ("[ab].xml", "b.xml", True),
        ("[!ab].xml", "b.xml", False),
        ("./broken/", "broken/a.xml", True),
        ("brok", "broken/a.xml", False),
    ],
)
def test_glob_match(pattern: str, path: str, hit: bool) -> None:
    from runhistory.config import glob_match

    assert glob_match(pattern, path) is hit


def test_per_path_expect_hides_the_expected_codes_and_reports_missing_ones(
    cli: Cli, project: Path
) -> None:
    (project / "runhistory.toml").write_text(
        '[per-path."broken/**"]\nexpect = ["S106"]\n'
        '[per-path."captures/type.xml"]\nexpect = ["S1", "R405"]\n'
    )
    r = cli("validate", "--format", "json", project / "broken", project / "captures" / "type.xml")
    files = {Path(f["file"]).relative_to(project).as_posix(): f for f in r.json()["files"]}
    assert files["broken/deep/type.xml"]["findings"] == []  # S106 expected, and there
    (missing,) = files["captures/type.xml"]["findings"]  # S1 is there, R405 is not
    assert missing["rule"] == "U002" and missing["severity"] == "error"
    assert missing["line"] is None
    assert missing["message"].startswith(
        'R405 is expected in this file (per-path "captures/type.xml" in runhistory.toml)'
    )
    assert r.code == 1


def test_expect_of_a_code_the_command_line_turns_off_is_passed_over(
    cli: Cli, project: Path
) -> None:
    (project / "runhistory.toml").write_text('[per-path."broken/**"]\nexpect = ["S106", "L2"]\n')
    # L2 is off under strict, but expect selects it; S106 is there
    r = cli("validate", "--format", "json", project / "broken")
    (f,) = r.json()["files"]
    assert [x["rule"] for x in f["findings"]] == ["U002"] and "L2 is expected" in f["findings"][0][
        "message"
    ]
    r = cli("validate", "--format", "json", "--ignore", "L", project / "broken")
    assert r.json()["files"][0]["findings"] == [] and r.code == 0


def test_expect_with_an_unknown_code_is_a_configuration_error(cli: Cli, project: Path) -> None:
    (project / "runhistory.toml").write_text('[per-path."broken/**"]\nexpect = ["S1O6"]\n')
    r = cli("validate", project / "broken")
    assert r.code == 2 and 'per-path."broken/**".expect:' in r.err


def test_exclude_applies_to_files_named_one_by_one(cli: Cli, project: Path) -> None:
    (project / "runhistory.toml").write_text('exclude = ["broken/**"]\n')
    r = cli("validate", project / "broken" / "deep" / "type.xml", project / "captures" / "type.xml")
    assert r.out.endswith("1 file checked (strict profile): 1 invalid, 1 error, 0 warnings\n")
    assert str(project / "broken") not in r.out


@pytest.mark.parametrize("where", ["cli", "config"])
def test_a_narrow_select_still_reports_unreadable_documents(
    cli: Cli, project: Path, where: str
) -> None:
    bad = project / "captures" / "bad.xml"
    bad.write_text("<run-history><run-details></run-history>")
    if where == "config":
        (project / "runhistory.toml").write_text('select = ["S106"]\n')
        r = cli("validate", "--format", "json", bad)
    else:
        r = cli("validate", "--format", "json", "--select", "S106", bad)
    assert [x["rule"] for x in r.json()["files"][0]["findings"]] == ["D001"]
    assert r.code == 1
