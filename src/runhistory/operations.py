"""A run as the Synchronization Service Manager's Operations pane shows it, as plain data.

:data:`LABELS` is the one table from counter elements to the groups and labels of the
Operations pane (docs/operations.md prints it); which counter elements exist comes from the
schema facts (:mod:`runhistory.schema_facts`), never from a list here.  :func:`run_data` gives
a run as plain data (what ``runhistory show --format json`` prints); ``show``'s text is
rendered from the same data, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from runhistory.model import (
    ConnectionResult,
    Incident,
    RunDetails,
    StepDetails,
    format_datetime,
    format_guid,
    text_of,
)
from runhistory.model._types import is_unknown, layout
from runhistory.model.summary import ErrorRow, step_error_rows, step_type
from runhistory.status import lookup

SHOW_JSON_VERSION = 1


class Group(StrEnum):
    """The groups of counters in the Operations pane's statistics, in the pane's order."""

    DISCOVERY = "Discovery"
    STAGING = "Staging"
    INBOUND = "Inbound Synchronization"
    OUTBOUND = "Outbound Synchronization"
    EXPORT = "Export"


CONTAINERS: dict[str, Group] = {
    "ma-discovery-counters": Group.DISCOVERY,
    "staging-counters": Group.STAGING,
    "inbound-flow-counters": Group.INBOUND,
    "outbound-flow-counters": Group.OUTBOUND,
    "export-counters": Group.EXPORT,
}
"""The step-details element that holds each group's counters."""


@dataclass(frozen=True, slots=True)
class Label:
    """How the Operations pane names one counter element.

    Where the pane adds several elements under one label (it shows Projections, the schema
    counts projections with and without attribute flow apart), ``part`` says which part this
    element is; it is empty when the element is the whole of its label.
    """

    container: str
    element: str
    label: str
    part: str = ""

    @property
    def group(self) -> Group:
        return CONTAINERS[self.container]

    @property
    def text(self) -> str:
        return f"{self.label} ({self.part})" if self.part else self.label


_WITH, _WITHOUT = "with flow updates", "without flow updates"
_KEPT, _REMOVED = "metaverse object kept", "metaverse object deleted"

LABELS: tuple[Label, ...] = (
    Label("ma-discovery-counters", "filtered-deletions", "Filtered Deletions"),
    Label("ma-discovery-counters", "filtered-objects", "Filtered Objects"),
    Label("staging-counters", "stage-no-change", "Unchanged"),
    Label("staging-counters", "stage-add", "Adds"),
    Label("staging-counters", "stage-update", "Updates"),
    Label("staging-counters", "stage-rename", "Renames"),
    Label("staging-counters", "stage-delete", "Deletes"),
    Label("staging-counters", "stage-delete-add", "Delete Adds"),
    Label("staging-counters", "stage-failure", "Failures"),
    Label("inbound-flow-counters", "disconnector-projected-flow", "Projections", _WITH),
    Label("inbound-flow-counters", "disconnector-projected-no-flow", "Projections", _WITHOUT),
    Label(
        "inbound-flow-counters",
        "disconnector-projected-remove-mv",
        "Projections",
        "then disconnected by provisioning",
    ),
    Label("inbound-flow-counters", "disconnector-joined-flow", "Joins", _WITH),
    Label("inbound-flow-counters", "disconnector-joined-no-flow", "Joins", _WITHOUT),
    Label(
        "inbound-flow-counters",
        "disconnector-joined-remove-mv",
        "Joins",
        "then removed by deprovisioning",
    ),
    Label("inbound-flow-counters", "disconnector-filtered", "Filtered Disconnectors"),
    Label("inbound-flow-counters", "disconnector-remains", "Disconnectors"),
    Label("inbound-flow-counters", "connector-flow", "Connectors with Flow Updates"),
    Label(
        "inbound-flow-counters",
        "connector-flow-remove-mv",
        "Connectors with Flow Updates",
        "metaverse object deleted by deprovisioning",
    ),
    Label("inbound-flow-counters", "connector-no-flow", "Connectors without Flow Updates"),
    Label("inbound-flow-counters", "connector-filtered-leave-mv", "Filtered Connectors", _KEPT),
    Label("inbound-flow-counters", "connector-filtered-remove-mv", "Filtered Connectors", _REMOVED),
    Label("inbound-flow-counters", "connector-delete-leave-mv", "Deleted Connectors", _KEPT),
    Label("inbound-flow-counters", "connector-delete-remove-mv", "Deleted Connectors", _REMOVED),
    Label("inbound-flow-counters", "connector-delete-add-processed", "Delete Adds Processed"),
    Label("inbound-flow-counters", "flow-failure", "Flow Errors"),
    Label("outbound-flow-counters", "connector-flow", "Export Attribute Flow"),
    Label(
        "outbound-flow-counters",
        "connector-no-flow",
        "Export Attribute Flow",
        "tried, nothing flowed",
    ),
    Label("outbound-flow-counters", "provisioned-add-flow", "Provisioning Adds", _WITH),
    Label("outbound-flow-counters", "provisioned-add-no-flow", "Provisioning Adds", _WITHOUT),
    Label("outbound-flow-counters", "provisioned-rename-flow", "Provisioning Renames", _WITH),
    Label("outbound-flow-counters", "provisioned-rename-no-flow", "Provisioning Renames", _WITHOUT),
    Label("outbound-flow-counters", "provisioned-disconnect", "Provisioning Disconnects"),
    Label(
        "outbound-flow-counters", "provisioned-delete-add-flow", "Provisioning Delete Adds", _WITH
    ),
    Label(
        "outbound-flow-counters",
        "provisioned-delete-add-no-flow",
        "Provisioning Delete Adds",
        _WITHOUT,
    ),
    Label("export-counters", "export-add", "Adds"),
    Label("export-counters", "export-update", "Updates"),
    Label("export-counters", "export-rename", "Renames"),
    Label("export-counters", "export-delete", "Deletes"),
    Label("export-counters", "export-delete-add", "Delete Adds"),
    Label("export-counters", "export-failure", "Failures"),
)
"""Every counter element's group and label in the Operations pane, in the pane's order."""

BY_ELEMENT: dict[tuple[str, str], Label] = {(x.container, x.element): x for x in LABELS}


@dataclass(frozen=True, slots=True)
class Slot:
    """One counter element as the model holds it: its container and the field to read."""

    container: str
    container_field: str
    element: str
    field: str


@cache
def counter_slots() -> tuple[Slot, ...]:
    """Every counter element in schema order: the schema facts' children of each container, and
    the outbound counters only product output has; each with the model field that holds it."""
    from runhistory import schema_facts as facts
    from runhistory.rules.product import FIM_OUTBOUND_COUNTERS

    holders = {s.xml: s for s in layout(StepDetails).elements}
    out: list[Slot] = []
    for name in CONTAINERS:
        holder = holders[name]
        fields = {s.xml: s.py for s in layout(holder.type).elements}
        extra = FIM_OUTBOUND_COUNTERS if name == "outbound-flow-counters" else ()
        out += [Slot(name, holder.py, e, fields[e]) for e in (*facts.children(name), *extra)]
    return tuple(out)


def _value(container: Any, field: str) -> int:
    found = getattr(container, field)
    if found is None:
        return 0
    return found if isinstance(found, int) else int(found.value)


def _counters(container: Any, name: str, all_counters: bool) -> dict[str, int]:
    """The counters of one container, by element name, in the pane's order."""
    slots = {s.element: s for s in counter_slots() if s.container == name}
    values = {}
    for label in LABELS:
        if label.container != name or label.element not in slots:
            continue
        value = _value(container, slots[label.element].field)
        if value or all_counters:
            values[label.element] = value
    return values


def counter_groups(step: StepDetails, all_counters: bool = False) -> list[dict[str, Any]]:
    """The step's counters group by group; outbound counters once per target agent.

    Each group is ``{"group", "container", "counters": {element: value}}`` (outbound groups also
    ``ma`` and ``ma_id``); zero counters and groups left empty are dropped unless
    ``all_counters``."""
    groups: list[dict[str, Any]] = []
    for name, group in CONTAINERS.items():
        field = next(s.container_field for s in counter_slots() if s.container == name)
        held = getattr(step, field)
        for item in held if isinstance(held, tuple) else (held,):
            counters = _counters(item, name, all_counters)
            if not counters and not all_counters:
                continue
            entry: dict[str, Any] = {"group": str(group), "container": name}
            if group is Group.OUTBOUND:
                entry["ma"] = item.ma
                entry["ma_id"] = text_of(item, "ma_id")
            entry["counters"] = counters
            groups.append(entry)
    return groups


def _enum_data(value: Any) -> dict[str, Any]:
    return {"value": str(value.value), "known": not is_unknown(value)}


def result_data(step: StepDetails) -> dict[str, Any]:
    """The step result, whether the spec knows it, what it means (section 3.2.5), what to do."""
    result = step.step_result
    status = lookup(str(result.value.value))
    return {
        **_enum_data(result.value),
        "class": None if status is None else str(status.status_class),
        "meaning": None if status is None else status.meaning,
        "advice": None if status is None else status.advice,
        "file": result.file,
        "progress": result.progress,
    }


def incident_data(incident: Incident) -> dict[str, Any]:
    cd = incident.cd_error
    return {
        "date": text_of(incident, "date"),
        "server": incident.server,
        "connection_result": str(incident.connection_result.value),
        "known": not is_unknown(incident.connection_result),
        "error_code": None if cd is None else cd.error_code,
        "error_literal": None if cd is None else cd.error_literal,
        "server_error_detail": None if cd is None else cd.server_error_detail,
    }


def connection_data(step: StepDetails) -> dict[str, Any]:
    conn = step.ma_connection
    result: ConnectionResult | None = conn.connection_result
    log = conn.connection_log
    return {
        "connection_result": None if result is None else str(result.value),
        "server": conn.server,
        "incidents": [] if log is None else [incident_data(i) for i in log.incident],
    }


def error_data(row: ErrorRow) -> dict[str, Any]:
    return {f: getattr(row, f) for f in ErrorRow.FIELDS if f not in ("file", "ma", "run", "step")}


def step_data(
    run: RunDetails, step: StepDetails, file: str, all_counters: bool = False
) -> dict[str, Any]:
    return {
        "step_number": step.step_number,
        "step_id": text_of(step, "step_id"),
        "step_type": step_type(step),
        "start_date": text_of(step, "start_date"),
        "end_date": text_of(step, "end_date"),
        "result": result_data(step),
        "connection": connection_data(step),
        "counters": counter_groups(step, all_counters),
        "errors": [error_data(r) for r in step_error_rows(file, run, step)],
    }


def run_data(run: RunDetails, file: str, all_counters: bool = False) -> dict[str, Any]:
    """A run as plain data: its header, then each step (see docs/operations.md)."""
    steps = run.step_details
    return {
        "ma_id": text_of(run, "ma_id") or format_guid(run.ma_id),
        "ma_name": run.ma_name,
        "run_number": run.run_number,
        "run_profile_name": run.run_profile_name,
        "security_id": run.security_id,
        "start_date": format_datetime(min(s.start_date for s in steps)),
        "end_date": format_datetime(max(s.end_date for s in steps)),
        "steps": [step_data(run, s, file, all_counters) for s in steps],
    }
