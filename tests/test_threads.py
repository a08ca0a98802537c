"""The library checks documents from several threads at once as it does one at a time.

lxml keeps a validator's error log on the validator object, so a compiled schema shared by two
threads validating at the same time would mix (or lose) their errors: each thread has its own
(see :func:`runhistory.xsd.schema_for`).  libxml2 validates without holding Python's lock, so
the threads really do run at once here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES
from runhistory.report import FileReport
from runhistory.stream import validate_stream
from runhistory.validate import Options, validate_bytes

# Each with schema errors of its own, and two valid ones.
DOCUMENTS = [
    *sorted((FIXTURES / "invalid").glob("xsd-*.xml")),
    FIXTURES / "valid" / "delta-import-sync.xml",
    FIXTURES / "valid" / "export-errors.xml",
]


def _tree(data: bytes, options: Options) -> FileReport:
    return validate_bytes(data, "x.xml", options)


def _stream(data: bytes, options: Options) -> FileReport:
    import io

    return validate_stream(io.BytesIO(data), "x.xml", options)


def _findings(report: FileReport) -> list[tuple[str, int | None, str, str]]:
    return [(f.rule, f.line, f.path, f.message) for f in report.findings]


@pytest.mark.parametrize("check", [_tree, _stream], ids=["tree", "stream"])
@pytest.mark.parametrize("profile", ["strict", "product"])
def test_threads_checking_at_once_find_what_one_thread_finds(
    check: Callable[[bytes, Options], FileReport], profile: str
) -> None:
    options = Options(profile=profile, mode="stream" if check is _stream else "tree")
    docs = [p.read_bytes() for p in DOCUMENTS]
    alone = [_findings(check(d, options)) for d in docs]
    assert any(alone) and not all(alone)
    wrong: list[tuple[Path, object]] = []
    start = threading.Barrier(4)

    def work(offset: int) -> None:
        start.wait()
        for round_ in range(12):
            for i in range(len(docs)):
                at = (i + offset + round_) % len(docs)
                got = _findings(check(docs[at], options))
                if got != alone[at]:
                    wrong.append((DOCUMENTS[at], got))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong, wrong[:3]
