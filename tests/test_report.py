"""``runhistory report``: the runs of an archive as csv, json and one self-contained HTML page,
checked as data, as HTML read without JavaScript, and in headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from lxml import html as lhtml

import browser
from conftest import FIXTURES, Result
from runhistory.archive.html import result_class

Cli = Callable[..., Result]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Thirty runs of CONTOSO-AD, as generate --runs writes them."""
    from runhistory.cli import main

    out = tmp_path_factory.mktemp("archive") / "contoso"
    assert (
        main(["generate", "--runs", "30", "--seed", "7", "--ma", "CONTOSO-AD", "--out", str(out)])
        == 0
    )
    return out


def manifest(archive: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((archive / "manifest.json").read_text())
    return data


def test_json_has_one_row_per_run_agreeing_with_the_manifest(cli: Cli, archive: Path) -> None:
    result = cli("report", archive, "--format", "json")
    assert result.code == 0, result.err
    data = result.json()
    files = manifest(archive)["files"]
    assert [r["run-number"] for r in data["runs"]] == [f["run-number"] for f in files]
    for row, entry in zip(data["runs"], files, strict=True):
        assert row["agent"] == "CONTOSO-AD"
        assert row["file"].endswith(entry["file"])
        assert row["profile"] == entry["run-profile"]
        assert row["result"] == entry["result"]
        assert row["start"] == entry["start"]
        errors = sum(row[k] for k in ("ma-object-errors", "import-errors", "export-errors"))
        assert errors == len(entry["errors"])
        assert row["duration"] >= 0
    assert {f["status"] for f in data["files"]} == {"valid"}


def test_csv_has_the_same_rows(cli: Cli, archive: Path) -> None:
    as_json = cli("report", archive, "--format", "json").json()["runs"]
    result = cli("report", archive, "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == 30
    assert [{k: str(v) for k, v in r.items()} for r in as_json] == rows


def test_several_runs_per_file_and_any_encoding(cli: Cli, tmp_path: Path) -> None:
    """A UTF-16 archive, and a file holding two run-details (product output does that)."""
    cli("generate", "--runs", "3", "--seed", "1", "--encoding", "utf-16", "--out", tmp_path / "a")
    first, second = sorted((tmp_path / "a").glob("*.xml"))[:2]
    both = etree.Element("run-history")
    for p in (first, second):
        run = etree.fromstring(p.read_bytes()).find("run-details")
        assert run is not None
        both.append(run)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.xml").write_bytes(
        etree.tostring(both, xml_declaration=True, encoding="utf-8")
    )
    data = cli("report", tmp_path / "a", tmp_path / "b", "--format", "json").json()
    assert len(data["runs"]) == 5
    assert [f["runs"] for f in data["files"]] == [1, 1, 1, 2]


def test_invalid_and_missing_inputs_are_listed_and_the_rest_reported(
    cli: Cli, archive: Path, tmp_path: Path
) -> None:
    bad = FIXTURES / "invalid" / "xsd-range.xml"
    result = cli("report", archive, bad, tmp_path / "nothing-here", "--format", "json")
    assert result.code == 2  # a path that names nothing
    lines = result.err.splitlines()
    assert any(line.startswith(f"runhistory report: {bad}:6:3: S107") for line in lines), lines
    assert any("nothing-here: no such file or directory" in line for line in lines), lines
    files = {f["file"]: f for f in result.json()["files"]}
    assert files[str(bad)]["status"] == "invalid" and files[str(bad)]["errors"] == 1
    assert len(result.json()["runs"]) == 30
    assert cli("report", archive, bad, "--format", "json").code == 1  # an invalid document
    assert cli("report", tmp_path / "nothing-here").code == 2


def _html(cli: Cli, paths: list[Path], out: Path) -> str:
    result = cli("report", *paths, "--output", out)
    assert result.code in (0, 1), result.err
    assert result.out.startswith(f"wrote {out}: ")
    return out.read_text(encoding="utf-8")


def rows(doc: Any, table: str) -> list[Any]:
    """The body rows of the table of class ``table``."""
    found: list[Any] = doc.xpath(f"//table[@class='{table}']/tbody/tr")
    return found


def cell(tr: Any, n: int) -> str:
    return str(tr.xpath(f"string(td[{n}])"))


def test_html_tables_read_without_javascript(cli: Cli, archive: Path, tmp_path: Path) -> None:
    bad = FIXTURES / "invalid" / "xsd-range.xml"
    page = _html(cli, [archive, bad], tmp_path / "report.html")
    doc = lhtml.fromstring(page)
    runs = rows(doc, "runs")
    files = manifest(archive)["files"]
    assert len(runs) == 30
    numbers = [int(cell(tr, 1)) for tr in runs]
    assert numbers == sorted((f["run-number"] for f in files), reverse=True)
    results = {f["run-number"]: f["result"] for f in files}
    for tr in runs:
        result = tr.xpath("td[5]")[0]
        assert result.text == results[int(cell(tr, 1))]
        assert result.get("class") == result_class(result.text)
    persisting = rows(doc, "persisting")
    chronic = [e for e in manifest(archive)["errors"] if e["chronic"]]
    assert persisting and chronic
    assert cell(persisting[0], 3) in {e["dn"] for e in chronic}
    statuses = {cell(tr, 1): cell(tr, 2) for tr in rows(doc, "files")}
    assert statuses[str(bad)] == "invalid"
    assert sum(s == "valid" for s in statuses.values()) == 30
    assert len(doc.findall(".//noscript")) == 3


def test_html_is_self_contained(cli: Cli, archive: Path, tmp_path: Path) -> None:
    page = _html(cli, [archive], tmp_path / "r.html")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_html_escapes_every_value_from_the_documents(cli: Cli, tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)>&amp;\"'</script>"
    cli("generate", "--runs", "2", "--ma", hostile, "--out", tmp_path / "a")
    page = _html(cli, [tmp_path / "a"], tmp_path / "r.html")
    assert "<img src=x" not in page and "</script>&" not in page
    doc = lhtml.fromstring(page)
    title = doc.find(".//section[@class='agent']/h2")
    assert title is not None and (title.text or "").strip() == hostile


def _with_error_probe(page: str) -> str:
    """The page with a first script that records uncaught errors and console.error calls on
    the root element, where --dump-dom shows them."""
    probe = (
        "<script>(function(){var seen=[];function note(m){seen.push(String(m));"
        "document.documentElement.setAttribute('data-errors',JSON.stringify(seen));}"
        "window.addEventListener('error',function(e){note(e.message);});"
        "var ce=console.error;console.error=function(){note([].join.call(arguments,' '));"
        "return ce.apply(console,arguments);};note.ok=1;"
        "document.documentElement.setAttribute('data-errors','[]');})();</script>"
    )
    return page.replace("<head>", "<head>" + probe, 1)


def test_page_renders_its_charts_in_headless_chromium(
    cli: Cli, archive: Path, tmp_path: Path
) -> None:
    browser.chromium()
    other = tmp_path / "other"
    cli("generate", "--runs", "8", "--seed", "3", "--ma", "HR-SQL", "--out", other)
    page = tmp_path / "report.html"
    page.write_text(_with_error_probe(_html(cli, [archive, other], page)), encoding="utf-8")
    proc = browser.run(
        page, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom"
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    root = re.search(r"<html[^>]*>", dom)
    assert root is not None, dom[:500]
    assert 'data-errors="[]"' in root.group(), root.group()
    assert 'data-charts="6"' in root.group()  # three per agent, two agents
    assert dom.count('class="uplot') == 6
    assert dom.count("<canvas") >= 6
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []


def test_error_lives_agree_with_the_generator(archive: Path) -> None:
    """Each error followed across the runs: first and last run, runs met, first-occurred,
    retry-count and the run that resolved it, as the generator's manifest says."""
    from runhistory.archive.agents import group
    from runhistory.archive.runs import read_archive

    (agent,) = group(read_archive([str(archive)]))
    found = {(p.kind, p.dn, p.error_type): p for p in agent.errors.values()}
    kinds = {"ma-object-error": "discovery", "import-error": "import", "export-error": "export"}
    expected = manifest(archive)["errors"]
    assert len(found) == len(expected)
    for e in expected:
        p = found[(kinds[e["record"]], e["dn"], e["error-type"])]
        assert (p.first_run, p.last_run, p.runs) == (e["first-run"], e["last-run"], e["runs"])
        assert p.resolved_by == e["resolved-run"], e
        assert p.first_occurred == e["first-occurred"]
        assert p.retry_count == e["last-retry-count"]
        if e["record"] != "ma-object-error":
            assert p.object == e["cs-guid"]


def test_vendored_chart_library_is_the_recorded_version() -> None:
    import hashlib
    from importlib import resources

    folder = resources.files("runhistory.archive").joinpath("vendor", "uplot")
    recorded = folder.joinpath("VERSION").read_text(encoding="utf-8")
    assert recorded.startswith("uPlot 1.6.32 (MIT")
    for name in ("uPlot.iife.min.js", "uPlot.min.css"):
        digest = hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest()
        assert f"sha256 {digest}  {name}" in recorded
        assert "v1.6.32" in folder.joinpath("uPlot.iife.min.js").read_text(encoding="utf-8")[:80]
    assert "MIT License" in folder.joinpath("LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("how", ["same", "link", "hard link"])
@pytest.mark.parametrize("fmt", ["html", "csv", "json"])
def test_output_that_is_an_input_is_refused_before_writing(
    cli: Cli, archive: Path, tmp_path: Path, how: str, fmt: str
) -> None:
    """-o naming one of the captures (or a link to one) would replace it with the report."""
    copy = tmp_path / "a"
    copy.mkdir()
    capture = copy / manifest(archive)["files"][-1]["file"]
    capture.write_bytes((archive / capture.name).read_bytes())
    before = capture.read_bytes()
    target = {"same": capture, "link": tmp_path / "l.xml", "hard link": tmp_path / "h.xml"}[how]
    if how == "link":
        target.symlink_to(capture)
    elif how == "hard link":
        target.hardlink_to(capture)
    result = cli("report", copy, "--format", fmt, "-o", target)
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1 and "is the input" in result.err, result.err
    assert capture.read_bytes() == before
    assert sorted(p.name for p in copy.iterdir()) == [capture.name]  # no temporary file left
