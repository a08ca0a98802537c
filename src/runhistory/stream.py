"""Streaming validation: the same findings as tree mode, in memory that does not grow with the
number of records.

The document is fed to libxml2 in chunks (never decoded into one string) and walked on start
and end events.  The repeated records (import-error, export-error, retry-error,
ma-object-error, incident) are where a big document's size is; each one is handled when it ends:

1. its rules run (the rule engine's per-element logic, shared with tree mode);
2. it is validated on its own against a schema that declares the records globally (lxml
   validates an element as the root of a document, with its own line numbers);
3. it is removed from the tree, except for an empty shell for the first record of each run of
   same-named records (and for one whose tail holds text), which stays for step 4.

When the document has ended, what is left (the skeleton) is validated against a schema in which
the records' content is open, so the skeleton checks where records are and everything outside
them.  Every content model around a record repeats it without bound, so one shell per run keeps
the skeleton valid exactly when the document is.

Paths with 1-based positions are counted as elements start; whether a step needs its position
(it has same-named siblings) is known only when its parent has ended, so findings carry a token
for their element until the document has ended.  Columns come from a second, line-by-line read
of the lines that have findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from lxml import etree

from runhistory import suppress
from runhistory.decoding import Decoded, decode
from runhistory.findings import Finding
from runhistory.input_stage import (
    empty_finding,
    finding,
    is_blank,
    looks_like_xml,
    not_xml_finding,
    refusal,
    syntax_finding,
)
from runhistory.locate import add_columns, exact_lines, read_lines
from runhistory.location import render_path, step
from runhistory.parsing import refusing, safe_settings
from runhistory.report import FileReport
from runhistory.rules.engine import (
    Element,
    RuleContext,
    apply_rules,
    dispatch_table,
    rules_for,
    sourceline,
)
from runhistory.schema_check import (
    RECORDS,
    record_findings,
    record_schema,
    skeleton_findings,
    step_name,
)
from runhistory.sections import section_for
from runhistory.stream_source import Source, TooBig, lost_error, whole
from runhistory.validate import Options, apply_selection, no_cycle_collection


class HeldNode:
    """An element's place: its name, its 1-based position among same-named siblings, its parent,
    how many children of each name it has had so far, and which same-named start tag of its
    line it is (for the column)."""

    __slots__ = ("counts", "index", "occurrence", "parent", "seq", "tag")

    def __init__(
        self, tag: str, index: int, parent: HeldNode | None, occurrence: int, seq: int
    ) -> None:
        self.seq = seq  # document order
        self.tag = tag
        self.index = index
        self.parent = parent
        self.occurrence = occurrence
        self.counts: dict[str, int] = {}

    def path(self) -> str:
        """The XPath-like path, once the parent's children are all known."""
        steps = []
        node: HeldNode | None = self
        while node is not None:
            parent = node.parent
            # (for '*', counts['*'] is the number of all child elements, as libxml2 counts)
            namesakes = parent is not None and parent.counts.get(node.tag, 0) > 1
            steps.append(step(node.tag, node.index, namesakes))
            node = parent
        return render_path(reversed(steps))


# Streaming holds the skeleton (what is outside the records) and the record being read; past
# this many elements held at once it stops checking (D006), so memory stays bounded whatever
# the document's shape.  RunDetails output holds a few hundred elements outside its records.
MAX_HELD = 50_000


def too_many_elements(line: int | None) -> Finding:
    return finding(
        "D006",
        f"the document holds more than {MAX_HELD:,} elements outside its records (or inside "
        "one record); streaming keeps those in memory to check them and was stopped here to "
        "keep memory bounded (RunDetails output holds a few hundred); the file is damaged or "
        "hostile: check it with --mode tree only if it is trusted",
        line,
    )


TOKEN = "\x00"
ANY = "*"  # libxml2's name for an element of a prefix-less namespace; also every element


class Walker:
    """Feeds the parser and keeps the bookkeeping; see the module docstring."""

    def __init__(self, decoded: Decoded, profile: str, enabled: dict[str, object]) -> None:
        from runhistory.findings import Severity

        self.profile = profile
        self.enabled: dict[str, Severity] = {
            k: v for k, v in enabled.items() if isinstance(v, Severity)
        }
        self.table = dispatch_table(self.enabled)
        self.ctx = RuleContext(profile=profile, counter=self._count)
        self.nodes: dict[Element, HeldNode] = {}
        self.tokens: list[HeldNode] = []
        self.token_of: dict[int, int] = {}  # id(node) -> its token index
        self.stack: list[HeldNode] = []
        self.last_line: dict[str, tuple[int, int]] = {}  # tag -> (line, occurrence)
        self.rule_findings: list[Finding] = []
        self.record_findings: list[tuple[HeldNode, Finding]] = []
        self.dropped = 0  # nodes forgotten (for document-order numbers)
        self.kept: dict[Element, str] = {}  # container -> name of its last kept record shell
        self.root: Element | None = None
        self.record_xsd = record_schema(profile)
        self.parser = refusing(
            etree.XMLPullParser(events=("start", "end"), **safe_settings(decoded.encoding))
        )
        self.decoded = decoded
        self.checking = True  # False once the document is known to be checked no further
        self.refusal: Finding | None = None  # why it is not (D004, D005)
        self.unexpected: list[HeldNode] = []  # elements the skeleton's schema did not expect

    # -- bookkeeping -----------------------------------------------------------------------

    def _count(self, el: Element, name: str) -> int:
        node = self.nodes.get(el)
        return len(el.findall(name)) if node is None else node.counts.get(name, 0)

    def token(self, el: Element) -> str:
        """A stand-in for ``el``'s path until the document has ended."""
        node = self.nodes.get(el)
        if node is None:  # not an element of this walk (cannot happen with the rules shipped)
            return el.getroottree().getpath(el)
        key = id(node)
        at = self.token_of.get(key)
        if at is None:
            at = len(self.tokens)
            self.tokens.append(node)
            self.token_of[key] = at
        return f"{TOKEN}{at}{TOKEN}"

    def _start(self, el: Element) -> None:
        if self.checking and len(self.nodes) >= MAX_HELD:
            self.refusal = too_many_elements(sourceline(el))
            self.checking = False
        parent = self.stack[-1] if self.stack else None
        if not self.checking:  # read on for well-formedness only: no bookkeeping
            self.stack.append(HeldNode("", 0, parent, 0, 0))
            return
        tag = step_name(el)
        if parent is None:
            index = 1
        else:
            counts = parent.counts
            every = counts[ANY] = counts.get(ANY, 0) + 1
            # libxml2 numbers an element of a prefix-less namespace ('*') among all elements.
            index = every if tag == ANY else counts.get(tag, 0) + 1
            counts[tag] = index
        line = sourceline(el) or 0
        key = str(el.tag)  # same-named start tags on one line, for the column
        prev = self.last_line.get(key)
        occurrence = prev[1] + 1 if prev is not None and prev[0] == line else 0
        self.last_line[key] = (line, occurrence)
        node = HeldNode(tag, index, parent, occurrence, len(self.nodes) + self.dropped)
        self.nodes[el] = node
        self.stack.append(node)

    def _is_record(self, el: Element) -> bool:
        chain = RECORDS.get(el.tag) if isinstance(el.tag, str) else None
        if chain is None or len(self.stack) != len(chain) + 1:
            return False
        return all(n.tag == name for n, name in zip(self.stack, chain, strict=False))

    def _end(self, el: Element) -> None:
        record = self._is_record(el)
        if self.checking:
            rules = rules_for(self.table, el)
            if rules:
                apply_rules(el, rules, self.ctx, self.enabled, self.token, self.rule_findings)
            if record:
                self._validate_record(el)
        self.stack.pop()
        if record:
            self._drop(el)
        elif not self.checking:  # read on for well-formedness only, holding nothing
            for sub in el.iter():
                if self.nodes.pop(sub, None) is not None:
                    self.dropped += 1
            el.clear(keep_tail=True)  # type: ignore[call-arg]
            parent = el.getparent()
            while parent is not None and (previous := el.getprevious()) is not None:
                parent.remove(previous)

    def _validate_record(self, el: Element) -> None:
        node = self.nodes[el]
        found = record_findings(self.record_xsd, el, self.token)
        self.record_findings.extend((node, f) for f in found)

    def _drop(self, el: Element) -> None:
        """Forget a finished record, keeping a shell for the first of a run of its name."""
        parent = el.getparent()
        tail = el.tail
        previous = el.getprevious()
        keep = parent is not None and (
            previous is None or previous.tag != el.tag or (tail is not None and bool(tail.strip()))
        )
        for sub in el.iter():
            if (sub is not el or not keep) and self.nodes.pop(sub, None) is not None:
                self.dropped += 1
        if keep:
            el.clear(keep_tail=True)  # type: ignore[call-arg]
        elif parent is not None:
            parent.remove(el)

    # -- driving ---------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> None:
        self.parser.feed(chunk)
        self._events()

    def close(self) -> None:
        self.parser.close()
        self._events()

    def _events(self) -> None:
        for event, el in self.parser.read_events():
            if not isinstance(el, Element):  # pragma: no cover - only element events are asked
                continue
            if event == "start":
                if self.root is None:
                    self.root = el
                    self.refusal = refusal(el, self.decoded)
                    self.checking = self.refusal is None
                self._start(el)
            else:
                self._end(el)

    def order(self, findings: list[Finding]) -> dict[int, int]:
        """Each finding's element's index in document order, by position in ``findings``
        (for :func:`~runhistory.locate.exact_lines`)."""
        out: dict[int, int] = {}
        for at, f in enumerate(findings):
            if f.path.startswith(TOKEN):
                out[at] = self.tokens[int(f.path[1 : f.path.index(TOKEN, 1)])].seq
        return out

    def paths(self) -> list[str]:
        return [node.path() for node in self.tokens]


def resolve(path: str, paths: list[str]) -> str:
    """Replace a token at the start of ``path`` by the element's real path."""
    if not path.startswith(TOKEN):
        return path
    end = path.index(TOKEN, 1)
    return paths[int(path[1:end])] + path[end + 1 :]


def check_stream(fh: BinaryIO, options: Options) -> list[Finding]:
    """Every finding for the document read from ``fh``, before selection is applied."""
    return _checked(fh, options)[0]


def _checked(fh: BinaryIO, options: Options) -> tuple[list[Finding], list[suppress.Suppression]]:
    """The findings, and the document's inline suppressions (when ``options`` honours them)."""
    with no_cycle_collection():
        found: list[list[suppress.Suppression]] = []
        findings = _check_stream(fh, options, found)
        return findings, found[0] if found else []


def _check_stream(
    fh: BinaryIO, options: Options, suppressions: list[list[suppress.Suppression]]
) -> list[Finding]:
    source = Source(fh, options.max_bytes)
    try:
        return _check_source(source, options, suppressions)
    except TooBig:
        return source.too_big()


def _check_source(
    source: Source, options: Options, suppressions: list[list[suppress.Suppression]]
) -> list[Finding]:
    head = source.head
    if len(head) > options.max_bytes:
        raise TooBig(len(head))
    if not head:
        return [empty_finding()]
    decoded = decode(head)
    chunks = source.rest()
    stop = _cannot_read(decoded, chunks)
    if stop is not None:
        return [stop]
    walker = Walker(decoded, options.profile, dict(options.selection.enabled(options.profile)))
    stopped = _walk(walker, decoded, chunks, source)
    findings: list[Finding] = list(decoded.findings)
    if stopped is not None:
        return [*findings, stopped]
    if options.inline_ignores and source.marked:
        suppressions.append(suppress.scan_chunks(decoded.encoding, source.again(decoded)))
    if walker.root is not None:  # (libxml2 raises on a document without an element)
        findings.extend(_located(walker, walker.root, options.profile, source, decoded))
    return findings


def _cannot_read(decoded: Decoded, chunks: Iterator[bytes]) -> Finding | None:
    """D002 (only blanks) or D007 (not XML) from the head, reading on only for blanks."""
    if is_blank(decoded) and _all_blank(chunks, decoded):
        return empty_finding()
    if not looks_like_xml(decoded):
        return not_xml_finding()
    return None


def _all_blank(chunks: Iterator[bytes], decoded: Decoded) -> bool:
    return all(not c.decode(decoded.codec, errors="replace").strip() for c in chunks)


def _walk(
    walker: Walker, decoded: Decoded, chunks: Iterator[bytes], source: Source
) -> Finding | None:
    """Feed the whole document to ``walker``; the syntax finding when it is not well-formed."""
    try:
        walker.feed(decoded.body)
        for chunk in chunks:
            walker.feed(chunk)
        walker.close()
    except etree.XMLSyntaxError as err:
        for _ in chunks:  # standard input: keep what is left for locating the error
            pass
        # Only these two cases need the whole document (a broken file: memory is not kept low).
        text = str(err)
        if err.position == (0, 0) or "encoding" in text or "UTF-8" in text:
            document = whole(source.store, source.start, source.limit)
            if err.position == (0, 0):
                err = lost_error(document) or err
            return syntax_finding(err, document)
        return syntax_finding(err, decoded)
    return None


def _located(
    walker: Walker, root: Element, profile: str, source: Source, decoded: Decoded
) -> list[Finding]:
    """The walk's findings with their paths, exact lines and columns."""
    findings: list[Finding] = []
    stop = walker.refusal
    if stop is not None:
        walker.rule_findings.clear()
        walker.record_findings.clear()
        findings.append(stop)
        xsd: list[Finding] = []
    else:
        xsd = _skeleton(walker, root, profile)
    xsd.extend(f for node, f in walker.record_findings if not _skipped(node, walker.unexpected))

    def chunks() -> Iterator[bytes]:
        return source.again(decoded)

    rules = walker.rule_findings
    both = exact_lines([*rules, *xsd], walker.order, chunks, decoded.codec)
    paths = walker.paths()
    findings.extend(replace(f, path=resolve(f.path, paths)) for f in both[: len(rules)])
    for f in both[len(rules) :]:
        path = resolve(f.path, paths)
        findings.append(replace(f, path=path, section=section_for(path)))
    if not findings:
        return findings
    occurrences = {path: node.occurrence for path, node in zip(paths, walker.tokens, strict=True)}
    root_node = walker.nodes.get(root)
    if root_node is not None:
        occurrences.setdefault(root_node.path(), root_node.occurrence)

    def lines(wanted: set[int]) -> dict[int, str]:
        return read_lines(chunks(), decoded.codec, wanted)

    return add_columns(findings, lines, occurrences.get)


def _skipped(node: HeldNode, unexpected: list[HeldNode]) -> bool:
    """True when libxml2 does not validate ``node``: once an element is not expected, it skips
    that element and every later child of the same parent."""
    for bad in unexpected:
        if node.seq < bad.seq or bad.parent is None:
            continue
        up: HeldNode | None = node
        while up is not None and up is not bad.parent:
            up = up.parent
        if up is not None:
            return True
    return False


def _skeleton(walker: Walker, root: Element, profile: str) -> list[Finding]:
    """Schema findings for what is left of the tree once the records are gone."""
    found, unexpected = skeleton_findings(root.getroottree(), profile, walker.token)
    # libxml2 does not look inside an element it did not expect: neither does streaming.
    walker.unexpected.extend(n for el in unexpected if (n := walker.nodes.get(el)) is not None)
    return found


def validate_stream(fh: BinaryIO, name: str, options: Options | None = None) -> FileReport:
    """Validate the document read from ``fh`` in streaming mode; never raises on bad input."""
    options = options or Options()
    findings, suppressions = _checked(fh, options)
    findings = apply_selection(findings, options)
    if suppressions:
        enabled = options.selection.enabled(options.profile)
        findings = suppress.apply_found(suppressions, findings, enabled)
    return FileReport(file=name, findings=findings)
