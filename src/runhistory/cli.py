"""The ``runhistory`` command.  Each subcommand lives in :mod:`runhistory.commands`.

Exit codes (:class:`runhistory.exitcode.ExitCode`): 0 no error finding, 1 at least one error
finding, 2 usage error, unreadable input or output that could not be written, 130 interrupted
(Ctrl-C), 141 standard output closed by its reader (a broken pipe), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import importlib
import os
import pkgutil
import re
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from runhistory import __version__, interrupts
from runhistory.exitcode import ExitCode

# Every module of runhistory.commands is a subcommand of its name: it has ``ORDER`` (its place
# in ``--help``) and ``add_parser(subparsers)``, and keeps heavy imports inside its ``run``
# function so that the command starts fast.  Adding a command is adding a module.


def _command_names() -> list[str]:
    from runhistory import commands

    return [
        info.name
        for info in pkgutil.iter_modules(commands.__path__)
        if not info.name.startswith("_")
    ]


def _command_modules(only: str | None = None) -> list[ModuleType]:
    """Every command module, or only the one named ``only``."""
    names = [only] if only is not None else _command_names()
    modules = [importlib.import_module(f"runhistory.commands.{name}") for name in names]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def _named_command(argv: Sequence[str] | None) -> str | None:
    """The command ``argv`` starts with, when it starts with one (its parser is then the only
    one needed: the others are not imported and built, which is start-up time)."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in _command_names():
        return args[0]
    return None


# Errors writing standard output (a full disk, /dev/full, a quota): one line, exit 2.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}


_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<given>[^']*)' \(choose from (?P<choices>.*)\)")


def did_you_mean(given: str, candidates: Sequence[str]) -> str:
    """``"; did you mean 'X'?"`` for the candidate closest to ``given``, or ``""``."""
    import difflib

    close = difflib.get_close_matches(given, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size() gives it (``COLUMNS``, else the
    terminal of standard output, else 80), without importing shutil at start-up."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse's own asks shutil for the width (an import of shutil, bz2, lzma, ...), for
        # every argument added: the same width, worked out here.
        return self.formatter_class(prog=self.prog, width=_columns() - 2)  # type: ignore[call-arg]

    def error(self, message: str) -> None:  # type: ignore[override]
        m = _INVALID_CHOICE.search(message)
        if m:
            choices = re.findall(r"'([^']*)'", m.group("choices"))
            message += did_you_mean(m.group("given"), choices)
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")

    def options(self) -> list[str]:
        return [o for action in self._actions for o in action.option_strings]

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse drops an OSError here, so --help on a full disk would exit 0 having printed
        # nothing; let main() report it.
        if message:
            (file or sys.stderr).write(message)


def _subparser(parser: argparse.ArgumentParser, command: str) -> _Parser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found = action.choices.get(command)
            return found if isinstance(found, _Parser) else None
    return None


def _unrecognized(parser: _Parser, extra: list[str]) -> str:
    """The usage error for arguments no option takes, naming the option meant if it is close."""
    import difflib

    hints = []
    for arg in extra:
        name = arg.split("=", 1)[0]
        if name.startswith("-"):
            close = difflib.get_close_matches(name, parser.options(), n=1, cutoff=0.6)
            if close:
                hints.append(f"did you mean {close[0]} for {name}?")
    hint = f" ({'; '.join(hints)})" if hints else ""
    return f"unrecognized arguments: {' '.join(extra)}{hint}"


def build_parser(argv: Sequence[str] | None = None, *, every: bool = True) -> _Parser:
    """The parser of the command line; unless ``every``, with only the subcommand ``argv``
    names when it names one (the others' parsers are not built)."""
    parser = _Parser(
        prog="runhistory",
        description="Validate, read and generate MIIS RunDetails run-history XML "
        "([MS-UPSMODS] 2.2.1).",
    )
    parser.add_argument("--version", action="version", version=f"runhistory {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in _command_modules(None if every else _named_command(argv)):
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
    if sys.stderr is None:  # started with standard error closed (2>&-): messages go nowhere
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115  (for the life of the process)
    if sys.stdout is None:  # started with standard output closed (>&-)
        sys.stderr.write("runhistory: standard output is closed\n")
        return ExitCode.USAGE
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
        return ExitCode.BROKEN_PIPE
    except OSError as err:
        if err.filename is not None or err.errno not in _OUTPUT_ERRNOS:
            raise
        _discard_stdout()
        sys.stderr.write(f"runhistory: cannot write standard output: {err.strerror or err}\n")
        return ExitCode.USAGE


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser(argv, every=False)
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:
            # Name the subcommand's usage and options, not the top level's.
            owner = _subparser(parser, args.command) or parser
            owner.error(_unrecognized(owner, extra))
    except SystemExit:  # --help, --version, usage errors: flush here, where errors are caught
        sys.stdout.flush()
        raise
    code: int = args.func(args)
    sys.stdout.flush()  # here, so that a full disk or a closed pipe is reported, not ignored
    return code


def entry() -> None:
    code = main()
    # Only here, at the end of the command, never in the library.
    _exit_now(code)
    # At exit the interpreter's cycle collections walk every object of every module imported
    # (about 10 ms, a tenth of a short run) for garbage the end of the process frees anyway;
    # frozen objects are not walked.
    gc.freeze()
    sys.exit(code)


def _exit_now(code: int) -> None:
    """End the process now, when the interpreter's own exit has nothing left to do but free
    memory and modules (12 ms after checking 1,000 small files, 4 % of the run): no exit
    handler registered (the worker pool of platforms that do not fork registers some), no
    other thread running, the standard streams flushed.  Otherwise return, and exit as usual."""
    import atexit

    handlers = getattr(atexit, "_ncallbacks", None)
    threading = sys.modules.get("threading")
    if handlers is None or handlers() or (threading and threading.active_count() > 1):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # the usual exit says what went wrong
        return
    os._exit(code)
