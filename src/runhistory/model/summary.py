"""One row per error a run records, whatever its kind (``runhistory errors``, and the errors
of each step in ``runhistory show``), and a step at a glance with its key staging and export
counters (``runhistory report``); plain functions over the model, as useful from Python.

The Operations-pane view of a step, with every counter labelled, is :mod:`runhistory.operations`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from runhistory.model import (
    ConnectionResult,
    ExportError,
    ExportErrorCdError,
    ExtensionErrorInfo,
    ImportError,
    Incident,
    IncidentCdError,
    MaObjectError,
    MaObjectErrorCdError,
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
    """One error a document records, whatever its kind.

    ``kind`` is ``connection`` (an incident of the connection log that failed or carries a
    cd-error), ``discovery`` (ma-object-error), ``import``, ``export`` or ``retry``.  Fields a kind
    does not have are None: only import and export errors have both dates and a retry count;
    retry errors name a metaverse object, not a dn; only connection, discovery and export errors
    can carry a cd-error code.  ``detail`` says the rest in words: the server of an incident, the
    error literal and server-error-detail of a cd-error, the extension of a
    synchronization error, the displayname of a retried metaverse object.
    """

    file: str
    ma: str
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
    detail: str

    FIELDS = (
        "file",
        "ma",
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
        "detail",
    )


_QUIET = frozenset({ConnectionResult.SUCCESS, ConnectionResult.WARNING_NO_WATERMARK})


def _join(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)


def _cd(cd: IncidentCdError | MaObjectErrorCdError | ExportErrorCdError | None) -> str:
    if cd is None:
        return ""
    extra = f"server-error-detail: {cd.server_error_detail}" if cd.server_error_detail else ""
    return _join(cd.error_literal, extra)


def _extension(info: ExtensionErrorInfo | None) -> str:
    if info is None:
        return ""
    return f"extension {info.extension_name} at {info.extension_callsite.value}"


class _Where:
    """What every row of one step shares."""

    def __init__(self, file: str, run: RunDetails, step: StepDetails) -> None:
        self.head = (file, run.ma_name, run.run_number, step.step_number)

    def connection(self, i: Incident) -> ErrorRow:
        cd = i.cd_error
        code = None if cd is None else cd.error_code
        detail = _join(f"server {i.server}", _cd(cd))
        date = text_of(i, "date")
        result = str(i.connection_result.value)
        return ErrorRow(
            *self.head,
            kind="connection",
            dn=None,
            error_type=result,
            algorithm_step=None,
            first_occurred=None,
            date_occurred=date,
            retry_count=None,
            error_code=code,
            detail=detail,
        )

    def discovery(self, e: MaObjectError) -> ErrorRow:
        cd = e.cd_error
        where = ", ".join(
            f"{name} {value}"
            for name, value in (
                ("entry", e.entry_number),
                ("line", e.line_number),
                ("column", e.column_number),
            )
            if value is not None
        )
        attribute = f"attribute {e.attribute_name}" if e.attribute_name else ""
        detail = _join(_cd(cd), attribute, where)
        code = None if cd is None else cd.error_code
        kind = str(e.error_type.value)
        return ErrorRow(*self.head, "discovery", e.dn, kind, None, None, None, None, code, detail)

    def import_(self, e: ImportError) -> ErrorRow:
        algorithm = str(e.algorithm_step.value.value)
        return ErrorRow(
            *self.head,
            "import",
            e.dn,
            str(e.error_type.value),
            algorithm,
            text_of(e, "first_occurred"),
            text_of(e, "date_occurred"),
            e.retry_count,
            None,
            _extension(e.extension_error_info),
        )

    def export(self, e: ExportError) -> ErrorRow:
        cd = e.cd_error
        return ErrorRow(
            *self.head,
            "export",
            e.dn,
            str(e.error_type.value),
            None,
            text_of(e, "first_occurred"),
            text_of(e, "date_occurred"),
            e.retry_count,
            None if cd is None else cd.error_code,
            _cd(cd),
        )

    def retry(self, e: RetryError) -> ErrorRow:
        algorithm = str(e.algorithm_step.value.value)
        detail = _join(
            f"metaverse object {e.displayname} {text_of(e, 'mv_guid')}",
            _extension(e.extension_error_info),
        )
        date = text_of(e, "date_occurred")
        kind = str(e.error_type.value)
        return ErrorRow(*self.head, "retry", None, kind, algorithm, None, date, None, None, detail)


def step_error_rows(file: str, run: RunDetails, step: StepDetails) -> Iterator[ErrorRow]:
    """Every error of one step: failed connection incidents, then discovery, import, export and
    retry errors, each in document order."""
    where = _Where(file, run, step)
    log = step.ma_connection.connection_log
    for incident in () if log is None else log.incident:
        if incident.cd_error is not None or incident.connection_result not in _QUIET:
            yield where.connection(incident)
    yield from map(where.discovery, step.ma_discovery_errors.ma_object_error)
    yield from map(where.import_, step.synchronization_errors.import_error)
    yield from map(where.export, step.synchronization_errors.export_error)
    yield from map(where.retry, step.mv_retry_errors.retry_error)


def error_rows(history: RunHistory, file: str = "") -> Iterator[ErrorRow]:
    """Every error of every run, step by step in document order, by kind within a step."""
    for run in history.run_details:
        yield from run_error_rows(run, file)


def run_error_rows(run: RunDetails, file: str = "") -> Iterator[ErrorRow]:
    for step in run.step_details:
        yield from step_error_rows(file, run, step)
