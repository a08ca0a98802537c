"""Realistic values: names, DNs, DOMAIN\\account, GUIDs, base64 anchors, error codes.

Each pool lists its plainest value first: that is where a shrunk example ends up.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from runhistory import schema_facts as facts
from runhistory.generator.choices import Chooser
from runhistory.generator.node import Node

DOMAINS = ("contoso", "fabrikam", "litware", "adatum", "northwind", "tailspin")
FIRST = ("Jane", "John", "Ana", "Wei", "Fatima", "Olu", "Priya", "Lars", "Mei", "Diego")
LAST = ("Doe", "Smith", "Silva", "Chen", "Haddad", "Adeyemi", "Patel", "Nilsen", "Tanaka")
OUS = ("Staff", "Sales", "Engineering", "Finance", "Contractors", "Service Accounts")
ACCOUNTS = ("svc-sync", "svc-fimsync", "svc-mimsync", "spfarm", "administrator")
MA_NAMES = ("{D}-AD", "MOSS-{D}", "HR-SQL", "{D}-LDAP", "MOSS-UserProfile", "Azure AD")
SERVERS = ("dc01.{d}.com:389", "dc02.{d}.com:636", "sql01.{d}.local", "ldap.{d}.com:389")
ATTRIBUTES = ("department", "title", "manager", "mail", "telephoneNumber", "displayName")
DN_ATTRIBUTES = ("manager", "member", "directReports", "secretary")
BINARY_ATTRIBUTES = ("objectSid", "thumbnailPhoto", "msExchMailboxGuid")
OBJECT_CLASSES = ("user", "group", "contact", "organizationalUnit")
EXTENSIONS = ("Contoso.Sync.Extensions", "MAExtension", "MVExtension", "ProvisioningRules")
ERROR_CODES = ("0x8007052D", "0x80072030", "0x8007200A", "0x80070005", "0x8007203A")
ERROR_LITERALS = (
    "The object does not exist.",
    "Access is denied.",
    "The server is not operational.",
    "A constraint violation occurred.",
    "The specified directory service attribute or value does not exist.",
)
CALL_STACKS = (
    "System.NullReferenceException: Object reference not set to an instance of an object.\n"
    "   at Contoso.Sync.Extensions.MAExtension.MapAttributesForImport(String FlowRuleName, "
    "CSEntry csentry, MVEntry mventry)",
    "System.ArgumentException: Value does not fall within the expected range.\n"
    "   at Microsoft.MetadirectoryServices.Impl.AttributeImpl.set_Value(String value)",
)
FILES = ("dsdelta.xml", "C:\\Exports\\hr-export.csv", "C:\\Program Files\\Extensions\\X.dll")


def guid(ch: Chooser) -> str:
    """A random (version 4) GUID in braces, upper case, as the synchronization service writes."""
    import uuid  # here: validate imports this module (through the rules' breaks), not uuid

    value = uuid.UUID(int=ch.integer(0, (1 << 128) - 1), version=4)
    return "{" + str(value).upper() + "}"


def anchor(ch: Chooser) -> str:
    """Strict RFC 4648 section 4 base64 of an objectGUID-sized or shorter binary anchor."""
    size = ch.choice((16, 1, 2, 3, 8, 28))
    return base64.b64encode(ch.integer(0, (1 << (8 * size)) - 1).to_bytes(size, "big")).decode()


def person(ch: Chooser) -> str:
    return f"{ch.choice(FIRST)} {ch.choice(LAST)}"


def domain_dn(domain: str) -> str:
    return f"DC={domain},DC=com"


def dn(ch: Chooser, domain: str, name: str | None = None) -> str:
    return f"CN={name or person(ch)},OU={ch.choice(OUS)},{domain_dn(domain)}"


def when(value: datetime) -> str:
    """A dateTimeNoT value: yyyy-mm-dd hh:mm:ss.fff."""
    return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"


def instant(ch: Chooser) -> datetime:
    start = datetime(2018, 7, 24, 2, 0, 0)
    return start + timedelta(
        days=ch.integer(0, 3000), seconds=ch.integer(0, 86399), milliseconds=ch.integer(0, 999)
    )


def enum(name: str, first: str | None = None) -> tuple[str, ...]:
    """The schema's enumeration ``name`` (see :data:`runhistory.schema_facts.ENUMERATIONS`), in
    schema order, ``first`` moved to the front (the shrink target)."""
    ordered = list(facts.values(name))
    if first is not None:
        ordered.remove(first)
        ordered.insert(0, first)
    return tuple(ordered)


def cd_error(ch: Chooser, parent: Node) -> Node:
    """A cd-error added to ``parent``: the data source's error-code and error-literal."""
    cd = parent.add("cd-error")
    cd.add("error-code", ch.choice(ERROR_CODES))
    cd.add("error-literal", ch.choice(ERROR_LITERALS))
    return cd
