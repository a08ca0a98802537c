"""Summaries of a run for people: step rows with key counters, and one row per error.

Used by ``runhistory show`` and ``runhistory errors``; plain functions over the model, so they are
as useful from Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from runhistory.model import (
    ExportError,
    ImportError,
    MaObjectError,
    RetryError,
    RunDetails,
    RunHistory,
    StepDetails,
    format_datetime,
    text_of,
)


def step_type(step: StepDetails) -> str | None:
    """The step type from step-description (``<step-type type="delta-import">``), if present."""
    return step.step_description.find_attribute("step-type", "type")


@dataclass(frozen=True, slots=True)
class StepRow:
    """A step at a glance.

    ``adds``, ``updates`` and ``deletes`` add the staging counters (what an import staged) and the
    export counters (what an export sent): adds are stage-add and export-add; updates are
    stage-update, stage-rename, export-update and export-rename; deletes are stage-delete,
    stage-delete-add, export-delete and export-delete-add.  ``failures`` adds stage-failure,
    export-failure and every flow-failure; ``errors`` counts the step's discovery, import, export
    and retry errors.
    """

    number: int
    type: str | None
    result: str
    start: str
    duration: timedelta
    adds: int
    updates: int
    deletes: int
    failures: int
    errors: int


def step_row(step: StepDetails) -> StepRow:
    st, ex = step.staging_counters, step.export_counters
    sync = step.synchronization_errors
    errors = (
        len(step.ma_discovery_errors.ma_object_error)
        + len(sync.import_error)
        + len(sync.export_error)
        + len(step.mv_retry_errors.retry_error)
    )
    return StepRow(
        number=step.step_number,
        type=step_type(step),
        result=str(step.step_result.value),
        start=text_of(step, "start_date") or format_datetime(step.start_date),
        duration=step.end_date - step.start_date,
        adds=st.stage_add.value + ex.export_add.value,
        updates=st.stage_update.value
        + st.stage_rename.value
        + ex.export_update.value
        + ex.export_rename.value,
        deletes=st.stage_delete.value
        + st.stage_delete_add.value
        + ex.export_delete.value
        + ex.export_delete_add.value,
        failures=st.stage_failure.value
        + ex.export_failure.value
        + sum(c.flow_failure.value for c in step.inbound_flow_counters),
        errors=errors,
    )


@dataclass(frozen=True, slots=True)
class ErrorRow:
    """One error of a run, whatever its kind (``discovery``, ``import``, ``export``, ``retry``).

    Fields a kind does not have are None: discovery errors have no dates, algorithm step or retry
    count; retry errors have no dn (they name a metaverse object) and no cd-error; import errors
    have no cd-error.
    """

    run: int
    step: int
    kind: str
    dn: str | None
    error_type: str
    algorithm_step: str | None
    first_occurred: str | None
    date_occurred: str | None
    retry_count: int | None
    error_code: str | None
    error_literal: str | None

    FIELDS = (
        "run",
        "step",
        "kind",
        "dn",
        "error_type",
        "algorithm_step",
        "first_occurred",
        "date_occurred",
        "retry_count",
        "error_code",
        "error_literal",
    )


def _discovery(run: int, step: int, e: MaObjectError) -> ErrorRow:
    cd = e.cd_error
    return ErrorRow(
        run,
        step,
        "discovery",
        e.dn,
        str(e.error_type.value),
        None,
        None,
        None,
        None,
        None if cd is None else cd.error_code,
        None if cd is None else cd.error_literal,
    )


def _import(run: int, step: int, e: ImportError) -> ErrorRow:
    return ErrorRow(
        run,
        step,
        "import",
        e.dn,
        str(e.error_type.value),
        str(e.algorithm_step.value.value),
        text_of(e, "first_occurred"),
        text_of(e, "date_occurred"),
        e.retry_count,
        None,
        None,
    )


def _export(run: int, step: int, e: ExportError) -> ErrorRow:
    cd = e.cd_error
    return ErrorRow(
        run,
        step,
        "export",
        e.dn,
        str(e.error_type.value),
        None,
        text_of(e, "first_occurred"),
        text_of(e, "date_occurred"),
        e.retry_count,
        None if cd is None else cd.error_code,
        None if cd is None else cd.error_literal,
    )


def _retry(run: int, step: int, e: RetryError) -> ErrorRow:
    return ErrorRow(
        run,
        step,
        "retry",
        None,
        str(e.error_type.value),
        str(e.algorithm_step.value.value),
        None,
        text_of(e, "date_occurred"),
        None,
        None,
        None,
    )


def error_rows(history: RunHistory) -> Iterator[ErrorRow]:
    """Every error of every run, step by step in document order, by kind within a step."""
    for run in history.run_details:
        yield from run_error_rows(run)


def run_error_rows(run: RunDetails) -> Iterator[ErrorRow]:
    number = run.run_number
    for step in run.step_details:
        n = step.step_number
        for d in step.ma_discovery_errors.ma_object_error:
            yield _discovery(number, n, d)
        for i in step.synchronization_errors.import_error:
            yield _import(number, n, i)
        for x in step.synchronization_errors.export_error:
            yield _export(number, n, x)
        for r in step.mv_retry_errors.retry_error:
            yield _retry(number, n, r)


def errors_by_type(run: RunDetails) -> list[tuple[str, str, int]]:
    """(kind, error type, count) for a run, most frequent first, then by kind and type."""
    counts = Counter((row.kind, row.error_type) for row in run_error_rows(run))
    return sorted(((k, t, c) for (k, t), c in counts.items()), key=lambda x: (-x[2], x[0], x[1]))
