"""docs/errata.md's "Sentence by sentence" table accounts for every MUST of 2.2.1 to 2.2.1.1.1.9.

Each row quotes the spec's words (which must occur in the row's section) and names the code that
checks the sentence or why none does; every "MUST" of those sections' prose (the schema
fragments hold none) must lie inside the quoted words of some row of its section.
"""

from __future__ import annotations

import re

import pytest

import runhistory.rules  # noqa: F401  (registers the rules in the catalog)
from conftest import REPO
from runhistory.catalog import CATALOG
from spec_text import need_spec, normalise, sections

ERRATA = REPO / "docs" / "errata.md"
_ROW = re.compile(r'^\| (?P<section>2\.2\.1[.0-9]*) \| "(?P<words>[^"]+)" \| (?P<by>.+) \|$')


def _rows() -> list[tuple[str, str, str]]:
    text = ERRATA.read_text(encoding="utf-8")
    table = text[text.index("## Sentence by sentence") :]
    table = table[: table.index("\n## ", 3)]
    return [
        (m["section"], normalise(m["words"]), m["by"])
        for line in table.splitlines()
        if (m := _ROW.match(line))
    ]


def test_the_table_has_rows() -> None:
    assert len(_rows()) > 50


@pytest.mark.parametrize(("section", "words", "by"), _rows())
def test_each_row_quotes_its_section_and_names_a_code_or_a_reason(
    section: str, words: str, by: str
) -> None:
    need_spec()
    assert "MUST" in words, words
    assert words in sections()[section], f"not in §{section}: {words}"
    codes = re.findall(r"`([A-Z]\d{3})`", by)
    assert all(code in CATALOG for code in codes), by
    assert codes or "not checked" in by or "the XSD" in by, by


def test_every_must_of_the_sections_is_in_a_row() -> None:
    need_spec()
    covered: dict[str, list[tuple[int, int]]] = {}
    for section, words, _ in _rows():
        text = sections()[section]
        spans = covered.setdefault(section, [])
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(words), text)]
    missing = [
        f"§{section}: ...{text[max(0, m.start() - 80) : m.end() + 60]}..."
        for section, text in sections().items()
        for m in re.finditer(r"\bMUST\b", text)
        if not any(a <= m.start() < b for a, b in covered.get(section, []))
    ]
    assert missing == []
