"""Section 2.2.1.1.1.3: ma-discovery-counters."""

from __future__ import annotations

from runhistory import schema_facts as facts
from runhistory.generator import edits as e
from runhistory.rules._support import present_only_above_zero
from runhistory.rules.engine import rule

filtered_counters_above_zero = rule(
    "R410",
    section="2.2.1.1.1.3",
    quote=(
        "The ma-discovery-counters/filtered-deletions element is the number of deletions "
        "reported in delta import that do not apply to any object in connector space. "
        "This element MUST be present if and only if the value is greater than zero."
    ),
    on=("ma-discovery-counters/filtered-deletions", "ma-discovery-counters/filtered-objects"),
    summary="filtered-deletions and filtered-objects are present only when greater than zero",
    fix="Leave out filtered-deletions and filtered-objects when their value is 0.",
)(present_only_above_zero("<{tag}> is 0; the element is omitted when the count is zero"))


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("R410", "filtered-counter-zero")
def _filtered_zero(ch: e.Chooser, d: e.Draft) -> str:
    counters = e.one(e.step(d), "ma-discovery-counters")
    name = ch.choice(facts.children("ma-discovery-counters"))
    e.strip(counters, name)
    return e.at(
        d, e.place(counters, e.Node(name, text="0"), facts.children("ma-discovery-counters"))
    )
