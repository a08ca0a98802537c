"""The schema facts: read once from the shipped XSD, and the same as what the rest restates."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO
from runhistory import schema_facts as facts
from runhistory.model import _generated as gen


def test_the_schema_is_parsed_once_per_process() -> None:
    code = (
        "from runhistory import schema_facts as f, rules\n"
        "from runhistory.xsd import schema_for\n"
        "import runhistory.generator.build, runhistory.stream, runhistory.schema_check\n"
        "schema_for('strict'); schema_for('product')\n"
        "runhistory.schema_check.record_schema('product')\n"
        "runhistory.schema_check.skeleton_schema('strict')\n"
        "print(f.parsed.cache_info().misses)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "1"


def test_no_other_module_reads_the_schema_by_xpath() -> None:
    pattern = re.compile(r"""['"]//xs:""")
    found = [
        str(path.relative_to(REPO))
        for folder in ("src", "tools")
        for path in (REPO / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert set(found) <= {"tools/gen_model.py"}, found


def test_enumerations_agree_with_the_generated_model() -> None:
    pairs = {
        "connection-result": gen.ConnectionResult,
        "ma-object-error/error-type": gen.MaObjectErrorType,
        "algorithm-step": gen.AlgorithmStepValue,
        "extension-callsite": gen.ExtensionCallsite,
        "value-delta/@operation": gen.ValueDeltaOperation,
        "attr/@type": gen.AttributeType,
    }
    for name, enum in pairs.items():
        assert set(facts.values(name)) == {m.value for m in enum}, name
    # The model also carries the product profile's extra values; the facts are normative only.
    assert set(facts.values("step-result")) < {m.value for m in gen.StepResultValue}
    assert set(facts.values("import-error/error-type")) < {
        m.value for m in gen.ImportAndMvRetryError
    }


def test_every_enumeration_is_read_in_schema_order_without_repeats() -> None:
    for name in facts.ENUMERATIONS:
        found = facts.values(name)
        assert found and len(set(found)) == len(found), name
    assert facts.values("connection-result")[:2] == ("success", "failed-connection")


def test_where_elements_sit() -> None:
    assert facts.parents("run-history") == {None}
    assert facts.parents("filtered-objects") == {"ma-discovery-counters"}
    assert facts.parents("connector-flow") == {"inbound-flow-counters", "outbound-flow-counters"}
    assert facts.parents("error-type") == {
        "import-error",
        "export-error",
        "retry-error",
        "ma-object-error",
    }
    # dn-value's type extends another: its base type's children sit in it too.
    assert "dn-value" in facts.parents("anchor")
    assert facts.parents("no-such-element") == frozenset()


def test_records_and_their_ancestors() -> None:
    step = ("run-history", "run-details", "step-details")
    assert facts.records() == {
        "import-error": (*step, "synchronization-errors"),
        "export-error": (*step, "synchronization-errors"),
        "retry-error": (*step, "mv-retry-errors"),
        "ma-object-error": (*step, "ma-discovery-errors"),
        "incident": (*step, "ma-connection", "connection-log"),
    }
    declared = facts.record_declarations(facts.fresh())
    assert {d.get("maxOccurs") for d in declared.values()} == {"unbounded"}


def test_counters_and_their_detail_flag() -> None:
    staging = facts.counters("staging-counters")
    assert staging[0] == ("stage-no-change", False)
    assert all(detail for _, detail in staging[1:])
    assert [n for n, _ in facts.counters("outbound-flow-counters")] == list(
        facts.children("outbound-flow-counters")
    )


def test_parsed_document_is_shared_and_fresh_copies_are_not() -> None:
    assert facts.parsed() is facts.parsed()
    copy = facts.fresh()
    facts.declaration(copy, "run-details").set("maxOccurs", "unbounded")
    assert facts.declaration(facts.parsed(), "run-details").get("maxOccurs") != "unbounded"
