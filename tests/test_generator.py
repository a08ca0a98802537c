"""The generators: conformant documents validate clean, broken ones report their rule (and only
what the catalog says they imply), the XSD is covered, output is deterministic.

Hypothesis settings: HYPOTHESIS_PROFILE=ci (default, small) or dev (heavier, for local runs).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import REPO, Result
from runhistory import model
from runhistory.catalog import CATALOG
from runhistory.generator.breaks import BREAKS, UNBREAKABLE
from runhistory.generator.build import Shape
from runhistory.generator.choices import RandomChooser
from runhistory.generator.coverage import Coverage
from runhistory.generator.encode import CLEAN_ENCODINGS, ENCODINGS
from runhistory.generator.make import Generated, draft
from runhistory.model import canonical_form
from runhistory.schema_facts import schema_path
from runhistory.selection import Selection
from runhistory.strategies import broken_run_histories, run_histories
from runhistory.validate import Options, validate_bytes

Cli = Callable[..., Result]

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=_SLOW, database=None
)
settings.register_profile("dev", max_examples=600, deadline=None, suppress_health_check=_SLOW)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Per rule code: a few examples each in CI (54+ codes), more under dev.
PER_CODE = settings(PROFILE, max_examples=max(4, PROFILE.max_examples // 6))

SCHEMA = etree.XMLSchema(etree.parse(str(schema_path())))


def findings(data: bytes, profile: str) -> list[tuple[str, str]]:
    options = Options(profile=profile, selection=Selection(select=("ALL",)))
    return [(f.rule, f.path) for f in validate_bytes(data, "doc.xml", options).findings]


def assert_as_expected(doc: Generated) -> None:
    got = findings(doc.data, doc.profile)
    codes = {code for code, _ in got}
    assert codes == set(doc.expected), (doc.name, got)
    if doc.rule is not None:
        assert (doc.rule, doc.path) in got, (doc.name, doc.path, got)


# -- conformant documents -------------------------------------------------------------------------


@PROFILE
@given(
    st.sampled_from(CLEAN_ENCODINGS).flatmap(
        lambda e: run_histories(encoding=e, output="document")
    ),
    st.sampled_from(("strict", "product")),
)
def test_conformant_documents_pass_the_xsd_and_every_rule(doc: Generated, profile: str) -> None:
    tree = etree.fromstring(doc.data)
    assert SCHEMA.validate(tree), SCHEMA.error_log
    assert doc.expected == ()
    assert findings(doc.data, profile) == []


@PROFILE
@given(run_histories(steps=(2, 4), errors=(1, 4), sizes=(2, 4), output="document"))
def test_larger_conformant_documents_pass_too(doc: Generated) -> None:
    assert findings(doc.data, "strict") == []
    assert findings(doc.data, "product") == []


@PROFILE
@given(run_histories(encoding="utf-8-declared-utf-16", output="document"))
def test_utf16_declared_on_utf8_is_reported_as_d003_only(doc: Generated) -> None:
    assert doc.data.startswith(b'<?xml version="1.0" encoding="utf-16"?>')
    assert doc.expected == ("D003",)
    assert_as_expected(doc)


@PROFILE
@given(run_histories(steps=2, kinds=("export",), errors=2, output="text"))
def test_shape_parameters_are_obeyed(text: str) -> None:
    root = etree.fromstring(text.encode("utf-8"))
    steps = root.findall("run-details/step-details")
    assert len(steps) == 2
    assert {s.xpath("string(step-description/step-type/@type)") for s in steps} == {"export"}
    for step in steps:
        assert len(step.findall("synchronization-errors/export-error")) == 2
        assert step.findtext("export-counters/export-failure") == "2"


@PROFILE
@given(run_histories(encoding="utf-16"))
def test_utf16_output_has_a_little_endian_bom(data: bytes) -> None:
    assert data.startswith(b"\xff\xfe<\x00?\x00x\x00m\x00l\x00")
    assert '<?xml version="1.0" encoding="utf-16"?>' in data[2:].decode("utf-16-le")


def test_shrinking_gives_a_small_readable_document() -> None:
    seen: list[str] = []

    @settings(database=None, max_examples=200, suppress_health_check=_SLOW, derandomize=True)
    @given(run_histories(kinds=("sync",), output="text"))
    def has_no_import_error(text: str) -> None:
        seen.append(text)
        assert "<import-error " not in text

    with pytest.raises(AssertionError):
        has_no_import_error()
    smallest = seen[-1]  # Hypothesis replays the shrunk example last
    assert smallest.count("<import-error ") == 1
    assert smallest.count("<step-details") == 1
    assert "<run-number>1</run-number>" in smallest
    assert "<change-not-reimported>" not in smallest
    assert len(smallest.splitlines()) < 85, smallest  # 30 of them the mandatory counters


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="kinds"):
        run_histories(kinds=("delete",))
    with pytest.raises(ValueError, match="steps"):
        run_histories(steps=0)
    with pytest.raises(ValueError, match="encoding"):
        run_histories(encoding="latin-1")
    with pytest.raises(ValueError, match="no broken documents"):
        broken_run_histories("X999")


# -- broken documents -----------------------------------------------------------------------------


def test_every_catalog_code_has_a_break() -> None:
    missing = set(CATALOG) - set(BREAKS) - set(UNBREAKABLE)
    assert sorted(missing) == [], "rules without a broken-document strategy"
    assert sorted(set(BREAKS) - set(CATALOG)) == [], "breaks for codes the catalog lacks"
    assert set(BREAKS).isdisjoint(UNBREAKABLE)
    assert all(CATALOG[code].kind == "tool" for code in UNBREAKABLE)


@pytest.mark.parametrize("code", sorted(BREAKS))
def test_broken_documents_report_their_rule_and_nothing_undeclared(code: str) -> None:
    @PER_CODE
    @given(broken_run_histories(code, output="document"))
    def check(doc: Generated) -> None:
        assert doc.rule == code
        assert_as_expected(doc)

    check()


@pytest.mark.parametrize("code", sorted(BREAKS))
def test_seeded_breaks_report_their_rule(code: str) -> None:
    for seed in range(3):
        assert_as_expected(draft(RandomChooser(seed), rule=code).generated())


@PROFILE
@given(
    st.sampled_from(ENCODINGS).flatmap(
        lambda e: broken_run_histories(encoding=e, output="document")
    )
)
def test_broken_documents_in_any_encoding(doc: Generated) -> None:
    assert_as_expected(doc)


def test_breaks_declare_profiles_that_report_them() -> None:
    for code, entry in BREAKS.items():
        assert CATALOG[code].severity(entry.profile) is not None, code


# -- coverage of the XSD --------------------------------------------------------------------------


def test_generated_documents_cover_every_element_attribute_and_enumeration_value() -> None:
    coverage = Coverage()
    for seed in range(800):
        coverage.add(draft(RandomChooser(seed)).draft.root)
    for code in BREAKS:
        coverage.add(draft(RandomChooser(0), rule=code).draft.root)
    report = "\n".join(coverage.report())
    assert coverage.complete(), report
    assert re.search(r"elements: (\d+)/\1 ", report)


# -- the generate command -------------------------------------------------------------------------


def _files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def test_generate_writes_documents_and_a_manifest(cli: Cli, tmp_path: Path) -> None:
    result = cli("generate", "--count", "12", "--seed", "5", "--out", tmp_path / "out")
    assert result.code == 0, result.err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [f["seed"] for f in manifest["files"]] == list(range(5, 17))
    for entry in manifest["files"]:
        assert re.fullmatch(
            r"\d{4}-valid-(import|sync|export)(-(import|sync|export))*\.xml", entry["file"]
        )
        data = (tmp_path / "out" / entry["file"]).read_bytes()
        assert findings(data, entry["profile"]) == []
        assert entry["expected"] == []


def test_generate_broken_all_matches_its_manifest(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "broken"
    result = cli("generate", "--broken", "all", "--seed", "2", "--out", out)
    assert result.code == 0, result.err
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(f["rule"] for f in manifest["files"]) == sorted(BREAKS)
    for entry in manifest["files"]:
        assert entry["file"].split("-")[1] == entry["rule"]
        got = findings((out / entry["file"]).read_bytes(), entry["profile"])
        assert {c for c, _ in got} == set(entry["expected"]), entry
        assert (entry["rule"], entry["path"]) in got


def test_generate_is_deterministic_across_processes(tmp_path: Path) -> None:
    outs = []
    for i, hashseed in enumerate(("0", "12345")):
        out = tmp_path / f"run{i}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "runhistory",
                "generate",
                "--count",
                "20",
                "--seed",
                "99",
                "--broken",
                "all",
                "--encoding",
                "utf-16",
                "--out",
                str(out),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": hashseed},
            cwd=REPO,
        )
        outs.append(_files(out))
    assert outs[0] == outs[1]
    assert all(
        data.startswith(b"\xff\xfe")
        for name, data in outs[0].items()
        if name.endswith(".xml") and not re.search("D00[23]", name)
    )


def test_one_file_is_remade_from_its_manifest_seed(cli: Cli, tmp_path: Path) -> None:
    cli("generate", "--count", "5", "--seed", "40", "--out", tmp_path / "a")
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    entry = manifest["files"][3]
    cli("generate", "--count", "1", "--seed", entry["seed"], "--out", tmp_path / "b")
    (remade,) = [p for p in (tmp_path / "b").iterdir() if p.suffix == ".xml"]
    assert remade.read_bytes() == (tmp_path / "a" / entry["file"]).read_bytes()


def test_generate_refuses_to_overwrite_without_force(cli: Cli, tmp_path: Path) -> None:
    assert cli("generate", "--count", "2", "--out", tmp_path).code == 0
    again = cli("generate", "--count", "2", "--out", tmp_path)
    assert again.code == 2
    assert again.err.count("\n") == 1 and "--force" in again.err
    assert cli("generate", "--count", "2", "--out", tmp_path, "--force").code == 0


def test_generate_usage_errors_are_one_line(cli: Cli, tmp_path: Path) -> None:
    for args in (
        ("--broken", "R999", "--out", tmp_path),
        ("--count", "2"),
        ("--steps", "0", "--out", tmp_path),
    ):
        result = cli("generate", *args)
        assert result.code == 2, args
        assert result.err.count("\n") == 1, result.err


def test_generate_many_errors_streams_exactly_that_many_records(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "generate",
        "--count",
        "1",
        "--errors",
        "1200",
        "--kinds",
        "sync",
        "--steps",
        "1",
        "--out",
        tmp_path,
    )
    assert result.code == 0, result.err
    (doc,) = tmp_path.glob("*.xml")
    root = etree.parse(str(doc)).getroot()
    assert len(root.findall("run-details/step-details/synchronization-errors/import-error")) == 1200
    assert root.findtext("run-details/step-details/inbound-flow-counters/flow-failure") == "1200"
    assert findings(doc.read_bytes(), "strict") == []


def test_generate_coverage_report(cli: Cli) -> None:
    result = cli("generate", "--coverage", "--count", "30")
    assert result.code == 1  # 30 documents are too few for every enumeration value
    lines = result.out.splitlines()
    assert re.fullmatch(r"elements: \d+/\d+ \(\d+\.\d%\)", lines[1])
    assert any(
        line.startswith("  not generated (enumeration values): /run-history/") for line in lines
    )


def test_strategies_need_hypothesis_and_say_how_to_get_it() -> None:
    code = "import sys; sys.modules['hypothesis'] = None; import runhistory.strategies"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "pip install hypothesis" in proc.stderr


def test_generate_works_without_hypothesis(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None; from runhistory.cli import main; "
        f"sys.exit(main(['generate', '--count', '3', '--broken', 'all', '--out', {str(tmp_path)!r}]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert len(list(tmp_path.glob("*.xml"))) == 3


def test_shape_is_checked() -> None:
    with pytest.raises(ValueError):
        Shape(errors=(3, 1)).validate()


def test_broken_large_documents_are_built_whole_for_the_edit(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "generate", "--broken", "R405", "--errors", "1000", "--steps", "1", "--out", tmp_path
    )
    assert result.code == 0, result.err
    (doc,) = tmp_path.glob("*.xml")
    assert {code for code, _ in findings(doc.read_bytes(), "strict")} == {"R405"}
    assert doc.read_text().count("<ma-object-error>") == 1000


# -- the model (runhistory.model) ----------------------------------------------------------------


@PROFILE
@given(
    st.sampled_from(CLEAN_ENCODINGS).flatmap(lambda e: run_histories(encoding=e, output="document"))
)
def test_model_round_trip_is_canonically_equal(doc: Generated) -> None:
    history = model.loads(doc.data, profile="strict")
    assert canonical_form(model.dumps(history)) == canonical_form(doc.data)


@PROFILE
@given(run_histories(steps=(1, 3), output="model"))
def test_documents_come_as_model_objects(history: model.RunHistory) -> None:
    assert isinstance(history, model.RunHistory)
    again = model.loads(model.dumps(history), profile="strict")
    assert model.to_data(again) == model.to_data(history)


def _run_cli(*args: str) -> bytes:
    from runhistory.cli import main

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(out):
        assert main(list(args)) == 0
    out.flush()
    buffer = out.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue()


@settings(PROFILE, max_examples=max(3, PROFILE.max_examples // 3))
@given(run_histories(output="document"))
def test_json_round_trip_through_convert(doc: Generated) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "run.xml"
        source.write_bytes(doc.data)
        as_json = Path(tmp) / "run.json"
        as_json.write_bytes(_run_cli("convert", str(source), "--to", "json"))
        back = _run_cli("convert", str(as_json), "--to", "xml")
    assert canonical_form(back) == canonical_form(doc.data)


def test_broken_documents_do_not_come_as_model_objects() -> None:
    with pytest.raises(ValueError, match="model"):
        broken_run_histories("R304", output="model")
