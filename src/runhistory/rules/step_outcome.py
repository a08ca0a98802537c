"""Section 2.2.1.1.1: step-details, the step-result against what the step holds (its error
records and counters)."""

from __future__ import annotations

from runhistory.catalog import Kind
from runhistory.generator import edits as e
from runhistory.generator import values as gv
from runhistory.rules._support import count_in, unsigned
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, every, first, rule
from runhistory.rules.step import spec_result

# -- lint: the step-result against what the step holds ----------------------------------------


def _failures(el: Element) -> dict[str, int]:
    """Failure counters above zero (the counters are not inside records)."""
    out: dict[str, int] = {}
    for path in (
        "staging-counters/stage-failure",
        "inbound-flow-counters/flow-failure",
        "export-counters/export-failure",
    ):
        total = sum(v for c in every(el, path) if (v := unsigned(c)) is not None)
        if total:
            out[path.rsplit("/", 1)[1]] = total
    return out


def _errors(el: Element, ctx: RuleContext) -> dict[str, int]:
    counts = {
        "ma-object-error": count_in(el, ctx, "ma-discovery-errors", "ma-object-error"),
        "import-error": count_in(el, ctx, "synchronization-errors", "import-error"),
        "export-error": count_in(el, ctx, "synchronization-errors", "export-error"),
        "retry-error": count_in(el, ctx, "mv-retry-errors", "retry-error"),
    }
    return {k: v for k, v in counts.items() if v}


@rule(
    "L201",
    section="2.2.1.1.1",
    quote="success: The operation completed with no errors.",
    on="step-details",
    kind=Kind.LINT,
    summary="a step whose step-result is success holds no errors and no failure counts",
    fix=(
        "A step that reports success should hold no error records and no failure "
        "counts: check the step-result, or the records that contradict it."
    ),
)
def success_without_errors(el: Element, ctx: RuleContext) -> Hits:
    result = first(el, "step-result")
    if result is None or result.text != "success":
        return
    found = {**_errors(el, ctx), **_failures(el)}
    if found:
        listed = ", ".join(f"{n} {name}" for name, n in found.items())
        yield Hit(
            result,
            f"step-result is 'success' but the step reports {listed}; a step with errors "
            "ends as completed-discovery-errors, completed-sync-errors or "
            "completed-export-errors",
        )


# Step results whose definition (2.2.1.1.1) says errors of one kind occurred, and the record the
# spec says "MUST be present" for such an error: ma-object-error "if and only if any object
# error occurred during import" (2.2.1.1.1.2), export-error "if and only if an error that occurs
# exporting" (2.2.1.1.1.4).
PROMISED_RECORDS = {
    "completed-discovery-errors": ("ma-discovery-errors", "ma-object-error"),
    "completed-export-errors": ("synchronization-errors", "export-error"),
}


@rule(
    "R204",
    section="2.2.1.1.1",
    quote="completed-discovery-errors: The full import run step stopped because of discovery "
    "errors ... completed-export-errors: The run step completed with export errors.",
    on="step-details",
    summary="a completed-discovery-errors step has an ma-object-error, a completed-export-errors "
    "step an export-error",
    notes="An error, not a warning: the step-result states that such errors occurred, and "
    "2.2.1.1.1.2 ('An instance of this element MUST be present if and only if any object error "
    "occurred during import') and 2.2.1.1.1.4 (export-error 'MUST be present if and only if an "
    "error that occurs exporting a metaverse delta out to a data source') require their "
    "records: no fact outside the document is needed, the chain R301 reads for connections.  "
    "export-failure counters do not stand in for the records.  completed-sync-errors is not "
    "checked (its definition allows warnings, which the document does not record), nor the "
    "other results: none says which records its errors leave (stopped-error-limit: I204).  "
    "Replaces the lint L202.",
    fix=(
        "Add the error records the step-result speaks of (ma-object-error for "
        "completed-discovery-errors, export-error for completed-export-errors), "
        "or correct the step-result; a capture without them was cut or filtered."
    ),
)
def promised_records_present(el: Element, ctx: RuleContext) -> Hits:
    result = first(el, "step-result")
    value = None if result is None else (result.text or "").strip()
    if result is None or value not in PROMISED_RECORDS:
        return
    container, record = PROMISED_RECORDS[value]
    if not count_in(el, ctx, container, record):
        yield Hit(
            result,
            f"step-result is '{value}', so the step met such errors, but <{container}> has no "
            f"<{record}>; each error is listed as an <{record}> record",
        )


_RECORDS = (
    ("ma-discovery-errors", "ma-object-error"),
    ("synchronization-errors", "import-error"),
    ("synchronization-errors", "export-error"),
    ("mv-retry-errors", "retry-error"),
)


@rule(
    "I204",
    section="2.2.1.1.1",
    quote="stopped-error-limit: The run step stopped because the run profile encountered more "
    "than the configured maximum number of errors.",
    on="run-details",
    kind=Kind.INFERRED,
    summary="a run with a stopped-error-limit step lists at least one error record",
    notes="A warning: the run profile's errors may have been met in any of its steps and of any "
    "kind (ma-object-error, import-error, export-error, retry-error), each of which the spec "
    "lists as a record; a run with none of them cannot have reached an error limit.",
    fix=(
        "Look for the error records the step result speaks of (ma-object-error, "
        "import-error, export-error, retry-error); a capture that lost them was "
        "cut or filtered, so capture the run again."
    ),
)
def error_limit_with_errors(el: Element, ctx: RuleContext) -> Hits:
    steps = every(el, "step-details")
    stopped = [
        r
        for step in steps
        if (r := first(step, "step-result")) is not None
        and (r.text or "").strip() == "stopped-error-limit"
    ]
    if not stopped:
        return
    if any(count_in(step, ctx, box, rec) for step in steps for box, rec in _RECORDS):
        return
    yield Hit(
        stopped[0],
        "step-result is 'stopped-error-limit' (the run met more errors than its limit) but no "
        "step of the run lists an ma-object-error, import-error, export-error or retry-error",
    )


_STAGED = ("stage-add", "stage-update", "stage-rename", "stage-delete", "stage-delete-add")


@rule(
    "L203",
    section="2.2.1.1.1",
    quote="completed-no-objects: The full import run step found no objects to import.",
    on="step-details",
    kind=Kind.LINT,
    summary="a completed-no-objects step staged no objects",
    fix=(
        "A completed-no-objects step stages nothing: check the staging counters or the step-result."
    ),
)
def no_objects_staged_nothing(el: Element, ctx: RuleContext) -> Hits:
    result = first(el, "step-result")
    if result is None or result.text != "completed-no-objects":
        return
    staged = {name: v for name in _STAGED if (v := unsigned(first(el, f"staging-counters/{name}")))}
    if staged:
        listed = ", ".join(f"{name} {n}" for name, n in staged.items())
        yield Hit(
            result,
            f"step-result is 'completed-no-objects' (the import found no objects) but the "
            f"staging counters show {listed}",
        )


@rule(
    "L204",
    section="2.2.1.1.1",
    quote="The run step failed to start",
    on="step-details",
    kind=Kind.LINT,
    summary="a no-start-* step (it never started) records no errors and no staged objects",
    fix=(
        "A step that never started (no-start-*) records no errors and stages "
        "nothing: check the step-result or the records."
    ),
)
def no_start_did_nothing(el: Element, ctx: RuleContext) -> Hits:
    result = first(el, "step-result")
    value = None if result is None else spec_result(result)
    if result is None or value is None or not value.startswith("no-start-"):
        return
    staged = {name: v for name in _STAGED if (v := unsigned(first(el, f"staging-counters/{name}")))}
    found = {**_errors(el, ctx), **staged}
    if found:
        listed = ", ".join(
            f"{name} {n}" if name in staged else f"{n} {name}" for name, n in found.items()
        )
        yield Hit(
            result,
            f"step-result is '{result.text}' (the step did not start) but the step records "
            f"{listed}",
        )


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("L201", "success-with-errors", profile="product", first_result="success")
def _success_errors(ch: e.Chooser, d: e.Draft) -> str:
    # A retry-error: no counter counts those, so nothing but L201 notices it.
    step = e.step(d)
    record = e.Node("retry-error", {"mv-guid": gv.guid(ch), "displayname": gv.person(ch)})
    record.add("date-occurred", e.one(step, "start-date").text)
    record.add("error-type", ch.choice(("unexpected-error", "mv-constraint-violation")))
    record.add("algorithm-step", ch.choice(("join", "projection", "provisioning")))
    e.one(step, "mv-retry-errors").append(record)
    return e.at(d, e.one(step, "step-result"))


@e.breaks(
    "R204",
    "export-errors-without-export-error",
    first_kind="export",
    first_result="success",
    errors=(0, 0),
)
def _export_errors_result(ch: e.Chooser, d: e.Draft) -> str:
    result = e.one(e.step(d), "step-result")
    result.text = "completed-export-errors"
    return e.at(d, result)


@e.breaks("I204", "error-limit-without-errors", steps=(1, 1), errors=(0, 0), first_result="success")
def _error_limit_without_errors(ch: e.Chooser, d: e.Draft) -> str:
    result = e.one(e.step(d), "step-result")
    result.text = "stopped-error-limit"
    return e.at(d, result)


@e.breaks(
    "L203",
    "no-objects-but-staged",
    profile="product",
    first_kind="import",
    first_result="completed-no-objects",
)
def _no_objects_staged(ch: e.Chooser, d: e.Draft) -> str:
    step = e.step(d)
    name = ch.choice(("stage-add", "stage-update", "stage-delete"))
    e.one(step, f"staging-counters/{name}").text = str(ch.integer(1, 50))
    return e.at(d, e.one(step, "step-result"))


@e.breaks("L204", "no-start-but-staged", profile="product", first_result="no-start-ma")
def _no_start_staged(ch: e.Chooser, d: e.Draft) -> str:
    step = e.step(d)
    e.one(step, "staging-counters/stage-add").text = str(ch.integer(1, 50))
    return e.at(d, e.one(step, "step-result"))
