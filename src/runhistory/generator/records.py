"""The error records of a conformant document (ma-object-error, import-error with its
change-not-reimported, extension-error-info and rules-error-info, export-error, retry-error),
valid under every rule by construction; :class:`~.build.Builder` makes the rest.  See the
docstring of :mod:`.build` for how each rule is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from runhistory.generator import values as v
from runhistory.generator.choices import Chooser
from runhistory.generator.node import Node
from runhistory.rules.discovery import ATTRIBUTE_NAME_TYPES
from runhistory.rules.error_info import CALLSITE_STEPS, SCRIPT_ERROR_TYPES
from runhistory.rules.sync_errors import MA_STEPS, NOT_REIMPORTED

if TYPE_CHECKING:
    from runhistory.generator.build import Shape

DISCOVERY_TYPES = v.enum("ma-object-error/error-type")
IMPORT_TYPES = v.enum("import-error/error-type")
EXPORT_TYPES = v.enum("export-error/error-type")
ALGORITHM_STEPS = v.enum("algorithm-step", first="join")
CALLSITES = v.enum("extension-callsite")
DELTA_OPERATIONS = v.enum("delta/@operation")
ATTR_OPERATIONS = v.enum("attr-delta/@operation")
VALUE_OPERATIONS = v.enum("value-delta/@operation")
ATTR_TYPES = v.enum("attr/@type", first="string")

assert set(CALLSITE_STEPS) | {"initialize"} == set(CALLSITES)


def callsites_for(step: str) -> tuple[str, ...]:
    """The extension call sites that agree with an algorithm step (initialize first)."""
    return ("initialize", *(c for c, steps in CALLSITE_STEPS.items() if step in steps))


# Import error types with parts of their own (change-not-reimported, extension-error-info,
# rules-error-info): drawn more often than their share of the list, so every part shows up.
RICH_IMPORT_TYPES = (
    NOT_REIMPORTED,
    "extension-dll-exception",
    "sync-rule-flow-provisioning-failed",
)


# The counters, in schema order; detail="false" on the few whose type fixes it so.


@dataclass(slots=True)
class RunFacts:
    domain: str
    ma_name: str
    ma_id: str
    run_number: int
    clock: datetime


class Records:
    """Makes error records; mixed into :class:`~.build.Builder`, which sets ``ch`` and ``shape``."""

    ch: Chooser
    shape: Shape

    def discovery_error(
        self,
        ch: Chooser,
        run: RunFacts,
        error_type: str | None = None,
        position: bool | None = None,
    ) -> Node:
        kind = error_type or ch.choice(DISCOVERY_TYPES)
        node = Node("ma-object-error")
        node.add("error-type", kind)
        if kind == "parse-error":
            node.add("entry-number", str(ch.integer(1, 5000)))
            if position if position is not None else ch.boolean():
                node.add("line-number", str(ch.integer(1, 100000)))
                node.add("column-number", str(ch.integer(1, 200)))
        if ch.boolean():
            node.add("dn", v.dn(ch, run.domain))
        if ch.boolean():
            node.add("anchor", v.anchor(ch), **({"encoding": "base64"} if ch.boolean() else {}))
        if kind in ATTRIBUTE_NAME_TYPES and ch.boolean():
            node.add("attribute-name", ch.choice(v.ATTRIBUTES))
        if ch.boolean():
            cd = v.cd_error(ch, node)
            if ch.boolean():
                cd.add("server-error-detail", ch.choice(v.ERROR_LITERALS))
            for _ in range(ch.integer(0, self.shape.sizes[1])):
                cd.add("value", ch.choice(v.ATTRIBUTES))
        return node

    def _occurred(
        self, ch: Chooser, run: RunFacts, start: datetime, end: datetime
    ) -> tuple[str, int, str]:
        """(first-occurred, retry-count, date-occurred) that agree with each other."""
        span = int((end - start).total_seconds() * 1000)
        happened = start + timedelta(milliseconds=ch.integer(0, span))
        retries = ch.integer(0, min(run.run_number - 1, 5))
        first = happened
        if retries:
            first = happened - timedelta(
                days=ch.integer(retries, 3 * retries), seconds=ch.integer(1, 3600)
            )
        return v.when(first), retries, v.when(happened)

    def _algorithm_step(self, ch: Chooser, run: RunFacts, step: str | None = None) -> Node:
        step = step or ch.choice(ALGORITHM_STEPS)
        node = Node("algorithm-step", text=step)
        if step in MA_STEPS:
            if ch.boolean():
                node.attrs["ma-id"] = run.ma_id
            if ch.boolean():
                node.attrs["dn"] = v.dn(ch, run.domain)
        return node

    def import_error(
        self,
        ch: Chooser,
        run: RunFacts,
        start: datetime,
        end: datetime,
        error_type: str | None = None,
        algorithm_step: str | None = None,
    ) -> Node:
        # Large documents (lazy records) draw from the plain list: sizes stay near 550 bytes.
        pools = (IMPORT_TYPES,) if self.shape.lazy_records else (IMPORT_TYPES, RICH_IMPORT_TYPES)
        kind = error_type or ch.choice(ch.choice(pools))
        target = v.dn(ch, run.domain)
        node = Node("import-error", {"cs-guid": v.guid(ch), "dn": target})
        first, retries, happened = self._occurred(ch, run, start, end)
        node.add("first-occurred", first)
        node.add("retry-count", str(retries))
        node.add("date-occurred", happened)
        node.add("error-type", kind)
        if kind == NOT_REIMPORTED and algorithm_step is None:
            algorithm_step = "staging"  # the import that should have confirmed the export
        step = self._algorithm_step(ch, run, algorithm_step)
        node.append(step)
        if kind == NOT_REIMPORTED:
            node.append(self.change_not_reimported(ch, run, target))
        self._error_info(ch, run, node, kind, step.text or "", target)
        return node

    def _error_info(
        self, ch: Chooser, run: RunFacts, node: Node, kind: str, step: str, target: str
    ) -> None:
        if kind in SCRIPT_ERROR_TYPES:
            info = node.add("extension-error-info")
            info.add("extension-name", ch.choice(v.EXTENSIONS))
            info.add("extension-callsite", ch.choice(callsites_for(step)))
            info.add("extension-context", ch.choice(("cd.user:manager->mv.person:manager", "")))
            info.add("call-stack", ch.choice(v.CALL_STACKS))
        if kind.startswith("sync-rule-"):
            node.append(self.rules_error_info(ch, run, step, target))

    def rules_error_info(self, ch: Chooser, run: RunFacts, step: str, target: str) -> Node:
        info = Node("rules-error-info")
        context = info.add("context")
        if step == "import-flow":  # MUST be present then; left out otherwise
            context.attrs.update(
                {
                    "ma-id": run.ma_id,
                    "ma-name": run.ma_name,
                    "cs-object-id": v.guid(ch),
                    "dn": target,
                }
            )
        dest = ch.choice(v.ATTRIBUTES)
        mapping = context.add("attribute-mapping", **{"dest-attr": dest, "context-id": v.guid(ch)})
        style = ch.choice(("direct", "scripted", "constant", "dn-part"))
        if style == "direct":
            src = ch.choice((dest, "dn"))
            m = mapping.add("direct-mapping")
            if src == "dn":
                m.add("src-attribute", src, intrinsic="true")
            else:
                m.add("src-attribute", src)
        elif style == "scripted":
            m = mapping.add("scripted-mapping")
            for _ in range(ch.integer(*self.shape.sizes)):
                m.add("src-attribute", ch.choice(v.ATTRIBUTES))
            m.add("script-context", f"cd.user:{dest}->mv.person:{dest}")
        elif style == "constant":
            mapping.add("constant-mapping").add("constant-value", ch.choice(("Contoso", "1", "")))
        else:
            mapping.add("dn-part-mapping").add("dn-part", str(ch.integer(1, 5)))
        return info

    def change_not_reimported(self, ch: Chooser, run: RunFacts, target: str) -> Node:
        node = Node("change-not-reimported")
        delta = node.add("delta", operation=ch.choice(DELTA_OPERATIONS), dn=target)
        if ch.boolean():
            delta.add("anchor", v.anchor(ch), encoding="base64")
        for _ in range(ch.integer(0, 1)):
            delta.append(self._dn_attr(ch, run, delta=True))
        for _ in range(ch.integer(0, self.shape.sizes[1])):
            delta.append(self._attr(ch, delta=True))
        entry = node.add("entry", dn=target)
        entry.add("anchor", v.anchor(ch), encoding="base64")
        entry.add("parent-anchor", v.anchor(ch), encoding="base64")
        oc = ch.choice(v.OBJECT_CLASSES)
        entry.add("primary-objectclass", oc)
        classes = entry.add("objectclass")
        for name in ("top", oc)[: ch.integer(1, 2)]:
            classes.add("oc-value", name)
        for _ in range(ch.integer(0, 1)):
            entry.append(self._dn_attr(ch, run, delta=False))
        for _ in range(ch.integer(0, self.shape.sizes[1])):
            entry.append(self._attr(ch, delta=False))
        return node

    def _dn_attr(self, ch: Chooser, run: RunFacts, *, delta: bool) -> Node:
        multi = ch.boolean()
        node = Node("dn-attr", {"name": ch.choice(v.DN_ATTRIBUTES)})
        if delta:
            node.attrs = {"operation": ch.choice(ATTR_OPERATIONS), **node.attrs}
        node.attrs["multivalued"] = "true" if multi else "false"
        for _ in range(ch.integer(*self.shape.sizes) if multi else 1):
            value = node.add("dn-value")
            if delta:
                value.attrs["operation"] = ch.choice(VALUE_OPERATIONS)
            value.add("dn", v.dn(ch, run.domain))
            value.add("anchor", v.anchor(ch), encoding="base64")
        return node

    def _attr(self, ch: Chooser, *, delta: bool) -> Node:
        kind = ch.choice(ATTR_TYPES)
        multi = ch.boolean()
        names = {
            "binary": v.BINARY_ATTRIBUTES,
            "string": v.ATTRIBUTES,
            "integer": ("userAccountControl", "employeeNumber"),
            "boolean": ("msExchHideFromAddressLists", "isCriticalSystemObject"),
        }[kind]
        node = Node("attr", {"name": ch.choice(names), "type": kind})
        node.attrs["multivalued"] = "true" if multi else "false"
        if delta:
            node.attrs["operation"] = ch.choice(ATTR_OPERATIONS)
        for _ in range(ch.integer(*self.shape.sizes) if multi else 1):
            if kind == "binary":
                value = node.add("value", v.anchor(ch), encoding="base64")
            elif kind == "integer":
                value = node.add("value", str(ch.integer(0, 66048)))
            elif kind == "boolean":
                value = node.add("value", ch.choice(("true", "false")))
            else:
                value = node.add("value", ch.choice(("Sales", "Engineering", "Manager", "")))
            if delta:
                value.attrs["operation"] = ch.choice(VALUE_OPERATIONS)
        return node

    def export_error(
        self,
        ch: Chooser,
        run: RunFacts,
        start: datetime,
        end: datetime,
        error_type: str | None = None,
    ) -> Node:
        kind = error_type or ch.choice(EXPORT_TYPES)
        node = Node("export-error", {"cs-guid": v.guid(ch), "dn": v.dn(ch, run.domain)})
        first, retries, happened = self._occurred(ch, run, start, end)
        node.add("date-occurred", happened)
        node.add("first-occurred", first)
        node.add("retry-count", str(retries))
        node.add("error-type", kind)
        if kind == "cd-error":
            cd = v.cd_error(ch, node)
            if ch.boolean():
                cd.add("server-error-detail", ch.choice(v.ERROR_LITERALS))
        return node

    def retry_error(
        self,
        ch: Chooser,
        run: RunFacts,
        start: datetime,
        end: datetime,
        error_type: str | None = None,
    ) -> Node:
        kind = error_type or ch.choice(IMPORT_TYPES)
        name = v.person(ch)
        node = Node("retry-error", {"mv-guid": v.guid(ch), "displayname": name})
        span = int((end - start).total_seconds() * 1000)
        node.add("date-occurred", v.when(start + timedelta(milliseconds=ch.integer(0, span))))
        node.add("error-type", kind)
        step = self._algorithm_step(ch, run)
        node.append(step)
        self._error_info(ch, run, node, kind, step.text or "", v.dn(ch, run.domain, name))
        return node
