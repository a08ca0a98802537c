"""The pre-commit hook definition and the README's CI instructions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from conftest import REPO


def test_pre_commit_hook_definition() -> None:
    text = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert re.search(r"^- id: runhistory-validate$", text, re.M)
    entry = re.search(r"^  entry: (.+)$", text, re.M)
    assert entry and entry.group(1) == "runhistory validate"
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert "runhistory" in scripts  # the entry's command is installed by the package
    assert re.search(r"^  language: python$", text, re.M)
    files = re.search(r"^  files: (.+)$", text, re.M)
    assert files
    pattern = re.compile(files.group(1))
    assert pattern.search("captures/run.xml") and not pattern.search("schema/run.xsd")


def test_readme_shows_ci_and_pre_commit_use() -> None:
    readme = (REPO / "README.md").read_text()
    assert "github/codeql-action/upload-sarif" in readme
    assert "--format sarif --output runhistory.sarif" in readme
    assert "id: runhistory-validate" in readme
    assert "[tool.runhistory]" in readme


def test_readme_toml_example_is_a_valid_configuration(tmp_path: Path) -> None:
    from runhistory.config import load

    readme = (REPO / "README.md").read_text()
    block = re.search(r"```toml\n(\[tool\.runhistory\].*?)```", readme, re.S)
    assert block
    file = tmp_path / "pyproject.toml"
    file.write_text(block.group(1))
    config = load(file)
    assert config.profile == "product" and config.per_path and config.fail_on == "warning"
