"""What the normative schema allows inside an element, found by the element's path.

libxml2 says only "This element is not expected." when an element comes after its parent's
content is complete; the S101 message names what the parent may hold instead.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from lxml import etree

_XS = "{http://www.w3.org/2001/XMLSchema}"
_STEP = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*)(?:\[\d+\])?$")
_GROUPS = (f"{_XS}sequence", f"{_XS}choice", f"{_XS}all")

Element = etree._Element


@cache
def schema_doc() -> etree._ElementTree:
    """The normative schema (the shipped file; xsd.py imports this module)."""
    ref = resources.files("runhistory") / "schema" / "ms-upsmods-run-details.xsd"
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(ref.read_bytes(), parser).getroottree()


@cache
def _types() -> dict[str, Element]:
    return {name: ct for ct in schema_doc().iter(f"{_XS}complexType") if (name := ct.get("name"))}


def _complex_type(decl: Element) -> Element | None:
    type_name = decl.get("type")
    if type_name is not None:
        return _types().get(type_name.strip())
    return decl.find(f"{_XS}complexType")


def _particles(node: Element) -> list[Element]:
    """The element declarations of a complex type's content, in order (groups flattened,
    an extension's base type first)."""
    out: list[Element] = []
    for item in node:
        if item.tag == f"{_XS}element":
            out.append(item)
        elif item.tag in _GROUPS:
            out.extend(_particles(item))
        elif item.tag in (f"{_XS}complexContent", f"{_XS}extension"):
            base = _types().get(item.get("base", ""))
            if base is not None:
                out.extend(_particles(base))
            out.extend(_particles(item))
    return out


def children_of(path: str) -> list[tuple[str, str]] | None:
    """(name, maxOccurs) of each child the schema declares for the element at ``path`` (an
    XPath-like path from /run-history or from a record), or None when the path leaves the
    schema."""
    steps = [m["name"] if (m := _STEP.match(s)) else None for s in path.strip("/").split("/")]
    if not steps or None in steps:
        return None
    # From /run-history, or (streaming validates each record on its own) from a record, whose
    # name the schema declares once.
    decl: Element | None = next(
        (d for d in schema_doc().getroot().iter(f"{_XS}element") if d.get("name") == steps[0]),
        None,
    )
    for name in steps[1:]:
        ct = None if decl is None else _complex_type(decl)
        decl = (
            None if ct is None else next((d for d in _particles(ct) if d.get("name") == name), None)
        )
    ct = None if decl is None else _complex_type(decl)
    if ct is None:
        return None
    return [(str(d.get("name")), d.get("maxOccurs", "1")) for d in _particles(ct)]


def not_allowed(el: str, path: str) -> str | None:
    """The S101 message for ``<el>`` at ``path`` where its parent's content is already complete,
    naming what the parent may contain; None when the schema does not say."""
    parent_path, _, _ = path.rpartition("/")
    parent = _STEP.match(parent_path.rpartition("/")[2])
    allowed = children_of(parent_path)
    if parent is None or not allowed:
        return None
    names = [name for name, _ in allowed]
    holder = f"<{parent['name']}>"
    if el in names and dict(allowed)[el] == "1":
        return f"<{el}> is not allowed here (repeated): {holder} holds one <{el}> only"
    listed = ", ".join(f"<{n}>" for n in names)
    order = ", in that order" if len(names) > 1 else ""
    return f"<{el}> is not allowed here: {holder} may contain only {listed}{order}"
