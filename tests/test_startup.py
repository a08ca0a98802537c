"""Start-up stays light (issue 14: under 0.15 s, measured by bench/run.py, never timed here).

What a plain ``runhistory validate FILE`` imports is checked instead: the modules that only
other commands, the parallel runner, a worker process or a finding's wording need are not
imported, and the command's parser built alone is the one built with every command.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, Cli

VALID = FIXTURES / "valid" / "delta-import-sync.xml"

# Imported on demand only: by the parallel runner (multiprocessing, concurrent.futures), a
# worker (ctypes), a "did you mean" (difflib), the generator (uuid), a report written to a file
# (tempfile, shutil), a big document's schema check beside the rules (threading), other commands.
NOT_AT_START_UP = (
    "multiprocessing",
    "threading",
    "concurrent.futures",
    "ctypes",
    "difflib",
    "uuid",
    "importlib.resources",
    "shutil",
    "tempfile",
    "runhistory.commands.show",
    "runhistory.commands.generate",
    "runhistory.commands.rules",
    "runhistory.model",
    "hypothesis",
    "xmlschema",
)

_PROBE = (
    "import json, sys\n"
    "from runhistory.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    "sys.exit(code)\n"
)


def _imported(*args: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stderr))


def test_validate_of_one_file_imports_only_what_it_uses() -> None:
    imported = _imported("validate", str(VALID))
    assert "runhistory.rules" in imported  # the probe sees the pipeline's imports
    assert sorted(imported & set(NOT_AT_START_UP)) == []


def _help(parser: object, command: str) -> str:
    from runhistory.cli import _subparser

    sub = _subparser(parser, command)  # type: ignore[arg-type]
    assert sub is not None
    return sub.format_help()


@pytest.mark.parametrize(
    "command", ["validate", "show", "errors", "convert", "report", "diff", "generate", "rules"]
)
def test_a_command_parser_built_alone_is_the_one_built_with_every_command(command: str) -> None:
    from runhistory.cli import build_parser

    alone = build_parser([command, "--help"], every=False)
    assert _help(alone, command) == _help(build_parser(), command)


def test_a_mistyped_command_still_gets_every_command_to_choose_from() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "runhistory", "valdate", str(VALID)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "did you mean 'validate'?" in proc.stderr


def test_the_cycle_collector_is_back_on_after_validate(capsys: pytest.CaptureFixture[str]) -> None:
    import gc

    from runhistory.cli import main

    assert gc.isenabled()
    assert main(["validate", str(VALID)]) == 0
    assert gc.isenabled()
    capsys.readouterr()


_ENTRY = (
    "import atexit, sys\n"
    "if sys.argv[1] == 'handler':\n"
    "    atexit.register(lambda: sys.stderr.write('exit handler ran\\n'))\n"
    "sys.argv[:2] = ['runhistory']\n"
    "from runhistory.cli import entry\n"
    "entry()\n"
)


@pytest.mark.parametrize("handler", ["none", "handler"])
def test_the_command_ends_at_once_only_when_nothing_is_left_to_do_at_exit(
    handler: str, cli: Cli
) -> None:
    """With no exit handler the process ends without the interpreter's own exit: its output
    is whole (the rule catalog: over 64 KB, more than a pipe holds) and its exit code right.
    With one, the interpreter exits as usual and runs it."""
    args = [sys.executable, "-c", _ENTRY, handler]
    whole = subprocess.run(
        [*args, "rules", "--format", "markdown"], capture_output=True, check=False
    )
    assert whole.returncode == 0 and len(whole.stdout) > 65536
    assert whole.stdout.decode() == cli("rules", "--format", "markdown").out
    failed = subprocess.run(
        [*args, "validate", FIXTURES / "invalid"], capture_output=True, check=False
    )
    assert failed.returncode == 1 and b"files checked" in failed.stdout
    for proc in (whole, failed):
        assert (b"exit handler ran" in proc.stderr) == (handler == "handler")
