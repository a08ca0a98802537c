"""What the rules of 2.2.1.1.1.4 and 2.2.1.1.1.5 read from one import-error, export-error or
retry-error, read once per record: about ten rules run on each record when it ends, and a
document may hold many thousands of records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runhistory.rules._support import import_error_types, raw
from runhistory.rules.engine import Element, RuleContext, first


@dataclass(slots=True)  # not frozen: a frozen dataclass is slower to build, once per record
class Record:
    element: Element
    children: dict[str, Element]  # the first child of each name
    error_type: str | None  # an import or retry error type the spec lists, else None
    step: str  # algorithm-step's text as the XSD compares it ('' without one)
    derived: dict[str, Any] = field(default_factory=dict)  # what rules derive, for the next

    def child(self, name: str) -> Element | None:
        return self.children.get(name)

    def find(self, name: str, path: str) -> Element | None:
        """The element at ``path`` (child names joined by '/') below the child ``name``: the
        first in document order, as ``top.find(path)`` gives it, without ElementPath."""
        top = self.children.get(name)
        return None if top is None else first(top, path)


def record(el: Element, ctx: RuleContext) -> Record:
    """The facts of the record ``el``, from ``ctx.state`` when a rule already read them."""
    memo = ctx.state.get("_record")
    if isinstance(memo, Record) and memo.element is el:
        return memo
    children: dict[str, Element] = {}
    for item in el:
        if isinstance(item.tag, str):
            children.setdefault(item.tag, item)
    kind = raw(children.get("error-type"))
    found = Record(
        element=el,
        children=children,
        error_type=kind if kind in import_error_types() else None,
        step=raw(children.get("algorithm-step")),
    )
    ctx.state["_record"] = found
    return found
