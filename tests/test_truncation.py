"""A capture cut off anywhere is one D001 finding with a line, never a crash or a pass.

The cut points come from the fixtures' own structure: inside and after every start tag, end tag
and attribute, and inside every text run.  They run in-process through ``validate_bytes``.
"""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES
from runhistory.validate import validate_bytes

_MARKUP = re.compile(r"<[^>]*>")
_ATTR = re.compile(r'\s[\w:-]+="[^"]*"')


def cut_points(text: str) -> list[int]:
    """Character offsets that end a prefix of ``text`` at a structural point."""
    root = text.index("<run-history")
    points: set[int] = set()
    for m in _MARKUP.finditer(text, root):
        start, end = m.span()
        points.update((start, start + 1, (start + end) // 2, end - 1, end))
        for a in _ATTR.finditer(m.group()):
            a_start, a_end = start + a.start(), start + a.end()
            eq = text.index("=", a_start)
            points.update((a_start + 1, eq, eq + 1, eq + 2, a_end - 1, a_end))
    for m in re.finditer(r">([^<]+)<", text[root:]):
        t_start, t_end = root + m.start(1), root + m.end(1)
        points.update((t_start + 1, (t_start + t_end) // 2, t_end - 1))
    last = text.rindex(">") + 1  # a cut after the root's end tag leaves a whole document
    return sorted(p for p in points if root < p < last)


CASES = [
    ("valid/delta-import-sync.xml", "utf-8", 0),
    ("valid/export-errors.xml", "utf-16", 2),  # UTF-16 LE with a BOM
]


@pytest.mark.parametrize(("name", "codec", "bom"), CASES)
def test_every_truncation_is_one_d001_with_a_line(name: str, codec: str, bom: int) -> None:
    data = (FIXTURES / name).read_bytes()
    text = data[bom:].decode(codec.replace("utf-16", "utf-16-le"))
    points = cut_points(text)
    assert len(points) > 300  # the derivation found the structure
    unit = 2 if codec == "utf-16" else 1
    failures = []
    for p in points:
        prefix = data[: bom + len(text[:p].encode(codec.replace("utf-16", "utf-16-le")))]
        assert len(prefix) % unit == 0 or unit == 1
        findings = validate_bytes(prefix, name).findings
        rules = [f.rule for f in findings if f.rule != "D003"]
        if rules != ["D001"] or findings[-1].line is None:
            failures.append((p, text[max(0, p - 20) : p], [(f.rule, f.line) for f in findings]))
    assert not failures, failures[:5]


def test_a_utf16_capture_cut_inside_a_character() -> None:
    data = (FIXTURES / "valid" / "export-errors.xml").read_bytes()
    for cut in range(len(data) // 3, len(data) - 1, len(data) // 7):
        prefix = data[: cut | 1]  # an odd number of bytes
        (f,) = validate_bytes(prefix, "cut.xml").findings
        assert f.rule == "D001" and f.line is not None
