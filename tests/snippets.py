"""Finding the fenced snippets of README.md and docs/*.md, running their command lines and
comparing what they show with what the tool prints (used by tests/test_doc_snippets.py)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import FIXTURES, REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


@dataclass(frozen=True)
class Snippet:
    doc: str  # path relative to the repository
    line: int  # line of the opening fence
    lang: str
    body: str

    @property
    def first(self) -> str:
        return self.body.splitlines()[0] if self.body else ""

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}:{self.lang or 'plain'}"


def snippets() -> list[Snippet]:
    found: list[Snippet] = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"^```(\S*)\n(.*?)^```", text, flags=re.S | re.M):
            line = text.count("\n", 0, m.start()) + 1
            found.append(Snippet(str(path.relative_to(REPO)), line, m.group(1), m.group(2)))
    return found


# What capture.xml holds in a scratch directory unless a test says otherwise.
CAPTURE = FIXTURES / "valid" / "delta-import-sync.xml"


@dataclass
class Command:
    line: str
    shown: list[str]


def commands(body: str) -> list[Command]:
    found: list[Command] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append(Command(line[2:], []))
        elif found:
            found[-1].shown.append(line)
    return found


def shown_pattern(shown: list[str]) -> re.Pattern[str]:
    """A regex for the shown lines: a line ``...`` stands for any lines, ``...`` in a line for
    any text."""
    parts = []
    for line in shown:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(map(re.escape, line.split("..."))) + r"\n")
    return re.compile("".join(parts), flags=re.S)


def run_line(line: str, cwd: Path) -> tuple[int, str, str]:
    argv = shlex.split(line, comments=True)
    assert argv[0] == "runhistory", line
    out_file = None
    if ">" in argv:
        at = argv.index(">")
        argv, out_file = argv[:at], argv[at + 1]
    proc = subprocess.run(
        [sys.executable, "-m", "runhistory", *argv[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    if out_file is not None:
        (cwd / out_file).write_text(proc.stdout, encoding="utf-8")
        return proc.returncode, "", proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


def scratch(tmp_path: Path) -> Path:
    (tmp_path / "fixtures").symlink_to(FIXTURES, target_is_directory=True)
    shutil.copyfile(CAPTURE, tmp_path / "capture.xml")
    return tmp_path


def without_elisions(text: str) -> str:
    """JSON with its ``...`` elisions (a line of its own, in a list) taken out."""
    text = re.sub(r"^\s*\.\.\.,?\s*$\n", "", text, flags=re.M)
    return re.sub(r",(\s*[\]}])", r"\1", text)


def yaml_mapping(body: str) -> dict[str, list[str]]:
    """A small structural check of block-style YAML: consistent two-space indentation, every
    line a ``key: value``, ``key:`` or ``- item``; returns each top-level key with the lines
    under it."""
    top: dict[str, list[str]] = {}
    key = None
    for raw in body.splitlines():
        line = re.sub(r"\s+#.*$", "", raw)
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        assert indent % 2 == 0 and "\t" not in line, raw
        item = line.strip()
        assert re.fullmatch(r"(- )?([\w.-]+:( .+)?|\S.*)", item), raw
        if indent == 0:
            assert not item.startswith("- "), raw
            key = item.split(":", 1)[0]
            top[key] = []
        else:
            assert key is not None, raw
            top[key].append(item)
    return top


Json = Any


def _elided(shown: str, real: Json, at: str) -> list[str]:
    pattern = ".*".join(map(re.escape, shown.split("...")))
    ok = not isinstance(real, str) or re.fullmatch(pattern, real, re.S) is not None
    return [] if ok else [f"{at}: {real!r} does not match {shown!r}"]


def _scalar(shown: Json, real: Json, exact: bool, at: str) -> list[str]:
    if exact:
        return [] if shown == real else [f"{at}: {real!r}, shown {shown!r}"]
    same_kind = shown is None or real is None or type(shown) is type(real)
    return [] if same_kind else [f"{at}: {type(real).__name__}, shown {shown!r}"]


def _list(shown: list[Json], real: Json, exact: bool, at: str) -> list[str]:
    """Exact: element by element as far as the shown list goes; else each shown element has
    the shape of the first real one (an example list may be longer or shorter)."""
    if not isinstance(real, list):
        return [f"{at}: not a list"]
    if exact:
        if len(real) < len(shown):
            return [f"{at}: {len(real)} elements, {len(shown)} shown"]
        pairs = list(zip(shown, real, strict=False))
    else:
        pairs = [(x, real[0]) for x in shown] if real else []
    return [p for i, (x, y) in enumerate(pairs) for p in conforms(x, y, exact, f"{at}[{i}]")]


def conforms(shown: Json, real: Json, exact: bool, at: str = "") -> list[str]:
    """Where the shown JSON departs from the real: a key it shows that is missing (a key
    ``"..."`` elides the rest), a different kind of value, or (``exact``) a different value; a
    string with ``...`` matches any text there."""
    if isinstance(shown, str) and "..." in shown:
        return _elided(shown, real, at)
    if isinstance(shown, dict):
        if not isinstance(real, dict):
            return [f"{at}: not an object"]
        problems = [f"{at}/{k}: missing" for k in shown if k != "..." and k not in real]
        for k in shown.keys() & real.keys():
            # the format's version is never only an example
            problems += conforms(shown[k], real[k], exact or k == "version", f"{at}/{k}")
        return problems
    if isinstance(shown, list):
        return _list(shown, real, exact, at)
    return _scalar(shown, real, exact, at)
