"""Benchmark inputs: RunDetails documents of a chosen size, written as a stream.

Until ``runhistory generate`` exists, this is the one place inputs are made: the head and tail
of ``fixtures/valid/delta-import-sync.xml`` around as many import-error records as asked for,
built from that fixture's two records with a fresh cs-guid, dn and time of day each: the two,
and the second without its rules-error-info (a bare record), in the pattern full, bare, full,
bare, bare, which averages about 600 bytes a record (100,000 records make about 60 MB).

One record in ``bad_every`` carries a first-occurred of February 29th in a common year (rule
R001) and an error-type the schema does not list (S103), so the report has findings to write.
Nothing is held in memory but a thousand records.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "valid" / "delta-import-sync.xml"
_RECORD = re.compile(rb"    <import-error .*?</import-error>\n", re.S)


def _parts() -> tuple[bytes, list[bytes], bytes]:
    data = FIXTURE.read_bytes()
    records = _RECORD.findall(data)
    if len(records) != 2:
        raise RuntimeError(f"{FIXTURE} no longer has the two import-error records")
    head = data[: data.index(records[0])]
    tail = data[data.index(records[-1]) + len(records[-1]) :]
    bare = re.sub(rb"     <rules-error-info>.*?</rules-error-info>\n", b"", records[1], flags=re.S)
    return head, [records[0], bare, records[1], bare, bare], tail


def _record(template: bytes, n: int, bad: bool) -> bytes:
    guid = str(uuid.UUID(int=n)).upper()
    out = re.sub(rb'cs-guid="\{[^}]*\}"', b'cs-guid="{' + guid.encode() + b'}"', template, count=1)
    out = re.sub(rb'dn="CN=[^,]*,', f'dn="CN=User {n:07d},'.encode(), out, count=1)
    # Every record its own time of day (the same in both of its dates, so their order holds).
    when = f" 02:{(n // 60000) % 60:02d}:{(n // 1000) % 60:02d}.{n % 1000:03d}<".encode()
    out = re.sub(rb" 02:01:[0-9.]+<", when, out)
    if bad:
        out = re.sub(
            rb"<first-occurred>[^<]*<", b"<first-occurred>2018-02-29 02:01:12.003<", out, count=1
        )
        out = re.sub(rb"<error-type>[^<]*<", b"<error-type>sync-rule-typo<", out, count=1)
    return out


def write_document(path: Path, errors: int, *, bad_every: int = 100) -> int:
    """Write a document with ``errors`` import-error records to ``path``; returns its size."""
    head, records, tail = _parts()
    with path.open("wb") as out:
        out.write(head)
        batch: list[bytes] = []
        for n in range(errors):
            bad = bad_every > 0 and n % bad_every == bad_every - 1
            batch.append(_record(records[n % len(records)], n, bad))
            if len(batch) >= 1000:
                out.write(b"".join(batch))
                batch.clear()
        out.write(b"".join(batch))
        out.write(tail)
    return path.stat().st_size


def errors_for_size(size: int) -> int:
    """About how many records make a document of ``size`` bytes."""
    head, records, tail = _parts()
    per = sum(len(r) for r in records) / len(records)
    return max(1, int((size - len(head) - len(tail)) / per))
