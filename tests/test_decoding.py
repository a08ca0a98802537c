"""Files saved the way users save them: BOMs, UTF-16 with and without BOM, wrong declarations."""

from __future__ import annotations

import codecs

import pytest

from conftest import FIXTURES
from runhistory.decoding import decode
from runhistory.validate import Options, validate_bytes

CASES = {
    # fixture: (encoding detected, BOM, declared, expected codes)
    "utf8-no-bom.xml": ("UTF-8", False, "utf-8", []),
    "utf8-bom.xml": ("UTF-8", True, "utf-8", []),
    "utf16le-bom.xml": ("UTF-16LE", True, "utf-16", []),
    "utf16be-bom.xml": ("UTF-16BE", True, "utf-16", []),
    "utf16le-no-bom.xml": ("UTF-16LE", False, "utf-16", []),
    "utf16be-no-bom.xml": ("UTF-16BE", False, "utf-16", []),
    "utf8-declared-utf16.xml": ("UTF-8", False, "utf-16", ["D003"]),
    "utf8-bom-declared-utf16.xml": ("UTF-8", True, "utf-16", ["D003"]),
    "utf16le-bom-declared-utf8.xml": ("UTF-16LE", True, "utf-8", ["D003"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_encoding_is_detected_from_the_bytes(name: str) -> None:
    encoding, bom, declared, _ = CASES[name]
    d = decode((FIXTURES / "encoding" / name).read_bytes())
    assert (d.encoding, d.bom, d.declared) == (encoding, bom, declared)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_encoding_validates_with_exact_findings(name: str) -> None:
    *_, codes = CASES[name]
    report = validate_bytes((FIXTURES / "encoding" / name).read_bytes(), name)
    assert [f.rule for f in report.findings] == codes
    for f in report.findings:  # the mismatch points at the declared encoding's value
        assert (f.line, f.column, f.path) == (1, 31, "/")


def test_utf16_declaration_on_utf8_is_not_a_parse_failure() -> None:
    """lxml alone fails with 'Blank needed here'; we read the bytes and report the mismatch."""
    data = (FIXTURES / "encoding" / "utf8-declared-utf16.xml").read_bytes()
    report = validate_bytes(data, "x.xml")
    assert [f.rule for f in report.findings] == ["D003"]
    assert "utf-16" in report.findings[0].message and "UTF-8" in report.findings[0].message
    assert not report.valid  # an error in strict


def test_utf16_declaration_on_utf8_is_a_warning_in_the_product_profile() -> None:
    data = (FIXTURES / "encoding" / "utf8-declared-utf16.xml").read_bytes()
    report = validate_bytes(data, "x.xml", Options(profile="product"))
    assert [(f.rule, str(f.severity)) for f in report.findings] == [("D003", "warning")]
    assert report.valid


def test_lines_in_utf16_files_are_those_of_the_file() -> None:
    base = (FIXTURES / "invalid" / "xsd-type.xml").read_text(encoding="utf-8")
    as16 = codecs.BOM_UTF16_LE + base.replace('encoding="utf-8"', 'encoding="utf-16"').replace(
        "\n", "\r\n"
    ).encode("utf-16-le")
    f8 = validate_bytes(base.encode(), "a").findings
    f16 = validate_bytes(as16, "b").findings
    assert [(f.rule, f.line, f.column, f.path) for f in f8] == [
        (f.rule, f.line, f.column, f.path) for f in f16
    ]


def test_undecodable_utf8_is_a_finding_with_a_line() -> None:
    data = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<run-history>\n<a>\xff\xfe\xfa</a></run-history>'
    )
    report = validate_bytes(data, "x")
    assert [(f.rule, f.line) for f in report.findings] == [("D001", 3)]
