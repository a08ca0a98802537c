"""Findings and every output format, byte for byte, against the outputs recorded in
``tests/golden/`` by ``tools/record_golden.py`` (re-record with it when a change is intended)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "record_golden", REPO / "tools" / "record_golden.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["record_golden"] = module
    spec.loader.exec_module(module)
    return module


def test_outputs_are_byte_for_byte_the_recorded_ones() -> None:
    tool = _tool()
    diff = tool.differences(tool.record())
    assert not diff, "\n".join([*diff, "", "intended? python tools/record_golden.py"])


def test_a_changed_output_is_shown_as_a_difference(tmp_path: Path) -> None:
    tool = _tool()
    (tmp_path / "fixtures.text").write_bytes(b"exit 0\nold line\n")
    diff = tool.differences({"fixtures.text": b"exit 0\nnew line\n"}, tmp_path)
    assert "-old line" in diff and "+new line" in diff
    assert tool.differences({"fixtures.text": b"exit 0\nold line\n"}, tmp_path) == []
