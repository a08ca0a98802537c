"""The hand-written rule fixtures, and the catalog's promise: every prose rule is tested."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, Cli
from rules_helpers import STEP, findings

CHANGE = f"{STEP}/synchronization-errors/import-error[1]/change-not-reimported"
EXPECTED = {
    "rule-R001-february-29.xml": [
        ("R001", 47, f"{STEP}/synchronization-errors/import-error[1]/first-occurred")
    ],
    "rule-R202-file-not-configured-for-ma.xml": [("R202", 12, f"{STEP}[1]/step-result/@file")],
    "rule-R304-dropped-without-cd-error.xml": [
        ("R304", 87, f"{STEP}[2]/ma-connection/connection-log/incident[2]")
    ],
    "rule-R405-anchor-url-safe.xml": [
        ("R405", 45, f"{STEP}/ma-discovery-errors/ma-object-error/anchor")
    ],
    "rule-R503-c1-control-not-encoded.xml": [
        ("R503", 62, f"{CHANGE}/delta/attr[1]/value"),
    ],
    "rule-R504-plain-text-base64.xml": [
        ("R504", 62, f"{CHANGE}/delta/attr[1]/value/@encoding"),
    ],
    "rule-R508-cd-error-type-without-cd-error.xml": [
        ("R508", 42, f"{STEP}/synchronization-errors/export-error[1]"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rule_fixture_reports_exactly_its_rule(name: str) -> None:
    doc = (FIXTURES / "invalid" / name).read_text(encoding="utf-8")
    assert findings(doc) == EXPECTED[name]
    assert findings(doc, "product") == EXPECTED[name]


def test_every_rule_fixture_is_listed_in_the_fixtures_readme() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for path in [*(FIXTURES / "invalid").glob("rule-*.xml"), *(FIXTURES / "product").glob("*.xml")]:
        assert f"`{path.name}`" in readme, path.name


def test_rules_json_lists_every_prose_rule_with_its_kind(cli: Cli) -> None:
    from runhistory.rules import RULES

    data = {r["code"]: r for r in cli("rules", "--format", "json").json()}
    assert set(RULES) <= set(data)
    assert data["R203"]["kind"] == "spec" and data["R203"]["severity"] == {
        "strict": "error",
        "product": "error",
    }
    assert data["I201"]["severity"] == {"strict": "warning", "product": "warning"}
    assert data["L201"]["severity"] == {"strict": None, "product": "info"}
    assert data["P001"]["severity"] == {"strict": None, "product": "warning"}


def test_a_rule_can_be_disabled_or_regraded_from_the_cli(cli: Cli) -> None:
    path = FIXTURES / "invalid" / "rule-R202-file-not-configured-for-ma.xml"
    assert cli("validate", path).code == 1
    assert cli("validate", "--disable", "R202", path).code == 0
    regraded = cli("validate", "--severity", "R2=warning", "--format", "json", path)
    assert regraded.code == 0
    assert [(f["rule"], f["severity"]) for f in regraded.json()["files"][0]["findings"]] == [
        ("R202", "warning")
    ]
