"""Rules that do not hide behind an unknown enumeration value, and the @dn check (I504).

An enumerated value outside the spec's list is the XSD's S103; a rule whose condition is "only
with these values" (or "if and only if this value") still applies to it, since whatever the
value is, it is not one of those.  Blanks around a listed value do not count as another value:
' cd-error ' is one problem, S103.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from rules_helpers import BASE, STEP, edit, findings, line_of, messages
from runhistory.rules._dn import dn_problem

EXPORTS = (
    (FIXTURES / "valid" / "export-errors.xml")
    .read_bytes()
    .decode("utf-16")
    .replace('encoding="utf-16"', 'encoding="utf-8"')
    .replace("\r\n", "\n")
)
DETAIL = (FIXTURES / "valid" / "sync-errors-detail.xml").read_text(encoding="utf-8")
SYNC = f"{STEP}/synchronization-errors"
EXPORT1, EXPORT2 = f"{SYNC}/export-error[1]", f"{SYNC}/export-error[2]"
OBJECT = f"{STEP}/ma-discovery-errors/ma-object-error"
CD_ERROR = (
    "     <cd-error>\n      <error-code>0x80070005</error-code>\n"
    "      <error-literal>Access is denied.</error-literal>\n     </cd-error>\n"
)
PERMISSION = "     <error-type>permission-issue</error-type>\n"


# -- R508: the case ------------------------------------------------------------------


def test_r508_applies_to_an_export_error_type_outside_the_enumeration() -> None:
    doc = edit(
        EXPORTS, (PERMISSION, "     <error-type>permission-denied</error-type>\n" + CD_ERROR)
    )
    at = line_of(doc, "permission-denied")
    assert findings(doc) == [
        ("S103", at, f"{EXPORT2}/error-type"),
        ("R508", at + 1, f"{EXPORT2}/cd-error"),
    ]
    assert "error-type is 'permission-denied' but it has a <cd-error>" in messages(doc)[1]
    # Under the product profile the cd-error is the known departure P007, a warning.
    assert findings(doc, "product") == [
        ("S103", at, f"{EXPORT2}/error-type"),
        ("P007", at + 1, f"{EXPORT2}/cd-error"),
    ]


def test_r508_near_miss_a_padded_cd_error_type_is_only_the_xsds() -> None:
    doc = edit(EXPORTS, ("<error-type>cd-error<", "<error-type> cd-error <"))
    assert findings(doc) == [("S103", line_of(doc, " cd-error "), f"{EXPORT1}/error-type")]


def test_r508_near_miss_an_unknown_type_without_cd_error_is_only_the_xsds() -> None:
    doc = edit(EXPORTS, (PERMISSION, "     <error-type>permission-denied</error-type>\n"))
    assert [c for c, _, _ in findings(doc)] == ["S103"]


# -- R401, R402, R404: ma-object-error parts on an unknown type -------------------------------


def _object_error(error_type: str, *children: str) -> str:
    body = f"     <error-type>{error_type}</error-type>\n" + "".join(
        f"     {c}\n" for c in children
    )
    return edit(
        BASE,
        (
            "   <ma-discovery-errors/>\n",
            "   <ma-discovery-errors>\n    <ma-object-error>\n"
            f"{body}    </ma-object-error>\n   </ma-discovery-errors>\n",
        ),
    )


@pytest.mark.parametrize(
    ("code", "child", "path"),
    [
        ("R401", "<entry-number>7</entry-number>", "entry-number"),
        ("R404", "<attribute-name>mail</attribute-name>", "attribute-name"),
    ],
)
def test_parse_error_parts_on_an_unknown_type(code: str, child: str, path: str) -> None:
    doc = _object_error("parse-eror", child)
    at = line_of(doc, "parse-eror")
    assert findings(doc) == [
        ("S103", at, f"{OBJECT}/error-type"),
        (code, at + 1, f"{OBJECT}/{path}"),
    ]


def test_r402_line_and_column_on_an_unknown_type() -> None:
    doc = _object_error(
        "parse-eror", "<line-number>3</line-number>", "<column-number>9</column-number>"
    )
    at = line_of(doc, "parse-eror")
    assert findings(doc) == [
        ("S103", at, f"{OBJECT}/error-type"),
        ("R402", at + 1, f"{OBJECT}/line-number"),
        ("R402", at + 2, f"{OBJECT}/column-number"),
    ]


def test_ma_object_error_near_miss_a_padded_parse_error_is_only_the_xsds() -> None:
    doc = _object_error(
        " parse-error ",
        "<entry-number>7</entry-number>",
        "<line-number>3</line-number>",
        "<column-number>9</column-number>",
    )
    assert [c for c, _, _ in findings(doc)] == ["S103"]


def test_r401_near_miss_an_unknown_type_requires_no_entry_number() -> None:
    assert [c for c, _, _ in findings(_object_error("parse-eror"))] == ["S103"]


# -- I503: change-not-reimported on an unknown type --------------------------------------------


def test_i503_applies_to_an_import_error_type_outside_the_enumeration() -> None:
    doc = edit(
        DETAIL, ("<error-type>exported-change-not-reimported<", "<error-type>not-reimported<")
    )
    at = line_of(doc, "not-reimported<")
    assert findings(doc) == [
        ("S103", at, f"{SYNC}/import-error[1]/error-type"),
        (
            "I503",
            line_of(doc, "<change-not-reimported>"),
            f"{SYNC}/import-error[1]/change-not-reimported",
        ),
    ]


def test_i503_near_miss_the_padded_type_is_only_the_xsds() -> None:
    doc = edit(
        DETAIL,
        (
            "<error-type>exported-change-not-reimported<",
            "<error-type> exported-change-not-reimported<",
        ),
    )
    assert [c for c, _, _ in findings(doc)] == ["S103"]


# -- R202: @file on an unknown step-result, and the FIM-era results under product -----------


RESULT = "<step-result>completed-sync-errors</step-result>"


def test_r202_applies_to_an_unknown_step_result() -> None:
    doc = edit(BASE, (RESULT, '<step-result file="dsdelta.xml">stopped-file-eror</step-result>'))
    assert findings(doc) == [
        ("S103", 12, f"{STEP}/step-result"),
        ("R202", 12, f"{STEP}/step-result/@file"),
    ]


def test_r202_near_miss_a_fim_file_result_names_its_file_under_product() -> None:
    doc = edit(BASE, (RESULT, '<step-result file="dsdelta.xml">stopped-file-error</step-result>'))
    assert findings(doc, "product") == [("P005", 12, f"{STEP}/step-result")]
    assert [c for c, _, _ in findings(doc)] == ["S103", "R202"]


# -- L503: extension-callsite against an unknown algorithm-step --------------------------------


def test_l503_applies_to_an_unknown_algorithm_step() -> None:
    retry = f"{STEP}/mv-retry-errors/retry-error[1]"
    doc = edit(DETAIL, ("<algorithm-step>provisioning<", "<algorithm-step>provisionin<"))
    assert findings(doc) == [
        ("S103", line_of(doc, "provisionin<"), f"{retry}/algorithm-step"),
        (
            "L603",
            line_of(doc, "<extension-callsite>provisioning"),
            f"{retry}/extension-error-info/extension-callsite",
        ),
    ]


def test_l503_near_miss_a_padded_step_is_only_the_xsds() -> None:
    doc = edit(DETAIL, ("<algorithm-step>provisioning<", "<algorithm-step>provisioning <"))
    assert [c for c, _, _ in findings(doc)] == ["S103"]


# -- I504: import-error/@dn and export-error/@dn -----------------------------------------------


@pytest.mark.parametrize(
    "dn",
    [
        "CN=Jane Doe,OU=Staff,DC=contoso,DC=com",
        "CN=Doe\\, Jane,OU=Staff,DC=contoso,DC=com",  # an escaped comma
        'CN="Doe, Jane",OU=Staff,DC=contoso,DC=com',  # RFC 2253's quoted value
        "CN=Jane+UID=jdoe,DC=contoso,DC=com",  # a multi-valued RDN
        "cn = Jane ; ou = Staff",  # RFC 1779's blanks and ';'
        "2.5.4.3=#04024869,DC=contoso",  # an OID and a hex value
        "CN={49483470516544687930436775392F31734F4A7874513D3D}",  # Azure AD Connect
        "CN=,DC=contoso",  # an empty value
        "CN=a\\\\",  # an escaped backslash at the end
        "1001",  # a SQL management agent's anchor as DN
        "jdoe",
        "{8E9F0A1B-2C3D-4E5F-A6B7-C8D9E0F1A2B3}",
        "CONTOSO\\jdoe",  # a backslash outside the attribute=value form is no escape
        "employees.csv:42",
    ],
)
def test_i504_accepts_real_distinguished_names(dn: str) -> None:
    assert dn_problem(dn) is None


@pytest.mark.parametrize(
    ("dn", "why"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("CN=Jane Doe\\", "a '\\' that escapes nothing"),
        ('CN="Doe, Jane,OU=Staff', "a quoted value is not closed"),
        ("CN=Jane Doe,,DC=contoso", "an empty RDN"),
        ("CN=Jane Doe,", "an empty RDN"),
        ("CN=Doe, Jane,OU=Staff", "its part 'Jane' is not attribute=value"),
        ("=Jane,DC=contoso", "has no attribute type"),
    ],
)
def test_i504_reports_what_cannot_be_a_distinguished_name(dn: str, why: str) -> None:
    problem = dn_problem(dn)
    assert problem is not None and why in problem


def test_i504_reports_an_export_error_dn() -> None:
    doc = edit(EXPORTS, ('dn="CN=Wei Chen,OU=Contractors', 'dn="CN=Chen, Wei,OU=Contractors'))
    at = line_of(doc, "CN=Chen, Wei")
    assert findings(doc) == [("I504", at, f"{EXPORT2}/@dn")]
    assert "its part 'Wei' is not attribute=value" in messages(doc)[0]


def test_i504_reports_an_import_error_dn() -> None:
    doc = edit(BASE, ('dn="CN=Jane Doe,OU=Staff,DC=contoso,DC=com">', 'dn="">'))
    assert findings(doc) == [("I504", line_of(doc, 'dn="">'), f"{SYNC}/import-error[1]/@dn")]


def test_i504_near_miss_a_sql_anchor_as_dn() -> None:
    assert (
        findings(edit(BASE, ('dn="CN=Jane Doe,OU=Staff,DC=contoso,DC=com">', 'dn="1001">'))) == []
    )
