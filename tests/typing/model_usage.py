"""Code a user writes against the model; ``mypy --strict`` must accept it (test_model_typing)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

import runhistory
from runhistory import model
from runhistory.status import RUN_STATUS, StatusClass, StatusValue, classify


def slow_steps(path: str, limit: timedelta) -> list[tuple[int, int, timedelta]]:
    history: model.RunHistory = runhistory.load(path)
    out: list[tuple[int, int, timedelta]] = []
    for run in history.run_details:
        for step in run.step_details:
            took: timedelta = step.end_date - step.start_date
            if took > limit:
                out.append((run.run_number, step.step_number, took))
    return out


def failed_dns(history: model.RunHistory) -> set[str]:
    dns: set[str] = set()
    for run in history.run_details:
        for step in run.step_details:
            for error in step.synchronization_errors.export_error:
                if error.error_type is model.ExportErrorType.PERMISSION_ISSUE:
                    dns.add(error.dn)
                cd: model.ExportErrorCdError | None = error.cd_error
                if cd is not None and cd.server_error_detail is not None:
                    dns.add(cd.server_error_detail)
            for imp in step.synchronization_errors.import_error:
                info = imp.extension_error_info
                if (
                    info is not None
                    and info.extension_callsite is model.ExtensionCallsite.IMPORT_FLOW
                ):
                    dns.add(imp.dn)
    return dns


def staged(step: model.StepDetails) -> int:
    counters = step.staging_counters
    return counters.stage_add.value + counters.stage_update.value + counters.stage_delete.value


def worst(history: model.RunHistory) -> StatusClass | None:
    classes = [
        classify(step.step_result.value) for run in history.run_details for step in run.step_details
    ]
    return next((c for c in classes if c is not StatusClass.SUCCESS), None)


def renumber(history: model.RunHistory, ma: uuid.UUID, when: datetime) -> bytes:
    first = history.run_details[0]
    step = dataclasses.replace(first.step_details[0], start_date=when)
    run = dataclasses.replace(first, ma_id=ma, step_details=(step, *first.step_details[1:]))
    return runhistory.dumps(dataclasses.replace(history, run_details=(run,)))


def stopped_by_someone(step: model.StepDetails) -> bool:
    value = StatusValue(step.step_result.value)
    return value in RUN_STATUS and value is StatusValue.STOPPED_USER_TERMINATION_FROM_WMI_OR_UI


def build() -> model.CounterDetailTrue:
    return model.CounterDetailTrue(value=3)


def safely(data: bytes) -> model.RunHistory | None:
    try:
        return runhistory.loads(data, profile="strict")
    except runhistory.LoadError as err:
        print(err.findings[0].rule if err.findings else str(err))
        return None
