"""Sections 2.2.1.1.1.4 and 2.2.1.1.1.5: extension-error-info and rules-error-info.

mv-retry-errors/retry-error/extension-error-info and rules-error-info have "identical syntax"
with those of synchronization-errors/import-error, "and all child elements and attributes"
(2.2.1.1.1.5).  Each rule here is therefore declared twice from one check: a 5xx code on
import-error (section 2.2.1.1.1.4) and the 6xx code with the same last digits on retry-error
(section 2.2.1.1.1.5).  The checks run on the record itself, when it ends.
"""

from __future__ import annotations

from collections.abc import Callable

from runhistory.catalog import Kind
from runhistory.generator import edits as e
from runhistory.rules._records import record
from runhistory.rules._support import (
    one_of,
    raw,
    unsigned,
)
from runhistory.rules.engine import Check, Element, Hit, Hits, RuleContext, rule
from runhistory.rules.product import PROFILE, SHAREPOINT_ERROR_TYPES

# The error types whose descriptions (2.2.1.1.1.4) say a script-based synchronization rule
# failed: the error "occurred during the processing of a script-based synchronization rule",
# so extension-error-info MUST be present.
SCRIPT_ERROR_TYPES = (
    "extension-deprovisioning-invalid-result",
    "extension-dll-crash",
    "extension-dll-exception",
    "extension-dll-timeout",
    "extension-entry-point-not-implemented",
    "extension-join-resolution-index-out-of-bounds",
    "extension-join-resolution-invalid-object-type",
    "extension-projection-invalid-object-type",
    "extension-projection-object-type-not-set",
    "extension-provisioning-call-limit-reached",
    "extension-unexpected-attribute-value",
)
# May carry extension-error-info without requiring it: what the provision or deprovision
# method did to a container.
SCRIPT_MAYBE_TYPES = ("unexported-container-rename",)
# extension-callsite -> the algorithm steps during which the synchronization engine calls it.
# initialize may be called at any step.
CALLSITE_STEPS: dict[str, tuple[str, ...]] = {
    "disconnector-filter": ("connector-filter", "validate-connector-filter"),
    "join-mapping": ("join",),
    "join-resolution": ("join",),
    "projection": ("projection",),
    "import-flow": ("import-flow",),
    "export-flow": ("export-flow",),
    "provisioning": ("provisioning",),
    "mv-deletion": ("mv-deletion",),
    "cs-deprovisioning": ("deprovisioning",),
}
CONTEXT_ATTRIBUTES = ("ma-id", "ma-name", "cs-object-id", "dn")
_MAPPING = "context/attribute-mapping"
_TRUE = ("true", "1")
_BOOLEAN = ("true", "false", "1", "0")


# What carries each import-error sentence over to retry-error (2.2.1.1.1.5).
IDENTICAL_SYNTAX = (
    "The following elements have identical syntax with previously described elements with the "
    "exception that they apply to the metaverse objects that the synchronization engine could "
    "not synchronize"
)


def twin(
    codes: tuple[str, str],
    *,
    summary: str,
    quote: str,
    kind: Kind = Kind.SPEC,
    notes: str = "",
    fix: str = "",
) -> Callable[[Check], Check]:
    """Declare ``check`` for import-error (first code) and retry-error (second code);
    ``{record}`` in the summary and the fix names the record.  ``quote`` is the sentence of
    2.2.1.1.1.4; the retry-error code quotes 2.2.1.1.1.5's "identical syntax" sentence, which
    applies it."""

    def wrap(check: Check) -> Check:
        for code, section, name, said in (
            (codes[0], "2.2.1.1.1.4", "import-error", quote),
            (codes[1], "2.2.1.1.1.5", "retry-error", IDENTICAL_SYNTAX),
        ):
            rule(
                code,
                section=section,
                on=name,
                summary=summary.format(record=name),
                kind=kind,
                notes=notes,
                quote=said,
                fix=fix.format(record=name),
            )(check)
        return check

    return wrap


@twin(
    ("R505", "R605"),
    quote=(
        "This element MUST be present if and only if an error occurred during the "
        "processing of a script-based synchronization rule."
    ),
    summary="{record}/extension-error-info is present when error-type says a script-based "
    "synchronization rule failed (the extension-* error types)",
    notes="The spec's condition, 'an error occurred during the processing of a script-based "
    "synchronization rule', is read from the error-type descriptions: "
    + one_of(SCRIPT_ERROR_TYPES)
    + ".",
    fix=(
        "Add extension-error-info (extension-name, callsite, context, call stack)"
        " to the {record} if its error-type is an extension-* type."
    ),
)
def extension_info_when_script_failed(el: Element, ctx: RuleContext) -> Hits:
    r = record(el, ctx)
    kind = r.error_type
    if kind in SCRIPT_ERROR_TYPES and r.child("extension-error-info") is None:
        yield Hit(
            el,
            f"this {el.tag}'s error-type is '{kind}', an error in a script-based "
            "synchronization rule (rules extension), but it has no <extension-error-info> "
            "naming the extension, its call site and the call stack",
        )


@twin(
    ("I506", "I606"),
    quote=(
        "This element MUST be present if and only if an error occurred during the "
        "processing of a script-based synchronization rule."
    ),
    kind=Kind.INFERRED,
    summary="{record}/extension-error-info only when error-type is a script-based rule error "
    "(extension-* or unexported-container-rename)",
    notes="The 'only if' half of the spec's 'if and only if', as far as the error types tell.",
    fix=(
        "Remove extension-error-info from the {record} if its error-type is not a "
        "script-based rule error (extension-* or unexported-container-rename), or"
        " correct the error-type."
    ),
)
def extension_info_only_for_scripts(el: Element, ctx: RuleContext) -> Hits:
    r = record(el, ctx)
    info, found = r.child("extension-error-info"), r.child("error-type")
    # An error type outside the enumeration (S103) is no script error type either; SharePoint's
    # ma-extension-error, which the product profile accepts, may carry the extension's details.
    kind = None if found is None else raw(found).strip()
    if kind is None or info is None or kind in SCRIPT_ERROR_TYPES + SCRIPT_MAYBE_TYPES:
        return
    if ctx.profile == PROFILE and kind in SHAREPOINT_ERROR_TYPES:
        return
    yield Hit(
        info,
        f"<extension-error-info> is present on a '{kind}' error, which is not an error of a "
        "script-based synchronization rule (the extension-* error types)",
    )


@twin(
    ("R506", "R606"),
    quote=(
        "The synchronization-errors/import-error/rules-error-info/context/@ma-id "
        "attribute is the GUID for the management agent and MUST be present if "
        "synchronization-errors/import-error/algorithm-step is one of the following: "
        "import-flow"
    ),
    summary="{record}/rules-error-info/context has ma-id, ma-name, cs-object-id and dn when "
    "algorithm-step is import-flow",
    fix=(
        "Give rules-error-info/context its ma-id, ma-name, cs-object-id and dn "
        "when algorithm-step is import-flow."
    ),
)
def context_names_the_connector(el: Element, ctx: RuleContext) -> Hits:
    r = record(el, ctx)
    if r.step != "import-flow":
        return
    context = r.find("rules-error-info", "context")
    if context is None:
        return
    missing = [a for a in CONTEXT_ATTRIBUTES if context.get(a) is None]
    if missing:
        yield Hit(
            context,
            f"the rules-error-info context of an import-flow error lacks "
            f"{one_of([f'@{a}' for a in missing])}; with algorithm-step import-flow it names "
            "the management agent (ma-id, ma-name) and the connector space object "
            "(cs-object-id, dn)",
        )


@twin(
    ("R507", "R607"),
    quote=(
        "src-attribute@/instrinsic attribute MUST be true if "
        "synchronization-errors/import-error/rules-error-info/context/attribute-mapping/"
        "direct-mapping/src-attribute "
        "is one of the following values: dn"
    ),
    summary="{record}/rules-error-info direct-mapping/src-attribute/@intrinsic is true when the "
    "source attribute is dn",
    notes="The prose spells the attribute 'instrinsic'; the schema's 'intrinsic' is meant "
    "(docs/errata.md).  true and 1 are both the boolean true.",
    fix='Write intrinsic="true" on src-attribute when the source attribute is dn.',
)
def dn_source_is_intrinsic(el: Element, ctx: RuleContext) -> Hits:
    r = record(el, ctx)
    src = r.find("rules-error-info", f"{_MAPPING}/direct-mapping/src-attribute")
    if src is None or (src.text or "") != "dn" or src.get("instrinsic") is not None:
        return  # not dn, or the prose's misspelling, which the XSD reports (S109)
    flag = src.get("intrinsic")
    value = None if flag is None else flag.strip()
    if value in _TRUE or (value is not None and value not in _BOOLEAN):
        return  # true, or not a boolean (the XSD reports it)
    why = "has no intrinsic attribute" if flag is None else f"has intrinsic='{flag}'"
    yield Hit(
        src,
        f"the direct mapping's source attribute is 'dn' but it {why}; dn is an intrinsic "
        'attribute: intrinsic="true"',
        attribute=None if flag is None else "intrinsic",
    )


@twin(
    ("I505", "I605"),
    quote=(
        "dn-part element with the dn element index, where index 1 is the top level "
        "element of the DN"
    ),
    kind=Kind.INFERRED,
    summary="{record}/rules-error-info dn-part-mapping/dn-part is at least 1 (index 1 is the "
    "top level of the DN)",
    notes="The XSD types dn-part as xs:unsignedByte, which allows 0.",
    fix="Number dn-part from 1 (the top level of the DN), not from 0.",
)
def dn_part_from_one(el: Element, ctx: RuleContext) -> Hits:
    r = record(el, ctx)
    part = r.find("rules-error-info", f"{_MAPPING}/dn-part-mapping/dn-part")
    if part is not None and unsigned(part, 255) == 0:
        yield Hit(
            part,
            "<dn-part> is 0; DN components are numbered from 1 (the top level element of the DN)",
        )


@twin(
    ("L503", "L603"),
    quote=(
        "The synchronization-errors/import-error/extension-error-info/extension-callsite "
        "element contains the name of the import step that was running when the error "
        "occurred."
    ),
    kind=Kind.LINT,
    summary="{record}/extension-error-info/extension-callsite agrees with algorithm-step",
    notes="initialize may be called at any step and is not checked.  Pairs: "
    + "; ".join(f"{c}: {one_of(list(s))}" for c, s in CALLSITE_STEPS.items())
    + ".",
    fix=(
        "Make extension-callsite name the algorithm step the error occurred in "
        "(for example import-flow for algorithm-step import-flow)."
    ),
)
def callsite_matches_step(el: Element, ctx: RuleContext) -> Hits:
    r = record(el, ctx)
    callsite = r.find("extension-error-info", "extension-callsite")
    steps = CALLSITE_STEPS.get(raw(callsite))
    step = r.step
    if callsite is None or steps is None or r.child("algorithm-step") is None:
        return
    if step.strip() in steps:
        return  # a step outside the enumeration (S103) is none of them either
    yield Hit(
        callsite,
        f"extension-callsite is '{raw(callsite)}' but algorithm-step is '{step}'; the "
        f"engine calls that method during {one_of(list(steps))}",
    )


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.twin_breaks(("R505", "R605"), "extension-error-without-info")
def _script_error_without_info(ch: e.Chooser, d: e.Draft, tag: str) -> str:
    kind = ch.choice(("extension-dll-exception", "extension-dll-crash", "extension-dll-timeout"))
    return e.at(d, e.plain_record(d, tag, kind))


@e.twin_breaks(("R506", "R606"), "import-flow-context-incomplete")
def _context_incomplete(ch: e.Chooser, d: e.Draft, tag: str) -> str:
    context = e.one(e.with_rules_info(ch, d, tag), "context")
    del context.attrs[ch.choice(("ma-id", "ma-name", "cs-object-id", "dn"))]
    return e.at(d, context)


@e.twin_breaks(("R507", "R607"), "dn-source-not-intrinsic")
def _dn_not_intrinsic(ch: e.Chooser, d: e.Draft, tag: str) -> str:
    mapping = e.one(e.with_rules_info(ch, d, tag), "context/attribute-mapping")
    mapping.children.clear()
    src = mapping.add("direct-mapping").add("src-attribute", "dn")
    if ch.boolean():
        src.attrs["intrinsic"] = "false"
        return e.at(d, src, "intrinsic")
    return e.at(d, src)


@e.twin_breaks(("I505", "I605"), "dn-part-zero")
def _dn_part_zero(ch: e.Chooser, d: e.Draft, tag: str) -> str:
    mapping = e.one(e.with_rules_info(ch, d, tag), "context/attribute-mapping")
    mapping.children.clear()
    return e.at(d, mapping.add("dn-part-mapping").add("dn-part", "0"))


@e.twin_breaks(("I506", "I606"), "extension-info-on-other-error")
def _extension_info_on_other(ch: e.Chooser, d: e.Draft, tag: str) -> str:
    kind = ch.choice(
        ("unexpected-error", "mv-constraint-violation", "join-object-id-must-be-single-valued")
    )
    return e.at(d, e.with_extension_info(ch, d, tag, kind, "join"))


@e.twin_breaks(("L503", "L603"), "callsite-disagrees-with-step", profile="product")
def _callsite_elsewhere(ch: e.Chooser, d: e.Draft, tag: str) -> str:
    info = e.with_extension_info(ch, d, tag, "extension-dll-exception", "join")
    callsite = e.one(info, "extension-callsite")
    callsite.text = ch.choice(("export-flow", "provisioning", "import-flow"))
    return e.at(d, callsite)
