"""``generate --force`` replaces what is in DIR and never writes through it (issue 19, item 20)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

from conftest import Result

Cli = Callable[..., Result]


def _names(cli: Cli, out: Path) -> list[str]:
    r = cli("generate", "--out", out, "--count", "2", "--seed", "7")
    assert r.code == 0, r.err
    names = [f["file"] for f in json.loads((out / "manifest.json").read_text())["files"]]
    for name in [*names, "manifest.json"]:
        (out / name).unlink()
    return names


def test_force_replaces_symlinks_instead_of_writing_through_them(cli: Cli, tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    names = _names(cli, out)
    victims = {}
    for name in [*names, "manifest.json"]:
        victim = outside / f"victim-{name}"
        victim.write_text("precious\n")
        victims[name] = victim
        (out / name).symlink_to(victim)
    r = cli("generate", "--out", out, "--count", "2", "--seed", "7", "--force")
    assert r.code == 0, r.err
    for name, victim in victims.items():
        assert victim.read_text() == "precious\n", f"wrote through {name}"
        assert not (out / name).is_symlink() and (out / name).is_file()
    assert (out / names[0]).read_bytes().startswith(b"<?xml")
    assert json.loads((out / "manifest.json").read_text())["count"] == 2
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_force_replaces_a_fifo_and_a_hard_link_without_touching_the_other_name(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    names = _names(cli, out)
    os.mkfifo(out / names[0])
    keep = tmp_path / "keep.xml"
    keep.write_text("precious\n")
    os.link(keep, out / names[1])
    r = cli("generate", "--out", out, "--count", "2", "--seed", "7", "--force")
    assert r.code == 0, r.err
    assert stat.S_ISREG((out / names[0]).stat().st_mode)
    assert keep.read_text() == "precious\n"


def test_a_directory_in_the_way_is_refused_even_with_force(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    names = _names(cli, out)
    (out / names[1]).mkdir()
    r = cli("generate", "--out", out, "--count", "2", "--seed", "7", "--force")
    assert r.code == 2
    assert r.err.count("\n") == 1 and "is a directory" in r.err
