"""Section 2.2.1.1.1.6: outbound-flow-counters."""

from __future__ import annotations

from runhistory import schema_facts as facts
from runhistory.generator import edits as e
from runhistory.rules._support import present_only_above_zero
from runhistory.rules.engine import rule

# The counters of outbound-flow-countersType, in schema order (connector-flow and
# connector-no-flow are also inbound-flow-counters children, where zero is expected: the rule
# names its parent).
OUTBOUND_COUNTERS = facts.children("outbound-flow-counters")

outbound_counter_above_zero = rule(
    "R701",
    section="2.2.1.1.1.6",
    quote=(
        "This element MUST be present if and only if the number of newly created "
        "connectors without attribute flow is greater than 0."
    ),
    on=tuple(f"outbound-flow-counters/{name}" for name in OUTBOUND_COUNTERS),
    summary="each outbound-flow-counters counter is present only when greater than zero",
    fix=("Leave out an outbound counter whose value is 0: only counters above zero are written."),
)(
    present_only_above_zero(
        "outbound counter <{tag}> is 0; a counter is omitted when its count is zero"
    )
)


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("R701", "outbound-counter-zero", **e.OUTBOUND)
def _outbound_zero(ch: e.Chooser, d: e.Draft) -> str:
    counter = e.one(e.step(d), "outbound-flow-counters").children[0]
    counter.text = "0"
    return e.at(d, counter)
