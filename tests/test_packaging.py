"""The XSD is package data: it is inside the wheel, not only in a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

VENDORED = ("uPlot.iife.min.js", "uPlot.min.css", "LICENSE", "VERSION")


@pytest.mark.slow
def test_wheel_carries_the_schema(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{proc.stdout}\n{proc.stderr}")
    (wheel,) = tmp_path.glob("runhistory-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        data = zf.read("runhistory/schema/ms-upsmods-run-details.xsd")
        names = zf.namelist()
    assert data == (REPO / "schema" / "ms-upsmods-run-details.xsd").read_bytes()
    assert "runhistory/py.typed" in names
    # The report page's assets, and the vendored chart library with its licence and version.
    for asset in ("report.js", "report.css", *(f"vendor/uplot/{n}" for n in VENDORED)):
        assert f"runhistory/archive/{asset}" in names, asset
    assert any(n.endswith("entry_points.txt") for n in names)
