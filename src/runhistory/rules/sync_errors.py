"""Section 2.2.1.1.1.4: synchronization-errors, its import-error and export-error records.

The rules on the records read inside the record they run on (it ends, and is checked, before it
may be emptied), through ``_records.record``, which reads each record once for all of them.
The lint rules on step-details only count records and read counters.

change-not-reimported is in ``change_not_reimported.py``, extension-error-info and
rules-error-info (shared with mv-retry-errors) in ``error_info.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from runhistory.catalog import Kind
from runhistory.generator import edits as e
from runhistory.generator import values as gv
from runhistory.rules._dn import dn_problem
from runhistory.rules._records import record
from runhistory.rules._support import (
    NUMBER_MAX,
    count_in,
    date_time,
    one_of,
    raw,
    unsigned,
)
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, every, rule, text
from runhistory.rules.product import (
    PROFILE,
)

# The algorithm steps whose import-error/algorithm-step may carry @ma-id and @dn.
MA_STEPS = ("validate-connector-filter", "deprovisioning", "export-flow", "recall")
DATED_RECORDS = ("import-error", "export-error")
NOT_REIMPORTED = "exported-change-not-reimported"


@rule(
    "R501",
    section="2.2.1.1.1.4",
    quote=(
        "The synchronization-errors/import-error/algorithm-step/@ma-id attribute is the "
        "management agent GUID and MUST NOT be present unless "
        "synchronization-errors/import-error/algorithm-step is one of the following "
        "values: validate-connector-filter deprovisioning export-flow recall"
    ),
    on="import-error",
    summary="import-error/algorithm-step/@ma-id and @dn only with validate-connector-filter, "
    "deprovisioning, export-flow or recall",
    notes="Not applied to retry-error: 2.2.1.1.1.5 describes its @ma-id and @dn without this "
    "restriction (see docs/errata.md).",
    fix=(
        "Remove @ma-id and @dn from algorithm-step unless it is "
        "validate-connector-filter, deprovisioning, export-flow or recall."
    ),
)
def algorithm_step_attributes(el: Element, ctx: RuleContext) -> Hits:
    r = record(el, ctx)
    step = r.child("algorithm-step")
    if step is None or r.step.strip() in MA_STEPS:
        return  # a step outside the enumeration is not one of the four either (S103 and this)
    for attr, what in (("ma-id", "the management agent's GUID"), ("dn", "a connector's DN")):
        if step.get(attr) is not None:
            yield Hit(
                step,
                f"<algorithm-step> '{r.step}' has a {attr} attribute ({what}); it is only "
                f"present when the algorithm step is {one_of(MA_STEPS)}",
                attribute=attr,
            )


def _export_cd_error(el: Element, ctx: RuleContext) -> tuple[str, Element | None] | None:
    """(error-type, cd-error) of an export-error with an error-type, whatever its value: an
    error type outside the enumeration (the XSD's S103) is still not cd-error, so R508's "if
    and only if" applies to it.  Blanks around the value are ignored here (' cd-error' is the
    XSD's one finding)."""
    r = record(el, ctx)
    kind = r.child("error-type")
    if kind is None:
        return None  # the XSD reports the missing error-type
    return raw(kind).strip(), r.child("cd-error")


@rule(
    "R508",
    section="2.2.1.1.1.4",
    quote=(
        "The synchronization-errors/export-error/cd-error element contains management "
        "agent information about the data source error and MUST be present if and only if "
        "synchronization-errors/export-error/error-type is one of the following values: "
        "cd-error"
    ),
    on="export-error",
    summary="export-error/cd-error is present if and only if error-type is cd-error",
    notes="Under the product profile a cd-error on another error type is the known departure "
    "P007 (a warning) instead.  An error-type outside the enumeration is not cd-error: a "
    "cd-error beside it is reported too (the value itself is S103).",
    fix=(
        "Give export-error a cd-error exactly when its error-type is cd-error; "
        "for product output that does otherwise, use --profile product (P007)."
    ),
)
def cd_error_iff_cd_error_type(el: Element, ctx: RuleContext) -> Hits:
    found = _export_cd_error(el, ctx)
    if found is None:
        return
    kind, cd_error = found
    if kind == "cd-error" and cd_error is None:
        yield Hit(
            el,
            "this export-error's error-type is 'cd-error' but it has no <cd-error> with the "
            "data source's error-code and error-literal",
        )
    elif kind != "cd-error" and cd_error is not None and ctx.profile != PROFILE:
        yield Hit(
            cd_error,
            f"this export-error's error-type is '{kind}' but it has a <cd-error>; the spec "
            "has cd-error only when error-type is cd-error (product output also writes it for "
            "other types: --profile product reports that as P007, a warning)",
        )


@rule(
    "P007",
    section="2.2.1.1.1.4",
    quote=(
        "The synchronization-errors/export-error/cd-error element contains management "
        "agent information about the data source error and MUST be present if and only if "
        "synchronization-errors/export-error/error-type is one of the following values: "
        "cd-error"
    ),
    on="export-error",
    kind=Kind.PRODUCT,
    summary="export-error with a cd-error for an error type other than cd-error",
    notes="Strict reports it as R508.  Silent under strict, even when selected.",
    fix=(
        "Nothing to fix in product output; to meet the spec, give export-error a "
        "cd-error only when its error-type is cd-error."
    ),
)
def cd_error_on_other_type(el: Element, ctx: RuleContext) -> Hits:
    found = _export_cd_error(el, ctx)
    if found is None or ctx.profile != PROFILE:
        return
    kind, cd_error = found
    if kind != "cd-error" and cd_error is not None:
        yield Hit(
            cd_error,
            f"this export-error's error-type is '{kind}' but it has a <cd-error>; the spec "
            "has cd-error only for error-type cd-error, product output writes the data "
            "source's error for other types too",
        )


Dated = tuple[Element, datetime, Element, datetime]


def _dates(el: Element, ctx: RuleContext) -> Dated | None:
    """first-occurred and date-occurred of an import-error or export-error, with their
    instants, when both are well-formed."""
    r = record(el, ctx)
    if "dates" not in r.derived:
        first, occurred = r.child("first-occurred"), r.child("date-occurred")
        when_first, when = date_time(first), date_time(occurred)
        ok = first is not None and occurred is not None
        r.derived["dates"] = (
            (first, when_first, occurred, when)
            if ok and when_first is not None and when is not None
            else None
        )
    found: Dated | None = r.derived["dates"]
    return found


@rule(
    "I501",
    section="2.2.1.1.1.4",
    quote=(
        "This date differs from synchronization-errors/import-error/date-occurred if the "
        "same error has been encountered on a previous run."
    ),
    on=DATED_RECORDS,
    kind=Kind.INFERRED,
    summary="import-error and export-error: first-occurred is not after date-occurred",
    fix=(
        "Correct the dates: first-occurred is when the error was first seen, so "
        "it is not after date-occurred."
    ),
)
def first_not_after_occurred(el: Element, ctx: RuleContext) -> Hits:
    found = _dates(el, ctx)
    if found is None:
        return
    first, when_first, occurred, when = found
    if when_first > when:
        yield Hit(
            first,
            f"<first-occurred> {text(first)} is after <date-occurred> {text(occurred)}; the "
            "error first occurred on this run or an earlier one",
        )


@rule(
    "I502",
    section="2.2.1.1.1.4",
    quote="If the same error was not encountered on a previous run, this value is 0.",
    on=DATED_RECORDS,
    kind=Kind.INFERRED,
    summary="import-error and export-error: retry-count is 0 if and only if first-occurred "
    "equals date-occurred",
    notes="Both say whether the same error was met on a previous run.  Not checked when "
    "first-occurred is after date-occurred (I501 reports that).",
    fix=(
        "Make retry-count and the dates agree: 0 when first-occurred equals "
        "date-occurred (a new error), more than 0 when the error was seen on an "
        "earlier run."
    ),
)
def retry_count_zero_iff_first_time(el: Element, ctx: RuleContext) -> Hits:
    found = _dates(el, ctx)
    count_el = record(el, ctx).child("retry-count")
    count = unsigned(count_el, NUMBER_MAX)
    if found is None or count is None or count_el is None:
        return
    first, when_first, occurred, when = found
    if when_first > when:
        return
    if count == 0 and when_first != when:
        yield Hit(
            count_el,
            f"retry-count is 0 (the error was not met on a previous run) but first-occurred "
            f"{text(first)} is earlier than date-occurred {text(occurred)}; they are equal "
            "for an error met for the first time",
        )
    elif count != 0 and when_first == when:
        yield Hit(
            count_el,
            f"retry-count is {count} (the error was met on previous runs) but first-occurred "
            f"equals date-occurred ({text(occurred)}); an error met before first occurred "
            "earlier",
        )


@rule(
    "I503",
    section="2.2.1.1.1.4",
    quote=(
        "The synchronization-errors/import-error/change-not-reimported element ... MUST be "
        "present if and only if any change previously exported by the synchronization engine "
        "was not re-imported during this run profile step."
    ),
    on="import-error",
    kind=Kind.INFERRED,
    summary="import-error/change-not-reimported is present if and only if error-type is "
    "exported-change-not-reimported",
    fix=(
        "Give the import-error a change-not-reimported element exactly when its "
        "error-type is exported-change-not-reimported, and not otherwise."
    ),
)
def change_not_reimported_iff_its_type(el: Element, ctx: RuleContext) -> Hits:
    r = record(el, ctx)
    kind, change = r.error_type, r.child("change-not-reimported")
    if kind is None and r.child("error-type") is not None:
        kind = raw(r.child("error-type")).strip()  # outside the enumeration: not the type either
    if kind == NOT_REIMPORTED and change is None and r.error_type is not None:
        yield Hit(
            el,
            f"this import-error's error-type is '{NOT_REIMPORTED}' but it has no "
            "<change-not-reimported> with the exported change that was not confirmed",
        )
    elif kind is not None and kind != NOT_REIMPORTED and change is not None:
        yield Hit(
            change,
            f"<change-not-reimported> is present on a '{kind}' error; it describes an "
            f"exported change that was not re-imported ({NOT_REIMPORTED})",
        )


@rule(
    "I504",
    section="2.2.1.1.1.4",
    quote="The synchronization-errors/import-error/@dn attribute is the distinguished name "
    "identifying the connector space object which encountered the import error.",
    on=DATED_RECORDS,
    kind=Kind.INFERRED,
    summary="import-error/@dn and export-error/@dn can be distinguished names (a loose RFC 4514 "
    "reading)",
    notes="The XSD types both xs:string; the prose calls each 'the distinguished name'.  A "
    "warning, and loose, because connectors other than LDAP name objects their own way (SQL and "
    "file management agents use the anchor value as the DN): a value that does not start as "
    "'type=' is accepted as it is.  A value in the attribute=value form is read as RFC 4514 "
    "(and RFC 2253 and RFC 1779 before it) allow: RDNs separated by ',' or ';', multi-valued "
    "RDNs by '+', any character after a '\\', quoted values, blanks around types.  Reported: an "
    "empty value, a '\\' that escapes nothing at the end, an unclosed quoted value, an empty "
    "RDN, and an RDN that is not type=value (an unescaped ',' inside a value, usually).",
    fix=(
        "Write the dn as a distinguished name (CN=...,OU=...,DC=...); if the "
        "connector names objects another way (SQL, file agents), this warning can"
        " be ignored with --ignore I504."
    ),
)
def dn_is_a_distinguished_name(el: Element, ctx: RuleContext) -> Hits:
    value = el.get("dn")
    problem = None if value is None else dn_problem(value)
    if value is not None and problem is not None:
        shown = value if len(value) <= 60 else value[:57] + "..."
        yield Hit(
            el,
            f"attribute 'dn' of <{el.tag}> has value '{shown}', which cannot be a distinguished "
            f"name: {problem}; expected attribute=value parts separated by commas, like "
            "CN=Jane Doe,OU=Staff,DC=contoso,DC=com",
            attribute="dn",
        )


# -- lint: the step's failure counters against its error records --------------------------------


def _counter_sum(step: Element, path: str) -> tuple[int, Element] | None:
    """The sum of the counters at ``path`` and the first of them; None if one is unreadable."""
    found = every(step, path)
    values = [unsigned(c) for c in found]
    if not found or any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None), found[0]


@rule(
    "L501",
    section="2.2.1.1.1.4",
    quote=(
        "An instance of the element MUST be present if and only if an error that occurs "
        "exporting a metaverse delta out to a data source."
    ),
    on="step-details",
    kind=Kind.LINT,
    summary="export-counters/export-failure equals the number of export-error records",
    fix=(
        "Make export-counters/export-failure equal the number of export-error "
        "records, or find the records that are missing."
    ),
)
def export_failures_match_records(el: Element, ctx: RuleContext) -> Hits:
    found = _counter_sum(el, "export-counters/export-failure")
    if found is None:
        return
    total, counter = found
    records = count_in(el, ctx, "synchronization-errors", "export-error")
    if total != records:
        yield Hit(
            counter,
            f"export-failure is {total} but the step lists {records} export-error record(s); "
            "each object that failed to export has one",
        )


@rule(
    "L502",
    section="2.2.1.1.1.4",
    quote=(
        "An instance of this element MUST be present for each object that encountered an "
        "error during import."
    ),
    on="step-details",
    kind=Kind.LINT,
    summary="stage-failure plus flow-failure equals the number of import-error records",
    notes="An import-error is an object that failed in staging (stage-failure) or in "
    "synchronization (flow-failure, summed over every inbound-flow-counters).",
    fix=(
        "Make stage-failure plus flow-failure equal the number of import-error "
        "records, or find the records that are missing."
    ),
)
def import_failures_match_records(el: Element, ctx: RuleContext) -> Hits:
    staged = _counter_sum(el, "staging-counters/stage-failure")
    flowed = _counter_sum(el, "inbound-flow-counters/flow-failure")
    if staged is None or flowed is None:
        return
    records = count_in(el, ctx, "synchronization-errors", "import-error")
    if staged[0] + flowed[0] != records:
        yield Hit(
            staged[1],
            f"stage-failure ({staged[0]}) plus flow-failure ({flowed[0]}) is "
            f"{staged[0] + flowed[0]} but the step lists {records} import-error record(s); "
            "each object that failed in staging or synchronization has one",
        )


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("R501", "algorithm-step-attribute-on-join", **e.IMPORT_ERRORS)
def _algorithm_attribute(ch: e.Chooser, d: e.Draft) -> str:
    record = e.plain_record(
        d, "import-error", "unexpected-error", ch.choice(("join", "projection"))
    )
    algorithm = e.one(record, "algorithm-step")
    name = ch.choice(("ma-id", "dn"))
    algorithm.attrs[name] = (
        e.one(d.root, "run-details/ma-id").text or "" if name == "ma-id" else record.attrs["dn"]
    )
    return e.at(d, algorithm, name)


@e.breaks("R508", "cd-error-type-without-cd-error", **e.EXPORT_ERRORS)
def _export_without_cd_error(ch: e.Chooser, d: e.Draft) -> str:
    error = e.one(e.step(d), "synchronization-errors/export-error")
    e.strip(error, "cd-error")
    e.one(error, "error-type").text = "cd-error"
    return e.at(d, error)


@e.breaks("P007", "cd-error-on-other-export-error", profile="product", **e.EXPORT_ERRORS)
def _cd_error_other_type(ch: e.Chooser, d: e.Draft) -> str:
    error = e.one(e.step(d), "synchronization-errors/export-error")
    e.one(error, "error-type").text = ch.choice(("permission-issue", "cd-missing-object"))
    cd = error.find("cd-error")
    if cd is None:
        cd = gv.cd_error(ch, error)
    return e.at(d, cd)


@e.breaks("I504", "dn-not-a-distinguished-name", **e.EXPORT_ERRORS)
def _dn_not_a_dn(ch: e.Chooser, d: e.Draft) -> str:
    error = e.one(e.step(d), "synchronization-errors/export-error")
    last, first = ch.choice(gv.LAST), ch.choice(gv.FIRST)
    rest = "OU=" + ch.choice(gv.OUS) + ",DC=contoso,DC=com"
    error.attrs["dn"] = ch.choice(
        (
            f"CN={last}, {first},{rest}",  # the comma inside the name is not escaped
            f"CN={first} {last}\\",  # an escape with nothing after it
            f"CN={first} {last},,{rest}",  # an empty RDN
        )
    )
    return e.at(d, error, "dn")


@e.breaks("I501", "first-occurred-after-date-occurred", **e.EXPORT_ERRORS)
def _first_after(ch: e.Chooser, d: e.Draft) -> str:
    error = e.one(e.step(d), "synchronization-errors/export-error")
    happened = e.parse(e.one(error, "date-occurred").text or "")
    first = e.one(error, "first-occurred")
    first.text = gv.when(happened + timedelta(seconds=ch.integer(1, 86400)))
    return e.at(d, first)


@e.breaks("I502", "retry-count-zero-but-seen-before", **e.EXPORT_ERRORS)
def _retry_zero(ch: e.Chooser, d: e.Draft) -> str:
    error = e.one(e.step(d), "synchronization-errors/export-error")
    happened = e.parse(e.one(error, "date-occurred").text or "")
    e.one(error, "first-occurred").text = gv.when(happened - timedelta(days=ch.integer(1, 30)))
    count = e.one(error, "retry-count")
    count.text = "0"
    return e.at(d, count)


@e.breaks("I503", "change-not-reimported-on-other-error", **e.IMPORT_ERRORS)
def _change_other_type(ch: e.Chooser, d: e.Draft) -> str:
    return e.at(d, e.with_change(ch, d, ch.choice(("unexpected-error", "mv-constraint-violation"))))


@e.breaks("L501", "export-failure-miscounted", profile="product", **e.EXPORT_ERRORS)
def _export_failure(ch: e.Chooser, d: e.Draft) -> str:
    counter = e.one(e.step(d), "export-counters/export-failure")
    counter.text = str(int(counter.text or "0") + ch.integer(1, 5))
    return e.at(d, counter)


@e.breaks("L502", "stage-failure-miscounted", profile="product", **e.IMPORT_ERRORS)
def _stage_failure(ch: e.Chooser, d: e.Draft) -> str:
    counter = e.one(e.step(d), "staging-counters/stage-failure")
    counter.text = str(ch.integer(1, 5))
    return e.at(d, counter)
