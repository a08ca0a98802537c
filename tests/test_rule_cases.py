"""Every code's case, from the registries (in the manner of ruff's ``test_case``): the rule, the
edit (its break, beside the rule), the findings expected (the rule, and what its catalog entry
says the edit cannot avoid), and the examples ``docs/rules.md`` shows, which the same edit
makes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO
from runhistory._examples import EXAMPLES
from runhistory.catalog import CATALOG, Kind
from runhistory.generator.breaks import BREAKS, UNBREAKABLE
from runhistory.generator.examples import drafts, example
from runhistory.generator.make import expected_codes
from runhistory.selection import Selection
from runhistory.validate import Options, validate_bytes


def _findings(data: bytes, profile: str) -> list[tuple[str, str]]:
    options = Options(profile=profile, selection=Selection(select=("ALL",)))
    return [(f.rule, f.path) for f in validate_bytes(data, "case.xml", options).findings]


@pytest.mark.parametrize("code", sorted(BREAKS))
def test_case(code: str) -> None:
    good, bad, path = drafts(code)
    profile = BREAKS[code].profile
    found = _findings(bad.to_bytes(), profile)
    assert sorted({c for c, _ in found}) == list(expected_codes(code, bad.encoding)), found
    assert (code, path) in found
    assert _findings(good.to_bytes(), profile) == []


def test_every_code_has_a_break_and_a_case_by_registry() -> None:
    from runhistory.rules import RULES

    assert sorted(set(CATALOG) - set(BREAKS) - set(UNBREAKABLE)) == []
    assert set(RULES) <= set(BREAKS)
    # Every break that edits the document's elements gives the rule its examples; only the
    # input codes (an empty file, a truncated one, ...) have none.
    without = sorted(code for code in BREAKS if code not in EXAMPLES)
    assert all(CATALOG[code].kind == Kind.INPUT for code in without), without


def test_the_catalog_carries_the_examples() -> None:
    for code, (bad, good) in EXAMPLES.items():
        assert (CATALOG[code].bad, CATALOG[code].good) == (bad, good)
        assert bad != good, code


def test_an_example_is_the_part_the_finding_is_reported_at() -> None:
    found = example("R203")
    assert found is not None
    assert found.bad.startswith("<") and found.path.endswith("export-step-counter")
    assert ">0<" in found.good and ">0<" not in found.bad


def test_the_examples_file_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "gen_examples.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
