"""``mypy --strict`` on code that uses the model: clean code passes, each mistake is caught."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import REPO

TYPING = REPO / "tests" / "typing"


def _mypy(path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(REPO / "pyproject.toml"),
            str(TYPING / path),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )


@pytest.mark.slow
def test_mypy_strict_accepts_code_using_the_model() -> None:
    done = _mypy("model_usage.py")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_mypy_strict_catches_each_misuse_of_the_model() -> None:
    done = _mypy("model_misuse.py")
    assert done.returncode == 1
    flagged = {int(m.group(1)) for m in re.finditer(r"model_misuse\.py:(\d+): error", done.stdout)}
    source = (TYPING / "model_misuse.py").read_text(encoding="utf-8").splitlines()
    misuses = {i for i, line in enumerate(source, 1) if "# MISUSE" in line}
    assert misuses <= flagged, done.stdout
