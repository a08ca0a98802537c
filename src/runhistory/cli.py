"""The ``runhistory`` command.  Each subcommand lives in :mod:`runhistory.commands`.

Exit codes: 0 no error finding, 1 at least one error finding, 2 usage error, unreadable input or
output that could not be written, 130 interrupted (Ctrl-C), 141 standard output closed by its
reader (a broken pipe), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from runhistory import __version__, interrupts

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
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a process a broken pipe killed
# Errors writing standard output (a full disk, /dev/full, a quota): one line, exit 2.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse drops an OSError here, so --help on a full disk would exit 0 having printed
        # nothing; let main() report it.
        if message:
            (file or sys.stderr).write(message)


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


def _discard_stdout() -> None:
    """Point standard output at the null device, so that Python's own flush at exit finds
    nothing to complain about once writing it has failed."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    interrupts.install()  # SIGTERM stops a run as Ctrl-C does
    if sys.stdout is None:  # started with standard output closed (>&-)
        sys.stderr.write("runhistory: standard output is closed\n")
        return EXIT_USAGE
    # A character the output encoding cannot carry (an ASCII or code-page terminal, a name
    # that is not UTF-8) is written escaped rather than ending the run in a traceback.
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        return _run(argv)
    except KeyboardInterrupt as stop:
        sys.stderr.write("runhistory: interrupted\n")
        return interrupts.exit_code(stop)
    except BrokenPipeError:
        # The reader went away (runhistory ... | head): stop quietly, but not with success,
        # which a pipeline under pipefail would take for a clean run.
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as err:
        if err.filename is not None or err.errno not in _OUTPUT_ERRNOS:
            raise
        _discard_stdout()
        sys.stderr.write(f"runhistory: cannot write standard output: {err.strerror or err}\n")
        return EXIT_USAGE


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help, --version, usage errors: flush here, where errors are caught
        sys.stdout.flush()
        raise
    code: int = args.func(args)
    sys.stdout.flush()  # here, so that a full disk or a closed pipe is reported, not ignored
    return code


def entry() -> None:
    sys.exit(main())
