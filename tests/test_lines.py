"""Exact lines at any size: libxml2 keeps element lines in 16 bits, so past line 65,535 an
element reports the line of its first child or next sibling; findings must not."""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES
from runhistory.locate import start_tag_lines
from runhistory.report import FileReport
from runhistory.rules.engine import sourceline
from runhistory.stream import validate_stream
from runhistory.validate import Options, validate_bytes

_PIECES = [
    "<!-- a comment <x> \n with a line break -->",
    "<![CDATA[ <y> \n ]]>",
    "<?pi <z> ?>",
    "<a k='1>\n2' j=\"&lt;/>\">t\n</a>",
    "<b\n/>",
    "<p:e xmlns:p='urn:p'\n/>",
    "\n<c>x<d/></c>",
    "<e>\n\n<f/>\n</e>",
]


@settings(max_examples=60, deadline=None, database=None)
@given(
    picks=st.lists(st.integers(0, len(_PIECES) - 1), max_size=60),
    codec=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]),
    block=st.sampled_from([1, 3, 7, 64, 1 << 16]),
)
def test_start_tag_lines_agree_with_libxml2_below_its_limit(
    picks: list[int], codec: str, block: int
) -> None:
    text = "<?xml version='1.0'?>\n<!-- head -->\n<r>" + "".join(_PIECES[i] for i in picks)
    text += "</r>"
    elements = list(etree.fromstring(text.encode()).iter(etree.Element))
    data = text.encode(codec)
    chunks = [data[i : i + block] for i in range(0, len(data), block)]
    got = start_tag_lines(chunks, codec, range(len(elements)))
    assert got == {i: sourceline(el) for i, el in enumerate(elements)}


def _reports(data: bytes) -> tuple[FileReport, FileReport]:
    tree = validate_bytes(data, "x.xml", Options(mode="tree"))
    stream = validate_stream(io.BytesIO(data), "x.xml", Options(mode="stream"))
    return tree, stream


@pytest.mark.parametrize("records", [600, 6_000])  # below and above 1,000 records (split)
def test_findings_past_line_65535_have_exact_lines(records: int) -> None:
    text = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
    start = text.index("<import-error ")
    end = text.index("</import-error>") + len("</import-error>")
    record = text[start:end]
    pad = "\n" * (70_000 if records < 1000 else 0)  # lines enough either way
    rng = random.Random(records)
    many = [record] * records
    bad = sorted(rng.sample(range(records * 4 // 5, records), 3))
    many[bad[0]] = record.replace('cs-guid="{', 'cs-guid="x{', 1)  # R003 on an attribute
    many[bad[1]] = record.replace("<retry-count>", "<bogus/><retry-count>", 1)  # S101
    many[bad[2]] = record.replace("<retry-count>1<", "<retry-count>x<", 1)  # S106 (has text)
    doc = (text[:start] + pad + "\n".join(many) + text[end:]).encode()
    lines = doc.split(b"\n")
    expected = [
        n + 1
        for n, line in enumerate(lines)
        if b'cs-guid="x{' in line or b"<bogus/>" in line or b"<retry-count>x<" in line
    ]
    assert min(expected) > 65_535
    for report in _reports(doc):
        assert [f.line for f in report.findings] == expected, report.findings
        assert all(f.column is not None for f in report.findings)


def test_findings_after_the_records_past_line_65535_have_exact_lines() -> None:
    """Elements after thousands of dropped records (the skeleton's tail, a second run of
    records) are placed through the runs the shells stand for."""
    text = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
    start = text.index("<import-error ")
    end = text.index("</import-error>") + len("</import-error>")
    record = text[start:end]
    many = "\n".join([record] * 6_000)
    exports = "\n".join(["<export-error cs-guid='{1}' dn='x'/>"] * 2)
    doc = text[:start] + many + "\n" + exports + "\n" + text[end:]
    doc = doc.replace("<mv-retry-errors/>", "<mv-retry-errors><bogus/></mv-retry-errors>", 1)
    doc = doc.replace('<connector-flow detail="true">', '<connector-flow detail="false">', 1)
    data = doc.encode()
    tree, stream = _reports(data)
    assert min(f.line or 0 for f in tree.findings) > 65_535
    assert len(tree.findings) > 3, tree.findings
    assert stream.findings == tree.findings
    assert all(f.column is not None for f in tree.findings)
