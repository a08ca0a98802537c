"""Streaming validation: the same findings as tree mode, in memory bounded by the records.

Tree mode is the reference: every fixture (and the hostile corpus) must give the same report in
both modes.  ``test_fuzz.py`` compares the two modes on mutated and generated documents too.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES
from runhistory import stream, stream_source, stream_walk
from runhistory.decoding import decode
from runhistory.locate import read_lines
from runhistory.parsing import parse
from runhistory.rules.engine import PathFinder
from runhistory.selection import Selection
from runhistory.validate import Options, validate_bytes

HOSTILE = Path(__file__).parent / "hostile"
DOCUMENTS = sorted(FIXTURES.rglob("*.xml")) + sorted(HOSTILE.glob("*.xml"))
BASE = (FIXTURES / "valid" / "delta-import-sync.xml").read_bytes()
RECORD = re.compile(rb"    <import-error .*?</import-error>\n", re.S)


def _options(profile: str = "strict", **kw: object) -> Options:
    return Options(profile=profile, selection=Selection(select=("ALL",)), **kw)  # type: ignore[arg-type]


def _both(data: bytes, options: Options) -> tuple[list[object], list[object]]:
    tree = validate_bytes(data, "doc.xml", options).findings
    streamed = stream.validate_stream(io.BytesIO(data), "doc.xml", options).findings
    return list(tree), list(streamed)


def _many(records: int, bad_every: int = 0) -> bytes:
    """The base fixture with ``records`` import-errors (every ``bad_every``-th with a date
    that does not exist and an unknown error-type)."""
    found = RECORD.findall(BASE)
    head = BASE[: BASE.index(found[0])]
    tail = BASE[BASE.index(found[-1]) + len(found[-1]) :]
    body = []
    for n in range(records):
        rec = found[n % 2]
        if bad_every and n % bad_every == 0:
            rec = re.sub(
                rb"<first-occurred>[^<]*<", b"<first-occurred>2018-02-30 00:00:00.000<", rec
            )
            rec = rec.replace(b"<error-type>", b"<error-type>x", 1)
        body.append(rec)
    return head + b"".join(body) + tail


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("profile", ["strict", "product"])
def test_every_fixture_gives_the_same_findings_in_both_modes(path: Path, profile: str) -> None:
    tree, streamed = _both(path.read_bytes(), _options(profile))
    assert streamed == tree


def test_records_spread_over_many_chunks_keep_exact_paths_lines_and_columns() -> None:
    data = _many(300, bad_every=7)
    tree, streamed = _both(data, _options())
    assert len(tree) > 80  # the edits above were found, so the comparison means something
    assert streamed == tree
    assert any("import-error[295]" in f.path for f in streamed)  # type: ignore[attr-defined]


def test_a_single_record_has_no_position_in_its_path() -> None:
    one = _many(1, bad_every=1)
    tree, streamed = _both(one, _options())
    assert streamed == tree
    paths = [f.path for f in streamed]  # type: ignore[attr-defined]
    assert (
        "/run-history/run-details/step-details/synchronization-errors/import-error/@cs-guid"
        not in paths
    )
    assert any(p.endswith("synchronization-errors/import-error/first-occurred") for p in paths)


def test_minified_document_columns_match() -> None:
    data = _many(20, bad_every=3)
    flat = re.sub(rb">\s+<", b"><", data)
    tree, streamed = _both(flat, _options())
    assert tree and streamed == tree
    # Several same-named start tags share a line: the column still points at the right one.
    places = [(f.line, f.column) for f in streamed if f.rule == "R001"]  # type: ignore[attr-defined]
    assert len(set(places)) == len(places) > 3
    assert all(column is not None for _, column in places)


def test_memory_does_not_grow_with_the_number_of_records() -> None:
    """What the walk holds (elements in the tree, bookkeeping) is the same for 200 and 2,000
    records: finished records are dropped."""

    def peak(records: int) -> tuple[int, int]:
        data = _many(records, bad_every=50)
        walker = stream.Walker(decode(data), "strict", dict(Selection().enabled("strict")))
        most_kept = most_elements = 0
        for at in range(0, len(data), 4096):
            walker.feed(data[at : at + 4096])
            most_kept = max(most_kept, len(walker.runs) + len(walker.token_of))
            assert walker.root is not None
            most_elements = max(most_elements, sum(1 for _ in walker.root.iter()))
        walker.close()
        return most_kept, most_elements

    assert peak(2000) == pytest.approx(peak(200), abs=40)


def test_cli_modes_print_the_same_report(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "doc.xml"
    doc.write_bytes(_many(30, bad_every=4))
    tree = cli("validate", "--select", "ALL", "--mode", "tree", doc)
    assert tree.code == 1 and "R001" in tree.out
    for flag in (["--mode", "stream"], ["--stream"]):
        assert cli("validate", "--select", "ALL", *flag, doc) == tree
    assert cli("validate", "--select", "ALL", "--no-stream", doc) == tree
    assert cli("validate", "--stream", "--no-stream", doc).code == 2  # one or the other


def test_auto_mode_streams_big_files_only(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    real = stream.validate_stream

    def spy(fh, name, options=None):  # type: ignore[no-untyped-def]
        seen.append(name)
        return real(fh, name, options)

    monkeypatch.setattr(stream, "validate_stream", spy)
    small, big = tmp_path / "small.xml", tmp_path / "big.xml"
    small.write_bytes(BASE)
    big.write_bytes(_many(40))
    # runhistory.validate is the function; the pipeline module is in sys.modules.
    monkeypatch.setattr(sys.modules["runhistory.validate"], "STREAM_ABOVE", len(BASE) + 1)
    assert cli("validate", small, big).code == 0
    assert seen == [str(big)]


def test_standard_input_streams_with_columns(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data = _many(12, bad_every=5)

    class Pipe(io.BufferedReader):
        def seekable(self) -> bool:
            return False

    def run(*flags: str) -> str:
        wrapper = io.TextIOWrapper(Pipe(io.BytesIO(data)))
        monkeypatch.setattr("sys.stdin", wrapper)
        result = cli("validate", "--select", "ALL", *flags, "-")
        assert result.code == 1
        return str(result.out)

    streamed = run("--stream")
    assert streamed == run("--no-stream")
    assert re.search(r"<stdin>:\d+:\d+: error R001", streamed)


@pytest.mark.parametrize("size_over", [1, 70_000])
def test_max_bytes_is_enforced_while_streaming(size_over: int) -> None:
    data = _many(100)
    options = _options(max_bytes=len(data) - size_over)
    tree, streamed = _both(data, options)
    assert [f.rule for f in streamed] == ["D006"]  # type: ignore[attr-defined]
    assert streamed == tree


@settings(max_examples=60, deadline=None, database=None)
@given(
    lines=st.lists(
        st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), min_size=1, max_size=30
    ),
    codec=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]),
    block=st.integers(1, 40),
    wanted=st.sets(st.integers(1, 35), max_size=6),
)
def test_read_lines_matches_splitting_the_whole_text(
    lines: list[bytes], codec: str, block: int, wanted: set[int]
) -> None:
    newline = "\n".encode(codec)
    data = newline.join(lines)
    text = data.decode(codec, errors="replace").split("\n")
    chunks = [data[i : i + block] for i in range(0, len(data), block)]
    expected = {n: text[n - 1] for n in wanted if n <= len(text)}
    assert read_lines(chunks, codec, wanted) == expected


@settings(max_examples=40, deadline=None, database=None)
@given(
    shape=st.lists(
        st.tuples(
            st.integers(0, 30), st.sampled_from(["a", "b", "c", "{urn:x}a", "p:a", "!", "?"])
        ),
        min_size=1,
        max_size=40,
    )
)
def test_path_finder_writes_libxml2s_paths(shape: list[tuple[int, str]]) -> None:
    root = etree.Element("run-history", nsmap={"p": "urn:p"})
    made = [root]
    for parent_at, kind in shape:
        parent = made[parent_at % len(made)]
        if kind == "!":
            parent.append(etree.Comment("c"))
        elif kind == "?":
            parent.append(etree.ProcessingInstruction("pi"))
        else:
            tag = "{urn:p}a" if kind == "p:a" else kind
            made.append(etree.SubElement(parent, tag))
    tree = parse(decode(etree.tostring(root)))
    finder = PathFinder(tree)
    for el in tree.iter():
        if isinstance(el.tag, str):
            assert finder(el) == tree.getpath(el)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<retry-count>1</retry-count>", b'<retry-count>1</retry-count><q xmlns="urn:x"/>'),
        (b"<ma-discovery-errors/>", b'<ma-discovery-errors/><zz xmlns="urn:x"><a/></zz>'),
        (b"<mv-retry-errors/>", b'<mv-retry-errors><p:b xmlns:p="urn:p"/></mv-retry-errors>'),
    ],
)
def test_namespaced_elements_have_libxml2s_paths_in_both_modes(old: bytes, new: bytes) -> None:
    tree, streamed = _both(BASE.replace(old, new, 1), _options())
    assert tree and streamed == tree
    assert any("*[" in f.path or "p:b" in f.path for f in streamed)  # type: ignore[attr-defined]


def test_inline_suppressions_apply_in_both_modes() -> None:
    data = _many(40, bad_every=9)
    first = data.index(b"<import-error ")
    # One comment that suppresses R001 on the first record, one that suppresses nothing (U001).
    data = (
        data[:first]
        + b"<!-- runhistory: ignore R001 -->\n    "
        + data[first:].replace(b"<ma-id>", b"<!-- runhistory: ignore R002 --><ma-id>", 1)
    )
    data = data.replace(b"<run-details>", b"<run-details><!-- runhistory: ignore R002 -->", 1)
    options = _options()
    tree = validate_bytes(data, "d", options).findings
    streamed = stream.validate_stream(io.BytesIO(data), "d", options).findings
    assert streamed == tree
    codes = [f.rule for f in streamed]
    assert "U001" in codes and codes.count("R001") == 4  # five bad records, one suppressed


def test_too_many_elements_held_is_d006(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streaming stops checking (D006 at the element past the bound) rather than hold an
    unbounded skeleton or record."""
    monkeypatch.setattr(stream_walk, "MAX_HELD", 100)
    text = (FIXTURES / "valid" / "delta-import-sync.xml").read_text(encoding="utf-8")
    data = text.replace("<ma-id>", "<x/>\n" * 500 + "<ma-id>", 1).encode()
    report = stream.validate_stream(io.BytesIO(data), "x.xml")
    assert [(f.rule, f.line) for f in report.findings] == [
        ("D006", 102)
    ]  # root, run-details and 98 <x/> held
    assert stream.validate_stream(io.BytesIO(text.encode()), "x.xml").findings == []


def _steps(data: bytes, copies: int) -> bytes:
    """``data`` with its step-details repeated ``copies`` times (step-number kept: the rules
    about numbering then report, which is more to compare)."""
    start = data.index(b"  <step-details ")
    end = data.index(b"</step-details>\n") + len(b"</step-details>\n")
    return data[:start] + data[start:end] * copies + data[end:]


def _nth(data: bytes, old: bytes, new: bytes, n: int) -> bytes:
    """``data`` with the ``n``-th (0-based) occurrence of ``old`` replaced by ``new`` (the last
    one when there are fewer)."""
    at = -1
    for _ in range(min(n + 1, data.count(old))):
        at = data.index(old, at + 1)
    if at < 0:
        return data
    return data[:at] + new + data[at + len(old) :]


_EDITS: dict[str, Callable[[bytes], bytes]] = {
    # text in the tail of a record in the middle of a run (the first is a shell anyway)
    "tail text": lambda d: _nth(d, b"</import-error>\n", b"</import-error>x\n", 5),
    # a no-break space is not XML white space: the schema reports it as text
    "no-break space in a tail": lambda d: _nth(
        d, b"</import-error>\n", "</import-error>\u00a0\n".encode(), 5
    ),
    "comments and PIs between records": lambda d: d.replace(
        b"</import-error>\n", b"</import-error><!-- c --><?pi x?>\n"
    ),
    "text after a comment between records": lambda d: _nth(
        d, b"</import-error>\n", b"</import-error><!-- c -->x<?pi?>\n", 4
    ),
    "suppression comments before every record": lambda d: d.replace(
        b"<import-error ", b"<!-- runhistory: ignore R001 -->\n<import-error "
    ),
    "an element between records": lambda d: d.replace(
        b"</import-error>\n", b"</import-error><bogus/>\n", 3
    ),
    "export-error before import-errors": lambda d: d.replace(
        b"<synchronization-errors>\n",
        b"<synchronization-errors>\n<export-error cs-guid='x' dn='y'/>\n",
        1,
    ),
    "a record inside a record": lambda d: d.replace(
        b"<retry-count>",
        b"<import-error cs-guid='{x}'><retry-count>1</retry-count></import-error><retry-count>",
        2,
    ),
    "a record where no record sits": lambda d: d.replace(
        b"<ma-id>",
        b"<import-error cs-guid='bad'><first-occurred>x</first-occurred></import-error><ma-id>",
        1,
    ),
    "incidents in several steps, out of order": lambda d: _steps(
        d.replace(
            b"<date>2018-07-24 02:00:03.420</date>", b"<date>2018-07-25 02:00:03.420</date>"
        ).replace(
            b"</incident>\n",
            b"</incident>\n<incident><connection-result>failed-search"
            b"</connection-result><date>2018-07-24 01:00:00.000</date></incident>\n",
        ),
        3,
    ),
    "a namespaced record": lambda d: d.replace(
        b"<import-error ", b"<import-error xmlns='urn:x' ", 1
    ),
    "a prefixed record": lambda d: d.replace(
        b"</synchronization-errors>",
        b"<p:import-error xmlns:p='urn:p'/></synchronization-errors>",
        1,
    ),
}


@pytest.mark.parametrize("edit", list(_EDITS), ids=list(_EDITS))
@pytest.mark.parametrize("chunk", [7, 501, 1 << 16])
def test_records_in_odd_places_give_the_same_findings_in_both_modes(
    edit: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shells, tails, strays, nested and namespaced records, state kept between rules across
    steps: whatever the chunk boundaries, streaming agrees with tree mode."""
    monkeypatch.setattr(stream_source, "CHUNK", chunk)
    monkeypatch.setattr(stream_source, "HEAD", 600)
    data = _EDITS[edit](_steps(_many(30, bad_every=4), 2))
    tree, streamed = _both(data, _options())
    assert tree and streamed == tree


def test_minified_long_document_columns_match() -> None:
    """Columns on a line holding many same-named start tags, the records before dropped."""
    data = re.sub(rb">\s+<", b"><", _many(400, bad_every=37))
    tree, streamed = _both(data, _options())
    assert len(tree) > 10 and streamed == tree


@settings(max_examples=25, deadline=None, database=None, derandomize=True)
@given(
    records=st.integers(1, 40),
    bad_every=st.integers(0, 6),
    edits=st.lists(st.sampled_from(sorted(_EDITS)), max_size=3, unique=True),
    chunk=st.integers(1, 3000),
    profile=st.sampled_from(["strict", "product"]),
)
def test_edited_documents_in_any_chunks_give_the_same_findings_in_both_modes(
    records: int, bad_every: int, edits: list[str], chunk: int, profile: str
) -> None:
    data = _steps(_many(records, bad_every=bad_every), 2)
    for edit in edits:
        data = _EDITS[edit](data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stream_source, "CHUNK", chunk)
        patch.setattr(stream_source, "HEAD", 600)
        tree, streamed = _both(data, _options(profile))
    assert streamed == tree


def test_a_huge_record_is_d006_and_the_rest_is_still_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the bound inside one record streaming stops checking, holds nothing more, and still
    reads the rest for well-formedness (a syntax error further on is the finding then)."""
    monkeypatch.setattr(stream_walk, "MAX_HELD", 100)
    monkeypatch.setattr(stream_source, "CHUNK", 512)
    monkeypatch.setattr(stream_source, "HEAD", 600)
    text = _many(30).decode()
    huge = text.replace("<retry-count>", "<x/>\n" * 300 + "<retry-count>", 1)
    report = stream.validate_stream(io.BytesIO(huge.encode()), "x.xml")
    assert [f.rule for f in report.findings] == ["D006"]
    broken = huge.replace("</run-history>", "</run-histor>")
    report = stream.validate_stream(io.BytesIO(broken.encode()), "x.xml")
    assert [f.rule for f in report.findings] == ["D001"]
