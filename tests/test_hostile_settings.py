"""Settings that must never turn checking off by accident (issue 19, items 7, 10 and 18).

An empty code is a prefix of every code: accepted anywhere, it silently disabled every rule and
the run passed.  Globs in the configuration must match in linear time, and a broken file that
is not ours must not stop a run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, Result
from runhistory.findings import Severity
from runhistory.selection import Selection, SelectionError

TYPE = FIXTURES / "invalid" / "xsd-type.xml"  # one S106 error

Cli = Callable[..., Result]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "type.xml").write_bytes(TYPE.read_bytes())
    monkeypatch.chdir(work)
    return work


# -- item 7: empty and unknown codes ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--severity", "=info"],
        ["--severity", " =info"],
        ["--select", ""],
        ["--select", ","],
        ["--ignore", "S1,"],
        ["--ignore", ",S1"],
        ["--extend-select", " "],
        ["--ignore", "NOPE"],
        ["--severity", "X999=info"],
    ],
)
def test_empty_or_unknown_code_on_the_command_line_is_exit_2(
    cli: Cli, here: Path, args: list[str]
) -> None:
    r = cli("validate", *args, "type.xml")
    assert r.code == 2, r.out
    assert "code" in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize(
    "toml",
    [
        'ignore = [""]',
        'ignore = ["  "]',
        'select = [""]',
        'extend-select = [""]',
        'severity = { "" = "info" }',
        'severity = { " " = "info" }',
        'ignore = ["NOPE"]',
        '[per-path."*.xml"]\nignore = [""]',
        '[per-path."*.xml"]\nseverity = { "" = "info" }',
        '[per-path."*.xml"]\nexpect = [""]',
        '[per-path."*.xml"]\nextend-select = ["Q9"]',
    ],
)
def test_empty_or_unknown_code_in_the_configuration_is_exit_2(
    cli: Cli, here: Path, toml: str
) -> None:
    (here / "runhistory.toml").write_text(toml + "\n")
    r = cli("validate", "type.xml")
    assert r.code == 2, r.out
    assert "runhistory.toml" in r.err and "code" in r.err
    assert len(r.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "selection",
    [
        Selection(ignore=("",)),
        Selection(select=("",)),
        Selection(severity={"": Severity.INFO}),
        Selection(ignore=("S106",), base=Selection(ignore=("",))),
    ],
)
def test_a_selection_with_an_empty_code_is_refused_whoever_built_it(selection: Selection) -> None:
    with pytest.raises(SelectionError, match="empty code"):
        selection.validate()
    with pytest.raises(SelectionError, match="empty code"):
        selection.enabled("strict")


def test_valid_codes_still_work(cli: Cli, here: Path) -> None:
    r = cli("validate", "--severity", "S106=info", "--ignore", "R", "type.xml")
    assert r.code == 0
    assert "info S106" in r.out
