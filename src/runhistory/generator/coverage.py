"""Which XSD components generated documents use: element declarations, attribute declarations
and enumeration values, read from the shipped schema's component model (xmlschema).

A component is counted once however many places reach it: the elements of
extensionErrorInfoType serve import-error and retry-error alike, and binaryAnchorType's
@encoding every anchor.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from runhistory.generator.node import Node

ROOT = "run-history"


@dataclass(slots=True)
class _Universe:
    elements: dict[int, str] = field(default_factory=dict)  # id(decl) -> a path to it
    attributes: dict[int, str] = field(default_factory=dict)  # id(attr decl) -> path/@name
    enumerations: dict[tuple[int, str], str] = field(default_factory=dict)  # -> "path = value"
    children: dict[int, dict[str, Any]] = field(default_factory=dict)  # id(decl) -> name -> decl
    root: Any = None


def _simple_of(decl: Any) -> Any:
    t = decl.type
    if t.is_simple():
        return t
    content = t.content
    return content if getattr(content, "is_simple", lambda: False)() else None


def _enumeration(t: Any) -> list[str]:
    values = getattr(t, "enumeration", None) if t is not None else None
    return [str(x) for x in values] if values else []


@cache
def universe() -> _Universe:
    import xmlschema

    from runhistory.schema_facts import schema_path

    schema = xmlschema.XMLSchema(str(schema_path()))
    u = _Universe()

    def walk(decl: Any, path: str) -> None:
        u.elements.setdefault(id(decl), path)
        for value in _enumeration(_simple_of(decl)):
            u.enumerations.setdefault((id(_simple_of(decl)), value), f"{path} = {value}")
        t = decl.type
        if not t.is_complex():
            return
        for name, attr in t.attributes.items():
            if not isinstance(name, str):
                continue
            u.attributes.setdefault(id(attr), f"{path}/@{name}")
            for value in _enumeration(attr.type):
                u.enumerations.setdefault((id(attr.type), value), f"{path}/@{name} = {value}")
        kids: dict[str, Any] = {}
        content = t.content
        if hasattr(content, "iter_elements"):
            for child in content.iter_elements():
                if isinstance(child, xmlschema.validators.XsdElement):
                    kids[child.local_name] = child
                    walk(child, f"{path}/{child.local_name}")
        u.children[id(decl)] = kids

    u.root = schema.elements[ROOT]
    walk(u.root, "/" + ROOT)
    return u


@dataclass(slots=True)
class Coverage:
    elements: set[int] = field(default_factory=set)
    attributes: set[int] = field(default_factory=set)
    enumerations: set[tuple[int, str]] = field(default_factory=set)

    def add(self, root: Node) -> None:
        u = universe()
        if root.tag == ROOT:
            self._visit(root, u.root, u)

    def _visit(self, node: Node, decl: Any, u: _Universe) -> None:
        self.elements.add(id(decl))
        simple = _simple_of(decl)
        if node.text is not None and node.text in _enumeration(simple):
            self.enumerations.add((id(simple), node.text))
        t = decl.type
        if t.is_complex():
            for name, value in node.attrs.items():
                attr = t.attributes.get(name)
                if attr is None:
                    continue
                self.attributes.add(id(attr))
                if value in _enumeration(attr.type):
                    self.enumerations.add((id(attr.type), value))
        kids = u.children.get(id(decl), {})
        for child in node.children:
            if child.tag in kids:
                self._visit(child, kids[child.tag], u)

    def missing(self) -> dict[str, list[str]]:
        u = universe()
        return {
            "elements": sorted(p for k, p in u.elements.items() if k not in self.elements),
            "attributes": sorted(p for k, p in u.attributes.items() if k not in self.attributes),
            "enumeration values": sorted(
                p for k, p in u.enumerations.items() if k not in self.enumerations
            ),
        }

    def summary(self) -> list[tuple[str, int, int]]:
        u = universe()
        return [
            ("elements", len(self.elements & set(u.elements)), len(u.elements)),
            ("attributes", len(self.attributes & set(u.attributes)), len(u.attributes)),
            (
                "enumeration values",
                len(self.enumerations & set(u.enumerations)),
                len(u.enumerations),
            ),
        ]

    def complete(self) -> bool:
        return all(got == total for _, got, total in self.summary())

    def report(self) -> Iterator[str]:
        for what, got, total in self.summary():
            yield f"{what}: {got}/{total} ({100 * got / total:.1f}%)"
        for what, paths in self.missing().items():
            for path in paths:
                yield f"  not generated ({what}): {path}"
