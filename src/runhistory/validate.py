"""The validation pipeline: bytes -> decoded -> tree -> findings -> report.

Each stage lives in its own module (:mod:`decoding`, :mod:`parsing`, :mod:`xsd`,
:mod:`rules`); this module runs them in order and stops at the first stage that cannot go on.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from lxml import etree

from runhistory import rules as _rules  # noqa: F401  (registers the rule catalog)
from runhistory import suppress
from runhistory.decoding import Decoded, decode
from runhistory.findings import Finding, Severity
from runhistory.input_stage import refusal, syntax_finding, too_big_finding, unreadable
from runhistory.locate import add_columns, byte_chunks, exact_lines, read_lines
from runhistory.parsing import parse
from runhistory.report import FileReport
from runhistory.rules.engine import PathFinder, run_rules, sourceline
from runhistory.rules.screen import containers, needs_rules
from runhistory.schema_check import (
    PathIndex,
    in_parts,
    record_containers,
    tree_schema_findings,
    valid_alone,
    whole_schema_findings,
)
from runhistory.selection import Selection
from runhistory.xsd import lent_schema

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
# Tree mode checks the schema in a second thread, while the rules run, above this size.
OVERLAP_ABOVE = 1 << 20
# --mode auto streams files larger than this (tree mode needs about 8 bytes of memory per byte).
STREAM_ABOVE = 64 << 20
MODES = ("auto", "tree", "stream")


@dataclass(frozen=True, slots=True)
class Options:
    profile: str = "strict"
    selection: Selection = field(default_factory=Selection)
    max_bytes: int = DEFAULT_MAX_BYTES
    inline_ignores: bool = True  # honour <!-- runhistory: ignore CODE --> comments
    mode: str = "auto"  # one of MODES

    def streams(self, size: int | None) -> bool:
        """Whether a document of ``size`` bytes (None: unknown, standard input) is streamed."""
        if self.mode == "auto":
            return size is not None and size > STREAM_ABOVE
        return self.mode == "stream"


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Hold Python's cycle collector off while a document is checked.

    A big tree makes hundreds of thousands of lxml proxies; each full collection walks them all
    and nearly doubled the time of the rules on 100,000 records.  Checking creates no reference
    cycles worth collecting (everything is freed by reference counting), so the collector is
    switched back on, as it was, at the end.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def check_bytes(data: bytes, options: Options) -> list[Finding]:
    """Every finding for one document, before selection is applied."""
    return check_document(data, options)[0]


def check_document(
    data: bytes, options: Options
) -> tuple[list[Finding], etree._ElementTree | None]:
    """Every finding for one document (before selection), and its tree when it was checked
    against the schema (None when an earlier stage stopped: unreadable, DOCTYPE, wrong root)."""
    findings, tree, _decoded = _checked(data, options)
    return findings, tree


def _checked(
    data: bytes, options: Options
) -> tuple[list[Finding], etree._ElementTree | None, Decoded | None]:
    """:func:`check_document`, with the decoded bytes when they could be read (None when
    the document is too big or unreadable)."""
    with no_cycle_collection():
        return _check_document(data, options)


def _check_document(
    data: bytes, options: Options
) -> tuple[list[Finding], etree._ElementTree | None, Decoded | None]:
    if len(data) > options.max_bytes:
        return [too_big_finding(len(data), options.max_bytes)], None, None
    decoded = decode(data)
    stop = unreadable(decoded)
    if stop is not None:
        return [stop], None, None
    findings: list[Finding] = list(decoded.findings)
    try:
        tree = parse(decoded)
    except etree.XMLSyntaxError as err:
        return [*findings, syntax_finding(err, decoded)], None, decoded
    root = tree.getroot()
    stop = refusal(root, decoded)
    if stop is not None:
        return _finish([*findings, stop], decoded, tree), None, decoded
    path_of = PathFinder(tree)
    enabled = options.selection.enabled(options.profile)
    check = _overlapped if len(data) > OVERLAP_ABOVE else _in_turn
    schema_findings, rule_findings = check(tree, options.profile, enabled, path_of)
    findings += schema_findings + rule_findings
    return _finish(findings, decoded, tree), tree, decoded


Checked = tuple[list[Finding], list[Finding]]


def _in_turn(
    tree: etree._ElementTree,
    profile: str,
    enabled: Mapping[str, Severity],
    path_of: PathFinder,
    boxes: list[etree._Element] | None = None,
) -> Checked:
    """The schema's findings, then the rules' (see :func:`_overlapped`).  ``boxes``: the
    document's record containers, when the caller has found them."""
    root = tree.getroot()
    if boxes is None:
        boxes = record_containers(root)  # found once, for the schema and the screen
    found = tree_schema_findings(tree, profile, path_of, boxes)
    return found, run_rules(
        root, enabled, profile, path_of=path_of, screens=_screens(root, profile, found, boxes)
    )


def _screens(
    root: etree._Element, profile: str, found: list[Finding], boxes: list[etree._Element]
) -> dict[etree._Element, Callable[[etree._Element], bool]]:
    """The record screens for :func:`run_rules`.  A screen holds for a record the profile's
    schema accepts: in a valid document (no schema findings), every record; in an invalid one,
    a record is first validated on its own (as streaming does), and checked by every rule when
    it is not valid."""
    screens = containers(root, boxes)
    if not found or not screens:
        return screens

    def screened(record: etree._Element) -> bool:
        return not valid_alone(record, profile) or needs_rules(record)

    return dict.fromkeys(screens, screened)


def _overlapped(
    tree: etree._ElementTree,
    profile: str,
    enabled: Mapping[str, Severity],
    path_of: PathFinder,
) -> Checked:
    """What :func:`_in_turn` finds, with the schema checked in a second thread while the rules
    run, screened, on the assumption that the document is valid (most big documents are).

    libxml2 validates without holding the interpreter lock and reads the tree as the rules
    do; nothing writes to it.  When the schema finds anything, the screened rules' findings
    are thrown away and the rules run again, screening only the records valid on their own.
    What needs Python (building the schema, the sample that decides whole or in parts) is done
    here first: the thread would wait for the lock at every step of it.  A document validated
    in parts is invalid, and is checked in turn.
    """
    root = tree.getroot()
    boxes = record_containers(root)
    if in_parts(tree, profile, boxes):  # a record of the sample is invalid: so is the document
        return _in_turn(tree, profile, enabled, path_of, boxes)
    import threading  # only for big documents: not at start-up

    outcome: list[list[Finding] | BaseException] = []
    # Made here (the thread would do little but libxml2's validation), and this thread's own:
    # no other thread validates with it.
    schema = lent_schema(profile)

    def validate() -> None:
        try:
            outcome.append(whole_schema_findings(tree, profile, schema))
        except BaseException as err:  # handed to the caller's thread
            outcome.append(err)

    worker = threading.Thread(target=validate, name="runhistory-schema", daemon=True)
    worker.start()
    rules = run_rules(root, enabled, profile, path_of=path_of, screens=containers(root, boxes))
    worker.join()
    found = outcome[0]
    if isinstance(found, BaseException):
        raise found
    if found:  # the screened rules assumed every record valid: not so
        rules = run_rules(
            root, enabled, profile, path_of=path_of, screens=_screens(root, profile, found, boxes)
        )
    return found, rules


def _finish(findings: list[Finding], decoded: Decoded, tree: etree._ElementTree) -> list[Finding]:
    if not findings:
        return findings
    element = PathIndex(tree)

    def chunks() -> Iterator[bytes]:
        return byte_chunks(decoded.body)

    findings = exact_lines(findings, _order_in(tree, element), chunks, decoded.codec)
    occurrences: dict[object, dict[etree._Element, int]] = {}

    def occurrence(path: str) -> int | None:
        """Index of the element at ``path`` among the same-named start tags on its line."""
        el = element(path)
        if el is None:
            return None
        of_tag = occurrences.get(el.tag)
        if of_tag is None:  # one pass per name, for every finding of that name
            of_tag = occurrences[el.tag] = {}
            last: tuple[int | None, int] = (None, -1)
            for e in tree.iter(el.tag):  # document order
                line = sourceline(e)
                last = (line, last[1] + 1 if last[0] == line else 0)
                of_tag[e] = last[1]
        return of_tag.get(el)

    def lines(wanted: set[int]) -> dict[int, str]:
        return read_lines(chunks(), decoded.codec, wanted)

    return add_columns(findings, lines, occurrence)


def _order_in(
    tree: etree._ElementTree, element: Callable[[str], etree._Element | None]
) -> Callable[[list[Finding]], dict[int, int]]:
    """For :func:`~runhistory.locate.exact_lines`: each finding's element's index in document
    order (by the finding's position in the list), in one pass over the tree."""

    def order(findings: list[Finding]) -> dict[int, int]:
        wanted: dict[etree._Element, list[int]] = {}
        for at, f in enumerate(findings):
            el = element(f.path)
            if el is not None:
                wanted.setdefault(el, []).append(at)
        out: dict[int, int] = {}
        for index, el in enumerate(tree.getroot().iter(etree.Element)):
            for at in wanted.pop(el, ()):
                out[at] = index
            if not wanted:
                break
        return out

    return order


def apply_selection(findings: list[Finding], options: Options) -> list[Finding]:
    enabled = options.selection.enabled(options.profile)
    out = []
    for f in findings:
        sev = enabled.get(f.rule)
        if sev is None:
            continue
        if sev is not f.severity:
            f = Finding(f.rule, f.section, sev, f.line, f.column, f.path, f.message)
        out.append(f)
    out.sort(key=Finding.sort_key)
    return out


def validate_bytes(data: bytes, name: str, options: Options | None = None) -> FileReport:
    """Validate one document's bytes; never raises on bad input."""
    options = options or Options()
    found, tree, decoded = _checked(data, options)
    findings = apply_selection(found, options)
    if options.inline_ignores:
        # The comments are read off the tree when there is one (a document with no comment
        # meant as a suppression is passed over at once), else off the bytes.
        enabled = options.selection.enabled(options.profile)
        if tree is not None and decoded is not None:
            findings = suppress.apply_found(suppress.scan_tree(tree, decoded), findings, enabled)
        else:
            findings = suppress.apply(data, findings, enabled)
    return FileReport(file=name, findings=findings)


Validator = Callable[[bytes, str, Options], FileReport]
