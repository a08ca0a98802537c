"""Schema validation in parts (skeleton, then each record) finds exactly what validating the
whole tree finds; libxml2's paths resolve to their elements, prefixes and '*' included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from conftest import FIXTURES, run_process
from runhistory import schema_check
from runhistory.report import FileReport
from runhistory.selection import Selection
from runhistory.stream import validate_stream
from runhistory.validate import Options, validate_bytes
from test_fuzz import generated

HOSTILE = Path(__file__).parent / "hostile"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """The fixtures, the hostile corpus and one broken document per rule."""
    out = tmp_path_factory.mktemp("broken")
    result = run_process("generate", "--broken", "all", "--seed", "3", "--out", out, timeout=300)
    assert result.code == 0, result.err
    paths = [*sorted(FIXTURES.rglob("*.xml")), *sorted(HOSTILE.glob("*.xml"))]
    paths += sorted(out.glob("*.xml"))
    return [p.read_bytes() for p in paths]


def _both(data: bytes, profile: str, monkeypatch: pytest.MonkeyPatch) -> tuple[FileReport, ...]:
    options = Options(profile=profile, selection=Selection(select=("ALL",)), mode="tree")
    whole = validate_bytes(data, "x.xml", options)
    with monkeypatch.context() as patched:
        patched.setattr(schema_check, "LONG_RUN", -1)  # every container: in parts
        patched.setattr(schema_check, "_sample_invalid", lambda root, profile: True)
        patched.setattr(schema_check, "FEW_NAMESPACES", -1)  # every record unlinked, put back
        parts = validate_bytes(data, "x.xml", options)
    return whole, parts


@pytest.mark.parametrize("profile", ["strict", "product"])
def test_parts_find_what_the_whole_finds(
    documents: list[bytes], profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for data in documents:
        whole, parts = _both(data, profile, monkeypatch)
        assert parts == whole


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=generated())
def test_parts_find_what_the_whole_finds_on_edited_documents(data: bytes) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        whole, parts = _both(data, "strict", monkeypatch)
    assert parts == whole


def _record_with(inside: str) -> bytes:
    text = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
    return text.replace("<retry-count>", inside + "<retry-count>", 1).encode()


@pytest.mark.parametrize(
    "inside",
    [
        '<p:x xmlns:p="urn:x"/>',
        '<x xmlns="urn:x"/>',
        '<p:first-occurred xmlns:p="urn:x">2020-01-01 00:00:00.000</p:first-occurred>',
        '<p:x xmlns:p="urn:x"><p:y/></p:x><bogus/>',
    ],
)
def test_namespaced_elements_inside_a_record_stream_as_in_tree_mode(inside: str) -> None:
    """Streaming crashed with XPathEvalError on a prefixed element inside a record."""
    data = _record_with(inside)
    options = Options(selection=Selection(select=("ALL",)))
    tree = validate_bytes(data, "x.xml", options)
    assert [f.rule for f in tree.findings] == ["S101"]
    assert validate_stream(io.BytesIO(data), "x.xml", options) == tree


def test_find_reads_libxml2_paths() -> None:
    root = etree.fromstring(
        b'<r xmlns:p="urn:p"><a/><p:a/><a/><b xmlns="urn:d"/><p:a><c/></p:a></r>'
    )
    tree = root.getroottree()
    for el in root.iter():
        path = tree.getpath(el)
        assert schema_check.find_in_tree(tree, path) is el, path
    assert schema_check.find_in_tree(tree, "/r/a[3]") is None
    assert schema_check.find_in_tree(tree, "/q") is None
