"""The product profile: each known departure is an S error under strict, a P warning under product."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, Cli
from rules_helpers import BASE, STEP, edit, findings, line_of
from runhistory.selection import Selection
from runhistory.validate import Options, validate_bytes

INCIDENT_SERVER = "      <server>dc01.contoso.com:389</server>\n"
TWO_RUNS = BASE.replace(
    " </run-details>\n</run-history>",
    " </run-details>\n"
    + BASE.split("<run-history>\n")[1].split("</run-history>")[0]
    + "</run-history>",
)

# name -> (document, strict finding, product finding)
CASES = {
    "several run-details": (
        TWO_RUNS,
        ("S101", line_of(TWO_RUNS, "<run-details>", 2), "/run-history/run-details[2]"),
        ("P001", line_of(TWO_RUNS, "<run-details>", 2), "/run-history/run-details[2]"),
    ),
    "server-error-detail in an incident's cd-error": (
        doc := edit(
            BASE,
            (
                "      <connection-result>success</connection-result>\n",
                "      <connection-result>failed-connection</connection-result>\n",
            ),
            (
                INCIDENT_SERVER,
                INCIDENT_SERVER
                + "      <cd-error><error-code>0x51</error-code><error-literal>Server Down</error-literal>"
                "<server-error-detail>unavailable</server-error-detail></cd-error>\n"
                "     </incident>\n     <incident>\n"
                "      <connection-result>success</connection-result>\n"
                "      <date>2018-07-24 02:00:04.000</date>\n"
                "      <server>dc01.contoso.com:389</server>\n",
            ),
        ),
        (
            p := (
                line_of(doc, "<server-error-detail>"),
                f"{STEP}/ma-connection/connection-log/incident[1]/cd-error/server-error-detail",
            )
        )
        and ("S101", *p),
        ("P002", *p),
    ),
    # On the import-error without extension-error-info (with one, strict adds I506: see
    # test_rules_sync_errors.py).
    "ma-extension-error": (
        doc := edit(
            BASE,
            ("<error-type>sync-rule-flow-attribute-not-found<", "<error-type>ma-extension-error<"),
        ),
        (
            "S103",
            *(
                p := (
                    line_of(doc, "ma-extension-error"),
                    f"{STEP}/synchronization-errors/import-error[2]/error-type",
                )
            ),
        ),
        ("P003", *p),
    ),
    "schema-violation on export": (
        doc := (FIXTURES / "valid" / "export-errors.xml")
        .read_bytes()
        .decode("utf-16")
        .replace('encoding="utf-16"', 'encoding="utf-8"')
        .replace("<error-type>permission-issue<", "<error-type>schema-violation<"),
        (
            "S103",
            *(
                p := (
                    line_of(doc, "schema-violation"),
                    f"{STEP}/synchronization-errors/export-error[2]/error-type",
                )
            ),
        ),
        ("P004", *p),
    ),
    "stopped-file-error": (
        doc := edit(
            BASE, ("<step-result>completed-sync-errors<", "<step-result>stopped-file-error<")
        ),
        ("S103", *(p := (12, f"{STEP}/step-result"))),
        ("P005", *p),
    ),
    "no-start-file-contains-incorrect-step-type": (
        edit(
            BASE,
            (
                "<step-result>completed-sync-errors<",
                "<step-result>no-start-file-contains-incorrect-step-type<",
            ),
        ),
        ("S103", 12, f"{STEP}/step-result"),
        ("P005", 12, f"{STEP}/step-result"),
    ),
    "provisioned-delete-add-no-flow": (
        doc := edit(
            BASE,
            (
                '    <connector-flow detail="true">214</connector-flow>\n',
                '    <provisioned-rename-flow detail="true">1</provisioned-rename-flow>\n'
                '    <provisioned-delete-add-no-flow detail="true">2</provisioned-delete-add-no-flow>\n'
                '    <provisioned-delete-add-flow detail="true">1</provisioned-delete-add-flow>\n'
                '    <provisioned-disconnect detail="true">1</provisioned-disconnect>\n'
                '    <connector-flow detail="true">214</connector-flow>\n',
            ),
        ),
        (
            "S101",
            *(
                p := (
                    line_of(doc, "<provisioned-delete-add-no-flow"),
                    f"{STEP}/outbound-flow-counters/provisioned-delete-add-no-flow",
                )
            ),
        ),
        ("P006", *p),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_departure_is_an_s_error_in_strict_and_a_p_warning_in_product(name: str) -> None:
    doc, strict, product = CASES[name]
    assert findings(doc) == [strict]
    found = findings(doc, "product")
    extra = [f for f in found if f[0] == product[0] and f != product]
    assert found[0] == product and len(found) == 1 + len(extra)
    report = validate_bytes(doc.encode(), "d.xml", Options(profile="product"))
    assert report.valid and {str(f.severity) for f in report.findings} == {"warning"}


def test_the_second_fim_counter_is_its_own_warning() -> None:
    doc, _, first = CASES["provisioned-delete-add-no-flow"]
    assert findings(doc, "product") == [
        first,
        ("P006", first[1] + 1, f"{STEP}/outbound-flow-counters/provisioned-delete-add-flow"),
    ]


def test_p_rules_stay_silent_under_strict_even_when_selected() -> None:
    doc, strict, _ = CASES["ma-extension-error"]
    report = validate_bytes(doc.encode(), "d.xml", Options(selection=Selection(select=("P", "S"))))
    assert [(f.rule, f.line, f.path) for f in report.findings] == [strict]


def test_near_miss_spec_values_are_no_departure() -> None:
    assert findings(BASE, "product") == []


def test_the_other_enumerations_are_not_widened() -> None:
    # encryption-not-enabled is an export error type: on an import-error it stays an S103 (and,
    # being no script error type, its extension-error-info is I506).
    doc = edit(
        BASE, ("<error-type>extension-dll-exception<", "<error-type>encryption-not-enabled<")
    )
    assert [c for c, _, _ in findings(doc, "product")] == ["S103", "I506"]
    # ma-extension-error is no discovery error type.
    doc = edit(
        BASE,
        (
            "   <ma-discovery-errors/>\n",
            "   <ma-discovery-errors><ma-object-error><error-type>ma-extension-error</error-type></ma-object-error></ma-discovery-errors>\n",
        ),
    )
    assert [c for c, _, _ in findings(doc, "product")] == ["S103"]


def test_the_sharepoint_capture_is_valid_under_product_and_not_under_strict(cli: Cli) -> None:
    path = FIXTURES / "product" / "sharepoint-save-to-file.xml"
    strict = cli("validate", "--format", "json", path)
    assert strict.code == 1
    assert sorted({f["rule"] for f in strict.json()["files"][0]["findings"]}) == [
        "D003",
        "S101",
        "S103",
    ]
    product = cli("validate", "--format", "json", "--profile", "product", path)
    assert product.code == 0
    got = [(f["rule"], f["severity"]) for f in product.json()["files"][0]["findings"]]
    assert got == [(c, "warning") for c in ("D003", "P003", "P004", "P001", "P002", "P006", "P005")]


def test_patches_touch_a_copy_of_the_schema_never_the_file() -> None:
    from runhistory.schema_facts import schema_path
    from runhistory.xsd import schema_for

    before = schema_path().read_bytes()
    schema_for("product")
    assert schema_path().read_bytes() == before
    assert b"stopped-file-error" not in before
