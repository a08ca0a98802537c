"""``runhistory.validate``: what ``runhistory validate`` reports for one document, from Python."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from runhistory.report import FileReport

PROFILES = ("strict", "product")


def _codes(value: Iterable[str] | str | None, what: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{what}: expected codes as strings, not {type(item).__name__}")
        out += [c.strip().upper() for c in item.split(",") if c.strip()]
    return tuple(out)


def validate(
    source: str | os.PathLike[str] | bytes | IO[bytes],
    *,
    profile: str = "strict",
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str = (),
    name: str | None = None,
    max_bytes: int | None = None,
) -> FileReport:
    """Check one RunDetails document as ``runhistory validate`` does, and return its report.

    ``source`` is a file name (or path), the document's bytes, or a binary file object.  The
    report's ``findings`` are every finding at every severity (errors, warnings and infos),
    each a :class:`runhistory.findings.Finding` with ``rule``, ``section``, ``severity``,
    ``line``, ``column``, ``path`` and ``message``; ``report.valid`` is true when none is an
    error.  A document that is not XML, empty, or too big is a finding (D001 ...), not an
    exception.  ``select`` and ``ignore`` take codes or prefixes (``"R5"``, ``"ALL"``) as in
    ``--select``; no configuration file is read.

    Raises :class:`ValueError` for an unknown profile or a code that names no rule,
    :class:`TypeError` for a source of another type, and :class:`OSError` when a named file
    cannot be read (missing, a directory, permission denied).
    """
    from runhistory import batch
    from runhistory.inputs import Source
    from runhistory.report import Problem
    from runhistory.selection import Selection, SelectionError
    from runhistory.validate import DEFAULT_MAX_BYTES, Options, validate_bytes

    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: choose 'strict' or 'product'")
    selection = Selection(select=_codes(select, "select"), ignore=_codes(ignore, "ignore") or ())
    try:
        selection.validate()
    except SelectionError as err:
        raise ValueError(str(err)) from None
    options = Options(
        profile=profile, selection=selection, max_bytes=max_bytes or DEFAULT_MAX_BYTES
    )
    if isinstance(source, (bytes, bytearray, memoryview)):
        return validate_bytes(bytes(source), name or "<bytes>", options)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        outcome = batch.check(Source(name or str(source), path), batch.Plan(options))
        if isinstance(outcome, Problem):
            raise OSError(f"{outcome.name}: {outcome.message}")
        return outcome
    read = getattr(source, "read", None)
    if read is None:
        raise TypeError(
            f"validate() takes a path, bytes or a binary file, not {type(source).__name__}"
        )
    data = read(options.max_bytes + 1)
    if not isinstance(data, bytes):
        raise TypeError(
            f"validate() read {type(data).__name__} from the file: open it in binary mode"
        )
    shown = name or str(getattr(source, "name", "<stream>"))
    if len(data) > options.max_bytes:  # not read further: its real size is not known
        return batch.too_big_report(shown, len(data), options, exact=False)
    return validate_bytes(data, shown, options)
