"""``runhistory convert FILE --to json|xml``: the run as JSON (docs/json.md), or re-serialized XML.

FILE may be a RunDetails document or JSON written by ``--to json``; JSON converts back to the same
XML.  XML to XML normalizes a capture (UTF-8, one-space indentation, canonical form kept).
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from typing import Any

from runhistory.commands._document import (
    EXIT_INVALID,
    CommandError,
    add_document_arguments,
    fail,
    load_document,
    read_source,
)

ORDER = 40


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "convert",
        help="convert a run to JSON, or JSON back to XML, through the typed model",
        description="Convert a RunDetails document to JSON (the model as plain data; "
        "'runhistory schema --json' prints its JSON Schema) or to XML re-serialized through "
        "the model; FILE may also be such JSON, which converts back to the same XML.",
    )
    add_document_arguments(p)
    p.add_argument("--to", required=True, choices=("json", "xml"), dest="to")
    p.set_defaults(func=run)


def _json_text(data: bytes) -> tuple[str, bool] | None:
    """(text, decoded cleanly) if ``data`` looks like JSON, else None (it is read as XML).

    Windows PowerShell 5 saves ``> run.json`` as UTF-16 with a BOM; others write UTF-8."""
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    codec = "utf-16" if utf16 else "utf-8-sig"
    try:
        text, clean = data.decode(codec), True
    except UnicodeDecodeError:
        text, clean = data.decode(codec, errors="replace"), False
    return (text, clean) if text.lstrip(" \t\r\n").startswith(("{", "[")) else None


# No number of a run has this many digits (counters are 64-bit at most); longer ones are
# refused before Python's own limit on converting long digit strings (4,300) raises.
MAX_DIGITS = 100


class _TooLong(ValueError):
    pass


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _TooLong(len(digits.lstrip("-")))
    return int(digits)


def _from_json(args: argparse.Namespace, name: str, text: str, clean: bool) -> Any:
    from runhistory.errors import LoadError
    from runhistory.model import ModelError, dumps, from_data, loads

    if not clean:
        raise CommandError(f"{name}: the JSON is not UTF-8 or UTF-16 text", EXIT_INVALID)
    try:
        plain = json.loads(text, parse_int=_bounded_int)
    except _TooLong as err:
        raise CommandError(
            f"{name}: a number in the JSON has {err} digits; no value of a run has more "
            f"than {MAX_DIGITS}",
            EXIT_INVALID,
        ) from None
    except RecursionError:
        raise CommandError(f"{name}: the JSON is nested too deeply", EXIT_INVALID) from None
    except json.JSONDecodeError as err:
        raise CommandError(
            f"{name}:{err.lineno}:{err.colno}: not valid JSON: {err.msg}", EXIT_INVALID
        ) from None
    try:
        history = from_data(plain)
    except ModelError as err:
        raise CommandError(
            f"{name}: {err}; expected the shape 'runhistory schema --json' prints", EXIT_INVALID
        ) from None
    try:
        xml = dumps(history)
    except ModelError as err:
        raise CommandError(
            f"{name}: {err}; remove or replace that character in the JSON", EXIT_INVALID
        ) from None
    try:
        # Check what the JSON describes as the XML it stands for, like any other document.
        return loads(xml, profile=args.profile, name=f"{name} (as XML)")
    except LoadError as err:
        raise CommandError(f"the JSON does not describe a valid run: {err}", EXIT_INVALID) from None


def run(args: argparse.Namespace) -> int:
    from runhistory.model import dumps, to_data

    try:
        name, data = read_source(args.file, args.max_bytes)
        found = _json_text(data)
        if found is not None:
            history = _from_json(args, name, *found)
        else:
            _name, history = load_document(args, data=(name, data))
    except CommandError as err:
        return fail("convert", err)
    if args.to == "json":
        json.dump(to_data(history), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        data = dumps(history)
        sys.stdout.flush()
        raw = getattr(sys.stdout, "buffer", None)
        if raw is None:  # stdout replaced by a text-only stream (embedding, tests)
            sys.stdout.write(data.decode("utf-8"))
        else:
            raw.write(data)
            raw.flush()
    return 0
