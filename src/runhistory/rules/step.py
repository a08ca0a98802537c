"""Section 2.2.1.1.1: step-details."""

from __future__ import annotations

import re
from datetime import timedelta

from runhistory.catalog import Kind
from runhistory.generator import edits as e
from runhistory.generator import values as gv
from runhistory.rules._support import (
    NUMBER_MAX,
    count_in,
    date_time,
    one_of,
    step_results,
    unsigned,
)
from runhistory.rules.engine import Context, Element, Hit, Hits, rule, text
from runhistory.rules.product import FIM_STEP_RESULTS, PROFILE

# The step results that may carry @progress (2.2.1.1.1).
PROGRESS_RESULTS = (
    "completing-referential-updates",
    "completing-obsoletion",
    "completing-recomputation",
)

# The seventeen step results that may carry @file (2.2.1.1.1).  Not in the list, although
# their siblings are: stopped-extension-dll-not-configured-for-ma and -for-mv.
FILE_RESULTS = frozenset(
    {
        "completed-no-objects",
        "no-start-file-access-denied",
        "no-start-file-not-found",
        "no-start-file-open",
        "no-start-file-sharing-violation",
        "stopped-extension-dll-access",
        "stopped-extension-dll-ambiguous",
        "stopped-extension-dll-exception",
        "stopped-extension-dll-file-not-found",
        "stopped-extension-dll-instantiation",
        "stopped-extension-dll-invalid-assembly",
        "stopped-extension-dll-load",
        "stopped-extension-dll-missing-dependency",
        "stopped-extension-dll-no-implementation",
        "stopped-extension-dll-updated-version",
        "stopped-file-embedded-nulls",
        "stopped-disk-full",
    }
)


def _spec_result(el: Element) -> str | None:
    """The step-result value when the spec knows it (the XSD, or a P code, reports others)."""
    value = el.text or ""
    return value if value in step_results() else None


def _any_result(el: Element) -> str:
    """The step-result value, blanks around it ignored: whether the spec knows it or not (the
    XSD's S103), it is in a rule's list of results or it is not."""
    return (el.text or "").strip()


@rule(
    "R201",
    section="2.2.1.1.1",
    quote=(
        "This attribute MUST NOT be present unless the "
        "run-details/step-details/step-result is one of the following: "
        "completing-referential-updates completing-obsoletion completing-recomputation"
    ),
    on="step-result",
    summary="step-result/@progress only with completing-referential-updates, "
    "completing-obsoletion or completing-recomputation",
    notes="A step-result outside the enumeration is not one of the three either: S103 and this.",
    fix=(
        "Remove @progress from the step-result, or correct the step-result: only "
        "the three completing-* results carry it."
    ),
)
def progress_only_while_completing(el: Element, ctx: Context) -> Hits:
    value = _any_result(el)
    if el.get("progress") is not None and value not in PROGRESS_RESULTS:
        yield Hit(
            el,
            f"<step-result> '{value}' has a progress attribute; progress is only reported with "
            f"the step results {one_of(PROGRESS_RESULTS)}",
            attribute="progress",
        )


@rule(
    "R202",
    section="2.2.1.1.1",
    quote=(
        "The run-details/step-details/step-result/@file attribute ... MUST NOT be present "
        "unless the run-history/run-details/step-details/step-result is one of the "
        "following:"
    ),
    on="step-result",
    summary="step-result/@file only with the seventeen file-related step results listed in the "
    "spec",
    notes="stopped-extension-dll-not-configured-for-ma and -for-mv are not in the spec's list.  A "
    "step-result outside the enumeration is not in the list either (S103 and this); under the "
    "product profile the FIM-era results it accepts (P005) may name their file.",
    fix=(
        "Remove @file from the step-result, or correct the step-result: only the "
        "file-related results the spec lists carry it."
    ),
)
def file_only_for_file_results(el: Element, ctx: Context) -> Hits:
    value = _any_result(el)
    if ctx.profile == PROFILE and value in FIM_STEP_RESULTS:
        return  # the FIM-era results the product profile accepts are about the input file
    if el.get("file") is not None and value not in FILE_RESULTS:
        yield Hit(
            el,
            f"<step-result> '{value}' has a file attribute; file is only reported with "
            "completed-no-objects, the no-start-file-* results, stopped-file-embedded-nulls, "
            "stopped-disk-full and the stopped-extension-dll-* results other than "
            "not-configured-for-ma and not-configured-for-mv",
            attribute="file",
        )


@rule(
    "R203",
    section="2.2.1.1.1",
    quote="The run-details/step-details/current-export-step-counter element MUST be 0.",
    on=("current-export-step-counter", "last-successful-export-step-counter"),
    summary="current-export-step-counter and last-successful-export-step-counter are 0",
    fix=(
        "Write 0 in current-export-step-counter and "
        "last-successful-export-step-counter: the spec fixes both at 0."
    ),
)
def export_step_counters_are_zero(el: Element, ctx: Context) -> Hits:
    value = unsigned(el, NUMBER_MAX)
    if value is not None and value != 0:
        yield Hit(el, f"<{el.tag}> is {value}; the spec requires 0")


@rule(
    "I201",
    section="2.2.1.1.1",
    quote=(
        "The run-details/step-details/start-date element contains the date and time at "
        "which the step began."
    ),
    on="step-details",
    kind=Kind.INFERRED,
    summary="a step's start-date is not after its end-date",
    fix=(
        "Check the clock of the synchronization server and the step dates: a step"
        " ends after it starts. A document edited by hand or converted may have "
        "swapped the two."
    ),
)
def start_not_after_end(el: Element, ctx: Context) -> Hits:
    start, end = el.find("start-date"), el.find("end-date")
    begun, ended = date_time(start), date_time(end)
    if begun is not None and ended is not None and begun > ended and end is not None:
        yield Hit(
            end,
            f"<end-date> {text(end)} is before <start-date> {text(start)}; a step ends after "
            "it starts",
        )


_PROGRESS = re.compile(r"(?P<x>[0-9]*)/(?P<y>[0-9]*)")


@rule(
    "I202",
    section="2.2.1.1.1",
    quote=(
        'in the form "x/y" where x is the number of objects processed and y is the total '
        "number of items to be processed."
    ),
    on="step-result",
    kind=Kind.INFERRED,
    summary="step-result/@progress x/y has x <= y (processed out of total)",
    fix=(
        "Correct @progress so that the first number (processed) is not above the "
        "second (total); in a capture this points to a document edited after it "
        "was saved."
    ),
)
def progress_within_total(el: Element, ctx: Context) -> Hits:
    m = _PROGRESS.fullmatch(el.get("progress") or "")
    if m and m["x"] and m["y"] and int(m["x"]) > int(m["y"]):
        yield Hit(
            el,
            f"progress '{m[0]}' reports more objects processed ({int(m['x'])}) than there are "
            f"to process ({int(m['y'])}); expected x/y with x at most y",
            attribute="progress",
        )


@rule(
    "I203",
    section="2.2.1.1.1",
    quote=(
        'in the form "x/y" where x is the number of objects processed and y is the total '
        "number of items to be processed."
    ),
    on="step-result",
    kind=Kind.INFERRED,
    summary="step-result/@progress has both numbers of x/y (the XSD pattern accepts '/' alone)",
    fix=(
        "Write both numbers of @progress (processed/total, such as 12/40), or "
        "leave the attribute out."
    ),
)
def progress_has_both_numbers(el: Element, ctx: Context) -> Hits:
    m = _PROGRESS.fullmatch(el.get("progress") or "")
    if m and not (m["x"] and m["y"]):
        yield Hit(
            el,
            f"progress '{m[0]}' lacks a number; expected x/y, the objects processed and the "
            "objects to process, like 3/10",
            attribute="progress",
        )


# -- lint: the step-result against what the step holds ----------------------------------------


def _failures(el: Element) -> dict[str, int]:
    """Failure counters above zero (the counters are not inside records)."""
    out: dict[str, int] = {}
    for path in (
        "staging-counters/stage-failure",
        "inbound-flow-counters/flow-failure",
        "export-counters/export-failure",
    ):
        total = sum(v for c in el.findall(path) if (v := unsigned(c)) is not None)
        if total:
            out[path.rsplit("/", 1)[1]] = total
    return out


def _errors(el: Element, ctx: Context) -> dict[str, int]:
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
def success_without_errors(el: Element, ctx: Context) -> Hits:
    result = el.find("step-result")
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
def promised_records_present(el: Element, ctx: Context) -> Hits:
    result = el.find("step-result")
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
def error_limit_with_errors(el: Element, ctx: Context) -> Hits:
    steps = el.findall("step-details")
    stopped = [
        r
        for step in steps
        if (r := step.find("step-result")) is not None
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
def no_objects_staged_nothing(el: Element, ctx: Context) -> Hits:
    result = el.find("step-result")
    if result is None or result.text != "completed-no-objects":
        return
    staged = {name: v for name in _STAGED if (v := unsigned(el.find(f"staging-counters/{name}")))}
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
def no_start_did_nothing(el: Element, ctx: Context) -> Hits:
    result = el.find("step-result")
    value = None if result is None else _spec_result(result)
    if result is None or value is None or not value.startswith("no-start-"):
        return
    staged = {name: v for name in _STAGED if (v := unsigned(el.find(f"staging-counters/{name}")))}
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


@e.breaks("R201", "progress-on-success", first_result="success")
def _progress(ch: e.Chooser, d: e.Draft) -> str:
    result = e.one(e.step(d), "step-result")
    result.attrs["progress"] = "3/10"
    return e.at(d, result, "progress")


@e.breaks("R202", "file-on-success", first_result="success")
def _file(ch: e.Chooser, d: e.Draft) -> str:
    result = e.one(e.step(d), "step-result")
    result.attrs["file"] = ch.choice(gv.FILES)
    return e.at(d, result, "file")


@e.breaks("R203", "export-step-counter-not-zero")
def _export_counter(ch: e.Chooser, d: e.Draft) -> str:
    name = ch.choice(("current-export-step-counter", "last-successful-export-step-counter"))
    counter = e.one(e.step(d), name)
    counter.text = str(ch.integer(1, 40))
    return e.at(d, counter)


@e.breaks("I201", "ends-before-it-starts")
def _ends_early(ch: e.Chooser, d: e.Draft) -> str:
    step = e.step(d)
    start, end = e.one(step, "start-date"), e.one(step, "end-date")
    end.text = gv.when(e.parse(start.text or "") - timedelta(seconds=ch.integer(1, 7200)))
    return e.at(d, end)


@e.breaks("I202", "progress-over-total", first_result="completing-obsoletion")
def _progress_over(ch: e.Chooser, d: e.Draft) -> str:
    result = e.one(e.step(d), "step-result")
    total = ch.integer(0, 500)
    result.attrs["progress"] = f"{total + ch.integer(1, 50)}/{total}"
    return e.at(d, result, "progress")


@e.breaks("I203", "progress-half-missing", first_result="completing-recomputation")
def _progress_half(ch: e.Chooser, d: e.Draft) -> str:
    result = e.one(e.step(d), "step-result")
    result.attrs["progress"] = ch.choice(("/10", "7/", "/"))
    return e.at(d, result, "progress")


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
