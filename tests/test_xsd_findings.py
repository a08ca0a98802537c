"""XSD violations become findings with exact codes, sections, lines, columns and paths."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from runhistory.validate import validate_bytes

STEP = "/run-history/run-details/step-details"
EXPECTED = {
    "xsd-unexpected-element.xml": (
        "S101",
        "2.2.1.1",
        8,
        3,
        "/run-history/run-details/run-profile-id",
    ),
    "xsd-missing-element.xml": ("S102", "2.2.1.1.1", 11, 4, f"{STEP}/step-result"),
    "xsd-enumeration.xml": ("S103", "2.2.1.1.1", 12, 4, f"{STEP}/step-result"),
    "xsd-pattern.xml": ("S104", "2.2.1.1", 4, 3, "/run-history/run-details/ma-id"),
    "xsd-fixed-value.xml": (
        "S105",
        "2.2.1.1.1.7",
        82,
        22,
        f"{STEP}/staging-counters/stage-no-change/@detail",
    ),
    "xsd-type.xml": (
        "S106",
        "2.2.1.1.1.4",
        48,
        6,
        f"{STEP}/synchronization-errors/import-error[1]/retry-count",
    ),
    "xsd-range.xml": ("S107", "2.2.1.1", 6, 3, "/run-history/run-details/run-number"),
    "xsd-missing-attribute.xml": ("S108", "2.2.1.1.1", 9, 3, f"{STEP}/@step-id"),
    "xsd-unexpected-attribute.xml": (
        "S109",
        "2.2.1.1.1.6",
        78,
        50,
        f"{STEP}/outbound-flow-counters/@ma-type",
    ),
    "xsd-text-content.xml": ("S110", "2.2.1.1.1.5", 77, 4, f"{STEP}/mv-retry-errors"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_xsd_fixture_reports_one_exact_finding(name: str) -> None:
    report = validate_bytes((FIXTURES / "invalid" / name).read_bytes(), name)
    assert [(f.rule, f.section, f.line, f.column, f.path) for f in report.findings] == [
        EXPECTED[name]
    ]
    assert all(str(f.severity) == "error" for f in report.findings)
    assert not report.valid


def test_messages_are_written_for_an_administrator() -> None:
    def msg(name: str) -> str:
        return validate_bytes((FIXTURES / "invalid" / name).read_bytes(), name).findings[0].message

    assert "did you mean 'completed-sync-errors'" in msg("xsd-enumeration.xml")
    assert (
        msg("xsd-missing-element.xml") == "<end-date> is missing: it must come before <step-result>"
    )
    assert (
        msg("xsd-missing-attribute.xml")
        == "<step-details> is missing its required attribute 'step-id'"
    )
    assert "a whole number from 0 to 2147483647" in msg("xsd-type.xml")
    assert (
        msg("xsd-fixed-value.xml")
        == "attribute 'detail' of <stage-no-change> must be 'false', not 'true'"
    )


def test_short_enumerations_list_the_allowed_values() -> None:
    base = (FIXTURES / "valid" / "delta-import-sync.xml").read_text()
    doc = base.replace("<extension-callsite>import-flow<", "<extension-callsite>import<", 1)
    doc = doc.replace(
        "<connection-result>success</connection-result>",
        "<connection-result>ok</connection-result>",
        1,
    )
    findings = validate_bytes(doc.encode(), "x").findings
    assert [f.rule for f in findings] == ["S103", "S103"]
    assert findings[0].message == (
        "<connection-result> has value 'ok', which is not allowed; allowed: success, "
        "failed-connection, "
        "dropped-connection, failed-authentication, failed-search, warning-no-watermark"
    )


@pytest.mark.parametrize("char", ["&#13;", "&#10;", "\u2028", "\u0085", "&#9;"])
def test_a_value_with_a_line_break_is_quoted_on_one_line(char: str) -> None:
    # Found by `make fuzz`: a carriage return in an enumerated value split the message.
    base = (FIXTURES / "valid" / "delta-import-sync.xml").read_text()
    doc = base.replace(
        "<connection-result>success</connection-result>",
        f"<connection-result>ok{char}</connection-result>",
        1,
    )
    findings = validate_bytes(doc.encode(), "x").findings
    assert [f.rule for f in findings] == ["S103"]
    assert findings[0].message.splitlines() == [findings[0].message]
    assert findings[0].message.startswith("<connection-result> has value 'ok\\")


def test_out_of_order_elements() -> None:
    base = (FIXTURES / "valid" / "delta-import-sync.xml").read_text()
    a = "   <start-date>2018-07-24 02:00:03.117</start-date>\n"
    b = "   <end-date>2018-07-24 02:01:45.530</end-date>\n"
    findings = validate_bytes(base.replace(a + b, b + a).encode(), "x").findings
    assert [(f.rule, f.line, f.path) for f in findings] == [("S111", 10, f"{STEP}/end-date")]


@pytest.mark.parametrize("mode", ["tree", "stream"])
@pytest.mark.parametrize(
    ("line", "holder"),
    [
        ("    <server>dc01.contoso.com:389</server>\n", "ma-connection"),
        ("      <server>dc01.contoso.com:389</server>\n", "incident"),  # a record when streamed
        ("   <start-date>2018-07-24 02:00:03.117</start-date>\n", "step-details"),
        ("  <ma-name>MOSSAD-CONTOSO</ma-name>\n", "run-details"),
    ],
)
def test_a_repeated_element_is_said_to_be_repeated(line: str, holder: str, mode: str) -> None:
    """Not "out of order" or "another element is missing", whatever libxml2 expected next."""
    import io

    from runhistory.stream import validate_stream
    from runhistory.validate import Options

    base = (FIXTURES / "valid" / "delta-import-sync.xml").read_text()
    assert line in base
    doc = base.replace(line, line + line, 1).encode()
    if mode == "tree":
        findings = validate_bytes(doc, "x", Options(mode="tree")).findings
    else:
        findings = validate_stream(io.BytesIO(doc), "x", Options(mode="stream")).findings
    name = line.strip()[1 : line.strip().index(">")]
    assert [(f.rule, f.message) for f in findings] == [
        ("S101", f"<{name}> is not allowed here (repeated): <{holder}> holds one <{name}> only")
    ]


def test_positions_are_one_based_xpath_like() -> None:
    base = (FIXTURES / "valid" / "delta-import-sync.xml").read_text()
    doc = base.replace("<retry-count>0</retry-count>", "<retry-count>-1</retry-count>")
    (f,) = validate_bytes(doc.encode(), "x").findings
    assert f.path == f"{STEP}/synchronization-errors/import-error[2]/retry-count"


def test_minified_document_gets_the_right_column() -> None:
    base = (FIXTURES / "invalid" / "xsd-type.xml").read_text()
    flat = "".join(line.strip() for line in base.splitlines()[1:])
    (f,) = validate_bytes(flat.encode(), "x").findings
    assert f.line == 1
    # The second <retry-count> on the single line is the valid one; the column is the first's.
    assert f.column is not None
    assert flat[f.column - 1 :].startswith("<retry-count>once<")


def test_valid_fixtures_have_no_findings() -> None:
    for path in sorted((FIXTURES / "valid").glob("*.xml")):
        assert validate_bytes(path.read_bytes(), path.name).findings == [], path.name
