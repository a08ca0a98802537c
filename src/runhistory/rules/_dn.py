"""A loose reading of RFC 4514 distinguished names, for the @dn of import-error and
export-error (xs:string in the XSD, "the distinguished name" in the prose).

Loose on purpose: connectors other than LDAP name objects their own way (SQL and file management
agents use the anchor value as the DN), so only a value written in the attribute=value form is
parsed, and only what no reading of RFC 4514 or its predecessors (RFC 2253, RFC 1779) accepts
is reported: an escape with nothing after it, an unclosed quoted value, an empty RDN, an RDN
without 'type='.  Any character may follow a backslash; ';' separates RDNs as ',' does; a
value may be quoted.
"""

from __future__ import annotations

import re

# RFC 4514 AttributeType: a descriptor (ALPHA *keychar) or a numeric OID, blanks around allowed.
_TYPE = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)\s*")
_SEPARATORS = ",;+"


def _ldap_form(value: str) -> bool:
    """True when the value starts as 'type=' (a '=' before any separator or escape)."""
    head = re.split(r"[=,;+\\\"]", value, maxsplit=1)[0]
    starts = value[len(head) : len(head) + 1] == "="
    return starts and (not head.strip() or _TYPE.fullmatch(head) is not None)


def _components(value: str) -> tuple[list[str], str | None]:
    """The value's attribute=value parts (split at unescaped, unquoted ',', ';' and '+'), and
    what is unbalanced, if anything."""
    parts: list[str] = []
    current: list[str] = []
    escaped = quoted = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"' and "".join(current).rstrip().endswith("="):
            quoted = True
        elif ch in _SEPARATORS:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    if escaped:
        return parts, "it ends with a '\\' that escapes nothing"
    if quoted:
        return parts, "a quoted value is not closed"
    return parts, None


def dn_problem(value: str) -> str | None:
    """Why ``value`` cannot be a distinguished name, or None when it can."""
    if not value.strip():
        return "it is empty"
    if not _ldap_form(value):
        return None  # a connector's own name for the object (not attribute=value): accepted
    parts, unbalanced = _components(value)
    return unbalanced or next((p for part in parts if (p := _part_problem(part))), None)


def _part_problem(part: str) -> str | None:
    """Why one RDN (or one attribute=value of a multi-valued RDN) is not type=value."""
    if not part.strip():
        return "it has an empty RDN (two separators in a row, or one at an end)"
    head = re.split(r"(?<!\\)=", part, maxsplit=1)
    if len(head) < 2:
        return (
            f"its part '{part.strip()}' is not attribute=value (a ',' inside a value is "
            "written '\\,')"
        )
    if _TYPE.fullmatch(head[0]) is None:
        return f"its part '{part.strip()}' has no attribute type before '='"
    return None
