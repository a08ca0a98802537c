"""Section 2.2.1.1.1.3: ma-discovery-counters."""

from __future__ import annotations

from runhistory.rules._support import placed, unsigned
from runhistory.rules.engine import Context, Element, Hit, Hits, rule


@rule(
    "R410",
    section="2.2.1.1.1.3",
    quote=(
        "The ma-discovery-counters/filtered-deletions element is the number of deletions "
        "reported in delta import that do not apply to any object in connector space. "
        "This element MUST be present if and only if the value is greater than zero."
    ),
    on=("filtered-deletions", "filtered-objects"),
    summary="filtered-deletions and filtered-objects are present only when greater than zero",
)
def filtered_counters_above_zero(el: Element, ctx: Context) -> Hits:
    if not placed(el):
        return
    parent = el.getparent()
    if parent is not None and parent.tag == "ma-discovery-counters" and unsigned(el) == 0:
        yield Hit(el, f"<{el.tag}> is 0; the element is omitted when the count is zero")
