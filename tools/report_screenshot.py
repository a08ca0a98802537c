"""Take docs/report.png: the HTML report of two generated archives, in headless Chromium.

    python tools/report_screenshot.py [OUTPUT.png]

Generates 60 runs of CONTOSO-AD (seed 7) and 24 runs of HR-SQL (seed 3), writes the report and
screenshots its top 1280x2000 pixels with Debian's chromium (apt-get install -y chromium).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from runhistory.cli import main

REPO = Path(__file__).resolve().parent.parent
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,2000",
    "--virtual-time-budget=3000",
)


def shoot(out: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("no chromium here: apt-get install -y chromium")
    out = out.resolve()
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.chdir(root)  # the page names the files as a user would: archive/...
        try:
            for name, runs, seed in (("CONTOSO-AD", 60, 7), ("HR-SQL", 24, 3)):
                argv = ["generate", "--runs", str(runs), "--seed", str(seed), "--ma", name]
                assert main([*argv, "--out", f"archive/{name}"]) == 0
            assert main(["report", "archive", "--output", "report.html"]) == 0
        finally:
            os.chdir(here)
        page = root / "report.html"
        profile = f"--user-data-dir={root / 'profile'}"
        subprocess.run(
            [browser, *FLAGS, profile, f"--screenshot={out}", page.as_uri()],
            check=True,
            capture_output=True,
            timeout=120,
        )


if __name__ == "__main__":
    shoot(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "report.png")
