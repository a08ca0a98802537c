"""Typed RunDetails objects, generated from the shipped XSD, and the functions that read and
write them.

- :func:`loads` / :func:`load`: bytes (or text, or a file) to a :class:`RunHistory`, after the same
  decoding and checks as ``runhistory validate``; an invalid document raises
  :class:`~runhistory.errors.LoadError` carrying the findings.
- :func:`dumps`: a :class:`RunHistory` back to UTF-8 XML, canonically equal to what was loaded.
- :func:`to_data` / :func:`from_data`: the model as plain data (the JSON shape of
  ``docs/json.md``) and back; bad data raises :class:`ModelError`.

The classes live in :mod:`runhistory.model._generated` (never edited by hand).
"""

from __future__ import annotations

import gc
import os
import re
from functools import cache
from typing import IO, Any

from runhistory.errors import LoadError
from runhistory.findings import Severity
from runhistory.model import _json, _jsonschema, _read, _write
from runhistory.model._base import AnyXml
from runhistory.model._canon import canonical_form
from runhistory.model._generated import *  # noqa: F403
from runhistory.model._generated import PRODUCT_ONLY, ROOT, RunHistory
from runhistory.model._generated import __all__ as _generated_names
from runhistory.model._types import (
    NOT_XML,
    ModelError,
    format_datetime,
    format_guid,
    text_of,
    walk,
)
from runhistory.selection import Selection

JSON_VERSION = 1
DEFAULT_PROFILE = "product"

_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def loads(
    data: bytes | str, *, profile: str = DEFAULT_PROFILE, name: str = "<string>"
) -> RunHistory:
    """A :class:`RunHistory` from the bytes (or text) of a RunDetails document.

    The bytes go through the same decoding and checks as ``runhistory validate --profile
    PROFILE`` (BOMs, UTF-16, a utf-16 declaration on UTF-8 bytes, the XSD and every prose rule);
    any error finding raises :class:`LoadError` with the findings.  The default profile,
    ``product``, accepts the known departures of real product output (several run-details, the
    FIM-era and SharePoint values); ``strict`` refuses them.
    """
    from runhistory.validate import Options, apply_selection, check_document

    if isinstance(data, str):
        # Text has no encoding left: drop what its declaration claims, read it as UTF-8.
        data = _DECLARED_ENCODING.sub(r"\1\2utf-8\2", data, count=1).encode("utf-8")
    if profile not in ("strict", "product"):
        raise ValueError(f"unknown profile {profile!r}: choose 'strict' or 'product'")
    options = Options(profile=profile, selection=_errors_only(profile))
    # Tens of thousands of objects are made and none is garbage: pause the cycle collector.
    paused = gc.isenabled()
    gc.disable()
    try:
        findings, tree = check_document(data, options)
        errors = [f for f in apply_selection(findings, options) if f.severity is Severity.ERROR]
        if errors or tree is None:
            raise LoadError(name, errors)
        try:
            history: RunHistory = _read.reader(ROOT)(tree.getroot())
        except (ValueError, KeyError, TypeError) as err:  # only if a rule missed a bad value
            raise LoadError(
                name, [], f"{name}: the document could not be read into the model: {err}"
            ) from None
    finally:
        if paused:
            gc.enable()
    return history


@cache
def _errors_only(profile: str) -> Selection:
    """The codes that report errors under ``profile``: only those decide whether a document
    loads, so warnings and lint are not computed at all."""
    from runhistory.catalog import CATALOG

    return Selection(
        select=tuple(
            code for code, info in CATALOG.items() if info.severity(profile) is Severity.ERROR
        )
    )


def load(
    source: str | os.PathLike[str] | IO[bytes] | IO[str], *, profile: str = DEFAULT_PROFILE
) -> RunHistory:
    """A :class:`RunHistory` from a file name or a file object, binary or text (see :func:`loads`).

    Raises :class:`OSError` when the file cannot be read, :class:`LoadError` when the document
    is not valid under ``profile``.
    """
    if hasattr(source, "read"):
        data = source.read()
        name = str(getattr(source, "name", "<file>"))
    else:
        path = os.fspath(source)
        with open(path, "rb") as handle:
            data = handle.read()
        name = path
    if not isinstance(data, (bytes, str)):
        raise TypeError(f"load() read {type(data).__name__}, not bytes or text")
    return loads(data, profile=profile, name=name)


def dumps(model: RunHistory) -> bytes:
    """The XML of ``model`` as UTF-8 bytes with an XML declaration, indented one space a level.

    Values keep the text they were loaded with (a GUID in lower case, a fraction of one digit);
    values set in code are written in canonical form (GUIDs as ``{UPPER}``, date-times with
    milliseconds).  ``dumps`` does not validate (:func:`loads` of the result does), but raises
    :class:`ModelError` for a character that XML cannot carry at all.
    """
    if not isinstance(model, RunHistory):
        raise ModelError("", f"dumps() needs a RunHistory, not {type(model).__name__}")
    out: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']
    _write.write(model, "run-history", "", out)
    text = "".join(out)
    bad = NOT_XML.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise ModelError(
            "",
            f"a value holds the character U+{ord(bad.group()):04X}, which XML 1.0 cannot carry "
            f"(line {line} of the output)",
        )
    return text.encode("utf-8")


def to_data(model: RunHistory) -> dict[str, Any]:
    """``model`` as plain data for JSON: ``{"version": 1, "run_history": {...}}`` (docs/json.md)."""
    return {"version": JSON_VERSION, "run_history": _json.to_data(model)}


def from_data(data: Any) -> RunHistory:
    """A :class:`RunHistory` from what :func:`to_data` returns (after a JSON round trip).

    Raises :class:`ModelError` naming the path of the first value that does not fit.
    """
    if (
        not isinstance(data, dict)
        or data.get("version") != JSON_VERSION
        or "run_history" not in data
    ):
        raise ModelError("", f'expected {{"version": {JSON_VERSION}, "run_history": {{...}}}}')
    unknown = sorted(set(data) - {"version", "run_history"})
    if unknown:
        raise ModelError("", f"unknown key '{unknown[0]}'")
    history: RunHistory = _json.from_data(RunHistory, data["run_history"], "run_history")
    return history


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of what :func:`to_data` returns (docs/json.md)."""
    return _jsonschema.json_schema(RunHistory, JSON_VERSION)


__all__ = [  # noqa: PLE0604
    *_generated_names,
    "DEFAULT_PROFILE",
    "JSON_VERSION",
    "PRODUCT_ONLY",
    "AnyXml",
    "canonical_form",
    "LoadError",
    "ModelError",
    "dumps",
    "format_datetime",
    "format_guid",
    "from_data",
    "json_schema",
    "load",
    "loads",
    "text_of",
    "to_data",
    "walk",
]
