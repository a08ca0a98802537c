"""The console examples of the README's "Run archives" section and of docs/report.md run as
written, in one scratch directory, in order: each command exits 0 and prints the lines shown."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO

Example = tuple[str, list[str]]  # a command line, the output lines shown under it


def examples(text: str) -> list[Example]:
    """The ``$ runhistory ...`` lines of the console blocks in ``text`` and their output."""
    found: list[Example] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found and line.strip():
                found[-1][1].append(line)
    return found


def section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _run_all(found: list[Example], cwd: Path) -> None:
    for command, shown in found:
        argv = shlex.split(command, comments=True)
        assert argv[0] == "runhistory", command
        proc = subprocess.run(
            [sys.executable, "-m", "runhistory", *argv[1:]],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, f"{command}\n{proc.stderr}"
        assert proc.stdout.splitlines()[: len(shown)] == shown, command


def whole(text: str) -> str:
    return text


DOCS: dict[str, Callable[[str], str]] = {
    "README.md": lambda text: section(text, "Run archives"),
    "docs/report.md": whole,
}


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_examples_run_as_written(doc: str, tmp_path: Path) -> None:
    path = REPO / doc
    found = examples(DOCS[doc](path.read_text(encoding="utf-8")))
    assert found, f"{doc}: no console example"
    _run_all(found, tmp_path)


def test_report_doc_shows_the_screenshot() -> None:
    text = (REPO / "docs" / "report.md").read_text(encoding="utf-8")
    assert "](report.png)" in text
    png = (REPO / "docs" / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1000 and height >= 1000
