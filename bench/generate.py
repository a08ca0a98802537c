"""Speed of ``runhistory generate``: 1,000 conformant documents, and one large document.

Runs ``runhistory generate`` as its own process (start-up included) and reports the wall time,
the bytes written and, for scale, the time lxml takes to parse what was written.  The goals
(issue 5): 1,000 conformant documents in under 10 s; ``--errors 100000`` (about 60 MB, 100,000
import-errors) written in a streaming way, in seconds rather than minutes.

    python bench/generate.py [--count N] [--errors M]

Importable: ``main(argv)`` returns the numbers as a dict.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lxml import etree

GOAL_SECONDS_PER_1000 = 10.0


def _generate(out: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "runhistory", "generate", "--out", str(out), *args],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def _parse_seconds(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        etree.parse(str(path))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--errors", type=int, default=100000)
    args = parser.parse_args([] if argv is None else argv)
    with tempfile.TemporaryDirectory() as tmp:
        many, large = Path(tmp) / "many", Path(tmp) / "large"
        many_s = _generate(many, "--count", str(args.count), "--seed", "1")
        many_files = sorted(many.glob("*.xml"))
        large_s = _generate(
            large, "--count", "1", "--kinds", "sync", "--steps", "1", "--errors", str(args.errors)
        )
        large_files = sorted(large.glob("*.xml"))
        result = {
            "documents": args.count,
            "documents_seconds": round(many_s, 2),
            "documents_bytes": sum(p.stat().st_size for p in many_files),
            "documents_lxml_parse_seconds": round(_parse_seconds(many_files), 2),
            "documents_goal_seconds": GOAL_SECONDS_PER_1000 * args.count / 1000,
            "large_errors": args.errors,
            "large_seconds": round(large_s, 2),
            "large_bytes": sum(p.stat().st_size for p in large_files),
            "large_lxml_parse_seconds": round(_parse_seconds(large_files), 2),
        }
    result["documents_goal_met"] = result["documents_seconds"] < result["documents_goal_seconds"]
    return result


if __name__ == "__main__":
    numbers = main(sys.argv[1:])
    print(json.dumps(numbers, indent=2))
    sys.exit(0 if numbers["documents_goal_met"] else 1)
