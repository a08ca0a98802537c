"""The rule engine's child lookups (``first``, ``every``) find what lxml's ElementPath finds
(``find``, ``findall``) for paths of child names, in the fixtures and in random trees."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES
from runhistory.rules.engine import Element, every, first

NAMES = ("a", "b", "c")


@st.composite
def trees(draw: st.DrawFn, depth: int = 3) -> Element:
    root = etree.Element("r")
    _grow(draw, root, depth)
    return root


def _grow(draw: st.DrawFn, el: Element, depth: int) -> None:
    if depth == 0:
        return
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["element", "element", "comment", "namespaced"]))
        if kind == "comment":
            el.append(etree.Comment("a"))
        else:
            name = draw(st.sampled_from(NAMES))
            child = etree.SubElement(el, f"{{urn:x}}{name}" if kind == "namespaced" else name)
            _grow(draw, child, depth - 1)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(root=trees(), path=st.lists(st.sampled_from(NAMES), min_size=1, max_size=3))
def test_random_trees(root: Element, path: list[str]) -> None:
    joined = "/".join(path)
    assert first(root, joined) is root.find(joined)
    assert every(root, joined) == root.findall(joined)


def test_the_fixtures() -> None:
    paths = ["run-details", "run-details/step-details", "run-details/step-details/step-result"]
    paths += ["run-details/step-details/ma-connection/connection-log/incident", "nothing/here"]
    for doc in sorted(FIXTURES.glob("valid/*.xml")):
        root = etree.parse(str(doc)).getroot()
        for path in paths:
            assert first(root, path) is root.find(path)
            assert every(root, path) == root.findall(path)
