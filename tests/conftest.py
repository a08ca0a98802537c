from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SPEC = REPO.parent / "shared" / "spec" / "MS-UPSMODS-v20180724.txt"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run ``runhistory ARGS`` in-process; returns exit code, stdout and stderr."""
    from runhistory.cli import main

    def run(*args: str) -> Result:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_process(*args: str, stdin: bytes | None = None, timeout: float = 60) -> Result:
    """Run ``python -m runhistory ARGS`` as a separate process."""
    proc = subprocess.run(
        [sys.executable, "-m", "runhistory", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Result(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
