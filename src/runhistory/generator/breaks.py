"""The breaks of the codes no rule module declares: input (D), XSD (S) and the tool's own markup
(U).  Every rule's break is beside the rule, in its module under ``runhistory/rules/``; importing
this module imports them all, so :data:`BREAKS` lists a break for every code.  See
:mod:`.edits` for what a break is.
"""

from __future__ import annotations

import re

import runhistory.rules  # noqa: F401  (registers the rules' breaks)
from runhistory.generator import edits as e
from runhistory.generator.choices import Chooser
from runhistory.generator.edits import BREAKS, UNBREAKABLE, Break
from runhistory.generator.encode import Draft
from runhistory.generator.node import Node

__all__ = ["BREAKS", "UNBREAKABLE", "Break"]


@e.breaks("D001", "truncated")
def _truncated(ch: Chooser, d: Draft) -> str:
    def cut(text: str) -> str:
        body = text.index("<run-history")
        return text[: ch.integer(body + len("<run-history>") + 1, len(text) - 2)]

    d.text_edit = cut
    return "/"


@e.breaks("D002", "empty")
def _empty(ch: Chooser, d: Draft) -> str:
    d.data = ch.choice((b"", b"\r\n", b"   \n"))
    return "/"


@e.breaks("D003", "utf8-declared-utf16")
def _declared_utf16(ch: Chooser, d: Draft) -> str:
    d.encoding = "utf-8-declared-utf-16"
    return "/"


@e.breaks("D008", "unreadable-declared-encoding")
def _declared_unreadable(ch: Chooser, d: Draft) -> str:
    name = ch.choice(("x-unknown", "UTF-7", "base64"))
    if d.encoding == "utf-8-declared-utf-16":
        d.encoding = "utf-8"  # one finding: the declaration no longer says utf-16

    def declare(text: str) -> str:
        head, end, rest = text.partition("?>")
        return re.sub(r'encoding="[^"]*"', f'encoding="{name}"', head, count=1) + end + rest

    d.text_edit = declare
    return "/"


@e.breaks("D004", "doctype-entity")
def _doctype(ch: Chooser, d: Draft) -> str:
    d.prolog = ch.choice(
        (
            "<!DOCTYPE run-history>\n",
            '<!DOCTYPE run-history [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n',
        )
    )
    return "/"


@e.breaks("D005", "wrong-root")
def _wrong_root(ch: Chooser, d: Draft) -> str:
    d.root = e.one(d.root, "run-details")
    return "/run-details"


@e.breaks("D006", "nested-too-deep")
def _deep(ch: Chooser, d: Draft) -> str:
    desc = e.one(e.step(d), "step-description")
    node = desc.add("custom-data")
    for _ in range(ch.integer(260, 300)):
        node = node.add("custom-data")
    return "/"


@e.breaks("D007", "powershell-listing")
def _not_xml(ch: Chooser, d: Draft) -> str:
    prefix = ch.choice(("ReturnValue      : ", "__GENUS          : 2\n"))
    d.text_edit = lambda text: prefix + text
    return "/"


@e.breaks("U001", "stale-inline-suppression")
def _stale_suppression(ch: Chooser, d: Draft) -> str:
    # A suppression comment before an element where its code reports nothing.
    target = ch.choice(("run-details/ma-name", "run-details/step-details/end-date"))
    node = e.one(d.root, target)
    node.comment = f" runhistory: ignore {ch.choice(('R405', 'S104', 'R001'))} "
    return e.at(d, node)


@e.breaks("S101", "unknown-element")
def _unknown_element(ch: Chooser, d: Draft) -> str:
    details = e.one(d.root, "run-details")
    name = ch.choice(("run-profile-id", "ma-type"))
    node = Node(
        name, text="{5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A}" if name.endswith("id") else "AD"
    )
    details.insert_after(e.one(details, "run-profile-name"), node)
    return e.at(d, node)


@e.breaks("S102", "missing-element")
def _missing_element(ch: Chooser, d: Draft) -> str:
    step = e.step(d)
    which = ch.choice(("end-date", "export-counters"))
    step.remove(e.one(step, which))
    if which == "end-date":
        return e.at(d, e.one(step, "step-result"))
    return e.at(d, step)


@e.breaks("S103", "value-not-in-enumeration")
def _enumeration(ch: Chooser, d: Draft) -> str:
    result = e.one(e.step(d), "step-result")
    result.attrs.clear()
    result.text = ch.choice(("completed-sync-error", "failed", "Success"))
    return e.at(d, result)


@e.breaks("S104", "pattern-mismatch")
def _pattern(ch: Chooser, d: Draft) -> str:
    if ch.boolean():
        start = e.one(e.step(d), "start-date")
        start.text = (start.text or "").replace(" ", "T", 1)
        return e.at(d, start)
    ma_id = e.one(d.root, "run-details/ma-id")
    ma_id.text = (ma_id.text or "").strip("{}")
    return e.at(d, ma_id)


@e.breaks("S105", "fixed-value")
def _fixed(ch: Chooser, d: Draft) -> str:
    counter = e.one(e.step(d), "staging-counters/stage-no-change")
    counter.attrs["detail"] = "true"
    return e.at(d, counter, "detail")


@e.breaks("S106", "wrong-type")
def _type(ch: Chooser, d: Draft) -> str:
    counter = e.one(e.step(d), "current-export-step-counter")
    counter.text = ch.choice(("none", "-1", "0.0"))
    return e.at(d, counter)


@e.breaks("S107", "out-of-range")
def _range(ch: Chooser, d: Draft) -> str:
    number = e.one(d.root, "run-details/run-number")
    number.text = str(ch.integer(2147483648, 4294967295))
    return e.at(d, number)


@e.breaks("S108", "missing-attribute")
def _missing_attribute(ch: Chooser, d: Draft) -> str:
    step = e.step(d)
    del step.attrs["step-id"]
    return e.at(d, step, "step-id")


@e.breaks("S109", "unknown-attribute")
def _unknown_attribute(ch: Chooser, d: Draft) -> str:
    details = e.one(d.root, "run-details")
    details.attrs["ma-type"] = ch.choice(("AD", "SQL", "Extensible2"))
    return e.at(d, details, "ma-type")


@e.breaks("S110", "text-in-element-only-content")
def _text_content(ch: Chooser, d: Draft) -> str:
    box = e.one(e.step(d), "mv-retry-errors")
    box.children.clear()
    box.lazy = None
    box.text = ch.choice(("none", "0"))
    return e.at(d, box)


@e.breaks("S111", "elements-out-of-order")
def _order(ch: Chooser, d: Draft) -> str:
    details = e.one(d.root, "run-details")
    ma_id, ma_name = e.one(details, "ma-id"), e.one(details, "ma-name")
    details.children[0], details.children[1] = ma_name, ma_id
    return e.at(d, ma_name)  # libxml2 reports the first element out of place


@e.breaks("S199", "not-nillable")
def _other_schema(ch: Chooser, d: Draft) -> str:
    d.root.attrs["xmlns:xsi"] = "http://www.w3.org/2001/XMLSchema-instance"
    name = e.one(d.root, "run-details/ma-name")
    name.attrs["xsi:nil"] = "true"
    name.text = None
    return e.at(d, name)
