"""Inputs that were skipped or mis-read silently (issue 19, items 6 and 17; issue 18, item 4)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, Result, run_process

VALID = FIXTURES / "valid" / "delta-import-sync.xml"

Cli = Callable[..., Result]


# -- item 6: a directory that cannot be listed --------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.xml").write_bytes(VALID.read_bytes())
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.xml").write_bytes(VALID.read_bytes())
    return tmp_path


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make listing ``denied`` fail as it does for a user without read permission (the tests
    may run as root, whom chmod does not stop)."""
    real = os.scandir

    def scandir(path: Any = ".") -> Iterator[os.DirEntry[str]]:
        if os.path.abspath(path) == str(denied):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subdirectory_is_reported_and_fails_the_run(
    cli: Cli, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, tree / "locked")
    r = cli("validate", "--format", "json", tree)
    assert r.code == 2
    assert f"{tree / 'locked'}: directory cannot be read: permission denied" in r.err
    files = r.json()["files"]
    assert [f["file"] for f in files if "error" not in f] == [str(tree / "ok" / "a.xml")]
    # Every operand is in the report, the unreadable directory with its error.
    assert [(f["file"], f["error"]) for f in files if "error" in f] == [
        (str(tree / "locked"), "directory cannot be read: permission denied")
    ]


def test_an_unreadable_operand_directory_says_why_not_that_it_is_empty(
    cli: Cli, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, tree / "locked")
    r = cli("validate", tree / "locked", tree / "ok")
    assert r.code == 2
    assert "directory cannot be read: permission denied" in r.err
    assert "holds no *.xml" not in r.err
    assert "1 file checked" in r.out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_an_unreadable_subdirectory_for_real(tree: Path) -> None:
    (tree / "locked").chmod(0)
    try:
        r = run_process("validate", tree)
    finally:
        (tree / "locked").chmod(0o755)
    assert r.code == 2
    assert "locked: directory cannot be read: permission denied" in r.err
