"""Rules of 2.2.1.1.1.4 (synchronization-errors) and 2.2.1.1.1.5 (mv-retry-errors)."""

from __future__ import annotations

import base64
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, Cli
from rules_helpers import BASE, STEP, edit, findings, line_of, messages
from runhistory.rules.change_not_reimported import control_characters, needs_encoding

DETAIL = (FIXTURES / "valid" / "sync-errors-detail.xml").read_text(encoding="utf-8")
EXPORTS = (
    (FIXTURES / "valid" / "export-errors.xml")
    .read_bytes()
    .decode("utf-16")
    .replace('encoding="utf-16"', 'encoding="utf-8"')
    .replace("\r\n", "\n")
)
SYNC = f"{STEP}/synchronization-errors"
IMPORT1, IMPORT2, IMPORT3 = (f"{SYNC}/import-error[{i}]" for i in (1, 2, 3))
CHANGE = f"{IMPORT1}/change-not-reimported"
RETRY1, RETRY2 = (f"{STEP}/mv-retry-errors/retry-error[{i}]" for i in (1, 2))
EXPORT1 = f"{SYNC}/export-error[1]"


# -- R501: algorithm-step/@ma-id and @dn ---------------------------------------------------------

EXPORT_FLOW = 'dn="CN=Ana Lopez,OU=Users,DC=profiles">export-flow</algorithm-step>'


def test_r501_reports_ma_id_and_dn_on_another_algorithm_step() -> None:
    doc = edit(
        DETAIL, (EXPORT_FLOW, 'dn="CN=Ana Lopez,OU=Users,DC=profiles">join</algorithm-step>')
    )
    line = line_of(doc, "<algorithm-step ma-id=")
    assert findings(doc) == [
        ("R501", line, f"{IMPORT3}/algorithm-step/@ma-id"),
        ("R501", line, f"{IMPORT3}/algorithm-step/@dn"),
    ]
    assert "only present when the algorithm step is validate-connector-filter" in messages(doc)[0]


@pytest.mark.parametrize("step", ["recall", "deprovisioning", "validate-connector-filter"])
def test_r501_near_miss_the_listed_steps(step: str) -> None:
    doc = edit(
        DETAIL, (EXPORT_FLOW, f'dn="CN=Ana Lopez,OU=Users,DC=profiles">{step}</algorithm-step>')
    )
    assert findings(doc) == []


def test_r501_near_miss_retry_error_algorithm_step_is_not_restricted() -> None:
    doc = edit(
        DETAIL,
        (
            "<algorithm-step>provisioning</algorithm-step>",
            '<algorithm-step ma-id="{5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A}" '
            'dn="CN=Jane Doe,OU=Staff,DC=contoso,DC=com">provisioning</algorithm-step>',
        ),
    )
    assert findings(doc) == []


# -- R502: anchors and encoded values are strict base64 ---------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "nth", "path"),
    [
        ("Vkw7S7b0VtC/WMIZy3RXOg==", "Vkw7S7b0VtC_WMIZy3RXOg==", 1, f"{CHANGE}/delta/anchor"),
        (
            "2YBXuWWxWF2ZRl+Ey9x2hw==",
            "2YBXuWWxWF2ZRl+Ey9x2hw",
            1,
            f"{CHANGE}/delta/dn-attr/dn-value/anchor",
        ),
        ("Vkw7S7b0VtC/WMIZy3RXOg==", "Vkw7S7b0 VtC/WMIZy3RXOg==", 2, f"{CHANGE}/entry/anchor"),
        (
            "YQw8NRENWDiFLZy4lalRRw==",
            "YQw8NRENWDiFLZy4lalRRx==",
            1,
            f"{CHANGE}/entry/parent-anchor",
        ),
        (
            "Cdyx5ef+XvKu6KhVkpshBQ==",
            "Cdyx5ef+XvKu6KhVkpshBQ=",
            1,
            f"{CHANGE}/entry/dn-attr/dn-value/anchor",
        ),
        (
            "KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkc=",
            "KCkq!",
            1,
            f"{CHANGE}/delta/attr[2]/value",
        ),
    ],
)
def test_r502_reports_an_anchor_or_encoded_value_that_is_not_strict_base64(
    old: str, new: str, nth: int, path: str
) -> None:
    at = 0
    for _ in range(nth):
        at = DETAIL.index(old, at) + 1
    doc = DETAIL[: at - 1] + new + DETAIL[at - 1 + len(old) :]
    assert findings(doc) == [("R502", line_of(doc, new), path)]


def test_r502_names_the_problem() -> None:
    doc = edit(DETAIL, ("Vkw7S7b0VtC/WMIZy3RXOg==", "Vkw7S7b0VtC_WMIZy3RXOg=="))
    assert "URL-safe alphabet" in messages(doc)[0]


def test_r502_near_miss_plain_values_and_look_alikes_in_step_description() -> None:
    doc = edit(
        DETAIL,
        ('<value operation="add">Finance</value>', '<value operation="add">Fin ance!</value>'),
        (
            "   </step-description>\n",
            "    <change-not-reimported><delta><anchor>not base64!</anchor></delta>"
            "</change-not-reimported>\n   </step-description>\n",
        ),
    )
    assert findings(doc) == []


# -- R503: values base64-encoded when binary or holding control characters ---------------------

FINANCE = '<value operation="add">Finance</value>'
CERT = '<value operation="add" encoding="base64">KCkq'


def test_r503_reports_a_binary_value_without_encoding() -> None:
    doc = edit(DETAIL, (CERT, '<value operation="add">KCkq'))
    assert findings(doc) == [("R503", line_of(doc, "KCkq"), f"{CHANGE}/delta/attr[2]/value")]
    assert "binary attribute 'userCertificate'" in messages(doc)[0]


@pytest.mark.parametrize("control", ["\x7f", "\x85", "\x9f"])
def test_r503_reports_a_control_character_in_a_plain_value(control: str) -> None:
    doc = edit(DETAIL, (FINANCE, f'<value operation="add">Fin{control}ance</value>'))
    assert findings(doc) == [("R503", line_of(doc, "Fin"), f"{CHANGE}/delta/attr[1]/value")]
    assert f"U+{ord(control):04X}" in messages(doc)[0]


def test_r503_applies_to_the_entry_too() -> None:
    doc = edit(DETAIL, ("<value>Sales</value>", "<value>Sa\x80les</value>"))
    assert findings(doc) == [("R503", line_of(doc, "Sa\x80les"), f"{CHANGE}/entry/attr/value")]


def test_r503_near_miss_tab_line_feed_and_other_characters() -> None:
    doc = edit(DETAIL, (FINANCE, '<value operation="add">Fin\tance\n\xa0é€</value>'))
    assert findings(doc) == []


# -- R504: @encoding only on binary values and values with control characters ------------------


def _encoded_finance(data: bytes) -> str:
    value = base64.b64encode(data).decode()
    return edit(DETAIL, (FINANCE, f'<value operation="add" encoding="base64">{value}</value>'))


def test_r504_reports_an_encoded_string_value_without_control_characters() -> None:
    doc = _encoded_finance(b"Finance")
    line = line_of(doc, "RmluYW5jZQ==")
    assert findings(doc) == [("R504", line, f"{CHANGE}/delta/attr[1]/value/@encoding")]
    assert "decodes to plain text ('Finance')" in messages(doc)[0]


@pytest.mark.parametrize(
    "data",
    ["Fin\x85ance".encode(), "Finance".encode("utf-16-le"), b"Fin\x01ance", b"\xff\xfe\x00"],
    ids=["C1 control", "UTF-16", "C0 control", "not UTF-8"],
)
def test_r504_near_miss_encoded_values_that_needed_it_or_cannot_be_judged(data: bytes) -> None:
    assert findings(_encoded_finance(data)) == []


# -- R505 / R605 and I506 / I606: extension-error-info -----------------------------------------

EXT_INFO = BASE[BASE.index("     <extension-error-info>") : BASE.index("    </import-error>")]
RETRY_EXT_INFO = DETAIL[
    DETAIL.index("     <extension-error-info>") : DETAIL.index("    </retry-error>")
]


def test_r505_reports_a_script_error_without_extension_error_info() -> None:
    doc = edit(BASE, (EXT_INFO, ""))
    assert findings(doc) == [("R505", line_of(doc, "<import-error"), IMPORT1)]


def test_r605_reports_a_script_error_without_extension_error_info_on_retry_error() -> None:
    doc = edit(DETAIL, (RETRY_EXT_INFO, ""))
    assert findings(doc) == [("R605", line_of(doc, "<retry-error"), RETRY1)]


def test_r505_and_i506_near_miss_unexported_container_rename_with_or_without_info() -> None:
    renamed = ("<error-type>extension-dll-exception<", "<error-type>unexported-container-rename<")
    assert findings(edit(BASE, renamed)) == []
    assert findings(edit(BASE, renamed, (EXT_INFO, ""))) == []


def test_i506_reports_extension_error_info_on_another_error_type() -> None:
    doc = edit(
        BASE, ("<error-type>extension-dll-exception<", "<error-type>mv-constraint-violation<")
    )
    assert findings(doc) == [
        ("I506", line_of(doc, "<extension-error-info>"), f"{IMPORT1}/extension-error-info")
    ]


def test_i606_reports_extension_error_info_on_another_error_type_on_retry_error() -> None:
    doc = edit(
        DETAIL, ("<error-type>extension-dll-exception<", "<error-type>unique-index-violation<")
    )
    assert findings(doc) == [
        ("I606", line_of(doc, "<extension-error-info>"), f"{RETRY1}/extension-error-info")
    ]


def test_i606_applies_to_a_type_outside_the_spec() -> None:
    # Whatever the unknown type is (S103), it is no script error type: I606 too.  SharePoint's
    # ma-extension-error, which the product profile accepts, may carry extension-error-info.
    doc = edit(DETAIL, ("<error-type>extension-dll-exception<", "<error-type>ma-extension-error<"))
    at = line_of(doc, "ma-extension-error")
    assert findings(doc) == [
        ("S103", at, f"{RETRY1}/error-type"),
        ("I606", line_of(doc, "<extension-error-info>"), f"{RETRY1}/extension-error-info"),
    ]
    assert findings(doc, "product") == [("P003", at, f"{RETRY1}/error-type")]


def test_i606_near_miss_a_padded_script_type_is_only_the_xsds() -> None:
    doc = edit(
        DETAIL, ("<error-type>extension-dll-exception<", "<error-type> extension-dll-exception <")
    )
    assert [c for c, _, _ in findings(doc)] == ["S103"]


# -- R506 / R606: rules-error-info context when import-flow ------------------------------------

BASE_CONTEXT = 'ma-name="MOSSAD-CONTOSO" cs-object-id="{2A3B4C5D-6E7F-4081-92A3-B4C5D6E7F809}" dn="CN=John Smith,OU=Staff,DC=contoso,DC=com">'


def test_r506_reports_missing_context_attributes_once() -> None:
    doc = edit(BASE, (BASE_CONTEXT, 'cs-object-id="{2A3B4C5D-6E7F-4081-92A3-B4C5D6E7F809}">'))
    assert findings(doc) == [
        ("R506", line_of(doc, "<context"), f"{IMPORT2}/rules-error-info/context")
    ]
    assert "lacks @ma-name or @dn" in messages(doc)[0]


def test_r506_near_miss_another_algorithm_step() -> None:
    doc = edit(
        BASE,
        (BASE_CONTEXT, ">"),
        (
            "<algorithm-step>import-flow</algorithm-step>\n     <rules-error-info>",
            "<algorithm-step>join</algorithm-step>\n     <rules-error-info>",
        ),
    )
    assert findings(doc) == []


def test_r606_reports_missing_context_attributes_on_retry_error() -> None:
    attrs = 'ma-id="{5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A}" ma-name="MOSSAD-CONTOSO" '
    second = DETAIL.index(attrs, DETAIL.index("<retry-error"))
    doc = DETAIL[:second] + DETAIL[second + len(attrs) :]
    assert findings(doc) == [
        ("R606", line_of(doc, "<context", 2), f"{RETRY2}/rules-error-info/context")
    ]
    assert "lacks @ma-id or @ma-name" in messages(doc)[0]


# -- R507 / R607: src-attribute dn is intrinsic ------------------------------------------------

INTRINSIC = '<src-attribute intrinsic="true">dn</src-attribute>'
SRC = f"{RETRY2}/rules-error-info/context/attribute-mapping/direct-mapping/src-attribute"


def test_r607_reports_dn_without_intrinsic() -> None:
    doc = edit(DETAIL, (INTRINSIC, "<src-attribute>dn</src-attribute>"))
    assert findings(doc) == [("R607", line_of(doc, "<src-attribute>"), SRC)]


def test_r607_reports_dn_with_intrinsic_false() -> None:
    doc = edit(DETAIL, (INTRINSIC, '<src-attribute intrinsic="false">dn</src-attribute>'))
    assert findings(doc) == [("R607", line_of(doc, "<src-attribute"), f"{SRC}/@intrinsic")]


def test_r607_near_miss_intrinsic_one_and_other_attributes() -> None:
    assert (
        findings(edit(DETAIL, (INTRINSIC, '<src-attribute intrinsic=" 1">dn</src-attribute>')))
        == []
    )
    assert findings(edit(DETAIL, (INTRINSIC, "<src-attribute>cn</src-attribute>"))) == []


def test_r507_reports_dn_without_intrinsic_on_import_error() -> None:
    doc = edit(BASE, ("<src-attribute>department<", "<src-attribute>dn<"))
    path = f"{IMPORT2}/rules-error-info/context/attribute-mapping/direct-mapping/src-attribute"
    assert findings(doc) == [("R507", line_of(doc, "<src-attribute>"), path)]


def test_r507_near_miss_a_misspelled_attribute_is_the_xsds() -> None:
    doc = edit(BASE, ("<src-attribute>department<", '<src-attribute instrinsic="true">dn<'))
    path = f"{IMPORT2}/rules-error-info/context/attribute-mapping/direct-mapping/src-attribute"
    assert findings(doc) == [("S109", line_of(doc, "<src-attribute"), f"{path}/@instrinsic")]


# -- I505 / I605: dn-part from 1 ---------------------------------------------------------------


def test_i505_reports_dn_part_zero() -> None:
    doc = edit(DETAIL, ("<dn-part>1</dn-part>", "<dn-part>0</dn-part>"))
    path = f"{IMPORT2}/rules-error-info/context/attribute-mapping/dn-part-mapping/dn-part"
    assert findings(doc) == [("I505", line_of(doc, "<dn-part>"), path)]


def test_i605_reports_dn_part_zero_on_retry_error() -> None:
    doc = edit(
        DETAIL,
        (
            f"<direct-mapping>\n         {INTRINSIC}\n        </direct-mapping>",
            "<dn-part-mapping><dn-part>00</dn-part></dn-part-mapping>",
        ),
    )
    path = f"{RETRY2}/rules-error-info/context/attribute-mapping/dn-part-mapping/dn-part"
    assert findings(doc) == [("I605", line_of(doc, "<dn-part>00"), path)]


def test_i505_near_miss_top_and_largest_index() -> None:
    assert findings(edit(DETAIL, ("<dn-part>1</dn-part>", "<dn-part>255</dn-part>"))) == []


# -- L503 / L603: extension-callsite against algorithm-step ------------------------------------


def test_l503_reports_a_callsite_that_disagrees_with_the_step() -> None:
    doc = edit(BASE, ("<extension-callsite>import-flow<", "<extension-callsite>projection<"))
    path = f"{IMPORT1}/extension-error-info/extension-callsite"
    assert findings(doc) == [("L503", line_of(doc, "<extension-callsite>"), path)]


def test_l603_reports_a_callsite_that_disagrees_with_the_step_on_retry_error() -> None:
    doc = edit(DETAIL, ("<extension-callsite>provisioning<", "<extension-callsite>export-flow<"))
    path = f"{RETRY1}/extension-error-info/extension-callsite"
    assert findings(doc) == [("L603", line_of(doc, "<extension-callsite>"), path)]


def test_l503_near_miss_initialize_and_connector_filter_pairs() -> None:
    assert findings(edit(BASE, ("callsite>import-flow<", "callsite>initialize<"))) == []
    doc = edit(
        BASE,
        ("callsite>import-flow<", "callsite>disconnector-filter<"),
        (
            "<algorithm-step>import-flow</algorithm-step>",
            "<algorithm-step>validate-connector-filter</algorithm-step>",
        ),
    )
    assert findings(doc) == []


# -- R508 / P007: export-error/cd-error iff error-type cd-error --------------------------------

_AT = EXPORTS.index("     <cd-error>", EXPORTS.index("<export-error"))
CD_ERROR = EXPORTS[_AT : EXPORTS.index("    </export-error>")]


def test_r508_reports_a_cd_error_type_without_cd_error() -> None:
    doc = edit(EXPORTS, (CD_ERROR, ""))
    assert findings(doc) == [("R508", line_of(doc, "<export-error"), EXPORT1)]
    assert findings(doc, "product") == [("R508", line_of(doc, "<export-error"), EXPORT1)]


def test_r508_in_strict_and_p007_in_product_for_a_cd_error_on_another_type() -> None:
    doc = edit(EXPORTS, ("<error-type>cd-error<", "<error-type>error-code<"))
    at = (line_of(doc, "<cd-error>", 2), f"{EXPORT1}/cd-error")
    assert findings(doc) == [("R508", *at)]
    assert findings(doc, "product") == [("P007", *at)]


def test_p007_covers_the_types_only_the_product_accepts() -> None:
    doc = edit(EXPORTS, ("<error-type>cd-error<", "<error-type>ma-extension-error<"))
    at = line_of(doc, "ma-extension-error")
    # Strict: the type is unknown (S103), and an unknown type is not cd-error either (R508).
    assert findings(doc) == [
        ("S103", at, f"{EXPORT1}/error-type"),
        ("R508", line_of(doc, "<cd-error>", 2), f"{EXPORT1}/cd-error"),
    ]
    assert findings(doc, "product") == [
        ("P003", at, f"{EXPORT1}/error-type"),
        ("P007", line_of(doc, "<cd-error>", 2), f"{EXPORT1}/cd-error"),
    ]


def test_r508_near_miss_the_valid_export_errors() -> None:
    assert findings(EXPORTS) == [] and findings(EXPORTS, "product") == []


# -- I501, I502: first-occurred, retry-count, date-occurred ------------------------------


def test_i501_reports_first_occurred_after_date_occurred() -> None:
    doc = edit(
        BASE,
        ("<first-occurred>2018-07-23 02:01:12.003<", "<first-occurred>2018-07-25 02:01:12.003<"),
    )
    assert findings(doc) == [
        ("I501", line_of(doc, "<first-occurred>"), f"{IMPORT1}/first-occurred")
    ]


def test_i501_reports_on_export_error_too() -> None:
    doc = edit(
        EXPORTS,
        ("<first-occurred>2018-07-22 02:05:10.001<", "<first-occurred>2018-07-24 02:05:12.605<"),
    )
    assert findings(doc) == [
        ("I501", line_of(doc, "<first-occurred>"), f"{EXPORT1}/first-occurred")
    ]


def test_i502_reports_retry_count_zero_for_an_old_error() -> None:
    doc = edit(BASE, ("<retry-count>1<", "<retry-count>0<"))
    assert findings(doc) == [("I502", line_of(doc, "<retry-count>"), f"{IMPORT1}/retry-count")]


def test_i502_reports_a_retry_count_for_a_new_error() -> None:
    doc = edit(EXPORTS, ("<retry-count>0<", "<retry-count>3<"))
    line = line_of(doc, "<retry-count>", 2)
    assert findings(doc) == [("I502", line, f"{SYNC}/export-error[2]/retry-count")]


def test_i501_i502_near_miss_same_instant_written_differently() -> None:
    doc = edit(
        BASE,
        ("<first-occurred>2018-07-24 02:01:30.900<", "<first-occurred>2018-07-24 02:01:30.9<"),
    )
    assert findings(doc) == []


# -- I503: change-not-reimported iff exported-change-not-reimported -----------------------------


def test_i504_reports_change_not_reimported_on_another_error_type() -> None:
    doc = edit(
        DETAIL, ("<error-type>exported-change-not-reimported<", "<error-type>unexpected-error<")
    )
    assert findings(doc) == [("I503", line_of(doc, "<change-not-reimported>"), CHANGE)]


def test_i504_reports_exported_change_not_reimported_without_the_change() -> None:
    doc = edit(
        BASE,
        (
            "<error-type>sync-rule-flow-attribute-not-found<",
            "<error-type>exported-change-not-reimported<",
        ),
    )
    assert findings(doc) == [("I503", line_of(doc, "<import-error", 2), IMPORT2)]


def test_i504_near_miss_the_detail_fixture() -> None:
    assert findings(DETAIL) == [] and findings(DETAIL, "product") == []


# -- L501, L502: failure counters against the records ------------------------------------------


def test_l501_reports_export_failure_that_disagrees_with_export_errors() -> None:
    doc = edit(EXPORTS, ('<export-failure detail="true">2<', '<export-failure detail="true">3<'))
    path = f"{STEP}/export-counters/export-failure"
    assert findings(doc) == [("L501", line_of(doc, "<export-failure"), path)]
    assert "export-failure is 3 but the step lists 2 export-error record(s)" in messages(doc)[0]


def test_l502_reports_failures_that_disagree_with_import_errors() -> None:
    doc = edit(BASE, ('<flow-failure detail="true">2<', '<flow-failure detail="true">1<'))
    path = f"{STEP}/staging-counters/stage-failure"
    assert findings(doc) == [("L502", line_of(doc, "<stage-failure"), path)]


def test_l501_l502_near_miss_counts_that_add_up() -> None:
    # DETAIL: 1 stage-failure + 2 flow-failure for 3 import-errors; BASE: 0 + 2 for 2.
    assert findings(DETAIL) == [] and findings(BASE) == []


def test_r501_applies_to_a_padded_algorithm_step() -> None:
    # ' join ' is S103; read without its blanks it is join, which carries no @ma-id or @dn.
    doc = edit(
        DETAIL, (EXPORT_FLOW, 'dn="CN=Ana Lopez,OU=Users,DC=profiles"> join </algorithm-step>')
    )
    assert [code for code, _, _ in findings(doc)] == ["S103", "R501", "R501"]


def test_r501_near_miss_a_padded_step_that_allows_the_attributes_is_only_the_xsds() -> None:
    doc = edit(
        DETAIL,
        (EXPORT_FLOW, 'dn="CN=Ana Lopez,OU=Users,DC=profiles"> export-flow </algorithm-step>'),
    )
    assert [code for code, _, _ in findings(doc)] == ["S103"]


# -- properties of the encoding decision behind R503 and R504 ----------------------------------

_SURROGATE: Literal["Cs"] = "Cs"
_PLAIN = st.text(
    st.characters(
        blacklist_categories=(_SURROGATE,),
        blacklist_characters="".join(map(chr, [*range(0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF])),
    )
    | st.sampled_from("\t\r\n")
)
FAST = settings(max_examples=60, deadline=None)


@FAST
@given(_PLAIN)
def test_plain_xml_text_never_needs_base64(value: str) -> None:
    assert control_characters(value) == []
    assert needs_encoding(value.encode("utf-8")) is False


@FAST
@given(_PLAIN, st.integers(0x7F, 0x9F), st.integers(0, 50))
def test_a_del_or_c1_character_always_needs_base64(value: str, code: int, at: int) -> None:
    value = value[:at] + chr(code) + value[at:]
    assert control_characters(value) == [f"U+{code:04X}"]
    assert needs_encoding(value.encode("utf-8")) is True


def test_the_product_fixture_is_r508_under_strict_and_p007_under_product(cli: Cli) -> None:
    path = FIXTURES / "product" / "export-cd-error-on-permission-issue.xml"
    at = (57, f"{SYNC}/export-error[2]/cd-error")
    assert findings(path.read_text(encoding="utf-8")) == [("R508", *at)]
    assert findings(path.read_text(encoding="utf-8"), "product") == [("P007", *at)]
    assert cli("validate", path).code == 1
    assert cli("validate", "--profile", "product", path).code == 0
