"""Claims of docs/errata.md that the spec text can confirm."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from conftest import FIXTURES, REPO, spec_text
from rules_helpers import edit, findings
from spec_text import HEADINGS as SECTION_HEADINGS

# The sections from 2.2.1.1 on (2.2.1 itself holds the whole schema, not a fragment).
HEADINGS = list(SECTION_HEADINGS[1:])


def _norm(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def _fragments() -> dict[str, list[str]]:
    """Each section's schema fragment, one declaration per line (PDF line breaks undone)."""
    lines = spec_text().split("\n")
    starts = [next(i for i, line in enumerate(lines) if line.strip() == h) for h in HEADINGS]
    out: dict[str, list[str]] = {}
    for heading, a, b in zip(HEADINGS, starts, starts[1:], strict=False):
        decls, buf = [], ""
        for raw in lines[a:b]:
            s = raw.strip()
            if not s or s.startswith(("http", "%5b")):
                continue
            if buf:
                buf += " " + s
            elif s.startswith(("<xs:", "</xs:")):
                buf = s
            else:
                continue
            if buf.endswith(">"):
                decls.append(_norm(buf))
                buf = ""
        out[heading.split()[0]] = decls
    return out


def test_section_fragments_agree_with_the_complete_schema_except_in_2_2_1_1_1_4() -> None:
    schema = {_norm(line) for line in (REPO / "schema" / "ms-upsmods-run-details.xsd").open()}
    extra = {sec: [d for d in decls if d not in schema] for sec, decls in _fragments().items()}
    assert {sec: d for sec, d in extra.items() if d} == {
        "2.2.1.1.1.4": [
            '<xs:enumeration value="encryption-not-enabled"/>',
            '<xs:enumeration value="schema-violation"/>',
        ]
    }


# -- 2.2.1.1.1.4 and 2.2.1.1.1.5 -----------------------------------------------------------------

_FOOTER = re.compile(r"\d+ / \d+|\[MS-UPSMODS\] - v2018.*|Copyright .*|Release: .*")


def _prose() -> str:
    """The spec as one line of text: PDF artifacts dropped, broken lines joined (a line broken
    inside a token has no trailing blank, and may be followed by a blank line)."""
    text = ""
    for raw in spec_text().split("\n"):
        s = raw.strip()
        if s.startswith(("http", "%5b")) or _FOOTER.fullmatch(s):
            continue
        if not s:
            if not text.endswith((" ", "-")):
                text += " "
            continue
        text += raw
    return re.sub(r"\s+", " ", text)


def _xpath(node: etree._ElementTree | etree._Element, path: str) -> list[Any]:
    found = node.xpath(path, namespaces=XS)
    assert isinstance(found, list)
    return found


def _schema() -> etree._ElementTree:
    from lxml import etree

    return etree.parse(str(REPO / "schema" / "ms-upsmods-run-details.xsd"))


XS = {"xs": "http://www.w3.org/2001/XMLSchema"}
DELTA = "synchronization-errors/import-error/change-not-reimported/delta"


def _enum(xpath: str) -> list[str]:
    return [str(v) for v in _xpath(_schema(), xpath + "//xs:enumeration/@value")]


def test_value_operation_is_add_update_in_prose_and_add_delete_in_the_xsd() -> None:
    assert (
        f"{DELTA}/attr/value/@operation is the operation being performed and MUST be one of the "
        "following values: add update The"
    ) in _prose()
    assert _enum('//xs:complexType[@name="valueDeltaType"]') == ["add", "delete"]
    assert _enum('//xs:complexType[@name="dn-valueDeltaType"]') == ["add", "delete"]


def test_the_tool_follows_the_xsd_for_value_operation() -> None:
    detail = (FIXTURES / "valid" / "sync-errors-detail.xml").read_text(encoding="utf-8")
    finance = '<value operation="add">Finance</value>'
    assert findings(edit(detail, (finance, '<value operation="delete">Finance</value>'))) == []
    updated = findings(edit(detail, (finance, '<value operation="update">Finance</value>')))
    assert [code for code, _, _ in updated] == ["S103"]


def test_intrinsic_is_misspelled_in_the_prose_only() -> None:
    assert "direct-mapping/src-attribute@/instrinsic attribute MUST be true" in _prose()
    xsd = (REPO / "schema" / "ms-upsmods-run-details.xsd").read_text(encoding="utf-8")
    assert '<xs:attribute name="intrinsic" type="xs:boolean" use="optional" />' in xsd
    assert "instrinsic" not in xsd


def test_retry_count_is_described_two_ways() -> None:
    prose = _prose()
    assert (
        "import-error/retry-count element is the run number of previously executed run profile"
    ) in prose
    assert "export-error/retry-count element is the number of previous runs" in prose


def test_dn_attr_is_due_when_the_dn_is_available_and_the_dn_is_required() -> None:
    assert (
        f"{DELTA}/dn-attr element is the attribute which has a value that was not confirmed. "
        "This element MUST be present if and only if the DN is available for this object."
    ) in _prose()
    delta = _xpath(_schema(), '//xs:element[@name="delta"]')[0]
    assert delta.xpath('.//xs:attribute[@name="dn"]/@use', namespaces=XS) == ["required"]


def test_a_delta_without_dn_attr_is_not_reported() -> None:
    detail = (FIXTURES / "valid" / "sync-errors-detail.xml").read_text(encoding="utf-8")
    start = detail.index('       <dn-attr name="manager" operation')
    end = detail.index("       </dn-attr>\n", start) + len("       </dn-attr>\n")
    assert findings(detail[:start] + detail[end:]) == []


def test_encoding_is_tied_to_binary_and_to_control_characters() -> None:
    prose = _prose()
    assert (
        f"{DELTA}/attr/value/@encoding attribute specifies the encoding of the attribute and MUST "
        f"be present if and only if {DELTA}/attr/@type is one of the following values: binary"
    ) in prose
    assert (
        "This value MUST be encoded using base 64 encoding if the value contains any control "
        "characters other than null, tab, carriage-return or line-feed, or if"
    ) in prose


def test_export_cd_error_is_tied_to_one_error_type_while_others_name_its_contents() -> None:
    prose = _prose()
    assert (
        "export-error/cd-error element contains management agent information about the data "
        "source error and MUST be present if and only if synchronization-errors/export-error/"
        "error-type is one of the following values: cd-error"
    ) in prose
    assert "error-code: The connected data source returned an error that could not be " in prose
    assert "error-literal: The connected data source returned a literal error string." in prose


def test_oc_value_is_conditional_in_prose_and_required_in_the_xsd() -> None:
    assert "This element MUST be present if and only if the objectclass is available" in _prose()
    oc = _xpath(_schema(), '//xs:element[@name="oc-value"]')[0]
    assert oc.get("minOccurs") == "1"


def test_retry_error_algorithm_step_attributes_are_not_restricted() -> None:
    prose = _prose()
    assert (
        "The mv-retry-errors/retry-error/algorithm-step/@ma-id attribute is the management agent "
        "GUID. The mv-retry-errors/retry-error/algorithm-step/@dn is the DN of the connector "
        "space object. The following elements"
    ) in prose
    assert (
        prose.count("algorithm-step/@ma-id attribute is the management agent GUID and MUST NOT")
        == 1
    )


def test_dn_part_numbering_starts_at_one_but_the_type_allows_zero() -> None:
    assert "where index 1 is the top level element of the DN" in _prose()
    part = _xpath(_schema(), '//xs:element[@name="dn-part"]')[0]
    assert part.get("type") == "xs:unsignedByte"
