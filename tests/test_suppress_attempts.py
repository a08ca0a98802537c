"""Misspelled suppressions are reported, ordinary comments are not (issue 19, item 23).

What counts as an attempted suppression (see :func:`runhistory.suppress.attempt`): a comment
whose text starts with a word that is, in any case and ignoring '-' and '_', within two edits of
``runhistory``, and which goes on with a ':' or with a word within two edits of ``ignore``; and
any comment that starts with exactly ``runhistory:``.  Only ``runhistory: ignore CODES`` is
read; every other attempt is U001.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, Cli
from runhistory.suppress import attempt, has_marker, scan

TYPE = FIXTURES / "invalid" / "xsd-type.xml"  # S106 at import-error[1]/retry-count, line 48
FIRST = '    <import-error cs-guid="{7F1E'


def _findings(data: bytes) -> list[tuple[str, int | None, str]]:
    from runhistory.validate import validate_bytes

    return [(f.rule, f.line, f.message) for f in validate_bytes(data, "x.xml").findings]


def _doc(comment: str) -> bytes:
    text = TYPE.read_text(encoding="utf-8")
    return text.replace(FIRST, f"    <!--{comment}-->\n{FIRST}", 1).encode("utf-8")


ATTEMPTS = [
    " runhistory: ignroe S106 ",
    " runhistory: ingore S106 ",
    " runhistory: ignore-next S106 ",
    " runhistory: disable S106 ",
    " runhistory: S106 ",
    " runhistory:",
    " RUNHISTORY: ignore S106 ",
    " RunHistory: ignore S106 ",
    " run-history: ignore S106 ",
    " run_history:ignore S106 ",
    " runhistroy: ignore S106 ",
    " runhisotry: ignore S106 ",
    " runhistory ignore S106 ",
    " runhistory ignroe S106 ",
    " Runhistory : Ignore S106 ",
]


@pytest.mark.parametrize("comment", ATTEMPTS)
def test_a_misspelled_suppression_is_u001_and_suppresses_nothing(comment: str) -> None:
    assert attempt(comment) is not None
    got = _findings(_doc(comment))
    assert [(rule, line) for rule, line, _ in got] == [("U001", 46), ("S106", 49)]
    message = got[0][2]
    assert "is not read" in message and "<!-- runhistory: ignore CODE" in message


ORDINARY = [
    " runhistory is a tool; ignore this ",
    " run-history element follows ",
    " Run history of the MA, exported 2020-01-01 ",
    " RunHistory exported by the 2020-01-01 schedule ",
    " run-history: captured on the FIM server ",
    " history: ignore the next step ",
    " ignore S106 ",
    " noqa ",
    " runhistory ignored this one ",
    "",
    " TODO: check the retry count ",
]


@pytest.mark.parametrize("comment", ORDINARY)
def test_ordinary_comments_are_no_attempt(comment: str) -> None:
    assert attempt(comment) is None
    got = _findings(_doc(comment))
    assert [(rule, line) for rule, line, _ in got] == [("S106", 49)]


def test_the_right_form_still_works_in_every_spelling_it_had() -> None:
    for comment in (
        " runhistory: ignore S106 ",
        "runhistory:ignore S106",
        " runhistory: ignore s106",
    ):
        assert _findings(_doc(comment)) == []


def test_a_misspelled_marker_in_utf16_and_utf32_is_found() -> None:
    text = _doc(" RUNHISTORY: ignore S106 ").decode("utf-8")
    for codec, bom in (("utf-16-le", b"\xff\xfe"), ("utf-32-be", b"\x00\x00\xfe\xff")):
        data = bom + text.replace(
            'encoding="utf-8"', 'encoding="utf-16"' if "16" in codec else 'encoding="utf-32"'
        ).encode(codec)
        assert has_marker(data)
        (s,) = scan(data)
        assert s.problem is not None
        assert [rule for rule, *_ in _findings(data)] == ["U001", "S106"]


def test_streaming_reports_the_same(tmp_path: Path) -> None:
    import io

    from runhistory.stream import validate_stream
    from runhistory.validate import Options, validate_bytes

    data = _doc(" runhistroy: ignore S106 ")
    tree = validate_bytes(data, "x.xml", Options(mode="tree")).findings
    stream = validate_stream(io.BytesIO(data), "x.xml", Options(mode="stream")).findings
    assert tree == stream and [f.rule for f in tree] == ["U001", "S106"]


# -- the text prefilter never hides a comment the full scan would read -------------------------

_COMMENTS = [
    " padding to a typical capture size ",
    " runhistory: ignore S106 ",
    " runhistroy: ignore S106 ",
    " an ordinary note ",
    "runhistory:",
    "",
]


def _full_scan(data: bytes) -> list[tuple[int, tuple[str, ...], str | None]]:
    import io

    from runhistory.decoding import decode
    from runhistory.suppress import scan_chunks

    decoded = decode(data)
    stream = io.BytesIO(decoded.body)
    found = scan_chunks(decoded.encoding, iter(lambda: stream.read(1 << 16), b""))
    return [(s.line, s.codes, s.path()) for s in found]


def _tree_scan(data: bytes) -> list[tuple[int, tuple[str, ...], str | None]] | None:
    """What validate reads of the comments of a document it parsed (None: it did not parse)."""
    from lxml import etree

    from runhistory.decoding import decode
    from runhistory.parsing import parse
    from runhistory.suppress import scan_tree

    decoded = decode(data)
    try:
        tree = parse(decoded)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return [(s.line, s.codes, s.path()) for s in scan_tree(tree, decoded)]


def _byte_scan(data: bytes) -> list[tuple[int, tuple[str, ...], str | None]]:
    return [(s.line, s.codes, s.path()) for s in scan(data)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize(
    "body",
    [
        "<a><!--{0}--><b/><!--{1}--><b/></a>",
        "<a><b><![CDATA[ <!-- not a comment ]]></b><!--{0}--><b/></a>",
        "<a><b><![CDATA[ <!-- <!-- ]]></b><!--{1}--><b/><!--{0}--></a>",
        "<!--{0}--><a><b/></a><!--{1}-->",
        "<?xml version='1.0'?><!--{1}--><?pi x?><a><b><c><!--{0}--></c></b></a><?pi y?><!--{0}-->",
    ],
)
@pytest.mark.parametrize("reader", [_byte_scan, _tree_scan], ids=["bytes", "tree"])
def test_the_prefilters_read_every_comment_the_full_scan_reads(
    body: str, encoding: str, reader: Callable[[bytes], object]
) -> None:
    """The comments of a document are looked at from its bytes (streaming, unparsed input) or
    off its tree (tree mode); either way, what follows is what the full pull-parse scan finds."""
    for first in _COMMENTS:
        for second in _COMMENTS:
            text = body.format(first, second)
            data = text.encode(encoding)
            assert reader(data) == _full_scan(data), text


def test_comments_read_off_the_tree_of_every_bundled_and_broken_document(
    cli: Cli, tmp_path: Path
) -> None:
    assert cli("generate", "--broken", "all", "--seed", "3", "--out", tmp_path).code == 0
    corpus = [p.read_bytes() for p in sorted(FIXTURES.rglob("*.xml"))]
    corpus += [p.read_bytes() for p in sorted((Path(__file__).parent / "hostile").glob("*.xml"))]
    corpus += [p.read_bytes() for p in sorted(tmp_path.glob("*.xml"))]
    corpus += [_doc(c) for c in ATTEMPTS + _COMMENTS]
    parsed = 0
    for data in corpus:
        got = _tree_scan(data)
        if got is not None:
            parsed += 1
            assert got == _full_scan(data)
    assert parsed > 100
