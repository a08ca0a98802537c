"""A small element tree for generated documents, written with one-space indentation.

The builder makes :class:`Node` trees; breaks edit them; :func:`write` streams them out.  A
node's ``lazy`` children are produced while writing, so a document with 100,000 records never
holds them all.  :func:`path_to` gives a node the path ``validate`` reports (lxml's form: an
index only where siblings share the name).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from runhistory.location import render_path, step


@dataclass(slots=True, eq=False)
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str | None = None
    # Children produced while writing, after ``children`` (never walked by paths or breaks).
    lazy: Iterable[Node] | None = None
    comment: str | None = None  # an XML comment written on the line before the element

    def add(self, tag: str, text: str | None = None, **attrs: str) -> Node:
        node = Node(tag, dict(attrs), [], text)
        self.children.append(node)
        return node

    def append(self, node: Node) -> Node:
        self.children.append(node)
        return node

    def find(self, tag: str) -> Node | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def first(self, path: str) -> Node | None:
        """The first node down a '/'-separated path of tags."""
        found = self.all(path)
        return found[0] if found else None

    def all(self, path: str) -> list[Node]:
        """Every node down a '/'-separated path of tags, in document order."""
        level = [self]
        for tag in path.split("/"):
            level = [c for n in level for c in n.children if c.tag == tag]
        return level

    def iter(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            yield from c.iter()

    def index(self, child: Node) -> int:
        for i, c in enumerate(self.children):
            if c is child:
                return i
        raise ValueError(f"<{child.tag}> is not a child of <{self.tag}>")

    def remove(self, child: Node) -> None:
        del self.children[self.index(child)]

    def insert_after(self, anchor: Node, node: Node) -> None:
        self.children.insert(self.index(anchor) + 1, node)


def path_to(root: Node, target: Node, attribute: str | None = None) -> str:
    """``/run-history/run-details/step-details[2]/...`` as validate reports it (written by
    :mod:`runhistory.location`, the one path renderer)."""
    chain: list[Node] = []

    def search(node: Node) -> bool:
        chain.append(node)
        if node is target:
            return True
        if any(search(c) for c in node.children):
            return True
        chain.pop()
        return False

    if not search(root):
        raise ValueError(f"<{target.tag}> is not in the document")
    steps = [root.tag]
    for parent, node in itertools.pairwise(chain):
        same = [c for c in parent.children if c.tag == node.tag]
        at = next(i for i, c in enumerate(same) if c is node) + 1
        steps.append(step(node.tag, at, len(same) > 1))
    return render_path(steps, attribute)


_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def escape_text(value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        return value.translate(_TEXT)
    return value


def escape_attr(value: str) -> str:
    if any(c in value for c in '&<"\n\r\t'):
        return value.translate(_ATTR)
    return value


def write(node: Node, out: Callable[[str], object], level: int = 0) -> None:
    """Write ``node`` as indented XML text (one space per level, '\\n' line ends)."""
    pad = " " * level
    if node.comment is not None:
        out(f"{pad}<!--{node.comment}-->\n")
    attrs = "".join(f' {k}="{escape_attr(v)}"' for k, v in node.attrs.items())
    if not node.children and node.lazy is None:
        if node.text is None:
            out(f"{pad}<{node.tag}{attrs}/>\n")
        else:
            out(f"{pad}<{node.tag}{attrs}>{escape_text(node.text)}</{node.tag}>\n")
        return
    out(f"{pad}<{node.tag}{attrs}>")
    if node.text is not None:
        out(escape_text(node.text))
    out("\n")
    for c in node.children:
        write(c, out, level + 1)
    if node.lazy is not None:
        for c in node.lazy:
            write(c, out, level + 1)
    out(f"{pad}</{node.tag}>\n")


def to_text(node: Node) -> str:
    parts: list[str] = []
    write(node, parts.append)
    return "".join(parts)
