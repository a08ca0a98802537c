"""The status vocabulary of section 3.2.5, checked against the spec text and the schema."""

from __future__ import annotations

import re

import pytest

from conftest import spec_text
from runhistory import model
from runhistory.rules.product import FIM_STEP_RESULTS
from runhistory.status import (
    EXECUTE,
    GET_SERVER_STATUS,
    RESUME_STATE,
    RUN_STATUS,
    STATUSES,
    STOP,
    StatusClass,
    StatusValue,
    classify,
    lookup,
)


def _section(number: str, next_number: str) -> str:
    text = spec_text()
    start = text.index(f"\n{number} ", text.index("3.2.5 Message Processing"))
    end = text.index(f"{next_number} ", start + 10)
    return text[start:end]


def _returned(section: str) -> set[str]:
    """Every status the section says the server MUST/SHOULD return (lines joined first)."""
    flat = re.sub(r"-\s*\n\s*", "-", section)
    flat = re.sub(r"\s+", " ", flat)
    found = set(re.findall(r"(?:MUST|SHOULD) return ([a-z]+(?:-[a-z]+)*)", flat))
    return found - {"an", "a", "the", "date", "number", "one"}


@pytest.mark.parametrize(
    ("method", "number", "next_number", "enum"),
    [
        ("Execute", "3.2.5.2", "3.2.5.3", EXECUTE),
        ("GetServerStatus", "3.2.5.3", "3.2.5.4", GET_SERVER_STATUS),
        ("ResumeState", "3.2.5.20", "3.2.5.21", RESUME_STATE),
        ("RunStatus", "3.2.5.27", "3.2.5.28", RUN_STATUS),
        ("Stop", "3.2.5.28", "3.2.5.29", STOP),
    ],
)
def test_every_status_the_spec_lists_has_an_enum_member(
    method: str, number: str, next_number: str, enum: frozenset[StatusValue]
) -> None:
    listed = _returned(_section(number, next_number))
    assert len(listed) >= 4
    values = {m.value for m in enum}
    assert listed <= values, sorted(listed - values)
    for value in listed:
        assert method in STATUSES[value].methods


def test_every_step_result_of_the_schema_is_a_run_status() -> None:
    for member in model.StepResultValue:
        assert StatusValue(member.value) in RUN_STATUS, member
        assert classify(member.value) is not None
    assert set(FIM_STEP_RESULTS) <= set(STATUSES)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("success", StatusClass.SUCCESS),
        ("success-can-resume", StatusClass.SUCCESS),
        ("completed-no-objects", StatusClass.COMPLETED_WITH_WARNINGS),
        ("completed-discovery-errors", StatusClass.COMPLETED_WITH_ERRORS),
        ("no-start-resume-profile-modified", StatusClass.DID_NOT_START),
        ("stopped-error-limit", StatusClass.STOPPED),
        ("completing-obsoletion", StatusClass.IN_PROGRESS),
        ("access-denied", StatusClass.CALL_FAILURE),
        ("connection-failure", StatusClass.CALL_FAILURE),
        (" Server-Down ", StatusClass.CALL_FAILURE),
    ],
)
def test_classify(value: str, expected: StatusClass | None) -> None:
    assert classify(value) is expected


def test_unknown_strings_are_not_classified() -> None:
    assert classify("finished") is None
    assert lookup("") is None


def test_the_enum_lists_exactly_the_statuses() -> None:
    assert {m.value for m in StatusValue} == set(STATUSES)
    assert StatusValue.SUCCESS_LOW_SECURITY in GET_SERVER_STATUS
    assert StatusValue.MA_NOT_RUNNING in STOP


def test_every_status_has_a_meaning_and_a_class() -> None:
    for status in STATUSES.values():
        assert status.meaning and status.meaning[0].islower()
        assert isinstance(status.status_class, StatusClass)
        assert status.section.startswith("3.2.5")


def test_the_enum_is_generated_from_the_table() -> None:
    import subprocess
    import sys

    from conftest import REPO

    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "gen_status.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- what to do ---------------------------------------------------------------------------------

_ACTIONABLE = (StatusClass.STOPPED, StatusClass.DID_NOT_START, StatusClass.COMPLETED_WITH_ERRORS)


def test_the_advice_is_keyed_by_values_of_the_table() -> None:
    from runhistory.status_advice import ADVICE
    from runhistory.status_table import TABLE

    assert set(ADVICE) <= {value for value, *_ in TABLE}


@pytest.mark.parametrize(
    "value", sorted(v for v, s in STATUSES.items() if s.status_class in _ACTIONABLE)
)
def test_every_status_an_administrator_can_act_on_says_what_to_do(value: str) -> None:
    advice = STATUSES[value].advice
    assert advice and advice[0].islower() and not advice.endswith(".")


@pytest.mark.parametrize(
    "value",
    sorted(
        v
        for v, s in STATUSES.items()
        if s.status_class in (StatusClass.SUCCESS, StatusClass.IN_PROGRESS)
    ),
)
def test_success_and_in_progress_have_nothing_to_do(value: str) -> None:
    assert STATUSES[value].advice is None


def test_the_actionable_values_are_the_stopped_no_start_and_error_ones() -> None:
    names = {
        v
        for v in STATUSES
        if v.startswith(("stopped-", "no-start-"))
        or (v.startswith("completed-") and v.endswith("-errors"))
    }
    assert names and names <= {v for v, s in STATUSES.items() if s.status_class in _ACTIONABLE}
