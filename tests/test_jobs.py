"""--jobs: the same bytes as a serial run, input order, unreadable files do not stop the rest."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, Cli


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    """Every bundled fixture, twice, plus a FIFO and a dangling link (unreadable)."""
    root = tmp_path / "batch"
    root.mkdir()
    n = 0
    for copy in range(2):
        for f in sorted(FIXTURES.rglob("*.xml")):
            n += 1
            shutil.copy(f, root / f"{n:03}-{copy}-{f.parent.name}-{f.name}")
    os.mkfifo(root / "050-fifo.xml")
    (root / "051-dangling.xml").symlink_to(root / "no-such-target.xml")
    (root / "runhistory.toml").write_text(
        '[per-path."*-invalid-*"]\nseverity = { S1 = "warning" }\n'
    )
    return root


def test_enough_files_for_the_parallel_path(batch_dir: Path) -> None:
    from runhistory import batch

    assert len(list(batch_dir.glob("*.xml"))) >= 2 * batch.PARALLEL_MIN


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "gitlab"])
def test_jobs_output_is_byte_identical_to_serial(
    cli: Cli, batch_dir: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    from runhistory import batch

    monkeypatch.chdir(batch_dir)  # picks up the per-path override in runhistory.toml
    calls: list[int] = []
    real = batch._run_parallel

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "_run_parallel", counting)
    serial = cli("validate", "--format", fmt, "--jobs", "1", ".")
    assert calls == []
    parallel = cli("validate", "--format", fmt, "--jobs", "3", ".")
    assert calls == [1]
    assert parallel.out == serial.out
    assert parallel.err == serial.err
    assert parallel.code == serial.code == 2  # the two unreadable inputs
    assert "050-fifo.xml: not a regular file" in serial.err
    assert "051-dangling.xml: no such file" in serial.err


def test_jobs_results_in_input_order_with_overrides(
    cli: Cli, batch_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(batch_dir)
    data = cli("validate", "--format", "json", "--jobs", "2", ".").json()
    names = [Path(f["file"]).name for f in data["files"]]
    assert names == sorted(names)
    # Every operand is listed, the two unreadable ones with their error.
    assert len(names) == len(list(batch_dir.glob("*.xml")))
    assert [Path(f["file"]).name for f in data["files"] if "error" in f] == [
        "050-fifo.xml",
        "051-dangling.xml",
    ]
    data["files"] = [f for f in data["files"] if "error" not in f]
    sev = {
        Path(f["file"]).name: {x["severity"] for x in f["findings"] if x["rule"].startswith("S1")}
        for f in data["files"]
    }
    xsd_type = next(n for n in sev if n.endswith("-0-invalid-xsd-type.xml"))
    assert sev[xsd_type] == {"warning"}  # per-path override, in a worker
    assert "error" in sev[next(n for n in sev if n.endswith("product-sharepoint-save-to-file.xml"))]


def test_jobs_must_be_positive(cli: Cli) -> None:
    r = cli("validate", "--jobs", "0", FIXTURES / "valid")
    assert r.code == 2 and "at least 1" in r.err


def test_chunks_keep_order_and_bound_size() -> None:
    from runhistory import batch
    from runhistory.inputs import Source

    tasks = [batch.Task(Source(f"{i}", Path(f"{i}")), 0, 1 << 20) for i in range(40)]
    chunks = [[tasks[i] for i in span] for span in batch._chunks(tasks)]
    assert [t for c in chunks for t in c] == tasks
    assert all(sum(t.size for t in c) <= batch.CHUNK_BYTES for c in chunks)
    assert all(len(c) <= batch.CHUNK_FILES for c in chunks)
    assert len(chunks) > 1


def test_ctrl_c_with_jobs_reports_every_file_done_in_order(tmp_path: Path) -> None:
    """As tests/test_interrupt.py, with the worker processes forced on."""
    import json
    import select
    import signal
    import subprocess
    import sys

    from sandbox import Inotify, opened_prefix

    doc = (FIXTURES / "valid" / "delta-import-sync.xml").read_bytes()
    count = 4000
    for i in range(count):
        (tmp_path / f"capture-{i:05}.xml").write_bytes(doc)
    watch = Inotify(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "runhistory", "validate", "--format", "json", "-j", "2", tmp_path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    try:
        opened: set[str] = set()
        while opened_prefix(opened) < 20:
            ready, _, _ = select.select([watch.fd], [], [], 30)
            assert ready, "the workers stopped opening documents"
            opened.update(watch.names())
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        watch.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    errors = err.decode()
    assert "Traceback" not in errors and "Exception ignored" not in errors
    assert proc.returncode == 130, errors
    data = json.loads(out)
    done = data["summary"]["files"]
    assert f"interrupted after {done} input(s)" in errors
    # every document of the prefix the workers had opened is in the report (documents opened
    # further on, by the other worker, are not: the report is a prefix of the batch)
    assert opened_prefix(opened) <= done < count
    assert [Path(f["file"]).name for f in data["files"]] == [
        f"capture-{i:05}.xml" for i in range(done)
    ]
