"""The conformant document: valid under the XSD and every rule of the catalog, by construction.

Every value is chosen so that the rules hold, never drawn and then filtered:

- dates are real calendar instants with a '.' before three fraction digits; a step starts
  before it ends; incidents and errors fall inside their step, in order; first-occurred equals
  date-occurred when retry-count is 0 and is earlier (a previous run) when it is not, and
  retry-count stays below run-number;
- step-number is 1..N (listed ascending or descending), run-number at least 1, the export step
  counters 0;
- the step-result fits what the step holds: success and no-start-* only without errors,
  completed-discovery-errors with ma-object-errors, completed-export-errors with export-errors,
  completed-no-objects and no-start-* with nothing staged; @progress x/y (x <= y) only on the
  completing-* results, @file only on the seventeen results that allow it;
- ma-connection: connection-result with a non-empty connection-log whose last incident has the
  same result, incidents in date order, server iff connected, cd-error never on success and
  always on dropped-connection and failed-search;
- ma-object-error: entry-number, line-number and column-number only (and together) for
  parse-error, attribute-name only for the ten attribute-level types, strict base64 anchors;
- counters present only above zero where the spec says so; flow-failure equals the number of
  import-errors and export-failure the number of export-errors (stage-failure stays 0: an
  ma-object-error is a discovery error, not a staging failure);
- GUIDs in braces everywhere the prose says GUID (also where the XSD says xs:string);
- import-error: change-not-reimported only for exported-change-not-reimported, extension-error-info
  only for the extension-* error types, rules-error-info only for the sync-rule-* types (with
  the context's ma-id, ma-name, cs-object-id and dn when the algorithm step is import-flow),
  algorithm-step/@ma-id and @dn only on the four steps that allow them; export-error/cd-error
  iff error-type is cd-error; attr values base64 with @encoding iff the attribute is binary;
  a single-valued attribute has one value; src-attribute/@intrinsic true only on 'dn'.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from runhistory import schema_facts as facts
from runhistory.generator import values as v
from runhistory.generator.choices import Chooser, T
from runhistory.generator.node import Node
from runhistory.generator.records import Records, RunFacts
from runhistory.rules.connection import ERROR_WHILE_CONNECTED, NOT_CONNECTED
from runhistory.rules.step import FILE_RESULTS, PROGRESS_RESULTS

KINDS = ("import", "sync", "export")

STEP_RESULTS = v.enum("step-result", first="success")
CONNECTION_RESULTS = v.enum("connection-result", first="success")
STAGING = facts.children("staging-counters")
INBOUND = facts.children("inbound-flow-counters")
EXPORT = facts.children("export-counters")
OUTBOUND = facts.children("outbound-flow-counters")
DISCOVERY_COUNTERS = facts.children("ma-discovery-counters")
DETAIL_FALSE = tuple(
    name
    for box in ("staging-counters", "inbound-flow-counters", "export-counters")
    for name, detail in facts.counters(box)
    if not detail
)

# The step results a step may end with, by whether it holds errors (first = shrink target).
# stopped-error-limit: the run met errors (I204), so only a step with error records ends so.
_NEEDS_ERRORS = ("completed-discovery-errors", "completed-export-errors", "stopped-error-limit")
CLEAN_RESULTS = tuple(r for r in STEP_RESULTS if r not in _NEEDS_ERRORS)
ERROR_RESULTS = {
    "import": (
        "completed-discovery-errors",
        *(r for r in STEP_RESULTS if r.startswith("stopped-")),
    ),
    "sync": (
        "completed-sync-errors",
        "completed-warnings",
        "completed-transient-objects",
        *(r for r in STEP_RESULTS if r.startswith(("stopped-", "completing-"))),
        "in-progress",
    ),
    "export": ("completed-export-errors", *(r for r in STEP_RESULTS if r.startswith("stopped-"))),
}
_NOTHING_STAGED = ("completed-no-objects",)

STEP_TYPES = {
    "import": (("full-import", None), ("delta-import", None)),
    "sync": (("apply-rules", "apply-pending"), ("apply-rules", "reevaluate-flow-connectors")),
    "export": (("export", None),),
}


@dataclass(frozen=True, slots=True)
class Shape:
    """What the caller asks of a document (ranges are inclusive)."""

    steps: tuple[int, int] = (1, 3)
    kinds: tuple[str, ...] = KINDS
    errors: tuple[int, int] = (0, 3)  # error records of the step's kind
    sizes: tuple[int, int] = (1, 3)  # incidents, values, counters and other repeated parts
    # Requirements on the first step listed (the breaks rely on them).
    first_kind: str | None = None
    first_result: str | None = None
    first_min_errors: int = 0
    first_retry_errors: int = 0
    first_connection: str | None = None  # a final connection-result, or "none"
    first_outbound: bool = False
    first_incidents: int = 1
    lazy_records: bool = False  # produce error records while writing (large documents)

    def validate(self) -> None:
        for lo, hi, what in (
            (*self.steps, "steps"),
            (*self.errors, "errors"),
            (*self.sizes, "sizes"),
        ):
            if lo < 0 or hi < lo:
                raise ValueError(f"{what}: expected 0 <= min <= max, got ({lo}, {hi})")
        if self.steps[0] < 1:
            raise ValueError("steps: a run has at least one step")
        if self.sizes[0] < 1:
            raise ValueError("sizes: at least 1")
        bad = [k for k in self.kinds if k not in KINDS]
        if bad or not self.kinds:
            raise ValueError(f"kinds: expected some of {', '.join(KINDS)}, got {bad or 'none'}")


class Builder(Records):
    """Builds one conformant document from a chooser's draws."""

    def __init__(self, ch: Chooser, shape: Shape | None = None) -> None:
        self.ch = ch
        self.shape = shape or Shape()
        self.shape.validate()

    # -- the document -------------------------------------------------------------------------

    def document(self) -> Node:
        ch, shape = self.ch, self.shape
        domain = ch.choice(v.DOMAINS)
        ma_name = ch.choice(v.MA_NAMES).format(D=domain.upper(), d=domain)
        run = RunFacts(domain, ma_name, v.guid(ch), ch.integer(1, 5000), v.instant(ch))
        root = Node("run-history")
        details = root.add("run-details")
        details.add("ma-id", run.ma_id)
        details.add("ma-name", ma_name)
        details.add("run-number", str(run.run_number))
        n = ch.integer(*shape.steps)
        numbers = list(range(1, n + 1))
        if ch.boolean():
            numbers.reverse()  # Save to file lists the last step first: any order is valid
        kinds: list[str] = []
        steps: list[Node] = []
        for i, number in enumerate(numbers):

            def one(i: int = i, number: int = number) -> Node:
                kind = (
                    shape.first_kind if i == 0 and shape.first_kind else self.ch.choice(shape.kinds)
                )
                kinds.append(kind)
                return self.step(run, number, kind, first=i == 0)

            steps.append(self._grouped(one))
        details.add("run-profile-name", self._profile_name(kinds))
        details.add("security-id", f"{domain.upper()}\\{ch.choice(v.ACCOUNTS)}")
        details.children.extend(steps)
        return root

    def _grouped(self, make: Callable[[], T]) -> T:
        """``make()`` with its choices in one group (see Chooser.group)."""
        outer = self.ch

        def inner(ch: Chooser) -> T:
            self.ch = ch
            try:
                return make()
            finally:
                self.ch = outer

        return outer.group(inner)

    def _profile_name(self, kinds: list[str]) -> str:
        style = self.ch.choice(("words", "caps"))
        names = {"import": "Delta Import", "sync": "Delta Sync", "export": "Export"}
        label = " and ".join(dict.fromkeys(names[k] for k in kinds))
        return label if style == "words" else label.upper().replace(" AND ", "_").replace(" ", "")

    # -- one step -----------------------------------------------------------------------------

    def step(self, run: RunFacts, number: int, kind: str, *, first: bool) -> Node:
        ch, shape = self.ch, self.shape
        errors, retries, result = self._outcome(kind, first)
        started = not result.startswith("no-start-")
        staged = started and result not in _NOTHING_STAGED

        node = Node("step-details", {"step-number": str(number), "step-id": v.guid(ch)})
        start = run.clock
        end = start + timedelta(seconds=ch.integer(0, 3600), milliseconds=ch.integer(0, 999))
        run.clock = end + timedelta(seconds=ch.integer(0, 60), milliseconds=ch.integer(0, 999))
        node.add("start-date", v.when(start))
        node.add("end-date", v.when(end))
        self._result(node, result)
        node.append(self.description(run, kind))
        node.add("current-export-step-counter", "0")
        node.add("last-successful-export-step-counter", "0")
        connection = shape.first_connection if first else None
        node.append(self.connection(run, kind, result, start, end, connection, first=first))

        counts = {k: errors if kind == k else 0 for k in KINDS}
        self._errors(
            node, run, (start, end), counts, retries, discovered=kind == "import" and staged
        )
        if kind == "sync" and started:
            want = first and shape.first_outbound
            for _ in range(ch.integer(1 if want else 0, shape.sizes[1])):
                node.append(self._grouped(lambda: self.outbound(run)))
        node.append(
            self._counters(
                "staging-counters",
                STAGING,
                kind == "import" and staged,
                {"stage-failure": 0},
                nothing_staged=not staged,
            )
        )
        node.append(
            self._counters(
                "inbound-flow-counters",
                INBOUND,
                kind == "sync" and started,
                {"flow-failure": counts["sync"]},
            )
        )
        node.append(
            self._counters(
                "export-counters",
                EXPORT,
                kind == "export" and started,
                {"export-failure": counts["export"]},
            )
        )
        return node

    def _outcome(self, kind: str, first: bool) -> tuple[int, int, str]:
        """How many error records and retry-errors the step holds, and its step-result."""
        ch, shape = self.ch, self.shape
        forced = shape.first_result if first else None
        # success and no-start-* steps hold no errors (L201, L204).
        quiet = forced is not None and (forced == "success" or forced.startswith("no-start-"))
        lo, hi = shape.errors
        if first:
            lo = max(lo, shape.first_min_errors)
            hi = max(hi, lo)
        errors = 0 if quiet else ch.integer(lo, hi)
        retries = 0
        if kind == "sync" and not quiet:
            retry_hi = min(shape.errors[1], 2)
            retries = ch.integer(0, retry_hi) if retry_hi else 0
            if first:
                retries = max(retries, shape.first_retry_errors)
        if forced is not None:
            return errors, retries, forced
        if errors or retries:
            return errors, retries, ch.choice(ERROR_RESULTS[kind])
        return errors, retries, ch.choice(CLEAN_RESULTS)

    def _result(self, node: Node, result: str) -> None:
        ch = self.ch
        res = node.add("step-result", result)
        if result in PROGRESS_RESULTS and ch.boolean():
            total = ch.integer(0, 20000)
            res.attrs["progress"] = f"{ch.integer(0, total)}/{total}"
        if result in FILE_RESULTS and ch.boolean():
            res.attrs["file"] = ch.choice(v.FILES)

    def _errors(
        self,
        node: Node,
        run: RunFacts,
        span: tuple[datetime, datetime],
        counts: dict[str, int],
        retries: int,
        *,
        discovered: bool,
    ) -> None:
        """The error lists of a step and its ma-discovery-counters, in schema order."""
        ch = self.ch
        start, end = span
        box = node.add("ma-discovery-errors")
        self._records(box, counts["import"], lambda c: self.discovery_error(c, run))
        counters = node.add("ma-discovery-counters")
        if discovered:
            for name in DISCOVERY_COUNTERS:
                if ch.boolean():
                    counters.add(name, str(ch.integer(1, 500)))
        sync = node.add("synchronization-errors")
        self._records(sync, counts["sync"], lambda c: self.import_error(c, run, start, end))
        self._records(sync, counts["export"], lambda c: self.export_error(c, run, start, end))
        retry = node.add("mv-retry-errors")
        for _ in range(retries):
            retry.append(self.ch.group(lambda c: self.retry_error(c, run, start, end)))

    def _records(self, box: Node, count: int, make: Callable[[Chooser], Node]) -> None:
        if self.shape.lazy_records:
            sub = self.ch.fork()

            def produce() -> Iterator[Node]:
                for _ in range(count):
                    yield make(sub)

            if count:
                box.lazy = produce()
        else:
            for _ in range(count):
                box.append(self.ch.group(make))

    def description(self, run: RunFacts, kind: str) -> Node:
        ch = self.ch
        step_type, subtype = ch.choice(STEP_TYPES[kind])
        desc = Node("step-description")
        st = desc.add("step-type", type=step_type)
        if subtype:
            st.add("apply-rules-subtype", subtype)
        if kind == "import" and ch.boolean():
            st.add("import-subtype", "to-file")
            desc.add("dropfile-name", "dsdelta.xml")
        threshold = desc.add("threshold")
        threshold.add("object", str(ch.choice((5000, 1000, 20000))))
        threshold.add("delete", str(ch.choice((500, 100, 2000))))
        desc.add("partition", v.domain_dn(run.domain))
        if kind != "sync":
            data = desc.add("custom-data").add("adma-step-data")
            data.add("batch-size", str(ch.choice((100, 50, 500))))
            data.add("page-size", str(ch.choice((500, 1000))))
            data.add("time-limit", str(ch.choice((120, 60, 300))))
        return desc

    def _counters(
        self,
        tag: str,
        names: tuple[str, ...],
        active: bool,
        exact: dict[str, int],
        *,
        nothing_staged: bool = False,
    ) -> Node:
        node = Node(tag)
        # One draw for the whole block: no rule relates these counts, and Hypothesis then
        # shrinks them all to 0 in one step instead of one counter at a time.
        seed = self.ch.integer(0, (1 << 32) - 1) if active else 0
        counts = random.Random(seed)
        for name in names:
            if name in exact:
                value = exact[name]
            elif not seed or (nothing_staged and name != "stage-no-change"):
                value = 0  # inactive, or the draw shrunk to 0: every count 0
            else:
                value = counts.randrange(10001 if name.endswith("no-change") else 501)
            detail = "false" if name in DETAIL_FALSE else "true"
            node.add(name, str(value), detail=detail)
        return node

    def outbound(self, run: RunFacts) -> Node:
        ch = self.ch
        name = ch.choice(("MOSS-UserProfile", "HR-SQL", "Exchange", "Azure AD"))
        node = Node("outbound-flow-counters", {"ma": name, "ma-id": v.guid(ch)})
        for counter in OUTBOUND:
            if ch.boolean():
                node.add(counter, str(ch.integer(1, 500)), detail="true")
        if not node.children:
            node.add("connector-flow", str(ch.integer(1, 500)), detail="true")
        return node

    # -- ma-connection ------------------------------------------------------------------------

    def connection(
        self,
        run: RunFacts,
        kind: str,
        result: str,
        start: datetime,
        end: datetime,
        final: str | None,
        *,
        first: bool,
    ) -> Node:
        ch = self.ch
        node = Node("ma-connection")
        if final is None:
            if kind == "sync":
                return node  # a synchronization step does not connect to the data source
            if result == "no-start-connection":
                final = "failed-connection"
            elif result == "no-start-credentials":
                final = "failed-authentication"
            else:
                final = ch.choice((*CONNECTION_RESULTS, "none"))
        if final == "none":
            return node
        server_name = ch.choice(v.SERVERS).format(d=run.domain)
        node.add("connection-result", final)
        if final == "success" or (
            final not in NOT_CONNECTED and final != "success" and ch.boolean()
        ):
            node.add("server", server_name)
        log = node.add("connection-log")
        least = self.shape.first_incidents if first else 1
        count = ch.integer(max(self.shape.sizes[0], least), max(self.shape.sizes[1], least))
        moments = sorted(
            start + timedelta(milliseconds=ch.integer(0, int((end - start).total_seconds() * 1000)))
            for _ in range(count)
        )
        for i, moment in enumerate(moments):
            outcome = final if i == count - 1 else ch.choice(CONNECTION_RESULTS[1:])
            log.append(self._grouped(partial(self.incident, run, outcome, moment, server_name)))
        return node

    def incident(self, run: RunFacts, outcome: str, moment: datetime, server: str) -> Node:
        ch = self.ch
        node = Node("incident")
        node.add("connection-result", outcome)
        node.add("date", v.when(moment))
        node.add(
            "server", server if outcome == "success" else ch.choice(v.SERVERS).format(d=run.domain)
        )
        if outcome in ERROR_WHILE_CONNECTED or (outcome != "success" and ch.boolean()):
            v.cd_error(ch, node)
        return node


def build(ch: Chooser, shape: Shape | None = None) -> Node:
    return Builder(ch, shape).document()
