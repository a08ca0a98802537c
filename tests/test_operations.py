"""``show`` and ``errors`` as the Operations pane shows a run: the counter labels, every counter
and connection error in the JSON, stopped steps explained, many files, unknown values shown."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import FIXTURES, REPO, Result
from runhistory.generator.breaks import BREAKS
from runhistory.generator.choices import RandomChooser
from runhistory.generator.make import draft
from runhistory.model._canon import canonical_form
from runhistory.operations import BY_ELEMENT, CONTAINERS, LABELS, Group, counter_slots

XS = "{http://www.w3.org/2001/XMLSchema}"
FIXTURE_FILES = sorted(
    p for d in ("valid", "encoding", "product") for p in (FIXTURES / d).glob("*.xml")
)
STOPPED = FIXTURES / "valid" / "stopped-connectivity.xml"
SYNC = FIXTURES / "valid" / "delta-sync-provisioning.xml"
BASE = FIXTURES / "valid" / "delta-import-sync.xml"


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.name}"


def _generated(tmp: Path, count: int = 12) -> list[Path]:
    paths = []
    for seed in range(count):
        path = tmp / f"gen-{seed}.xml"
        path.write_bytes(draft(RandomChooser(seed)).generated().data)
        paths.append(path)
    return paths


# -- the one table of labels -----------------------------------------------------------------


def _xsd_counters() -> set[tuple[str, str]]:
    """(container, counter element) for every counter element the shipped XSD declares."""
    tree = etree.parse(str(REPO / "schema" / "ms-upsmods-run-details.xsd"))
    types = {t.get("name"): t for t in tree.iter(f"{XS}complexType")}
    found = set()
    for el in tree.iter(f"{XS}element"):
        kind = el.get("type") or ""
        if kind.endswith("-countersType"):
            for child in types[kind].iter(f"{XS}element"):
                found.add((str(el.get("name")), str(child.get("name"))))
    return found


def test_every_counter_element_of_the_xsd_has_a_label() -> None:
    xsd = _xsd_counters()
    assert {c for c, _ in xsd} == set(CONTAINERS)
    assert xsd - set(BY_ELEMENT) == set()


def test_the_labels_name_exactly_the_counters_of_the_schema_facts_and_the_model() -> None:
    from runhistory.model import StepDetails
    from runhistory.model._types import layout

    known = {(s.container, s.element) for s in counter_slots()}
    assert known == set(BY_ELEMENT)
    holders = {s.xml: s.type for s in layout(StepDetails).elements if s.xml in CONTAINERS}
    model = {(c, str(s.xml)) for c, cls in holders.items() for s in layout(cls).elements}
    assert model == known
    assert len(LABELS) == len(BY_ELEMENT)  # no element twice
    # The product's provisioned-delete-add counters are in the model, not in the XSD.
    assert model - _xsd_counters() == {
        ("outbound-flow-counters", "provisioned-delete-add-flow"),
        ("outbound-flow-counters", "provisioned-delete-add-no-flow"),
    }


def test_the_docs_print_the_table_of_labels() -> None:
    docs = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    rows = [
        f"| {x.group} | `{x.container}` | `{x.element}` | {x.label} | {x.part} |".replace(
            "|  |", "| |"
        )
        for x in LABELS
    ]
    table = [line for line in docs.splitlines() if re.match(r"\| [A-Z][a-z]+[ a-zA-Z]* \| `", line)]
    assert table == rows


# -- show --format json: every counter and every connection error code ----------------------


def _expected_counters(step: etree._Element) -> list[tuple[str, str | None, str, int]]:
    out = []
    for holder in step:
        if holder.tag not in CONTAINERS:
            continue
        for counter in holder:
            if isinstance(counter.tag, str) and int(counter.text or "0"):
                out.append((holder.tag, holder.get("ma"), counter.tag, int(counter.text or "0")))
    return sorted(out, key=str)


def _shown_counters(step: dict[str, Any]) -> list[tuple[str, str | None, str, int]]:
    out = [
        (g["container"], g.get("ma"), element, value)
        for g in step["counters"]
        for element, value in g["counters"].items()
    ]
    return sorted(out, key=str)


def _check_json(cli: Any, path: Path) -> None:
    r = cli("show", "--format", "json", path)
    assert r.code == 0, r.err
    data = r.json()
    root = etree.fromstring(canonical_form(path.read_bytes()))
    runs = root.findall("run-details")
    assert [x["run_number"] for x in data["runs"]] == [
        int(x.findtext("run-number") or "") for x in runs
    ]
    for run, shown in zip(runs, data["runs"], strict=True):
        for step, step_data in zip(run.findall("step-details"), shown["steps"], strict=True):
            assert _shown_counters(step_data) == _expected_counters(step)
            codes = [i["error_code"] for i in step_data["connection"]["incidents"]]
            assert codes == [i.findtext("cd-error/error-code") for i in step.iter("incident")]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=_id)
def test_show_json_holds_every_nonzero_counter_and_connection_error_code(
    cli: Any, path: Path
) -> None:
    _check_json(cli, path)


def test_show_json_on_generated_documents(cli: Any, tmp_path: Path) -> None:
    for path in _generated(tmp_path):
        _check_json(cli, path)


def test_all_counters_shows_the_zeros(cli: Any) -> None:
    data = cli("show", "--format", "json", "--all-counters", STOPPED).json()
    groups = data["runs"][0]["steps"][0]["counters"]
    assert [g["group"] for g in groups] == [
        "Discovery",
        "Staging",
        "Inbound Synchronization",
        "Export",
    ]  # no outbound-flow-counters in the step: no target agent to show
    shown = {(g["container"], e) for g in groups for e in g["counters"]}
    assert shown == {k for k in BY_ELEMENT if k[0] != "outbound-flow-counters"}
    assert all(v == 0 for g in groups for v in g["counters"].values())
    text = cli("show", "--all-counters", STOPPED).out
    assert re.search(r"\n    Renames +0\n", text) and "    Flow Errors" in text
    assert "    Renames" not in cli("show", STOPPED).out


# -- show as text -----------------------------------------------------------------------------


def test_a_stopped_step_is_explained_with_its_incident(cli: Any) -> None:
    r = cli("show", STOPPED)
    assert r.code == 0 and r.err == ""
    step = r.out.split("\n\nstep 1: delta-import\n")[1].splitlines()
    assert step == [
        "  result      stopped-connectivity - stopped: the connection to the data source was lost",
        "  cause       failed-search on DC01:389: 8453 Replication access was denied.",
        "  what to do  look at the connection log's incident (it names the server and the error),"
        " check that",
        "              the data source is up and reachable from the synchronization server, and"
        " check the",
        "              connectivity and credentials of the management agent; then run the profile"
        " again",
        "  connection  failed-search, DC01:389",
        "    2018-07-27 02:00:04.611  DC01:389  failed-search 8453 Replication access was denied.",
        "  errors by type (1)",
        "    1  connection  failed-search",
    ]


def test_show_json_says_what_to_do_about_a_stopped_step(cli: Any) -> None:
    from runhistory.status import STATUSES

    result = json.loads(cli("show", "--format", "json", STOPPED).out)["runs"][0]["steps"][0][
        "result"
    ]
    assert result["advice"] == STATUSES["stopped-connectivity"].advice
    assert "credentials of the management agent" in result["advice"]


def test_a_successful_step_has_nothing_to_do(cli: Any) -> None:
    out = cli("show", SYNC).out
    assert "what to do" not in out
    data = json.loads(cli("show", "--format", "json", SYNC).out)
    assert data["runs"][0]["steps"][0]["result"]["advice"] is None


def test_a_step_that_connected_in_the_end_names_no_cause(cli: Any) -> None:
    out = cli("show", FIXTURES / "valid" / "export-errors.xml").out
    assert "failed-connection 0x80072EFD" in out  # the incident is listed
    assert "  cause " not in out  # but the step did not stop for it


def test_a_delta_sync_shows_projections_flow_and_outbound_per_agent(cli: Any) -> None:
    out = cli("show", SYNC).out
    assert (
        "  Inbound Synchronization\n"
        "    Projections (with flow updates)     3\n"
        "    Connectors with Flow Updates       23\n"
        "    Connectors without Flow Updates  9702\n"
        "  Outbound Synchronization: MOSS-UserProfile\n"
        "    Export Attribute Flow                  20\n"
        "    Provisioning Adds (with flow updates)   3\n"
        "  Outbound Synchronization: Contoso-HR-Feed\n"
        "    Export Attribute Flow (tried, nothing flowed)  23\n"
    ) in out


def test_a_file_error_step_says_what_the_result_means(cli: Any) -> None:
    out = cli("show", FIXTURES / "product" / "sharepoint-save-to-file.xml").out
    assert "  result      stopped-file-error - stopped: an error on the input file" in out
    assert (
        "    2018-07-26 01:25:04.020  dc01.contoso.com:389  failed-connection 0x51 Server Down\n"
        "        server-error-detail: The LDAP server is unavailable.\n"
    ) in out


def test_every_group_label_is_one_the_pane_uses() -> None:
    assert [str(g) for g in Group] == [
        "Discovery",
        "Staging",
        "Inbound Synchronization",
        "Outbound Synchronization",
        "Export",
    ]


# -- unknown values and other problems --------------------------------------------------------


def _edited(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = BASE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


UNKNOWN = (
    (
        "<error-type>extension-dll-exception</error-type>",
        "<error-type>brand-new-error</error-type>",
    ),
    (
        "<step-result>completed-sync-errors</step-result>",
        "<step-result>completed-with-surprises</step-result>",
    ),
)


@pytest.mark.parametrize("profile", ["strict", "product"])
def test_unknown_values_are_shown_as_written_with_one_warning_each(
    cli: Any, tmp_path: Path, profile: str
) -> None:
    path = _edited(tmp_path, "new.xml", *UNKNOWN)
    r = cli("show", "--profile", profile, path)
    assert r.code == 0
    assert "   1  delta-import  completed-with-surprises  02:00:03" in r.out
    assert "completed-with-surprises - a value the spec does not define (shown as written)" in r.out
    assert "    1  import  brand-new-error" in r.out
    warnings = r.err.splitlines()
    assert len(warnings) == 2
    assert all(
        re.match(r"runhistory show: warning: .*new\.xml:\d+:\d+: S103 ", w) for w in warnings
    )
    assert all(w.endswith("(shown as written)") for w in warnings)
    data = cli("show", "--format", "json", "--profile", profile, path).json()
    result = data["runs"][0]["steps"][0]["result"]
    assert (result["value"], result["known"], result["class"]) == (
        "completed-with-surprises",
        False,
        None,
    )
    errors = cli("errors", "--format", "json", "--profile", profile, path)
    assert errors.code == 0 and errors.err.count("\n") == 2
    assert errors.json()["errors"][0]["error_type"] == "brand-new-error"


def test_a_rule_finding_does_not_hide_the_run(cli: Any, tmp_path: Path) -> None:
    path = _edited(tmp_path, "rule.xml", ("CONTOSO\\svc-fimsync", "no-backslash"))
    r = cli("show", path)
    assert r.code == 0
    assert "  account           no-backslash" in r.out
    assert r.err.count("\n") == 1 and r.err.rstrip().endswith("(shown anyway)")


def test_a_document_without_the_structure_needed_is_exit_2_with_the_reason(
    cli: Any, tmp_path: Path
) -> None:
    path = _edited(tmp_path, "gone.xml", ("<end-date>2018-07-24 02:01:45.530</end-date>", ""))
    for command in ("show", "errors"):
        r = cli(command, path)
        assert (r.code, r.out) == (2, "")
        assert r.err.count("\n") == 1
        assert re.search(r"gone\.xml:\d+:\d+: S102 .*<end-date> is missing", r.err)
        assert r.err.rstrip().endswith("the document cannot be read")


def test_many_problems_are_cut_to_ten_warning_lines(cli: Any, tmp_path: Path) -> None:
    text = BASE.read_text(encoding="utf-8").replace("CONTOSO\\svc-fimsync", "no-backslash")
    head, rest = text.split(" <run-details>", 1)
    run, tail = rest.rsplit(" </run-details>", 1)
    path = tmp_path / "many.xml"
    path.write_text(head + "".join([f" <run-details>{run} </run-details>"] * 12) + tail, "utf-8")
    r = cli("show", "--profile", "product", path)
    assert r.code == 0
    lines = r.err.splitlines()
    assert len(lines) == 11
    assert all(" S104 " in line for line in lines[:10])
    assert re.match(r"runhistory show: warning: .*many\.xml: 2 more problems; ", lines[-1])
    assert r.out.count("run 1842 of MOSSAD-CONTOSO\n") == 12  # every run is shown


@pytest.mark.parametrize("code", sorted(BREAKS))
def test_every_broken_document_is_shown_or_refused_in_one_line(
    cli: Any, tmp_path: Path, code: str
) -> None:
    plan = draft(RandomChooser(3), rule=code)
    path = tmp_path / f"{code}.xml"
    path.write_bytes(plan.draft.to_bytes())
    for command in ("show", "errors"):
        r: Result = cli(command, "--profile", plan.profile, path)
        assert r.code in (0, 2), r.err
        assert "Traceback" not in r.err
        if r.code == 2:
            assert r.out == "" and r.err.count("\n") == 1
        else:
            assert r.out


# -- errors -----------------------------------------------------------------------------------


def test_errors_lists_connection_errors(cli: Any) -> None:
    rows = cli("errors", "--format", "json", STOPPED).json()["errors"]
    assert rows == [
        {
            "file": str(STOPPED),
            "ma": "MOSSAD-CONTOSO",
            "run": 1850,
            "step": 1,
            "kind": "connection",
            "dn": None,
            "error_type": "failed-search",
            "algorithm_step": None,
            "first_occurred": None,
            "date_occurred": "2018-07-27 02:00:04.611",
            "retry_count": None,
            "error_code": "8453",
            "detail": "server DC01:389; Replication access was denied.",
        }
    ]


def test_errors_takes_many_files_and_directories_with_a_file_column(
    cli: Any, tmp_path: Path
) -> None:
    r = cli("errors", "--format", "csv", FIXTURES / "valid", STOPPED, tmp_path / "none.xml")
    assert r.code == 2  # one operand was missing; the others are still listed
    assert r.err == f"runhistory errors: {tmp_path / 'none.xml'}: no such file or directory\n"
    rows = list(csv.DictReader(io.StringIO(r.out)))
    files = sorted({row["file"] for row in rows})
    assert files == sorted(
        str(p)
        for p in (FIXTURES / "valid").glob("*.xml")
        if p.name != "delta-sync-provisioning.xml"
    )  # every file with an error, each once (the stopped-connectivity operand is a duplicate)
    assert list(rows[0]) == [
        "file",
        "ma",
        "run",
        "step",
        "kind",
        "dn",
        "error-type",
        "algorithm-step",
        "first-occurred",
        "date-occurred",
        "retry-count",
        "error-code",
        "detail",
    ]
    table = cli("errors", FIXTURES / "valid").out.splitlines()
    assert table[0].split()[:3] == ["file", "ma", "run"]
    one = cli("errors", STOPPED).out.splitlines()
    assert one[0].split()[:3] == ["ma", "run", "step"]  # one file: no file column


def test_errors_of_generated_documents_have_one_row_per_recorded_error(
    cli: Any, tmp_path: Path
) -> None:
    paths = _generated(tmp_path)
    rows = cli("errors", "--format", "json", tmp_path).json()["errors"]
    expected = 0
    for path in paths:
        root = etree.fromstring(canonical_form(path.read_bytes()))
        found = root.xpath(
            "//ma-object-error | //import-error | //export-error | //retry-error"
            " | //incident[cd-error or (connection-result != 'success'"
            " and connection-result != 'warning-no-watermark')]"
        )
        assert isinstance(found, list)
        expected += len(found)
    assert len(rows) == expected
    assert {r["file"] for r in rows} <= {str(p) for p in paths}


def _hostile(tmp_path: Path) -> Path:
    return _edited(
        tmp_path,
        "hostile.xml",
        ('dn="CN=Jane Doe,OU=Staff,DC=contoso,DC=com"', 'dn="=HYPERLINK(&quot;x&quot;)"'),
        (
            'dn="CN=John Smith,OU=Staff,DC=contoso,DC=com"',
            'dn="CN=A&#10;1  import  fake\u009b31m\u202eevil"',
        ),
    )


def test_csv_cells_that_look_like_formulas_are_neutralised(cli: Any, tmp_path: Path) -> None:
    r = cli("errors", "--format", "csv", _hostile(tmp_path))
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert rows[0]["dn"] == '\'=HYPERLINK("x")'
    assert rows[1]["dn"] == "CN=A\n1  import  fake\u009b31m\u202eevil"  # CSV quotes it whole
    assert rows[0]["retry-count"] == "1"


def test_tables_escape_line_breaks_and_terminal_controls(cli: Any, tmp_path: Path) -> None:
    path = _hostile(tmp_path)
    out = cli("errors", path).out
    assert "CN=A\\n1  import  fake\\x9b31m\\u202eevil" in out
    assert "\u009b" not in out and "\u202e" not in out
    assert len(out.splitlines()) == 5  # the head, and two lines per error
    json_rows = cli("errors", "--format", "json", path).json()["errors"]
    assert json_rows[1]["dn"] == "CN=A\n1  import  fake\u009b31m\u202eevil"  # data as it is


def test_show_escapes_what_the_document_says(cli: Any, tmp_path: Path) -> None:
    path = _edited(
        tmp_path,
        "name.xml",
        ("<ma-name>MOSSAD-CONTOSO</ma-name>", "<ma-name>A\u202eB\u009b</ma-name>"),
    )
    out = cli("show", path).out
    assert out.splitlines()[0] == "run 1842 of A\\u202eB\\x9b"
    assert json.loads(cli("show", "--format", "json", path).out)["runs"][0]["ma_name"] == (
        "A\u202eB\u009b"
    )


# -- every snippet of docs/operations.md and of the README's "Reading a run" ------------------


def _snippets(text: str) -> list[tuple[str, str]]:
    """(command, expected output) for each ``$ runhistory ...`` line of the console blocks."""
    found: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = part.partition("\n")
            if command.startswith(("runhistory show", "runhistory errors")):
                found.append((command, output))
    return found


def _reading_a_run() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("## Reading a run", 1)[1].split("\n## ", 1)[0]


DOC_SNIPPETS = [
    *_snippets((REPO / "docs" / "operations.md").read_text(encoding="utf-8")),
    *_snippets(_reading_a_run()),
]


@pytest.mark.parametrize(("command", "expected"), DOC_SNIPPETS, ids=[c for c, _ in DOC_SNIPPETS])
def test_docs_snippets_print_what_they_show(
    cli: Any, monkeypatch: pytest.MonkeyPatch, command: str, expected: str
) -> None:
    import shlex

    monkeypatch.chdir(REPO)
    monkeypatch.setenv("NO_COLOR", "1")
    r = cli(*shlex.split(command)[1:])
    assert r.err + r.out == expected


def test_the_docs_show_both_commands() -> None:
    commands = [c for c, _ in DOC_SNIPPETS]
    assert len(commands) >= 6
    assert any("--format json" in c for c in commands)
    assert any(c.startswith("runhistory show") for c, _ in _snippets(_reading_a_run()))
