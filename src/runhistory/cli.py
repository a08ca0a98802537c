"""The ``runhistory`` command.  Each subcommand lives in :mod:`runhistory.commands`.

Exit codes: 0 no error finding, 1 at least one error finding, 2 usage error or unreadable input,
130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

from runhistory import __version__

# Every module of runhistory.commands is a subcommand: it has ``ORDER`` (its place in
# ``--help``) and ``add_parser(subparsers)``, and keeps heavy imports inside its ``run``
# function so that the command starts fast.  Adding a command is adding a module.


def _command_modules() -> list[ModuleType]:
    from runhistory import commands

    modules = [
        importlib.import_module(f"runhistory.commands.{info.name}")
        for info in pkgutil.iter_modules(commands.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="runhistory",
        description="Validate, read and generate MIIS RunDetails run-history XML "
        "([MS-UPSMODS] 2.2.1).",
    )
    parser.add_argument("--version", action="version", version=f"runhistory {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in _command_modules():
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        sys.stderr.write("runhistory: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (runhistory ... | head): stop quietly, and keep Python from
        # complaining when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return code


def entry() -> None:
    sys.exit(main())
