"""The product profile: known departures of real product output from [MS-UPSMODS] 2.2.1.

Real RunDetails output (SharePoint Server's User Profile Synchronization, the FIM-era
synchronization service, archive scripts) departs from the spec in a few known ways.  Under
``--profile product`` each departure is accepted, and reported as a warning under its own ``P``
code, while every other check stays as it is.

Two halves, kept together so that one cannot change without the other:

- **Schema patches** (registered in :data:`runhistory.xsd.SCHEMA_PATCHES`): each edits an
  in-memory copy of the normative schema tree (never the shipped file) so that the departure
  validates.  Under ``strict`` nothing is patched and the XSD reports the departure as an ``S``
  finding.
- **P rules**: one per departure.  A P rule reports only under a profile whose schema accepts the
  departure, so a document never gets both the ``S`` finding and the ``P`` warning.

The departure "export-error with a cd-error for another error type" needs no schema patch: it
is ``P007``, next to the rule it relaxes (``R508``) in ``sync_errors.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from lxml import etree

from runhistory import schema_facts as facts
from runhistory.catalog import Kind
from runhistory.generator import edits as e
from runhistory.generator import values as gv
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, rule
from runhistory.xsd import SCHEMA_PATCHES

PROFILE = "product"  # the profile whose schema accepts the departures below

XS_NS = facts.XS_NS
_NS = {"xs": XS_NS}

# -- the departures, as data ------------------------------------------------------------------

# SharePoint Server's User Profile Synchronization reports extensible-MA failures as
# ma-extension-error, in import, export and retry errors alike.
SHAREPOINT_ERROR_TYPES = ("ma-extension-error",)
# Listed for export-error/error-type by the prose of 2.2.1.1.1.4 and by that section's schema
# fragment, but not by the complete schema of 2.2.1 (the normative one the tool ships).
PROSE_EXPORT_ERROR_TYPES = ("encryption-not-enabled", "schema-violation")
# FIM-era step results and outbound counters the 2018 schema no longer lists.
FIM_STEP_RESULTS = ("no-start-file-contains-incorrect-step-type", "stopped-file-error")
FIM_OUTBOUND_COUNTERS = ("provisioned-delete-add-no-flow", "provisioned-delete-add-flow")
FIM_COUNTERS_AFTER = "provisioned-rename-flow"  # where the product schema puts them


def _child(decl: Element, path: str) -> Element:
    """The one element at ``path`` (``xs:`` steps, the first without its prefix) below
    ``decl``."""
    found = decl.findall("xs:" + path, namespaces=_NS)
    assert len(found) == 1, f"schema patch: {path} not unique"
    return found[0]


def _add_enumerations(restriction: Element, values: tuple[str, ...]) -> None:
    have = {e.get("value") for e in restriction.iterfind(f"{{{XS_NS}}}enumeration")}
    for value in values:
        if value not in have:
            etree.SubElement(restriction, f"{{{XS_NS}}}enumeration", value=value)


def allow_several_run_details(doc: etree._ElementTree) -> None:
    facts.declaration(doc, "run-details").set("maxOccurs", "unbounded")


def allow_incident_server_error_detail(doc: etree._ElementTree) -> None:
    seq = _child(facts.declaration(doc, "incident", "cd-error"), "complexType/xs:sequence")
    etree.SubElement(
        seq,
        f"{{{XS_NS}}}element",
        name="server-error-detail",
        type="xs:string",
        minOccurs="0",
        maxOccurs="1",
    )


def allow_extra_error_types(doc: etree._ElementTree) -> None:
    _add_enumerations(
        _child(facts.type_declaration(doc, "importAndMVRetryErrorType"), "restriction"),
        SHAREPOINT_ERROR_TYPES,
    )
    _add_enumerations(
        _child(facts.declaration(doc, "export-error", "error-type"), "simpleType/xs:restriction"),
        SHAREPOINT_ERROR_TYPES + PROSE_EXPORT_ERROR_TYPES,
    )


def allow_fim_step_results(doc: etree._ElementTree) -> None:
    restriction = next(facts.declaration(doc, "step-result").iter(f"{{{XS_NS}}}restriction"))
    _add_enumerations(restriction, FIM_STEP_RESULTS)


def allow_fim_outbound_counters(doc: etree._ElementTree) -> None:
    # After the rename counters, before provisioned-disconnect: add, rename, delete-add.
    anchor = _child(
        facts.type_declaration(doc, "outbound-flow-countersType"),
        f'sequence/xs:element[@name="{FIM_COUNTERS_AFTER}"]',
    )
    for name in reversed(FIM_OUTBOUND_COUNTERS):
        anchor.addnext(
            etree.Element(
                f"{{{XS_NS}}}element",
                name=name,
                type="counterDetailTrueType",
                minOccurs="0",
                maxOccurs="1",
            )
        )


PATCHES: tuple[Callable[[etree._ElementTree], None], ...] = (
    allow_several_run_details,
    allow_incident_server_error_detail,
    allow_extra_error_types,
    allow_fim_step_results,
    allow_fim_outbound_counters,
)
SCHEMA_PATCHES.setdefault(PROFILE, []).extend(PATCHES)


# -- the P rules --------------------------------------------------------------------------------


_UNDER_STRICT = "  Silent under strict, even when selected: the XSD reports the departure there."


def _accepted(ctx: RuleContext) -> bool:
    """True under the profile whose schema accepts the departures (else the XSD reports them)."""
    return ctx.profile == PROFILE


@rule(
    "P001",
    section="2.2.1.1",
    quote=(
        "The run-history element contains information about one management agent executed "
        "run profile."
    ),
    on="run-details",
    kind=Kind.PRODUCT,
    summary="several run-details under one run-history (Save to file, archive scripts)",
    notes="The XSD allows one run-details (strict: S101).  Each run-details is validated on its "
    "own; the warning is given once, on the second." + _UNDER_STRICT,
    fix=(
        "Nothing to fix in a 'Save to file' export or an archive: it is product "
        "output. To meet the spec, keep one run-details per file (one "
        "RunDetails() call per run)."
    ),
)
def several_run_details(el: Element, ctx: RuleContext) -> Hits:
    if not _accepted(ctx):
        return
    earlier = list(el.itersiblings("run-details", preceding=True))
    if len(earlier) == 1:
        yield Hit(
            el,
            "this <run-history> holds more than one <run-details>; the spec has one run per "
            "document (Synchronization Service Manager's 'Save to file' and archive scripts "
            "write several); each run is checked on its own",
        )


@rule(
    "P002",
    section="2.2.1.1.1.1",
    quote=(
        "The ma-connection/connection-log/incident/cd-error element contains management "
        "agent information about the data source error."
    ),
    on="server-error-detail",
    kind=Kind.PRODUCT,
    summary="server-error-detail inside connection-log/incident/cd-error",
    notes="The XSD allows server-error-detail only in the cd-error of ma-object-error and "
    "export-error (strict: S101)." + _UNDER_STRICT,
    fix=(
        "Nothing to fix in product output; to meet the spec, drop "
        "server-error-detail from the incident's cd-error (error-code and "
        "error-literal stay)."
    ),
)
def incident_server_error_detail(el: Element, ctx: RuleContext) -> Hits:
    parent = el.getparent()
    grandparent = None if parent is None else parent.getparent()
    if _accepted(ctx) and grandparent is not None and grandparent.tag == "incident":
        yield Hit(
            el,
            "<server-error-detail> inside an incident's <cd-error> is product output the spec "
            "does not define (it allows only error-code and error-literal there)",
        )


_RECORDS = ("import-error", "export-error", "retry-error")


def _record_error_type(el: Element) -> tuple[str, str] | None:
    parent = el.getparent()
    return None if parent is None else (str(parent.tag), el.text or "")


@rule(
    "P003",
    section="2.2.1.1.1.4",
    quote=(
        "The synchronization-errors/import-error/error-type element is the value that "
        "indicates the type of error that occurred and MUST be one of the following:"
    ),
    on=tuple(f"{record}/error-type" for record in _RECORDS),
    kind=Kind.PRODUCT,
    summary="error-type ma-extension-error (SharePoint) in import-error, export-error or "
    "retry-error",
    notes="Outside the XSD's enumerations (strict: S103)." + _UNDER_STRICT,
    fix=(
        "Nothing to fix in SharePoint output; to meet the spec, report the "
        "failure under an error-type the spec lists (an extension-* type)."
    ),
)
def sharepoint_error_type(el: Element, ctx: RuleContext) -> Hits:
    found = _record_error_type(el)
    if _accepted(ctx) and found is not None and found[1] in SHAREPOINT_ERROR_TYPES:
        yield Hit(
            el,
            f"error-type '{found[1]}' of <{found[0]}> is SharePoint product output outside the "
            "spec's list of error types",
        )


@rule(
    "P004",
    section="2.2.1.1.1.4",
    quote=(
        "The synchronization-errors/export-error/error-type element is the value that "
        "indicates the type of error that occurred and MUST be one of the following:"
    ),
    on="export-error/error-type",
    kind=Kind.PRODUCT,
    summary="export-error error-type encryption-not-enabled or schema-violation (in section "
    "2.2.1.1.1.4, not in the schema of 2.2.1)",
    notes="The prose and the schema fragment of 2.2.1.1.1.4 list both; the complete schema of "
    "2.2.1 does not (strict: S103)." + _UNDER_STRICT,
    fix=(
        "Nothing to fix in product output; the prose of 2.2.1.1.1.4 lists the "
        "value. To meet the complete schema, use an error-type it lists."
    ),
)
def prose_export_error_type(el: Element, ctx: RuleContext) -> Hits:
    found = _record_error_type(el)
    if _accepted(ctx) and found is not None and found[1] in PROSE_EXPORT_ERROR_TYPES:
        yield Hit(
            el,
            f"export-error error-type '{found[1]}' is listed in section 2.2.1.1.1.4 but not by "
            "the complete schema of section 2.2.1",
        )


@rule(
    "P005",
    section="2.2.1.1.1",
    quote=(
        "The run-details/step-details/step-result element contains the current run "
        "profile step status and MUST be one of the following values:"
    ),
    on="step-result",
    kind=Kind.PRODUCT,
    summary="step-result no-start-file-contains-incorrect-step-type or stopped-file-error "
    "(FIM-era schema)",
    notes="Outside the XSD's enumeration (strict: S103)." + _UNDER_STRICT,
    fix=(
        "Nothing to fix in FIM-era output; to meet the spec, the step-result must"
        " be one of the values the 2018 schema lists."
    ),
)
def fim_step_result(el: Element, ctx: RuleContext) -> Hits:
    if _accepted(ctx) and (el.text or "") in FIM_STEP_RESULTS:
        yield Hit(
            el,
            f"step-result '{el.text}' comes from the FIM-era schema; the spec's list of step "
            "results does not have it",
        )


@rule(
    "P006",
    section="2.2.1.1.1.6",
    quote=(
        "The outbound-flow-counters element is an instance of the outbound-flow-countersType type"
    ),
    on=tuple(f"outbound-flow-counters/{name}" for name in FIM_OUTBOUND_COUNTERS),
    kind=Kind.PRODUCT,
    summary="outbound counters provisioned-delete-add-flow and provisioned-delete-add-no-flow "
    "(FIM-era schema)",
    notes="Not in outbound-flow-countersType (strict: S101).  The product schema accepts them "
    "after provisioned-rename-flow." + _UNDER_STRICT,
    fix=(
        "Nothing to fix in FIM-era output; to meet the spec, leave out the "
        "provisioned-delete-add-* counters."
    ),
)
def fim_outbound_counter(el: Element, ctx: RuleContext) -> Hits:
    if _accepted(ctx):
        yield Hit(
            el,
            f"outbound counter <{el.tag}> comes from the FIM-era schema; the spec does not "
            "define it",
        )


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("P001", "several-run-details", profile="product")
def _several_runs(ch: e.Chooser, d: e.Draft) -> str:
    details = e.one(d.root, "run-details")
    second = copy.deepcopy(details)
    number = e.one(second, "run-number")
    number.text = str(int(number.text or "1") + 1)
    d.root.append(second)
    return e.at(d, second)


@e.breaks(
    "P002",
    "incident-server-error-detail",
    profile="product",
    first_kind="import",
    first_connection="failed-connection",
)
def _incident_detail(ch: e.Chooser, d: e.Draft) -> str:
    incident = e.one(e.step(d), "ma-connection/connection-log").findall("incident")[-1]
    cd = incident.find("cd-error")
    if cd is None:
        cd = gv.cd_error(ch, incident)
    return e.at(d, cd.add("server-error-detail", ch.choice(gv.ERROR_LITERALS)))


def _export_error_type(d: e.Draft, value: str) -> str:
    error = e.one(e.step(d), "synchronization-errors/export-error")
    e.strip(error, "cd-error")
    kind = e.one(error, "error-type")
    kind.text = value
    return e.at(d, kind)


@e.breaks(
    "P003", "sharepoint-error-type", profile="product", first_kind="export", first_min_errors=1
)
def _sharepoint_type(ch: e.Chooser, d: e.Draft) -> str:
    return _export_error_type(d, "ma-extension-error")


@e.breaks(
    "P004", "prose-export-error-type", profile="product", first_kind="export", first_min_errors=1
)
def _prose_type(ch: e.Chooser, d: e.Draft) -> str:
    return _export_error_type(d, ch.choice(("encryption-not-enabled", "schema-violation")))


@e.breaks("P005", "fim-step-result", profile="product", first_result="success")
def _fim_result(ch: e.Chooser, d: e.Draft) -> str:
    result = e.one(e.step(d), "step-result")
    result.text = ch.choice(("stopped-file-error", "no-start-file-contains-incorrect-step-type"))
    return e.at(d, result)


@e.breaks("P006", "fim-outbound-counter", profile="product", **e.OUTBOUND)
def _fim_counter(ch: e.Chooser, d: e.Draft) -> str:
    box = e.one(e.step(d), "outbound-flow-counters")
    name = ch.choice(("provisioned-delete-add-flow", "provisioned-delete-add-no-flow"))
    normative = facts.children("outbound-flow-counters")
    at = normative.index(FIM_COUNTERS_AFTER) + 1
    order = (*normative[:at], *FIM_OUTBOUND_COUNTERS, *normative[at:])
    node = e.Node(name, {"detail": "true"}, text=str(ch.integer(1, 99)))
    return e.at(d, e.place(box, node, order))
