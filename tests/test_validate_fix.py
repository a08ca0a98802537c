"""``validate --fix`` and ``--diff``: the encoding declaration, and nothing else."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURES, Result

Cli = Callable[..., Result]
ENCODING = FIXTURES / "encoding"
PRODUCT = FIXTURES / "product" / "sharepoint-save-to-file.xml"


def _copy(tmp_path: Path, *sources: Path) -> list[Path]:
    out = []
    for src in sources:
        dst = tmp_path / src.name
        shutil.copyfile(src, dst)
        out.append(dst)
    return out


def test_fix_rewrites_only_the_declaration(cli: Cli, tmp_path: Path) -> None:
    (utf8,) = _copy(tmp_path, ENCODING / "utf8-declared-utf16.xml")
    before = utf8.read_bytes()
    os.chmod(utf8, 0o640)
    r = cli("validate", "--fix", utf8)
    assert r.code == 0
    assert f'fixed {utf8}: encoding="utf-16" is now "utf-8", as the bytes are (D003)' in r.out
    after = utf8.read_bytes()
    assert after == before.replace(b'encoding="utf-16"', b'encoding="utf-8"', 1)
    assert os.stat(utf8).st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [utf8.name]  # no temporary file left
    assert "D003" not in cli("validate", utf8).out


def test_fix_keeps_utf16_bytes_and_bom(cli: Cli, tmp_path: Path) -> None:
    (utf16,) = _copy(tmp_path, ENCODING / "utf16le-bom-declared-utf8.xml")
    before = utf16.read_bytes()
    assert cli("validate", "--fix", utf16).code == 0
    after = utf16.read_bytes()
    assert after[:2] == before[:2] == b"\xff\xfe"
    assert after.decode("utf-16") == before.decode("utf-16").replace(
        'encoding="utf-8"', 'encoding="utf-16"', 1
    )


def test_fix_never_hides_other_problems(cli: Cli, tmp_path: Path) -> None:
    (capture,) = _copy(tmp_path, PRODUCT)
    r = cli("validate", "--format", "json", "--fix", capture)
    assert r.code == 1
    rules = [f["rule"] for f in r.json()["files"][0]["findings"]]
    assert "D003" not in rules and {"S101", "S103"} <= set(rules)
    assert "fixed " in r.err  # machine formats keep standard output to the report


def test_diff_shows_the_change_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    files = _copy(tmp_path, ENCODING / "utf8-declared-utf16.xml", ENCODING / "utf8-no-bom.xml")
    before = [p.read_bytes() for p in files]
    r = cli("validate", "--diff", *files)
    assert r.code == 1
    assert '-<?xml version="1.0" encoding="utf-16"?>' in r.out
    assert '+<?xml version="1.0" encoding="utf-8"?>' in r.out
    assert r.out.splitlines()[-1] == "1 file would be fixed (--fix)"
    assert [p.read_bytes() for p in files] == before
    assert cli("validate", "--diff", files[1]).code == 0


def test_fix_and_diff_are_exclusive(cli: Cli) -> None:
    assert cli("validate", "--fix", "--diff", PRODUCT).code == 2
