#!/usr/bin/env python3
"""Generate ``src/runhistory/model/_generated.py`` from the shipped Run Detail XSD.

The schema is read through xmlschema's component model.  The classes cover the *product*
profile's schema (the normative schema with the known product departures of
:mod:`runhistory.rules.product` patched in, a superset of the strict one), so that every document
either profile accepts can be loaded; what only the product profile accepts is marked in the
output and listed in ``PRODUCT_ONLY``.

Naming (deterministic):

- a named complex or simple type: its name without the ``Type`` suffix, in PascalCase
  (``step-detailsType`` -> ``StepDetails``), except the few in ``RENAMES``;
- an anonymous complex type: the PascalCase name of its element (``import-error`` ->
  ``ImportError``); when two components would get the same name, each is prefixed with the
  class that holds it, sharing a repeated word once (``cd-error`` in ``Incident`` ->
  ``IncidentCdError``);
- an anonymous enumeration: the name of its element or attribute, prefixed the same way on a
  clash (``error-type`` in ``ExportError`` -> ``ExportErrorType``); the enumeration of a
  simple-content type is that class's name plus ``Value``.

Only the types reachable from ``<run-history>`` get a class: ``stepResultType`` and
``algorithmStepType`` serve only as bases of restrictions.

Run ``python tools/gen_model.py`` (or ``make model``) after changing the schema or this script;
``--check`` exits 1 when the committed module differs (the test suite runs it).
"""

from __future__ import annotations

import argparse
import keyword
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import xmlschema
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from runhistory.rules.product import PATCHES  # noqa: E402

SCHEMA = REPO / "schema" / "ms-upsmods-run-details.xsd"
TARGET = REPO / "src" / "runhistory" / "model" / "_generated.py"
XS = "{http://www.w3.org/2001/XMLSchema}"

RENAMES = {
    # algorithmStepType is only the base of this restriction and gets no class of its own.
    "algorithmStepRestrictedType": "AlgorithmStep",
}

# Simple types (by name, walking up the base types) to Python types.
SIMPLE = {
    "guidType": "uuid.UUID",
    "dateTimeNoT": "datetime",
    "numberType": "int",
    f"{XS}unsignedInt": "int",
    f"{XS}unsignedByte": "int",
    f"{XS}boolean": "bool",
    f"{XS}string": "str",
}


def pascal(name: str) -> str:
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", name)
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name).replace("_", "-").split("-")
    return "".join(w[:1].upper() + w[1:].lower() for w in words if w)


def snake(name: str) -> str:
    out = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).replace("-", "_").lower()
    return out + "_" if keyword.iskeyword(out) else out


def merge(prefix: str, name: str) -> str:
    """PascalCase ``prefix`` + ``name``, sharing a word the two have at the seam once."""
    left = re.findall(r"[A-Z][a-z0-9]*", prefix)
    right = re.findall(r"[A-Z][a-z0-9]*", name)
    if left and right and left[-1] == right[0]:
        right = right[1:]
    return "".join(left + right)


def type_name(name: str) -> str:
    return RENAMES.get(name) or pascal(name[:-4] if name.endswith("Type") else name)


@dataclass
class Enum_:
    key: str  # stable identity: named type name, or path of the owner
    name: str
    values: list[str]
    doc: str


@dataclass
class Field:
    py: str
    xml: str | None
    node: str  # "attribute", "text", "element"
    occurs: str  # "one", "optional", "many", "some" (one or more)
    ptype: str  # Python type expression
    default: str | None  # source of the default (None: required)


@dataclass
class Class_:
    key: str
    name: str
    doc: str
    fields: list[Field] = field(default_factory=list)


class Builder:
    def __init__(self, schema: xmlschema.XMLSchema10) -> None:
        self.schema = schema
        self.classes: dict[int, Class_] = {}
        self.order: list[Class_] = []
        self.enums: dict[int, Enum_] = {}
        self.enum_order: list[Enum_] = []
        # Anonymous classes and enums waiting for a name: (it, element name, holder, kind).
        self.pending_names: list[tuple[object, str, Class_ | None, str]] = []
        # Enumerations of simple-content values, named after their class once it has a name.
        self.value_enums: list[tuple[Enum_, Class_]] = []

    # -- simple types ------------------------------------------------------------------------
    def simple(
        self,
        st: object,
        owner: Class_ | None,
        xml_name: str,
        value: bool = False,
        attr: bool = False,
    ) -> str:
        enum = getattr(st, "enumeration", None)
        if enum:
            return self.enum_for(st, owner, xml_name, value, attr)
        t: object | None = st
        while t is not None:
            name = getattr(t, "name", None)
            if name in SIMPLE:
                return SIMPLE[name]
            t = getattr(t, "base_type", None)
        raise SystemExit(f"gen_model: no Python type for simple type of {xml_name}")

    def enum_for(
        self, st: object, owner: Class_ | None, xml_name: str, value: bool, attr: bool
    ) -> str:
        if id(st) in self.enums:
            return f"@{id(self.enums[id(st)])}"
        name = getattr(st, "name", None)
        if name:
            e = Enum_(name, type_name(name), list(st.enumeration), f"XSD simple type ``{name}``.")  # type: ignore[attr-defined]
        else:
            assert owner is not None
            node = f"@{xml_name}" if attr else f"<{xml_name}>"
            where = f"{node} in @{id(owner)}" if not value else f"the value of @{id(owner)}"
            e = Enum_(
                f"{owner.key}/{xml_name}",
                "",
                list(st.enumeration),  # type: ignore[attr-defined]
                f"The anonymous enumeration of {where}.",
            )
            if value:
                self.value_enums.append((e, owner))
            else:
                self.pending_names.append((e, xml_name, owner, "enum"))
        self.enums[id(st)] = e
        self.enum_order.append(e)
        return f"@{id(e)}"

    # -- complex types -----------------------------------------------------------------------
    def complex(self, ct: object, element: str, owner: Class_ | None) -> str:
        if id(ct) in self.classes:
            return f"@{id(self.classes[id(ct)])}"
        name = getattr(ct, "name", None)
        if name:
            cls = Class_(name, type_name(name), f"XSD complex type ``{name}``.")
        else:
            where = f" in @{id(owner)}" if owner else ""
            cls = Class_(
                f"{owner.key if owner else ''}/{element}",
                "",
                f"The anonymous complex type of <{element}>{where}.",
            )
            self.pending_names.append((cls, element, owner, "class"))
        self.classes[id(ct)] = cls
        self.fill(cls, ct)
        self.order.append(cls)  # post-order: a class comes after the classes it uses
        return f"@{id(cls)}"

    def fill(self, cls: Class_, ct: object) -> None:
        for aname, attr in ct.attributes.items():  # type: ignore[attr-defined]
            ptype = self.simple(attr.type, cls, aname, attr=True)
            required = attr.use == "required"
            if required and attr.fixed is not None:
                default: str | None = repr(attr.fixed)
            else:
                default = None if required else "None"
            cls.fields.append(
                Field(
                    snake(aname),
                    aname,
                    "attribute",
                    "one" if required else "optional",
                    ptype if required else f"{ptype} | None",
                    default,
                )
            )
        if ct.has_simple_content():  # type: ignore[attr-defined]
            ptype = self.simple(ct.content, cls, "", value=True)  # type: ignore[attr-defined]
            cls.fields.insert(0, Field("value", None, "text", "one", ptype, None))
            return
        if not ct.content or not hasattr(ct.content, "iter_elements"):  # type: ignore[attr-defined]
            return
        self.group(cls, ct.content, optional=False, many=False)  # type: ignore[attr-defined]

    def group(self, cls: Class_, group: object, optional: bool, many: bool) -> None:
        model = group.model  # type: ignore[attr-defined]
        optional = optional or group.min_occurs == 0 or model == "choice"  # type: ignore[attr-defined]
        many = many or group.max_occurs != 1  # type: ignore[attr-defined]
        for item in group:  # type: ignore[attr-defined]
            if hasattr(item, "model"):
                self.group(cls, item, optional, many)
                continue
            self.element(cls, item, optional, many)

    def element(self, cls: Class_, el: object, optional: bool, many: bool) -> None:
        xml = el.name  # type: ignore[attr-defined]
        t = el.type  # type: ignore[attr-defined]
        if t.name == f"{XS}anyType":
            ptype = "AnyXml"
        elif t.is_simple():
            ptype = self.simple(t, cls, xml)
        else:
            ptype = self.complex(t, xml, cls)
        lo = 0 if optional else el.min_occurs  # type: ignore[attr-defined]
        hi_many = many or el.max_occurs != 1  # type: ignore[attr-defined]
        if hi_many:
            occurs, annot = ("some" if lo >= 1 else "many"), f"tuple[{ptype}, ...]"
            default = None if lo >= 1 else "()"
        elif lo == 0:
            occurs, annot, default = "optional", f"{ptype} | None", "None"
        else:
            occurs, annot, default = "one", ptype, None
        if any(f.py == snake(xml) for f in cls.fields):
            raise SystemExit(f"gen_model: two fields named {snake(xml)} in {cls.key}")
        cls.fields.append(Field(snake(xml), xml, "element", occurs, annot, default))

    # -- names -------------------------------------------------------------------------------
    def resolve_names(self) -> None:
        taken = {c.name for c in self.order if c.name} | {e.name for e in self.enum_order if e.name}
        # Ask each pending component for its plain name; clashing ones get their owner's prefix.
        plain: dict[str, list[tuple[object, str, Class_ | None, str]]] = {}
        for item in self.pending_names:
            plain.setdefault(pascal(item[1]), []).append(item)
        # Resolve owners first (an owner may itself be anonymous): repeat until stable.
        for _ in range(10):
            for candidate, items in sorted(plain.items()):
                for comp, _xml, owner, _kind in items:
                    if getattr(comp, "name", ""):
                        continue
                    if len(items) == 1 and candidate not in taken:
                        comp.name = candidate  # type: ignore[attr-defined]
                    elif owner is not None and owner.name:
                        comp.name = merge(owner.name, candidate)  # type: ignore[attr-defined]
                    else:
                        continue
                    taken.add(comp.name)  # type: ignore[attr-defined]
        for enum, cls in self.value_enums:
            enum.name = cls.name + "Value"
        names = [c.name for c in self.order] + [e.name for e in self.enum_order]
        if "" in names or len(set(names)) != len(names):
            raise SystemExit(f"gen_model: names not unique or unresolved: {sorted(names)}")

    def placeholder_map(self) -> dict[str, str]:
        out = {f"@{id(c)}": c.name for c in self.order}
        out.update({f"@{id(e)}": e.name for e in self.enum_order})
        return out


def load_schema(product: bool) -> xmlschema.XMLSchema10:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    doc = etree.parse(str(SCHEMA), parser)
    if product:
        for patch in PATCHES:
            patch(doc)
    return xmlschema.XMLSchema10(etree.tostring(doc, encoding="unicode"))


def build(product: bool) -> Builder:
    b = Builder(load_schema(product))
    root = b.schema.elements["run-history"]
    b.complex(root.type, "run-history", None)
    b.resolve_names()
    return b


def render(b: Builder, strict: Builder) -> str:
    subst = b.placeholder_map()

    def resolve(text: str) -> str:
        return re.sub(r"@\d+", lambda m: subst[m.group(0)], text)

    strict_fields = {(c.key, f.xml, f.node): f.occurs for c in strict.order for f in c.fields}
    strict_values = {(e.key, v) for e in strict.enum_order for v in e.values}
    product_only: list[str] = []

    out: list[str] = [
        '"""The typed RunDetails model, generated by tools/gen_model.py from',
        "schema/ms-upsmods-run-details.xsd (with the product profile's departures patched in).",
        "",
        "Do not edit: change the schema or the generator and run ``make model``.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import uuid",
        "from dataclasses import FrozenInstanceError, field",
        "from datetime import datetime",
        "from enum import StrEnum",
        "from typing import TYPE_CHECKING, Any",
        "",
        "from runhistory.model._base import AnyXml, Lexical, xml",
        "",
        "if TYPE_CHECKING:",
        "    from dataclasses import dataclass as model",
        "else:  # the fields and slots of @dataclass; the methods are written out below",
        "    from runhistory.model._base import model",
        "",
        "_set = object.__setattr__",
        "",
        "",
        "def _frozen_setattr(self: Any, name: str, value: Any) -> None:",
        '    raise FrozenInstanceError(f"cannot assign to field {name!r}")',
        "",
        "",
        "def _frozen_delattr(self: Any, name: str) -> None:",
        '    raise FrozenInstanceError(f"cannot delete field {name!r}")',
        "",
        "",
        "def _getstate(self: Any) -> list[Any]:",
        "    return [getattr(self, name) for name in self.__slots__]",
        "",
        "",
        "def _setstate(self: Any, state: list[Any]) -> None:",
        "    for name, value in zip(self.__slots__, state, strict=False):",
        "        _set(self, name, value)",
        "",
    ]
    for e in b.enum_order:
        out += ["", f"class {e.name}(StrEnum):", f'    """{resolve(e.doc)}"""', ""]
        for v in e.values:
            member = re.sub(r"\W", "_", v).upper()
            if member[:1].isdigit():
                member = "V_" + member
            note = ""
            if (e.key, v) not in strict_values:
                note = "  # product profile only"
                product_only.append(f"{e.name}.{member}")
            out.append(f'    {member} = "{v}"{note}')
        out.append("")
    for c in b.order:
        out += [
            "",
            "@model(frozen=True, slots=True, kw_only=True)",
            f"class {c.name}:",
            f'    """{resolve(c.doc)}"""',
            "",
        ]
        for f in c.fields:
            args = [repr(f.xml)] if f.xml is not None else ["None"]
            ptype = resolve(f.ptype)
            base = re.sub(r"^tuple\[(.*), \.\.\.\]$", r"\1", ptype).removesuffix(" | None")
            args.append(base)
            if f.node != "element":
                args.append(f'node="{f.node}"')
            if f.occurs != "one":
                args.append(f'occurs="{f.occurs}"')
            meta = f"xml({', '.join(args)})"
            default = f"default={f.default}, " if f.default is not None else ""
            note = ""
            strict_occurs = strict_fields.get((c.key, f.xml, f.node))
            if strict_occurs != f.occurs:
                note = "  # product profile only"
                if strict_occurs is not None:
                    note = "  # more than one: product profile only"
                product_only.append(f"{c.name}.{f.py}")
            out.append(f"    {f.py}: {ptype} = field({default}metadata={meta}){note}")
        out.append("    _lexical: Lexical = field(default=(), repr=False, compare=False)")
        out += methods(c, resolve)
        out.append("")
    out += [
        "",
        "ROOT = RunHistory",
        '"""The class of the document element, <run-history>."""',
        "",
        "PRODUCT_ONLY: frozenset[str] = frozenset(",
        "    {",
        *[f'        "{p}",' for p in sorted(product_only)],
        "    }",
        ")",
        '"""Fields and enum members that only the product profile accepts (``Class.member``)."""',
        "",
        "__all__ = [",
        '    "PRODUCT_ONLY",',
        '    "ROOT",',
        *[
            f'    "{n}",'
            for n in sorted([c.name for c in b.order] + [e.name for e in b.enum_order])
        ],
        "]",
        "",
    ]
    return "\n".join(out)


def methods(c: Class_, resolve: Callable[[str], str]) -> list[str]:
    """The methods ``@dataclass(frozen=True, slots=True, kw_only=True)`` would compile for the
    class at every start (about 30 ms for the model), written out once here: ``__init__``,
    ``__repr__``, ``__eq__`` and ``__hash__`` as that decorator writes them; the frozen
    ``__setattr__`` and ``__delattr__`` and the pickling of a slotted class are shared."""
    params = [
        f"{f.py}: {resolve(f.ptype)}" + (f" = {f.default}" if f.default else "") for f in c.fields
    ]
    params.append("_lexical: Lexical = ()")
    names = [f.py for f in c.fields]
    mine = ", ".join(f"self.{n}" for n in names)
    theirs = ", ".join(f"other.{n}" for n in names)
    key = f"({mine},)" if names else "()"
    shown = [
        f'            f"{n}={{self.{n}!r}}' + (', "' if i < len(names) - 1 else '"')
        for i, n in enumerate(names)
    ]
    return [
        "",
        "    def __init__(self, *, " + ", ".join(params) + ") -> None:",
        *[f'        _set(self, "{n}", {n})' for n in [*names, "_lexical"]],
        "",
        "    def __repr__(self) -> str:",
        "        return (",
        '            f"{self.__class__.__qualname__}("',
        *shown,
        '            ")"',
        "        )",
        "",
        "    def __eq__(self, other: object) -> bool:",
        "        if other.__class__ is not self.__class__:",
        "            return NotImplemented",
        f"        return ({mine},) == ({theirs},)" if names else "        return True",
        "",
        "    def __hash__(self) -> int:",
        f"        return hash({key})",
        "",
        "    __setattr__ = _frozen_setattr",
        "    __delattr__ = _frozen_delattr",
        "    __getstate__ = _getstate",
        "    __setstate__ = _setstate",
    ]


def ruff_format(text: str) -> str:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        raise SystemExit("gen_model: ruff is needed to format the output (pip install ruff)")
    done = subprocess.run(
        [ruff, "format", "--stdin-filename", str(TARGET), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"gen_model: ruff format failed: {done.stderr.strip()}")
    return done.stdout


def generate() -> str:
    product = build(product=True)
    strict = build(product=False)
    return ruff_format(render(product, strict))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the module is stale")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            sys.stderr.write(f"{TARGET.relative_to(REPO)} is stale: run make model\n")
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
