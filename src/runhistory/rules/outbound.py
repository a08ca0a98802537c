"""Section 2.2.1.1.1.6: outbound-flow-counters."""

from __future__ import annotations

from runhistory.rules._support import placed, unsigned
from runhistory.rules.engine import Context, Element, Hit, Hits, rule

# The counters of outbound-flow-countersType (connector-flow and connector-no-flow are also
# inbound-flow-counters children, where zero is expected: the parent decides).
OUTBOUND_COUNTERS = (
    "provisioned-add-no-flow",
    "provisioned-add-flow",
    "provisioned-rename-no-flow",
    "provisioned-rename-flow",
    "provisioned-disconnect",
    "connector-flow",
    "connector-no-flow",
)


@rule(
    "R701",
    section="2.2.1.1.1.6",
    quote=(
        "This element MUST be present if and only if the number of newly created "
        "connectors without attribute flow is greater than 0."
    ),
    on=OUTBOUND_COUNTERS,
    summary="each outbound-flow-counters counter is present only when greater than zero",
)
def outbound_counter_above_zero(el: Element, ctx: Context) -> Hits:
    if not placed(el):
        return
    parent = el.getparent()
    if parent is not None and parent.tag == "outbound-flow-counters" and unsigned(el) == 0:
        yield Hit(
            el,
            f"outbound counter <{el.tag}> is 0; a counter is omitted when its count is zero",
        )
