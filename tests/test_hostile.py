"""The hostile corpus: every case ends in one clear finding or message, exit 1 or 2, no traceback,
no network, no file read beyond the input, within 5 s and 300 MiB (see ``sandbox.py``).

Small cases are committed under ``tests/hostile/`` (see its README); large ones, and those that
need the test's own paths or port, are generated here into ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import sandbox
from conftest import Cli

HOSTILE = Path(__file__).parent / "hostile"
SECRET = "CANARY-7f3a9c-runhistory-must-never-print-this"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux")


Box = tuple[Path, Path, socket.socket]  # the sandbox: inputs, outputs, socket


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Box]:
    """(input directory, canary directory used as cwd, a listener nothing may connect to)."""
    inputs, canaries = tmp_path / "in", tmp_path / "work"
    inputs.mkdir()
    canaries.mkdir()
    (canaries / "canary.txt").write_text(SECRET + "\n")
    (canaries / "canary.dtd").write_text(f'<!ENTITY secret "{SECRET}">\n')
    with sandbox.listener() as sock:
        yield inputs, canaries, sock


def check(
    box: tuple[Path, Path, socket.socket], args: list[str], *, stdin: bytes | None = None
) -> sandbox.Outcome:
    inputs, canaries, sock = box
    r = sandbox.run(args, inputs=inputs, canaries=canaries, sock=sock, stdin=stdin)
    assert "Traceback" not in r.out + r.err, r.err
    assert SECRET not in r.out + r.err
    assert r.opened == [], f"opened or connected outside the input: {r.opened}"
    assert r.touched == [], f"canary files were opened: {r.touched}"
    assert r.connections == 0, "something connected to the network listener"
    return r


def only_finding(r: sandbox.Outcome) -> dict[str, object]:
    data = r.json()
    assert isinstance(data, dict)
    (report,) = data["files"]
    (finding,) = report["findings"]
    assert isinstance(finding, dict)
    assert "\n" not in str(finding["message"])
    return finding


# -- committed corpus ------------------------------------------------------------------------

COMMITTED = {
    "xxe-local-file.xml": ("D004", 2),
    "xxe-parameter-entity.xml": ("D004", 2),
    "external-dtd.xml": ("D004", 2),
    "xinclude.xml": ("S101", 3),
    "billion-laughs.xml": ("D006", 1),
    "nul-bytes.xml": ("D001", 3),
    "invalid-utf8.xml": ("D001", 3),
    "lone-surrogate-utf8.xml": ("D001", 3),
    "lone-surrogate-utf16le.xml": ("D001", 3),
    "invalid-utf16be.xml": ("D001", 3),
    "utf16-odd-length.xml": ("D001", 4),
    "empty.xml": ("D002", None),
    "whitespace-only.xml": ("D002", None),
    "binary-png.xml": ("D007", 1),
    "binary-gzip.xml": ("D007", 1),
    "binary-starting-with-lt.xml": ("D001", 1),
}


def test_every_committed_case_is_listed_here_and_in_the_readme() -> None:
    files = sorted(p.name for p in HOSTILE.glob("*.xml"))
    assert files == sorted(COMMITTED)
    readme = (HOSTILE / "README.md").read_text()
    for name in files:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_committed_case(box: Box, name: str) -> None:
    code, line = COMMITTED[name]
    target = box[0] / name
    shutil.copyfile(HOSTILE / name, target)
    r = check(box, ["validate", "--format", "json", str(target)])
    assert r.code == 1 and r.err == ""
    finding = only_finding(r)
    assert (finding["rule"], finding["line"]) == (code, line)


def test_encoding_errors_are_located_and_named() -> None:
    from runhistory.validate import validate_bytes

    cases = {
        "lone-surrogate-utf8.xml": "UTF-16 surrogate written as UTF-8 (bytes ED A0 80)",
        "lone-surrogate-utf16le.xml": "unpaired UTF-16 surrogate (bytes 00 D8)",
        "invalid-utf16be.xml": "unpaired UTF-16 surrogate (bytes DC 00)",
        "invalid-utf8.xml": "not valid UTF-8 (FF)",
        "utf16-odd-length.xml": "cut in the middle of a character",
    }
    for name, words in cases.items():
        (f,) = validate_bytes((HOSTILE / name).read_bytes(), name).findings
        assert words in f.message, (name, f.message)
        assert f.line is not None and f.column is not None, (name, f)
        assert f.column > 1 or name == "utf16-odd-length.xml", (name, f)


# -- generated at test time ------------------------------------------------------------------

MB = 1 << 20


def _deep(_port: int) -> bytes:
    return b"<run-history>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</run-history>"


def _big_text(_port: int) -> bytes:
    return b"<run-history><run-details>" + b"x" * (100 * MB) + b"</run-details></run-history>"


def _big_attribute(_port: int) -> bytes:
    return b'<run-history><run-details a="' + b"x" * (10 * MB) + b'"/></run-history>'


def _quadratic(_port: int) -> bytes:
    entity = b"A" * 100_000
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE run-history [<!ENTITY a "'
        + entity
        + b'">]>\n<run-history>'
        + b"&a;" * 100_000
        + b"</run-history>"
    )


def _network_dtd(port: int) -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE run-history SYSTEM "http://127.0.0.1:%d/run.dtd">\n'
        b"<run-history>&secret;</run-history>" % port
    )


def _network_entity(port: int) -> bytes:
    return (
        b'<?xml version="1.0"?>\n<!DOCTYPE run-history [\n'
        b'  <!ENTITY %% ext SYSTEM "http://127.0.0.1:%d/ext.dtd"> %%ext;\n'
        b'  <!ENTITY remote SYSTEM "http://127.0.0.1:%d/remote.txt">\n]>\n'
        b"<run-history>&remote;</run-history>" % (port, port)
    )


def _schema_location(port: int) -> bytes:
    return (
        b'<run-history xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="http://127.0.0.1:%d/x.xsd"/>' % port
    )


GENERATED: dict[str, tuple[Callable[[int], bytes], str, str]] = {
    # name: (document, code, words the message must hold)
    "deep-nesting": (_deep, "D006", "safety limit: elements are nested deeper than 256 levels"),
    "text-node-100mb": (_big_text, "D006", "safety limit: a text node is longer"),
    "attribute-10mb": (_big_attribute, "D006", "safety limit"),
    "quadratic-blowup": (_quadratic, "D006", "safety limit: its entity declarations would expand"),
    "external-dtd-network": (_network_dtd, "D004", "neither loaded nor expanded"),
    "external-entity-network": (_network_entity, "D004", "neither loaded nor expanded"),
    "schema-location-network": (_schema_location, "S102", "<run-details>"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_case(box: Box, name: str) -> None:
    make, code, words = GENERATED[name]
    target = box[0] / f"{name}.xml"
    target.write_bytes(make(box[2].getsockname()[1]))
    r = check(box, ["validate", "--format", "json", str(target)])
    assert r.code == 1 and r.err == ""
    finding = only_finding(r)
    assert finding["rule"] == code
    assert words in str(finding["message"])
    assert finding["line"] is not None


def test_huge_document_on_stdin(box: Box) -> None:
    r = check(box, ["validate", "-"], stdin=_big_text(0))
    assert r.code == 1
    assert "<stdin>:1:" in r.out and "D006" in r.out and "safety limit" in r.out


def test_over_max_bytes_is_refused_before_parsing(box: Box) -> None:
    target = box[0] / "big.xml"
    target.write_bytes(_big_text(0))
    r = check(box, ["validate", "--max-bytes", "1000000", str(target)])
    assert r.code == 1
    assert "D006" in r.out and "over the limit of 1,000,000" in r.out


# -- paths that are not documents ------------------------------------------------------------


def test_directory_named_xml(box: Box) -> None:
    inputs = box[0]
    (inputs / "capture.xml").mkdir()
    r = check(box, ["validate", str(inputs / "capture.xml")])
    assert r.code == 2
    assert r.err == f"runhistory: {inputs / 'capture.xml'}: directory holds no *.xml file\n"
    r = check(box, ["validate", str(inputs)])  # walked: the directory is not taken for a file
    assert r.code == 2 and "holds no *.xml file" in r.err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_in_a_walk_is_refused_not_read(box: Box) -> None:
    inputs = box[0]
    os.mkfifo(inputs / "pipe.xml")  # opening it to read would block until the time limit
    shutil.copyfile(HOSTILE / "empty.xml", inputs / "z.xml")
    r = check(box, ["validate", str(inputs)])
    assert r.code == 2
    assert f"{inputs / 'pipe.xml'}: not a regular file" in r.err
    # The report lists every operand in order: the FIFO with its error, then z.xml.
    assert r.out.startswith(f"{inputs / 'pipe.xml'}: error: not a regular file")
    assert f"\n{inputs / 'z.xml'}: error D002" in r.out


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_device_is_refused_not_read(box: Box, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    r = check(box, ["validate", device])
    assert r.code == 2
    assert (
        r.err
        == f"runhistory: {device}: not a regular file (a FIFO, socket or device is not read)\n"
    )


def test_symlink_loops_in_a_walk(box: Box) -> None:
    inputs = box[0]
    (inputs / "sub").mkdir()
    (inputs / "sub" / "loop").symlink_to(inputs, target_is_directory=True)
    (inputs / "self.xml").symlink_to(inputs / "self.xml")  # a link to itself
    shutil.copyfile(HOSTILE / "nul-bytes.xml", inputs / "sub" / "doc.xml")
    r = check(box, ["validate", str(inputs)])
    assert r.code == 2
    assert r.err == f"runhistory: {inputs / 'self.xml'}: Too many levels of symbolic links\n"
    assert r.out.count(" D001 ") == 1  # the document, once: the loop is not followed
    assert r.out.endswith(
        "1 file checked (strict profile): 1 invalid, 1 error, 0 warnings, 1 unreadable\n"
    )


def test_file_that_disappears_mid_batch(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runhistory import inputs

    for name in ("a.xml", "b.xml", "c.xml"):
        shutil.copyfile(HOSTILE / "nul-bytes.xml", tmp_path / name)
    real_read = inputs.read

    def read_then_remove_the_next(source: Any, max_bytes: int, size: int | None = None) -> bytes:
        data = real_read(source, max_bytes, size)
        if source.name.endswith("a.xml"):
            # missing_ok: a file with errors is read again to count product departures.
            (tmp_path / "b.xml").unlink(missing_ok=True)
        return data

    monkeypatch.setattr(inputs, "read", read_then_remove_the_next)
    r = cli("validate", tmp_path)
    assert r.code == 2
    assert (
        r.err
        == f"runhistory: {tmp_path / 'b.xml'}: no such file (was it removed during the run?)\n"
    )
    assert r.out.count(" D001 ") == 2
    assert "2 files checked" in r.out


def test_batch_goes_on_after_every_hostile_case(box: Box) -> None:
    """The whole committed corpus in one batch: every file is reported, in order, once."""
    inputs = box[0]
    for name in COMMITTED:
        shutil.copyfile(HOSTILE / name, inputs / name)
    r = check(box, ["validate", "--format", "json", str(inputs)])
    assert r.code == 1
    files = r.json()["files"]  # type: ignore[index]
    assert [Path(f["file"]).name for f in files] == sorted(COMMITTED)
    assert all(len(f["findings"]) == 1 for f in files)


def test_nothing_writes_to_the_inputs_and_output_is_deterministic(box: Box) -> None:
    inputs = box[0]
    for name in COMMITTED:
        shutil.copyfile(HOSTILE / name, inputs / name)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in inputs.iterdir()}
    os.chmod(inputs, 0o555)  # and the walk must not need to write there
    try:
        check(box, ["validate", str(inputs)])
        first = check(box, ["validate", "--format", "json", str(inputs)])
        again = check(box, ["validate", "--format", "json", str(inputs)])
        assert first.out == again.out  # deterministic, hostile input included
    finally:
        os.chmod(inputs, 0o755)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in inputs.iterdir()}
    assert after == before
