"""Model objects to and from plain data (the JSON form, docs/json.md)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from runhistory.model._base import AnyXml
from runhistory.model._types import ModelError, Slot, has_default, layout

# -- plain data (JSON) ----------------------------------------------------------------------


def to_data(obj: Any) -> dict[str, Any]:
    """``obj`` as plain data: dicts with the Python field names, in schema order."""
    p = layout(obj.__class__)
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
    slots = layout(cls).ordered
    unknown = sorted(set(data) - {s.py for s in slots} - {"_lexical"})
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
        if value is None:
            _absent(cls, s, s.py in data, where)
        elif s.occurs in ("many", "some"):
            kw[s.py] = _items_from(s, value, where)
        else:
            item = kw[s.py] = _item_from(s, value, where)
            raw = _lexical_of(s, value, item, texts.get(s.py), _join(path, "_lexical." + s.py))
            if raw is not None:
                lexical.append((s.py, item, raw))
    if lexical:
        kw["_lexical"] = tuple(lexical)
    return cls(**kw)


def _absent(cls: type, s: Slot, present: bool, where: str) -> None:
    """Refuse a missing value where the schema requires one (a null list included)."""
    if s.occurs in ("one", "some") and not has_default(cls, s.py):
        raise ModelError(where, "is required")
    if s.occurs in ("many", "some") and present:
        raise ModelError(where, "expected a list, got null")


def _items_from(s: Slot, value: Any, where: str) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise ModelError(where, "expected a list")
    if s.occurs == "some" and not value:
        raise ModelError(where, "needs at least one item")
    return tuple(_item_from(s, v, f"{where}[{i}]") for i, v in enumerate(value))


def _lexical_of(s: Slot, value: Any, item: Any, text: Any, where: str) -> str | None:
    """The text to keep for a single value (None: write it canonically)."""
    raw = text if s.type in (int, bool) else None
    if s.type in (datetime, uuid.UUID) and isinstance(value, str):
        assert s.simple is not None and s.simple.canonical is not None
        # Keep the text when it is a lexical form the schema allows, else write canonically.
        if not s.simple.canonical(value) and XML_FORM[s.type].fullmatch(value):
            raw = value
    if raw is not None and (not isinstance(raw, str) or not _reads_as(s, raw, item)):
        raise ModelError(where, f"{raw!r} does not read as {item!r}")
    return raw


XML_FORM = {
    datetime: re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{1,3}"),
    uuid.UUID: re.compile(r"\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}"),
}


def _reads_as(s: Slot, raw: str, item: Any) -> bool:
    assert s.simple is not None
    try:
        return bool(s.simple.read(raw) == item)
    except ValueError:
        return False


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
