"""#19 items 1, 12, 14, 15, 22 and 24: --output onto what is already there, errors that must be
one line (unreadable operands, a full disk, closed streams), broken pipes, --jobs bounds,
interrupted runs and --quiet."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, Cli, Result, permissions_apply
from runhistory import interrupts, outfile
from runhistory.inputs import Source

VALID = FIXTURES / "valid" / "delta-import-sync.xml"
TYPE = FIXTURES / "invalid" / "xsd-type.xml"
LINUX = sys.platform.startswith("linux")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(REPO / "src")
    return env


def _run(
    *args: object, cwd: Path | None = None, prefix: tuple[str, ...] = (), **kw: object
) -> Result:
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "runhistory", *map(str, args)],
        cwd=cwd,
        env=_env(),
        timeout=60,
        check=False,
        **kw,  # type: ignore[call-overload]
    )
    return Result(proc.returncode, (proc.stdout or b"").decode(), (proc.stderr or b"").decode())


def _one_line(r: Result) -> str:
    assert "Traceback" not in r.err, r.err
    assert r.err.count("\n") == 1, r.err
    return r.err


# -- item 1: --output onto symbolic links, FIFOs, devices; modes kept --------------------------


def test_output_keeps_the_mode_of_the_report_it_replaces(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o600)
    assert cli("validate", "--format", "json", "-o", target, VALID).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["summary"]["files"] == 1


def test_output_to_a_new_file_gets_the_umask(cli: Cli, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert cli("validate", "-o", tmp_path / "new.txt", VALID).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_output_through_a_symlink_replaces_its_target(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "latest.json"
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(Path("reports") / "latest.json")
    assert cli("validate", "--format", "json", "-o", link, VALID).code == 0
    assert link.is_symlink() and os.readlink(link) == str(Path("reports") / "latest.json")
    assert json.loads(target.read_text())["summary"]["files"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "reports"]
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["latest.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_output_into_a_fifo_is_written_through(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = cli("validate", "--format", "json", "-o", fifo, VALID)
    reader.join(10)
    assert r.code == 0, r.err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(got[0])["summary"]["files"] == 1


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_output_onto_a_character_device_is_written_through(tmp_path: Path) -> None:
    # A pty we own stands for /dev/null or /dev/stdout: replacing it must never be tried.
    master, slave = os.openpty()
    try:
        device = os.ttyname(slave)
        before = os.stat(device)
        outfile.write(device, lambda fh: fh.write("report line\n"))
        after = os.stat(device)
        assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
        assert os.read(master, 100).replace(b"\r", b"") == b"report line\n"
    finally:
        os.close(master)
        os.close(slave)


def test_output_to_dev_null_leaves_it_a_device(cli: Cli) -> None:
    assert cli("validate", "-o", os.devnull, VALID).code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="needs /dev/stdout")
def test_output_to_dev_stdout_on_a_pipe() -> None:
    r = _run("validate", "--format", "json", "-o", "/dev/stdout", VALID)
    assert r.code == 0, r.err
    report, summary = r.out.rsplit("}\n", 1)
    assert json.loads(report + "}")["summary"]["files"] == 1
    assert summary.startswith("1 file checked")


def test_output_onto_a_directory_or_socket_is_refused(cli: Cli, tmp_path: Path) -> None:
    r = cli("validate", "-o", tmp_path, VALID)
    assert r.code == 2 and "is a directory" in _one_line(r)
    if hasattr(socket, "AF_UNIX"):
        path = tmp_path / "s.sock"
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
            r = cli("validate", "-o", path, VALID)
        assert r.code == 2 and "is a socket" in _one_line(r)
        assert stat.S_ISSOCK(path.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_output_onto_an_input_is_refused(cli: Cli, tmp_path: Path) -> None:
    capture = tmp_path / "capture.xml"
    shutil.copy(VALID, capture)
    (tmp_path / "link.xml").symlink_to(capture)
    for target, operand in ((capture, capture), (tmp_path / "link.xml", tmp_path)):
        r = cli("validate", "-o", target, operand)
        assert r.code == 2 and "the report would replace it" in _one_line(r)
        assert capture.read_bytes() == VALID.read_bytes()


def test_output_onto_the_configuration_file_is_refused(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configuration is read too: -o naming it (given or found) would replace it."""
    config = tmp_path / "runhistory.toml"
    config.write_text('profile = "strict"\n')
    r = cli("validate", "--config", config, "-o", config, VALID)
    assert r.code == 2 and "the report would replace it" in _one_line(r)
    project = tmp_path / "pyproject.toml"
    project.write_text('[tool.runhistory]\nprofile = "strict"\n')
    monkeypatch.chdir(tmp_path)
    config.unlink()
    r = cli("validate", "-o", "pyproject.toml", VALID)
    assert r.code == 2 and "the report would replace it" in _one_line(r)
    assert project.read_text() == '[tool.runhistory]\nprofile = "strict"\n'


# -- item 22: interrupted runs ---------------------------------------------------------------


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old report")
    previous = signal.getsignal(signal.SIGTERM)
    interrupts.install()

    def render(fh: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the write")  # pragma: no cover

    try:
        with pytest.raises(interrupts.Terminated):
            outfile.write(target, render)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_an_interrupted_sarif_does_not_claim_success() -> None:
    from runhistory.output.sarif_format import to_data
    from runhistory.report import FileReport, Report

    report = Report("strict", files=[FileReport("a.xml", [])], interrupted=True)
    (invocation,) = to_data(report)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert "interrupted after 1 input(s)" in note["message"]["text"]


@pytest.mark.skipif(not LINUX, reason="inotify is Linux")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_run_leaves_the_output_file_as_it_was(
    tmp_path: Path, signum: int, code: int
) -> None:
    from sandbox import Inotify

    batch = tmp_path / "batch"
    batch.mkdir()
    for i in range(3000):
        shutil.copy(VALID, batch / f"capture-{i:05}.xml")
    target = tmp_path / "report.sarif"
    target.write_text("the last whole report")
    watch = Inotify(batch)
    proc = subprocess.Popen(
        [sys.executable, "-m", "runhistory", "validate", "--format", "sarif", "-o", target, batch],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    try:
        _wait_for_opens(watch, 20)
        os.kill(proc.pid, signum)
        _, err = proc.communicate(timeout=60)
    finally:
        watch.close()
        _reap(proc)
    errors = err.decode()
    assert "Traceback" not in errors
    assert proc.returncode == code, errors
    assert "was not written (left as it was)" in errors
    assert target.read_text() == "the last whole report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch", "report.sarif"]


def _wait_for_opens(watch: object, n: int) -> None:
    import select

    opened: set[str] = set()
    while len(opened) < n:
        ready, _, _ = select.select([watch.fd], [], [], 30)  # type: ignore[attr-defined]
        assert ready, "the child stopped opening documents"
        opened.update(watch.names())  # type: ignore[attr-defined]


def _reap(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


# -- item 12: one line and exit 2, never a traceback -----------------------------------------

LONG = "x" * 300  # past NAME_MAX: ENAMETOOLONG


@pytest.mark.parametrize(
    "args",
    [
        ("validate", LONG),
        ("validate", "--config", LONG, VALID),
        ("show", LONG),
        ("errors", LONG),
        ("convert", "--to", "json", LONG),
    ],
    ids=["validate", "config", "show", "errors", "convert"],
)
def test_a_name_too_long_is_one_line(cli: Cli, args: tuple[object, ...]) -> None:
    r = cli(*args)
    assert r.code == 2
    assert "too long" in _one_line(r).lower()


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "locked/a.xml"),
        ("validate", "locked/*.xml"),
        ("validate", "--config", "locked/r.toml", VALID),
        ("show", "locked/a.xml"),
        ("errors", "locked/a.xml"),
        ("convert", "--to", "json", "locked/a.xml"),
    ],
    ids=["validate", "glob", "config", "show", "errors", "convert"],
)
def test_a_folder_that_cannot_be_searched_is_one_line(
    tmp_path: Path, args: tuple[object, ...]
) -> None:
    # As root too: without root's permission override (skipped, saying why, where impossible).
    prefix = permissions_apply()
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(VALID, locked / "a.xml")
    (locked / "r.toml").write_text("")
    locked.chmod(0)
    try:
        r = _run(*args, cwd=tmp_path, prefix=prefix)
    finally:
        locked.chmod(0o700)
    assert r.code == 2, r.err
    assert "permission denied" in _one_line(r).lower()


def test_convert_a_json_integer_too_long_is_one_line(cli: Cli, tmp_path: Path) -> None:
    text = cli("convert", "--to", "json", VALID).out
    big = tmp_path / "big.json"
    big.write_text(text.replace('"run_number": ', '"run_number": ' + "9" * 5000, 1))
    assert big.read_text() != text
    r = cli("convert", "--to", "xml", big)
    assert r.code == 1
    assert "5004 digits" in _one_line(r)  # 5000 nines before 1842


FULL_COMMANDS = [
    ("validate", VALID),
    ("validate", "--format", "sarif", VALID),
    ("show", VALID),
    ("errors", VALID),
    ("errors", "--format", "csv", VALID),
    ("convert", "--to", "json", VALID),
    ("convert", "--to", "xml", VALID),
    ("rules",),
    ("schema",),
    ("status", "success"),
    ("--help",),
    ("validate", "--help"),
]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", FULL_COMMANDS, ids=lambda a: "-".join(map(str, a))[:30])
def test_stdout_on_a_full_disk_is_one_line_exit_2(args: tuple[object, ...]) -> None:
    with open("/dev/full", "wb") as full:
        r = _run(*args, stdout=full)
    assert r.code == 2
    assert "cannot write standard output: No space left on device" in _one_line(r)


def test_closed_stdin_is_one_line_exit_2() -> None:
    r = _run("validate", "-", stdin=None, preexec_fn=lambda: os.close(0))
    assert r.code == 2
    assert "<stdin>: standard input is closed" in _one_line(r)
    r = _run("show", "-", stdin=None, preexec_fn=lambda: os.close(0))
    assert r.code == 2 and "standard input is closed" in _one_line(r)


# -- item 14: a broken pipe is not success ---------------------------------------------------


@pytest.mark.parametrize("args", [("rules",), ("validate", TYPE), ("schema",)])
def test_a_broken_pipe_is_not_success(args: tuple[object, ...]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first write (as "| head -0" would be)
    try:
        r = _run(*args, stdout=write)
    finally:
        os.close(write)
    assert r.code == 141
    assert r.err == ""


# -- item 15: --jobs is capped ---------------------------------------------------------------


def test_jobs_are_capped_and_it_says_so(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from runhistory import batch

    monkeypatch.setattr(batch, "cpus", lambda: 2)
    assert batch.capped_jobs(4) == (4, None)
    jobs, note = batch.capped_jobs(100)
    assert jobs == 4 and note is not None and "--jobs 100 lowered to 4" in note
    r = cli("validate", "--jobs", "100", VALID)
    assert r.code == 0
    assert r.err == f"runhistory: {note}\n"
    seen: list[int] = []
    monkeypatch.setattr(batch, "_run_parallel", lambda tasks, v, jobs, cb: seen.append(jobs))
    tasks = [batch.Task(Source("a", Path("a")), 0, 1)] * batch.PARALLEL_MIN
    batch.run(tasks, [], 100, lambda t, o: None)
    assert seen == [4]  # the API caps too


# -- item 24: --quiet and --statistics -------------------------------------------------------


def test_quiet_statistics_with_output_prints_the_statistics(cli: Cli, tmp_path: Path) -> None:
    r = cli("validate", "-q", "--statistics", "-o", tmp_path / "r.txt", TYPE)
    assert r.code == 1
    assert r.out.splitlines()[0].split() == [
        "1",
        "S106",
        "a",
        "value",
        "that",
        "is",
        "not",
        "of",
        "the",
        "schema's",
        "type",
    ]
    assert r.out.splitlines()[1].startswith("1 file checked")


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "gitlab"])
def test_quiet_with_a_machine_format_on_stdout_is_a_usage_error(cli: Cli, fmt: str) -> None:
    r = cli("validate", "-q", "--format", fmt, TYPE)
    assert r.code == 2 and r.out == ""
    assert "--output FILE" in _one_line(r)


def test_quiet_with_a_machine_format_into_a_file(cli: Cli, tmp_path: Path) -> None:
    r = cli("validate", "-q", "--format", "json", "-o", tmp_path / "r.json", TYPE)
    assert r.code == 1
    assert r.out == "1 file checked (strict profile): 1 invalid, 1 error, 0 warnings\n"
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["errors"] == 1


def test_os_errors_other_than_output_still_propagate() -> None:
    from runhistory import cli

    assert errno.ENOENT not in cli._OUTPUT_ERRNOS


# -- item 13: worker processes never outlive the run -----------------------------------------


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not LINUX, reason="inotify and /proc are Linux")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGKILL, -9), (signal.SIGTERM, 143)])
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path, signum: int, code: int) -> None:
    import time

    from sandbox import Inotify

    for i in range(3000):
        shutil.copy(VALID, tmp_path / f"capture-{i:05}.xml")
    watch = Inotify(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "runhistory", "validate", "-j", "2", "-q", tmp_path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    workers: set[int] = set()
    try:
        _wait_for_opens(watch, 20)
        workers = _children(proc.pid)
        assert len(workers) == 2
        os.kill(proc.pid, signum)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, err.decode()
        assert "Traceback" not in err.decode()
        deadline = time.monotonic() + 20
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "orphaned workers"
    finally:
        watch.close()
        _reap(proc)
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)


# -- the same classes in report and diff (written by runhistory.archive.output) ---------------


def test_report_csv_neutralises_formula_cells_and_output_keeps_links(
    cli: Cli, tmp_path: Path
) -> None:
    cli("generate", "--runs", "2", "--ma", '=HYPERLINK("http://x")', "--out", tmp_path / "a")
    (tmp_path / "out").mkdir()
    real = tmp_path / "out" / "runs.csv"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "runs.csv"
    link.symlink_to(real)
    r = cli("report", tmp_path / "a", "--format", "csv", "--output", link)
    assert r.code == 0, r.err
    assert link.is_symlink() and stat.S_IMODE(real.stat().st_mode) == 0o600
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(real.read_text())))
    assert rows and all(row["agent"] == '\'=HYPERLINK("http://x")' for row in rows)
    r = cli("report", tmp_path / "a", "--format", "json", "--output", os.devnull)
    assert r.code == 0 and stat.S_ISCHR(os.stat(os.devnull).st_mode)
    r = cli("report", tmp_path / "a", "--format", "json", "--output", tmp_path / "out")
    assert r.code == 2 and "is a directory" in _one_line(r)


def test_closed_stderr_is_no_traceback() -> None:
    r = _run("validate", "no-such-file.xml", preexec_fn=lambda: os.close(2), stderr=None)
    assert r.code == 2


_ORPHAN = r"""
import os, sys, time
from runhistory import interrupts
interrupts._pdeathsig = lambda: False  # the watching thread, as where prctl does not exist
parent = os.getpid()
worker = os.fork()
if worker == 0:
    os.close(1)  # the test reads the parent's output to its end: not ours
    interrupts.bind_to_parent(parent)  # often after the parent has exited: that race too
    time.sleep(30)
    os._exit(0)
print(worker, flush=True)
os._exit(0)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_the_parent_watch_ends_an_orphaned_worker() -> None:
    import time

    proc = subprocess.run(
        [sys.executable, "-c", _ORPHAN], capture_output=True, env=_env(), timeout=30, check=True
    )
    worker = int(proc.stdout)
    deadline = time.monotonic() + 10
    try:
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "the worker outlived its parent"
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)


@pytest.mark.skipif(not LINUX, reason="inotify and /proc are Linux")
def test_a_worker_killed_mid_batch_is_reported_not_a_traceback(tmp_path: Path) -> None:
    from sandbox import Inotify

    for i in range(3000):
        shutil.copy(VALID, tmp_path / f"capture-{i:05}.xml")
    watch = Inotify(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "runhistory", "validate", "-j", "2", "-q", tmp_path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    try:
        _wait_for_opens(watch, 20)
        os.kill(min(_children(proc.pid)), signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
    finally:
        watch.close()
        _reap(proc)
    errors = err.decode()
    assert "Traceback" not in errors
    assert proc.returncode == 2
    assert "a worker process died" in errors
    assert "checked (strict profile)" in out.decode()  # the summary of what was done
