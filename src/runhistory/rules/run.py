"""Section 2.2.1.1: run-history and run-details."""

from __future__ import annotations

from runhistory.generator import edits as e
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, every, rule, text


@rule(
    "R110",
    section="2.2.1.1",
    quote=(
        "The run-history/run-details/run-number element contains the sequence number of "
        "the run, starting with run-number = 1."
    ),
    on="run-number",
    summary="run-number starts at 1 (0 is not a run number)",
    fix="Number runs from 1: run-number 0 is not a run.",
)
def run_number_starts_at_one(el: Element, ctx: RuleContext) -> Hits:
    if text(el).isdigit() and int(text(el)) == 0:
        yield Hit(el, "run-number is 0; run numbers start at 1")


@rule(
    "R111",
    section="2.2.1.1.1",
    quote=(
        "The run-details/step-details/@step-number attribute is the run profile step "
        "number starting at 1."
    ),
    on="run-details",
    summary="step-number values are 1..N and unique within a run (any order)",
    notes="Numbering from 1 is 2.2.1.1.1's sentence; 1..N and unique follow from 2.2.1.1's "
    "'A step-details element MUST be present for each step in the run profile': one "
    "step-details per step, each step its own number.",
    fix="Give the steps of a run the numbers 1 to N, each once.",
)
def step_numbers_one_to_n(el: Element, ctx: RuleContext) -> Hits:
    steps = every(el, "step-details")
    seen: dict[int, Element] = {}
    for step in steps:
        raw = (step.get("step-number") or "").strip()
        if not raw.isdigit():
            continue  # the XSD reports a malformed or missing step-number
        n = int(raw)
        if n in seen:
            yield Hit(
                step,
                f"step-number {n} is used by more than one step-details "
                f"(also at line {seen[n].sourceline}); each step has its own number",
                attribute="step-number",
            )
        elif not 1 <= n <= len(steps):
            yield Hit(
                step,
                f"step-number {n} is outside 1..{len(steps)}; a run with {len(steps)} steps "
                f"numbers them 1 to {len(steps)}",
                attribute="step-number",
            )
        seen.setdefault(n, step)


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("R110", "run-number-zero")
def _run_zero(ch: e.Chooser, d: e.Draft) -> str:
    number = e.one(d.root, "run-details/run-number")
    number.text = "0"
    for record in d.root.iter():  # a run numbered 0 has no previous run to retry from
        if record.tag == "retry-count":
            record.text = "0"
    _sync_first_occurred(d)
    return e.at(d, number)


def _sync_first_occurred(d: e.Draft) -> None:
    for record in d.root.iter():
        if record.tag in ("import-error", "export-error"):
            first, happened = record.find("first-occurred"), record.find("date-occurred")
            if first is not None and happened is not None:
                first.text = happened.text


@e.breaks("R111", "step-number-out-of-range")
def _step_number(ch: e.Chooser, d: e.Draft) -> str:
    steps = d.root.all(e.STEP)
    step = steps[0]
    step.attrs["step-number"] = str(len(steps) + ch.integer(1, 3))
    return e.at(d, step, "step-number")
