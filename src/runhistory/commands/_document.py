"""What the commands that read one run share: reading FILE into the model, with one-line errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runhistory.model import RunHistory

EXIT_INVALID, EXIT_USAGE = 1, 2


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


def read_source(name: str) -> tuple[str, bytes]:
    from runhistory.escaping import human
    from runhistory.inputs import InputError, Source, read
    from runhistory.validate import DEFAULT_MAX_BYTES

    source = Source("<stdin>", None) if name == "-" else Source(name, Path(name))
    try:
        missing = source.path is not None and not source.path.exists()
    except OSError as err:  # a name too long, a folder that cannot be searched
        raise CommandError(f"{human(name)}: {err.strerror or err}", EXIT_USAGE) from None
    if missing:
        raise CommandError(f"{human(name)}: no such file", EXIT_USAGE)
    try:
        return source.name, read(source, DEFAULT_MAX_BYTES)
    except InputError as err:
        raise CommandError(f"{human(source.name)}: {err}", EXIT_USAGE) from None


def load_document(
    args: argparse.Namespace, data: tuple[str, bytes] | None = None
) -> tuple[str, RunHistory]:
    """The model of ``args.file`` (or of ``data``, already read from it), or
    :class:`CommandError` saying why it cannot be read."""
    from runhistory.errors import LoadError
    from runhistory.model import loads

    name, body = data if data is not None else read_source(args.file)
    try:
        return name, loads(body, profile=args.profile, name=name)
    except LoadError as err:
        hint = f"; run 'runhistory validate --profile {args.profile} {args.file}' for every problem"
        raise CommandError(f"{err}{hint if len(err.findings) > 1 else ''}", EXIT_INVALID) from None


def fail(command: str, err: CommandError) -> int:
    sys.stderr.write(f"runhistory {command}: {err}\n")
    return err.code
