"""What the rules of 2.2.1.1.1.4 and 2.2.1.1.1.5 read from one import-error, export-error or
retry-error, read once per record: about ten rules run on each record when it ends, and a
document may hold many thousands of records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runhistory.rules._support import import_error_types, placed, raw
from runhistory.rules.engine import Context, Element


@dataclass(frozen=True, slots=True)
class Record:
    element: Element
    placed: bool  # where the schema puts a record of its name
    children: dict[str, Element]  # the first child of each name
    error_type: str | None  # an import or retry error type the spec lists, else None
    step: str  # algorithm-step's text as the XSD compares it ('' without one)
    derived: dict[str, Any] = field(default_factory=dict)  # what rules derive, for the next

    def child(self, name: str) -> Element | None:
        return self.children.get(name)

    def find(self, name: str, path: str) -> Element | None:
        """The element at ``path`` below the child ``name``."""
        top = self.children.get(name)
        return None if top is None else top.find(path)


def record(el: Element, ctx: Context) -> Record:
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
        placed=placed(el),
        children=children,
        error_type=kind if kind in import_error_types() else None,
        step=raw(children.get("algorithm-step")),
    )
    ctx.state["_record"] = found
    return found
