"""Section 2.2.1: the schema's general types, where the XSD says less than the spec means.

- dateTimeNoT: the pattern's unescaped '.' accepts any character before the fraction, and a
  pattern cannot check the calendar (month 13, 30 February, hour 24 all pass).
- GUIDs: the prose of 2.2.1.1.1.4 calls import-error/@cs-guid and attribute-mapping/@context-id
  GUIDs, but the XSD types them xs:string (R003 cites 2.2.1.1.1.4, where the sentences are).
"""

from __future__ import annotations

from runhistory.generator import edits as e
from runhistory.rules._support import (
    DATETIME_FORM,
    GUID,
    GUID_FORM,
    calendar_error,
    datetime_parts,
)
from runhistory.rules.engine import Element, Hit, Hits, RuleContext, rule

# Every element of type dateTimeNoT.
DATETIME_ELEMENTS = ("start-date", "end-date", "date", "first-occurred", "date-occurred")


@rule(
    "R001",
    section="2.2.1",
    quote="yyyy-mm-dd hh:mm:ss.fff",
    on=DATETIME_ELEMENTS,
    summary="a dateTimeNoT value is a real calendar date and time (no month 13, no 30 February)",
    notes="Only values that pass the XSD pattern are checked; the XSD reports the others (S104).",
    fix=(
        "Correct the date: it must exist on the calendar (no month 13, no 30 February, no hour 24)."
    ),
)
def datetime_is_on_the_calendar(el: Element, ctx: RuleContext) -> Hits:
    m = datetime_parts(el.text or "")
    if m is None:
        return
    problem = calendar_error(m)
    if problem:
        yield Hit(
            el,
            f"<{el.tag}> has value '{el.text}', which is not a real date and time: {problem}; "
            f"expected {DATETIME_FORM}",
        )


@rule(
    "R002",
    section="2.2.1",
    quote="yyyy-mm-dd hh:mm:ss.fff",
    on=DATETIME_ELEMENTS,
    summary="a dateTimeNoT value has a '.' before its fraction of a second",
    notes="The XSD pattern's unescaped '.' accepts any character there (e.g. ',' or ':').",
    fix=(
        "Write a '.' before the fraction of a second, as in 2018-07-24 "
        "02:00:03.117 (a ',' comes from a locale setting)."
    ),
)
def datetime_fraction_separator(el: Element, ctx: RuleContext) -> Hits:
    m = datetime_parts(el.text or "")
    if m is not None and m["sep"] != ".":
        yield Hit(
            el,
            f"<{el.tag}> has value '{el.text}', with '{m['sep']}' before the fraction of a "
            f"second; expected a '.', as in {DATETIME_FORM}",
        )


# element name -> the attribute the prose calls a GUID where the XSD says only xs:string
_STRING_GUIDS = {"import-error": "cs-guid", "attribute-mapping": "context-id"}


@rule(
    "R003",
    section="2.2.1.1.1.4",
    quote=(
        "The synchronization-errors/import-error/@cs-guid attribute is the GUID for the "
        "connector space object"
    ),
    on=tuple(_STRING_GUIDS),
    summary="import-error/@cs-guid and attribute-mapping/@context-id are GUIDs (guidType form)",
    notes="The prose of 2.2.1.1.1.4 calls both a GUID (@cs-guid 'is the GUID for the connector "
    "space object', @context-id 'is the GUID of the attribute'; retry-error's @context-id by "
    "2.2.1.1.1.5's identical syntax); the XSD types them xs:string, so only this rule checks "
    "their form.",
    fix=(
        "Write the GUID in braces with hexadecimal digits in 8-4-4-4-12 groups, "
        "as in {5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A}."
    ),
)
def string_typed_guids(el: Element, ctx: RuleContext) -> Hits:
    attr = _STRING_GUIDS[str(el.tag)]
    value = el.get(attr)
    if value is not None and GUID.fullmatch(value) is None:
        yield Hit(
            el,
            f"attribute '{attr}' of <{el.tag}> has value '{value}', which is not a GUID; "
            f"expected {GUID_FORM}",
            attribute=attr,
        )


# -- broken documents: one per rule above (see runhistory.generator.edits) ---------------


@e.breaks("R001", "date-not-on-calendar")
def _calendar(ch: e.Chooser, d: e.Draft) -> str:
    start = e.one(e.step(d), "start-date")
    when = e.parse(start.text or "")
    day, month = ch.choice(((30, 2), (31, 4), (29, 2), (31, 9)))
    year = when.year if not (month == 2 and day == 29) else 2019
    start.text = f"{year:04d}-{month:02d}-{day:02d}{(start.text or '')[10:]}"
    return e.at(d, start)


@e.breaks("R002", "comma-before-fraction")
def _separator(ch: e.Chooser, d: e.Draft) -> str:
    end = e.one(e.step(d), "end-date")
    text = end.text or ""
    end.text = text[:19] + ch.choice((",", ":")) + text[20:]
    return e.at(d, end)


@e.breaks("R003", "cs-guid-not-a-guid", first_kind="sync", first_min_errors=1)
def _string_guid(ch: e.Chooser, d: e.Draft) -> str:
    error = e.one(e.step(d), "synchronization-errors/import-error")
    error.attrs["cs-guid"] = ch.choice(
        ((error.attrs["cs-guid"]).strip("{}"), (error.attrs["cs-guid"]).replace("-", ""))
    )
    return e.at(d, error, "cs-guid")
