"""``runhistory rules``: list the catalog, explain one code fully, refuse what names nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import Result
from runhistory.catalog import CATALOG, Kind, RuleInfo
from runhistory.findings import Severity
from runhistory.rules import RULES  # noqa: F401  (registers the prose rules)

Cli = Callable[..., Result]


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_code_says_how_to_fix_a_finding(code: str) -> None:
    fix = CATALOG[code].fix
    assert fix and fix[0].isupper() and fix.rstrip().endswith((".", ")")), fix


def test_a_code_is_explained_fully(cli: Cli) -> None:
    r = cli("rules", "D003")
    assert r.code == 0 and r.err == ""
    info = CATALOG["D003"]
    text = " ".join(r.out.split())
    assert r.out.startswith(f"D003: {info.summary}\n")
    assert "section §2.2.1" in text and "strict: error, product: warning" in text
    assert f"“{' '.join(info.quote.split())}”" in text
    assert "What it checks, and what it does not:" in r.out
    assert " ".join(info.notes.split()) in text
    # The PowerShell command to save a capture right, whole on its lines, ready to copy.
    assert "How to fix:" in r.out
    assert (
        "\n      $ma.RunDetails().ReturnValue | Out-File -Encoding unicode capture.xml\n" in r.out
    )


def test_several_codes_are_explained_in_order(cli: Cli) -> None:
    r = cli("rules", "r503", "D001")
    assert r.code == 0
    assert r.out.index("D001: ") < r.out.index("R503: ")


def test_examples_are_shown_when_the_catalog_has_them() -> None:
    from runhistory.commands.rules import explain

    info = RuleInfo(
        "X999",
        "2.2.1",
        Kind.SPEC,
        "a made-up rule",
        {"strict": Severity.ERROR, "product": None},
        bad="<run-number>0</run-number>",
        good="<run-number>1</run-number>",
        fix="Number runs from 1.",
    )
    text = explain(info)
    assert "Reported:\n    <run-number>0</run-number>\n" in text
    assert "Put right:\n    <run-number>1</run-number>\n" in text
    assert "product: off (runs when selected)" in text
    assert text.endswith("How to fix:\n  Number runs from 1.\n")


@pytest.mark.parametrize(("arg", "hint"), [("NOPE", "'runhistory rules' lists"), ("R5O3", "R503")])
def test_a_code_that_names_nothing_is_a_usage_error(cli: Cli, arg: str, hint: str) -> None:
    r = cli("rules", arg)
    assert r.code == 2 and r.out == ""
    assert f"'{arg}' is no rule code or prefix" in r.err and hint in r.err


def test_all_and_no_argument_list_every_code(cli: Cli) -> None:
    every = cli("rules")
    assert cli("rules", "ALL").out == every.out
    listed = [line.split()[0] for line in every.out.splitlines() if not line.startswith(" ")]
    assert listed == sorted(CATALOG)


def test_a_prefix_lists_its_codes_with_their_notes(cli: Cli) -> None:
    r = cli("rules", "S10")
    listed = [line.split()[0] for line in r.out.splitlines() if not line.startswith(" ")]
    assert listed == [c for c in sorted(CATALOG) if c.startswith("S10")]
    # The text listing shows the notes that JSON and Markdown show.
    notes = " ".join(CATALOG["S105"].notes.split())
    assert notes in " ".join(r.out.split())


def test_json_carries_fix_and_examples(cli: Cli) -> None:
    (data,) = cli("rules", "--format", "json", "R405").json()
    assert data["code"] == "R405"
    assert data["fix"] == CATALOG["R405"].fix
    assert {"quote", "notes", "bad", "good"} <= set(data)
