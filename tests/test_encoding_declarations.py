"""Every encoding libxml2 reads is read, and every declaration the bytes contradict is reported
(issue 19, item 16; issue 13: D003 built once, from the catalog)."""

from __future__ import annotations

import codecs
import dataclasses
import io
import re

import pytest

from conftest import FIXTURES
from runhistory import catalog, loads
from runhistory.decoding import decode
from runhistory.findings import Finding
from runhistory.stream import validate_stream
from runhistory.validate import Options, validate_bytes

VALID = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
BODY = re.sub(r"^<\?xml[^>]*\?>\s*", "", VALID)
NOTE = "<!-- café, naïve, ½ -->"


def _doc(declared: str | None, codec: str, bom: bytes = b"", body: str = BODY) -> bytes:
    decl = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    return bom + (decl + body).encode(codec)


def _both(data: bytes) -> list[tuple[str, int | None, int | None, str]]:
    """The findings in tree mode, after checking that streaming gives the same."""
    tree = validate_bytes(data, "x.xml", Options(mode="tree")).findings
    stream = validate_stream(io.BytesIO(data), "x.xml", Options(mode="stream")).findings
    assert tree == stream
    return [(f.rule, f.line, f.column, f.path) for f in tree]


WITH_NOTE = BODY.replace("</run-history>", NOTE + "\n</run-history>")

READ = {
    # name: (bytes, encoding the parser is told)
    "ISO-8859-1": (_doc("ISO-8859-1", "latin-1", body=WITH_NOTE), "ISO-8859-1"),
    "latin1 alias": (_doc("latin1", "latin-1", body=WITH_NOTE), "latin1"),
    "windows-1252": (
        _doc("windows-1252", "cp1252", body=WITH_NOTE.replace("½", "€")),
        "windows-1252",
    ),
    "UTF-32 with BOM": (_doc("UTF-32", "utf-32"), "UTF-32LE"),
    "UTF-32BE with BOM, no declaration": (
        _doc(None, "utf-32-be", codecs.BOM_UTF32_BE),
        "UTF-32BE",
    ),
    "UTF-32LE without BOM": (_doc("UTF-32", "utf-32-le"), "UTF-32LE"),
    "UTF-32BE without BOM": (_doc("ucs-4", "utf-32-be"), "UTF-32BE"),
    "UTF-16 alias on UTF-16": (_doc("UCS-2", "utf-16-le", codecs.BOM_UTF16_LE), "UTF-16LE"),
}


@pytest.mark.parametrize("name", sorted(READ))
def test_every_encoding_libxml2_reads_is_read(name: str) -> None:
    data, encoding = READ[name]
    assert decode(data).encoding == encoding
    assert _both(data) == []
    history = loads(data)  # the model reads it too, text intact
    assert history.run_details


def test_an_iso_8859_1_document_keeps_its_characters() -> None:
    data = _doc("ISO-8859-1", "latin-1", body=WITH_NOTE)
    assert decode(data).text().rstrip().endswith(NOTE + "\n</run-history>")


def test_lines_and_columns_in_utf32_and_latin1_are_those_of_the_file() -> None:
    base = (FIXTURES / "invalid" / "xsd-type.xml").read_text(encoding="utf-8")
    body = re.sub(r"^<\?xml[^>]*\?>\s*", "", base)
    expected = _both(base.encode())
    assert expected and expected[0][0] == "S106"
    assert _both(_doc("UTF-32", "utf-32", body=body)) == expected
    assert _both(_doc("ISO-8859-1", "latin-1", body=body)) == expected


DISAGREE = {
    # name: (bytes, code, words in the message)
    "bogus name": (_doc("foo", "utf-8"), "D008", 'encoding="foo", which is not an encoding'),
    "not a text codec": (_doc("base64", "utf-8"), "D008", "not an encoding"),
    "UTF-7 on UTF-8": (_doc("UTF-7", "utf-8"), "D008", "UTF-7 is not read"),
    "EBCDIC on UTF-8": (_doc("IBM037", "utf-8"), "D003", "bytes are UTF-8"),
    "EBCDIC alias on UTF-8": (_doc("ebcdic-cp-us", "utf-8"), "D003", "bytes are UTF-8"),
    "UTF-32 on UTF-8": (_doc("UTF-32", "utf-8"), "D003", "bytes are UTF-8"),
    "UTF-32LE on UTF-8": (_doc("utf-32le", "utf-8"), "D003", "bytes are UTF-8"),
    "utf-16 on UTF-8": (_doc("utf-16", "utf-8"), "D003", "PowerShell"),
    "UTF-16BE on a UTF-16LE BOM": (
        _doc("UTF-16BE", "utf-16-le", codecs.BOM_UTF16_LE),
        "D003",
        "bytes are UTF-16LE",
    ),
    "UTF-16LE on UTF-16BE without BOM": (
        _doc("UTF-16LE", "utf-16-be"),
        "D003",
        "bytes are UTF-16BE",
    ),
    "utf-8 on UTF-32": (_doc("utf-8", "utf-32"), "D003", "bytes are UTF-32LE"),
    "UTF-16 on UTF-32": (_doc("utf-16", "utf-32-be", codecs.BOM_UTF32_BE), "D003", "UTF-32BE"),
    "ISO-8859-1 after a UTF-8 BOM": (
        _doc("ISO-8859-1", "utf-8", codecs.BOM_UTF8),
        "D003",
        "bytes are UTF-8",
    ),
    "ISO-8859-1 on UTF-16": (
        _doc("ISO-8859-1", "utf-16-le", codecs.BOM_UTF16_LE),
        "D003",
        "bytes are UTF-16LE",
    ),
    "bogus name on UTF-16": (
        _doc("x-nonsense", "utf-16-be", codecs.BOM_UTF16_BE),
        "D008",
        "read as UTF-16BE",
    ),
}


@pytest.mark.parametrize("name", sorted(DISAGREE))
def test_every_declaration_the_bytes_contradict_is_reported(name: str) -> None:
    data, code, words = DISAGREE[name]
    assert _both(data) == [(code, 1, 31, "/")]
    (finding,) = validate_bytes(data, "x.xml").findings
    assert words in finding.message
    assert "Fix:" in finding.message


def test_utf7_markup_is_not_read_as_markup() -> None:
    """In UTF-7, +ADw- is '<': read as UTF-7, this text would become a run-details element."""
    data = _doc("UTF-7", "utf-8", body="<run-history>+ADw-run-details/+AD4-</run-history>")
    codes = [rule for rule, *_ in _both(data)]
    assert codes == ["D008", "S102", "S110"]


def test_unknown_and_utf7_declarations_are_errors_in_the_product_profile_too() -> None:
    for declared in ("foo", "UTF-7"):
        report = validate_bytes(_doc(declared, "utf-8"), "x.xml", Options(profile="product"))
        assert [(f.rule, str(f.severity)) for f in report.findings] == [("D008", "error")]
    report = validate_bytes(_doc("UTF-32", "utf-8"), "x.xml", Options(profile="product"))
    assert [(f.rule, str(f.severity)) for f in report.findings] == [("D003", "warning")]


def test_the_declaration_findings_take_their_section_from_the_catalog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for code, data in (("D003", _doc("utf-16", "utf-8")), ("D008", _doc("foo", "utf-8"))):
        moved = dataclasses.replace(catalog.CATALOG[code], section="9.9.9")
        monkeypatch.setitem(catalog.CATALOG, code, moved)
        (finding,) = decode(data).findings
        assert isinstance(finding, Finding)
        assert (finding.rule, finding.section) == (code, "9.9.9")


def test_d008_is_in_the_catalog_with_severities_and_notes() -> None:
    info = catalog.CATALOG["D008"]
    assert info.kind is catalog.Kind.INPUT and info.section == "2.2.1" and info.notes
    assert {p: str(info.severity(p)) for p in catalog.PROFILES} == {
        "strict": "error",
        "product": "error",
    }
