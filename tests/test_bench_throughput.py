"""bench/throughput.py makes valid documents of the size it says (its timing is not tested)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from conftest import REPO


def _throughput() -> ModuleType:
    spec = importlib.util.spec_from_file_location("throughput", REPO / "bench" / "throughput.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["throughput"] = module
    spec.loader.exec_module(module)
    return module


def test_generated_documents_are_valid_distinct_and_about_10_kb(tmp_path: Path) -> None:
    from runhistory.validate import validate_bytes

    bench = _throughput()
    total = bench.generate(tmp_path, 8, 10_240)
    docs = sorted(tmp_path.iterdir())
    assert len(docs) == 8 and total == sum(p.stat().st_size for p in docs)
    assert len({p.read_bytes() for p in docs}) == 8
    for p in docs:
        assert 10_000 <= p.stat().st_size <= 10_500
        report = validate_bytes(p.read_bytes(), p.name)
        assert report.findings == [], (p.name, report.findings)
