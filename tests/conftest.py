from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SPEC = REPO.parent / "shared" / "spec" / "MS-UPSMODS-v20180724.txt"


def in_ci() -> bool:
    """True when the environment variable ``CI`` is set (``.ci/run`` sets ``CI=true``, as most
    CI services do); empty, ``0`` and ``false`` count as unset."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@functools.cache
def _read_spec() -> str:
    return SPEC.read_text(encoding="utf-8")


def spec_text() -> str:
    """The text of [MS-UPSMODS], for tests that check the tool against it.

    The spec lives beside the repository (``../shared/spec``), which a user's clone does not
    have: there the calling test is skipped with the reason.  Under CI (see :func:`in_ci`) the
    spec tests are mandatory, so a missing spec fails the test instead.  Every test that reads
    the spec goes through this function (or the ``spec`` fixture), never through ``SPEC``.
    """
    if not SPEC.is_file():
        reason = f"spec text not present at {SPEC}"
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so the spec tests are mandatory", pytrace=False)
        pytest.skip(reason)
    return _read_spec()


@pytest.fixture
def spec() -> str:
    """The spec text (see :func:`spec_text`): skips, or fails under CI, when it is absent."""
    return spec_text()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


# ``cli("validate", path, "--format", "json")``: arguments are turned into strings.
Cli = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``runhistory ARGS`` in-process; returns exit code, stdout and stderr."""
    from runhistory.cli import main

    def run(*args: object) -> Result:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_process(
    *args: object,
    stdin: bytes | None = None,
    timeout: float = 60,
    cwd: Path | None = None,
    prefix: tuple[str, ...] = (),
) -> Result:
    """Run ``python -m runhistory ARGS`` as a separate process (in ``cwd`` if given), under the
    command ``prefix`` if given (see :func:`permissions_apply`)."""
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "runhistory", *map(str, args)],
        input=stdin,
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


# Root ignores file permissions through two capabilities; without them in its bounding set, a
# process started as root is refused what the permission bits refuse, as any user is.
DROP_DAC = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")


@functools.cache
def _permission_prefix() -> tuple[str, ...] | str:
    """The prefix of :func:`permissions_apply`, or why there is none (probed once: a child
    tries to list a directory of mode 0)."""
    if sys.platform == "win32":
        return "permission bits do not deny reading a directory on Windows"
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        return "running as root, and setpriv (util-linux) is not installed to drop root's override"
    probe = "import os, sys\ntry:\n    os.listdir(sys.argv[1])\nexcept PermissionError:\n    sys.exit(3)"
    with tempfile.TemporaryDirectory() as folder:
        locked = Path(folder) / "locked"
        locked.mkdir(mode=0)
        try:
            proc = subprocess.run(
                [*DROP_DAC, sys.executable, "-c", probe, str(locked)],
                capture_output=True,
                timeout=60,
                check=False,
            )
        finally:
            locked.chmod(0o700)
    if proc.returncode == 3:
        return DROP_DAC
    said = proc.stderr.decode(errors="replace").strip().splitlines()
    return (
        "running as root, and setpriv cannot drop root's permission override here "
        f"({said[-1] if said else f'exit {proc.returncode}'})"
    )


def permissions_apply() -> tuple[str, ...]:
    """The command prefix under which a child process is refused what file permissions refuse:
    none for a user other than root; for root (as CI runs), setpriv dropping the capabilities
    that override them.  Skips the calling test, saying why, where neither works."""
    prefix = _permission_prefix()
    if isinstance(prefix, str):
        pytest.skip(prefix)
    return prefix
