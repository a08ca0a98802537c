"""Inputs that once took time quadratic in their size (issue 19, items 5, 8 and 9).

Each case runs in a subprocess with a generous timeout on a size that took tens of seconds (or
minutes) before its fix and takes about a second after: the test fails on the quadratic
behaviour, not on a slow machine.  No assertion is made about speed otherwise.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

TIMEOUT = 30.0  # seconds; each case took 35 s to 163 s before, about a second after
BASE = FIXTURES / "valid" / "delta-import-sync.xml"


def _records(path: Path, count: int, inside: str = "", before: str = "") -> None:
    """The base fixture with ``count`` copies of its first import-error (each with ``inside``
    at its start and ``before`` it)."""
    text = BASE.read_text(encoding="utf-8")
    start = text.index("<import-error ")
    end = text.index("</import-error>") + len("</import-error>")
    record = text[start:end]
    at = record.index(">") + 1
    record = before + record[:at] + inside + record[at:]
    path.write_text(text[:start] + "\n".join([record] * count) + text[end:], encoding="utf-8")


def _validate(*args: str | Path) -> None:
    argv = [sys.executable, "-m", "runhistory", "validate", *map(str, args)]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"runhistory validate {' '.join(map(str, args))} ran over {TIMEOUT} s")
    assert proc.returncode in (0, 1), proc.stderr.decode()


def test_a_one_line_document_with_a_finding_at_its_end(tmp_path: Path) -> None:
    """Column lookup re-joined a growing buffer: 63 MB on one line took 35 s and 580 MB."""
    script = (
        "from runhistory.locate import read_lines, byte_chunks\n"
        "data = b'<a>' + b'x' * 63_000_000 + b'</a>'\n"
        "assert len(read_lines(byte_chunks(data), 'utf-8', {1})[1]) == len(data)\n"
        "d16 = ('\\n' + 'y' * 8_000_000).encode('utf-16-le')\n"
        "assert len(read_lines(byte_chunks(d16), 'utf-16-le', {2})[2]) == 8_000_000\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=TIMEOUT)


@pytest.mark.parametrize("mode", ["tree", "stream"])
def test_twenty_thousand_records_with_schema_errors(tmp_path: Path, mode: str) -> None:
    """libxml2 writes a path per schema error by counting preceding siblings: 20,000 errors
    in 20,000 records took 41 s in tree mode."""
    doc = tmp_path / "errors.xml"
    _records(doc, 20_000, inside="<bogus/>")
    _validate("--mode", mode, doc)


def test_twenty_thousand_suppressions_and_findings(tmp_path: Path) -> None:
    """Each finding was compared with each suppression comment: 20,000 of each took 85 s."""
    doc = tmp_path / "suppressed.xml"
    _records(doc, 20_000, inside="<bogus/>", before="<!-- runhistory: ignore R001 -->\n")
    _validate("--mode", "tree", doc)


def test_many_namespace_declarations_on_the_root_while_streaming(tmp_path: Path) -> None:
    """lxml copied every namespace declared around a record, each against those copied before,
    to validate it: 4,000 declarations and 1,000 records took 94 s in streaming."""
    doc = tmp_path / "namespaces.xml"
    _records(doc, 1_000)
    declarations = " ".join(f'xmlns:p{i}="urn:p{i}"' for i in range(4_000))
    text = doc.read_text(encoding="utf-8").replace("<run-history>", f"<run-history {declarations}>")
    doc.write_text(text, encoding="utf-8")
    _validate("--mode", "stream", doc)
    _validate("--mode", "tree", doc)


def _peak_kb(path: Path) -> int:
    script = (
        "import io, resource, sys\n"
        "from runhistory.stream import validate_stream\n"
        "report = validate_stream(open(sys.argv[1], 'rb'), 'x.xml')\n"
        "assert [f.rule for f in report.findings] == ['D006'], report.findings\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 4,
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
