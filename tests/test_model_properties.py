"""Round trip under generated values: any text, any lexical form the schema allows, stays as it was."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import runhistory
from conftest import REPO
from runhistory import model
from runhistory.model._canon import canonical_form

BASE = (REPO / "tests" / "model_docs" / "every-shape.xml").read_bytes()
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text that XML 1.0 can carry, including what needs escaping or character references.
xml_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("&<>\"'\t\n\r ]]>"),
        st.characters(min_codepoint=0x20, max_codepoint=0xD7FF),
        st.characters(min_codepoint=0xE000, max_codepoint=0xFFFD),
        st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF),
    ),
    max_size=30,
)
hex_digit = st.sampled_from("0123456789abcdefABCDEF")


@st.composite
def guid(draw: st.DrawFn) -> str:
    groups = [8, 4, 4, 4, 12]
    return (
        "{"
        + "-".join("".join(draw(st.lists(hex_digit, min_size=n, max_size=n))) for n in groups)
        + "}"
    )


@st.composite
def date_time(draw: st.DrawFn) -> str:
    # Before the date the error occurred again (2018-07-24), as first-occurred must be.
    day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2018, 7, 23)))
    t = draw(st.times())
    digits = draw(st.integers(1, 3))
    fraction = f"{t.microsecond:06d}"[:digits]
    return f"{day:%Y-%m-%d} {t:%H:%M:%S}.{fraction}"


def _set(root: etree._Element, path: str, value: str, attribute: str | None = None) -> None:
    el = root.find(path)
    assert el is not None, path
    if attribute is None:
        el.text = value
    else:
        el.set(attribute, value)


@PROPERTY
@given(
    names=st.lists(xml_text, min_size=6, max_size=6),
    step_id=guid(),
    first=date_time(),
    retry=st.integers(0, 2147483647).map(str) | st.sampled_from(["007", "+3", "0"]),
    boolean=st.sampled_from(["true", "false", "1", "0"]),
)
def test_values_survive_load_and_dump(
    names: list[str], step_id: str, first: str, retry: str, boolean: str
) -> None:
    root = etree.fromstring(BASE)
    step = "run-details/step-details"
    errors = f"{step}/synchronization-errors"
    _set(root, "run-details/ma-name", names[0])
    _set(root, "run-details/run-profile-name", names[1])
    _set(root, f"{errors}/import-error[1]/extension-error-info/call-stack", names[2])
    _set(root, f"{errors}/import-error[1]/extension-error-info/extension-context", names[3])
    mapping = f"{errors}/import-error[2]/rules-error-info/context/attribute-mapping"
    _set(root, mapping, names[4], attribute="dest-attr")
    _set(root, f"{mapping}/..", names[5], attribute="ma-name")
    _set(root, step, step_id, attribute="step-id")
    _set(root, f"{errors}/import-error[1]/first-occurred", first)
    _set(root, f"{errors}/import-error[1]/retry-count", retry)
    delta = f"{errors}/import-error[3]/change-not-reimported/delta"
    _set(root, f"{delta}/attr", boolean, attribute="multivalued")
    data = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    history = runhistory.loads(data)
    written = runhistory.dumps(history)
    assert canonical_form(written) == canonical_form(data)
    again = model.from_data(json.loads(json.dumps(model.to_data(history))))
    assert canonical_form(runhistory.dumps(again)) == canonical_form(data)
    assert runhistory.loads(written) == history
