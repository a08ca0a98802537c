"""The model to and from XML, and to and from plain data (JSON).

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

from lxml import etree

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


def _str(text: str) -> str:
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
    str: Simple(_str, str, None, _json_str, _str),
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


def _tolerant_enum_read(enum: type[Enum]) -> ToValue:
    known = enum._value2member_map_

    def read(text: str) -> Any:
        member = known.get(text)
        return member if member is not None else unknown_member(enum, text)

    return read


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
class Plan:
    cls: type
    attributes: list[Slot]
    text: Slot | None
    elements: list[Slot]
    ordered: list[Slot]  # every slot in field order (the value first, then attributes, ...)


@cache
def plan(cls: Any) -> Plan:
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
    return Plan(cls, attributes, text, elements, ordered)


# -- reading XML ----------------------------------------------------------------------------


def _any_xml(el: etree._Element) -> AnyXml:
    return AnyXml.from_element(el)


Reader = Callable[[etree._Element], Any]


def _is_enum(s: Slot) -> bool:
    return isinstance(s.type, type) and issubclass(s.type, Enum)


def _required(cls: Any, s: Slot) -> bool:
    return s.occurs in ("one", "some") and not _has_default(cls, s.py)


@cache
def reader(cls: Any, tolerant: bool = False) -> Reader:
    """A function from a (valid) element to an instance of ``cls``.

    The function is compiled once per class from its plan: straight-line code that reads the
    attributes, then dispatches on each child's tag, with the converters bound as defaults.
    Nested classes get their own reader on first use.

    ``tolerant`` reads an element the schema check did not pass: a value outside an
    enumeration becomes an :func:`unknown_member`, unknown children are skipped, and a missing
    required node or text not of its type raises :class:`Unreadable`.
    """
    p = plan(cls)
    env: dict[str, Any] = {"CLS": cls, "UNREADABLE": Unreadable, "MISSING": _missing_node}
    lines = ["def read(el):"]
    out: list[str] = []  # keyword arguments of the constructor
    body: list[str] = []

    def convert(i: int, s: Slot, raw: str, target: str, into: str) -> list[str]:
        """Lines that convert text ``raw`` into ``target``, noting non-canonical text."""
        simple = s.simple
        assert simple is not None
        env[f"R{i}"] = _tolerant_enum_read(s.type) if tolerant and _is_enum(s) else simple.read
        code = [f"{target} = R{i}({raw})"] if simple.read is not _str else [f"{target} = {raw}"]
        if simple.canonical is not None and into:
            env[f"C{i}"] = simple.canonical
            code += [
                f"if not C{i}({raw}):",
                f"    lex.append(({s.py!r}, {target}, {raw}))",
            ]
        return code

    for i, s in enumerate(p.attributes):
        body.append(f"a{i} = el.get({s.xml!r})")
        body += [f"if a{i} is None: raise MISSING(el, {_missing(s)!r})"] * (
            tolerant and _required(cls, s)
        )
        if s.occurs == "optional":
            body.append(f"if a{i} is not None:")
            body += ["    " + c for c in convert(i, s, f"a{i}", f"v{i}", "lex")]
            body.append("else:")
            body.append(f"    v{i} = None")
        else:
            body += convert(i, s, f"a{i}", f"v{i}", "lex")
        out.append(f"{s.py}=v{i}")
    if p.text is not None:
        i = len(p.attributes)
        body.append("t = el.text or ''")
        body += convert(i, p.text, "t", "value", "lex")
        out.append("value=value")
    elif p.elements:
        base = len(p.attributes) + 1
        for k, s in enumerate(p.elements):
            n = base + k
            if s.occurs in ("many", "some"):
                body.append(f"e{n} = []")
                out.append(f"{s.py}=tuple(e{n})")
            else:
                body.append(f"e{n} = None")
                out.append(f"{s.py}=e{n}")
        body.append("for child in el:")
        body.append("    tag = child.tag")
        first = True
        for k, s in enumerate(p.elements):
            n = base + k
            repeated = s.occurs in ("many", "some")
            body.append(f"    {'if' if first else 'elif'} tag == {s.xml!r}:")
            first = False
            if s.type is AnyXml:
                env["ANY"] = _any_xml
                value = "ANY(child)"
                code = [f"x = {value}"]
            elif s.simple is None:
                env[f"S{n}"] = reader(s.type, tolerant)  # the schema has no recursive types
                code = [f"x = S{n}(child)"]
            else:
                code = ["raw = child.text or ''"]
                code += convert(n, s, "raw", "x", "" if repeated else "lex")
            code.append(f"e{n}.append(x)" if repeated else f"e{n} = x")
            body += ["        " + c for c in code]
        body += _required_checks(cls, p.elements, base) if tolerant else []
    lines.append("    lex = []")
    lines += _guarded(body) if tolerant else ["    " + b for b in body]
    args = ", ".join([*out, "_lexical=tuple(lex) if lex else ()"])
    lines.append(f"    return CLS({args})")
    # The source is built above from the class's own plan, never from input.
    exec(compile("\n".join(lines), f"<reader of {cls.__name__}>", "exec"), env)
    read: Reader = env["read"]
    return read


def _required_checks(cls: Any, elements: list[Slot], base: int) -> list[str]:
    """Lines that raise :class:`Unreadable` when a required child was not found."""
    out = []
    for k, s in enumerate(elements):
        if _required(cls, s):
            test = f"not e{base + k}" if s.occurs == "some" else f"e{base + k} is None"
            out.append(f"if {test}: raise MISSING(el, {_missing(s)!r})")
    return out


def _guarded(body: list[str]) -> list[str]:
    """``body`` indented in a try that turns a conversion error into :class:`Unreadable`."""
    return [
        "    try:",
        *("        " + b for b in body),
        "    except UNREADABLE:",
        "        raise",
        "    except (ValueError, KeyError, TypeError) as err:",
        "        raise MISSING(el, str(err)) from None",
    ]


def _missing_node(el: etree._Element, what: str) -> Unreadable:
    line = el.sourceline
    return Unreadable(line if isinstance(line, int) else None, f"<{el.tag}>: {what}")


def _missing(s: Slot) -> str:
    return f"attribute {s.xml} is missing" if s.node == "attribute" else f"<{s.xml}> is missing"


# -- writing XML ----------------------------------------------------------------------------


def _escape_text(text: str | None) -> str:
    if not text:
        return ""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _escape_attr(text: str) -> str:
    text = _escape_text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#9;")
    return text


def _lexical_text(obj: Any, py: str, value: Any, simple: Simple) -> str:
    for name, loaded, raw in obj._lexical:
        if name == py and type(loaded) is type(value) and loaded == value:
            return str(raw)
    return simple.write(value)


def _write_any(value: AnyXml, tag: str, pad: str, out: list[str]) -> None:
    out.append(f"{pad}{value.to_xml(tag)}\n")


def write(obj: Any, tag: str, pad: str, out: list[str]) -> None:
    """Append the XML of ``obj`` as element ``tag``, indented by ``pad``, to ``out``."""
    p = plan(obj.__class__)
    parts = [pad, "<", tag]
    lexical = obj._lexical
    for s in p.attributes:
        value = getattr(obj, s.py)
        if value is None:
            continue
        simple = s.simple
        assert simple is not None
        raw = _lexical_text(obj, s.py, value, simple) if lexical else simple.write(value)
        parts += [" ", str(s.xml), '="', _escape_attr(raw), '"']
    if p.text is not None:
        simple = p.text.simple
        assert simple is not None
        value = obj.value
        raw = _lexical_text(obj, "value", value, simple) if lexical else simple.write(value)
        if raw:
            parts += [">", _escape_text(raw), "</", tag, ">\n"]
        else:
            parts.append("/>\n")
        out.append("".join(parts))
        return
    inner = pad + " "
    body: list[str] = []
    for s in p.elements:
        value = getattr(obj, s.py)
        if value is None:
            continue
        values = value if s.occurs in ("many", "some") else (value,)
        name = str(s.xml)
        for item in values:
            if s.simple is not None:
                raw = (
                    _lexical_text(obj, s.py, item, s.simple)
                    if lexical and s.occurs not in ("many", "some")
                    else s.simple.write(item)
                )
                if raw:
                    body.append(f"{inner}<{name}>{_escape_text(raw)}</{name}>\n")
                else:
                    body.append(f"{inner}<{name}/>\n")
            elif isinstance(item, AnyXml):
                _write_any(item, name, inner, body)
            else:
                write(item, name, inner, body)
    if body:
        parts.append(">\n")
        out.append("".join(parts))
        out.extend(body)
        out.append(f"{pad}</{tag}>\n")
    else:
        parts.append("/>\n")
        out.append("".join(parts))


# -- plain data (JSON) ----------------------------------------------------------------------


def to_data(obj: Any) -> dict[str, Any]:
    """``obj`` as plain data: dicts with the Python field names, in schema order."""
    p = plan(obj.__class__)
    data: dict[str, Any] = {}
    lexical: dict[str, str] = {}
    kept = {name: (loaded, raw) for name, loaded, raw in obj._lexical}
    slots = p.ordered
    for s in slots:
        value = getattr(obj, s.py)
        if value is None:
            data[s.py] = None
            continue
        if s.occurs in ("many", "some"):
            data[s.py] = [_item_data(s, v) for v in value]
            continue
        data[s.py] = _item_data(s, value)
        if s.py in kept and s.type in (int, bool, datetime, uuid.UUID):
            loaded, raw = kept[s.py]
            if type(loaded) is type(value) and loaded == value:
                if s.type in (datetime, uuid.UUID):
                    data[s.py] = raw  # the text itself is the JSON value
                else:
                    lexical[s.py] = raw
    if lexical:
        data["_lexical"] = lexical
    return data


def _item_data(s: Slot, value: Any) -> Any:
    if s.simple is not None:
        return s.simple.json_write(value)
    if isinstance(value, AnyXml):
        return {
            "namespaces": {p or "": u for p, u in value.namespaces},
            "attributes": dict(value.attributes),
            "content": value.content,
        }
    return to_data(value)


def from_data(cls: type, data: Any, path: str = "") -> Any:
    """An instance of ``cls`` from plain data shaped as :func:`to_data` makes it."""
    if not isinstance(data, dict):
        raise ModelError(path, f"expected an object for {cls.__name__}")
    p = plan(cls)
    slots = p.ordered
    known = {s.py for s in slots} | {"_lexical"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ModelError(path, f"unknown key '{unknown[0]}' for {cls.__name__}")
    kw: dict[str, Any] = {}
    lexical: list[tuple[str, Any, str]] = []
    texts = data.get("_lexical") or {}
    if not isinstance(texts, dict):
        raise ModelError(_join(path, "_lexical"), "expected an object of field texts")
    for s in slots:
        where = _join(path, s.py)
        value = data.get(s.py)
        required = s.occurs in ("one", "some") and not _has_default(cls, s.py)
        if value is None:
            if required:
                raise ModelError(where, "is required")
            if s.occurs in ("many", "some") and s.py in data:
                raise ModelError(where, "expected a list, got null")
            continue
        if s.occurs in ("many", "some"):
            if not isinstance(value, list):
                raise ModelError(where, "expected a list")
            if s.occurs == "some" and not value:
                raise ModelError(where, "needs at least one item")
            kw[s.py] = tuple(_item_from(s, v, f"{where}[{i}]") for i, v in enumerate(value))
            continue
        item = _item_from(s, value, where)
        kw[s.py] = item
        raw = texts.get(s.py) if s.type in (int, bool) else None
        if s.type in (datetime, uuid.UUID) and isinstance(value, str):
            assert s.simple is not None and s.simple.canonical is not None
            # Keep the text when it is a lexical form the schema allows, else write canonically.
            if not s.simple.canonical(value) and _XML_FORM[s.type].fullmatch(value):
                raw = value
        if raw is not None:
            if not isinstance(raw, str) or not _reads_as(s, raw, item):
                raise ModelError(
                    _join(path, "_lexical." + s.py), f"{raw!r} does not read as {item!r}"
                )
            lexical.append((s.py, item, raw))
    if lexical:
        kw["_lexical"] = tuple(lexical)
    return cls(**kw)


_XML_FORM = {
    datetime: re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{1,3}"),
    uuid.UUID: re.compile(r"\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}"),
}


def _reads_as(s: Slot, raw: str, item: Any) -> bool:
    assert s.simple is not None
    try:
        return bool(s.simple.read(raw) == item)
    except ValueError:
        return False


def _has_default(cls: type, name: str) -> bool:
    f = {f.name: f for f in dataclasses.fields(cls)}[name]
    return f.default is not dataclasses.MISSING


def _item_from(s: Slot, value: Any, where: str) -> Any:
    if s.simple is not None:
        try:
            return s.simple.json_read(value)
        except TypeError as err:
            raise ModelError(where, str(err)) from None
    if s.type is AnyXml:
        if not isinstance(value, dict) or set(value) - {"namespaces", "attributes", "content"}:
            raise ModelError(
                where, "expected an object with 'namespaces', 'attributes' and 'content'"
            )
        namespaces = value.get("namespaces") or {}
        if not isinstance(namespaces, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in namespaces.items()
        ):
            raise ModelError(where, "'namespaces' must map prefixes to URIs")
        attrs = value.get("attributes") or {}
        content = value.get("content") or ""
        if not isinstance(attrs, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()
        ):
            raise ModelError(where, "'attributes' must map names to strings")
        if not isinstance(content, str):
            raise ModelError(where, "'content' must be a string of XML")
        _check_any(where, namespaces, attrs, content)
        return AnyXml(
            attributes=tuple(attrs.items()),
            content=content,
            namespaces=tuple((k or None, v) for k, v in namespaces.items()),
        )
    return from_data(s.type, value, where)


def _check_any(where: str, namespaces: dict[str, str], attrs: dict[str, str], content: str) -> None:
    """Names that are not XML names, and content that is not one element's content, are
    refused before they are written into markup (see :mod:`runhistory.model._names`)."""
    from runhistory.model import _names

    problem = next(
        (p for k, v in namespaces.items() if (p := _names.prefix_problem(k, v))), None
    ) or next((p for k in attrs if (p := _names.attribute_problem(k))), None)
    if problem is None and content:
        problem = _names.content_problem(content, namespaces.items())
    if problem is not None:
        raise ModelError(where, problem)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def walk(obj: Any) -> Iterator[Any]:
    """Every model object under ``obj`` (included), depth first in document order."""
    yield obj
    for s in plan(obj.__class__).elements:
        if s.simple is not None or s.type is AnyXml:
            continue
        value = getattr(obj, s.py)
        if value is None:
            continue
        for item in value if s.occurs in ("many", "some") else (value,):
            yield from walk(item)


# -- JSON Schema of the plain data ----------------------------------------------------------


def _value_schema(s: Slot, defs: dict[str, Any]) -> dict[str, Any]:
    t = s.type
    if t is AnyXml:
        strings = {"type": "object", "additionalProperties": {"type": "string"}}
        return {
            "type": "object",
            "properties": {
                "namespaces": strings,
                "attributes": strings,
                "content": {"type": "string"},
            },
            "required": ["namespaces", "attributes", "content"],
            "additionalProperties": False,
        }
    if isinstance(t, type) and issubclass(t, Enum):
        return {"enum": [m.value for m in t]}
    if t is bool:
        return {"type": "boolean"}
    if t is int:
        return {"type": "integer", "minimum": 0}
    if t is datetime:
        return {"type": "string", "pattern": _XML_FORM[datetime].pattern}
    if t is uuid.UUID:
        return {"type": "string", "pattern": _XML_FORM[uuid.UUID].pattern}
    if t is str:
        return {"type": "string"}
    _class_schema(t, defs)
    return {"$ref": f"#/$defs/{t.__name__}"}


def _class_schema(cls: Any, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # reserve the name
    p = plan(cls)
    props: dict[str, Any] = {}
    for s in p.ordered:
        item = _value_schema(s, defs)
        if s.occurs in ("many", "some"):
            props[s.py] = {
                "type": "array",
                "items": item,
                "minItems": 1 if s.occurs == "some" else 0,
            }
        elif s.occurs == "optional":
            props[s.py] = {"anyOf": [item, {"type": "null"}]}
        else:
            props[s.py] = item
    props["_lexical"] = {"type": "object", "additionalProperties": {"type": "string"}}
    defs[cls.__name__] = {
        "type": "object",
        "description": (cls.__doc__ or "").strip(),
        "properties": props,
        "required": [s.py for s in p.ordered],
        "additionalProperties": False,
    }


def json_schema(root: Any, version: int) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of ``{"version": ..., "run_history": ...}``."""
    defs: dict[str, Any] = {}
    _class_schema(root, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "runhistory JSON form of a RunDetails document",
        "type": "object",
        "properties": {
            "version": {"const": version},
            "run_history": {"$ref": f"#/$defs/{root.__name__}"},
        },
        "required": ["version", "run_history"],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def text_of(obj: Any, name: str) -> str | None:
    """The XML text of field ``name`` of ``obj``: as loaded when it was not in canonical form and
    the value has not changed since, else the canonical form; None when the field is absent."""
    value = getattr(obj, name)
    if value is None:
        return None
    slot = next((s for s in plan(obj.__class__).ordered if s.py == name), None)
    if slot is None or slot.simple is None or slot.occurs in ("many", "some"):
        raise ModelError(name, f"{obj.__class__.__name__}.{name} is not a single simple value")
    return _lexical_text(obj, name, value, slot.simple)
