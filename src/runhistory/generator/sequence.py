"""A run sequence: N consecutive runs of one management agent, as a schedule produces them.

Admins keep every run of every management agent; this module makes such an archive on purpose,
one document per run, each valid under the XSD and every rule (strict profile):

- run numbers are consecutive; each run starts a schedule period after the previous one (with
  a little jitter, and never before the previous run ended); the run profiles follow a cycle
  (delta import, delta sync, export by default), a full import and a full sync now and then;
- most steps end in success; a step with errors ends as completed-discovery-errors,
  completed-sync-errors or completed-export-errors; now and then a run stops (stopped-*) or
  cannot connect (no-start-connection, stopped-connectivity) and records no errors;
- errors have an identity (:class:`Trouble`): the same object (cs-guid, dn) and error-type
  recurs on every run of its step kind with the same first-occurred and a retry-count one
  higher each time, until it is resolved; new errors appear, some are resolved, and one or two
  (``chronic``, of one kind) persist through the whole sequence, perhaps already retried
  before it began;
- counters agree with the errors (flow-failure is the number of import-errors, export-failure
  the number of export-errors) and with the step type (staging counters on imports, inbound
  flow counters on synchronizations, export counters on exports).

Every choice goes through a :class:`~runhistory.generator.choices.Chooser`, as for single
documents: ``runhistory generate --runs`` draws from ``random.Random(seed)`` (same seed, same
bytes), :func:`runhistory.strategies.run_sequences` from Hypothesis.  The parts of a step come
from the single-document :class:`~runhistory.generator.build.Builder`; a record's details are
drawn from a chooser of its own, so they are the same on every run it recurs in.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta

from runhistory.generator import values as v
from runhistory.generator.build import DETAIL_FALSE, EXPORT, INBOUND, STAGING, Builder
from runhistory.generator.build import Shape as _Shape
from runhistory.generator.choices import Chooser, RandomChooser
from runhistory.generator.encode import ENCODINGS, Draft
from runhistory.generator.node import Node
from runhistory.generator.records import RunFacts
from runhistory.generator.sequence_parts import (
    RECORD_OF,
    RUN_PROFILES,
    RunSequence,
    SequenceRun,
    Trouble,
)
from runhistory.model._types import NOT_XML

__all__ = [
    "DEFAULT_CYCLE",
    "ERROR_TYPES",
    "RECORD_OF",
    "RUN_PROFILES",
    "RunSequence",
    "SequenceRun",
    "Trouble",
    "sequence",
]

# Import, synchronize, export, then a delta import that confirms the export.
DEFAULT_CYCLE = ("delta-import", "delta-sync", "export", "delta-import")
# Every this many runs of a delta profile, on average, the schedule runs the full one instead.
_FULL_EVERY = 8
_FULL = {"delta-import": "full-import", "delta-sync": "full-sync"}

# The error types a real archive shows most, by step kind.
ERROR_TYPES = {
    "import": ("duplicate-object", "missing-anchor-component", "anchor-too-long", "invalid-dn"),
    "sync": (
        "sync-rule-flow-provisioning-failed",
        "extension-dll-exception",
        "cs-attribute-type-mismatch",
        "unique-index-violation",
        "flow-multi-values-to-single-value",
        "ambiguous-import-flow-from-multiple-connectors",
        "exported-change-not-reimported",
    ),
    "export": (
        "permission-issue",
        "cd-existing-object",
        "constraint-violation",
        "cd-error",
        "non-existent-parent",
        "invalid-attribute-value",
    ),
}
# Results of runs that stop or cannot connect: (step-result, final connection-result or None).
_CONNECTIVITY = (("no-start-connection", "failed-connection"), ("stopped-connectivity", None))
_STOPPED = {
    "import": ("stopped-server", "stopped-deadlocked", "stopped-service-shutdown"),
    "sync": ("stopped-extension-dll-exception", "stopped-deadlocked", "stopped-service-shutdown"),
    "export": ("stopped-server", "stopped-deadlocked", "stopped-service-shutdown"),
}
# Step durations in seconds by run profile: (min, max).
_DURATION = {
    "delta-import": (4, 240),
    "full-import": (600, 2400),
    "delta-sync": (3, 300),
    "full-sync": (300, 1800),
    "export": (2, 180),
}
_PERIODS = (15, 30, 60)  # minutes between runs
_RESOLVE_PERCENT = 45  # chance that an open error is resolved by a given run of its kind
# New errors a run meets (one of these is drawn): discovery errors are rarer than the others.
_NEW_ERRORS = {"import": (0,) * 15 + (1,), "sync": (0,) * 12 + (1, 2), "export": (0,) * 12 + (1, 2)}
_MAX_OPEN = 10  # open errors per step kind (beyond it, no new ones appear)
_RECORD_WINDOW = (datetime(2000, 1, 1), datetime(2000, 1, 1, 1))  # fixed: details do not vary


class _Schedule:
    """The state of the archive while its runs are made, one after another."""

    def __init__(
        self, ch: Chooser, ma_name: str | None, cycle: tuple[str, ...], encoding: str
    ) -> None:
        self.ch = ch
        self.cycle = cycle
        self.encoding = encoding
        domain = ch.choice(v.DOMAINS)
        name = ma_name or ch.choice(v.MA_NAMES).format(D=domain.upper(), d=domain)
        # A name that says its domain (CONTOSO-AD) gets DNs and accounts of that domain.
        domain = next((d for d in v.DOMAINS if ma_name and d in ma_name.lower()), domain)
        self.facts = RunFacts(domain, name, v.guid(ch), ch.integer(1, 5000), v.instant(ch))
        self.account = f"{domain.upper()}\\{ch.choice(v.ACCOUNTS)}"
        self.period = timedelta(minutes=ch.choice(_PERIODS))
        self.builder = Builder(ch, _Shape(sizes=(1, 2)))
        self.troubles: list[Trouble] = []
        self.last_end: datetime | None = None
        self.full_pending: set[str] = set()
        # The errors that persist throughout are of one kind: a synchronization's if the cycle
        # has one (a provisioning failure nobody fixes), so most imports and exports succeed.
        kinds = [RUN_PROFILES[p][1] for p in cycle]
        chronic = next(k for k in ("sync", "export", "import") if k in kinds)
        for _ in range(ch.integer(1, 2)):
            self._chronic(chronic)

    def _new(self, kind: str, *, chronic: bool) -> Trouble:
        trouble = Trouble(
            id=len(self.troubles) + 1,
            kind=kind,
            error_type=self.ch.choice(ERROR_TYPES[kind]),
            seed=self.ch.integer(0, (1 << 32) - 1),
            chronic=chronic,
            retry_count=-1,
        )
        self.troubles.append(trouble)
        return trouble

    def _chronic(self, kind: str) -> None:
        """An error that persists throughout, perhaps already retried before the sequence."""
        trouble = self._new(kind, chronic=True)
        before = min(self.ch.integer(0, 20), self.facts.run_number - 1)
        if before:
            # Met on ``before`` earlier runs of its kind, the first one a cycle each earlier.
            back = self.period * len(self.cycle) * before + timedelta(
                seconds=self.ch.integer(1, 60)
            )
            trouble.first_occurred = self.facts.clock - back
            trouble.retry_count = before - 1

    # -- one run --------------------------------------------------------------------------------

    def profile_for(self, index: int) -> str:
        base = self.cycle[index % len(self.cycle)]
        if base in self.full_pending:
            self.full_pending.discard(base)
            return _FULL[base]
        if base == "delta-import" and self.ch.integer(1, _FULL_EVERY) == 1:
            # A full import now and then, and a full synchronization after it.
            self.full_pending.add("delta-sync")
            return "full-import"
        return base

    def run(self, index: int, number: int) -> SequenceRun:
        ch = self.ch
        profile = self.profile_for(index)
        name, kind, _, _ = RUN_PROFILES[profile]
        scheduled = self.facts.clock + timedelta(seconds=ch.integer(-60, 90))
        if self.last_end is not None:
            scheduled = max(scheduled, self.last_end + timedelta(seconds=ch.integer(1, 30)))
        start = scheduled.replace(microsecond=ch.integer(0, 999) * 1000)
        self.facts.clock += self.period
        self.facts.run_number = number
        result, connection = self._outcome(kind)
        lo, hi = _DURATION[profile]
        seconds = lo if result.startswith("no-start-") else ch.integer(lo, hi)
        end = start + timedelta(seconds=seconds, milliseconds=ch.integer(0, 999))
        self.last_end = end
        run = SequenceRun(number, profile, start, end, result, Draft(Node("run-history")))
        records = self._records(run, kind, start, end) if result == "pending" else []
        if result == "pending":
            run.result = result = _completed(kind) if records else "success"
        root = Node("run-history")
        details = root.add("run-details")
        details.add("ma-id", self.facts.ma_id)
        details.add("ma-name", self.facts.ma_name)
        details.add("run-number", str(number))
        details.add("run-profile-name", name)
        details.add("security-id", self.account)
        details.append(self._step(run, kind, connection, records))
        run.draft = Draft(root, self.encoding)
        return run

    def _outcome(self, kind: str) -> tuple[str, str | None]:
        """('pending' or a stopped/no-start result, the final connection-result to force)."""
        roll = self.ch.integer(0, 99)
        if roll < 3 and kind != "sync":
            result, final = self.ch.choice(_CONNECTIVITY)
            return result, final or "dropped-connection"
        if roll < 6:
            return self.ch.choice(_STOPPED[kind]), None
        return "pending", None

    def _records(self, run: SequenceRun, kind: str, start: datetime, end: datetime) -> list[Node]:
        """The records of a step that ran to completion: open errors recur or are resolved,
        new ones appear."""
        ch = self.ch
        met: list[Trouble] = []
        for t in self.troubles:
            # Open: met before (in the sequence or, for a chronic error, before it began).
            if t.kind != kind or t.resolved_run is not None or not (t.runs or t.chronic):
                continue
            if not t.chronic and ch.integer(0, 99) < _RESOLVE_PERCENT:
                t.resolved_run = run.number
                run.resolved.append(t.id)
            else:
                met.append(t)
        if len(met) < _MAX_OPEN:
            for _ in range(ch.choice(_NEW_ERRORS[kind])):
                met.append(self._new(kind, chronic=False))
        span = max(int((end - start).total_seconds() * 1000), 1)
        moments = sorted(start + timedelta(milliseconds=ch.integer(0, span)) for _ in met)
        return [self._meet(t, run, kind, moment) for t, moment in zip(met, moments, strict=True)]

    def _meet(self, t: Trouble, run: SequenceRun, kind: str, moment: datetime) -> Node:
        if t.first_occurred is None:
            t.first_occurred = moment
            run.new.append(t.id)
        t.retry_count += 1
        t.runs += 1
        t.first_run = t.first_run or run.number
        t.last_run = run.number
        run.met.append(t.id)
        node = self._record(t, kind)
        dates = {
            "first-occurred": v.when(t.first_occurred),
            "retry-count": str(t.retry_count),
            "date-occurred": v.when(moment),
        }
        for child in node.children:
            if child.tag in dates:
                child.text = dates[child.tag]
        t.cs_guid = node.attrs.get("cs-guid")
        t.dn = node.attrs.get("dn") or (dn.text if (dn := node.find("dn")) is not None else None)
        return node

    def _record(self, t: Trouble, kind: str) -> Node:
        """The record of ``t``: drawn from its own chooser, so the same on every run."""
        ch = RandomChooser(t.seed)
        facts = RunFacts(
            self.facts.domain, self.facts.ma_name, self.facts.ma_id, 1, self.facts.clock
        )
        b = self.builder
        if kind == "sync":
            return b.import_error(ch, facts, *_RECORD_WINDOW, error_type=t.error_type)
        if kind == "export":
            return b.export_error(ch, facts, *_RECORD_WINDOW, error_type=t.error_type)
        node = b.discovery_error(ch, facts, error_type=t.error_type)
        if node.find("dn") is None:  # the object's identity: always named here
            node.children.insert(1, Node("dn", text=v.dn(ch, facts.domain)))
        return node

    # -- the step -------------------------------------------------------------------------------

    def _step(
        self, run: SequenceRun, kind: str, connection: str | None, records: list[Node]
    ) -> Node:
        ch, b = self.ch, self.builder
        _, _, step_type, subtype = RUN_PROFILES[run.profile]
        node = Node("step-details", {"step-number": "1", "step-id": v.guid(ch)})
        node.add("start-date", v.when(run.start))
        node.add("end-date", v.when(run.end))
        node.add("step-result", run.result)
        desc = b.description(self.facts, kind)
        st = desc.children[0]
        st.attrs["type"] = step_type
        for child in st.children:
            if child.tag == "apply-rules-subtype" and subtype:
                child.text = subtype
        node.append(desc)
        node.add("current-export-step-counter", "0")
        node.add("last-successful-export-step-counter", "0")
        final = connection if connection else None if kind == "sync" else "success"
        if kind == "sync":
            node.append(Node("ma-connection"))
        else:
            node.append(
                b.connection(self.facts, kind, run.result, run.start, run.end, final, first=False)
            )
        node.add("ma-discovery-errors").children.extend(r for r in records if kind == "import")
        node.add("ma-discovery-counters")
        node.add("synchronization-errors").children.extend(r for r in records if kind != "import")
        node.add("mv-retry-errors")
        ran = not run.result.startswith("no-start-")
        if kind == "sync" and ran:
            node.append(b.outbound(self.facts))
        failures = len(records)
        counts = self._counts(run, kind, ran)
        node.append(_counters("staging-counters", STAGING, counts if kind == "import" else {}))
        inbound = {**counts, "flow-failure": failures} if kind == "sync" else {}
        node.append(_counters("inbound-flow-counters", INBOUND, inbound))
        outbound = {**counts, "export-failure": failures} if kind == "export" else {}
        node.append(_counters("export-counters", EXPORT, outbound))
        return node

    def _counts(self, run: SequenceRun, kind: str, ran: bool) -> dict[str, int]:
        """Counter values of a step: a full import sees every object, a delta a few."""
        if not ran:
            return {}
        rng = random.Random(self.ch.integer(0, (1 << 32) - 1))
        scale = 0.3 if run.result.startswith("stopped-") else 1.0
        full = run.profile.startswith("full-")

        def some(hi: int) -> int:
            return int(rng.randrange(hi + 1) * scale)

        if kind == "import":
            return {
                "stage-no-change": some(20000) if full else some(40),
                "stage-add": some(60),
                "stage-update": some(200),
                "stage-rename": some(5),
                "stage-delete": some(20),
            }
        if kind == "sync":
            return {
                "connector-flow": some(2000) if full else some(200),
                "connector-no-flow": some(18000) if full else some(40),
                "disconnector-projected-flow": some(40),
                "disconnector-joined-flow": some(20),
                "connector-delete-remove-mv": some(15),
                "disconnector-filtered": some(100),
            }
        return {
            "export-add": some(50),
            "export-update": some(200),
            "export-rename": some(3),
            "export-delete": some(15),
        }


def _completed(kind: str) -> str:
    return {
        "import": "completed-discovery-errors",
        "sync": "completed-sync-errors",
        "export": "completed-export-errors",
    }[kind]


def _counters(tag: str, names: tuple[str, ...], values: dict[str, int]) -> Node:
    node = Node(tag)
    for name in names:
        detail = "false" if name in DETAIL_FALSE else "true"
        node.add(name, str(values.get(name, 0)), detail=detail)
    return node


def ma_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a management agent's name in a document, or None: a character
    XML 1.0 cannot carry makes the document not well-formed, and any other control character
    (a tab, a line break) would not read back as written; an empty name is no name."""
    if not name:
        return "the name is empty"
    bad = next((c for c in name if NOT_XML.match(c) or unicodedata.category(c) == "Cc"), None)
    if bad is None:
        return None
    return (
        f"the name holds the character U+{ord(bad):04X} (a control character or one XML 1.0 "
        "cannot carry); remove or replace it"
    )


def sequence(
    ch: Chooser,
    runs: int,
    *,
    ma_name: str | None = None,
    cycle: tuple[str, ...] = DEFAULT_CYCLE,
    encoding: str = "utf-8",
) -> RunSequence:
    """``runs`` consecutive runs of one management agent, drawn from ``ch``."""
    if runs < 1:
        raise ValueError("runs: at least 1")
    unknown = [p for p in cycle if p not in RUN_PROFILES]
    if unknown or not cycle:
        raise ValueError(
            f"cycle: unknown run profile {', '.join(unknown) or 'none'} "
            f"(choose from {', '.join(RUN_PROFILES)})"
        )
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding '{encoding}' (choose from {', '.join(ENCODINGS)})")
    problem = None if ma_name is None else ma_name_problem(ma_name)
    if problem is not None:
        raise ValueError(f"ma_name: {problem}")
    schedule = _Schedule(ch, ma_name, cycle, encoding)
    first = schedule.facts.run_number
    made = [schedule.run(i, first + i) for i in range(runs)]
    return RunSequence(
        schedule.facts.ma_name, schedule.facts.ma_id, encoding, made, schedule.troubles
    )
