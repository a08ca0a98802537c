"""``runhistory diff``: the first and last run of generated archives compared, errors sorted into
new, resolved and persisting as the generator's manifest says; files, directories, formats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, Result

Cli = Callable[..., Result]


def _archive(cli: Cli, root: Path, *args: str) -> tuple[Path, dict[str, Any]]:
    out = root / "-".join(a.strip("-") for a in args)
    result = cli("generate", "--runs", "30", "--ma", "CONTOSO-AD", *args, "--out", out)
    assert result.code == 0, result.err
    return out, json.loads((out / "manifest.json").read_text())


@pytest.mark.parametrize(
    "args",
    [
        ("--seed", "7"),  # the default cycle: the first run imports, the last synchronizes
        ("--seed", "7", "--cycle", "delta-sync"),  # every run synchronizes
        ("--seed", "11", "--cycle", "export"),
    ],
)
def test_first_and_last_run_sort_errors_as_the_manifest_says(
    cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out, manifest = _archive(cli, tmp_path, *args)
    first, last = manifest["files"][0], manifest["files"][-1]
    result = cli("diff", out / first["file"], out / last["file"], "--format", "json")
    assert result.code == 0, result.err
    diff = result.json()
    assert diff["runs"]["old"]["run-number"] == first["run-number"]
    assert diff["runs"]["new"]["run-number"] == last["run-number"]
    errors = {e["id"]: e for e in manifest["errors"]}

    def ids(where: list[dict[str, Any]]) -> list[int]:
        by_identity = {(e["dn"], e["error-type"]): i for i, e in errors.items()}
        found = []
        for d in where:
            dn = d["dn"]["new"] if isinstance(d["dn"], dict) else d["dn"]
            found.append(by_identity[(dn, d["error-type"])])
        return found

    old, new = set(first["errors"]), set(last["errors"])
    assert sorted(ids(diff["new"])) == sorted(new - old)
    assert sorted(ids(diff["resolved"])) == sorted(old - new)
    assert sorted(ids(diff["persisting"])) == sorted(old & new)
    for d, i in zip(diff["persisting"], ids(diff["persisting"]), strict=True):
        e = errors[i]
        assert d["first-occurred"]["old"] == d["first-occurred"]["new"] == e["first-occurred"]
        if e["record"] != "ma-object-error":
            assert d["retry-count"]["new"] == e["last-retry-count"]
            assert d["retry-count"]["new"] > d["retry-count"]["old"]
    for change in ("new", "resolved", "persisting"):
        firsts = [
            d["first-occurred"]["new"] if change == "persisting" else d["first-occurred"]
            for d in diff[change]
        ]
        assert firsts == sorted(firsts, key=lambda f: f or "~"), change
    if "delta-sync" in args:
        assert diff["persisting"], "an archive of synchronizations keeps its chronic error"
        assert diff["same-step-types"] is True


def test_text_and_csv(cli: Cli, tmp_path: Path) -> None:
    out, manifest = _archive(cli, tmp_path, "--seed", "7", "--cycle", "delta-sync")
    first, last = (out / manifest["files"][i]["file"] for i in (0, -1))
    data = cli("diff", first, last, "--format", "json").json()
    text = cli("diff", first, last)
    assert text.code == 0
    lines = text.out.splitlines()
    assert lines[0].startswith(f"old: run {manifest['files'][0]['run-number']} of CONTOSO-AD")
    counts = {k: len(data[k]) for k in ("new", "resolved", "persisting")}
    summary = f"errors: {counts['new']} new, {counts['resolved']} resolved, {counts['persisting']} persisting"
    assert summary in lines
    for p in data["persisting"]:
        retry = p["retry-count"]
        assert any(f"retry-count {retry['old']} -> {retry['new']}" in line for line in lines)
    rows = list(csv.DictReader(io.StringIO(cli("diff", first, last, "--format", "csv").out)))
    assert [r["change"] for r in rows if r["change"] in ("new", "resolved", "persisting")] == (
        ["new"] * counts["new"]
        + ["resolved"] * counts["resolved"]
        + ["persisting"] * counts["persisting"]
    )
    counters = {
        r["object"]: (int(r["old"]), int(r["new"])) for r in rows if r["change"] == "counter"
    }
    assert counters == {c["counter"]: (c["old"], c["new"]) for c in data["counters"]}
    flow = counters.get("flow-failure")
    if flow is not None:  # flow-failure is the number of import-errors
        assert flow == counters["import-errors"]


def test_directories_stand_for_their_latest_run(cli: Cli, tmp_path: Path) -> None:
    out, manifest = _archive(cli, tmp_path, "--seed", "7")
    first = out / manifest["files"][0]["file"]
    data = cli("diff", first, out, "--format", "json").json()
    assert data["runs"]["new"]["run-number"] == manifest["files"][-1]["run-number"]
    same = cli("diff", out, out, "--format", "json").json()
    assert same["new"] == same["resolved"] == same["counters"] == same["steps"] == []


def test_a_step_result_change_is_listed(cli: Cli, tmp_path: Path) -> None:
    out, manifest = _archive(cli, tmp_path, "--seed", "7")
    files = manifest["files"]
    ok, bad = next(
        (a, b)
        for a in files
        for b in files
        if a["run-profile"] == b["run-profile"] == "Export"
        and a["result"] == "success" != b["result"]
    )
    data = cli("diff", out / ok["file"], out / bad["file"], "--format", "json").json()
    change = {"old": "success", "new": bad["result"]}
    assert data["steps"] == [
        {"step": 1, "type": {"old": "export", "new": "export"}, "result": change}
    ]


def test_refusals_are_one_line(cli: Cli, tmp_path: Path) -> None:
    a, manifest_a = _archive(cli, tmp_path, "--seed", "1")
    other = tmp_path / "other"
    cli("generate", "--runs", "2", "--ma", "HR-SQL", "--out", other)
    both = tmp_path / "both"
    both.mkdir()
    for src in (a / manifest_a["files"][0]["file"], next(other.glob("*.xml"))):
        (both / src.name).write_bytes(src.read_bytes())
    cases = [
        ((a, other), 2, "diff compares two runs of one management agent"),
        ((both, a), 2, "choose one with --ma NAME"),
        ((a, tmp_path / "missing.xml"), 2, "no such file or directory"),
        ((a, FIXTURES / "invalid" / "xsd-range.xml"), 1, "S107"),
    ]
    for (old, new), code, words in cases:
        result = cli("diff", old, new)
        assert result.code == code, (old, new, result.err)
        assert result.err.count("\n") == 1 and words in result.err, result.err
    chosen = cli("diff", both, a, "--ma", "CONTOSO-AD", "--format", "json")
    assert chosen.code == 0, chosen.err


@pytest.mark.parametrize("how", ["old", "new", "link", "other file of a directory"])
def test_output_that_is_an_input_is_refused_before_writing(
    cli: Cli, tmp_path: Path, how: str
) -> None:
    """-o naming a capture compared (or a link to one, or any capture read under a directory
    operand) would replace it with the diff."""
    a, manifest_a = _archive(cli, tmp_path, "--seed", "2")
    files = [a / f["file"] for f in manifest_a["files"]]
    old, new = files[-2], files[-1]
    link = tmp_path / "link.json"
    link.symlink_to(new)
    target = {"old": old, "new": new, "link": link, "other file of a directory": files[0]}[how]
    new_operand: Path = a if how == "other file of a directory" else new
    before = target.read_bytes()
    result = cli("diff", old, new_operand, "--format", "json", "-o", target)
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1 and "is the input" in result.err, result.err
    assert target.read_bytes() == before
    assert not list(a.glob(".*.tmp"))
