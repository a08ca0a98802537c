"""Run sequences (``runhistory generate --runs``): consecutive runs of one management agent,
valid, with errors that keep their identity from run to run, deterministic for a seed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from conftest import REPO, Result
from runhistory.generator.choices import RandomChooser
from runhistory.generator.sequence import RUN_PROFILES, RunSequence, sequence
from runhistory.selection import Selection
from runhistory.strategies import run_sequences
from runhistory.validate import Options, validate_bytes

Cli = Callable[..., Result]
STRICT_ALL = Options(profile="strict", selection=Selection(select=("ALL",)))
_FMT = "%Y-%m-%d %H:%M:%S.%f"


def findings(data: bytes) -> list[str]:
    return [
        f"{f.rule} {f.path} {f.message}" for f in validate_bytes(data, "r.xml", STRICT_ALL).findings
    ]


Record = tuple[str, str, str, int, str]  # key, first-occurred, date-occurred, retry, dn


def records(data: bytes) -> dict[str, Record]:
    """Each error record of a run by identity: (record, cs-guid or dn, error-type)."""
    root = etree.fromstring(data)
    out: dict[str, Record] = {}
    for el in root.iter("import-error", "export-error", "ma-object-error"):
        kind = el.findtext("error-type") or ""
        dn = el.get("dn") or el.findtext("dn") or ""
        key = f"{el.tag}|{el.get('cs-guid') or dn}|{kind}"
        assert key not in out, f"two records of one identity in a run: {key}"
        out[key] = (
            key,
            el.findtext("first-occurred") or "",
            el.findtext("date-occurred") or "",
            int(el.findtext("retry-count") or -1),
            dn,
        )
    return out


def check_sequence(seq: RunSequence) -> None:
    """What any sequence must show: valid runs, consecutive and rising, errors that recur."""
    numbers = [r.number for r in seq.runs]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    for before, after in zip(seq.runs, seq.runs[1:], strict=False):
        assert before.end < after.start
    seen: dict[str, Record] = {}
    by_id = {t.id: t for t in seq.troubles}
    for run in seq.runs:
        data = run.data
        assert findings(data) == [], run.file
        found = records(data)
        assert len(found) == len(run.met)
        for key, (_, first, when, retry, _) in found.items():
            if key.startswith("ma-object-error"):
                continue
            assert first <= when
            if key in seen:
                # The same first-occurred, one retry more than when last met.
                assert first == seen[key][1]
                assert retry == seen[key][3] + 1, key
            else:
                assert (retry == 0) == (first == when)
            seen[key] = found[key]
        for i in run.resolved:
            assert by_id[i].resolved_run == run.number
        for i in run.new:
            assert by_id[i].first_run == run.number


def test_thirty_runs_are_valid_and_show_persisting_and_resolved_errors(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "archive"
    result = cli("generate", "--runs", "30", "--seed", "7", "--ma", "CONTOSO-AD", "--out", out)
    assert result.code == 0, result.err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"] == 30 and manifest["ma-name"] == "CONTOSO-AD"
    files = manifest["files"]
    assert sorted(p.name for p in out.glob("*.xml")) == [f["file"] for f in files]
    seq = sequence(RandomChooser(7), 30, ma_name="CONTOSO-AD")
    assert [r.data for r in seq.runs] == [(out / f["file"]).read_bytes() for f in files]
    check_sequence(seq)
    # The schedule: the default cycle, a full import now and then, mostly successful runs.
    profiles = [f["run-profile"] for f in files]
    assert profiles[:3] == [RUN_PROFILES[p][0] for p in ("delta-import", "delta-sync", "export")]
    starts = [datetime.strptime(f["start"], _FMT) for f in files]
    assert starts == sorted(starts)
    results = [f["result"] for f in files]
    assert sum(r == "success" or r.startswith("completed-") for r in results) >= 25
    errors = manifest["errors"]
    resolved = [e for e in errors if e["resolved-run"] is not None]
    persisting = [e for e in errors if e["chronic"]]
    assert resolved and persisting
    for e in persisting:
        # Met by every run of its kind that completed, from the first to the last.
        kind = {"import-error": "sync", "export-error": "export"}[e["record"]]
        completed = [
            f["run-number"]
            for f in files
            if RUN_PROFILES[_key(f["run-profile"])][1] == kind
            and f["result"].startswith(("completed-", "success"))
        ]
        met = [f["run-number"] for f in files if e["id"] in f["errors"]]
        assert met == completed
        assert e["last-retry-count"] >= len(met) - 1


def _key(name: str) -> str:
    return next(k for k, (label, *_) in RUN_PROFILES.items() if label == name)


def test_same_seed_same_bytes_in_any_process(tmp_path: Path) -> None:
    outs: list[dict[str, bytes]] = []
    for i, hashseed in enumerate(("0", "4242")):
        out = tmp_path / f"o{i}"
        subprocess.run(
            [
                *(sys.executable, "-m", "runhistory", "generate", "--runs", "12"),
                *("--seed", "5", "--encoding", "utf-16", "--out", str(out)),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": hashseed},
            cwd=REPO,
        )
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outs[0] == outs[1]
    assert all(d.startswith(b"\xff\xfe") for n, d in outs[0].items() if n.endswith(".xml"))


def test_cycle_and_encoding_options(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = cli("generate", "--runs", "4", "--cycle", "full-import,full-sync", "--out", out)
    assert result.code == 0, result.err
    names = sorted(p.name for p in out.glob("*.xml"))
    assert [n.split("-", 2)[2] for n in names] == ["full-import.xml", "full-sync.xml"] * 2


@pytest.mark.parametrize(
    "args",
    [
        ("--runs", "3", "--broken", "R001"),
        ("--runs", "3", "--count", "2"),
        ("--runs", "0"),
        ("--runs", "3", "--cycle", "weekly"),
        ("--ma", "X", "--count", "1"),
        ("--runs", "3", "--coverage"),
    ],
)
def test_usage_errors_are_one_line(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    result = cli("generate", *args, "--out", tmp_path / "o")
    assert result.code == 2, args
    # One line saying what is wrong (after argparse's usage for a malformed option value).
    assert result.err.splitlines()[-1].startswith("runhistory generate"), result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "o").exists()


def test_existing_files_are_kept_without_force(cli: Cli, tmp_path: Path) -> None:
    assert cli("generate", "--runs", "2", "--out", tmp_path).code == 0
    again = cli("generate", "--runs", "2", "--out", tmp_path)
    assert again.code == 2 and "--force" in again.err
    assert cli("generate", "--runs", "2", "--out", tmp_path, "--force").code == 0


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(run_sequences(runs=(1, 8)))
def test_drawn_sequences_hold_the_same_invariants(seq: RunSequence) -> None:
    check_sequence(seq)


def test_strategy_refuses_bad_arguments() -> None:
    for kwargs in (
        {"runs": 0},
        {"cycle": ("hourly",)},
        {"encoding": "latin-1"},
        {"ma_name": "HR\x01SQL"},
    ):
        args: dict[str, Any] = kwargs
        with pytest.raises(ValueError):
            run_sequences(**args)


@pytest.mark.parametrize(
    "name", ["", "HR\x01SQL", "HR\x0bSQL", "HR\nSQL", "HR\ufffeSQL", "HR\udc80"]
)
def test_a_name_xml_cannot_carry_is_refused_before_writing(
    cli: Cli, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "o"
    result = cli("generate", "--runs", "2", "--ma", name, "--out", out)
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1 and "--ma" in result.err, result.err
    assert "Traceback" not in result.err
    assert not out.exists()


def test_a_name_with_markup_and_non_ascii_characters_is_written_well_formed(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    result = cli("generate", "--runs", "2", "--ma", 'R&D <Ünïcødé> "ma"', "--out", out)
    assert result.code == 0, result.err
    for path in out.glob("*.xml"):
        assert cli("validate", "--profile", "strict", path).code == 0
        assert "R&D <Ünïcødé>" in (etree.parse(str(path)).findtext(".//ma-name") or "")
