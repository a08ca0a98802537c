"""The guard of the tests that read the spec: skip on a bare clone, fail under CI."""

from __future__ import annotations

from pathlib import Path

import pytest

import conftest


@pytest.fixture
def no_spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "SPEC", tmp_path / "shared" / "spec" / "absent.txt")


@pytest.mark.parametrize("value", [None, "", "0", "false"])
def test_a_missing_spec_skips_with_the_reason_outside_ci(
    no_spec: None, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match=r"spec text not present at .*absent\.txt"):
        conftest.spec_text()


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_a_missing_spec_fails_under_ci(
    no_spec: None, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI is set, so the spec tests are mandatory"):
        conftest.spec_text()


def test_a_present_spec_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spec = tmp_path / "spec.txt"
    spec.write_text("2.2.1 RunDetails", encoding="utf-8")
    monkeypatch.setattr(conftest, "SPEC", spec)
    conftest._read_spec.cache_clear()
    try:
        assert conftest.spec_text() == "2.2.1 RunDetails"
    finally:
        conftest._read_spec.cache_clear()
