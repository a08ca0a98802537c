"""Section 2.2.1.1.1.2: ma-discovery-errors (ma-object-error records)."""

from __future__ import annotations

from runhistory import schema_facts as facts
from runhistory.generator import edits as e
from runhistory.generator import values as gv
from runhistory.rules._support import discovery_error_types, not_base64, one_of
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, first, rule

# The error types that may carry attribute-name (2.2.1.1.1.2).
ATTRIBUTE_NAME_TYPES = (
    "invalid-modification-type",
    "conflicting-modification-types",
    "multi-single-mismatch",
    "invalid-attribute-value",
    "invalid-base64-value",
    "invalid-numeric-value",
    "invalid-boolean-value",
    "reference-value-not-ldap-conformant",
    "unsupported-value-type",
    "missing-anchor-component",
)


def _error_type(el: Element) -> str | None:
    """The record's error-type when the spec knows it (the XSD reports any other)."""
    et = first(el, "error-type")
    value = "" if et is None else (et.text or "")
    return value if value in discovery_error_types() else None


def _any_error_type(el: Element) -> str | None:
    """The record's error-type, blanks around it ignored, whether the spec knows it or not (None
    without one): for the "only for these types" halves, which a value outside the enumeration
    (the XSD's S103) does not meet either."""
    et = first(el, "error-type")
    return None if et is None else (et.text or "").strip()


@rule(
    "R401",
    section="2.2.1.1.1.2",
    quote=(
        "The ma-discovery-errors/ma-object-error/entry-number element indicates which "
        "record the error refers to and MUST be present if and only if the "
        "run-history/run-details/step-details/ma-discovery-errors/ma-object-error/error-type "
        "is one of the following value: parse-error"
    ),
    on="ma-object-error",
    summary="ma-object-error/entry-number is present if and only if error-type is parse-error",
    fix=("Give ma-object-error an entry-number exactly when error-type is parse-error."),
)
def entry_number_iff_parse_error(el: Element, ctx: RuleContext) -> Hits:
    kind = _any_error_type(el)
    if kind is None:
        return
    entry = first(el, "entry-number")
    if kind == "parse-error" and entry is None and _error_type(el) is not None:
        yield Hit(
            el,
            "this ma-object-error is a parse-error but has no <entry-number>; a parse-error "
            "names the record it refers to",
        )
    elif kind != "parse-error" and entry is not None:
        yield Hit(
            entry,
            f"<entry-number> is present on a '{kind}' error; it is only present for parse-error",
        )


@rule(
    "R402",
    section="2.2.1.1.1.2",
    quote=(
        "The ma-discovery-errors/ma-object-error/line-number element indicates the line "
        "number at or near where the problem occurred and MUST be present if and only if "
        "the management agent is reading import data from a file and the "
        "run-history/run-details/step-details/ma-discovery-errors/ma-object-error/error-type "
        "is one of the following value: parse-error"
    ),
    on="ma-object-error",
    summary="ma-object-error/line-number and column-number only for error-type parse-error",
    fix="Remove line-number and column-number unless error-type is parse-error.",
)
def position_only_for_parse_error(el: Element, ctx: RuleContext) -> Hits:
    kind = _any_error_type(el)
    if kind is None or kind == "parse-error":
        return
    for name in ("line-number", "column-number"):
        found = first(el, name)
        if found is not None:
            yield Hit(
                found,
                f"<{name}> is present on a '{kind}' error; it is only present for parse-error "
                "(when the agent reads its import data from a file)",
            )


@rule(
    "R403",
    section="2.2.1.1.1.2",
    quote=(
        "The ma-discovery-errors/ma-object-error/column-number element indicates the "
        "column number at or near where the problem occurred and MUST be present if and "
        "only if the Management Agent is reading import data from a file"
    ),
    on="ma-object-error",
    summary="ma-object-error/line-number and column-number appear together (same condition)",
    notes="The spec gives both the same 'if and only if' condition, so one without the other "
    "violates one of the two.",
    fix="Write line-number and column-number together, or neither.",
)
def position_together(el: Element, ctx: RuleContext) -> Hits:
    if _error_type(el) != "parse-error":
        return  # R402 reports either one on other error types
    line, column = first(el, "line-number"), first(el, "column-number")
    if (line is None) != (column is None):
        have, lack = (
            ("line-number", "column-number") if column is None else ("column-number", "line-number")
        )
        yield Hit(
            el,
            f"this parse-error has <{have}> but no <{lack}>; a parse-error while reading a file "
            "has both, any other has neither",
        )


@rule(
    "R404",
    section="2.2.1.1.1.2",
    quote=(
        "The attribute-name MUST NOT be present unless "
        "run-history/run-details/step-details/ma-discovery-errors/ma-object-error/error-type "
        "is one of the following"
    ),
    on="ma-object-error",
    summary="ma-object-error/attribute-name only for the ten attribute-level error types listed",
    fix=(
        "Remove attribute-name unless error-type is one of the ten "
        "attribute-level types the spec lists."
    ),
)
def attribute_name_only_for_attribute_errors(el: Element, ctx: RuleContext) -> Hits:
    kind = _any_error_type(el)
    found = first(el, "attribute-name")
    if kind is not None and found is not None and kind not in ATTRIBUTE_NAME_TYPES:
        yield Hit(
            found,
            f"<attribute-name> is present on a '{kind}' error; it is only present for "
            f"{one_of(ATTRIBUTE_NAME_TYPES)}",
        )


@rule(
    "R405",
    section="2.2.1.1.1.2",
    quote=(
        "The ma-discovery-errors/ma-object-error/anchor element indicates the anchor of "
        "the object with error on it. This value MUST be encoded using base 64 encoding "
        "as defined in [RFC4648] section 4."
    ),
    on="anchor",
    summary="ma-object-error/anchor is strict RFC 4648 section 4 base64",
    notes="Only the anchor of ma-object-error (this section); the anchors of 2.2.1.1.1.4 are left "
    "to that section's rule R502, which shares the check.",
    fix=(
        "Write the anchor in standard base64 (RFC 4648 section 4: A-Z, a-z, 0-9, "
        "'+', '/', '=' padding), not the URL-safe alphabet and without line "
        "breaks."
    ),
)
def anchor_is_base64(el: Element, ctx: RuleContext) -> Hits:
    parent = el.getparent()
    if parent is None or parent.tag != "ma-object-error":
        return
    message = not_base64(el)
    if message:
        yield Hit(el, message)


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


OBJECT_ERROR = facts.children("ma-object-error")


def _object_error(d: e.Draft, error_type: str) -> e.Node:
    """The first ma-object-error, made an error of ``error_type`` with no optional parts that
    depend on the type."""
    error = e.one(e.step(d), "ma-discovery-errors/ma-object-error")
    e.strip(error, "entry-number", "line-number", "column-number", "attribute-name")
    e.one(error, "error-type").text = error_type
    return error


@e.breaks("R401", "entry-number-not-parse-error", **e.DISCOVERY)
def _entry_number(ch: e.Chooser, d: e.Draft) -> str:
    error = _object_error(d, ch.choice(("missing-dn", "duplicate-object", "read-error")))
    return e.at(
        d, e.place(error, e.Node("entry-number", text=str(ch.integer(1, 900))), OBJECT_ERROR)
    )


@e.breaks("R402", "line-number-not-parse-error", **e.DISCOVERY)
def _line_number(ch: e.Chooser, d: e.Draft) -> str:
    error = _object_error(d, ch.choice(("missing-dn", "duplicate-object", "read-error")))
    name = ch.choice(("line-number", "column-number"))
    return e.at(d, e.place(error, e.Node(name, text=str(ch.integer(1, 900))), OBJECT_ERROR))


@e.breaks("R403", "line-without-column", **e.DISCOVERY)
def _line_alone(ch: e.Chooser, d: e.Draft) -> str:
    error = _object_error(d, "parse-error")
    e.place(error, e.Node("entry-number", text=str(ch.integer(1, 900))), OBJECT_ERROR)
    name = ch.choice(("line-number", "column-number"))
    e.place(error, e.Node(name, text=str(ch.integer(1, 900))), OBJECT_ERROR)
    return e.at(d, error)


@e.breaks("R404", "attribute-name-on-other-error", **e.DISCOVERY)
def _attribute_name(ch: e.Chooser, d: e.Draft) -> str:
    error = _object_error(d, ch.choice(("missing-dn", "duplicate-object", "anchor-too-long")))
    return e.at(
        d, e.place(error, e.Node("attribute-name", text=ch.choice(gv.ATTRIBUTES)), OBJECT_ERROR)
    )


@e.breaks("R405", "anchor-not-strict-base64", **e.DISCOVERY)
def _anchor(ch: e.Chooser, d: e.Draft) -> str:
    error = e.one(e.step(d), "ma-discovery-errors/ma-object-error")
    e.strip(error, "anchor")
    value = ch.choice(("q-_xYw==", "AAEC AwQF", "AAECAwQ", "QUJD=RA=="))
    return e.at(d, e.place(error, e.Node("anchor", text=value), OBJECT_ERROR))
