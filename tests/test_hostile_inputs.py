"""Inputs that were skipped, mis-read or read too far (issue 19, items 6, 17 and 19; issue 18,
item 4)."""

from __future__ import annotations

import io
import os
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, Result, permissions_apply, run_process

VALID = FIXTURES / "valid" / "delta-import-sync.xml"

Cli = Callable[..., Result]


# -- item 6: a directory that cannot be listed --------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.xml").write_bytes(VALID.read_bytes())
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.xml").write_bytes(VALID.read_bytes())
    return tmp_path


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make listing ``denied`` fail as it does for a user without read permission (the tests
    may run as root, whom chmod does not stop)."""
    real = os.scandir

    def scandir(path: Any = ".") -> Iterator[os.DirEntry[str]]:
        if os.path.abspath(path) == str(denied):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subdirectory_is_reported_and_fails_the_run(
    cli: Cli, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, tree / "locked")
    r = cli("validate", "--format", "json", tree)
    assert r.code == 2
    assert f"{tree / 'locked'}: directory cannot be read: permission denied" in r.err
    files = r.json()["files"]
    assert [f["file"] for f in files if "error" not in f] == [str(tree / "ok" / "a.xml")]
    # Every operand is in the report, the unreadable directory with its error.
    assert [(f["file"], f["error"]) for f in files if "error" in f] == [
        (str(tree / "locked"), "directory cannot be read: permission denied")
    ]


def test_an_unreadable_operand_directory_says_why_not_that_it_is_empty(
    cli: Cli, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _deny(monkeypatch, tree / "locked")
    r = cli("validate", tree / "locked", tree / "ok")
    assert r.code == 2
    assert "directory cannot be read: permission denied" in r.err
    assert "holds no *.xml" not in r.err
    assert "1 file checked" in r.out


def test_an_unreadable_subdirectory_for_real(tree: Path) -> None:
    prefix = permissions_apply()  # as root (CI): without root's permission override
    (tree / "locked").chmod(0)
    try:
        r = run_process("validate", tree, prefix=prefix)
    finally:
        (tree / "locked").chmod(0o755)
    assert r.code == 2
    assert "locked: directory cannot be read: permission denied" in r.err


# -- item 17 (and issue 18 item 4): D006 says the real size and reads nothing to refuse ----------

SIZE = VALID.stat().st_size


@pytest.mark.parametrize("mode", ["tree", "stream"])
def test_d006_says_the_real_size_in_both_modes(cli: Cli, mode: str) -> None:
    r = cli("validate", "--format", "json", "--mode", mode, "--max-bytes", "1000", VALID)
    assert r.code == 1
    (finding,) = r.json()["files"][0]["findings"]
    assert finding["rule"] == "D006"
    assert f"the document is {SIZE:,} bytes, over the limit of 1,000" in finding["message"]


def _unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything opens the input to read it."""
    from runhistory import inputs

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the input was read to refuse it")

    monkeypatch.setattr(inputs, "_read_bounded", refuse)
    monkeypatch.setattr(inputs, "opened", refuse)


@pytest.mark.parametrize("mode", ["tree", "stream", "auto"])
def test_a_file_over_the_limit_is_refused_without_reading_it(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    big = tmp_path / "big.xml"
    with open(big, "wb") as fh:  # sparse: 3 GiB that take no room
        fh.truncate(3 << 30)
    _unreadable(monkeypatch)
    r = cli("validate", "--mode", mode, big)
    assert r.code == 1
    assert "the document is 3,221,225,472 bytes, over the limit of 1,073,741,824" in r.out


@pytest.mark.parametrize("mode", ["tree", "stream"])
def test_standard_input_over_the_limit_is_read_no_further_and_not_given_a_wrong_size(
    mode: str,
) -> None:
    r = run_process(
        "validate", "--mode", mode, "--max-bytes", "1000", "-", stdin=VALID.read_bytes()
    )
    assert r.code == 1
    assert "the document is more than 1,000 bytes, over the limit" in r.out
    assert "1,001" not in r.out


def test_show_has_max_bytes_and_reports_the_real_size(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in ("show", "errors", "convert"):
        extra = ["--to", "json"] if command == "convert" else []
        r = cli(command, "--max-bytes", "1000", VALID, *extra)
        assert r.code == 2, (command, r.err)
        assert f"the document is {SIZE:,} bytes, over the limit of 1,000" in r.err
        assert "--max-bytes" in r.err
    big = tmp_path / "big.xml"
    with open(big, "wb") as fh:
        fh.truncate(3 << 30)
    _unreadable(monkeypatch)
    r = cli("show", big)
    assert r.code == 2 and "3,221,225,472 bytes" in r.err


def test_the_api_names_its_own_limit() -> None:
    from runhistory import LoadError, loads

    with pytest.raises(LoadError) as caught:
        loads(VALID.read_bytes(), max_bytes=1000)
    (finding,) = caught.value.findings
    assert finding.rule == "D006" and f"{SIZE:,} bytes" in finding.message
    assert "max_bytes" in finding.message
    assert loads(VALID.read_bytes(), max_bytes=SIZE).run_details


# -- item 19: the API with sources that are not plain files ---------------------------------------


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_load_of_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    import runhistory

    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    with _deadline(10), pytest.raises(OSError, match="not a regular file"):
        runhistory.load(fifo)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_load_of_a_device_is_refused(device: str) -> None:
    import runhistory

    with _deadline(10), pytest.raises(OSError, match="not a regular file"):
        runhistory.load(device)


def test_load_of_an_endless_stream_is_bounded() -> None:
    import runhistory

    with (
        _deadline(20),
        open("/dev/zero", "rb") as fh,
        pytest.raises(runhistory.LoadError) as caught,
    ):
        runhistory.load(fh, max_bytes=1 << 20)
    (finding,) = caught.value.findings
    assert finding.rule == "D006" and "more than 1,048,576 bytes" in finding.message


def test_loads_of_text_with_a_lone_surrogate_is_a_load_error() -> None:
    import runhistory

    text = VALID.read_text(encoding="utf-8").replace(
        "</run-history>", "<!-- \ud800 --></run-history>"
    )
    with pytest.raises(runhistory.LoadError) as caught:
        runhistory.loads(text)
    assert [f.rule for f in caught.value.findings] == ["D001"]
    assert "surrogate" in caught.value.findings[0].message


@pytest.mark.parametrize("wrap", [memoryview, bytearray, bytes])
def test_loads_takes_any_bytes_like_object(wrap: Callable[[bytes], Any]) -> None:
    import runhistory

    assert runhistory.loads(wrap(VALID.read_bytes())).run_details


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda r: r.load(VALID.read_bytes()), "loads()"),
        (lambda r: r.load(bytearray(b"<run-history/>")), "loads()"),
        (lambda r: r.load(123), "a file name or a file object"),
        (lambda r: r.loads(None), "bytes or str"),
        (lambda r: r.loads(123), "bytes or str"),
        (lambda r: r.loads([b"<run-history/>"]), "bytes or str"),
    ],
)
def test_wrong_source_types_are_refused_clearly(call: Callable[[Any], Any], words: str) -> None:
    import runhistory

    with pytest.raises(TypeError, match=re.escape(words)):
        call(runhistory)


@pytest.mark.parametrize(
    "source",
    [
        "no/such/file.xml",
        "bad\0name.xml",
        "/",
        "x" * 5000,
    ],
)
def test_load_raises_only_oserror_for_paths_it_cannot_read(source: str) -> None:
    import runhistory

    with pytest.raises(OSError):
        runhistory.load(source)


def test_load_of_a_file_object_that_fails_is_oserror() -> None:
    import runhistory

    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            raise OSError(5, "Input/output error")

    with pytest.raises(OSError):
        runhistory.load(io.BufferedReader(Broken()))
    with pytest.raises(runhistory.LoadError):
        runhistory.load(io.BytesIO(b"not xml"))
    with pytest.raises(runhistory.LoadError):
        runhistory.load(io.StringIO("<run-history>"))


@pytest.mark.parametrize(
    "pattern",
    ["{root}/*/*.xml", "{root}/**/*.xml", "{root}/lock*/*.xml", "{root}/locked/*.xml"],
)
def test_an_unreadable_directory_under_a_glob_is_reported(
    cli: Cli, tree: Path, monkeypatch: pytest.MonkeyPatch, pattern: str
) -> None:
    _deny(monkeypatch, tree / "locked")
    r = cli("validate", pattern.format(root=tree))
    assert r.code == 2
    assert r.err.count(f"{tree / 'locked'}: directory cannot be read: permission denied") == 1
    assert "no file matches" not in r.err


@pytest.mark.parametrize("pattern", ["{root}/ok/*.xml", "{root}/o*/*.xml"])
def test_a_glob_that_does_not_reach_the_unreadable_directory_passes(
    cli: Cli, tree: Path, monkeypatch: pytest.MonkeyPatch, pattern: str
) -> None:
    _deny(monkeypatch, tree / "locked")
    r = cli("validate", pattern.format(root=tree))
    assert r.code == 0 and r.err == ""


def test_the_validate_api_bounds_a_stream_and_does_not_invent_its_size() -> None:
    import runhistory

    with open("/dev/zero", "rb") as fh:
        report = runhistory.validate(fh, max_bytes=1 << 20)
    (finding,) = report.findings
    assert finding.rule == "D006" and "more than 1,048,576 bytes" in finding.message
    assert "1,048,577" not in finding.message
