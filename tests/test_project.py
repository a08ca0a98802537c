"""Project hygiene: derived fixtures and generated docs are up to date; the CLI starts light."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_derived_fixtures_are_up_to_date() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "make_fixtures.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout


def test_validate_path_does_not_import_heavy_modules() -> None:
    """Start-up time: validate must not pull in xmlschema or hypothesis."""
    code = (
        "import sys\n"
        "from runhistory.cli import main\n"
        f"main(['validate', {str(REPO / 'fixtures' / 'valid' / 'delta-import-sync.xml')!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('xmlschema', 'hypothesis'))\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "HEAVY="


def test_rules_doc_is_generated_from_the_catalog() -> None:
    from runhistory.catalog import CATALOG
    from runhistory.rules import RULES  # noqa: F401
    from runhistory.rules.catalog_doc import render_markdown

    expected = render_markdown(info for _, info in sorted(CATALOG.items()))
    actual = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run 'make docs'"
