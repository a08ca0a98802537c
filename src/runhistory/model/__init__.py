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
from pathlib import Path
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
    data: bytes | bytearray | memoryview | str,
    *,
    profile: str = DEFAULT_PROFILE,
    name: str = "<string>",
    max_bytes: int | None = None,
) -> RunHistory:
    """A :class:`RunHistory` from the bytes (or text) of a RunDetails document.

    The bytes go through the same decoding and checks as ``runhistory validate --profile
    PROFILE`` (BOMs, UTF-16 and UTF-32, declared encodings, the XSD and every prose rule); any
    error finding raises :class:`LoadError` with the findings.  The default profile,
    ``product``, accepts the known departures of real product output (several run-details, the
    FIM-era and SharePoint values); ``strict`` refuses them.  ``data`` may be any bytes-like
    object; text is read as UTF-8 whatever its declaration says.  A document over
    ``max_bytes`` (default 1 GiB) is a ``D006`` finding.

    Raises:
        LoadError: the document is not valid under ``profile`` (malformed, too large, a lone
            surrogate in text, schema or rule errors); ``err.findings`` says why.
        TypeError: ``data`` is not bytes-like or text.
        ValueError: ``profile`` is not ``"strict"`` or ``"product"``, or ``max_bytes`` < 1.
    """
    from runhistory.validate import DEFAULT_MAX_BYTES, Options, apply_selection, check_document

    data = _as_bytes(data, "loads()")
    if profile not in ("strict", "product"):
        raise ValueError(f"unknown profile {profile!r}: choose 'strict' or 'product'")
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if limit < 1:
        raise ValueError(f"max_bytes must be at least 1, not {max_bytes!r}")
    options = Options(profile=profile, selection=_errors_only(profile), max_bytes=limit)
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


def _as_bytes(data: object, caller: str) -> bytes:
    if isinstance(data, str):
        # Text has no encoding left: drop what its declaration claims, read it as UTF-8.  A lone
        # surrogate is kept as its three bytes, which the decoding stage reports (D001).
        text = _DECLARED_ENCODING.sub(r"\1\2utf-8\2", data, count=1)
        return text.encode("utf-8", errors="surrogatepass")
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"{caller} needs bytes or str (the document), not {type(data).__name__}")


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
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    profile: str = DEFAULT_PROFILE,
    max_bytes: int | None = None,
) -> RunHistory:
    """A :class:`RunHistory` from a file name or a file object, binary or text (see :func:`loads`).

    A file name must name a regular file: a FIFO, socket or device is refused without being
    opened (it could block, or never end).  At most ``max_bytes`` + 1 bytes (characters, from a
    text file object) are read: more is a ``D006`` finding.

    Raises:
        OSError: the file cannot be read (missing, no permission, not a regular file, a name
            the system refuses), or reading the file object failed.
        LoadError: the document is not valid under ``profile`` (see :func:`loads`).
        TypeError: ``source`` is neither a file name nor a file object (for the bytes of a
            document, use :func:`loads`), or the file object returned neither bytes nor text.
        ValueError: ``profile`` or ``max_bytes`` is not allowed (see :func:`loads`).
    """
    from runhistory.validate import DEFAULT_MAX_BYTES

    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    if limit < 1:
        raise ValueError(f"max_bytes must be at least 1, not {max_bytes!r}")
    if not isinstance(source, (str, bytes, bytearray, memoryview, os.PathLike)) and hasattr(
        source, "read"
    ):
        name = str(getattr(source, "name", "<file>"))
        data = _read_object(source, limit)
    elif isinstance(source, (str, os.PathLike)) and not isinstance(source, bytes):
        name, data = _read_path(source, limit)
    else:
        kind = type(source).__name__
        hint = (
            "; for the bytes of a document use loads()"
            if isinstance(source, (bytes, bytearray, memoryview))
            else ""
        )
        raise TypeError(f"load() needs a file name or a file object, not {kind}{hint}")
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > limit:
        from runhistory.input_stage import too_big_finding

        raise LoadError(name, [too_big_finding(size, limit, exact=False)])
    return loads(data, profile=profile, name=name, max_bytes=limit)


def _read_path(source: str | os.PathLike[str], limit: int) -> tuple[str, bytes]:
    """The bytes of a regular file (at most ``limit`` + 1), or :class:`OSError`."""
    from runhistory.inputs import InputError, Source, read

    path = os.fspath(source)
    try:
        return path, read(Source(path, Path(path)), limit)
    except InputError as err:
        raise OSError(f"{path}: {err}") from None
    except ValueError as err:  # a NUL character in the name
        raise OSError(f"{path!r}: {err}") from None


def _read_object(source: IO[bytes] | IO[str], limit: int) -> bytes | str:
    """At most ``limit`` + 1 bytes (or characters) of a file object, read in pieces."""
    pieces: list[Any] = []
    got = 0
    while got <= limit:
        piece = source.read(min(1 << 20, limit + 1 - got))
        if not piece:
            break
        if not isinstance(piece, (bytes, str)):
            raise TypeError(f"load() read {type(piece).__name__}, not bytes or text")
        pieces.append(piece)
        got += len(piece)
    if pieces and isinstance(pieces[0], str):
        return "".join(pieces)
    return b"".join(pieces)


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
    version = data.get("version") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or type(version) is not int  # true == 1 in Python, not in JSON
        or version != JSON_VERSION
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
