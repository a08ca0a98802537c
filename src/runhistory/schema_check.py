"""Schema validation shared by tree mode and streaming: the per-record and skeleton schemas,
libxml2's element paths resolved back to elements, and sibling lookup.

A document whose record containers are long is validated in two parts: the skeleton (the
document with the records' content left open) against :func:`skeleton_schema`, then each record
on its own against :func:`record_schema`.  libxml2 writes a path for every error it reports,
counting the element's preceding siblings; with the records validated where they stand, an
error in the 20,000th record costs 20,000 steps and 20,000 such errors take minutes.  Validated
on its own, a record's path is short.  Streaming always validates this way (records are dropped
as they end); tree mode does when a container holds more than :data:`LONG_RUN` children and a
sample of its records has an invalid one (a valid document is validated whole, faster).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from runhistory.findings import Finding
from runhistory.schema_facts import record_declarations, records
from runhistory.xsd import SiblingLookup, findings_from_log, per_thread, schema_doc, schema_for

Element = etree._Element
XS = "{http://www.w3.org/2001/XMLSchema}"

# Tree mode validates per record when a record container has more children than this.
LONG_RUN = 1000

# record -> the names of its ancestors, from the root, where the schema places it
RECORDS: dict[str, tuple[str, ...]] = records()
# container path from the root -> the records it holds
CONTAINERS: dict[tuple[str, ...], tuple[str, ...]] = {}
for _record, _chain in RECORDS.items():
    CONTAINERS[_chain] = (*CONTAINERS.get(_chain, ()), _record)


def record_schema(profile: str) -> etree.XMLSchema:
    """The profile's schema with each record also declared as a global element (this
    thread's: see :func:`runhistory.xsd.per_thread`)."""
    return per_thread("record", profile, _record_schema)


def _record_schema(profile: str) -> etree.XMLSchema:
    doc = schema_doc(profile)
    root = doc.getroot()
    for decl in record_declarations(doc).values():
        copy = etree.fromstring(etree.tostring(decl))
        for attr in ("minOccurs", "maxOccurs"):
            if attr in copy.attrib:
                del copy.attrib[attr]
        root.append(copy)
    return etree.XMLSchema(doc)


def skeleton_schema(profile: str) -> etree.XMLSchema:
    """The profile's schema with the records' content and attributes left open (this
    thread's: see :func:`runhistory.xsd.per_thread`)."""
    return per_thread("skeleton", profile, _skeleton_schema)


def _skeleton_schema(profile: str) -> etree.XMLSchema:
    doc = schema_doc(profile)
    for decl in record_declarations(doc).values():
        for old in decl.findall(f"{XS}complexType"):
            decl.remove(old)
        if "type" in decl.attrib:
            del decl.attrib["type"]
        open_type = etree.SubElement(decl, f"{XS}complexType", mixed="true")
        seq = etree.SubElement(open_type, f"{XS}sequence")
        etree.SubElement(
            seq, f"{XS}any", minOccurs="0", maxOccurs="unbounded", processContents="skip"
        )
        etree.SubElement(open_type, f"{XS}anyAttribute", processContents="skip")
    return etree.XMLSchema(doc)


def entries(schema: etree.XMLSchema) -> list[etree._LogEntry]:
    """The errors of the schema's last validation (lxml's stubs do not type the log)."""
    log: Any = schema.error_log
    return list(log)


# ---------------------------------------------------------------------------------------------
# libxml2's paths and elements


def step_name(el: Element) -> str:
    """The name libxml2 writes in a path for ``el`` (a prefix-less namespace shows as '*')."""
    tag = el.tag
    if not isinstance(tag, str):
        return "?"
    if tag.startswith("{"):
        prefix = el.prefix
        local = etree.QName(tag).localname
        return f"{prefix}:{local}" if prefix else "*"
    return tag


_PATH_STEP = re.compile(r"(?P<name>[^\[\]/]+)(?:\[(?P<index>[0-9]+)\])?")


def _matches(name: str) -> Callable[[Element], bool]:
    """Whether a child is counted under the path step ``name`` (as libxml2 counts)."""
    if name == "*":
        return lambda e: isinstance(e.tag, str)
    if ":" in name:
        prefix, local = name.split(":", 1)
        ns_local = "}" + local

        def prefixed(e: Element) -> bool:
            tag = e.tag
            return isinstance(tag, str) and tag.endswith(ns_local) and e.prefix == prefix

        return prefixed
    return lambda e: e.tag == name


def find(start: Element, path: str) -> Element | None:
    """The element at ``path`` (libxml2's spelling: ``a/b[2]/p:c/*[3]``) below ``start``.

    XPath cannot read prefixed steps whose prefix it does not know, and counts '*' steps
    differently; this reads them as libxml2 wrote them."""
    el = start
    for step in path.strip("/").split("/") if path.strip("/") else ():
        m = _PATH_STEP.fullmatch(step)
        if m is None:
            return None
        wanted = int(m.group("index") or 1)
        counted = _matches(m.group("name"))
        seen = 0
        for sub in el.iterchildren():
            if counted(sub):
                seen += 1
                if seen == wanted:
                    el = sub
                    break
        else:
            return None
    return el


def find_in_tree(tree: etree._ElementTree, path: str) -> Element | None:
    """The element at the absolute libxml2 path ``path`` of ``tree``."""
    root = tree.getroot()
    head, _, rest = path.lstrip("/").partition("/")
    m = _PATH_STEP.fullmatch(head)
    if m is None or not _matches(m.group("name"))(root) or int(m.group("index") or 1) != 1:
        return None
    return find(root, rest)


class PathIndex:
    """Elements of a tree by libxml2 path, each parent's children indexed once (resolving the
    paths of 100,000 records costs one pass over their container, not one per path)."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self._root = tree.getroot()
        self._children: dict[Element, dict[str, Element]] = {}

    def _index(self, parent: Element) -> dict[str, Element]:
        steps: dict[str, Element] = {}
        counts: dict[str, int] = {}
        every = 0
        for child in parent.iterchildren():
            if not isinstance(child.tag, str):
                continue
            every += 1
            name = step_name(child)
            n = counts[name] = every if name == "*" else counts.get(name, 0) + 1
            steps[f"{name}[{n}]"] = child
            steps.setdefault(name, child)
        self._children[parent] = steps
        return steps

    def __call__(self, path: str) -> Element | None:
        """The element at ``path`` (an attribute step at its end is ignored)."""
        parts = path.strip("/").split("/")
        if parts and parts[-1].startswith("@"):
            parts.pop()
        if not parts or parts[0] not in (step_name(self._root), step_name(self._root) + "[1]"):
            return None
        el = self._root
        for step in parts[1:]:
            children = self._children.get(el)
            found = (children if children is not None else self._index(el)).get(step)
            if found is None:
                return None
            el = found
        return el


def siblings_of(el: Element) -> tuple[list[str], list[str]]:
    """The names of the elements after and before ``el`` under its parent."""
    after = [str(e.tag) for e in el.itersiblings() if isinstance(e.tag, str)]
    before = [str(e.tag) for e in el.itersiblings(preceding=True) if isinstance(e.tag, str)]
    return after, before


def sibling_lookup(resolve: Callable[[str], Element | None]) -> SiblingLookup:
    """A :data:`~runhistory.xsd.SiblingLookup` over the elements ``resolve`` finds."""

    def lookup(path: str) -> tuple[list[str], list[str]] | None:
        el = resolve(path)
        return None if el is None else siblings_of(el)

    return lookup


# ---------------------------------------------------------------------------------------------
# Validation


# lxml validates an element inside a document by copying every namespace declared around it
# to a stand-in root, one by one against those already copied: quadratic in the declarations
# (4,000 on <run-history> took 76 ms a record).  Past this many, the record is unlinked while
# it is validated (lxml then keeps only the declarations the record uses) and put back.
FEW_NAMESPACES = 8


def valid_alone(el: Element, profile: str) -> bool:
    """Whether the record ``el`` is valid on its own under the profile's schema."""
    return _valid_alone(record_schema(profile), el)


def _valid_alone(xsd: etree.XMLSchema, el: Element) -> bool:
    parent = el.getparent()
    if parent is None or len(parent.nsmap) <= FEW_NAMESPACES:
        return bool(xsd.validate(el))
    previous = el.getprevious()
    parent.remove(el)
    try:
        return bool(xsd.validate(el))
    finally:
        if previous is None:
            parent.insert(0, el)
        else:
            previous.addnext(el)


def record_findings(
    xsd: etree.XMLSchema, el: Element, path_of: Callable[[Element], str]
) -> list[Finding]:
    """Schema findings for one record validated on its own; ``path_of`` names an element."""
    if _valid_alone(xsd, el):
        return []
    head = "/" + step_name(el)

    def resolve(path: str) -> Element | None:
        if path != head and not path.startswith(head + "/"):
            return None
        return find(el, path[len(head) :])

    def path_map(path: str) -> str:
        found = resolve(path)
        return path_of(el if found is None else found)

    return list(
        findings_from_log(entries(xsd), path_map=path_map, siblings=sibling_lookup(resolve))
    )


def skeleton_findings(
    tree: etree._ElementTree, profile: str, path_of: Callable[[Element], str]
) -> tuple[list[Finding], list[Element]]:
    """Schema findings for the document outside its records, and the elements libxml2 did
    not expect (it skips them and every later child of their parent)."""
    xsd = skeleton_schema(profile)
    try:
        xsd.validate(tree)
    except etree.XMLSchemaValidateError as err:
        return [could_not_complete(err)], []

    def resolve(path: str) -> Element | None:
        return find_in_tree(tree, path)

    def path_map(path: str) -> str:
        found = resolve(path)
        return path if found is None else path_of(found)

    log = entries(xsd)
    unexpected = [
        found
        for entry in log
        if "This element is not expected" in entry.message
        and (found := resolve(entry.path or "")) is not None
    ]
    findings = findings_from_log(log, path_map=path_map, siblings=sibling_lookup(resolve))
    return list(findings), unexpected


def could_not_complete(err: Exception) -> Finding:
    from runhistory.catalog import CATALOG
    from runhistory.findings import Severity

    info = CATALOG["S199"]
    return Finding(
        "S199",
        info.section,
        Severity.ERROR,
        None,
        None,
        "/",
        f"schema validation could not complete: {err}",
    )


def _long_runs(boxes: list[Element]) -> bool:
    """Whether one of the record containers ``boxes`` holds more than :data:`LONG_RUN`
    children."""
    return any(_longer_than(container, LONG_RUN) for container in boxes)


def record_containers(root: Element) -> list[Element]:
    """Every record container of the document, where the schema puts it, in document order.

    One compiled XPath union, evaluated in C: Python's child iteration level by level cost
    14 us a small document, ElementPath 18 us (``iter`` over a whole tree of 100,000 records,
    70 ms)."""
    found = _CONTAINERS_XPATH(root)
    assert isinstance(found, list)
    return found  # type: ignore[return-value]


_CONTAINERS_XPATH = etree.XPath("|".join("/" + "/".join(chain) for chain in CONTAINERS))


# How many records at each end of a long container are validated on their own to decide
# whether the document is validated whole or in parts.
SAMPLE = 32


def _sample_invalid(root: Element, profile: str) -> bool:
    """Whether one of the first or last :data:`SAMPLE` records of a long container is invalid.

    Validating the whole tree is the fastest way when there are few errors (a valid document
    has none), and the slowest when there are thousands in long containers (libxml2 counts the
    siblings before each error's element); a document whose sample is clean is validated whole.
    Both ways find the same (``tests/test_schema_check``).  The records are reached by index
    from either end: walking to the middle of 100,000 records costs as much as counting them."""
    xsd = record_schema(profile)
    for chain, names in CONTAINERS.items():
        if root.tag != chain[0]:
            continue
        for container in root.iterfind("/".join(chain[1:])):
            if not _longer_than(container, LONG_RUN):
                continue
            for at in (*range(SAMPLE), *range(-SAMPLE, 0)):
                rec = container[at]
                if rec.tag in names and not _valid_alone(xsd, rec):
                    return True
    return False


def _longer_than(container: Element, size: int) -> bool:
    """``len(container) > size``, without counting past ``size``."""
    try:
        container[max(size, 0)]
    except IndexError:
        return False
    return True


def _records(root: Element, skipped: set[Element]) -> Iterator[Element]:
    """The records of the document in document order, except those libxml2 would skip."""
    for chain, names in CONTAINERS.items():
        if root.tag != chain[0]:
            continue
        for container in root.iterfind("/".join(chain[1:])):
            if any(a in skipped for a in (container, *container.iterancestors())):
                continue
            yield from _kept(container.iterchildren(*names), skipped)


def _kept(records: Iterator[Element], skipped: set[Element]) -> Iterator[Element]:
    for rec in records:
        if rec in skipped:
            return  # the children after an unexpected one are skipped too
        yield rec


def tree_schema_findings(
    tree: etree._ElementTree,
    profile: str,
    path_of: Callable[[Element], str],
    boxes: list[Element] | None = None,
) -> list[Finding]:
    """Every schema finding for a parsed document, whole or in parts (see the module
    docstring); the same findings either way.  ``boxes``: its :func:`record_containers`,
    when the caller has them."""
    if in_parts(tree, profile, boxes):
        return split_schema_findings(tree, profile, path_of)
    return whole_schema_findings(tree, profile)


def in_parts(tree: etree._ElementTree, profile: str, boxes: list[Element] | None = None) -> bool:
    """Whether the document is validated in parts: a long record container, with an invalid
    record among the sample (so the document is invalid).  ``boxes`` as for
    :func:`tree_schema_findings`."""
    root = tree.getroot()
    if boxes is None:
        boxes = record_containers(root)
    return _long_runs(boxes) and _sample_invalid(root, profile)


def whole_schema_findings(
    tree: etree._ElementTree, profile: str, schema: etree.XMLSchema | None = None
) -> list[Finding]:
    """The schema's findings for the whole tree in one validation (libxml2 does it without
    holding Python's lock: see ``validate._overlapped``, which gives the ``schema`` to use)."""
    if schema is None:
        schema = schema_for(profile)
    try:
        schema.validate(tree)
    except etree.XMLSchemaValidateError as err:  # libxml2 gave up on the tree
        return [could_not_complete(err)]
    return list(
        findings_from_log(entries(schema), siblings=sibling_lookup(lambda p: find_in_tree(tree, p)))
    )


def split_schema_findings(
    tree: etree._ElementTree, profile: str, path_of: Callable[[Element], str]
) -> list[Finding]:
    """Schema findings of the skeleton, then of each record on its own."""
    findings, unexpected = skeleton_findings(tree, profile, path_of)
    if len(findings) == 1 and findings[0].line is None and findings[0].rule == "S199":
        return findings
    skipped: set[Element] = set()
    for bad in unexpected:
        skipped.add(bad)
        skipped.update(bad.itersiblings())
    xsd = record_schema(profile)
    for rec in _records(tree.getroot(), skipped):
        findings.extend(record_findings(xsd, rec, path_of))
    return findings
