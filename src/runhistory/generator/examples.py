"""A rule's bad and good example, taken from its break.

The break of a code, drawn from a fixed seed, edits a conformant document; the element the
finding is reported at, after the edit, is the bad example, and the same element before the edit
the good one (when the edit added the element, its nearest ancestor that exists in both).
``tools/gen_examples.py`` writes them into :mod:`runhistory._examples` (``make docs``), from where
the catalog fills :attr:`~runhistory.catalog.RuleInfo.bad` and ``good`` and ``docs/rules.md``
shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runhistory.generator.breaks import BREAKS
from runhistory.generator.build import Shape, build
from runhistory.generator.choices import RandomChooser
from runhistory.generator.encode import Draft
from runhistory.generator.node import Node, escape_attr, escape_text, to_text

SEED = 0
MAX_LINES = 12
_STEP = re.compile(r"([^/\[]+)(?:\[(\d+)\])?")


@dataclass(frozen=True, slots=True)
class Example:
    code: str
    path: str  # where validate reports the bad example's finding
    bad: str
    good: str


def node_at(root: Node, path: str) -> Node | None:
    """The node at a path as validate writes it (``/run-history/run-details/step-details[2]``)."""
    steps = path.strip("/").split("/")
    if not steps or steps[0] != root.tag:
        return None
    node = root
    for step in steps[1:]:
        m = _STEP.fullmatch(step)
        if m is None:
            return None
        same = node.findall(m[1])
        at = int(m[2] or 1)
        if len(same) < at:
            return None
        node = same[at - 1]
    return node


def drafts(code: str, seed: int = SEED) -> tuple[Draft, Draft, str]:
    """The conformant document, the same document broken by ``code``'s break, and the path."""
    found = BREAKS[code]
    shape = found.needs(Shape())
    good = Draft(build(RandomChooser(seed), shape))
    ch = RandomChooser(seed)
    bad = Draft(build(ch, shape))
    return good, bad, found.edit(ch, bad)


def _keyed(node: Node) -> dict[tuple[str, int], Node]:
    seen: dict[str, int] = {}
    out: dict[tuple[str, int], Node] = {}
    for c in node.children:
        seen[c.tag] = seen.get(c.tag, 0) + 1
        out[(c.tag, seen[c.tag])] = c
    return out


def _render(node: Node, other: Node | None, focus: list[Node], level: int) -> list[str]:
    """``node`` as indented lines, keeping of its children those on the way to the finding
    (``focus``) and those that differ from ``other``'s; the rest become one comment line."""
    pad = " " * level
    attrs = "".join(f' {k}="{escape_attr(v)}"' for k, v in node.attrs.items())
    if not node.children or (other is not None and to_text(node) == to_text(other) and not focus):
        return [pad + line for line in to_text(node).splitlines()]
    lines = [f"{pad}<{node.tag}{attrs}>" + escape_text(node.text or "")]
    theirs = _keyed(other) if other is not None else {}
    skipped = False
    for key, c in _keyed(node).items():
        mine_focus = focus[1:] if focus and focus[0] is c else None
        twin = theirs.get(key)
        if mine_focus is None and twin is not None and to_text(c) == to_text(twin):
            if not skipped:
                lines.append(f"{pad} <!-- ... -->")
            skipped = True
            continue
        skipped = False
        lines += _render(c, twin, mine_focus or [], level + 1)
    return [*lines, f"{pad}</{node.tag}>"]


def snippet(node: Node, other: Node | None = None, focus: list[Node] | None = None) -> str:
    """``node`` as indented XML, unchanged parts elided, cut after :data:`MAX_LINES` lines."""
    lines = _render(node, other, focus or [], 0)
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], " <!-- ... -->", lines[-1]]
    return "\n".join(lines)


def _chain(root: Node, path: str) -> list[Node]:
    """The nodes from ``root``'s child down to the node at ``path`` (as far as they exist)."""
    out: list[Node] = []
    steps = path.strip("/").split("/")
    for i in range(2, len(steps) + 1):
        found = node_at(root, "/" + "/".join(steps[:i]))
        if found is None:
            break
        out.append(found)
    return out


def example(code: str, seed: int = SEED) -> Example | None:
    """``code``'s example, or None when its break is not an edit of an element (the input
    codes: an empty file, a truncated one, a DOCTYPE, ...)."""
    good, bad, path = drafts(code, seed)
    if bad.data is not None or bad.text_edit is not None or bad.prolog or path == "/":
        return None
    if bad.encoding != good.encoding or bad.root.tag != good.root.tag:
        return None
    target = re.sub(r"/@[^/]+$", "", path)
    chain = _chain(bad.root, target)
    where = target
    while where.count("/") >= 1:
        before, after = node_at(good.root, where), node_at(bad.root, where)
        if (
            before is not None
            and after is not None
            and before.tag == after.tag
            and to_text(before) != to_text(after)
        ):
            focus = chain[where.count("/") - 1 :]
            return Example(code, path, snippet(after, before, focus), snippet(before, after))
        where = where.rsplit("/", 1)[0]
    return None
