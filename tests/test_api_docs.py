"""docs/api.md: every example runs, and runhistory.validate does what the page says."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import runhistory
from conftest import FIXTURES, REPO, Result

DOC = REPO / "docs" / "api.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_every_example_runs(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    exec(compile(example, str(DOC), "exec"), {})


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 5


def test_every_public_name_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in runhistory.__all__:
        if not name.startswith("_"):
            assert f"runhistory.{name}" in text or f"`{name}`" in text, name


def test_validate_reports_what_the_command_reports(cli: Callable[..., Result]) -> None:
    doc = FIXTURES / "product" / "sharepoint-save-to-file.xml"
    for profile in ("strict", "product"):
        report = runhistory.validate(doc, profile=profile)
        shown = cli("validate", "--format", "json", "--profile", profile, doc).json()
        assert [f.to_dict() for f in report.findings] == shown["files"][0]["findings"]
        assert report.valid is shown["files"][0]["valid"]


def test_validate_turns_bad_input_into_findings_not_exceptions(tmp_path: Path) -> None:
    assert [f.rule for f in runhistory.validate(b"").findings] == ["D002"]
    assert [f.rule for f in runhistory.validate(b"<a").findings] == ["D001"]
    big = runhistory.validate(b"<run-history>" + b" " * 100 + b"</run-history>", max_bytes=50)
    assert [f.rule for f in big.findings] == ["D006"]


def test_validate_refuses_what_it_cannot_take(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="no such file"):
        runhistory.validate(tmp_path / "missing.xml")
    with pytest.raises(OSError, match="is a directory"):
        runhistory.validate(tmp_path)
    with pytest.raises(TypeError, match="binary mode"):
        runhistory.validate(io.StringIO("<run-history/>"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        runhistory.validate(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="matches no rule code"):
        runhistory.validate(b"<run-history/>", ignore="Q1")
