"""Writing a report to a file or standard output, and its csv and json forms."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from runhistory.archive.runs import COLUMNS, Archive, RunRow


def runs_csv(rows: list[RunRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.as_dict())
    return out.getvalue()


def runs_json(archive: Archive, rows: list[RunRow]) -> str:
    data = {
        "version": 1,
        "profile": archive.profile,
        "runs": [row.as_dict() for row in rows],
        "files": [
            {
                "file": f.file,
                "status": f.status,
                "runs": f.runs,
                "errors": f.errors,
                "problem": f.problem or None,
            }
            for f in archive.files
        ],
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_text(target: str, text: str) -> None:
    """Write ``text`` to ``target`` ('-': standard output) in UTF-8; a file is replaced
    atomically (a temporary file beside it, renamed over it), so a failed write leaves the old
    one whole."""
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(target)
    try:
        mode = path.stat().st_mode & 0o777  # keep the mode of the file replaced
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
