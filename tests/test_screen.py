"""The record screen against the rules: a record the screen passes over is one on which every
rule, run on every element of the record, reports nothing (the differential test of issue 14).

The screen is applied only to records valid under the profile's schema, so every record here
that is valid on its own (against the schema that declares the records globally) is asked:
passed by the screen => no rule reports on it.  Over every fixture, the hostile corpus, one
broken document per rule, documents with many records of every kind, and records fuzzed in the
values the rules read.  Then the whole pipeline, with and without the screen, over the same
documents."""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES, run_process
from runhistory import schema_check
from runhistory import schema_facts as facts
from runhistory.findings import Finding
from runhistory.rules import screen
from runhistory.rules.engine import Element, PathFinder, RuleContext, dispatch_table, run_subtree
from runhistory.rules.product import PROSE_EXPORT_ERROR_TYPES, SHAREPOINT_ERROR_TYPES
from runhistory.selection import Selection
from runhistory.validate import Options, check_bytes

HOSTILE = Path(__file__).parent / "hostile"
PROFILES = ("strict", "product")
VALIDATE = sys.modules["runhistory.validate"]  # the module (runhistory.validate is a function)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Fixtures, the hostile corpus, one broken document per rule (two seeds) and documents
    with many import-, export- and retry-errors."""
    out = tmp_path_factory.mktemp("screen")
    for seed in ("3", "11", "19"):
        made = run_process(
            "generate", "--broken", "all", "--seed", seed, "--out", out / f"b{seed}", timeout=300
        )
        assert made.code == 0, made.err
    made = run_process(
        "generate", "--count", "6", "--seed", "5", "--steps", "3", "--kinds", "sync,export",
        "--errors", "40", "--out", out / "many", timeout=300,
    )  # fmt: skip
    assert made.code == 0, made.err
    paths = [*sorted(FIXTURES.rglob("*.xml")), *sorted(HOSTILE.glob("*.xml"))]
    paths += sorted(out.rglob("*.xml"))
    return [p.read_bytes() for p in paths]


def _tree(data: bytes) -> etree._ElementTree | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser).getroottree()
    except (etree.XMLSyntaxError, ValueError):
        return None


def records(root: Element) -> Iterator[Element]:
    """The records the screen is asked about: those of a screened kind, where the schema puts
    them."""
    for name, chain in facts.records().items():
        if name in screen.SCREENS and root.tag == chain[0]:
            for container in root.iterfind("/".join(chain[1:])):
                yield from container.iterchildren(name)


def hits(record: Element, profile: str) -> list[Finding]:
    """What every enabled rule reports on the record and everything below it."""
    enabled = Selection(select=("ALL",)).enabled(profile)
    out: list[Finding] = []
    path_of = PathFinder(record.getroottree())
    run_subtree(record, dispatch_table(enabled), RuleContext(profile), enabled, path_of, out)
    return out


def valid_alone(record: Element, profile: str) -> bool:
    return schema_check._valid_alone(schema_check.record_schema(profile), record)


def misses(root: Element, profile: str, tally: dict[str, int]) -> list[str]:
    """Records the screen passes over that a rule reports on (each a short description)."""
    found = []
    for record in records(root):
        if not valid_alone(record, profile):
            continue
        flagged, reported = screen.needs_rules(record), hits(record, profile)
        tally["passed" if not flagged else "flagged"] += 1
        tally["reported"] += bool(reported)
        if reported and not flagged:
            found.append(f"line {record.sourceline}: {[f.rule for f in reported]}")
    return found


@pytest.mark.parametrize("profile", PROFILES)
def test_no_record_the_screen_passes_has_a_finding(corpus: list[bytes], profile: str) -> None:
    tally = {"passed": 0, "flagged": 0, "reported": 0}
    for data in corpus:
        tree = _tree(data)
        if tree is not None:
            assert misses(tree.getroot(), profile, tally) == []
    # The corpus exercises both sides: clean records passed, reported records flagged.
    assert tally["passed"] > 300 and tally["reported"] > 20, tally


def test_a_screen_that_misses_a_record_is_caught(
    corpus: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test has teeth: a screen that lets through every import-error is reported."""
    monkeypatch.setitem(screen.SCREENS, "import-error", lambda el: False)
    tally = {"passed": 0, "flagged": 0, "reported": 0}
    found = [
        m for data in corpus if (t := _tree(data)) for m in misses(t.getroot(), "strict", tally)
    ]
    assert found


@pytest.mark.parametrize("profile", PROFILES)
def test_the_pipeline_finds_the_same_with_and_without_the_screen(
    corpus: list[bytes], profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = Options(profile=profile, selection=Selection(select=("ALL",)), mode="tree")
    screened = [check_bytes(data, options) for data in corpus]
    monkeypatch.setattr(VALIDATE, "containers", lambda root, boxes=None: None)
    assert [check_bytes(data, options) for data in corpus] == screened


# -- fuzzed records: the values the rules read, in and out of what they accept ---------------

_DIGITS = st.text("0123456789", min_size=1, max_size=3)
_DATE = st.builds(
    "{}-{}-{} {}:{}:{}{}{}".format,
    st.sampled_from(["0000", "0001", "2019", "2020", "2024", "9999"]),
    st.sampled_from(["00", "01", "02", "04", "09", "12", "13"]),
    st.sampled_from(["00", "01", "09", "28", "29", "30", "31", "32"]),
    st.sampled_from(["00", "09", "23", "24"]),
    st.sampled_from(["00", "30", "59", "60"]),
    st.sampled_from(["00", "04", "59", "60"]),
    st.sampled_from([".", ".", ",", ":"]),
    _DIGITS,
)
_COUNTS = st.sampled_from(["0", "00", "1", "01", "+1", " 1", "7", "2147483647", "999999999"])
_DN = st.one_of(
    st.text('CN=OU,;+\\" ab', max_size=16),
    st.sampled_from(["CN=a,OU=b", "CN=a, OU=b", "CN=a,,OU=b", "a", "", "  ", "CN=x\\", "1.2=x"]),
)
_GUIDS = st.sampled_from(
    ["{F242F67B-9BC8-42CA-B0DD-539FE1BD844A}", "F242F67B-9BC8-42CA-B0DD-539FE1BD844A", "{x}"]
)
# base64 of 'false' and 'x' (R504: no encoding needed), and strings near base64
_BASE64 = st.one_of(
    st.text("AQgwBE+/=a", max_size=9),
    st.sampled_from(["", "mA==", "mB==", "jYD5", "ZmFsc2U=", "eA=="]),
)
_TEXTS = st.sampled_from(["false", "x", "dn", "caf\x85", "\x7f", ""])


def _enumeration(name: str, *extra: str) -> st.SearchStrategy[str]:
    return st.sampled_from([*facts.values(name), *extra])


def _set_text(name: str, values: st.SearchStrategy[str]) -> Callable[..., None]:
    def edit(draw: st.DrawFn, record: Element) -> None:
        found = list(record.iter(name))
        if found:
            draw(st.sampled_from(found)).text = draw(values)

    return edit


def _set_attribute(
    name: str, attribute: str, values: st.SearchStrategy[str | None]
) -> Callable[..., None]:
    def edit(draw: st.DrawFn, record: Element) -> None:
        found = [e for e in record.iter() if e.tag == name]
        if not found:
            return
        el, value = draw(st.sampled_from(found)), draw(values)
        if value is None:
            if attribute in el.attrib:
                del el.attrib[attribute]
        else:
            el.set(attribute, value)

    return edit


def _remove(name: str) -> Callable[..., None]:
    def edit(draw: st.DrawFn, record: Element) -> None:
        for el in list(record.iterchildren(name)):
            record.remove(el)

    return edit


def _dates(draw: st.DrawFn, record: Element) -> None:
    """first-occurred and date-occurred equal, or swapped (I501, I502)."""
    first, when = (
        next(record.iter("first-occurred"), None),
        next(record.iter("date-occurred"), None),
    )
    if first is not None and when is not None:
        if draw(st.booleans()):
            first.text = when.text
        else:
            first.text, when.text = when.text, first.text


EDITS = [
    _dates,
    _set_text("first-occurred", _DATE),
    _set_text("date-occurred", _DATE),
    _set_text("retry-count", _COUNTS),
    _set_text(
        "error-type",
        st.one_of(
            _enumeration("import-error/error-type", *SHAREPOINT_ERROR_TYPES),
            _enumeration("export-error/error-type", *PROSE_EXPORT_ERROR_TYPES),
            _enumeration("ma-object-error/error-type"),
        ),
    ),
    _set_text("algorithm-step", _enumeration("algorithm-step")),
    _set_attribute(
        "algorithm-step", "ma-id", st.sampled_from([None, "{F242F67B-9BC8-42CA-B0DD-539FE1BD844A}"])
    ),
    _set_attribute("algorithm-step", "dn", st.sampled_from([None, "CN=a"])),
    _set_attribute("import-error", "dn", _DN),
    _set_attribute("export-error", "dn", _DN),
    _set_attribute("import-error", "cs-guid", _GUIDS),
    _set_attribute("attribute-mapping", "context-id", _GUIDS),
    _set_text("extension-callsite", _enumeration("extension-callsite")),
    *[
        _set_attribute(
            "context", a, st.sampled_from([None, "{F242F67B-9BC8-42CA-B0DD-539FE1BD844A}", "x"])
        )
        for a in ("ma-id", "ma-name", "cs-object-id", "dn")
    ],
    _set_text("src-attribute", st.sampled_from(["dn", "mail", "dn "])),
    _set_attribute(
        "src-attribute", "intrinsic", st.sampled_from([None, "true", "false", "1", "0", " true"])
    ),
    _set_text("dn-part", st.sampled_from(["0", "1", "00", "255", "10", "+1"])),
    _set_text("anchor", _BASE64),
    _set_text("parent-anchor", _BASE64),
    _set_text("value", st.one_of(_BASE64, _TEXTS)),
    _set_attribute("value", "encoding", st.sampled_from([None, "base64"])),
    _set_attribute("attr", "type", st.sampled_from(["binary", "string", "integer", "boolean"])),
    _remove("extension-error-info"),
    _remove("rules-error-info"),
    _remove("change-not-reimported"),
    _remove("cd-error"),
    *[_remove(name) for name in ("entry-number", "line-number", "column-number")],
    _remove("attribute-name"),
    _remove("anchor"),
]


@pytest.fixture(scope="module")
def templates(corpus: list[bytes]) -> list[Element]:
    """Valid records of every screened kind and shape, from the corpus."""
    found: dict[tuple[str, ...], Element] = {}
    for data in corpus:
        tree = _tree(data)
        for record in records(tree.getroot()) if tree is not None else ():
            shape = (str(record.tag), *sorted({str(e.tag) for e in record.iter()}))
            if shape not in found and valid_alone(record, "strict"):
                found[shape] = record
    assert {shape[0] for shape in found} == set(screen.SCREENS)
    return list(found.values())


@st.composite
def fuzzed(draw: st.DrawFn, templates: list[Element]) -> Element:
    kind = draw(st.sampled_from(sorted({str(t.tag) for t in templates})))
    original = draw(st.sampled_from([t for t in templates if t.tag == kind]))
    parent = original.getparent()
    assert parent is not None
    record = copy.deepcopy(parent)[parent.index(original)]
    for _ in range(draw(st.integers(1, 4))):
        draw(st.sampled_from(EDITS))(draw, record)
    return record


@pytest.mark.parametrize("profile", PROFILES)
def test_fuzzed_records(templates: list[Element], profile: str) -> None:
    @settings(
        max_examples=2000,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        record = data.draw(fuzzed(templates))
        assume(valid_alone(record, profile))
        if not screen.needs_rules(record):
            assert hits(record, profile) == [], etree.tostring(record).decode()

    check()


# -- the schema in a second thread, beside the screened rules (documents above 1 MB) ---------


@pytest.mark.parametrize("profile", PROFILES)
def test_the_schema_in_a_second_thread_finds_the_same(
    corpus: list[bytes], profile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = Options(profile=profile, selection=Selection(select=("ALL",)), mode="tree")
    monkeypatch.setattr(VALIDATE, "OVERLAP_ABOVE", 1 << 40)
    in_turn = [check_bytes(data, options) for data in corpus]
    monkeypatch.setattr(VALIDATE, "OVERLAP_ABOVE", -1)
    assert [check_bytes(data, options) for data in corpus] == in_turn
    assert any(in_turn)


def test_an_error_in_the_schema_thread_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> list[Finding]:
        raise MemoryError("out of memory in the schema thread")

    monkeypatch.setattr(VALIDATE, "OVERLAP_ABOVE", -1)
    monkeypatch.setattr(VALIDATE, "whole_schema_findings", broken)
    data = (FIXTURES / "valid" / "delta-import-sync.xml").read_bytes()
    with pytest.raises(MemoryError, match="schema thread"):
        check_bytes(data, Options(mode="tree"))


@pytest.mark.parametrize("overlap", [-1, 1 << 40])
def test_comments_between_records(overlap: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A comment among the records is not a record (it crashed the screened walk once)."""
    text = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
    assert "<import-error " in text
    data = text.replace("<import-error ", "<!-- a note --><import-error ").encode()
    monkeypatch.setattr(VALIDATE, "OVERLAP_ABOVE", overlap)
    options = Options(selection=Selection(select=("ALL",)), mode="tree")
    screened = check_bytes(data, options)
    monkeypatch.setattr(VALIDATE, "containers", lambda root, boxes=None: None)
    assert check_bytes(data, options) == screened


# -- the positions the screens read children at ------------------------------------------------

# Where each element of screen.ORDER is declared (qualified where the schema declares it twice).
_DECLARED = {"extension-error-info": ("import-error", "extension-error-info")}
_DECLARED["rules-error-info"] = ("import-error", "rules-error-info")


@pytest.mark.parametrize("name", sorted(screen.ORDER))
def test_the_order_the_screens_read_is_the_schemas(name: str, templates: list[Element]) -> None:
    """Each child a screen reads by position is where the schema puts it, and required: a
    valid record without it is invalid."""
    leading = screen.ORDER[name]
    assert facts.children(*_DECLARED.get(name, (name,)))[: len(leading)] == leading
    holders = [el for t in templates for el in t.iter(name)]
    assert holders, f"no {name} in the templates"
    for child in leading:
        record = copy.deepcopy(next(t for t in templates if next(t.iter(name), None) is not None))
        holder = next(record.iter(name))
        holder.remove(next(holder.iterchildren(child)))
        assert not valid_alone(record, "strict"), f"{name} without {child} is valid"


@pytest.mark.parametrize("overlap", [-1, 1 << 40])
def test_an_invalid_document_screens_only_its_valid_records(
    overlap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a document the schema rejects, a record valid on its own is still screened (so a
    prose finding in it is kept), and an invalid one gets every rule."""
    text = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
    first, rest = text.split("<import-error ", 1)
    assert "<import-error " in rest, "the fixture needs two import-errors"
    bad_guid = re.sub(r'cs-guid="\{([^}]*)\}"', r'cs-guid="\1"', rest, count=1)  # R003
    bad_count = re.sub(
        r"<retry-count>\d+</retry-count>",
        "<retry-count>x</retry-count>",
        bad_guid.split("<import-error ", 1)[1],
        count=1,
    )
    data = (
        first
        + "<import-error "
        + bad_guid.split("<import-error ", 1)[0]
        + "<import-error "
        + bad_count
    ).encode()
    monkeypatch.setattr(VALIDATE, "OVERLAP_ABOVE", overlap)
    options = Options(selection=Selection(select=("ALL",)), mode="tree")
    screened = check_bytes(data, options)
    assert {"R003", "S106"} <= {f.rule for f in screened}
    monkeypatch.setattr(VALIDATE, "containers", lambda root, boxes=None: None)
    assert check_bytes(data, options) == screened
