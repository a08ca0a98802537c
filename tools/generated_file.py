"""The command line the generators share: write their file, or ``--check`` it for drift."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def write_or_check(target: Path, render: Callable[[], str], make_target: str, doc: str) -> int:
    """Write ``render()`` to ``target``; with ``--check``, exit 1 (saying which ``make``
    target regenerates it) when the file differs instead of writing."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    text = render()
    if args.check:
        if target.read_text(encoding="utf-8") != text:
            print(f"{target.relative_to(REPO)} is stale: run make {make_target}")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0
