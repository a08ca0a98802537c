"""Helpers for the rule tests: one edit of a valid fixture, and its findings as (code, line, path)."""

from __future__ import annotations

from conftest import FIXTURES
from runhistory.selection import Selection
from runhistory.validate import Options, validate_bytes

BASE = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
SUCCESS = (FIXTURES / "valid" / "full-import-sync-success.xml").read_text(encoding="utf-8")
STEP = "/run-history/run-details/step-details"


def edit(doc: str, *pairs: tuple[str, str]) -> str:
    """Replace each ``old`` (which must occur) by ``new``, once."""
    for old, new in pairs:
        assert old in doc, old
        doc = doc.replace(old, new, 1)
    return doc


def line_of(doc: str, marker: str, nth: int = 1) -> int:
    """The 1-based line of the nth occurrence of ``marker``."""
    at = -1
    for _ in range(nth):
        at = doc.index(marker, at + 1)
    return doc.count("\n", 0, at) + 1


def findings(doc: str, profile: str = "strict") -> list[tuple[str, int | None, str]]:
    """Every finding with every rule selected, as (code, line, path), in report order."""
    options = Options(profile=profile, selection=Selection(select=("ALL",)))
    report = validate_bytes(doc.encode("utf-8"), "doc.xml", options)
    return [(f.rule, f.line, f.path) for f in report.findings]


def messages(doc: str, profile: str = "strict") -> list[str]:
    options = Options(profile=profile, selection=Selection(select=("ALL",)))
    return [f.message for f in validate_bytes(doc.encode("utf-8"), "d.xml", options).findings]
