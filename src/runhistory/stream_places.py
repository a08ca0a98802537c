"""Where streaming's findings are, worked out once the document has ended.

While the document is read, a finding's path is a token (:class:`Token`): its element's
place in what is left of the tree, the skeleton, in which each record shell stands for its run
of same-named records (:class:`Run`: how many records, how many elements).  That is enough for
libxml2's path (1-based positions among same-named siblings, ``*`` numbered among all), for the
element's index in document order (exact lines past 65,535) and, through a second read of the
text, for which same-named start tag of its line it is (columns on minified lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache

from lxml import etree

from runhistory.findings import Finding
from runhistory.locate import start_tag_places
from runhistory.location import render_path, step
from runhistory.schema_check import step_name

Element = etree._Element
TOKEN = "\x00"


class Run:
    """A shell's run: how many records it stands for (itself included) and how many elements
    they held."""

    __slots__ = ("count", "size")

    def __init__(self, count: int, size: int) -> None:
        self.count = count
        self.size = size


class Token:
    """A finding's element: ``anchor`` itself (an element of the skeleton) when ``tag`` is
    empty; else the element ``offset`` elements after ``anchor`` in document order, below the
    ``member``-th record after the shell ``anchor`` of a run of ``tag`` records, at ``suffix``
    below that record."""

    __slots__ = ("anchor", "member", "offset", "suffix", "tag")

    def __init__(
        self, anchor: Element, *, member: int = 0, offset: int = 0, suffix: str = "", tag: str = ""
    ) -> None:
        self.anchor = anchor
        self.member = member
        self.offset = offset
        self.suffix = suffix
        self.tag = tag

    @staticmethod
    def mark(at: int) -> str:
        return f"{TOKEN}{at}{TOKEN}"


def token_at(path: str) -> int | None:
    """The index of the token ``path`` starts with (None: a plain path)."""
    if not path.startswith(TOKEN):
        return None
    return int(path[1 : path.index(TOKEN, 1)])


class Places:
    """Paths and document-order indices of the tokens, from the skeleton and its runs."""

    def __init__(self, root: Element, runs: Mapping[Element, Run], tokens: list[Token]) -> None:
        self.runs = runs
        self.tokens = tokens
        self.order: dict[Element, int] = {}
        at = 0
        for el in root.iter(etree.Element):
            self.order[el] = at
            run = runs.get(el)
            at += run.size if run is not None else 1
        self._steps: dict[Element, tuple[dict[Element, int], dict[str, int]]] = {}
        self.paths = [self.path(t) for t in tokens]

    # -- paths -------------------------------------------------------------------------------

    def _children(self, parent: Element) -> tuple[dict[Element, int], dict[str, int]]:
        """Each element child's 1-based position under its path name, and how many there are
        of each name ('*': of all), shells counting for their runs."""
        known = self._steps.get(parent)
        if known is not None:
            return known
        index: dict[Element, int] = {}
        totals: dict[str, int] = {}
        every = 0
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            run = self.runs.get(child)
            weight = run.count if run is not None else 1
            name = step_name(child)
            index[child] = every + 1 if name == "*" else totals.get(name, 0) + 1
            every += weight
            if name != "*":
                totals[name] = totals.get(name, 0) + weight
        totals["*"] = every
        self._steps[parent] = (index, totals)
        return index, totals

    def element_path(self, el: Element) -> str:
        steps = []
        node: Element | None = el
        while node is not None:
            parent = node.getparent()
            name = step_name(node)
            if parent is None:
                steps.append(name)
            else:
                index, totals = self._children(parent)
                steps.append(step(name, index[node], totals[name] > 1))
            node = parent
        return render_path(reversed(steps))

    def path(self, token: Token) -> str:
        if not token.tag:
            return self.element_path(token.anchor)
        container = token.anchor.getparent()
        assert container is not None  # a shell stays in its container
        index, totals = self._children(container)
        place = step(token.tag, index[token.anchor] + token.member, totals[token.tag] > 1)
        return f"{self.element_path(container)}/{place}{token.suffix}"

    def resolve(self, path: str) -> str:
        """``path`` with a token at its start replaced by the element's real path."""
        at = token_at(path)
        if at is None:
            return path
        return self.paths[at] + path[path.index(TOKEN, 1) + 1 :]

    # -- document order ----------------------------------------------------------------------

    def index(self, token: Token) -> int:
        """The element's index in document order."""
        return self.order[token.anchor] + token.offset

    def order_of(self, findings: list[Finding]) -> dict[int, int]:
        """For :func:`~runhistory.locate.exact_lines`: each finding's element's index in
        document order, by position in ``findings``."""
        out: dict[int, int] = {}
        for at, f in enumerate(findings):
            token = token_at(f.path)
            if token is not None:
                out[at] = self.index(self.tokens[token])
        return out

    def skipped(self, token: Token, unexpected: list[Element]) -> bool:
        """True when libxml2 does not validate the record of ``token``: once an element is not
        expected, it skips that element and every later child of the same parent."""
        shell = token.anchor
        for bad in unexpected:
            parent = bad.getparent()
            if parent is None or self.order[bad] > self.order[shell]:
                continue
            if any(up is parent for up in shell.iterancestors()):
                return True
        return False


# ---------------------------------------------------------------------------------------------
# Which same-named start tag of its line an element is (for columns on minified lines)


@cache
def _start_tag(tag: str) -> re.Pattern[str]:
    return re.compile("<" + re.escape(tag) + r"(?=[\s/>])")


class Occurrences:
    """For :func:`~runhistory.locate.add_columns`: which same-named start tag of its line an
    element is, read from the text only when a line holds several (minified documents)."""

    def __init__(self, places: Places, chunks: Callable[[], Iterator[bytes]], codec: str) -> None:
        self.index = {p: places.index(t) for p, t in zip(places.paths, places.tokens, strict=True)}
        self.chunks = chunks
        self.codec = codec
        self.lines: Mapping[int, str] = {}
        self.where: dict[int, tuple[int, int, int]] | None = None

    def __call__(self, path: str) -> int | None:
        at = self.index.get(path)
        if at is None:
            return None
        if self.where is None:
            self.where = start_tag_places(self.chunks(), self.codec, self.index.values())
        found = self.where.get(at)
        if found is None:
            return None
        line, opened, column = found
        text = self.lines.get(line)
        if text is None:
            return None
        if opened != line:
            return 0  # no start tag of its name ends before it on the line its own ends on
        tag = re.sub(r"\[\d+\]$", "", path.rsplit("/", 1)[-1])
        return len(_start_tag(tag).findall(text, 0, column))
