"""Ctrl-C during a batch: the report of what was done, "interrupted", exit 130, no traceback.

The signal is sent once the child has opened its twentieth document (seen with inotify), into a batch far
larger than it can finish in the meantime, so it lands mid-batch without sleeping and hoping.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from sandbox import Inotify, opened_prefix

BATCH = 4000

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # CI may start us with SIGINT ignored


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_ctrl_c_mid_batch(tmp_path: Path, fmt: str) -> None:
    doc = (FIXTURES / "valid" / "delta-import-sync.xml").read_bytes()
    for i in range(BATCH):
        (tmp_path / f"capture-{i:05}.xml").write_bytes(doc)
    watch = Inotify(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "runhistory", "validate", "--format", fmt, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_default_sigint,  # noqa: PLW1509 (the test starts no threads)
    )
    try:
        opened: set[str] = set()
        while opened_prefix(opened) < 20:  # wait until the batch is well under way
            ready, _, _ = select.select([watch.fd], [], [], 30)
            assert ready, "the child stopped opening documents"
            opened.update(watch.names())
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        watch.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text, errors = out.decode(), err.decode()
    assert "Traceback" not in text + errors
    assert proc.returncode == 130, errors
    m = re.search(r"interrupted after (\d+) input\(s\)", errors)
    assert m, errors
    done = int(m.group(1))
    assert opened_prefix(opened) <= done + 1 < BATCH
    if fmt == "text":
        assert text.endswith(
            f"{done} file{'s' if done != 1 else ''} checked (strict profile): "
            "0 invalid, 0 errors, 0 warnings\n"
        )
    else:
        import json

        data = json.loads(text)
        assert data["summary"]["files"] == done == len(data["files"])
        assert [Path(f["file"]).name for f in data["files"]] == [
            f"capture-{i:05}.xml" for i in range(done)
        ]
