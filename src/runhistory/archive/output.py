"""Writing a report to a file or standard output, and its csv and json forms."""

from __future__ import annotations

import csv
import io
import json
import sys

from runhistory import outfile
from runhistory.archive.runs import COLUMNS, Archive, RunRow
from runhistory.escaping import csv_cell


def runs_csv(rows: list[RunRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.as_dict().items()})
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
    # As validate --output: the mode kept, symbolic links followed, /dev/null and FIFOs
    # written through, directories and sockets refused (OutputError is an OSError).
    outfile.write(target, lambda fh: fh.write(text))
