"""Reading XML into model objects: one pass over an lxml tree that validation has already
checked, with a reader compiled once per class (no schema calls per element)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from lxml import etree

from runhistory.model._base import AnyXml
from runhistory.model._types import Slot, as_string, layout

# -- reading XML ----------------------------------------------------------------------------


def _any_xml(el: etree._Element) -> AnyXml:
    return AnyXml.from_element(el)


Reader = Callable[[etree._Element], Any]


@cache
def reader(cls: Any) -> Reader:
    """A function from a (valid) element to an instance of ``cls``.

    The function is compiled once per class from its layout: straight-line code that reads the
    attributes, then dispatches on each child's tag, with the converters bound as defaults.
    Nested classes get their own reader on first use.
    """
    source = _Source(cls)
    lines = ["def read(el):", "    lex = []", *("    " + b for b in source.body)]
    args = ", ".join([*source.out, "_lexical=tuple(lex) if lex else ()"])
    lines.append(f"    return CLS({args})")
    # The source is built above from the class's own layout, never from input.
    exec(compile("\n".join(lines), f"<reader of {cls.__name__}>", "exec"), source.env)
    read: Reader = source.env["read"]
    return read


class _Source:
    """The body of a class's reader: ``body`` (lines), ``out`` (the constructor's keyword
    arguments) and ``env`` (the names the lines use)."""

    def __init__(self, cls: Any) -> None:
        self.layout = layout(cls)
        self.env: dict[str, Any] = {"CLS": cls}
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
        self.env[f"R{i}"] = simple.read
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

    def _child(self, n: int, s: Slot) -> list[str]:
        repeated = s.occurs in ("many", "some")
        if s.type is AnyXml:
            self.env["ANY"] = _any_xml
            code = ["x = ANY(child)"]
        elif s.simple is None:
            self.env[f"S{n}"] = reader(s.type)  # the schema has no recursive types
            code = [f"x = S{n}(child)"]
        else:
            code = ["raw = child.text or ''"]
            code += self.convert(n, s, "raw", "x", "" if repeated else "lex")
        code.append(f"e{n}.append(x)" if repeated else f"e{n} = x")
        return code
