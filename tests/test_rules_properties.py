"""Properties of the value checks behind R001, R002 and R405."""

from __future__ import annotations

import base64
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from runhistory.rules._support import base64_problem, calendar_error, datetime_parts

FAST = settings(max_examples=60, deadline=None)


@FAST
@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)), st.integers(1, 3)
)
def test_every_real_instant_passes_r001_and_r002(when: datetime, digits: int) -> None:
    value = (
        f"{when.year:04d}-{when.month:02d}-{when.day:02d} "
        f"{when.hour:02d}:{when.minute:02d}:{when.second:02d}.{when.microsecond:06d}"[: 20 + digits]
    )
    m = datetime_parts(value)
    assert m is not None and m["sep"] == "." and calendar_error(m) is None


@FAST
@given(st.integers(13, 99), st.integers(1, 28))
def test_a_month_past_twelve_fails_r001(month: int, day: int) -> None:
    m = datetime_parts(f"2018-{month:02d}-{day:02d} 00:00:00.0")
    assert m is not None and calendar_error(m) == f"month {month:02d} does not exist"


@FAST
@given(st.binary(max_size=64))
def test_every_standard_base64_encoding_passes_r405(data: bytes) -> None:
    assert base64_problem(base64.b64encode(data).decode("ascii")) is None


@FAST
@given(st.binary(min_size=1, max_size=64))
def test_unpadded_or_wrapped_base64_fails_r405(data: bytes) -> None:
    text = base64.b64encode(data).decode("ascii")
    if text.endswith("="):
        assert base64_problem(text.rstrip("=")) is not None
    assert base64_problem(text[:2] + "\n" + text[2:]) is not None
