"""One location type and one path renderer for tree mode, streaming and suppressions."""

from __future__ import annotations

from lxml import etree

from runhistory.findings import Finding, Severity
from runhistory.location import Location, render_path, step
from runhistory.rules.engine import PathFinder


def test_render_path_writes_libxml2_spelling() -> None:
    steps = [step("run-history", 1, False), step("step-details", 2, True), step("x", 1, False)]
    assert render_path(steps) == "/run-history/step-details[2]/x"
    assert render_path(steps, "id") == "/run-history/step-details[2]/x/@id"


def test_tree_paths_agree_with_libxml2() -> None:
    root = etree.fromstring(b"<r><a/><b><c/></b><a><c/><c/></a></r>")
    tree = root.getroottree()
    finder = PathFinder(tree)
    assert [finder(el) for el in root.iter()] == [tree.getpath(el) for el in root.iter()]


def test_a_finding_has_one_location_value() -> None:
    f = Finding("S101", "2.2.1", Severity.ERROR, 3, 7, "/run-history/x", "message")
    assert f.location == Location(3, 7, "/run-history/x")
