"""Runs read from an archive of captures: one row per run, errors with their identity.

:func:`read_archive` takes the operands of ``runhistory report`` (files, directories, globs),
reads every document with the model loader (any encoding ``validate`` reads, several
run-details per file) and keeps, per file, whether it loaded, and per run a :class:`RunRow`.
:func:`run_errors` gives the errors of a run keyed by their identity, for the diff and for the
errors that persist longest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from runhistory.errors import LoadError
from runhistory.model import RunDetails, RunHistory, format_datetime, text_of
from runhistory.model.summary import step_row, step_type

KINDS = ("discovery", "import", "export", "retry")
RECORDS = {
    "discovery": "ma-object-error",
    "import": "import-error",
    "export": "export-error",
    "retry": "retry-error",
}


@dataclass(frozen=True, slots=True)
class RunRow:
    """A run at a glance.  ``result`` is the first step-result (in step-number order) that is
    not success, or success; ``start``/``end`` the earliest start-date and latest end-date of
    its steps; adds, updates, deletes and failures add up the steps' (see
    :class:`runhistory.model.summary.StepRow`); ``errors`` counts the records by kind."""

    file: str
    agent: str
    ma_id: str
    number: int
    profile: str
    start: datetime
    end: datetime
    result: str
    steps: int
    step_types: tuple[str, ...]
    adds: int
    updates: int
    deletes: int
    failures: int
    errors: dict[str, int]

    @property
    def duration(self) -> float:
        """Seconds from the first step's start to the last step's end."""
        return (self.end - self.start).total_seconds()

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "agent": self.agent,
            "ma-id": self.ma_id,
            "run-number": self.number,
            "profile": self.profile,
            "start": format_datetime(self.start),
            "end": format_datetime(self.end),
            "duration": round(self.duration, 3),
            "result": self.result,
            "steps": self.steps,
            "step-types": " ".join(self.step_types),
            "adds": self.adds,
            "updates": self.updates,
            "deletes": self.deletes,
            "failures": self.failures,
            **{f"{RECORDS[k]}s": self.errors.get(k, 0) for k in KINDS},
        }


COLUMNS = tuple(
    [
        "file",
        "agent",
        "ma-id",
        "run-number",
        "profile",
        "start",
        "end",
        "duration",
        "result",
        "steps",
        "step-types",
        "adds",
        "updates",
        "deletes",
        "failures",
    ]
    + [f"{RECORDS[k]}s" for k in KINDS]
)


@dataclass(frozen=True, slots=True)
class ErrorSeen:
    """One error record of a run.  ``key`` is its identity: the record, the object (cs-guid,
    or dn/anchor for an ma-object-error, mv-guid for a retry-error) and the error-type."""

    key: tuple[str, str, str]
    kind: str
    error_type: str
    object: str
    dn: str | None
    first_occurred: str | None
    retry_count: int | None


def _guid(value: object) -> str:
    """A GUID as the service writes it: upper case, in braces."""
    return "{" + str(value).strip("{}").upper() + "}"


def run_errors(run: RunDetails) -> dict[tuple[str, str, str], ErrorSeen]:
    """The errors of ``run`` by identity (the first record of an identity when it repeats)."""
    found: dict[tuple[str, str, str], ErrorSeen] = {}
    for seen in _errors(run):
        found.setdefault(seen.key, seen)
    return found


def _errors(run: RunDetails) -> Iterator[ErrorSeen]:
    for step in run.step_details:
        for d in step.ma_discovery_errors.ma_object_error:
            obj = d.dn or (str(d.anchor.value) if d.anchor is not None else "")
            kind = str(d.error_type.value)
            yield ErrorSeen(("discovery", obj, kind), "discovery", kind, obj, d.dn, None, None)
        sync = step.synchronization_errors
        for label, records in (("import", sync.import_error), ("export", sync.export_error)):
            for e in records:
                obj, kind = _guid(e.cs_guid), str(e.error_type.value)
                first = text_of(e, "first_occurred") or format_datetime(e.first_occurred)
                yield ErrorSeen((label, obj, kind), label, kind, obj, e.dn, first, e.retry_count)
        for r in step.mv_retry_errors.retry_error:
            obj, kind = _guid(r.mv_guid), str(r.error_type.value)
            yield ErrorSeen(("retry", obj, kind), "retry", kind, obj, r.displayname, None, None)


def run_row(file: str, run: RunDetails) -> RunRow:
    steps = sorted(run.step_details, key=lambda s: s.step_number)
    rows = [step_row(s) for s in steps]
    result = next((r.result for r in rows if r.result != "success"), "success")
    counts: dict[str, int] = {}
    for seen in _errors(run):
        counts[seen.kind] = counts.get(seen.kind, 0) + 1
    return RunRow(
        file=file,
        agent=run.ma_name,
        ma_id=_guid(run.ma_id),
        number=run.run_number,
        profile=run.run_profile_name,
        start=min(s.start_date for s in steps),
        end=max(s.end_date for s in steps),
        result=result,
        steps=len(steps),
        step_types=tuple(step_type(s) or "?" for s in steps),
        adds=sum(r.adds for r in rows),
        updates=sum(r.updates for r in rows),
        deletes=sum(r.deletes for r in rows),
        failures=sum(r.failures for r in rows),
        errors=counts,
    )


@dataclass(frozen=True, slots=True)
class FileStatus:
    """Whether a file loaded under the profile: ``valid``, ``invalid`` or ``unreadable``."""

    file: str
    status: str
    runs: int = 0
    errors: int = 0  # error findings of an invalid file
    problem: str = ""  # the first of them, or why the file could not be read
    where: str = ""  # line:column of that finding, when it has one

    def line(self) -> str:
        """One line for an administrator: file:line:column: the problem."""
        return (
            f"{self.file}:{self.where}: {self.problem}"
            if self.where
            else (f"{self.file}: {self.problem}")
        )


@dataclass(frozen=True, slots=True)
class Loaded:
    """A file that loaded: its name and its model."""

    file: str
    history: RunHistory


@dataclass(slots=True)
class Archive:
    profile: str
    files: list[FileStatus] = field(default_factory=list)
    loaded: list[Loaded] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # operands that named nothing to read
    paths: list[Path] = field(default_factory=list)  # every file read (an output must not be one)

    def runs(self) -> Iterator[tuple[str, RunDetails]]:
        for item in self.loaded:
            for run in item.history.run_details:
                yield item.file, run


def _invalid(name: str, err: LoadError) -> FileStatus:
    if not err.findings:
        return FileStatus(name, "invalid", 0, 1, str(err))
    f = err.findings[0]
    where = ":".join(str(p) for p in (f.line, f.column) if p is not None)
    return FileStatus(name, "invalid", 0, len(err.findings), f"{f.rule} {f.message}", where)


def read_archive(operands: Iterable[str], profile: str = "product") -> Archive:
    """Every document under ``operands``, loaded under ``profile``."""
    from runhistory.inputs import InputError, InputProblem, expand, read
    from runhistory.model import loads
    from runhistory.validate import DEFAULT_MAX_BYTES

    archive = Archive(profile)
    for source in expand(list(operands)):
        if isinstance(source, InputProblem):
            archive.problems.append(str(source))
            continue
        if source.path is not None:
            archive.paths.append(source.path)
        try:
            data = read(source, DEFAULT_MAX_BYTES)
            history = loads(data, profile=profile, name=source.name)
        except InputError as err:
            archive.files.append(FileStatus(source.name, "unreadable", problem=str(err)))
            continue
        except LoadError as err:
            archive.files.append(_invalid(source.name, err))
            continue
        archive.loaded.append(Loaded(source.name, history))
        archive.files.append(FileStatus(source.name, "valid", len(history.run_details)))
    return archive
