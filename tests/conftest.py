from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
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
    *args: object, stdin: bytes | None = None, timeout: float = 60, cwd: Path | None = None
) -> Result:
    """Run ``python -m runhistory ARGS`` as a separate process (in ``cwd`` if given)."""
    proc = subprocess.run(
        [sys.executable, "-m", "runhistory", *map(str, args)],
        input=stdin,
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
