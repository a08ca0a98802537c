"""Run ``runhistory`` on hostile input in a watched, bounded subprocess.

What the child may not do is proven three ways, each independent of the code under test:

* a Python audit hook (installed before runhistory is imported) records every ``open`` of a path
  outside the interpreter, the package and the input directory, and every ``socket.*`` event;
* inotify (Linux, through ctypes) watches the directory holding the canary files, so an open by
  libxml2's own C code, which no audit hook sees, is caught by the kernel;
* a listening socket on 127.0.0.1 that hostile documents point their URLs at: an accepted
  connection means something tried the network.

The child runs under ``RLIMIT_AS`` (300 MiB) and a 5 s timeout: the hostile corpus bounds are
resource limits that make a regression fail loudly, not timings.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import resource
import socket
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIME_LIMIT = 5.0
MEMORY_LIMIT = 300 << 20

# The child: open the record file, install the hook, then run the CLI.
_BOOTSTRAP = r"""
import os, sys
allowed = tuple(os.path.realpath(p) for p in os.environ["SANDBOX_ALLOWED"].split(os.pathsep))
out = open(os.environ["SANDBOX_RECORD"], "w")
seen = []
def hook(event, args):
    if event.startswith("socket.") or event in ("urllib.Request", "subprocess.Popen", "os.system"):
        seen.append([event, repr(args)[:200]])
    elif event == "open" and isinstance(args[0], (str, bytes)):
        path = os.fsdecode(args[0])
        if not os.path.realpath(path).startswith(allowed):
            seen.append([event, path])
sys.addaudithook(hook)
import json, atexit
atexit.register(lambda: (out.write(json.dumps(seen)), out.flush()))
from runhistory.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
sys.exit(code)
"""


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    opened: list[list[str]]  # what the audit hook recorded
    touched: list[str] = field(default_factory=list)  # inotify: canary files opened or read
    connections: int = 0  # connections the listener accepted

    def json(self) -> object:
        return json.loads(self.out)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class Inotify:
    """The names of files opened or read in one directory (IN_OPEN | IN_ACCESS)."""

    IN_ACCESS, IN_OPEN, IN_ISDIR, IN_NONBLOCK = 0x1, 0x20, 0x40000000, 0o4000

    def __init__(self, directory: Path) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        self.fd = libc.inotify_init1(self.IN_NONBLOCK)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        if (
            libc.inotify_add_watch(self.fd, os.fsencode(directory), self.IN_OPEN | self.IN_ACCESS)
            < 0
        ):
            os.close(self.fd)
            raise OSError(ctypes.get_errno(), "inotify_add_watch")

    def names(self) -> list[str]:
        found: list[str] = []
        while True:
            try:
                buf = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return found
            i = 0
            while i < len(buf):
                _wd, mask, _cookie, length = struct.unpack_from("iIII", buf, i)
                name = buf[i + 16 : i + 16 + length].rstrip(b"\0").decode()
                if not mask & self.IN_ISDIR:  # listing the directory (imports do) is no read
                    found.append(name)
                i += 16 + length

    def close(self) -> None:
        os.close(self.fd)


def opened_prefix(opened: set[str], name: str = "capture-{:05}.xml") -> int:
    """How many documents ``name.format(0)``, ``name.format(1)``, ... were opened without a gap.

    With worker processes, the documents opened are not a prefix of the batch (each worker
    takes its own chunk), and an interrupted batch reports only the prefix it finished: that
    prefix is at least this one."""
    n = 0
    while name.format(n) in opened:
        n += 1
    return n


@contextlib.contextmanager
def listener() -> Iterator[socket.socket]:
    """A TCP socket on 127.0.0.1 that nothing should ever connect to."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    try:
        yield sock
    finally:
        sock.close()


def _accepted(sock: socket.socket) -> int:
    n = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return n
        conn.close()
        n += 1


def run(
    args: list[str],
    *,
    inputs: Path,
    canaries: Path,
    sock: socket.socket | None = None,
    stdin: bytes | None = None,
    timeout: float = TIME_LIMIT,
) -> Outcome:
    """Run ``runhistory ARGS`` with cwd ``canaries``; it may read ``inputs`` and nothing else."""
    import runhistory

    allowed = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        str(Path(runhistory.__file__).parent),
        str(inputs),
        os.devnull,
    ]
    watch = Inotify(canaries)
    record = inputs.parent / f".sandbox-record-{os.getpid()}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(SANDBOX_ALLOWED=os.pathsep.join(allowed), SANDBOX_RECORD=str(record))
    env["PYTHONPATH"] = str(REPO / "src")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _BOOTSTRAP, *args],
            input=stdin if stdin is not None else b"",
            capture_output=True,
            cwd=canaries,
            env=env,
            timeout=timeout,
            preexec_fn=_limits,
            check=False,
        )
        touched = watch.names()
    finally:
        watch.close()
    recorded = record.read_text() if record.exists() else ""
    record.unlink(missing_ok=True)
    return Outcome(
        code=proc.returncode,
        out=proc.stdout.decode("utf-8", "replace"),
        err=proc.stderr.decode("utf-8", "replace"),
        opened=json.loads(recorded) if recorded else [["no record", "the child died early"]],
        touched=sorted(set(touched)),
        connections=_accepted(sock) if sock is not None else 0,
    )
