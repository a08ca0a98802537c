"""``convert`` from JSON refuses what XML cannot carry as names, and a version that is not the
number 1 (issue 19, item 21)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, Result
from runhistory.model import ModelError, from_data, loads, to_data

Cli = Callable[..., Result]
VALID = FIXTURES / "valid" / "delta-import-sync.xml"


@pytest.fixture(scope="module")
def plain() -> dict[str, Any]:
    data: dict[str, Any] = to_data(loads(VALID.read_bytes()))
    return data


def _description(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data["run_history"]["run_details"][0]["step_details"][0][
        "step_description"
    ]
    return found


BAD = {
    "two attributes in one key": ("attributes", {'foo="1" bar': "2"}, "not an XML attribute name"),
    "a space": ("attributes", {"a b": "1"}, "not an XML attribute name"),
    "a digit first": ("attributes", {"1x": "1"}, "not an XML attribute name"),
    "an empty name": ("attributes", {"": "1"}, "not an XML attribute name"),
    "a prefix:name": ("attributes", {"p:x": "1"}, "not an XML attribute name"),
    "markup in a Clark name": ("attributes", {"{urn:x}a>b": "1"}, "not an XML attribute name"),
    "xmlns as an attribute": ("attributes", {"xmlns": "urn:x"}, "namespace declaration"),
    "a bad prefix": ("namespaces", {'p="urn:y" q': "urn:x"}, "not a namespace prefix"),
    "a prefix with a colon": ("namespaces", {"a:b": "urn:x"}, "not a namespace prefix"),
    "the xmlns prefix": ("namespaces", {"xmlns": "urn:x"}, "reserved"),
    "xml on another URI": ("namespaces", {"xml": "urn:x"}, "go only together"),
    "an empty URI for a prefix": ("namespaces", {"p": ""}, "empty URI"),
    "content that closes the element": (
        "content",
        "</step-description><step-description>",
        "not well-formed",
    ),
    "content left open": ("content", "<step-type type='delta-import'>", "not well-formed"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_names_xml_cannot_carry_are_refused(plain: dict[str, Any], case: str) -> None:
    key, value, words = BAD[case]
    data = copy.deepcopy(plain)
    _description(data)[key] = value
    with pytest.raises(ModelError, match="step_description") as caught:
        from_data(data)
    assert words in str(caught.value)


@pytest.mark.parametrize("case", sorted(BAD))
def test_convert_says_so_in_one_line(
    cli: Cli, tmp_path: Path, plain: dict[str, Any], case: str
) -> None:
    key, value, words = BAD[case]
    data = copy.deepcopy(plain)
    _description(data)[key] = value
    source = tmp_path / "run.json"
    source.write_text(json.dumps(data))
    r = cli("convert", source, "--to", "xml")
    assert r.code == 1 and r.out == ""
    assert r.err.count("\n") == 1 and words in r.err


@pytest.mark.parametrize("version", [True, 1.0, "1", None, 2])
def test_version_must_be_the_number_1(plain: dict[str, Any], version: object) -> None:
    data = copy.deepcopy(plain)
    data["version"] = version
    with pytest.raises(ModelError, match="version"):
        from_data(data)


def test_good_names_still_convert(plain: dict[str, Any]) -> None:
    data = copy.deepcopy(plain)
    _description(data)["attributes"] = {"note": "x", "{urn:x}é-1.b": "y"}
    _description(data)["namespaces"] = {"p": "urn:p", "": "urn:default-is-fine-here"}
    history = from_data(data)
    assert history.run_details[0].step_details[0].step_description is not None
