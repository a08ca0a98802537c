"""What the normative schema allows inside an element, found by the element's path.

libxml2 says only "This element is not expected." when an element comes after its parent's
content is complete; the S101 message names what the parent may hold instead.
"""

from __future__ import annotations

import re

from runhistory import schema_facts as facts

_STEP = re.compile(r"^(?P<name>[A-Za-z_][\w.-]*)(?:\[\d+\])?$")


def children_of(path: str) -> list[tuple[str, str]] | None:
    """(name, maxOccurs) of each child the schema declares for the element at ``path`` (an
    XPath-like path from /run-history, or from a record, which streaming validates on its own),
    or None when the path leaves the schema."""
    names = []
    for step in path.strip("/").split("/"):
        m = _STEP.match(step)
        if m is None:
            return None
        names.append(m["name"])
    try:
        found = facts.children(*names)
        doc = facts.parsed()
        return [(n, facts.declaration(doc, *names, n).get("maxOccurs", "1")) for n in found]
    except LookupError:
        return None


def not_allowed(el: str, path: str) -> str | None:
    """The S101 message for ``<el>`` at ``path`` where its parent's content is already complete,
    naming what the parent may contain; None when the schema does not say."""
    parent_path = path.rpartition("/")[0]
    parent = _STEP.match(parent_path.rpartition("/")[2])
    allowed = children_of(parent_path)
    if parent is None or not allowed:
        return None
    names = [name for name, _ in allowed]
    holder = f"<{parent['name']}>"
    if el in names and dict(allowed)[el] == "1":
        return _repeated(el, holder)
    listed = ", ".join(f"<{n}>" for n in names)
    order = ", in that order" if len(names) > 1 else ""
    return f"<{el}> is not allowed here: {holder} may contain only {listed}{order}"


def repeated(el: str, path: str) -> str | None:
    """The S101 message for ``<el>`` at ``path``, which follows another ``<el>`` under the same
    parent, when the schema allows one only there (no group of the schema repeats); None when
    it allows more, or does not say."""
    parent_path = path.rpartition("/")[0]
    parent = _STEP.match(parent_path.rpartition("/")[2])
    allowed = children_of(parent_path)
    if parent is None or not allowed or dict(allowed).get(el) != "1":
        return None
    return _repeated(el, f"<{parent['name']}>")


def _repeated(el: str, holder: str) -> str:
    return f"<{el}> is not allowed here (repeated): {holder} holds one <{el}> only"
