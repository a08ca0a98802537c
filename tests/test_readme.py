"""What the README tells a newcomer to type works, or at least names things that exist."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from conftest import REPO, run_process

README = (REPO / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_nothing_is_installed_from_pypi_under_this_name() -> None:
    # `pip install runhistory` would fetch whatever a stranger publishes under the name.
    for text in [README, *(p.read_text(encoding="utf-8") for p in (REPO / "docs").glob("*.md"))]:
        for m in re.finditer(r"pip install ['\"]?runhistory\b", text):
            assert "never as" in text[max(0, m.start() - 40) : m.start()], m.group()


def test_quick_start_states_the_prerequisites_and_a_way_without_make() -> None:
    start = README.index("## Quick start")
    quick = README[start : README.index("\n## ", start + 1)]
    for needed in ("Python 3.11", "network", "`make`", "py -m venv", "python -m runhistory"):
        assert needed in quick, needed


def test_python_dash_m_runhistory_runs() -> None:
    r = run_process("--version")
    assert r.code == 0 and r.out.startswith("runhistory ")


def test_the_pre_commit_snippet_names_the_hook_the_repository_offers() -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    offered = re.findall(r"^- id: (\S+)", hooks, flags=re.M)
    (snippet,) = [b for b in _blocks("yaml") if "pre-commit-config" in b]
    assert re.findall(r"- id: (\S+)", snippet) == offered
    # No made-up tag: a full commit SHA (the text says how to get the real one).
    rev = re.search(r"rev: (\S+)", snippet)
    assert rev and re.fullmatch(r"[0-9a-f]{40}", rev.group(1))
    assert "git rev-parse HEAD" in README


def test_license_is_an_spdx_string_with_a_setuptools_that_reads_it() -> None:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["license"] == "MIT"
    (req,) = [r for r in data["build-system"]["requires"] if r.startswith("setuptools")]
    assert int(req.split(">=")[1].split(".")[0]) >= 77  # SPDX license strings: setuptools 77


def test_the_report_schema_is_printed_and_shipped() -> None:
    import json

    r = run_process("schema", "--report")
    assert r.code == 0
    assert json.loads(r.out)["title"].startswith("runhistory validate --format json report")


def test_the_configuration_snippet_is_accepted_as_written(tmp_path: Path) -> None:
    (snippet,) = [b for b in _blocks("toml") if "[tool.runhistory]" in b]
    (tmp_path / "pyproject.toml").write_text(snippet, encoding="utf-8")
    r = run_process("validate", "--show-settings", "x.xml", cwd=tmp_path)
    assert r.code == 0, r.err
    assert re.search(r"^profile +product \(.*pyproject.toml\)$", r.out, flags=re.M)
    assert 'per-path "tests/broken/**"' in r.out


def test_the_validate_example_prints_what_the_readme_shows() -> None:
    first, profiles = [b for b in _blocks("console") if b.startswith("$ runhistory validate ")]
    r = run_process("validate", "fixtures/invalid/xsd-type.xml", cwd=REPO)
    assert r.out.splitlines() == [
        line.replace("capture.xml", "fixtures/invalid/xsd-type.xml")
        for line in first.splitlines()[1:]
    ]
    # The "Profiles" example: a real capture's summary and the pointer to --profile product.
    r = run_process("validate", "fixtures/product/sharepoint-save-to-file.xml", cwd=REPO)
    assert r.out.splitlines()[-2:] == profiles.splitlines()[-2:]
