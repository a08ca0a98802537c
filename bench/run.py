"""The benchmark behind docs/performance.md: ``make bench`` (not part of ``make test``).

Every contender runs as its own process, several times; the table gives wall time (min, median,
max), CPU time (user + system, min) and peak resident memory of each, and the targets of issue 7
as ratios of runs made in the same session on the same file.  The machine may be shared: ratios
of CPU time are steadier than ratios of wall time when other work competes for the cores, so
both are shown.

    python bench/run.py [--quick] [--out docs/performance.md] [--work DIR]

``--quick`` uses smaller documents and fewer runs (to try the script, not to quote).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from inputs import errors_for_size, write_document
from scripts import (
    LOADS,
    LXML,
    LXML_CALL,
    LXML_PARSE,
    PHASES,
    PROFILE,
    RUNHISTORY_CALL,
    XMLSCHEMA,
    XMLSCHEMA_CALL,
)

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
MB = 1_000_000


@dataclass
class Runs:
    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def row(self) -> str:
        return (
            f"| {self.name} | {min(self.wall):.2f} | {self.median:.2f} | {max(self.wall):.2f} "
            f"| {min(self.cpu):.2f} | {max(self.rss_kb) / 1024:.0f} |"
        )


def run(name: str, argv: list[str], times: int) -> Runs:
    """Run ``argv`` ``times`` times with stdout to /dev/null; exit codes 0 and 1 are fine."""
    out = Runs(name)
    for _ in range(times):
        _once(out, argv)
    return out


def alternated(contenders: list[tuple[str, list[str]]], times: int) -> list[Runs]:
    """Run the contenders in turn, ``times`` rounds: a burst of load on the shared machine then
    falls on all of them alike, and ratios of their medians are fair."""
    out = [Runs(name) for name, _argv in contenders]
    for _ in range(times):
        for runs, (_name, argv) in zip(out, contenders, strict=True):
            _once(runs, argv)
    return out


def _once(out: Runs, argv: list[str]) -> None:
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE, cwd=REPO)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{out.name}: exit {code}: {err.decode(errors='replace')}")
    out.wall.append(wall)
    out.cpu.append(usage.ru_utime + usage.ru_stime)
    out.rss_kb.append(usage.ru_maxrss)
    print(f"  {out.name}: {wall:.2f} s, {usage.ru_maxrss / 1024:.0f} MB", file=sys.stderr)


def in_call(script: str, path: Path, times: int) -> float:
    """The least of ``times`` timings a script prints of its own call (seconds)."""
    best = float("inf")
    for _ in range(times):
        proc = subprocess.run(
            [PY, "-c", script, str(path)], cwd=REPO, capture_output=True, text=True, check=True
        )
        best = min(best, float(proc.stdout.strip()))
    return best


def runhistory(*args: str) -> list[str]:
    return [PY, "-m", "runhistory", "validate", *args]


def has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory = f"{mem:.0f} GiB"
    except (ValueError, OSError):
        memory = "?"
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    from lxml import etree

    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {memory}; "
        f"Python {platform.python_version()}, lxml {etree.__version__}, libxml2 "
        f"{'.'.join(map(str, etree.LIBXML_VERSION))}; load average at the start {load}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


@dataclass
class Bench:
    """One benchmark session: where inputs go, how many runs, and what was found."""

    work: Path
    times: int
    scale: int
    quick: bool
    rows: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def doc(self, name: str, errors: int) -> tuple[Path, int]:
        path = self.work / name
        size = write_document(path, errors)
        print(f"{path}: {size / MB:.1f} MB, {errors:,} import-errors", file=sys.stderr)
        return path, size

    def target(self, what: str, measured: str, ok: bool) -> None:
        self.targets.append(f"| {what} | {measured} | {verdict(ok)} |")


def large_document(b: Bench) -> None:
    """Tree mode and streaming against lxml parse + XSD, alternated, on 100,000 records."""
    records = 100_000 // b.scale
    big, size = b.doc("errors-100k.xml", records)
    lxml_big, tree_big, stream_big = alternated(
        [
            ("lxml parse + XSD", [PY, "-c", LXML, str(big)]),
            ("runhistory validate --mode tree", runhistory("--mode", "tree", str(big))),
            ("runhistory validate --mode stream", runhistory("--mode", "stream", str(big))),
        ],
        b.times,
    )
    section = f"{size / MB:.0f} MB, {records:,} import-errors"
    b.rows += [f"| **{section}** | | | | | |", lxml_big.row(), tree_big.row(), stream_big.row()]
    tree_ratio = tree_big.median / lxml_big.median
    b.target(
        f"tree mode <= 1.3x lxml parse + XSD, whole process ({section})",
        f"wall (medians) {tree_ratio:.2f}x, CPU (minima) "
        f"{min(tree_big.cpu) / min(lxml_big.cpu):.2f}x",
        tree_ratio <= 1.3,
    )
    stream_ratio = stream_big.median / lxml_big.median
    stream_peak = max(stream_big.rss_kb) / 1024
    b.target(
        f"streaming <= 1.6x lxml parse + XSD, peak RSS <= 64 MB ({section})",
        f"wall (medians) {stream_ratio:.2f}x, CPU (minima) "
        f"{min(stream_big.cpu) / min(lxml_big.cpu):.2f}x, peak {stream_peak:.0f} MB",
        stream_ratio <= 1.6 and stream_peak <= 64,
    )
    b.notes.append(_phases(big, section, records))
    b.notes.append(_profile(big, "tree"))
    b.notes.append(_profile(big, "stream"))


def _phases(path: Path, section: str, records: int) -> str:
    phases = json.loads(
        subprocess.run(
            [PY, "-c", PHASES, str(path)], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    )
    return (
        f"Inside one process, on the {section} document: parsing "
        f"{phases['parse']:.2f} s, XSD validation {phases['xsd']:.2f} s, the prose rules "
        f"{phases['rules']:.2f} s with the record screen ({phases['rules'] / records * 1e6:.1f} "
        f"µs a record, {phases['rules'] / (phases['parse'] + phases['xsd']):.2f}x libxml2's "
        f"parse and XSD together; every rule on every record: {phases['every rule']:.2f} s, "
        f"{phases['every rule'] / records * 1e6:.0f} µs a record).  Tree mode checks the "
        "schema in a second thread while the screened rules run: the two took "
        f"{phases['overlapped']:.2f} s together (wall)."
    )


def _profile(path: Path, mode: str) -> str:
    """The functions that take the most time (own time) in one validate, from cProfile."""
    proc = subprocess.run(
        [PY, "-c", PROFILE, str(path), mode], cwd=REPO, capture_output=True, text=True, check=True
    )
    return f"\n{mode} mode, cProfile (own time, top 12):\n\n```\n{proc.stdout.strip()}\n```\n"


def xmlschema_speed(b: Bench) -> None:
    """runhistory against xmlschema's iter_errors on 10,000 records (issue 7)."""
    mid, mid_size = b.doc("errors-10k.xml", 10_000 // b.scale)
    section = f"{mid_size / MB:.1f} MB, {10_000 // b.scale:,} import-errors"
    b.rows.append(f"| **{section}** | | | | | |")
    if not has("xmlschema"):
        b.target(">= 15x faster than xmlschema", "not measured (xmlschema missing)", False)
        return
    calls = max(2, b.times - 2)
    lxml_mid, tree_mid, xs_mid = alternated(
        [
            ("lxml parse + XSD", [PY, "-c", LXML, str(mid)]),
            ("runhistory validate", runhistory(str(mid))),
            ("xmlschema iter_errors", [PY, "-c", XMLSCHEMA, str(mid)]),
        ],
        calls,
    )
    b.rows += [lxml_mid.row(), tree_mid.row(), xs_mid.row()]
    speed = xs_mid.median / tree_mid.median
    lxml_call = in_call(LXML_CALL, mid, calls)
    xs_call = in_call(XMLSCHEMA_CALL, mid, calls)
    rh_call = in_call(RUNHISTORY_CALL, mid, calls)
    call_speed = xs_call / rh_call
    b.target(
        f">= 15x faster than xmlschema iter_errors ({section})",
        f"processes (medians) {speed:.1f}x, xmlschema {xs_mid.median / lxml_mid.median:.0f}x "
        f"lxml; the calls alone (minima) {call_speed:.1f}x: xmlschema {xs_call:.2f} s, "
        f"runhistory {rh_call:.2f} s, lxml {lxml_call:.2f} s",
        speed >= 15 and call_speed >= 15,
    )


def streaming_memory(b: Bench) -> None:
    """Streaming's peak memory at 50, 200 and 500 MB: at most 64 MB, flat."""
    sizes = (50, 200, 500) if not b.quick else (5, 20)
    b.rows.append("| **streaming, peak memory by size** | | | | | |")
    peaks: list[tuple[int, float]] = []
    for mb in sizes:
        path, size = b.doc(f"stream-{mb}mb.xml", errors_for_size(mb * MB))
        r = run(
            f"runhistory validate --mode stream, {size / MB:.0f} MB",
            runhistory("--mode", "stream", str(path)),
            1,
        )
        b.rows.append(r.row())
        peaks.append((mb, max(r.rss_kb) / 1024))
        path.unlink()
    largest = max(peak for _mb, peak in peaks)
    growth = peaks[-1][1] - peaks[0][1]
    b.target(
        f"streaming peak RSS <= 64 MB, flat at {', '.join(f'{mb}' for mb in sizes)} MB",
        ", ".join(f"{mb} MB: {peak:.0f} MB" for mb, peak in peaks),
        largest <= 64 and growth < 0.2 * largest,
    )


def start_up(b: Bench) -> None:
    small = REPO / "fixtures" / "valid" / "delta-import-sync.xml"
    start = run("runhistory validate small.xml", runhistory(str(small)), b.times + 5)
    b.rows += ["| **start-up** | | | | | |", start.row()]
    b.target(
        "start-up under 0.15 s",
        f"median {start.median:.3f} s, min {min(start.wall):.3f} s",
        start.median < 0.15,
    )


def loads_speed(b: Bench) -> None:
    five, five_size = b.doc("five-mb.xml", errors_for_size(5 * MB // b.scale))
    parse5, loads5 = alternated(
        [
            ("lxml parse, 5 MB", [PY, "-c", LXML_PARSE, str(five)]),
            ("runhistory.loads, 5 MB", [PY, "-c", LOADS, str(five)]),
        ],
        b.times,
    )
    b.rows += ["| **typed model** | | | | | |", parse5.row(), loads5.row()]
    ratio = loads5.median / parse5.median
    b.target(
        f"loads of {five_size / MB:.0f} MB within 3x lxml parse (whole processes)",
        f"{ratio:.2f}x",
        ratio <= 3,
    )


def many_small(b: Bench) -> None:
    """bench/throughput.py on 1,000 small documents: at least 3,000 a second."""
    import throughput  # type: ignore[import-not-found, unused-ignore]

    result = throughput.main(["--count", "1000", "--repeat", "3"])
    rate = max(float(v) for v in result["files_per_second"].values())
    b.target("1,000 small files above 3,000/s", f"{rate:,.0f} files/s", rate > 3000)
    lines = [f"- {key}: {value}" for key, value in result.items()]
    b.notes.append("\n## Many small documents (bench/throughput.py)\n\n" + "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "performance.md")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    # Bytecode as an installed package has it (pip compiles on install): with an editable install
    # and PYTHONDONTWRITEBYTECODE set, edited modules would otherwise be compiled on every run.
    compileall.compile_dir(REPO / "src", quiet=1)
    work = args.work or Path(tempfile.mkdtemp(prefix="runhistory-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    host = machine()
    b = Bench(work, 2 if args.quick else 5, 10 if args.quick else 1, args.quick)
    for section in (large_document, streaming_memory, xmlschema_speed, start_up, loads_speed):
        section(b)
    many_small(b)
    text = _report(started, host, b.rows, b.targets, "\n".join(b.notes), args.quick)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


def _has_loads() -> bool:
    proc = subprocess.run(
        [PY, "-c", "import runhistory, sys; sys.exit(0 if hasattr(runhistory, 'loads') else 1)"],
        cwd=REPO,
        check=False,
    )
    return proc.returncode == 0


def _report(
    started: str, host: str, rows: list[str], targets: list[str], extra: str, quick: bool
) -> str:
    note = " (--quick: small inputs, not for quoting)" if quick else ""
    return f"""# Performance

Generated by `make bench` (`bench/run.py`) on {started}{note}. Do not edit by hand.

Machine: {host}.

Each contender is a whole process (interpreter start-up included, bytecode compiled first as pip
does on install), run several times; text output goes to /dev/null. Inputs are written by
`runhistory generate` (`bench/inputs.py`): one run, one synchronization step, N import-error
records, valid under the XSD and every rule.
For the xmlschema target, the validation call alone is also timed inside each process (after
imports and schema building), the least of several runs.
The machine is shared with other work (eight sessions on two cores when this was written): wall
times vary from run to run by 30 % and more, so the contenders of a comparison run in turn
(alternated, round after round) and the targets are judged on ratios of their medians; CPU
time is given beside wall time. Repeat `make bench` before quoting a number.

## Targets (issues 7 and 14)

| target | measured | |
|---|---|---|
{chr(10).join(targets)}

## Runs

| contender | wall min (s) | wall median (s) | wall max (s) | CPU min (s) | peak RSS (MB) |
|---|---|---|---|---|---|
{chr(10).join(rows)}

## Where the time goes

{extra}

## What the pipeline does for speed, and what is left (issue 14)

- Tree mode parses with libxml2 and validates the whole tree against the XSD.  A document with
  a long record container (more than 1,000 records) in which one of the first or last 32
  records is invalid is validated in parts instead (the skeleton, then each record on its own),
  so that the paths libxml2 writes for thousands of errors stay short; both ways give the same
  findings (tests/test_schema_check.py).
- The record screen (`rules/screen.py`): in a document valid under the profile's schema, each
  import-error, export-error, retry-error and ma-object-error is read once, in the schema's
  fixed child order, and the rules run only on the records where one of them could report
  something.  tests/test_screen.py holds it to every rule run on every element (fixtures, a
  broken document per rule, many-record documents, fuzzed records).  The phases above give
  its cost a record against every rule's.
- Above 1 MB, tree mode checks the schema in a second thread while the screened rules run
  (libxml2 validates without holding Python's lock); on two free cores the pair costs about
  as much as the longer of the two.  The CPU column counts both threads' work, the wall
  column the wait.  If the schema finds anything, the rules run again on every record.
- Streaming (`stream.py`, `stream_walk.py`, `stream_places.py`): the pull parser reports only
  the records and the few elements outside them that rules look at; each record is validated
  on its own against the per-record schema, screened, checked when flagged, and dropped,
  leaving one empty shell per run of records for the skeleton, validated at the end.  Paths,
  lines and columns are resolved after the document has ended.
- Exact lines past 65,535 (libxml2 keeps element lines in 16 bits) come from one linear pass
  over the text, for the findings' lines only.
- glibc's malloc fast bins are turned off before the first parse of a document over 4 MB
  (`mallopt(M_MXFAST, 0)` through ctypes): freeing a million-node tree otherwise stalls the next
  large allocation (measured at 0.3 s on an idle machine, 1 to 2 s on the loaded one).
- Small documents: only the named command's parser is built and only its modules imported;
  the rules look up children with lxml's child iteration, not ElementPath; the enabled codes
  and the rules' dispatch table are built once per batch; the record containers are found once
  per document, by one compiled XPath; whether a comment is meant as a suppression is read off
  the parsed tree; a file is stat'ed once.
- A batch of 32 documents or more is checked by worker processes forked directly
  (`forkpool.py`, where fork is safe): each worker holds the batch from the start, a chunk is
  sent as two integers and a report with nothing in it comes back as one byte (the process
  pool of `concurrent.futures`, kept for Windows and macOS, cost about 15 % more time and CPU
  on 1,000 small files).  The command ends its process without Python's teardown when no exit
  handler or other thread is left (12 ms).
- What is left: in tree mode, the screen's own cost (most of it lxml making a Python object for
  each child it reads); in streaming, validating each record on its own.  For 1,000 small
  files (measured on the same machine, about 280 ms in all): the interpreter and the imports
  before the workers start (70 to 100 ms: Python itself about 15 ms, then lxml, the standard
  modules runhistory uses and its own, whose dataclasses and patterns are made as they are
  imported); each worker's first
  chunk (about 10 ms more than the others: copy-on-write page faults and first use of the
  schema and the rule tables); then about 300 µs a document in each of the two workers:
  reading the file 30 µs, libxml2's parse and XSD 100 µs, the rules 100 µs (40 of them the
  engine's walk and dispatch), the rest decoding, finding the containers and the report."""


if __name__ == "__main__":
    main()
