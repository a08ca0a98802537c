"""Reading XML into model objects: one pass over an lxml tree that validation has already
checked, with a reader compiled once per class (no schema calls per element)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum
from functools import cache
from types import MemberDescriptorType
from typing import Any

from lxml import etree

from runhistory.model._base import AnyXml
from runhistory.model._types import (
    Slot,
    Unreadable,
    as_string,
    has_default,
    layout,
    tolerant_enum_read,
)

# -- reading XML ----------------------------------------------------------------------------


def _any_xml(el: etree._Element) -> AnyXml:
    return AnyXml.from_element(el)


Reader = Callable[[etree._Element], Any]


@cache
def reader(cls: Any, tolerant: bool = False) -> Reader:
    """A function from a (valid) element to an instance of ``cls``.

    The function is compiled once per class from its layout: straight-line code that reads the
    attributes, then dispatches on each child's tag, with the converters bound as defaults.
    Nested classes get their own reader on first use.

    ``tolerant`` reads an element the schema check did not pass: a value outside an
    enumeration becomes an :func:`~._types.unknown_member`, unknown children are skipped, and a
    missing required node or text not of its type raises :class:`~._types.Unreadable`.
    """
    source = _Source(cls, tolerant)
    body = _guarded(source.body) if tolerant else ["    " + b for b in source.body]
    lines = ["def read(el):", "    lex = []", *body]
    lines += _construct(cls, [*source.out, "_lexical=tuple(lex) if lex else ()"], source.env)
    # The source is built above from the class's own layout, never from input.
    exec(compile("\n".join(lines), f"<reader of {cls.__name__}>", "exec"), source.env)
    read: Reader = source.env["read"]
    return read


def _construct(cls: Any, out: list[str], env: dict[str, Any]) -> list[str]:
    """The lines that make the instance from ``out`` (``field=expression``, every field).

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which is
    most of the time a read takes; for a slotted class without ``__post_init__`` the instance is
    made and its slots are set directly (the same object, five times faster)."""
    values = dict(o.split("=", 1) for o in out)
    fields = dataclasses.fields(cls)
    slotted = all(isinstance(getattr(cls, f.name, None), MemberDescriptorType) for f in fields)
    if hasattr(cls, "__post_init__") or not slotted or {f.name for f in fields} != set(values):
        return [f"    return CLS({', '.join(out)})"]
    env["NEW"] = object.__new__
    lines = ["    o = NEW(CLS)"]
    for k, f in enumerate(fields):
        env[f"SET{k}"] = getattr(cls, f.name).__set__
        lines.append(f"    SET{k}(o, {values[f.name]})")
    return [*lines, "    return o"]


class _Source:
    """The body of a class's reader: ``body`` (lines), ``out`` (the constructor's keyword
    arguments) and ``env`` (the names the lines use)."""

    def __init__(self, cls: Any, tolerant: bool) -> None:
        self.cls, self.tolerant = cls, tolerant
        self.layout = layout(cls)
        self.env: dict[str, Any] = {"CLS": cls, "UNREADABLE": Unreadable, "MISSING": _missing_node}
        self.out: list[str] = []
        self.body: list[str] = []
        self._attributes()
        if self.layout.text is not None:
            i = len(self.layout.attributes)
            self.body.append("t = el.text or ''")
            self.body += self.convert(i, self.layout.text, "t", "value", "lex")
            self.out.append("value=value")
        elif self.layout.elements:
            self._elements()

    def convert(self, i: int, s: Slot, raw: str, target: str, into: str) -> list[str]:
        """Lines that convert text ``raw`` into ``target``, noting non-canonical text."""
        simple = s.simple
        assert simple is not None
        tolerant = self.tolerant and _is_enum(s)
        self.env[f"R{i}"] = tolerant_enum_read(s.type) if tolerant else simple.read
        plain = simple.read is as_string
        code = [f"{target} = {raw}"] if plain else [f"{target} = R{i}({raw})"]
        if simple.canonical is not None and into:
            self.env[f"C{i}"] = simple.canonical
            code += [
                f"if not C{i}({raw}):",
                f"    lex.append(({s.py!r}, {target}, {raw}))",
            ]
        return code

    def _attributes(self) -> None:
        for i, s in enumerate(self.layout.attributes):
            self.body.append(f"a{i} = el.get({s.xml!r})")
            if self.tolerant and _required(self.cls, s):
                self.body.append(f"if a{i} is None: raise MISSING(el, {_missing(s)!r})")
            if s.occurs == "optional":
                self.body.append(f"if a{i} is not None:")
                self.body += ["    " + c for c in self.convert(i, s, f"a{i}", f"v{i}", "lex")]
                self.body += ["else:", f"    v{i} = None"]
            else:
                self.body += self.convert(i, s, f"a{i}", f"v{i}", "lex")
            self.out.append(f"{s.py}=v{i}")

    def _elements(self) -> None:
        base = len(self.layout.attributes) + 1
        for k, s in enumerate(self.layout.elements):
            n = base + k
            if s.occurs in ("many", "some"):
                self.body.append(f"e{n} = []")
                self.out.append(f"{s.py}=tuple(e{n})")
            else:
                self.body.append(f"e{n} = None")
                self.out.append(f"{s.py}=e{n}")
        self.body += ["for child in el:", "    tag = child.tag"]
        for k, s in enumerate(self.layout.elements):
            n = base + k
            self.body.append(f"    {'elif' if k else 'if'} tag == {s.xml!r}:")
            self.body += ["        " + c for c in self._child(n, s)]
        if self.tolerant:
            self.body += _required_checks(self.cls, self.layout.elements, base)

    def _child(self, n: int, s: Slot) -> list[str]:
        repeated = s.occurs in ("many", "some")
        if s.type is AnyXml:
            self.env["ANY"] = _any_xml
            code = ["x = ANY(child)"]
        elif s.simple is None:
            self.env[f"S{n}"] = _on_first_use(s.type, self.tolerant, self.env, f"S{n}")
            code = [f"x = S{n}(child)"]
        else:
            code = ["raw = child.text or ''"]
            code += self.convert(n, s, "raw", "x", "" if repeated else "lex")
        code.append(f"e{n}.append(x)" if repeated else f"e{n} = x")
        return code


def _on_first_use(cls: Any, tolerant: bool, env: dict[str, Any], name: str) -> Reader:
    """The reader of a nested class, compiled when an element of it is first read (a document
    uses a part of the model's classes; compiling every reader costs start-up time), then
    put in ``env`` in place of this stand-in."""

    def first(el: etree._Element) -> Any:
        read = reader(cls, tolerant)
        env[name] = read
        return read(el)

    return first


def _is_enum(s: Slot) -> bool:
    return isinstance(s.type, type) and issubclass(s.type, Enum)


def _required(cls: Any, s: Slot) -> bool:
    return s.occurs in ("one", "some") and not has_default(cls, s.py)


def _required_checks(cls: Any, elements: list[Slot], base: int) -> list[str]:
    """Lines that raise :class:`Unreadable` when a required child was not found."""
    out = []
    for k, s in enumerate(elements):
        if _required(cls, s):
            test = f"not e{base + k}" if s.occurs == "some" else f"e{base + k} is None"
            out.append(f"if {test}: raise MISSING(el, {_missing(s)!r})")
    return out


def _guarded(body: list[str]) -> list[str]:
    """``body`` indented in a try that turns a conversion error into :class:`Unreadable`."""
    return [
        "    try:",
        *("        " + b for b in body),
        "    except UNREADABLE:",
        "        raise",
        "    except (ValueError, KeyError, TypeError) as err:",
        "        raise MISSING(el, str(err)) from None",
    ]


def _missing_node(el: etree._Element, what: str) -> Unreadable:
    line = el.sourceline
    return Unreadable(line if isinstance(line, int) else None, f"<{el.tag}>: {what}")


def _missing(s: Slot) -> str:
    return f"attribute {s.xml} is missing" if s.node == "attribute" else f"<{s.xml}> is missing"
