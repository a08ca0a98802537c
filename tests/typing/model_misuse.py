"""Mistakes ``mypy --strict`` must catch in code using the model (test_model_typing)."""

from __future__ import annotations

import runhistory
from runhistory import model
from runhistory.status import StatusValue


def mistakes(history: model.RunHistory) -> None:
    step = history.run_details[0].step_details[0]
    name: str = step.step_number  # MISUSE: an int is not a str
    counter: int = step.staging_counters.stage_add  # MISUSE: a class, not its value
    dn: str = step.synchronization_errors.export_error[0].cd_error.error_code  # MISUSE: optional
    model.CounterDetailTrue()  # MISUSE: value is required
    model.CounterDetailTrue(value=1, colour="red")  # MISUSE: no such field
    step.step_number = 2  # MISUSE: frozen
    runhistory.dumps(step)  # MISUSE: dumps takes the whole RunHistory
    status = StatusValue.FINISHED  # MISUSE: no such status
    print(name, counter, dn, status)
