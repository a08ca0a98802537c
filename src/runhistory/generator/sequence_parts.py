"""What a run sequence is made of: its runs, and its errors with their identity.

:mod:`runhistory.generator.sequence` makes them; ``manifest()`` gives each as the plain data of
``manifest.json`` (docs/generate.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from runhistory.generator import values as v
from runhistory.generator.encode import Draft

# Run profiles: key -> (run-profile-name, step kind, step-type, apply-rules-subtype).
RUN_PROFILES: dict[str, tuple[str, str, str, str | None]] = {
    "delta-import": ("Delta Import", "import", "delta-import", None),
    "full-import": ("Full Import", "import", "full-import", None),
    "delta-sync": ("Delta Synchronization", "sync", "apply-rules", "apply-pending"),
    "full-sync": ("Full Synchronization", "sync", "apply-rules", "reevaluate-flow-connectors"),
    "export": ("Export", "export", "export", None),
}
# The record each step kind holds.
RECORD_OF = {"import": "ma-object-error", "sync": "import-error", "export": "export-error"}


@dataclass(slots=True)
class Trouble:
    """An error with an identity: one object and error-type, met on one run after another."""

    id: int
    kind: str  # the step kind whose runs meet it: import, sync or export
    error_type: str
    seed: int  # the record's details are drawn from RandomChooser(seed)
    chronic: bool  # never resolved within the sequence
    retry_count: int  # as of the last run that met it (-1: not met yet)
    first_occurred: datetime | None = None
    first_run: int | None = None
    last_run: int | None = None
    resolved_run: int | None = None  # the first run of its kind that no longer met it
    runs: int = 0  # how many runs met it
    cs_guid: str | None = None
    dn: str | None = None

    @property
    def record(self) -> str:
        return RECORD_OF[self.kind]

    def manifest(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "record": self.record,
            "error-type": self.error_type,
            "cs-guid": self.cs_guid,
            "dn": self.dn,
            # An ma-object-error records neither: for it these stay null.
            "first-occurred": v.when(self.first_occurred)
            if self.first_occurred and self.kind != "import"
            else None,
            "last-retry-count": self.retry_count if self.kind != "import" else None,
            "first-run": self.first_run,
            "last-run": self.last_run,
            "resolved-run": self.resolved_run,
            "runs": self.runs,
            "chronic": self.chronic,
        }


@dataclass(slots=True)
class SequenceRun:
    """One run of the sequence: its document and what happened in it."""

    number: int
    profile: str  # a key of RUN_PROFILES
    start: datetime
    end: datetime
    result: str
    draft: Draft
    met: list[int] = field(default_factory=list)  # ids of the errors it records
    new: list[int] = field(default_factory=list)  # ids met for the first time
    resolved: list[int] = field(default_factory=list)  # ids no longer met

    @property
    def data(self) -> bytes:
        """The document's bytes."""
        return self.draft.to_bytes()

    @property
    def file(self) -> str:
        return f"run-{self.number:06d}-{self.profile}.xml"

    def manifest(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "run-number": self.number,
            "run-profile": RUN_PROFILES[self.profile][0],
            "start": v.when(self.start),
            "end": v.when(self.end),
            "result": self.result,
            "errors": self.met,
            "new": self.new,
            "resolved": self.resolved,
        }


@dataclass(slots=True)
class RunSequence:
    ma_name: str
    ma_id: str
    encoding: str
    runs: list[SequenceRun]
    troubles: list[Trouble]

    def persisting(self) -> list[Trouble]:
        """Errors met on every run of their kind that recorded errors of that kind at all."""
        return [t for t in self.troubles if t.chronic]

    def manifest(self, **head: Any) -> dict[str, Any]:
        return {
            "version": 1,
            **head,
            "ma-name": self.ma_name,
            "ma-id": self.ma_id,
            "runs": len(self.runs),
            "first-run-number": self.runs[0].number if self.runs else None,
            "encoding": self.encoding,
            "files": [r.manifest() for r in self.runs],
            "errors": [t.manifest() for t in self.troubles],
        }
