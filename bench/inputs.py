"""Benchmark inputs, written by ``runhistory generate``.

Every benchmark document is one run with one synchronization step holding ``errors``
import-error records, written by ``runhistory generate --steps 1 --kinds sync --errors N``
with a fixed seed: valid under the XSD and every rule, with real-looking DNs, GUIDs, dates and
error details (about 620 bytes a record, so 100,000 records make about 62 MB).  The generator
streams documents of 1,000 records or more, so a 500 MB input never sits in memory.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = 7


def write_document(path: Path, errors: int, *, seed: int = SEED) -> int:
    """Write a document with ``errors`` import-error records to ``path``; returns its size."""
    with tempfile.TemporaryDirectory(prefix="runhistory-bench-gen-") as tmp:
        out = Path(tmp) / "out"
        argv = [
            sys.executable,
            "-m",
            "runhistory",
            "generate",
            "--out",
            str(out),
            "--count",
            "1",
            "--seed",
            str(seed),
            "--steps",
            "1",
            "--kinds",
            "sync",
            "--errors",
            str(errors),
        ]
        proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"runhistory generate failed ({proc.returncode}): {proc.stderr}")
        (made,) = sorted(out.glob("*.xml"))
        shutil.move(str(made), path)
    return path.stat().st_size


@cache
def _bytes_per_record() -> float:
    with tempfile.TemporaryDirectory(prefix="runhistory-bench-size-") as tmp:
        small = write_document(Path(tmp) / "a.xml", 1_000)
        large = write_document(Path(tmp) / "b.xml", 3_000)
    return (large - small) / 2_000


def errors_for_size(size: int) -> int:
    """About how many records make a document of ``size`` bytes."""
    return max(1, int(size / _bytes_per_record()))
