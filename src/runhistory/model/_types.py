"""What the model's readers and writers share: simple types, the per-class layouts computed
once from the generated field metadata, and the lexical form of a value.

Both directions are driven by tables computed once per class from the generated field metadata
(:func:`runhistory.model._base.xml`): reading is one pass over an lxml tree that the validation
pipeline has already checked, with no schema calls per element; writing builds the text directly.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from runhistory.model._base import AnyXml

ToValue = Callable[[str], Any]
ToText = Callable[[Any], str]
Canonical = Callable[[str], bool]


class ModelError(ValueError):
    """A model, or plain data meant to become one, does not fit the RunDetails schema.

    ``path`` says where (``run_details[0].step_details[1].start_date``).
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or 'document'}: {message}")
        self.path = path
        self.message = message


# -- simple values --------------------------------------------------------------------------


def _int(text: str) -> int:
    return int(text)


def _bool(text: str) -> bool:
    return text.strip() in ("true", "1")


def _datetime(text: str) -> datetime:
    # dateTimeNoT: "yyyy-mm-dd hh:mm:ss.f" with one to three fraction digits.
    return datetime.fromisoformat(text)


_new = object.__new__
_set = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown


def _guid(text: str) -> uuid.UUID:
    """``uuid.UUID(text)`` for a valid guidType (braces, hyphens), in half the time: the
    document was validated, so the checks and clean-up of ``UUID.__init__`` are skipped."""
    if len(text) != 38:
        return uuid.UUID(text)
    value = _new(uuid.UUID)
    _set(value, "int", int(text[1:37].replace("-", ""), 16))
    _set(value, "is_safe", _UNKNOWN)
    return value


def _guid_checked(text: str) -> uuid.UUID:
    return uuid.UUID(text)


_SAMPLE = "{0C4B0F5E-3A7B-4F8C-9D2E-1A2B3C4D5E6F}"
if _guid(_SAMPLE) != uuid.UUID(_SAMPLE) or str(_guid(_SAMPLE)) != str(uuid.UUID(_SAMPLE)):
    _guid = _guid_checked  # pragma: no cover - a future UUID with other internals


def as_string(text: str) -> str:
    return text


def format_datetime(value: datetime) -> str:
    """The dateTimeNoT form of ``value``: milliseconds, no time zone (sub-milliseconds drop)."""
    return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond // 1000:03d}"


def format_guid(value: uuid.UUID) -> str:
    return "{" + str(value).upper() + "}"


def _format_bool(value: bool) -> str:
    return "true" if value else "false"


def _canonical_int(text: str) -> bool:
    return text.isdigit() and (text == "0" or text[0] != "0")


def _canonical_datetime(text: str) -> bool:
    return len(text) == 23 and text[10] == " " and text[19] == "."


def _canonical_guid(text: str) -> bool:
    return text[:1] == "{" and text == text.upper()


def _canonical_bool(text: str) -> bool:
    return text in ("true", "false")


@dataclasses.dataclass(frozen=True, slots=True)
class Simple:
    """How one simple type reads, writes and recognizes its canonical text."""

    read: ToValue
    write: ToText
    canonical: Canonical | None  # None: any text is canonical (the value is the text)
    json_read: Callable[[Any], Any]
    json_write: Callable[[Any], Any]


def _expect(kind: type, what: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {what}, got {type(value).__name__} {value!r}")
        return value

    return check


# Characters XML 1.0 cannot carry, even as character references.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _json_str(value: Any) -> Any:
    _expect(str, "a string")(value)
    bad = NOT_XML.search(value)
    if bad is not None:
        raise TypeError(
            f"the string holds the character U+{ord(bad.group()):04X}, which XML 1.0 cannot "
            "carry; remove or replace it"
        )
    return value


def _json_text(read: ToValue, what: str) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"expected {what} as a string, got {type(value).__name__}")
        try:
            return read(value)
        except ValueError:
            raise TypeError(f"expected {what}, got {value!r}") from None

    return convert


def _guid_text(value: Any) -> str:
    return format_guid(value)


_SIMPLE: dict[Any, Simple] = {
    str: Simple(as_string, str, None, _json_str, as_string),
    int: Simple(_int, str, _canonical_int, _expect(int, "a whole number"), int),
    bool: Simple(_bool, _format_bool, _canonical_bool, _expect(bool, "true or false"), bool),
    datetime: Simple(
        _datetime,
        format_datetime,
        _canonical_datetime,
        _json_text(_datetime, "a date-time like 2018-07-24 13:45:07.123"),
        format_datetime,
    ),
    uuid.UUID: Simple(
        _guid,
        format_guid,
        _canonical_guid,
        _json_text(_guid_checked, "a GUID like {0C4B0F5E-3A7B-4F8C-9D2E-1A2B3C4D5E6F}"),
        _guid_text,
    ),
}


def _enum_simple(enum: type[Enum]) -> Simple:
    def json_read(value: Any) -> Any:
        try:
            return enum(value)
        except ValueError:
            raise TypeError(
                f"{value!r} is not a {enum.__name__} (one of "
                f"{', '.join(str(m.value) for m in enum)})"
            ) from None

    # Member lookup by value without Enum.__call__ (a KeyError for an unknown value).
    read: ToValue = enum._value2member_map_.__getitem__
    return Simple(read, lambda v: str(v.value), None, json_read, lambda v: v.value)


class Unreadable(ValueError):
    """A tolerant read met something the model cannot hold: a required node missing, or text
    that is not of its type.  ``line`` is the line of the element being read (None if unknown)."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def unknown_member(enum: type[Enum], text: str) -> Any:
    """A stand-in member of ``enum`` for ``text``, a value the enumeration does not list.

    It is an instance of ``enum`` (and a ``str`` equal to ``text``), so code that reads the model
    needs no second type; it is not registered, so strict reading still refuses ``text``, and
    :func:`is_unknown` tells it from the listed members."""
    member = str.__new__(enum, text)  # type: ignore[type-var]
    member._value_ = text
    member._name_ = f"UNKNOWN({text!r})"
    return member


def is_unknown(value: Enum) -> bool:
    """Whether ``value`` stands for a value its enumeration does not list (see
    :func:`unknown_member`)."""
    return type(value)._value2member_map_.get(value._value_) is not value


def tolerant_enum_read(enum: type[Enum]) -> ToValue:
    known = enum._value2member_map_

    def read(text: str) -> Any:
        member = known.get(text)
        return member if member is not None else unknown_member(enum, text)

    return read


def has_default(cls: type, name: str) -> bool:
    f = {f.name: f for f in dataclasses.fields(cls)}[name]
    return f.default is not dataclasses.MISSING


def simple_for(type_: Any) -> Simple | None:
    if isinstance(type_, type) and issubclass(type_, Enum):
        return _enum_simple(type_)
    return _SIMPLE.get(type_)


# -- per-class tables -----------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class Slot:
    py: str
    xml: str | None
    node: str
    occurs: str
    type: Any
    simple: Simple | None  # None for a class or AnyXml


@dataclasses.dataclass(slots=True)
class Layout:
    cls: type
    attributes: list[Slot]
    text: Slot | None
    elements: list[Slot]
    ordered: list[Slot]  # every slot in field order (the value first, then attributes, ...)


@cache
def layout(cls: Any) -> Layout:
    attributes: list[Slot] = []
    text: Slot | None = None
    elements: list[Slot] = []
    ordered: list[Slot] = []
    for f in dataclasses.fields(cls):
        meta = f.metadata
        if "node" not in meta:
            continue
        slot = Slot(f.name, meta["xml"], meta["node"], meta["occurs"], meta["type"], None)
        slot.simple = simple_for(slot.type)
        ordered.append(slot)
        if slot.node == "attribute":
            attributes.append(slot)
        elif slot.node == "text":
            text = slot
        else:
            elements.append(slot)
    return Layout(cls, attributes, text, elements, ordered)


def lexical_text(obj: Any, py: str, value: Any, simple: Simple) -> str:
    for name, loaded, raw in obj._lexical:
        if name == py and type(loaded) is type(value) and loaded == value:
            return str(raw)
    return simple.write(value)


def walk(obj: Any) -> Iterator[Any]:
    """Every model object under ``obj`` (included), depth first in document order."""
    yield obj
    for s in layout(obj.__class__).elements:
        if s.simple is not None or s.type is AnyXml:
            continue
        value = getattr(obj, s.py)
        if value is None:
            continue
        for item in value if s.occurs in ("many", "some") else (value,):
            yield from walk(item)


def text_of(obj: Any, name: str) -> str | None:
    """The XML text of field ``name`` of ``obj``: as loaded when it was not in canonical form and
    the value has not changed since, else the canonical form; None when the field is absent."""
    value = getattr(obj, name)
    if value is None:
        return None
    slot = next((s for s in layout(obj.__class__).ordered if s.py == name), None)
    if slot is None or slot.simple is None or slot.occurs in ("many", "some"):
        raise ModelError(name, f"{obj.__class__.__name__}.{name} is not a single simple value")
    return lexical_text(obj, name, value, slot.simple)
