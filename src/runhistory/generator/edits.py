"""Breaks: the registry of deliberately broken documents, and the edits they are made of.

A break takes a conformant document (drawn with the :class:`~.build.Shape` it asks for, so the
part it edits exists) and edits it so that ``validate`` reports its code, at the path the break
returns, and nothing else: the edits keep every other rule satisfied (replacing a record's
content keeps the counters and the step-result consistent, dates stay on the calendar, and so
on).  Where a format forces a second finding, the rule's catalog entry lists it in ``implies``
and the test suite holds the break to exactly that.

A rule's break is registered beside the rule, in its module under ``runhistory/rules/``
(``@breaks("CODE", ...)``, or :func:`twin_breaks` beside a ``twin`` rule); the breaks of the
input, XSD and tool codes are in :mod:`.breaks`.  This module imports nothing of the rules or
of the builder at import time, so that rule modules can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from runhistory.generator import values as v
from runhistory.generator.choices import Chooser
from runhistory.generator.encode import Draft
from runhistory.generator.node import Node, path_to

if TYPE_CHECKING:
    from runhistory.generator.build import Builder, Shape
    from runhistory.generator.records import RunFacts

__all__ = [
    "BREAKS",
    "CONNECTED",
    "DISCOVERY",
    "EXPORT_ERRORS",
    "IMPORT_ERRORS",
    "OUTBOUND",
    "RETRY_ERRORS",
    "STEP",
    "UNBREAKABLE",
    "Break",
    "Chooser",
    "Draft",
    "Edit",
    "Node",
    "at",
    "breaks",
    "kit",
    "one",
    "parse",
    "place",
    "plain_record",
    "step",
    "strip",
    "twin_breaks",
    "with_change",
    "with_extension_info",
    "with_rules_info",
]

Edit = Callable[[Chooser, Draft], str]
TwinEdit = Callable[[Chooser, Draft, str], str]


@dataclass(frozen=True, slots=True)
class Break:
    code: str
    what: str  # a few words for file names and reports: "incident-out-of-order"
    shape: dict[str, Any]  # Shape fields the edited document needs
    edit: Edit  # edits the draft, returns the path the finding is reported at
    profile: str = "strict"  # the profile under which validate reports the code

    def needs(self, shape: Shape) -> Shape:
        """``shape`` with what the edit needs (it must see every record: none is lazy)."""
        need = replace(shape, **self.shape, lazy_records=False)
        lo, hi = need.errors
        if need.first_min_errors > hi:
            need = replace(need, errors=(lo, need.first_min_errors))
        if need.first_kind and need.first_kind not in need.kinds:
            need = replace(need, kinds=(*need.kinds, need.first_kind))
        return need


BREAKS: dict[str, Break] = {}

# Codes no document can trigger by itself, and why: the test suite holds every catalog code to
# a break or an entry here.
UNBREAKABLE: dict[str, str] = {
    "U002": "reported when a configuration file's per-path 'expect' names a code the file lacks; "
    "it depends on the configuration, not on the document",
}


def breaks(
    code: str, what: str, *, profile: str = "strict", **shape: object
) -> Callable[[Edit], Edit]:
    """Register the decorated edit as the break of ``code``."""

    def wrap(edit: Edit) -> Edit:
        if code in BREAKS:
            raise ValueError(f"two breaks for {code}")
        BREAKS[code] = Break(code, what, dict(shape), edit, profile)
        return edit

    return wrap


# The shapes of document the breaks of a part need.
CONNECTED: dict[str, Any] = {"first_kind": "import", "first_connection": "success"}
DISCOVERY: dict[str, Any] = {"first_kind": "import", "first_min_errors": 1}
OUTBOUND: dict[str, Any] = {"first_kind": "sync", "first_result": "success", "first_outbound": True}
IMPORT_ERRORS: dict[str, Any] = {"first_kind": "sync", "first_min_errors": 1}
RETRY_ERRORS: dict[str, Any] = {"first_kind": "sync", "first_retry_errors": 1}
EXPORT_ERRORS: dict[str, Any] = {"first_kind": "export", "first_min_errors": 1}


def twin_breaks(
    codes: tuple[str, str], what: str, *, profile: str = "strict"
) -> Callable[[TwinEdit], TwinEdit]:
    """The breaks of a ``twin`` rule (see ``rules/error_info.py``): the edit, given the record's
    name, makes an import-error break the first code and a retry-error the second."""

    def wrap(edit: TwinEdit) -> TwinEdit:
        for code, name, tag, shape in (
            (codes[0], what, "import-error", IMPORT_ERRORS),
            (codes[1], f"retry-{what}", "retry-error", RETRY_ERRORS),
        ):
            breaks(code, name, profile=profile, **shape)(_bound(edit, tag))
        return edit

    return wrap


def _bound(edit: TwinEdit, tag: str) -> Edit:
    return lambda ch, d: edit(ch, d, tag)


# -- finding and placing parts -------------------------------------------------------------------

STEP = "run-details/step-details"


def step(d: Draft) -> Node:
    """The first step-details."""
    return one(d.root, STEP)


def one(node: Node, path: str) -> Node:
    found = node.first(path)
    assert found is not None, path
    return found


def at(d: Draft, node: Node, attribute: str | None = None) -> str:
    """The path a finding on ``node`` (or its ``attribute``) is reported at."""
    return path_to(d.root, node, attribute)


def place(parent: Node, child: Node, order: tuple[str, ...]) -> Node:
    """Insert ``child`` where the schema's sequence ``order`` puts it."""
    rank = order.index(child.tag)
    where = len(parent.children)
    for i, c in enumerate(parent.children):
        if c.tag in order and order.index(c.tag) > rank:
            where = i
            break
    parent.children.insert(where, child)
    return child


def strip(node: Node, *tags: str) -> None:
    node.children = [c for c in node.children if c.tag not in tags]


def parse(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f")


# -- error records -------------------------------------------------------------------------------


def kit(ch: Chooser, d: Draft) -> tuple[Builder, RunFacts]:
    """The builder and the run facts, to make parts of records the way conformant ones are."""
    from runhistory.generator.build import Builder
    from runhistory.generator.records import RunFacts

    details = one(d.root, "run-details")
    account = one(details, "security-id").text or "CONTOSO\\svc-sync"
    run = RunFacts(
        account.split("\\", 1)[0].lower(),
        one(details, "ma-name").text or "",
        one(details, "ma-id").text or "",
        int(one(details, "run-number").text or "1"),
        parse(one(step(d), "start-date").text or ""),
    )
    return Builder(ch), run


def plain_record(d: Draft, tag: str, error_type: str, algorithm: str = "join") -> Node:
    """The step's first ``tag`` record, made a plain error of ``error_type`` at ``algorithm``:
    no change-not-reimported, extension-error-info or rules-error-info, no algorithm-step
    attributes."""
    box = "mv-retry-errors" if tag == "retry-error" else "synchronization-errors"
    record = one(step(d), f"{box}/{tag}")
    strip(record, "change-not-reimported", "extension-error-info", "rules-error-info")
    one(record, "error-type").text = error_type
    found = one(record, "algorithm-step")
    found.text = algorithm
    found.attrs.clear()
    return record


def with_change(ch: Chooser, d: Draft, error_type: str) -> Node:
    """The first import-error, of ``error_type``, with a change-not-reimported."""
    record = plain_record(d, "import-error", error_type)
    builder, run = kit(ch, d)
    return record.append(builder.change_not_reimported(ch, run, record.attrs["dn"]))


def with_rules_info(ch: Chooser, d: Draft, tag: str, algorithm: str = "import-flow") -> Node:
    record = plain_record(d, tag, "sync-rule-flow-attribute-not-found", algorithm)
    builder, run = kit(ch, d)
    return record.append(builder.rules_error_info(ch, run, algorithm, v.dn(ch, run.domain)))


def with_extension_info(ch: Chooser, d: Draft, tag: str, error_type: str, algorithm: str) -> Node:
    record = plain_record(d, tag, error_type, algorithm)
    info = record.add("extension-error-info")
    info.add("extension-name", ch.choice(v.EXTENSIONS))
    info.add("extension-callsite", "initialize")
    info.add("extension-context", "")
    info.add("call-stack", ch.choice(v.CALL_STACKS))
    return info
