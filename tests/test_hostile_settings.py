"""Settings that must never turn checking off by accident (issue 19, items 7, 10 and 18).

An empty code is a prefix of every code: accepted anywhere, it silently disabled every rule and
the run passed.  Globs in the configuration must match in linear time, and a broken file that
is not ours must not stop a run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, Result
from runhistory.findings import Severity
from runhistory.selection import Selection, SelectionError

TYPE = FIXTURES / "invalid" / "xsd-type.xml"  # one S106 error

Cli = Callable[..., Result]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "type.xml").write_bytes(TYPE.read_bytes())
    monkeypatch.chdir(work)
    return work


# -- item 7: empty and unknown codes ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--severity", "=info"],
        ["--severity", " =info"],
        ["--select", ""],
        ["--select", ","],
        ["--ignore", "S1,"],
        ["--ignore", ",S1"],
        ["--extend-select", " "],
        ["--ignore", "NOPE"],
        ["--severity", "X999=info"],
    ],
)
def test_empty_or_unknown_code_on_the_command_line_is_exit_2(
    cli: Cli, here: Path, args: list[str]
) -> None:
    r = cli("validate", *args, "type.xml")
    assert r.code == 2, r.out
    assert "code" in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize(
    "toml",
    [
        'ignore = [""]',
        'ignore = ["  "]',
        'select = [""]',
        'extend-select = [""]',
        'severity = { "" = "info" }',
        'severity = { " " = "info" }',
        'ignore = ["NOPE"]',
        '[per-path."*.xml"]\nignore = [""]',
        '[per-path."*.xml"]\nseverity = { "" = "info" }',
        '[per-path."*.xml"]\nexpect = [""]',
        '[per-path."*.xml"]\nextend-select = ["Q9"]',
    ],
)
def test_empty_or_unknown_code_in_the_configuration_is_exit_2(
    cli: Cli, here: Path, toml: str
) -> None:
    (here / "runhistory.toml").write_text(toml + "\n")
    r = cli("validate", "type.xml")
    assert r.code == 2, r.out
    assert "runhistory.toml" in r.err and "code" in r.err
    assert len(r.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "selection",
    [
        Selection(ignore=("",)),
        Selection(select=("",)),
        Selection(severity={"": Severity.INFO}),
        Selection(ignore=("S106",), base=Selection(ignore=("",))),
    ],
)
def test_a_selection_with_an_empty_code_is_refused_whoever_built_it(selection: Selection) -> None:
    with pytest.raises(SelectionError, match="empty code"):
        selection.validate()
    with pytest.raises(SelectionError, match="empty code"):
        selection.enabled("strict")


def test_valid_codes_still_work(cli: Cli, here: Path) -> None:
    r = cli("validate", "--severity", "S106=info", "--ignore", "R", "type.xml")
    assert r.code == 0
    assert "info S106" in r.out


# -- item 10: globs in linear time, bad globs and files in one line -----------------------------


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the character comparisons the glob matcher makes."""
    from runhistory import globs

    calls = [0]
    real = globs._char_matches

    def counted(token: object, char: str) -> bool:
        calls[0] += 1
        return real(token, char)

    monkeypatch.setattr(globs, "_char_matches", counted)
    return calls


@pytest.mark.parametrize(
    ("pattern", "path"),
    [
        ("*a*a*a*a*a*a*a*a*b", "a" * 60),
        ("*a*a*a*a*a*a*a*a*b", "/".join(["a" * 30] * 8)),
        ("/".join(["**"] * 10) + "/b", "/".join(["a"] * 40)),
        ("**/*a*a*a*a*/**/x?y", "/".join(["aaaa"] * 20) + "/xzz"),
    ],
)
def test_globs_match_in_polynomial_steps(
    monkeypatch: pytest.MonkeyPatch, pattern: str, path: str
) -> None:
    from runhistory.globs import compile_glob

    calls = _counting(monkeypatch)
    assert not compile_glob(pattern).match(path)
    # A backtracking regex needed exponentially many steps for these; the two-pointer matcher
    # needs at most (pattern x path) per segment pair, per directory prefix.
    bound = (len(pattern) + 2) * (len(path) + 1) * (path.count("/") + 1) ** 2
    assert calls[0] <= bound


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("[!a]*.xml", "b.xml", True),
        ("[!a]*.xml", "a.xml", False),
        ("x[!a]y.xml", "x/y.xml", False),  # a class never matches the '/' between directories
        ("[a-c]?.xml", "dir/bz.xml", True),
        ("[]]x", "]x", True),
        ("[ab", "[ab", True),  # an unclosed bracket is a character
        ("dir/**", "dir/a/b.xml", True),
        ("dir/**", "dirt/a.xml", False),
        ("**/b/**/c.xml", "a/b/x/y/c.xml", True),
    ],
)
def test_glob_meaning(pattern: str, path: str, hit: bool) -> None:
    from runhistory.config import glob_match

    assert glob_match(pattern, path) is hit


def test_many_per_path_tables_compile_once(
    here: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from runhistory import config, globs

    lines = []
    for i in range(10_000):
        glob = f"lit{i}/x.xml" if i % 2 else f"w{i}*/**/*.xml"
        lines.append(f'[per-path."{glob}"]\nignore = ["R"]\n')
    (here / "runhistory.toml").write_text("".join(lines))
    loaded = config.load()
    compiled = [0]
    real = globs.compile_glob

    def counting(pattern: str) -> globs.Glob:
        compiled[0] += 1
        return real(pattern)

    monkeypatch.setattr(config, "compile_glob", counting)
    config._compiled.cache_clear()
    tried = _counting(monkeypatch)
    for n in range(50):
        assert loaded.overrides_for(here / f"lit{2 * n + 1}" / "x.xml")[0].pattern == (
            f"lit{2 * n + 1}/x.xml"
        )
    assert compiled[0] == 0  # compiled when the file was loaded, never per file
    # Literal tables are looked up, not tried: only the wildcard ones cost comparisons, and
    # those fail on their first literal character.
    assert tried[0] <= 50 * 5_000 * 2


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[per-path."[z-a].xml"]\nignore = ["R"]', "range 'z-a' is reversed"),
        ('[per-path."a[!].xml"]\nignore = ["R"]', "empty character class"),
        ('include = ["[!]"]', "empty character class"),
        ('exclude = ["x/[z-a]"]', "reversed"),
    ],
)
def test_bad_globs_are_one_line_and_exit_2(cli: Cli, here: Path, toml: str, words: str) -> None:
    (here / "runhistory.toml").write_text(toml + "\n")
    r = cli("validate", "type.xml")
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1
    assert "runhistory.toml" in r.err and words in r.err


def test_a_toml_that_is_not_utf8_is_one_line_and_exit_2(cli: Cli, here: Path) -> None:
    (here / "runhistory.toml").write_bytes(b'profile = "strict"\n# caf\xe9\n')
    r = cli("validate", "type.xml")
    assert r.code == 2
    assert r.err.strip().splitlines() == [
        f"runhistory validate: {here / 'runhistory.toml'}: [tool.runhistory]: is not UTF-8 text "
        "(byte 25 is not; TOML files are UTF-8)"
    ]
    r = cli("validate", "--config", here / "runhistory.toml", "type.xml")
    assert r.code == 2 and "is not UTF-8 text" in r.err


# -- item 18: a broken pyproject.toml of another project ----------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b'[project\nname = "unrelated"\n',  # not TOML
        b'[tool.black]\nline-length = "\xff"\n',  # not UTF-8
    ],
)
def test_an_unrelated_broken_pyproject_above_does_not_stop_the_run(
    cli: Cli, here: Path, content: bytes
) -> None:
    (here.parent / "pyproject.toml").write_bytes(content)
    r = cli("validate", "type.xml")
    assert r.code == 1, r.err  # checked with the defaults: the S106 error
    assert "S106" in r.out and r.err == ""


@pytest.mark.parametrize(
    "content",
    [
        '[tool.runhistory]\nprofile = "strict\n',
        '[project]\nname = "x"\n[tool.runhistory.per-path."a"]\nignore = [\n',
        "tool.runhistory.profile = \n",
    ],
)
def test_a_broken_pyproject_with_our_table_is_reported(cli: Cli, here: Path, content: str) -> None:
    (here.parent / "pyproject.toml").write_text(content)
    r = cli("validate", "type.xml")
    assert r.code == 2
    (line,) = r.err.strip().splitlines()
    assert str(here.parent / "pyproject.toml") in line and "is not valid TOML" in line
