"""An archive's runs grouped by management agent, with the life of each error.

Runs of one agent (same ma-id) are ordered by run number.  An error is one identity (record,
object, error-type: see :class:`~runhistory.archive.runs.ErrorSeen`) followed from run to run:
when first and last met, on how many runs, its first-occurred and latest retry-count, and the
run that resolved it: the first later run that completed (it did not stop or fail to start)
with a step of the stage that records such errors (an import for ma-object-errors, a
synchronization for import-errors and retry-errors, an export for export-errors) and did not
record it.  An error met again after that is open again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from runhistory.archive.runs import Archive, ErrorSeen, RunRow, run_errors, run_row

Key = tuple[str, str, str]
# The stage of a step type, and the stage whose steps record each kind of error.
_STAGE = {"full-import": "import", "delta-import": "import", "apply-rules": "sync"}
_MET_BY = {"discovery": "import", "import": "sync", "retry": "sync", "export": "export"}


@dataclass(slots=True)
class Persisting:
    """The life of one error across the runs of an agent."""

    key: Key
    kind: str
    error_type: str
    object: str
    dn: str | None
    first_occurred: str | None
    retry_count: int | None
    first_run: int
    last_run: int
    runs: int = 1
    resolved_by: int | None = None

    def sort_key(self) -> tuple[int, str, int, Key]:
        return (-self.runs, self.first_occurred or "~", self.first_run, self.key)


@dataclass(slots=True)
class Agent:
    ma_id: str
    name: str
    anchor: str  # the id of its section in the page
    rows: list[RunRow] = field(default_factory=list)
    errors: dict[Key, Persisting] = field(default_factory=dict)

    def persisting(self) -> list[Persisting]:
        """Every error, those met on the most runs first, then the oldest first-occurred."""
        return sorted(self.errors.values(), key=Persisting.sort_key)


def _meet(agent: Agent, row: RunRow, seen: ErrorSeen) -> None:
    known = agent.errors.get(seen.key)
    if known is None:
        agent.errors[seen.key] = Persisting(
            seen.key,
            seen.kind,
            seen.error_type,
            seen.object,
            seen.dn,
            seen.first_occurred,
            seen.retry_count,
            row.number,
            row.number,
        )
        return
    known.runs += 1
    known.last_run = row.number
    known.resolved_by = None
    known.dn = seen.dn or known.dn
    known.retry_count = seen.retry_count
    if seen.first_occurred and (known.first_occurred or "~") > seen.first_occurred:
        known.first_occurred = seen.first_occurred


def group(archive: Archive) -> list[Agent]:
    """The agents of ``archive`` by name, each with its runs in run-number order."""
    loaded: dict[str, list[tuple[RunRow, dict[Key, ErrorSeen]]]] = {}
    for file, run in archive.runs():
        row = run_row(file, run)
        loaded.setdefault(row.ma_id, []).append((row, run_errors(run)))
    agents: list[Agent] = []
    for ma_id, runs in loaded.items():
        runs.sort(key=lambda item: (item[0].number, item[0].start, item[0].file))
        agent = Agent(ma_id, runs[-1][0].agent, "")
        open_by_stage: dict[str, set[Key]] = {}
        for row, errors in runs:
            agent.rows.append(row)
            for seen in errors.values():
                _meet(agent, row, seen)
            if row.result.startswith(("stopped-", "no-start-")):
                continue
            stages = {_STAGE.get(t, t) for t in row.step_types}
            for stage in stages:
                waiting = open_by_stage.setdefault(stage, set())
                for key in waiting - errors.keys():
                    agent.errors[key].resolved_by = row.number
                    waiting.discard(key)
            for key in errors:
                open_by_stage.setdefault(_MET_BY[key[0]], set()).add(key)
        agents.append(agent)
    agents.sort(key=lambda a: (a.name.casefold(), a.ma_id))
    for i, agent in enumerate(agents, 1):
        agent.anchor = f"agent-{i}"
    return agents
