"""Section 2.2.1.1.1: step-details."""

from __future__ import annotations

import re
from datetime import timedelta

from runhistory.catalog import Kind
from runhistory.generator import edits as e
from runhistory.generator import values as gv
from runhistory.rules._support import (
    NUMBER_MAX,
    date_time,
    one_of,
    step_results,
    unsigned,
)
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, first, rule, text
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


def spec_result(el: Element) -> str | None:
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
def progress_only_while_completing(el: Element, ctx: RuleContext) -> Hits:
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
def file_only_for_file_results(el: Element, ctx: RuleContext) -> Hits:
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
def export_step_counters_are_zero(el: Element, ctx: RuleContext) -> Hits:
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
def start_not_after_end(el: Element, ctx: RuleContext) -> Hits:
    start, end = first(el, "start-date"), first(el, "end-date")
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
def progress_within_total(el: Element, ctx: RuleContext) -> Hits:
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
def progress_has_both_numbers(el: Element, ctx: RuleContext) -> Hits:
    m = _PROGRESS.fullmatch(el.get("progress") or "")
    if m and not (m["x"] and m["y"]):
        yield Hit(
            el,
            f"progress '{m[0]}' lacks a number; expected x/y, the objects processed and the "
            "objects to process, like 3/10",
            attribute="progress",
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
