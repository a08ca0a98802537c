"""Batch throughput of ``runhistory validate``: many ~10 KB documents in one invocation.

Generates N documents (default 10,000) of about 10 KB from the fixtures in fixtures/valid (each
a variant: its own run-number and ma-name, padded to the target size with a comment inside
<run-history>), runs ``runhistory validate --quiet DIR`` on them as one process, and reports
files per second.  The goal (issue 6) is at least 1,000 files/s on the project's 2-core machine.

    python bench/throughput.py [--count N] [--size BYTES] [--jobs N]

Importable: ``main(argv)`` returns the numbers as a dict (used by bench/run.py); ``main()``
runs with the defaults whatever the importer's command line.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VALID = REPO / "fixtures" / "valid"
TARGET_FILES_PER_SECOND = 1000


def variants(size: int) -> list[bytes]:
    """The valid fixtures, each padded to about ``size`` bytes (before the per-file edits), as
    UTF-8 (the fixtures saved as UTF-16 keep their text, not their encoding)."""
    out = []
    for path in sorted(VALID.glob("*.xml")):
        raw = path.read_bytes()
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            text = raw.decode("utf-16")
            text = text.replace('encoding="utf-16"', 'encoding="utf-8"', 1)
        else:
            text = raw.decode("utf-8-sig")
        room = size - len(text.encode("utf-8")) - len(" <!--  -->\n")
        if room > 0:
            filler = ("padding to a typical capture size " * (room // 34 + 1))[:room]
            text = text.replace("</run-history>", f" <!-- {filler} -->\n</run-history>", 1)
        out.append(text.encode("utf-8"))
    return out


def generate(folder: Path, count: int, size: int) -> int:
    """Write ``count`` documents into ``folder``; returns the total number of bytes."""
    bases = variants(size)
    total = 0
    for i in range(count):
        doc = bases[i % len(bases)]
        doc = re.sub(
            rb"<run-number>\d+</run-number>", b"<run-number>%d</run-number>" % (i + 1), doc
        )
        doc = doc.replace(b"<ma-name>", b"<ma-name>B%05d-" % i, 1)
        (folder / f"capture-{i:05}.xml").write_bytes(doc)
        total += len(doc)
    return total


def run_once(folder: Path, count: int, jobs: int | None) -> float:
    cmd = [sys.executable, "-m", "runhistory", "validate", "--quiet", str(folder)]
    if jobs is not None:
        cmd[4:4] = ["--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    expected = f"{count} files checked (strict profile): 0 invalid, 0 errors, 0 warnings"
    if proc.returncode != 0 or proc.stdout.strip() != expected:
        raise SystemExit(
            f"throughput: the run did not check the batch cleanly (exit {proc.returncode}):\n"
            f"{proc.stdout[-500:]}{proc.stderr[-500:]}"
        )
    return seconds


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=10_240, help="bytes per document")
    parser.add_argument(
        "--jobs", type=int, action="append", help="--jobs values to run (default: the default)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per setting; best is kept")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args([] if argv is None else argv)  # importers get the defaults
    with tempfile.TemporaryDirectory(prefix="runhistory-throughput-") as tmp:
        folder = Path(tmp)
        total = generate(folder, args.count, args.size)
        runs: dict[str, float] = {}
        for jobs in args.jobs or [None]:
            best = min(run_once(folder, args.count, jobs) for _ in range(max(1, args.repeat)))
            runs["default" if jobs is None else str(jobs)] = best
    result: dict[str, Any] = {
        "files": args.count,
        "bytes": total,
        "mean_bytes": round(total / args.count),
        "seconds": {k: round(v, 3) for k, v in runs.items()},
        "files_per_second": {k: round(args.count / v, 1) for k, v in runs.items()},
        "target_files_per_second": TARGET_FILES_PER_SECOND,
        "meets_target": {k: args.count / v >= TARGET_FILES_PER_SECOND for k, v in runs.items()},
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{args.count} documents, {total / 1e6:.1f} MB "
            f"(mean {result['mean_bytes']} bytes), one invocation each:"
        )
        for k, v in runs.items():
            print(f"  --jobs {k}: {v:.2f} s, {args.count / v:,.0f} files/s")
        print(f"  target: {TARGET_FILES_PER_SECOND:,} files/s")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
