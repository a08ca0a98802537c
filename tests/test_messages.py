"""Messages an administrator reads correctly: S103 says the value is not allowed and what is
near, S101 names what the parent may hold, D003 blames the right PowerShell, and findings of
the tool's own codes cite no section."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURES, Result
from rules_helpers import edit
from runhistory.findings import Finding
from runhistory.validate import Options, validate_bytes

BASE = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
INCIDENT_END = "<server>dc01.contoso.com:389</server>\n     </incident>"


def _findings(doc: str, profile: str = "strict") -> list[Finding]:
    return validate_bytes(doc.encode(), "x", Options(profile=profile)).findings


def _error_type(value: str) -> str:
    """BASE with the error-type of its import-error that has no extension-error-info (an
    unknown type beside one is also I506) set to ``value``."""
    return edit(BASE, ("<error-type>sync-rule-flow-attribute-not-found<", f"<error-type>{value}<"))


def test_s103_says_a_long_list_does_not_allow_the_value_and_names_the_nearest() -> None:
    (f,) = _findings(_error_type("extension-dll-crsh"))
    assert f.rule == "S103"
    assert f.message == (
        "<error-type> has value 'extension-dll-crsh', which is not allowed: it is not one of "
        "the 53 values the spec lists; did you mean 'extension-dll-crash'?"
    )


def test_s103_offers_several_values_when_none_is_plainly_meant() -> None:
    (f,) = _findings(_error_type("extension-error"))
    assert f.message.endswith(
        "did you mean 'extension-dll-timeout' or 'extension-dll-crash' or 'unexpected-error'?"
    ), f.message


def test_s103_without_a_near_value_offers_none() -> None:
    (f,) = _findings(_error_type("bogus"))
    assert f.message == (
        "<error-type> has value 'bogus', which is not allowed: it is not one of the 53 values "
        "the spec lists"
    )


def test_s103_under_product_does_not_call_the_patched_list_the_spec() -> None:
    (f,) = _findings(_error_type("ma-extensio-error"), profile="product")
    assert f.message == (
        "<error-type> has value 'ma-extensio-error', which is not allowed: it is not one of the "
        "54 values the product profile accepts (the spec's 53 and 1 known product value); did "
        "you mean 'ma-extension-error'?"
    )
    (strict,) = _findings(_error_type("ma-extensio-error"))
    assert "the 53 values the spec lists" in strict.message


def test_s101_names_what_a_complete_parent_may_hold() -> None:
    doc = edit(
        BASE,
        (
            INCIDENT_END,
            "<server>dc01.contoso.com:389</server>\n"
            "      <cd-error><error-code>0x51</error-code><error-literal>Server Down"
            "</error-literal><server-error-detail>x</server-error-detail></cd-error>\n"
            "     </incident>",
        ),
        (
            "<connection-result>success</connection-result>\n      <date>",
            "<connection-result>failed-search</connection-result>\n      <date>",
        ),
    )
    s101 = [f for f in _findings(doc) if f.rule == "S101"]
    assert [f.message for f in s101] == [
        "<server-error-detail> is not allowed here: <cd-error> may contain only <error-code>, "
        "<error-literal>, in that order"
    ]


def test_s101_on_a_repeated_element_says_so() -> None:
    doc = BASE.replace("</run-details>", "</run-details>\n <run-details/>", 1)
    s101 = [f for f in _findings(doc) if f.rule == "S101"]
    assert [f.message for f in s101] == [
        "<run-details> is not allowed here (repeated): <run-history> holds one <run-details> only"
    ]


def test_d003_blames_powershell_7_and_gives_the_command_that_saves_right() -> None:
    data = (FIXTURES / "encoding" / "utf8-declared-utf16.xml").read_bytes()
    (f,) = [f for f in validate_bytes(data, "x").findings if f.rule == "D003"]
    assert "PowerShell 7 (UTF-8 by default)" in f.message
    assert "Windows PowerShell 5.1's Out-File writes UTF-16, which matches" in f.message
    assert "Out-File -Encoding unicode" in f.message
    assert "PowerShell's Out-File and Set-Content save" not in f.message


def _suppressed_nothing(tmp_path: Path) -> Path:
    doc = tmp_path / "doc.xml"
    doc.write_text(
        BASE.replace("<run-details>", "<!-- runhistory: ignore R001 -->\n <run-details>")
    )
    return doc


def test_a_finding_of_the_tools_own_code_cites_no_section(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    r: Result = cli("validate", _suppressed_nothing(tmp_path))
    (line,) = [x for x in r.out.splitlines() if " U001 " in x]
    assert line.split(": ", 1)[1].startswith("info U001 the suppression ")
    assert "§" not in line
    github = cli("validate", "--format", "github", _suppressed_nothing(tmp_path)).out
    assert "title=U001::the suppression " in github


def test_the_summary_counts_infos(cli: Callable[..., Result], tmp_path: Path) -> None:
    r: Result = cli("validate", _suppressed_nothing(tmp_path))
    assert r.out.splitlines()[-1] == (
        "1 file checked (strict profile): 0 invalid, 0 errors, 0 warnings, 1 info"
    )


def test_s101_in_a_record_reads_the_same_when_streaming() -> None:
    import io

    from runhistory.stream import validate_stream

    doc = BASE.replace("</context>", "</context><step-type/>", 1)
    tree = [f.message for f in _findings(doc)]
    stream = [f.message for f in validate_stream(io.BytesIO(doc.encode()), "x", Options()).findings]
    assert (
        tree
        == stream
        == ["<step-type> is not allowed here: <rules-error-info> may contain only <context>"]
    )
