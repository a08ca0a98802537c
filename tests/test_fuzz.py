"""Hypothesis fuzzing: mutated fixtures and generated documents through every fuzz target.

``make test`` runs a short, derandomized pass (the same examples every run, so CI is not flaky);
``make fuzz`` sets ``RUNHISTORY_FUZZ_EXAMPLES`` high and ``RUNHISTORY_FUZZ_RANDOM=1`` for new
examples each time.  A failure prints the smallest input hypothesis found.
"""

from __future__ import annotations

import contextlib
import copy
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES
from fuzz_targets import TARGETS
from runhistory.decoding import decode
from runhistory.parsing import parse

EXAMPLES = int(os.environ.get("RUNHISTORY_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("RUNHISTORY_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE = Path(__file__).parent / "hostile"
SEEDS = sorted(FIXTURES.rglob("*.xml")) + sorted(HOSTILE.glob("*.xml"))
SEED_BYTES = [p.read_bytes() for p in SEEDS]

# Pieces of XML and of encodings that make parsers and decoders take unusual paths.
TOKENS = [
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x10FFFF;",
    b"&#xD800;",
    b"&lt",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?xml version='1.0' encoding='utf-16'?>",
    b'<?xml version="1.1"?>',
    b"<!DOCTYPE run-history>",
    b'<!DOCTYPE r [<!ENTITY e "x">]>',
    b'<!ENTITY x SYSTEM "file:///etc/passwd">',
    b"&e;",
    b'"',
    b"'",
    b"=",
    b"\x00",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"\xc3",
    b"\r\n",
    b"xmlns=",
    b' xmlns="urn:x"',
    b' xmlns:p="urn:p"',
    b"p:",
    b"<run-details>",
    b"</run-details>",
    b"<step-details step-number='1'>",
    b"</step-details>",
    b"<run-history>",
    b"</run-history>",
    b"99999999999999999999",
    b"-1",
    b"{00000000-0000-0000-0000-000000000000}",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A seed document with one to five byte-level mutations."""
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["flip", "insert", "token", "delete", "splice", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            i = min(at, len(data) - 1)
            data[i] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "splice":
            start = draw(st.integers(0, len(data)))
            data[at:at] = data[start : start + draw(st.integers(1, 200))]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


_TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "0", "-1", "2147483648", "true", "NaN", "{x}", "1/0", "a" * 300]),
    st.from_regex(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}", fullmatch=True),
)
_VALID_BYTES = [p.read_bytes() for p in SEEDS if p.parent.name in ("valid", "encoding")]


def _xml_safe(text: str) -> str:
    return "".join(c for c in text if c in "\t\n\r" or (" " <= c <= "\ud7ff") or c > "\ue000")


_NAMESPACES = [None, "urn:x", "urn:y"]


def _namespaced(draw: st.DrawFn, el: etree._Element) -> None:
    """Namespaced content where libxml2 takes unusual paths: an element renamed into a namespace
    (with a prefix or as the default one), or a namespaced child inserted anywhere."""
    uri = draw(st.sampled_from(_NAMESPACES[1:]))
    prefix = draw(st.sampled_from([None, "p", "q"]))
    local = draw(
        st.sampled_from(["x", "retry-count", "import-error", str(etree.QName(el).localname)])
    )
    if draw(st.booleans()) and el.getparent() is not None:
        el.tag = f"{{{uri}}}{etree.QName(el).localname}"
        return
    # lxml takes None as the default namespace's prefix; its stubs know only str prefixes.
    new = etree.Element(f"{{{uri}}}{local}", nsmap={prefix: uri})  # type: ignore[dict-item]
    if draw(st.booleans()):
        etree.SubElement(new, f"{{{uri}}}y")
    el.insert(draw(st.integers(0, len(el))), new)


@st.composite
def generated(draw: st.DrawFn) -> bytes:
    """A well-formed document made from a valid one by editing its tree: elements removed,
    repeated, moved or renamed, values and attributes changed.  These reach the schema and the
    rules, where byte mutations mostly stop at the parser."""
    root = parse(decode(draw(st.sampled_from(_VALID_BYTES)))).getroot()
    elements = list(root.iter())
    for _ in range(draw(st.integers(1, 6))):
        el = draw(st.sampled_from(elements))
        op = draw(st.sampled_from(["text", "attr", "remove", "repeat", "move", "rename", "ns"]))
        parent = el.getparent()
        if op == "ns":
            _namespaced(draw, el)
        elif op == "text":
            el.text = _xml_safe(draw(_TEXTS))
        elif op == "attr":
            name = draw(st.sampled_from([*el.attrib.keys(), "step-id", "detail", "x"]))
            el.set(name, _xml_safe(draw(_TEXTS)))
        elif parent is None:
            continue
        elif op == "remove":
            parent.remove(el)
        elif op == "repeat":
            parent.insert(parent.index(el), copy.deepcopy(el))
        elif op == "move":
            other = draw(st.sampled_from(elements))
            if other is not el and el not in other.iterancestors() and el is not other:
                with_parent = other if other.getparent() is not None else root
                if el not in list(with_parent.iterancestors()):
                    parent.remove(el)
                    with_parent.append(el)
        elif op == "rename":
            el.tag = draw(st.sampled_from([e.tag for e in elements if isinstance(e.tag, str)]))
    encoding = draw(st.sampled_from(["utf-8", "utf-16"]))
    data = etree.tostring(root, encoding=encoding, xml_declaration=True)
    assert isinstance(data, bytes)
    return data


REGRESSIONS = sorted((Path(__file__).parent / "fuzz_regressions").glob("*.xml"))


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.name)
def test_inputs_that_once_failed(target: str, path: Path) -> None:
    TARGETS[target](path.read_bytes())


@pytest.mark.parametrize("target", sorted(TARGETS))
@FUZZ
@given(data=mutated())
def test_mutated_bytes(target: str, data: bytes) -> None:
    TARGETS[target](data)


@pytest.mark.parametrize("target", sorted(TARGETS))
@FUZZ
@given(data=generated())
def test_generated_documents(target: str, data: bytes) -> None:
    TARGETS[target](data)


def _json_seeds() -> list[object]:
    import json

    import runhistory
    from runhistory.model import to_data

    return [json.loads(json.dumps(to_data(runhistory.loads(b)))) for b in _VALID_BYTES]


_JSON_SEEDS = _json_seeds()
_JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    _TEXTS,
    st.builds(list),
    st.builds(dict),
)


def _containers(node: object) -> list[dict[str, object] | list[object]]:
    found: list[dict[str, object] | list[object]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _containers(value)
    elif isinstance(node, list):
        found.append(node)
        for value in node:
            found += _containers(value)
    return found


@st.composite
def edited_json(draw: st.DrawFn) -> bytes:
    """The JSON form of a valid document (docs/json.md) with values replaced, keys removed or
    added and lists emptied or repeated: what a user editing the JSON by hand might feed
    ``convert --to xml``."""
    import json

    doc = copy.deepcopy(draw(st.sampled_from(_JSON_SEEDS)))
    for _ in range(draw(st.integers(1, 5))):
        box = draw(st.sampled_from(_containers(doc)))
        if isinstance(box, dict):
            keys = sorted(box)
            op = draw(st.sampled_from(["set", "drop", "add"]))
            if op == "add" or not keys:
                box[draw(st.sampled_from(["x", "value", "run-number", *keys]))] = draw(_JSON_VALUES)
            elif op == "drop":
                del box[draw(st.sampled_from(keys))]
            else:
                box[draw(st.sampled_from(keys))] = draw(_JSON_VALUES)
        elif box:
            i = draw(st.integers(0, len(box) - 1))
            op = draw(st.sampled_from(["set", "drop", "repeat"]))
            if op == "set":
                box[i] = draw(_JSON_VALUES)
            elif op == "drop":
                del box[i]
            else:
                box.append(copy.deepcopy(box[i]))
    return json.dumps(doc).encode("utf-8")


@FUZZ
@given(data=edited_json())
def test_edited_json_through_convert_and_from_data(data: bytes) -> None:
    import json

    from runhistory.model import ModelError, from_data

    TARGETS["cli convert --to xml"](data)
    with contextlib.suppress(ModelError):
        from_data(json.loads(data))
