"""The rule engine: small declarative rules, dispatched by element name in one pass.

A rule is a function decorated with :func:`rule`::

    @rule("R110", section="2.2.1.1", on="run-number", summary="run-number starts at 1")
    def run_number_starts_at_one(el: Element, ctx: RuleContext) -> Hits:
        if text(el) == "0":
            yield Hit(el, "run-number is 0; run numbers start at 1")

The engine walks the tree once and calls each rule on the elements named in ``on``, with the
element's whole subtree available.  ``on`` says where the rule applies: a bare name means
wherever the schema puts an element of that name (never a look-alike inside the free-form
step-description), ``"parent/name"`` only under that parent; the engine checks it once, at
dispatch, so a rule never tests its own placement.  Rules run when their element *ends* (after
every rule on its descendants), as they will on iterparse 'end' events: a rule on an ancestor of
the repeated records may use what record-level rules left in ``ctx.state`` and may count the
records (``ctx.count``), and must not read the records themselves: streaming has removed them
by then.  A rule yields :class:`Hit` objects; the engine turns them into
:class:`~runhistory.findings.Finding` objects with the rule's code, section and severity for the
profile in force, and the element's line and path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree

from runhistory import schema_facts as facts
from runhistory.catalog import CATALOG, PROFILES, Kind, RuleInfo, register
from runhistory.findings import Finding, Severity
from runhistory.location import render_path, step

Element = etree._Element


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's verdict on one element (or one of its attributes)."""

    element: Element
    message: str
    attribute: str | None = None
    # Report the hit under this code instead of the rule's own (for a rule that owns a family
    # of codes, such as a spec rule and its product-profile departure).
    code: str | None = None


Hits = Iterator[Hit]
Check = Callable[[Element, "RuleContext"], Iterable[Hit]]


@dataclass(slots=True)
class RuleContext:
    """What a check may know besides its element: the profile, and a scratch space per run."""

    profile: str
    state: dict[str, Any] = field(default_factory=dict)
    # Streaming removes finished records from the tree; it counts them here instead.
    counter: Callable[[Element, str], int] | None = None

    def count(self, el: Element, name: str) -> int:
        """How many children named ``name`` ``el`` has (records streaming removed included)."""
        if self.counter is not None:
            return self.counter(el, name)
        counted = _counter(name)(el)  # in C: a container may hold 100,000 records
        return int(counted) if isinstance(counted, float) else len(el.findall(name))


@lru_cache(maxsize=64)
def _counter(name: str) -> etree.XPath:
    """``count(name)`` compiled once per name."""
    return etree.XPath(f"count({name})")


@dataclass(frozen=True, slots=True)
class Rule:
    info: RuleInfo
    check: Check


RULES: dict[str, Rule] = {}

_DEFAULT_SEVERITY: Mapping[Kind, Mapping[str, Severity | None]] = {
    Kind.SPEC: {"strict": Severity.ERROR, "product": Severity.ERROR},
    Kind.INFERRED: {"strict": Severity.WARNING, "product": Severity.WARNING},
    Kind.LINT: {"strict": None, "product": Severity.INFO},
    Kind.PRODUCT: {"strict": None, "product": Severity.WARNING},
}


def rule(
    code: str,
    *,
    section: str,
    on: str | tuple[str, ...],
    summary: str,
    kind: Kind = Kind.SPEC,
    severity: Severity | Mapping[str, Severity | None] | None = None,
    implies: tuple[str, ...] = (),
    notes: str = "",
    quote: str = "",
    fix: str = "",
    bad: str = "",
    good: str = "",
) -> Callable[[Check], Check]:
    """Declare a rule; see the module docstring."""
    elements = (on,) if isinstance(on, str) else tuple(on)
    if severity is None:
        sev: Mapping[str, Severity | None] = _DEFAULT_SEVERITY[kind]
    elif isinstance(severity, Severity):
        sev = dict.fromkeys(PROFILES, severity)
    else:
        sev = dict(severity)

    def wrap(check: Check) -> Check:
        info = register(
            RuleInfo(
                code,
                section,
                kind,
                summary,
                sev,
                elements,
                implies=implies,
                notes=notes,
                quote=quote,
                fix=fix,
                bad=bad,
                good=good,
            )
        )
        RULES[code] = Rule(info, check)
        return check

    return wrap


# A dispatch table: element name -> parent name (None: the root) -> the rules to run there, and
# under ANYWHERE the rules for a parent no rule names.
ANYWHERE = "*"
Table = dict[str, dict[str | None, list["Rule"]]]


def places(entry: str) -> tuple[str, frozenset[str | None] | None]:
    """An ``on`` entry's element name and the parents it applies under (None: anywhere).

    ``"ma-discovery-counters/filtered-objects"`` applies under that parent only; a bare name
    applies wherever the schema puts an element of that name (so never to a look-alike inside
    the free-form step-description), or anywhere for a name the normative schema lacks.
    """
    parent, _, name = entry.rpartition("/")
    if parent:
        return name, frozenset({parent})
    return name, (facts.parents(name) or None)


def dispatch_table(codes: Iterable[str]) -> Table:
    """Element name -> parent name -> the enabled rules that look at it there (built once per
    set of codes: a batch checks every document with the same selection, and passes the same
    mapping of codes for each)."""
    last = _LAST_TABLE.get("codes")
    if last is not None and last[0] is codes:
        return last[1]
    table = _dispatch_table(frozenset(codes))
    _LAST_TABLE["codes"] = (codes, table)  # the codes are held: their id is not reused
    return table


_LAST_TABLE: dict[str, tuple[Iterable[str], Table]] = {}


@lru_cache(maxsize=16)
def _dispatch_table(codes: frozenset[str]) -> Table:
    wanted: list[tuple[str, frozenset[str | None] | None, Rule]] = []
    for code, r in RULES.items():  # the order rules were declared in, whatever ``codes`` is
        if code in codes:
            wanted += [(*places(entry), r) for entry in r.info.elements]
    table: Table = {}
    for name in dict.fromkeys(n for n, _, _ in wanted):
        here = [(where, r) for n, where, r in wanted if n == name]
        parents: set[str | None] = {p for where, _ in here if where for p in where}
        table[name] = {
            parent: [r for where, r in here if where is None or parent in where]
            for parent in (*parents, ANYWHERE)
        }
    return table


def rules_for(table: Table, el: Element) -> list[Rule]:
    """The rules of ``table`` that apply to ``el`` where it sits (checked once, here)."""
    by_parent = table.get(el.tag)
    if by_parent is None:
        return []
    parent = el.getparent()
    found = by_parent.get(None if parent is None else parent.tag)
    return by_parent[ANYWHERE] if found is None else found


def run_rules(
    root: Element,
    enabled: Mapping[str, Severity],
    profile: str,
    *,
    path_of: Callable[[Element], str] | None = None,
    screens: Mapping[Element, Callable[[Element], bool]] | None = None,
) -> list[Finding]:
    """Run every enabled rule over the tree under ``root`` in one pass.

    ``enabled`` maps each enabled code to the severity it reports with.  ``screens`` maps an
    element holding records to the screen of its children (see :mod:`runhistory.rules.screen`):
    the rules run only on the children it flags, in document order as ever.
    """
    table = dispatch_table(enabled)
    if not table:
        return []
    ctx = RuleContext(profile=profile)
    getpath = path_of or PathFinder(root.getroottree())
    out: list[Finding] = []
    if not screens:
        for _event, el in etree.iterwalk(root, events=("end",), tag=list(table)):
            rules = rules_for(table, el)
            if rules:
                apply_rules(el, rules, ctx, enabled, getpath, out)
        return out
    tags = {*table, *(str(box.tag) for box in screens)}
    walk = etree.iterwalk(root, events=("start", "end"), tag=list(tags))
    for event, el in walk:
        if event == "end":
            rules = rules_for(table, el)
            if rules:
                apply_rules(el, rules, ctx, enabled, getpath, out)
            continue
        flagged = screens.get(el)
        if flagged is not None:
            walk.skip_subtree()
            for record in el.iterchildren(etree.Element):  # comments have no rules
                if flagged(record):
                    run_subtree(record, table, ctx, enabled, getpath, out)
    return out


def run_subtree(
    el: Element,
    table: Table,
    ctx: RuleContext,
    enabled: Mapping[str, Severity],
    path_of: Callable[[Element], str],
    out: list[Finding],
) -> None:
    """Run ``table``'s rules on ``el`` and every element below it, each at its end, in document
    order (as :func:`run_rules` does for the whole tree): how a record the screen flagged is
    checked (see :mod:`runhistory.rules.screen`)."""
    for _event, sub in etree.iterwalk(el, events=("end",), tag=list(table)):
        rules = rules_for(table, sub)
        if rules:
            apply_rules(sub, rules, ctx, enabled, path_of, out)


def apply_rules(
    el: Element,
    rules: list[Rule],
    ctx: RuleContext,
    enabled: Mapping[str, Severity],
    path_of: Callable[[Element], str],
    out: list[Finding],
) -> None:
    """Run ``rules`` on ``el`` (at its end) and append their findings to ``out``.

    Tree mode and streaming share this; ``path_of`` gives the path of a hit's element (in
    streaming, a token the caller resolves once the document has ended).
    """
    for r in rules:
        for hit in r.check(el, ctx):
            code = hit.code or r.info.code
            sev = enabled.get(code)
            if sev is None:
                continue
            path = path_of(hit.element)
            if hit.attribute:
                path = f"{path}/@{hit.attribute}"
            out.append(
                Finding(
                    rule=code,
                    section=CATALOG[code].section,
                    severity=sev,
                    line=sourceline(hit.element),
                    column=None,
                    path=path,
                    message=hit.message,
                )
            )


class PathFinder:
    """``tree.getpath`` for many elements of a big tree.

    libxml2 counts an element's preceding siblings for every path it writes, which is slow for
    records among tens of thousands of siblings; this counts each parent's children once.
    """

    def __init__(self, tree: etree._ElementTree) -> None:
        self._tree = tree
        self._index: dict[Element, int] = {}
        self._counts: dict[Element, dict[str, int]] = {}

    def _count(self, parent: Element) -> dict[str, int]:
        counts: dict[str, int] = {}
        for child in parent:
            tag = child.tag
            if isinstance(tag, str):
                counts[tag] = self._index[child] = counts.get(tag, 0) + 1
        self._counts[parent] = counts
        return counts

    def __call__(self, el: Element) -> str:
        steps: list[str] = []
        node: Element | None = el
        while node is not None:
            tag = node.tag
            if not isinstance(tag, str) or tag.startswith("{"):
                return str(self._tree.getpath(el))  # namespaces: libxml2's own spelling
            parent = node.getparent()
            if parent is None:
                steps.append(tag)
                break
            counts = self._counts.get(parent)
            if counts is None:
                counts = self._count(parent)
            steps.append(step(tag, self._index[node], counts[tag] > 1))
            node = parent
        return render_path(reversed(steps))


# ---------------------------------------------------------------------------------------------
# Small helpers for checks


def sourceline(el: Element) -> int | None:
    """The line an element starts on (lxml's stubs do not type it)."""
    line: int | None = getattr(el, "sourceline", None)
    return line


def text(el: Element | None) -> str:
    """The element's text, stripped ('' when absent)."""
    if el is None or el.text is None:
        return ""
    return el.text.strip()


def first(el: Element, path: str) -> Element | None:
    """``el.find(path)`` for child names joined by '/': the first match in document order.

    Without ElementPath, which ``find`` goes through (about 2 µs a call, against under 1 µs
    for lxml's own child iteration): the rules look up children of every element they check,
    for every document of a batch."""
    if "/" not in path:
        return next(el.iterchildren(path), None)
    return _first(el, path.split("/"))


def _first(el: Element, steps: list[str]) -> Element | None:
    if len(steps) == 1:
        return next(el.iterchildren(steps[0]), None)
    for sub in el.iterchildren(steps[0]):
        found = _first(sub, steps[1:])
        if found is not None:
            return found
    return None


def every(el: Element, path: str) -> list[Element]:
    """``el.findall(path)`` for child names joined by '/', in document order (see
    :func:`first`)."""
    found = [el]
    for name in path.split("/"):
        found = [sub for parent in found for sub in parent.iterchildren(name)]
    return found
