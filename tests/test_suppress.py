"""Inline suppression: <!-- runhistory: ignore CODE[,CODE] --> for the element that follows and
its subtree; unused suppressions are U001 (info); --no-inline-ignores."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, Cli

TYPE = FIXTURES / "invalid" / "xsd-type.xml"  # S106 at import-error[1]/retry-count, line 48
FIRST = '    <import-error cs-guid="{7F1E'
SECOND = '    <import-error cs-guid="{2A3B'


def _doc(tmp_path: Path, before: str, comment: str, name: str = "doc.xml") -> Path:
    text = TYPE.read_text()
    assert before in text
    out = tmp_path / name
    out.write_text(text.replace(before, f"{comment}\n{before}", 1))
    return out


def _findings(cli: Cli, *args: object) -> list[tuple[str, str, int | None]]:
    data = cli("validate", "--format", "json", *args).json()
    return [(f["rule"], f["severity"], f["line"]) for fr in data["files"] for f in fr["findings"]]


def test_suppresses_the_code_in_the_following_element_subtree(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, FIRST, "    <!-- runhistory: ignore S106 -->")
    r = cli("validate", doc)
    assert r.code == 0
    assert r.out == "1 file checked (strict profile): 0 invalid, 0 errors, 0 warnings\n"


def test_several_codes_and_prefixes(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, FIRST, "    <!--runhistory: ignore R001, S1 -->")
    # S1 is used; R001 reported nothing there
    assert _findings(cli, doc) == [("U001", "info", 46)]


def test_a_sibling_element_is_not_covered(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, SECOND, "    <!-- runhistory: ignore S106 -->")
    got = _findings(cli, doc)
    assert ("S106", "error", 48) in got  # still reported
    assert ("U001", "info", 60) in got


def test_other_codes_in_the_subtree_are_kept(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, FIRST, "    <!-- runhistory: ignore R001 -->")
    got = _findings(cli, doc)
    assert ("S106", "error", 49) in got and ("U001", "info", 46) in got


def test_an_ancestor_comment_covers_the_whole_subtree(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, "   <synchronization-errors>", "   <!-- runhistory: ignore S106 -->")
    assert _findings(cli, doc) == []


def test_comment_before_an_end_tag_precedes_no_element(cli: Cli, tmp_path: Path) -> None:
    text = TYPE.read_text().replace(
        "   </synchronization-errors>",
        "   <!-- runhistory: ignore S106 -->\n   </synchronization-errors>",
        1,
    )
    doc = tmp_path / "doc.xml"
    doc.write_text(text)
    r = cli("validate", doc)
    assert " error S106 " in r.out
    assert "info U001 the suppression is not followed by an element" in r.out


def test_unknown_and_missing_codes_are_reported(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, FIRST, "<!-- runhistory: ignore Q123 --><!-- runhistory: ignore -->")
    r = cli("validate", doc)
    assert "U001 the suppression names 'Q123', which is no rule code" in r.out
    assert "U001 the suppression names no code" in r.out


def test_no_inline_ignores_turns_it_off(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, FIRST, "    <!-- runhistory: ignore S106 -->")
    assert _findings(cli, "--no-inline-ignores", doc) == [("S106", "error", 49)]


def test_u001_can_be_ignored_and_fatal_codes_cannot_be_suppressed(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, FIRST, "    <!-- runhistory: ignore R001 -->")
    assert _findings(cli, "--ignore", "U001", doc) == [("S106", "error", 49)]
    wrong = tmp_path / "wrong.xml"
    wrong.write_text('<?xml version="1.0"?>\n<!-- runhistory: ignore D005 -->\n<other/>\n')
    assert [c for c, _, _ in _findings(cli, wrong)] == ["U001", "D005"]


def test_ordinary_comments_are_left_alone(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, FIRST, "    <!-- runhistory is a tool; ignore this -->")
    assert _findings(cli, doc) == [("S106", "error", 49)]


def test_utf16_document(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, FIRST, "    <!-- runhistory: ignore S106 -->")
    text = doc.read_text().replace('encoding="utf-8"', 'encoding="utf-16"')
    utf16 = tmp_path / "utf16.xml"
    utf16.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert _findings(cli, utf16) == []


@pytest.mark.parametrize(
    ("xml", "path"),
    [
        ("<a><!-- runhistory: ignore S1 --><b/></a>", "/a/b"),
        ("<a><b/><!-- runhistory: ignore S1 --><b/></a>", "/a/b[2]"),
        ("<a><b/><c><!-- runhistory: ignore S1 --><b/></c><b/></a>", "/a/c/b"),
        ("<!-- runhistory: ignore S1 --><a/>", "/a"),
        ("<a><!-- runhistory: ignore S1 --><b/><b/></a>", "/a/b[1]"),
    ],
)
def test_paths_are_written_as_lxml_writes_them(xml: str, path: str) -> None:
    from lxml import etree

    from runhistory.suppress import scan

    (s,) = scan(xml.encode())
    assert s.path() == path
    tree = etree.fromstring(xml.encode()).getroottree()
    assert path in {tree.getpath(e) for e in tree.iter()}


def test_scan_of_a_document_without_the_marker_does_no_work() -> None:
    from runhistory.suppress import has_marker, scan

    # Any comment may be a misspelled suppression (test_suppress_attempts.py): only a document
    # without comments is passed over unread.
    assert not has_marker(b"<a><b>runhistory: ignore S1</b></a>")
    assert scan(b"<a><b>runhistory: ignore S1</b></a>") == []
    assert scan(b"<a><!-- ignore S1 --></a>") == []
    assert scan(b"<a><!-- runhistory: ignore S1 --><b></a>") == []  # malformed: nothing


def test_all_suppresses_every_code_in_the_subtree(cli: Cli, tmp_path: Path) -> None:
    doc = _doc(tmp_path, "   <synchronization-errors>", "   <!-- runhistory: ignore all -->")
    assert _findings(cli, doc) == []


# -- the scan agrees with lxml on where every comment points, for any tree ---------------------

FAST = settings(max_examples=60, deadline=None)
_names = st.sampled_from(["a", "b", "c"])


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(_names)
    kids = draw(st.lists(_trees(depth + 1), max_size=4)) if depth < 3 else []
    return f"<{name}>{''.join(kids)}</{name}>"


@FAST
@given(_trees(), st.data())
def test_scan_points_where_lxml_says(xml: str, data: st.DataObject) -> None:
    from lxml import etree

    from runhistory.suppress import scan

    root = etree.fromstring(xml)
    target = data.draw(st.sampled_from(list(root.iter())))
    want = root.getroottree().getpath(target)
    if target is root:
        doc = b"<!-- runhistory: ignore S1 -->" + etree.tostring(root)
    else:
        target.addprevious(etree.Comment(" runhistory: ignore S1 "))
        doc = etree.tostring(root)
    (s,) = scan(doc)
    assert s.path() == want
