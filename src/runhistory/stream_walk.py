"""The streaming walk: libxml2 builds the tree, Python sees only the records and the few
elements rules look at outside them (see :mod:`runhistory.stream` for the design).

The pull parser is asked for the end events of the record names and of the names the enabled
rules look at outside records (and the root's start), so Python does nothing for the other
elements.  Each record is handled at its end: screened (rules only where the screen points),
validated on its own, counted and cleared; it is removed once the next record has ended (its
tail is complete then), unless it is the first of a run of same-named records or its tail holds
text: those stay as empty shells for the skeleton, each standing for its run (:class:`Run`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from lxml import etree

from runhistory import schema_facts as facts
from runhistory.decoding import Decoded
from runhistory.findings import Finding, Severity
from runhistory.input_stage import finding, refusal
from runhistory.parsing import refusing, safe_settings
from runhistory.rules.engine import (
    ANYWHERE,
    Element,
    RuleContext,
    Table,
    apply_rules,
    dispatch_table,
    rules_for,
    run_subtree,
    sourceline,
)
from runhistory.rules.screen import needs_rules
from runhistory.schema_check import (
    CONTAINERS as CHAINS,
)
from runhistory.schema_check import (
    FEW_NAMESPACES,
    RECORDS,
    record_findings,
    record_schema,
)
from runhistory.stream_places import Run, Token

# Streaming holds the skeleton (what is outside the records) and the record being read; past
# this many elements held at once it stops checking (D006), so memory stays bounded whatever
# the document's shape.  RunDetails output holds a few hundred elements outside its records.
MAX_HELD = 50_000

ROOT = "run-history"
XML_SPACE = " \t\r\n"
RECORD_NAMES = tuple(RECORDS)
# the names of its ancestors (itself last) -> the records an element holds there
CONTAINERS = {chain: frozenset(names) for chain, names in CHAINS.items()}


def too_many_elements(line: int | None, held: int) -> Finding:
    return finding(
        "D006",
        f"the document holds more than {held:,} elements outside its records (or inside "
        "one record); streaming keeps those in memory to check them and was stopped here to "
        "keep memory bounded (RunDetails output holds a few hundred); the file is damaged or "
        "hostile: check it with --mode tree only if it is trusted",
        line,
    )


@cache
def _outside_records() -> frozenset[str | None]:
    """The element names the schema may place outside every record (None: the root)."""
    held = facts.all_parents()
    outside: set[str | None] = {None}
    grown = True
    while grown:
        grown = False
        for name, above in held.items():
            if name not in outside and name not in RECORDS and not above.isdisjoint(outside):
                outside.add(name)
                grown = True
    return frozenset(outside)


def skeleton_tags(table: Table) -> list[str]:
    """The names of ``table`` whose rules may apply outside records (where the schema puts
    them, or anywhere for a name it does not declare)."""
    outside = _outside_records()
    declared = facts.all_parents()
    return [
        name
        for name, by_parent in table.items()
        if by_parent[ANYWHERE]
        or any(
            p != ANYWHERE and rules and (p in outside or p not in declared)
            for p, rules in by_parent.items()
        )
    ]


class Current:
    """The record being checked (None: none), and where it stands: ``shell`` is the first
    record of the run it belongs to (itself when it starts one), ``member`` and ``offset`` how
    many records and elements of that run come before it.  One instance, reused."""

    __slots__ = ("elements", "member", "offset", "record", "shell")

    def __init__(self) -> None:
        self.record: Element | None = None
        self.shell: Element | None = None
        self.member = 0
        self.offset = 0
        self.elements: list[Element] | None = None


class Walker:
    """Feeds the parsers and checks the records as they end; see the module docstring."""

    def __init__(self, decoded: Decoded, profile: str, enabled: Mapping[str, object]) -> None:
        self.profile = profile
        self.enabled: dict[str, Severity] = {
            k: v for k, v in enabled.items() if isinstance(v, Severity)
        }
        self.table = dispatch_table(self.enabled)
        self.ctx = RuleContext(profile=profile, counter=self._count)
        self.decoded = decoded
        settings = safe_settings(decoded.encoding)
        wanted = [ROOT, *RECORD_NAMES, *skeleton_tags(self.table)]
        self.parser: etree.XMLPullParser | None = refusing(
            etree.XMLPullParser(
                events=("start", "end"), tag=list(dict.fromkeys(wanted)), **settings
            )
        )
        # Every event until the root has started (for D004/D005 whatever the root's name);
        # after a refusal it reads on alone, holding nothing.
        self.sniff: etree.XMLPullParser | None = refusing(
            etree.XMLPullParser(events=("start", "end"), **settings)
        )
        self.root: Element | None = None
        self.checking = True  # False once the document is known to be checked no further
        self.refusal: Finding | None = None  # why it is not (D004, D005, D006)
        self.record_xsd = record_schema(profile)
        self.runs: dict[Element, Run] = {}  # record shell -> the run it stands for
        self.pending: Element | None = None  # the last record, cleared, not yet removed
        self.pending_shell: Element | None = None
        self.pending_size = 0
        self.container: Element | None = None  # the last element known to hold records
        self.holds: frozenset[str] = frozenset()  # the records it holds
        self.many_namespaces = False
        self.current = Current()
        self.tokens: list[Token] = []
        self.token_of: dict[Element, int] = {}
        self.rule_findings: list[Finding] = []
        self.record_findings: list[tuple[Token, Finding]] = []
        self.bound = 0  # at least as many elements as are held

    # -- driving ---------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> None:
        if self.parser is not None:
            self.parser.feed(chunk)
        if self.sniff is not None:
            self.sniff.feed(chunk)
            self._sniffed()
        if self.parser is not None:
            self._events()
            self._hold(chunk.count(b"<"))

    def close(self) -> None:
        if self.parser is not None:
            self.parser.close()
        if self.sniff is not None:
            self.sniff.close()
            self._sniffed()
        if self.parser is not None:
            self._events()
            if self.pending is not None:
                self._settle()

    def _sniffed(self) -> None:
        assert self.sniff is not None
        for event, el in self.sniff.read_events():
            if not isinstance(el, Element):  # pragma: no cover - only element events are asked
                continue
            if self.refusal is None:  # the root's start
                self.refusal = refusal(el, self.decoded)
                if self.refusal is None:
                    self.sniff = None
                    return
                self.checking = False
                self.parser = None
            elif event == "end":  # read on for well-formedness only, holding nothing
                _forget(el)

    def _events(self) -> None:
        assert self.parser is not None
        for event, found in self.parser.read_events():
            el: Element = found  # type: ignore[assignment]  # only element events are asked for
            if event == "end":
                if self.checking:
                    tag = el.tag
                    if tag in RECORDS:
                        self._record_end(el, tag)
                    else:
                        self._rules_outside(el)
            elif self.root is None:
                self.root = el

    # -- memory ------------------------------------------------------------------------------

    def _hold(self, opened: int) -> None:
        """Keep what is held bounded: count it exactly only when it may have passed the bound
        (``opened`` start tags at most were added since the last count)."""
        self.bound += opened
        root = self.root
        if root is None or self.bound < MAX_HELD:
            return
        if not self.checking:
            _prune(root)
            return
        held = list(root.iter(etree.Element))
        self.bound = len(held)
        if len(held) > MAX_HELD:
            self.refusal = too_many_elements(sourceline(held[MAX_HELD]), MAX_HELD)
            self.checking = False
            self.rule_findings.clear()
            self.record_findings.clear()
            _prune(root)

    # -- records -----------------------------------------------------------------------------

    def _record_end(self, el: Element, tag: object) -> None:
        parent = el.getparent()
        if parent is not self.container:
            self._enter(parent)
        if tag not in self.holds:
            self._stray(el)
            return
        current = self._place(el, tag)
        # The screen speaks only of a record valid under the schema: any other is checked.
        if self.many_namespaces or not self.record_xsd.validate(el):
            found = record_findings(self.record_xsd, el, self.token)
            if found:
                token = self._record_token(current, el)
                self.record_findings.extend((token, f) for f in found)
                run_subtree(el, self.table, self.ctx, self.enabled, self.token, self.rule_findings)
            elif needs_rules(el):
                run_subtree(el, self.table, self.ctx, self.enabled, self.token, self.rule_findings)
        elif needs_rules(el):
            run_subtree(el, self.table, self.ctx, self.enabled, self.token, self.rule_findings)
        size = len(current.elements) if current.elements else _size(el)
        current.record = None
        el.clear(keep_tail=True)  # type: ignore[call-arg]
        if current.shell is el:
            self.runs[el] = Run(1, size)
        else:
            self.pending = el
            self.pending_shell = current.shell
            self.pending_size = size

    def _place(self, el: Element, tag: object) -> Current:
        """Where the record ``el`` stands: the one before it settled, in its run or starting
        one (comments and processing instructions between records removed)."""
        previous = el.getprevious()
        if isinstance(previous, MARKUP):
            previous = _without_markup(previous)
        pending = self.pending
        if pending is not None:
            kept = self._settle()
            if previous is pending:
                previous = kept
        current = self.current
        current.record = el
        current.elements = None
        if previous is not None and previous.tag == tag:
            run = self.runs[previous]
            current.shell = previous
            current.member = run.count
            current.offset = run.size
        else:
            current.shell = el
            current.member = current.offset = 0
        return current

    def _enter(self, parent: Element | None) -> None:
        """Remember ``parent`` and which records it holds where the schema puts them."""
        self.container = parent
        if parent is None:
            self.holds = frozenset()
            return
        chain = tuple(str(a.tag) for a in reversed([parent, *parent.iterancestors()]))
        self.holds = CONTAINERS.get(chain, frozenset())
        self.many_namespaces = len(parent.nsmap) > FEW_NAMESPACES

    def _settle(self) -> Element:
        """Remove the pending record now that its tail is complete (it joins its run), or keep
        it as a shell when its tail holds text; returns what stands in its place."""
        record = self.pending
        assert record is not None and self.pending_shell is not None
        self.pending = None
        tail = record.tail
        if tail is not None and tail.strip(XML_SPACE):
            self.runs[record] = Run(1, self.pending_size)
            return record
        run = self.runs[self.pending_shell]
        run.count += 1
        run.size += self.pending_size
        parent = record.getparent()
        if parent is not None:
            parent.remove(record)
        return self.pending_shell

    def _stray(self, el: Element) -> None:
        """A record name where no record sits: an ordinary element, checked whole at its end
        (unless it is inside a record or another stray, which checks it)."""
        if next(el.iterancestors(*RECORD_NAMES), None) is None:
            run_subtree(el, self.table, self.ctx, self.enabled, self.token, self.rule_findings)

    def _rules_outside(self, el: Element) -> None:
        if next(el.iterancestors(*RECORD_NAMES), None) is not None:
            return  # inside a record (checked with it) or a stray (checked at its end)
        rules = rules_for(self.table, el)
        if rules:
            apply_rules(el, rules, self.ctx, self.enabled, self.token, self.rule_findings)

    def _count(self, el: Element, name: str) -> int:
        """How many ``name`` children ``el`` has had (each shell stands for its run)."""
        runs = self.runs
        return sum(
            run.count if (run := runs.get(c)) is not None else 1 for c in el.iterchildren(name)
        )

    # -- tokens ------------------------------------------------------------------------------

    def token(self, el: Element) -> str:
        """A stand-in for ``el``'s path until the document has ended."""
        current = self.current
        record = current.record
        if record is not None and (el is record or record in el.iterancestors()):
            return self._new(self._inner_token(current, record, el))
        at = self.token_of.get(el)
        if at is None:
            at = self.token_of[el] = len(self.tokens)
            self.tokens.append(Token(el))
        return Token.mark(at)

    def _new(self, token: Token) -> str:
        self.tokens.append(token)
        return Token.mark(len(self.tokens) - 1)

    def _inner_token(self, current: Current, record: Element, el: Element) -> Token:
        assert current.shell is not None
        if current.elements is None:
            current.elements = list(record.iter(etree.Element))
        tree = record.getroottree()
        suffix = str(tree.getpath(el))[len(str(tree.getpath(record))) :]
        return Token(
            current.shell,
            member=current.member,
            offset=current.offset + current.elements.index(el),
            suffix=suffix,
            tag=str(record.tag),
        )

    def _record_token(self, current: Current, record: Element) -> Token:
        assert current.shell is not None
        return Token(
            current.shell, member=current.member, offset=current.offset, tag=str(record.tag)
        )


# Comments and processing instructions: libxml2's schema check and the rules pass over them
MARKUP = (etree._Comment, etree._ProcessingInstruction)


def _without_markup(node: Element) -> Element | None:
    """Remove the comments and processing instructions from ``node`` back to the record's
    previous element (suppression comments before every record would otherwise each keep a
    shell), unless their tail holds text; returns what is left before the record."""
    found: Element | None = node
    while isinstance(found, MARKUP):
        tail = found.tail
        if tail is not None and tail.strip(XML_SPACE):
            return found
        earlier = found.getprevious()
        parent = found.getparent()
        if parent is not None:
            parent.remove(found)
        found = earlier
    return found


def _size(el: Element) -> int:
    return len(list(el.iter(etree.Element)))


def _forget(el: Element) -> None:
    """Drop an ended element and what came before it (reading on, holding nothing)."""
    el.clear(keep_tail=True)  # type: ignore[call-arg]
    parent = el.getparent()
    while parent is not None and (previous := el.getprevious()) is not None:
        parent.remove(previous)


def _prune(root: Element) -> None:
    """Remove every child but the last, at every level down the last children (the elements
    still open are among those)."""
    node: Element | None = root
    while node is not None and len(node):
        last = node[-1]
        for child in list(node)[:-1]:
            node.remove(child)
        node = last
