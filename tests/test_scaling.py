"""Inputs that once took time quadratic in their size (issue 19, items 4, 5, 8 and 9).

Each test counts the operations that made a case quadratic (sibling steps libxml2 walks to
write a path, namespace declarations lxml copies, bytes re-joined, comparisons made) on an
input big enough that the old code counted far past the limit; none times anything, so a
loaded machine cannot fail them.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES
from runhistory import schema_check, stream, stream_walk, suppress, xsd
from runhistory.locate import read_lines
from runhistory.validate import Options, validate_bytes

BASE = FIXTURES / "valid" / "delta-import-sync.xml"


def _records(count: int, inside: str = "", before: str = "", root_attributes: str = "") -> bytes:
    """The base fixture with ``count`` copies of its first import-error (each with ``inside``
    at its start and ``before`` it)."""
    text = BASE.read_text(encoding="utf-8")
    start = text.index("<import-error ")
    end = text.index("</import-error>") + len("</import-error>")
    record = text[start:end]
    at = record.index(">") + 1
    record = before + record[:at] + inside + record[at:]
    text = text[:start] + "\n".join([record] * count) + text[end:]
    return text.replace("<run-history>", f"<run-history{root_attributes}>", 1).encode()


def _check(data: bytes, mode: str) -> list[Any]:
    options = Options(mode=mode)
    if mode == "tree":
        return validate_bytes(data, "x.xml", options).findings
    return stream.validate_stream(io.BytesIO(data), "x.xml", options).findings


_INDEX = re.compile(r"\[([0-9]+)\]")


@pytest.mark.parametrize("mode", ["tree", "stream"])
def test_schema_error_paths_stay_short_among_many_records(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libxml2 writes a path per schema error by counting the element's preceding siblings:
    20,000 errors in 20,000 records took 41 s in tree mode.  Records are now validated on
    their own when a container is long, so no path libxml2 writes counts more than
    ``LONG_RUN`` siblings."""
    steps: list[int] = []
    paths: list[str] = []
    real = xsd.findings_from_log

    def counting(entries: Any, **kwargs: Any) -> Iterator[Any]:
        entries = list(entries)
        paths.extend(e.path or "" for e in entries)
        steps.extend(int(n) for e in entries for n in _INDEX.findall(e.path or ""))
        return real(entries, **kwargs)

    monkeypatch.setattr(schema_check, "findings_from_log", counting)
    data = _records(3_000, inside="<bogus/>")
    assert len(_check(data, mode)) == 3_000
    assert len(paths) >= 3_000
    assert max(steps, default=0) <= schema_check.LONG_RUN


def test_suppressions_are_matched_by_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each finding was compared with each suppression comment: 20,000 of each took 85 s."""
    calls = [0]
    real = suppress._covers

    def counting(prefix: str, code: str) -> bool:
        calls[0] += 1
        return real(prefix, code)

    monkeypatch.setattr(suppress, "_covers", counting)
    count = 2_000
    data = _records(count, inside="<bogus/>", before="<!-- runhistory: ignore S101 -->\n")
    assert validate_bytes(data, "x.xml", Options(mode="tree")).findings == []
    assert calls[0] < 20 * count  # was findings x comments: 4,000,000


class _Spy:
    """A schema that records how many namespaces are in scope of what it validates."""

    def __init__(self, real: Any, seen: list[int]) -> None:
        self.real = real
        self.seen = seen

    def validate(self, el: Any) -> bool:
        self.seen.append(len(el.nsmap))
        return bool(self.real.validate(el))

    @property
    def error_log(self) -> Any:
        return self.real.error_log


@pytest.mark.parametrize("mode", ["tree", "stream"])
def test_records_are_validated_without_the_roots_namespaces(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """lxml copies every namespace declared around an element it validates, each against those
    copied before: 4,000 declarations on the root and 1,000 records took 94 s streaming."""
    seen: list[int] = []
    real = schema_check.record_schema
    monkeypatch.setattr(schema_check, "record_schema", lambda p: _Spy(real(p), seen))
    monkeypatch.setattr(stream_walk, "record_schema", lambda p: _Spy(real(p), seen))
    monkeypatch.setattr(schema_check, "LONG_RUN", 10)
    declarations = "".join(f' xmlns:p{i}="urn:p{i}"' for i in range(4_000))
    data = _records(50, root_attributes=declarations)
    assert _check(data, mode) == []
    assert len(seen) >= 50  # the records, and the fixture's two incidents
    assert max(seen) <= schema_check.FEW_NAMESPACES


class _Counted(bytes):
    """A chunk that counts the bytes copied when it is concatenated."""

    copied = 0

    def __add__(self, other: bytes) -> bytes:  # type: ignore[override]
        _Counted.copied += len(self) + len(other)
        return bytes(self) + bytes(other)

    def __radd__(self, other: bytes) -> bytes:
        _Counted.copied += len(self) + len(other)
        return bytes(other) + bytes(self)


def test_a_long_line_is_read_without_rejoining_it() -> None:
    """Column lookup re-joined a growing buffer for each chunk of a long line: a one-line
    63 MB capture with one finding took 35 s and 580 MB."""
    size = 8 << 20
    data = b"<a>" + b"x" * size + b"</a>\nnext"
    chunks = [_Counted(data[i : i + 65536]) for i in range(0, len(data), 65536)]
    _Counted.copied = 0
    lines = read_lines(chunks, "utf-8", {1, 2})
    assert len(lines[1]) == size + 7 and lines[2] == "next"
    assert _Counted.copied <= 2 * len(data)  # was about size * chunks / 2: 500 MB here


def _peak_kb(path: Path) -> int:
    script = (
        "import resource, sys\n"
        "from runhistory.stream import validate_stream\n"
        "report = validate_stream(open(sys.argv[1], 'rb'), 'x.xml')\n"
        "assert [f.rule for f in report.findings] == ['D006'], report.findings\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=600,  # not a speed limit: only so that a hang cannot stall the suite
        check=True,
    )
    return int(proc.stdout)


def test_streaming_memory_is_bounded_for_elements_outside_records(tmp_path: Path) -> None:
    """Non-record elements stayed in the tree: 17 million <x/> in run-details ran out of 6 GB.
    Past a bound streaming reports D006 and holds nothing more."""
    text = BASE.read_text(encoding="utf-8")
    peaks = []
    for count in (200_000, 1_000_000):
        doc = tmp_path / f"x{count}.xml"
        doc.write_text(text.replace("<ma-id>", "<x/>\n" * count + "<ma-id>", 1), encoding="utf-8")
        peaks.append(_peak_kb(doc))
    assert peaks[1] < peaks[0] + 20_000, peaks  # five times the elements, not 5x the memory
