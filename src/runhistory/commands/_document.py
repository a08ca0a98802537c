"""What the commands that read one run share: reading FILE into the model, with one-line errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runhistory.exitcode import ExitCode
from runhistory.units import MAX_BYTES_HELP, size_argument

if TYPE_CHECKING:
    from runhistory.findings import Finding
    from runhistory.inputs import Source
    from runhistory.model import RunHistory

EXIT_INVALID, EXIT_USAGE = ExitCode.FAILED, ExitCode.USAGE


class CommandError(Exception):
    """One line for stderr and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def add_document_arguments(p: Any) -> None:
    p.add_argument("file", metavar="FILE", help="a RunDetails document, or - for standard input")
    p.add_argument(
        "--profile",
        default="product",
        choices=("strict", "product"),
        help="which documents to accept (default product: real product output loads)",
    )
    add_max_bytes(p)


def add_max_bytes(p: Any) -> None:
    p.add_argument(
        "--max-bytes",
        type=size_argument,
        default=None,
        metavar="SIZE",
        help=MAX_BYTES_HELP,
    )


def read_source(name: str, max_bytes: int | None = None) -> tuple[str, bytes]:
    """The bytes of ``name`` (``-``: standard input), or :class:`CommandError` (see
    :func:`read_limited`)."""
    from runhistory.escaping import human
    from runhistory.inputs import Source

    source = Source("<stdin>", None) if name == "-" else Source(name, Path(name))
    try:
        missing = source.path is not None and not source.path.exists()
    except OSError as err:  # a name too long, a folder that cannot be searched
        raise CommandError(f"{human(name)}: {err.strerror or err}", EXIT_USAGE) from None
    if missing:
        raise CommandError(f"{human(name)}: no such file", EXIT_USAGE)
    return source.name, read_limited(source, max_bytes)


def read_limited(source: Source, max_bytes: int | None) -> bytes:
    """The bytes of ``source``, or :class:`CommandError` (exit 2).  A file over ``max_bytes``
    (default 1 GiB) is refused without being read; standard input is not read past it."""
    from runhistory.escaping import human
    from runhistory.input_stage import too_big_finding
    from runhistory.inputs import InputError, read, size
    from runhistory.validate import DEFAULT_MAX_BYTES

    limit = max_bytes or DEFAULT_MAX_BYTES
    data = b""
    big: Finding | None = None
    try:
        known = size(source)
        if known is not None and known > limit:
            big = too_big_finding(known, limit)
        else:
            data = read(source, limit)
            big = too_big_finding(len(data), limit, exact=False) if len(data) > limit else None
    except InputError as err:
        raise CommandError(f"{human(source.name)}: {err}", EXIT_USAGE) from None
    if big is not None:
        raise CommandError(f"{human(source.name)}: {big.message}", EXIT_USAGE)
    return data


def load_document(
    args: argparse.Namespace, data: tuple[str, bytes] | None = None
) -> tuple[str, RunHistory]:
    """The model of ``args.file`` (or of ``data``, already read from it), or
    :class:`CommandError` saying why it cannot be read."""
    from runhistory.errors import LoadError
    from runhistory.model import loads

    max_bytes = getattr(args, "max_bytes", None)
    name, body = data if data is not None else read_source(args.file, max_bytes)
    try:
        return name, loads(body, profile=args.profile, name=name, max_bytes=max_bytes)
    except LoadError as err:
        hint = f"; run 'runhistory validate --profile {args.profile} {args.file}' for every problem"
        raise CommandError(f"{err}{hint if len(err.findings) > 1 else ''}", EXIT_INVALID) from None


def fail(command: str, err: CommandError) -> int:
    from runhistory.escaping import human

    sys.stderr.write(f"runhistory {command}: {human(str(err))}\n")
    return err.code


MAX_WARNINGS = 10


def read_tolerantly(command: str, name: str, body: bytes, profile: str) -> RunHistory:
    """The model of a document as far as it can be read (:mod:`runhistory.model.tolerant`).

    Each problem that did not stop reading is one warning line on stderr (at most
    :data:`MAX_WARNINGS`, then how many more); a document that cannot be read at all raises
    :class:`CommandError` with exit code 2 and the reason."""
    from runhistory.errors import LoadError
    from runhistory.escaping import human
    from runhistory.model import tolerant

    try:
        reading = tolerant.read(body, profile=profile, name=name)
    except LoadError as err:
        raise CommandError(f"{human(str(err))}; the document cannot be read", EXIT_USAGE) from None
    for finding in reading.problems[:MAX_WARNINGS]:
        sys.stderr.write(f"runhistory {command}: warning: {_problem(name, finding)}\n")
    more = len(reading.problems) - MAX_WARNINGS
    if more > 0:
        sys.stderr.write(
            f"runhistory {command}: warning: {human(name)}: {more} more problem"
            f"{'s' if more > 1 else ''}; 'runhistory validate --profile {profile}' lists them\n"
        )
    return reading.history


def _problem(name: str, f: Finding) -> str:
    from runhistory.escaping import human
    from runhistory.model.tolerant import ENUMERATION

    where = ":".join(str(x) for x in (human(name), f.line, f.column) if x is not None)
    shown = "shown as written" if f.rule == ENUMERATION else "shown anyway"
    return f"{where}: {f.rule} [§{f.section}] {human(f.message)} ({shown})"
