"""Section 2.2.1.1.1.4: import-error/change-not-reimported (its delta and entry).

entry has "identical syntax" with delta, so every rule here applies to both.  The rules run on
the anchors and values themselves, inside an import-error that has not ended yet.
"""

from __future__ import annotations

import base64
import binascii

from runhistory import schema_facts as facts
from runhistory.generator import edits as e
from runhistory.generator import values as gv
from runhistory.rules._support import base64_problem, not_base64
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, rule
from runhistory.rules.sync_errors import NOT_REIMPORTED

# Where each element sits between itself and change-not-reimported (parent first).
_CHAINS: dict[str, tuple[tuple[str, ...], ...]] = {
    "anchor": (
        ("delta",),
        ("entry",),
        ("dn-value", "dn-attr", "delta"),
        ("dn-value", "dn-attr", "entry"),
    ),
    "parent-anchor": (("entry",),),
    "value": (("attr", "delta"), ("attr", "entry")),
}
ATTRIBUTE_TYPES = ("binary", "string", "integer", "boolean")


_DEPTH = {tag: max(len(c) for c in chains) for tag, chains in _CHAINS.items()}
# Above every chain: change-not-reimported where the schema puts it (import-error, in its box).
_ABOVE = ("change-not-reimported", *reversed(facts.ancestry("change-not-reimported")[-2:]))


def in_change(el: Element, ctx: RuleContext) -> bool:
    """True when ``el`` is one of the schema's anchors or values of a change-not-reimported
    (remembered for the next rule on the same element)."""
    memo = ctx.state.get("in_change")
    if memo is not None and memo[0] is el:
        return bool(memo[1])
    found = _in_change(el)
    ctx.state["in_change"] = (el, found)
    return found


def _in_change(el: Element) -> bool:
    chains = _CHAINS.get(str(el.tag))
    if chains is None:
        return False
    up: list[str] = []
    node = el.getparent()
    while node is not None and len(up) < _DEPTH[str(el.tag)] + len(_ABOVE):
        up.append(str(node.tag))
        node = node.getparent()
    return any(tuple(up[: len(c) + len(_ABOVE)]) == (*c, *_ABOVE) for c in chains)


def control_characters(value: str) -> list[str]:
    """The control characters of ``value`` that force base64 (all but NUL, tab, CR and LF).

    XML 1.0 cannot carry the other C0 characters at all, so in a document these are DEL
    (U+007F) and the C1 controls (U+0080 to U+009F)."""
    found = {c for c in value if (ord(c) < 0x20 and c not in "\0\t\r\n") or 0x7F <= ord(c) <= 0x9F}
    return [f"U+{ord(c):04X}" for c in sorted(found)]


def _encoded(el: Element) -> bool | None:
    """True when the value says it is base64, False when it does not, None when the XSD
    reports its encoding attribute (anything but base64)."""
    encoding = el.get("encoding")
    if encoding is None:
        return False
    return True if encoding == "base64" else None


def _attribute_type(value: Element) -> str | None:
    attr = value.getparent()
    kind = None if attr is None else attr.get("type")
    return kind if kind in ATTRIBUTE_TYPES else None


@rule(
    "R502",
    section="2.2.1.1.1.4",
    quote=(
        "The value of the element MUST be encoded using base 64 encoding as defined in "
        "[RFC4648] section 4."
    ),
    on=("anchor", "parent-anchor", "value"),
    summary="change-not-reimported: every anchor, parent-anchor and base64-encoded value is "
    "strict RFC 4648 section 4 base64",
    notes="delta, entry and their dn-value anchors.  The spec names RFC 4648 section 4 for the "
    "anchors and 'base 64 encoding' for values; both are held to the same strict form as R405.",
    fix=(
        "Write anchors, parent-anchors and base64-encoded values in standard "
        "base64 (RFC 4648 section 4), with padding and without line breaks."
    ),
)
def change_base64(el: Element, ctx: RuleContext) -> Hits:
    if not in_change(el, ctx):
        return
    if el.tag == "value" and not _encoded(el):
        return
    message = not_base64(el)
    if message:
        yield Hit(el, message)


@rule(
    "R503",
    section="2.2.1.1.1.4",
    quote=(
        "This value MUST be encoded using base 64 encoding if the value contains any "
        "control characters other than null, tab, carriage-return or line-feed, or if "
        "synchronization-errors/import-error/change-not-reimported/delta/attr/@type is "
        "one of the following values: binary"
    ),
    on="value",
    summary='change-not-reimported attr/value is base64-encoded (encoding="base64") when the '
    "attribute is binary or the value holds control characters",
    notes="Control characters: all but NUL, tab, CR and LF.  XML 1.0 cannot carry the other C0 "
    "characters, so in practice DEL (U+007F) and the C1 controls (U+0080-U+009F).",
    fix=(
        'Base64-encode the value and add encoding="base64" when the attribute is '
        "binary or the value holds control characters."
    ),
)
def value_encoded_when_needed(el: Element, ctx: RuleContext) -> Hits:
    if not in_change(el, ctx) or _encoded(el) is not False:
        return
    parent = el.getparent()
    name = "" if parent is None else parent.get("name", "")
    if _attribute_type(el) == "binary":
        yield Hit(
            el,
            f"the value of binary attribute '{name}' is not base64-encoded; a binary value is "
            'written in base64 with encoding="base64"',
        )
        return
    controls = control_characters(el.text or "")
    if controls:
        yield Hit(
            el,
            f"the value of attribute '{name}' holds control character(s) {', '.join(controls)} "
            'but is not base64-encoded; such a value is written in base64 with encoding="base64"',
        )


def needs_encoding(data: bytes) -> bool | None:
    """Whether decoded bytes needed base64: True or False for UTF-8 text, None when the bytes
    are not UTF-8 (binary, or text in another encoding: no telling)."""
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    writable = all(
        c in "\t\r\n"
        or (0x20 <= ord(c) <= 0xD7FF)
        or (0xE000 <= ord(c) <= 0xFFFD)
        or ord(c) > 0xFFFF
        for c in decoded
    )
    return bool(control_characters(decoded)) or not writable


@rule(
    "R504",
    section="2.2.1.1.1.4",
    quote=(
        "value/@encoding attribute specifies the encoding of the attribute and MUST be "
        "present if and only if "
        "synchronization-errors/import-error/change-not-reimported/delta/attr/@type is "
        "one of the following values: binary"
    ),
    on="value",
    summary="change-not-reimported attr/value/@encoding is present only on binary values and "
    "on values that hold control characters",
    notes="The spec says '@encoding present if and only if @type is binary', and also that a "
    "value with control characters is base64-encoded (docs/errata.md).  A non-binary value is "
    "reported when it decodes to UTF-8 text without control characters, which needed no "
    "encoding; bytes that are not UTF-8 are not judged.",
    fix=(
        'Remove encoding="base64" and write the plain value when the attribute is'
        " not binary and the value holds no control characters."
    ),
)
def encoding_only_when_needed(el: Element, ctx: RuleContext) -> Hits:
    if not in_change(el, ctx) or not _encoded(el):
        return
    kind = _attribute_type(el)
    value = el.text or ""
    if kind is None or kind == "binary" or base64_problem(value) is not None:
        return  # the XSD, nothing, or R502
    try:
        data = base64.b64decode(value, validate=True)
    except binascii.Error:  # pragma: no cover - base64_problem admits only valid input
        return
    if needs_encoding(data) is False:
        parent = el.getparent()
        name = "" if parent is None else parent.get("name", "")
        shown = data.decode("utf-8")
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        yield Hit(
            el,
            f"the value of {kind} attribute '{name}' is base64-encoded but decodes to plain "
            f"text ('{shown}') without control characters; encoding=\"base64\" is only present "
            "on binary values and values with control characters",
            attribute="encoding",
        )


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("R502", "change-anchor-not-base64", **e.IMPORT_ERRORS)
def _change_anchor(ch: e.Chooser, d: e.Draft) -> str:
    change = e.with_change(ch, d, NOT_REIMPORTED)
    anchor = e.one(change, "entry/anchor")
    anchor.text = ch.choice(("q-_xYw==", "AAEC AwQF", "AAECAwQ"))
    return e.at(d, anchor)


@e.breaks("R503", "binary-value-not-encoded", **e.IMPORT_ERRORS)
def _binary_plain(ch: e.Chooser, d: e.Draft) -> str:
    entry = e.one(e.with_change(ch, d, NOT_REIMPORTED), "entry")
    attr = entry.add(
        "attr", name=ch.choice(gv.BINARY_ATTRIBUTES), type="binary", multivalued="false"
    )
    return e.at(d, attr.add("value", ch.choice(("AQIDBA==", "0x010203"))))


@e.breaks("R504", "text-value-encoded", **e.IMPORT_ERRORS)
def _text_encoded(ch: e.Chooser, d: e.Draft) -> str:
    entry = e.one(e.with_change(ch, d, NOT_REIMPORTED), "entry")
    attr = entry.add("attr", name="department", type="string", multivalued="false")
    word = ch.choice(("Sales", "Engineering", "Finance"))
    value = attr.add("value", base64.b64encode(word.encode()).decode(), encoding="base64")
    return e.at(d, value, "encoding")
