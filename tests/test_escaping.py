"""File names and messages from outside, in every format: no forged lines, no terminal control,
no spreadsheet formula, and no crash on a name that is not UTF-8 (#19 items 3 and 11)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from runhistory.escaping import csv_cell, csv_row, file_uri, human, name
from runhistory.findings import Finding, Severity

TYPE = FIXTURES / "invalid" / "xsd-type.xml"  # one S106 error
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")

# -- the module ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI, one code point
        ("\x7f", "\\x7f"),
        ("x\u2028y\u2029", "x\\u2028y\\u2029"),
        ("abc\u202eexe.xml", "abc\\u202eexe.xml"),
        (
            "\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
            "\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c",
        ),
        ("caf\udce9.xml", "caf\\xe9.xml"),  # os.fsdecode(b"caf\xe9.xml")
        ("\ud800", "\\ud800"),
        ("C:\\Exports\\caf\u00e9 \u65e5\u672c.xml", "C:\\Exports\\caf\u00e9 \u65e5\u672c.xml"),
    ],
)
def test_human_escapes_what_a_terminal_acts_on(raw: str, shown: str) -> None:
    assert human(raw) == shown
    assert human(shown) == shown  # already safe text is left as it is
    shown.encode("utf-8")


def test_name_changes_only_what_utf8_cannot_carry() -> None:
    assert name("caf\udce9\n.xml") == "caf\\xe9\n.xml"
    assert name("plain \u202e.xml") == "plain \u202e.xml"


def test_file_uri_percent_encodes_the_real_bytes() -> None:
    assert file_uri("/tmp/caf\udce9.xml") == "file:///tmp/caf%E9.xml"
    assert file_uri("dir/caf\u00e9.xml") == "dir/caf%C3%A9.xml"
    assert file_uri("C:\\x\\a b.xml") == "file:///C%3A/x/a%20b.xml"


@pytest.mark.parametrize(
    "cell", ["=1+1", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3", "+1.5", "-2.5e3", "CN=x,OU=y", "0x80070005", "", None, 7])
def test_numbers_and_plain_text_stay(cell: object) -> None:
    assert csv_cell(cell) == cell


def test_csv_row_writes_in_utf8() -> None:
    buf = io.StringIO()
    csv.writer(buf).writerow(csv_row(['=HYPERLINK("x")', "caf\udce9", 3, None]))
    buf.getvalue().encode("utf-8")
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == [
        '\'=HYPERLINK("x")',
        "caf\\xe9",
        "3",
        "",
    ]


def test_finding_messages_escape_bidi_controls() -> None:
    f = Finding("S106", "2.2.1", Severity.ERROR, 1, 1, "/x", "value 'abc\u202etxt.exe'")
    assert f.message == "value 'abc\\u202etxt.exe'"


# -- the CLI ---------------------------------------------------------------------------------


def _run(
    args: list[str], cwd: Path, encoding: str = "utf-8:strict"
) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=str(REPO / "src"), PYTHONIOENCODING=encoding, LC_ALL="C.UTF-8")
    return subprocess.run(
        [sys.executable, "-m", "runhistory", *args],
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


FORGED = "ok\nx.xml:1:1: error S101 [§2.2.1] forged\n::error file=a,line=1::forged\n\x1b[2J\u202e"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_file_name_cannot_forge_lines_or_commands(tmp_path: Path, fmt: str) -> None:
    bad = tmp_path / (FORGED.replace("/", "_") + ".xml")
    bad.write_bytes(TYPE.read_bytes())
    missing = FORGED.replace("/", "_") + "-missing.xml"
    r = _run(["validate", "--format", fmt, bad.name, missing], tmp_path)
    out, err = r.stdout.decode(), r.stderr.decode()
    assert r.returncode == 2, err
    for text in (out, err):
        assert "\x1b" not in text and "\u202e" not in text
        assert not any(ln.startswith(("x.xml", "::error file=a")) for ln in text.splitlines())
    lines = out.splitlines()
    if fmt == "text":
        assert len(lines) == 3  # the finding, the missing file and the summary
        assert lines[1].endswith("-missing.xml: error: no file matches this pattern")
        assert lines[0].endswith("S106 [§2.2.1.1.1.4] " + lines[0].split("] ", 2)[-1])
    else:
        assert [ln.split(" ", 1)[0] for ln in lines[:-1]] == ["::error", "::error"]
    assert len(err.splitlines()) == 1  # the missing file, on one line


@pytest.mark.skipif(sys.platform != "linux", reason="non-UTF-8 names need a POSIX filesystem")
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_a_non_utf8_file_name_in_every_format(tmp_path: Path, fmt: str, to_file: bool) -> None:
    raw = b"caf\xe9-\xff.xml"
    (tmp_path / os.fsdecode(raw)).write_bytes(TYPE.read_bytes())
    args = ["validate", "--format", fmt, os.fsdecode(raw)]
    if to_file:
        args += ["-o", "report.out"]
    r = _run(args, tmp_path)
    err = r.stderr.decode()
    assert "Traceback" not in err
    assert r.returncode == 1, err
    out = (tmp_path / "report.out").read_bytes() if to_file else r.stdout
    text = out.decode("utf-8")  # strict: the report is UTF-8
    if fmt == "json":
        assert json.loads(text)["files"][0]["file"] == "caf\\xe9-\\xff.xml"
    elif fmt == "gitlab":
        assert json.loads(text)[0]["location"]["path"] == "caf\\xe9-\\xff.xml"
    elif fmt == "sarif":
        (result,) = json.loads(text)["runs"][0]["results"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "caf%E9-%FF.xml"
    elif fmt == "junit":
        case = ET.fromstring(text).find(".//testcase")
        assert case is not None and case.get("file") == "caf\\xe9-\\xff.xml"
    else:
        assert "caf\\xe9-\\xff.xml" in text


@pytest.mark.skipif(sys.platform != "linux", reason="non-UTF-8 names need a POSIX filesystem")
def test_a_non_utf8_name_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    r = _run(["validate", "--format", "sarif", os.fsdecode(b"gone-\xe9.xml")], tmp_path)
    assert r.returncode == 2
    assert r.stderr.decode().strip() == "runhistory: gone-\\xe9.xml: no such file or directory"
    note = json.loads(r.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "gone-%E9.xml"


# -- show and errors: text from the document -------------------------------------------------

CD_ERROR = FIXTURES / "product" / "export-cd-error-on-permission-issue.xml"
LITERAL = "Access is denied."
HOSTILE_LITERAL = (
    "denied&#10;x.xml:1:1: error S101 forged&#10;::error file=a::forged \u009b2J \u202egnp.exe"
)


def _hostile_document(tmp_path: Path) -> Path:
    text = CD_ERROR.read_text(encoding="utf-8")
    assert LITERAL in text and 'dn="CN=Wei Chen' in text
    text = text.replace(LITERAL, HOSTILE_LITERAL).replace(
        'dn="CN=Wei Chen', 'dn="=HYPERLINK(1)CN=Wei Chen'
    )
    path = tmp_path / "hostile.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_errors_table_escapes_text_from_the_document(tmp_path: Path) -> None:
    doc = _hostile_document(tmp_path)
    r = _run(["errors", "--profile", "product", doc.name], tmp_path)
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode()
    assert "\x9b" not in out and "\u202e" not in out
    assert not any(ln.startswith(("x.xml", "::error")) for ln in out.splitlines())
    assert (
        "denied\\nx.xml:1:1: error S101 forged\\n::error file=a::forged \\x9b2J \\u202egnp.exe"
        in out
    )


def test_errors_csv_neutralises_formula_cells(tmp_path: Path) -> None:
    doc = _hostile_document(tmp_path)
    r = _run(["errors", "--profile", "product", "--format", "csv", doc.name], tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
    assert [row["dn"][:2] for row in rows if row["kind"] == "export"] == ["CN", "'="]
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "@")) or cell.startswith("'"), cell


def test_show_escapes_names_from_the_document(tmp_path: Path) -> None:
    text = CD_ERROR.read_text(encoding="utf-8").replace(
        "<ma-name>MOSS-UserProfile", "<ma-name>MOSS\u009b2J\u202eeliforP"
    )
    (tmp_path / "d.xml").write_text(text, encoding="utf-8")
    r = _run(["show", "--profile", "product", "d.xml"], tmp_path)
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode()
    assert "\x9b" not in out and "\u202e" not in out
    assert "MOSS\\x9b2J\\u202eeliforP" in out


EVIL = "gone\x1b[2J\nx.xml:1:1: error S101 forged\u202e.xml"


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--config", EVIL, str(TYPE)],
        ["validate", "-o", EVIL + "/r.json", str(TYPE)],
        ["show", EVIL],
        ["errors", EVIL],
        ["convert", "--to", "json", EVIL],
        ["status", EVIL],
        ["report", EVIL],
        ["diff", EVIL, EVIL],
    ],
    ids=lambda a: "-".join(a[:2])[:20],
)
def test_messages_on_stderr_escape_names(tmp_path: Path, args: list[str]) -> None:
    r = _run(args, tmp_path)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert "Traceback" not in err
    assert "\x1b" not in err and "\u202e" not in err
    assert not any(ln.startswith("x.xml") for ln in err.splitlines()), err
    assert "gone\\x1b[2J\\nx.xml" in err


def test_an_ascii_stdout_gets_escapes_not_a_traceback(tmp_path: Path) -> None:
    r = _run(["validate", str(TYPE)], tmp_path, encoding="ascii:strict")
    assert r.returncode == 1, r.stderr.decode()
    assert "[\\xa72.2.1.1.1.4]" in r.stdout.decode("ascii")


@pytest.mark.skipif(sys.platform != "linux", reason="non-UTF-8 names need a POSIX filesystem")
def test_report_with_a_non_utf8_name_on_a_strict_stdout(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / os.fsdecode(b"caf\xe9.xml")).write_bytes(
        (FIXTURES / "valid" / "delta-import-sync.xml").read_bytes()
    )
    r = _run(["report", "a", "--format", "json"], tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["files"][0]["file"].startswith("a/caf")


def test_the_progress_bar_escapes_the_name_it_shows() -> None:
    from runhistory.terminal import BIG_FILE, Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Tty()
    bar = Progress(screen, 1, BIG_FILE * 8)
    bar.begin("big\x1b]0;title\x07\n\u202e.xml", BIG_FILE)
    drawn = screen.getvalue().replace("\r\x1b[K", "")  # the bar's own erase sequence
    assert "\x1b" not in drawn and "\x07" not in drawn and "\n" not in drawn
    assert "big\\x1b]0;title\\x07\\n\\u202e.xml" in drawn
