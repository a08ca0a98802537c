"""Every fenced snippet of README.md and docs/*.md is run, parsed or checked by a test.

This module finds every fenced block and gives each one exactly one fate:

* run here, by its kind: ``$ runhistory ...`` lines of console blocks are run in a scratch
  directory (holding the files the block names) with their exit code and shown output checked,
  ``...`` standing for anything; TOML is parsed; JSON is compared with what the command named in
  :data:`JSON_SOURCES` writes; YAML gets a structural check and its ``runhistory`` command
  lines are run; Python is executed; XML is parsed;
* run by another test module, named in :data:`ELSEWHERE` (that module must exist, read the
  document and run that kind of command line), so nothing is run twice;
* an excerpt of the source, :data:`EXCERPTS`: its lines must appear there in order;
* not runnable, listed in :data:`NOT_RUNNABLE` with the reason.

A snippet with no fate fails :func:`test_every_snippet_has_exactly_one_fate`, so a new snippet
is never skipped silently; an entry of a list that matches no snippet fails too.  Complete
``runhistory ...`` commands written inline in the prose, and the GitLab CI flags, are run too.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import FIXTURES, REPO
from snippets import (
    DOCS,
    Command,
    Snippet,
    commands,
    conforms,
    run_line,
    scratch,
    shown_pattern,
    snippets,
    without_elisions,
    yaml_mapping,
)

SNIPPETS = snippets()

# (document, first line of the snippet) -> the test module that runs it.
ELSEWHERE: dict[tuple[str, str], str] = {
    ("README.md", "$ runhistory validate capture.xml"): "test_readme.py",  # both validate blocks
    ("README.md", "[tool.runhistory]"): "test_readme.py",
    (
        "README.md",
        "$ runhistory show fixtures/valid/stopped-connectivity.xml",
    ): "test_operations.py",
    ("README.md", "$ runhistory generate --runs 30 --seed 7 --ma CONTOSO-AD --out archive"): (
        "test_archive_docs.py"
    ),
    ("docs/report.md", "$ runhistory generate --runs 30 --seed 7 --ma CONTOSO-AD --out archive"): (
        "test_archive_docs.py"
    ),
    (
        "docs/report.md",
        "$ runhistory diff archive/run-000595-delta-sync.xml ",
    ): "test_archive_docs.py",
    ("docs/api.md", "import runhistory"): "test_api_docs.py",
    ("docs/operations.md", "$ runhistory "): "test_operations.py",
    # generated (make docs) from each rule's bad and good example, which test_rule_cases.py
    # proves: the bad one is the part the rule's finding is reported at, the good one clean
    ("docs/rules.md", ""): "test_rule_cases.py",
}

# (document, first line of the snippet) -> why it is not run.
NOT_RUNNABLE: dict[tuple[str, str], str] = {
    ("README.md", "make demo "): (
        "creates a venv and installs (minutes); make demo and make test are what CI runs"
    ),
    ("README.md", "python3 -m venv .venv && .venv/bin/pip install ."): (
        "installs the package into a new venv and from a Git URL (network); test_packaging "
        "builds the wheel with pip from the clone"
    ),
    ("README.md", "py -m venv .venv"): "PowerShell on Windows (py launcher, backslash paths)",
    ("docs/performance.md", "ncalls  tottime"): (
        "profiler output that bench/run.py writes, not a command; timings differ per machine"
    ),
}

# (document, first line of the snippet) -> the source file it is an excerpt of: its lines
# (comments aside) appear there in the same order, so the excerpt shows the real code.
EXCERPTS: dict[tuple[str, str], str] = {
    ("docs/rules-guide.md", "@rule("): "src/runhistory/rules/step.py",
    ("docs/rules-guide.md", "@e.breaks("): "src/runhistory/rules/step.py",
}


def _matches(table: dict[tuple[str, str], str], s: Snippet) -> str | None:
    for (doc, first), value in table.items():
        if s.doc == doc and s.first.startswith(first):
            return value
    return None


def test_every_snippet_has_exactly_one_fate() -> None:
    assert len(SNIPPETS) >= 40
    for s in SNIPPETS:
        tables = (ELSEWHERE, NOT_RUNNABLE, EXCERPTS)
        listed = [v for v in (_matches(table, s) for table in tables) if v]
        assert len(listed) <= 1, f"{s.id}: listed twice"
        assert listed or s.lang in RUNNERS, f"{s.id}: neither run nor listed: run or list it"


# What each module that runs console snippets runs of them: a delegated snippet with another
# command line would go unrun there.
RUNS_OF_CONSOLE: dict[str, Callable[[list[Command]], bool]] = {
    "test_readme.py": lambda cs: len(cs) == 1 and cs[0].line.startswith("runhistory validate "),
    "test_operations.py": lambda cs: all(
        c.line.startswith(("runhistory show ", "runhistory errors ")) for c in cs
    ),
    "test_archive_docs.py": bool,  # every $ line of the section or page
}


def test_delegated_console_snippets_are_what_their_module_runs() -> None:
    for s in SNIPPETS:
        module = _matches(ELSEWHERE, s)
        if module is not None and s.lang == "console":
            assert RUNS_OF_CONSOLE[module](commands(s.body)), f"{s.id}: {module} does not run it"


@pytest.mark.parametrize(
    "table", [ELSEWHERE, NOT_RUNNABLE, EXCERPTS], ids=["elsewhere", "not-runnable", "excerpts"]
)
def test_every_listed_snippet_exists(table: dict[tuple[str, str], str]) -> None:
    for doc, first in table:
        assert any(s.doc == doc and s.first.startswith(first) for s in SNIPPETS), (doc, first)


@pytest.mark.parametrize(("doc", "first"), sorted(EXCERPTS))
def test_excerpt_shows_the_real_code(doc: str, first: str) -> None:
    (s,) = [s for s in SNIPPETS if s.doc == doc and s.first.startswith(first)]
    source = iter((REPO / EXCERPTS[doc, first]).read_text(encoding="utf-8").splitlines())
    for line in s.body.splitlines():
        code = re.sub(r"\s+# .*$", "", line).rstrip()
        if code:
            assert any(x.rstrip() == code for x in source), f"{s.id}: {code!r} not in order"


def test_the_modules_that_run_snippets_read_them() -> None:
    for (doc, _), module in ELSEWHERE.items():
        source = (REPO / "tests" / module).read_text(encoding="utf-8")
        assert Path(doc).name in source or Path(doc).stem in source, (module, doc)


# -- console --------------------------------------------------------------------------------


# Each console block runs in a scratch directory (snippets.scratch) holding capture.xml and the
# repository's fixtures/ (a symlink), as the docs run from a clone's root.
# Command lines too slow for the suite (seconds each on a loaded machine) -> the same command on
# a smaller scale that takes the same code path (1,000 errors or more are streamed); their shown
# output is checked with the number scaled the same way.
SCALED: dict[str, tuple[str, str, str]] = {
    "--count 1000 ": ("--count 10 ", "wrote 1000 ", "wrote 10 "),
    "--errors 100000 ": ("--errors 1000 ", "", ""),
}


def check_commands(s: Snippet, lines: list[Command], cwd: Path) -> None:
    assert lines, f"{s.id}: no $ runhistory line"
    for c in lines:
        line, shown = c.line + " ", c.shown
        for big, (small, was, now) in SCALED.items():
            if big in line:
                line = line.replace(big, small)
                shown = [x.replace(was, now) if was else x for x in shown]
        code, out, err = run_line(line, cwd)
        assert code == 0, f"{s.id}: {c.line}\n{err}"
        if shown:
            assert shown_pattern(shown).fullmatch(out), f"{s.id}: {c.line}\n{out}"


def run_console(s: Snippet, tmp_path: Path) -> None:
    check_commands(s, commands(s.body), scratch(tmp_path))


# -- data formats ---------------------------------------------------------------------------


def run_toml(s: Snippet, tmp_path: Path) -> None:
    assert tomllib.loads(s.body), s.id


def run_yaml(s: Snippet, tmp_path: Path) -> None:
    top = yaml_mapping(s.body)
    if "jobs" in top:  # a GitHub Actions workflow
        assert {"name", "on", "jobs"} <= set(top), s.id
        runs = [re.sub(r"^(- )?run: ", "", x) for x in top["jobs"] if re.match(r"(- )?run: ", x)]
        tool = [r for r in runs if r.startswith("runhistory ")]
        assert tool, s.id
        cwd = scratch(tmp_path)
        shutil.copytree(FIXTURES / "valid", cwd / "captures")
        check_commands(s, [Command(r, []) for r in tool], cwd)
        assert json.loads((cwd / "runhistory.sarif").read_text(encoding="utf-8"))["runs"]
    else:  # the pre-commit configuration
        assert set(top) == {"repos"}, s.id
        hooks = re.findall(r"^- id: (\S+)", (REPO / ".pre-commit-hooks.yaml").read_text(), re.M)
        assert [x.split(": ", 1)[1] for x in top["repos"] if x.startswith("- id: ")] == hooks


def run_xml(s: Snippet, tmp_path: Path) -> None:
    doc = f"<run-history>{s.body}</run-history>"
    root = etree.fromstring(doc.encode())
    comments = [c.text for c in root.iter(etree.Comment)]
    assert comments and all(re.match(r" runhistory: ignore \S", str(c)) for c in comments)


def run_python(s: Snippet, tmp_path: Path) -> None:
    cwd = scratch(tmp_path)
    namespace: dict[str, Any] = {"__name__": "snippet"}
    namespace.update(PYTHON_CONTEXT.get((s.doc, s.first), dict)())
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        exec(compile(s.body, f"{s.doc}:{s.line}", "exec"), namespace)
        for name, test in list(namespace.items()):
            if name.startswith("test_") and callable(test):
                with_few_examples = _few_examples(test)
                with_few_examples()


def _few_examples(test: Callable[..., None]) -> Callable[..., None]:
    if hasattr(test, "hypothesis"):
        from hypothesis import HealthCheck, settings

        return settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))(
            test
        )
    return test


def _strategies_context() -> dict[str, Any]:
    """What the property-test example leaves to the reader: a reader and a monitor."""
    import runhistory

    def my_reader(data: bytes) -> None:
        runhistory.loads(data)

    def my_monitor(data: bytes) -> str | None:
        found = runhistory.validate(data, select=["ALL"]).findings
        return next((f.path for f in found if f.rule == "R304"), None)

    return {"my_reader": my_reader, "my_monitor": my_monitor}


def _rules_test_context() -> dict[str, Any]:
    import rules_helpers

    return {name: getattr(rules_helpers, name) for name in ("BASE", "STEP", "edit", "findings")}


PYTHON_CONTEXT: dict[tuple[str, str], Callable[[], dict[str, Any]]] = {
    ("docs/generate.md", "from hypothesis import given"): _strategies_context,
    ("docs/rules-guide.md", "def test_r203_reports_a_non_zero_export_step_counter():"): (
        _rules_test_context
    ),
}

# -- commands written inline in the prose ---------------------------------------------------

SUBCOMMANDS = ("validate", "show", "errors", "convert", "status", "rules", "schema", "generate")


# Inline spans that name an option in the prose rather than give a command to type.
OPTION_NAMES = {"runhistory generate --runs"}


def inline_commands() -> list[tuple[str, str]]:
    """(document, command) for each inline ```runhistory SUBCOMMAND ARG...``` code span that is a
    complete command: it has an argument and no placeholder (``FILE``, ``CODE``, ``...``)."""
    found: list[tuple[str, str]] = []
    for path in DOCS:
        if path.name == "rules.md":  # generated from the catalog
            continue
        for span in re.findall(r"`(runhistory [^`]+)`", path.read_text(encoding="utf-8")):
            words = span.split()
            complete = not any(re.search(r"[A-Z]{2,}|^[A-Z]$|\.\.\.", w) for w in words)
            named = " ".join(words) in OPTION_NAMES
            if len(words) > 2 and words[1] in SUBCOMMANDS and complete and not named:
                found.append((str(path.relative_to(REPO)), span))
    return sorted(set(found))


INLINE = inline_commands()


def test_inline_commands_are_found() -> None:
    spans = {
        " ".join(s.split())
        for p in DOCS
        for s in re.findall(r"`(runhistory [^`]+)`", p.read_text())
    }
    assert spans >= OPTION_NAMES
    assert ("README.md", "runhistory rules D003") in INLINE
    assert ("README.md", "runhistory validate --format github captures/") in INLINE


@pytest.mark.parametrize(("doc", "command"), INLINE, ids=[f"{d}:{c}" for d, c in INLINE])
def test_inline_command_runs(doc: str, command: str, tmp_path: Path) -> None:
    cwd = scratch(tmp_path)
    shutil.copytree(FIXTURES / "valid", cwd / "captures")
    code, out, err = run_line(command, cwd)
    assert code == 0 and out, f"{doc}: {command}\n{err}"
    if command == "runhistory schema --path":
        # the README: the report's JSON Schema sits beside the XSD whose path this prints
        assert (Path(out.strip()).parent / "report.schema.json").is_file()


def test_the_gitlab_ci_hints_work(tmp_path: Path) -> None:
    """The GitHub Actions section's advice for GitLab CI: both flag sets, as written."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hint = readme[readme.index("In GitLab CI") :]
    gitlab, junit = re.findall(r"`(--format \w+ --output [\w.-]+)`", hint)[:2]
    assert "codequality:" in hint and "junit:" in hint
    cwd = scratch(tmp_path)
    shutil.copytree(FIXTURES / "invalid", cwd / "captures")
    for flags in (gitlab, junit):
        code, _, err = run_line(f"runhistory validate {flags} captures/", cwd)
        assert code == 1, err  # the captures are broken on purpose: the report still written
    report = json.loads((cwd / gitlab.split()[-1]).read_text(encoding="utf-8"))
    assert report and all(
        {"check_name", "location", "fingerprint"} <= set(issue) for issue in report
    )
    assert etree.parse(str(cwd / junit.split()[-1])).getroot().tag in ("testsuites", "testsuite")


# -- JSON snippets against what the tool writes ---------------------------------------------


@dataclass(frozen=True)
class JsonSource:
    commands: tuple[str, ...]  # run in a scratch directory (capture.xml: the fixture below)
    output: str  # the file holding the JSON, or "-" for the last command's standard output
    exact: bool  # the snippet shows the values too (else the keys and kinds of value)
    capture: str = "valid/delta-import-sync.xml"


ARCHIVE = "runhistory generate --runs 30 --seed 7 --ma CONTOSO-AD --out archive"
# (document, a line of the JSON snippet) -> how the tool writes that JSON.
JSON_SOURCES: dict[tuple[str, str], JsonSource] = {
    ("README.md", '{"version": 1, "profile": "strict",'): JsonSource(
        ("runhistory validate --format json capture.xml",), "-", True, "invalid/xsd-type.xml"
    ),
    ("docs/generate.md", '"count": 2,'): JsonSource(
        ("runhistory generate --broken R304 --count 2 --seed 7 --out g",), "g/manifest.json", False
    ),
    ("docs/generate.md", '"ma-name": "CONTOSO-AD"'): JsonSource(
        (ARCHIVE,), "archive/manifest.json", False
    ),
    ("docs/json.md", '"run_history": {'): JsonSource(
        ("runhistory convert capture.xml --to json",), "-", False, "valid/delta-import-sync.xml"
    ),
    ("docs/json.md", '"errors": [{"file": "fixtures/valid/export-errors.xml"'): JsonSource(
        ("runhistory errors --format json fixtures/valid/export-errors.xml",), "-", True
    ),
    ("docs/report.md", '"runs": [{"file": "archive/'): JsonSource(
        (ARCHIVE, "runhistory report archive --format json"), "-", False
    ),
    ("docs/report.md", '"same-step-types": true,'): JsonSource(
        (
            ARCHIVE,
            "runhistory diff archive/run-000595-delta-sync.xml archive/run-000623-delta-sync.xml"
            " --format json",
        ),
        "-",
        False,
    ),
}


def _json_source(s: Snippet) -> JsonSource:
    found = [v for (doc, line), v in JSON_SOURCES.items() if s.doc == doc and line in s.body]
    assert len(found) == 1, f"{s.id}: name the command that writes this JSON in JSON_SOURCES"
    return found[0]


def run_json(s: Snippet, tmp_path: Path) -> None:
    shown = json.loads(without_elisions(s.body))
    source = _json_source(s)
    cwd = scratch(tmp_path)
    shutil.copyfile(FIXTURES / source.capture, cwd / "capture.xml")
    out = ""
    for line in source.commands:
        code, out, err = run_line(line, cwd)
        assert code in (0, 1), f"{s.id}: {line}\n{err}"
    text = out if source.output == "-" else (cwd / source.output).read_text(encoding="utf-8")
    problems = conforms(shown, json.loads(text), source.exact)
    assert not problems, f"{s.id}: {problems}"


# -- the runners by kind ----------------------------------------------------------------------

RUNNERS: dict[str, Callable[[Snippet, Path], None]] = {
    "console": run_console,
    "json": run_json,
    "toml": run_toml,
    "yaml": run_yaml,
    "xml": run_xml,
    "python": run_python,
}

HERE = [
    s
    for s in SNIPPETS
    if s.lang in RUNNERS
    and all(_matches(table, s) is None for table in (ELSEWHERE, NOT_RUNNABLE, EXCERPTS))
]


@pytest.mark.parametrize("snippet", HERE, ids=[s.id for s in HERE])
def test_snippet_runs_as_written(snippet: Snippet, tmp_path: Path) -> None:
    RUNNERS[snippet.lang](snippet, tmp_path)
