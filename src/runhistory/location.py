"""Where a finding is: one value type and one renderer for the XPath-like paths of findings.

Every part of the package that names an element writes its path here: the rule engine (tree
mode), streaming, inline suppressions and the generator's expected findings.  The spelling is
libxml2's (``xmlGetNodePath``), which the XSD findings come with: ``/a/b[2]/c`` where ``[n]``
(1-based) appears only when the element has a same-named sibling, ``p:x`` for a prefixed
element, ``*`` for an element of a namespace without a prefix (numbered among all its element
siblings), and ``/@name`` for an attribute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """A finding's place in its document: 1-based line and column (None when unknown) and the
    element's (or attribute's) path."""

    line: int | None
    column: int | None
    path: str

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line or 0, self.column or 0, self.path)


def step(name: str, index: int, namesakes: bool) -> str:
    """One step of a path: ``name``, or ``name[index]`` when the element has namesakes."""
    return f"{name}[{index}]" if namesakes else name


def render_path(steps: Iterable[str], attribute: str | None = None) -> str:
    """The path of the steps (from the root down, each made by :func:`step`), and of one of
    the last element's attributes when ``attribute`` is given."""
    path = "/" + "/".join(steps)
    return f"{path}/@{attribute}" if attribute else path
