"""Facts of the shipped normative XSD, read once per process: the one place that reads them.

Rules, streaming, the generator, schema patches and :mod:`runhistory.status` ask here instead of
restating what the schema says:

- :func:`values`: an enumeration (step results, error types, ...), in schema order;
- :func:`parents`: the elements an element of a name may sit in (``None``: the root);
- :func:`children` and :func:`counters`: a content model's child names in order, and whether
  each counter carries ``detail="true"``;
- :data:`RECORDS` and :func:`ancestry`: the repeated records and where they sit;
- :func:`declaration` and :func:`type_declaration`: the declarations in *a* schema document (a
  profile's patched copy from :func:`fresh` included), for the code that edits one.

The document is parsed once (:func:`parsed`); nothing may change it: a patch edits a copy.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_NAME = "ms-upsmods-run-details.xsd"
XS_NS = "http://www.w3.org/2001/XMLSchema"
XS = f"{{{XS_NS}}}"

Element = etree._Element

# The repeated records: where a big document's size is.  Streaming handles each one when it ends
# and then forgets it; rules on their ancestors only count them.
RECORD_NAMES = ("import-error", "export-error", "retry-error", "ma-object-error", "incident")


def schema_path() -> Path:
    """Where the shipped XSD is (inside the installed package: a regular package on disk, so
    beside this module; importlib.resources would cost start-up time for the same answer)."""
    return Path(__file__).resolve().parent / "schema" / SCHEMA_NAME


@cache
def parsed() -> etree._ElementTree:
    """The normative schema document, parsed once.  Read it; never change it (see
    :func:`fresh`)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(schema_path()), parser)


def fresh() -> etree._ElementTree:
    """A copy of the schema document that the caller may change (a profile's patches)."""
    return copy.deepcopy(parsed())


# ---------------------------------------------------------------------------------------------
# Declarations in a schema document


def _named(doc: etree._ElementTree, kind: str, name: str) -> list[Element]:
    return [e for e in doc.iter(f"{XS}{kind}") if e.get("name") == name]


def type_declaration(doc: etree._ElementTree, name: str) -> Element:
    """The named xs:complexType or xs:simpleType ``name``."""
    found = _named(doc, "complexType", name) + _named(doc, "simpleType", name)
    if len(found) != 1:
        raise LookupError(f"the schema declares type {name!r} {len(found)} times, not once")
    return found[0]


def _scope(doc: etree._ElementTree, decl: Element) -> Iterator[Element]:
    """The element declarations of ``decl``'s content model: its anonymous type's, or its named
    type's and that type's base types'."""
    yield from _own(decl)
    type_name = decl.get("type")
    while type_name is not None and ":" not in type_name:
        found = _named(doc, "complexType", type_name)
        if not found:
            return
        yield from _own(found[0])
        base = next(found[0].iter(f"{XS}extension", f"{XS}restriction"), None)
        type_name = None if base is None else base.get("base")


def _own(node: Element) -> Iterator[Element]:
    """The xs:element declarations inside ``node``, not those nested in them."""
    for sub in node.iterchildren():
        if sub.tag == f"{XS}element":
            yield sub
        elif isinstance(sub.tag, str):
            yield from _own(sub)


def declaration(doc: etree._ElementTree, *names: str) -> Element:
    """The xs:element declaration reached by ``names``: the one element declaration of
    ``names[0]`` anywhere in the schema, then each next name in the previous one's content model.

    ``declaration(doc, "export-error", "error-type")`` is export-error's error-type.
    """
    first = _named(doc, "element", names[0])
    if len(first) != 1:
        raise LookupError(f"the schema declares <{names[0]}> {len(first)} times; qualify it")
    decl = first[0]
    for name in names[1:]:
        found = [d for d in _scope(doc, decl) if d.get("name") == name]
        if len(found) != 1:
            raise LookupError(f"<{decl.get('name')}> declares <{name}> {len(found)} times")
        decl = found[0]
    return decl


def _attribute(node: Element, name: str) -> Element:
    for sub in node.iterchildren():
        if sub.tag == f"{XS}attribute" and sub.get("name") == name:
            return sub
        if isinstance(sub.tag, str) and sub.tag != f"{XS}element":
            try:
                return _attribute(sub, name)
            except LookupError:
                continue
    raise LookupError(f"no attribute {name!r} declared here")


def _enumeration(node: Element) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(e.get("value")) for e in node.iter(f"{XS}enumeration")))


# ---------------------------------------------------------------------------------------------
# Enumerations

# What each enumeration is, in the normative schema: a type name, or a path of element names
# (with "@name" for an attribute of the last one's type).
_ENUMERATIONS: dict[str, tuple[str, ...]] = {
    "step-result": ("step-result",),
    "connection-result": ("type:connectionResultType",),
    "ma-object-error/error-type": ("ma-object-error", "error-type"),
    "import-error/error-type": ("type:importAndMVRetryErrorType",),
    "export-error/error-type": ("export-error", "error-type"),
    "algorithm-step": ("type:algorithmStepRestrictedType",),
    "extension-callsite": ("type:extensionCallsiteType",),
    "delta/@operation": ("delta", "@operation"),
    "attr-delta/@operation": ("type:attributeDeltaType", "@operation"),
    "value-delta/@operation": ("type:valueDeltaType",),
    "attr/@type": ("type:attributeType", "@type"),
}
ENUMERATIONS = tuple(_ENUMERATIONS)


@cache
def values(name: str) -> tuple[str, ...]:
    """The values of the enumeration ``name`` (one of :data:`ENUMERATIONS`), in schema order.

    A tuple, never a set: a seed must make the same document in every process.
    """
    steps = _ENUMERATIONS[name]
    doc = parsed()
    names = [s for s in steps if not s.startswith("@")]
    if names[0].startswith("type:"):
        node = type_declaration(doc, names[0].removeprefix("type:"))
    else:
        node = declaration(doc, *names)
    if steps[-1].startswith("@"):
        attr = steps[-1][1:]
        try:
            node = _attribute(node, attr)
        except LookupError:
            type_name = node.get("type")
            if type_name is None:
                raise
            node = _attribute(type_declaration(doc, type_name), attr)
    found = _enumeration(node)
    if not found:
        raise LookupError(f"{name}: the schema lists no values there")
    return found


def value_set(name: str) -> frozenset[str]:
    """:func:`values` as a set, for membership tests."""
    return _value_set(name)


@cache
def _value_set(name: str) -> frozenset[str]:
    return frozenset(values(name))


# ---------------------------------------------------------------------------------------------
# Where elements sit


@cache
def all_parents() -> dict[str, frozenset[str | None]]:
    """Every element name the schema declares -> the names of the elements it may sit in
    (``None``: the root); see :func:`parents`."""
    doc = parsed()
    users = _Users(doc)
    holders: dict[str, set[str | None]] = {}
    for decl in doc.iter(f"{XS}element"):
        name = decl.get("name")
        if name is not None:
            holders.setdefault(name, set()).update(_holders(decl, users))
    return {name: frozenset(found) for name, found in holders.items()}


def _holders(decl: Element, users: _Users) -> set[str | None]:
    """The names of the elements whose content model declares ``decl``."""
    node = decl.getparent()
    while node is not None:
        if node.tag == f"{XS}element":
            return {node.get("name")}
        if node.tag == f"{XS}schema":
            return {None}
        if node.tag == f"{XS}complexType" and node.get("name"):
            return users(str(node.get("name")))
        node = node.getparent()
    return set()  # pragma: no cover - every declaration is inside xs:schema


class _Users:
    """The names of the elements of a type or of a type derived from it, from one pass over the
    schema document (the element declarations by type, the derived types by base)."""

    def __init__(self, doc: etree._ElementTree) -> None:
        self.typed: dict[str, set[str | None]] = {}
        for d in doc.iter(f"{XS}element"):
            type_name = d.get("type")
            if type_name is not None:
                self.typed.setdefault(type_name, set()).add(d.get("name"))
        self.derived: dict[str, list[str]] = {}
        for base in doc.iter(f"{XS}extension", f"{XS}restriction"):
            derived = next((a for a in base.iterancestors(f"{XS}complexType")), None)
            base_name = base.get("base")
            if base_name is not None and derived is not None and derived.get("name"):
                self.derived.setdefault(base_name, []).append(str(derived.get("name")))

    def __call__(self, type_name: str) -> set[str | None]:
        found = set(self.typed.get(type_name, ()))
        for derived in self.derived.get(type_name, ()):
            found |= self(derived)
        return found


def parents(name: str) -> frozenset[str | None]:
    """The names of the elements an element ``name`` may sit in (``None``: it is the root);
    empty for a name the schema does not declare."""
    return all_parents().get(name, frozenset())


def children(*names: str) -> tuple[str, ...]:
    """The child element names of the declaration :func:`declaration` finds, in order."""
    return _children(names)


@cache
def _children(names: tuple[str, ...]) -> tuple[str, ...]:
    doc = parsed()
    return tuple(str(d.get("name")) for d in _scope(doc, declaration(doc, *names)))


@cache
def counters(container: str) -> tuple[tuple[str, bool], ...]:
    """The counters of ``container`` (e.g. 'staging-counters'), in order, each with whether its
    required ``detail`` attribute is fixed to 'true'."""
    doc = parsed()
    out = []
    for decl in _scope(doc, declaration(doc, container)):
        detail = _attribute(type_declaration(doc, str(decl.get("type"))), "detail")
        out.append((str(decl.get("name")), detail.get("fixed") == "true"))
    return tuple(out)


@cache
def ancestry(name: str) -> tuple[str, ...]:
    """The names of the elements above ``name``, from the root, where it may sit in only one
    place."""
    chain: list[str] = []
    here: str | None = name
    while here is not None:
        above = parents(here)
        if len(above) != 1:
            raise LookupError(f"<{here}> sits in {len(above)} places: {sorted(map(str, above))}")
        (here,) = above
        if here is not None:
            chain.append(here)
    return tuple(reversed(chain))


def records() -> dict[str, tuple[str, ...]]:
    """Each repeated record and the names of its ancestors, from the root."""
    return {name: ancestry(name) for name in RECORD_NAMES}


def record_declarations(doc: etree._ElementTree) -> dict[str, Element]:
    """The declaration of each record in ``doc`` (a profile's copy of the schema)."""
    return {name: declaration(doc, *ancestry(name)[-1:], name) for name in RECORD_NAMES}
