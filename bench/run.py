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

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
MB = 1_000_000

LXML = """
import sys
from lxml import etree
from runhistory.schema_facts import schema_path
schema = etree.XMLSchema(etree.parse(str(schema_path())))
parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
tree = etree.parse(sys.argv[1], parser)
schema.validate(tree)
print(len(schema.error_log))
"""

XMLSCHEMA = """
import sys
import xmlschema
from runhistory.schema_facts import schema_path
schema = xmlschema.XMLSchema(str(schema_path()))
print(sum(1 for _ in schema.iter_errors(sys.argv[1])))
"""

# The same work timed inside the process, after imports and schema building: the call alone.
LXML_CALL = """
import sys, time
from lxml import etree
from runhistory.schema_facts import schema_path
schema = etree.XMLSchema(etree.parse(str(schema_path())))
parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
start = time.perf_counter()
schema.validate(etree.parse(sys.argv[1], parser))
print(time.perf_counter() - start)
"""

XMLSCHEMA_CALL = """
import sys, time
import xmlschema
from runhistory.schema_facts import schema_path
schema = xmlschema.XMLSchema(str(schema_path()))
start = time.perf_counter()
sum(1 for _ in schema.iter_errors(sys.argv[1]))
print(time.perf_counter() - start)
"""

RUNHISTORY_CALL = """
import sys, time
from runhistory.validate import validate_bytes
validate_bytes(b"<run-history/>", "warm-up")  # builds the schema, as the others do first
start = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    validate_bytes(f.read(), sys.argv[1])
print(time.perf_counter() - start)
"""

# Where the time of a tree-mode validate goes, stage by stage, inside one process.
PHASES = """
import gc, json, sys, time
from runhistory.decoding import decode
from runhistory.parsing import parse
from runhistory.rules.engine import run_rules
from runhistory.selection import Selection
from runhistory.validate import validate_bytes
from runhistory.xsd import schema_for

validate_bytes(b"<run-history/>", "warm-up")
with open(sys.argv[1], "rb") as f:
    data = f.read()
gc.disable()
out = {}
start = time.perf_counter()
tree = parse(decode(data))
out["parse"] = time.perf_counter() - start
start = time.perf_counter()
schema_for("strict").validate(tree)
out["xsd"] = time.perf_counter() - start
start = time.perf_counter()
run_rules(tree.getroot(), Selection().enabled("strict"), "strict")
out["rules"] = time.perf_counter() - start
print(json.dumps(out))
"""

LOADS = """
import sys
import runhistory
data = open(sys.argv[1], "rb").read()
runhistory.loads(data)
"""

LXML_PARSE = """
import sys
from lxml import etree
parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
data = open(sys.argv[1], "rb").read()
etree.fromstring(data, parser)
"""


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
        start = time.perf_counter()
        with open(os.devnull, "wb") as null:
            proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE, cwd=REPO)
            assert proc.stderr is not None
            err = proc.stderr.read()
            _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{name}: exit {proc.returncode}: {err.decode(errors='replace')}")
        out.wall.append(wall)
        out.cpu.append(usage.ru_utime + usage.ru_stime)
        out.rss_kb.append(usage.ru_maxrss)
        print(f"  {name}: {wall:.2f} s, {usage.ru_maxrss / 1024:.0f} MB", file=sys.stderr)
    return out


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
    """What the measurements share: where inputs go, how often to run, the rows of the report."""

    work: Path
    times: int
    scale: int
    quick: bool
    rows: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)

    def doc(self, name: str, errors: int) -> tuple[Path, int]:
        path = self.work / name
        size = write_document(path, errors)
        print(f"{path}: {size / MB:.1f} MB, {errors:,} import-errors", file=sys.stderr)
        return path, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "performance.md")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    quick = args.quick
    # Bytecode as an installed package has it (pip compiles on install): with an editable install
    # and PYTHONDONTWRITEBYTECODE set, edited modules would otherwise be compiled on every run.
    compileall.compile_dir(REPO / "src", quiet=1)
    work = args.work or Path(tempfile.mkdtemp(prefix="runhistory-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    host = machine()
    b = Bench(work, times=2 if quick else 5, scale=10 if quick else 1, quick=quick)
    breakdown = _full_validate(b)
    _against_xmlschema(b)
    _streaming(b)
    _startup(b)
    _typed_model(b)
    extra = _throughput()
    text = _report(started, host, b.rows, b.targets, breakdown + "\n" + extra, quick)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


def _full_validate(b: Bench) -> str:
    """Full validate against lxml's parse and XSD validation; the phases inside one process."""
    # 1. Full validate vs lxml parse + validate, 100,000 import-errors.
    big, big_size = b.doc("errors-100k.xml", 100_000 // b.scale)
    lxml_big = run("lxml parse + XSD", [PY, "-c", LXML, str(big)], b.times)
    tree_big = run("runhistory validate (auto: tree)", runhistory(str(big)), b.times)
    stream_big = run("runhistory validate --stream", runhistory("--stream", str(big)), b.times)
    section = f"{big_size / MB:.0f} MB, {100_000 // b.scale:,} import-errors"
    b.rows += [f"| **{section}** | | | | | |", lxml_big.row(), tree_big.row(), stream_big.row()]
    wall_ratio = tree_big.median / lxml_big.median
    cpu_ratio = min(tree_big.cpu) / min(lxml_big.cpu)
    b.targets.append(
        f"| full validate <= 1.5x lxml parse + XSD ({section}) | wall (medians) "
        f"{wall_ratio:.2f}x, CPU (minima) {cpu_ratio:.2f}x | {verdict(wall_ratio <= 1.5)} |"
    )

    phases = json.loads(
        subprocess.run(
            [PY, "-c", PHASES, str(big)], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    )
    records = 100_000 // b.scale
    return (
        f"Inside one process, on the {section} document: parsing "
        f"{phases['parse']:.2f} s, XSD validation {phases['xsd']:.2f} s, the prose rules "
        f"{phases['rules']:.2f} s ({phases['rules'] / records * 1e6:.0f} µs a record, "
        f"{phases['rules'] / (phases['parse'] + phases['xsd']):.1f}x libxml2's parse and "
        "XSD together)."
    )


def _against_xmlschema(b: Bench) -> None:
    # 2. xmlschema's iter_errors, 10,000 import-errors.
    mid, mid_size = b.doc("errors-10k.xml", 10_000 // b.scale)
    section = f"{mid_size / MB:.1f} MB, {10_000 // b.scale:,} import-errors"
    b.rows.append(f"| **{section}** | | | | | |")
    lxml_mid = run("lxml parse + XSD", [PY, "-c", LXML, str(mid)], b.times)
    tree_mid = run("runhistory validate", runhistory(str(mid)), b.times)
    b.rows += [lxml_mid.row(), tree_mid.row()]
    if has("xmlschema"):
        xs_mid = run("xmlschema iter_errors", [PY, "-c", XMLSCHEMA, str(mid)], max(2, b.times - 2))
        b.rows.append(xs_mid.row())
        speed = xs_mid.median / tree_mid.median
        calls = max(2, b.times - 2)
        lxml_call = in_call(LXML_CALL, mid, calls)
        xs_call = in_call(XMLSCHEMA_CALL, mid, calls)
        rh_call = in_call(RUNHISTORY_CALL, mid, calls)
        call_speed = xs_call / rh_call
        b.targets.append(
            f"| >= 15x faster than xmlschema iter_errors ({section}) | processes (medians) "
            f"{speed:.1f}x, xmlschema {xs_mid.median / lxml_mid.median:.0f}x lxml; the calls "
            f"alone (minima) {call_speed:.1f}x: xmlschema {xs_call:.2f} s, runhistory "
            f"{rh_call:.2f} s, lxml {lxml_call:.2f} s (xmlschema {xs_call / lxml_call:.0f}x "
            f"lxml) | {verdict(speed >= 15 and call_speed >= 15)} |"
        )
    else:
        b.targets.append("| >= 15x faster than xmlschema | not measured (xmlschema missing) | - |")


def _streaming(b: Bench) -> None:
    # 3. Streaming memory at 50, 200 and 500 MB.
    sizes = (50, 200, 500) if not b.quick else (5, 20)
    b.rows.append("| **streaming, peak memory by size** | | | | | |")
    peaks: list[tuple[int, float]] = []
    for mb in sizes:
        path, size = b.doc(f"stream-{mb}mb.xml", errors_for_size(mb * MB))
        r = run(
            f"runhistory validate --stream, {size / MB:.0f} MB",
            runhistory("--stream", str(path)),
            1,
        )
        b.rows.append(r.row())
        peaks.append((mb, max(r.rss_kb) / 1024))
        path.unlink()
    largest = peaks[-1][1]
    growth = peaks[-1][1] - peaks[0][1]
    b.targets.append(
        f"| streaming {sizes[-1]} MB under 200 MB peak, flat with size | "
        + ", ".join(f"{mb} MB: {peak:.0f} MB" for mb, peak in peaks)
        + f" | {verdict(largest < 200 and growth < 0.2 * largest)} |"
    )


def _startup(b: Bench) -> None:
    # 4. Start-up.
    small = REPO / "fixtures" / "valid" / "delta-import-sync.xml"
    start = run("runhistory validate small.xml", runhistory(str(small)), b.times + 5)
    b.rows += ["| **start-up** | | | | | |", start.row()]
    b.targets.append(
        f"| start-up under 0.25 s | median {start.median:.3f} s, min {min(start.wall):.3f} s "
        f"| {verdict(start.median < 0.25)} |"
    )


def _typed_model(b: Bench) -> None:
    # 5. Loading into the typed model (runhistory.loads), when the model exists.
    if has("runhistory") and _has_loads():
        five, five_size = b.doc("five-mb.xml", errors_for_size(5 * MB // b.scale))
        parse5 = run("lxml parse, 5 MB", [PY, "-c", LXML_PARSE, str(five)], b.times)
        loads5 = run("runhistory.loads, 5 MB", [PY, "-c", LOADS, str(five)], b.times)
        b.rows += ["| **typed model** | | | | | |", parse5.row(), loads5.row()]
        ratio = loads5.median / parse5.median
        b.targets.append(
            f"| loads of {five_size / MB:.0f} MB within 4x lxml parse | {ratio:.2f}x "
            f"| {verdict(ratio <= 4)} |"
        )
    else:
        b.targets.append(
            "| loads of 5 MB within 4x lxml parse | not measured: no runhistory.loads yet | - |"
        )


def _has_loads() -> bool:
    proc = subprocess.run(
        [PY, "-c", "import runhistory, sys; sys.exit(0 if hasattr(runhistory, 'loads') else 1)"],
        cwd=REPO,
        check=False,
    )
    return proc.returncode == 0


def _throughput() -> str:
    """bench/throughput.py's results (many small documents), when that benchmark exists."""
    if not (Path(__file__).parent / "throughput.py").exists():
        return ""
    import throughput  # type: ignore[import-not-found, unused-ignore]

    result = throughput.main()
    lines = [f"- {key}: {value}" for key, value in result.items()]
    return "\n## Many small documents (bench/throughput.py)\n\n" + "\n".join(lines) + "\n"


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
The machine is shared with other work: wall times vary from run to run by 30 % and more, so the
targets are judged on ratios of runs made together, and CPU time is given beside wall time.

## Targets (issue 7)

| target | measured | |
|---|---|---|
{chr(10).join(targets)}

## Runs

| contender | wall min (s) | wall median (s) | wall max (s) | CPU min (s) | peak RSS (MB) |
|---|---|---|---|---|---|
{chr(10).join(rows)}

## Where the time goes

{extra}"""


if __name__ == "__main__":
    main()
