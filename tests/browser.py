"""Headless Chromium for the tests of pages people look at (and for docs screenshots).

:func:`chromium` finds the browser; without one the calling test is skipped with the reason,
except under CI (``CI`` set, as ``.ci/run`` does), where the browser is mandatory and its
absence fails the test.  Every run gets a new empty profile directory and the flags that keep
the browser off the network and quiet.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import in_ci

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The path of a Chromium binary, or skip (fail under CI) when there is none."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    reason = (
        "no headless Chromium here (apt-get install -y chromium); the browser test of the "
        "HTML report is skipped"
    )
    if in_ci():
        pytest.fail(f"{reason}; CI is set, so the browser test is mandatory", pytrace=False)
    pytest.skip(reason)


def run(page: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Open ``page`` in headless Chromium with ``args`` (--dump-dom, --screenshot=...)."""
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="rh-chromium-") as profile:
        return subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
