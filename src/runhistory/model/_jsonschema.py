"""The JSON Schema (draft 2020-12) of the plain data form."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime
from enum import Enum
from typing import Any

from runhistory.model._base import AnyXml
from runhistory.model._json import XML_FORM
from runhistory.model._types import Slot, layout

# -- JSON Schema of the plain data ----------------------------------------------------------


_STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}
_ANY_XML = {
    "type": "object",
    "properties": {"namespaces": _STRINGS, "attributes": _STRINGS, "content": {"type": "string"}},
    "required": ["namespaces", "attributes", "content"],
    "additionalProperties": False,
}
_SIMPLE: dict[Any, dict[str, Any]] = {
    bool: {"type": "boolean"},
    int: {"type": "integer", "minimum": 0},
    datetime: {"type": "string", "pattern": XML_FORM[datetime].pattern},
    uuid.UUID: {"type": "string", "pattern": XML_FORM[uuid.UUID].pattern},
    str: {"type": "string"},
}


def _value_schema(s: Slot, defs: dict[str, Any]) -> dict[str, Any]:
    t = s.type
    if t is AnyXml:
        return copy.deepcopy(_ANY_XML)
    if isinstance(t, type) and issubclass(t, Enum):
        return {"enum": [m.value for m in t]}
    if t in _SIMPLE:
        return dict(_SIMPLE[t])
    _class_schema(t, defs)
    return {"$ref": f"#/$defs/{t.__name__}"}


def _class_schema(cls: Any, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # reserve the name
    p = layout(cls)
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
