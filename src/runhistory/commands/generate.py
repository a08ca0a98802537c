"""``runhistory generate``: conformant or deliberately broken documents, with a manifest.

The documents come from the same builder as the Hypothesis strategies, drawing its choices from
``random.Random(seed + i)`` for the i-th file: the same seed gives the same bytes on any machine
(no Hypothesis, no hash order, no clock).  ``manifest.json`` lists each file with its seed (so
``--count 1 --seed SEED`` remakes it alone), the profile to validate it with and the codes
validate reports.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from runhistory.escaping import human
from runhistory.exitcode import ExitCode

ORDER = 60

# From this many error records per step on, records are produced while the file is written.
_STREAM_FROM = 1000


def _kinds(value: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in value.split(",") if k.strip())
    bad = [k for k in kinds if k not in ("import", "sync", "export")]
    if bad or not kinds:
        raise argparse.ArgumentTypeError(
            f"'{value}': expected a comma-separated list of import, sync, export"
        )
    return kinds


def _count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"'{value}': expected a whole number (0 or more)")
    return n


def _cycle(value: str) -> tuple[str, ...]:
    from runhistory.generator.sequence import RUN_PROFILES

    cycle = tuple(p.strip() for p in value.split(",") if p.strip())
    bad = [p for p in cycle if p not in RUN_PROFILES]
    if bad or not cycle:
        raise argparse.ArgumentTypeError(
            f"'{value}': expected a comma-separated list of {', '.join(RUN_PROFILES)}"
        )
    return cycle


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "generate",
        # --out is required except with --coverage: the usage says so (argparse would show it
        # as optional, and a missing --out stays a one-line error from run()).
        usage="runhistory generate --out DIR [options]\n"
        "       runhistory generate --coverage [options]",
        help="write conformant or deliberately broken documents (fixtures, benchmarks)",
        description="Write RunDetails documents that are valid under the XSD and every rule, or "
        "that break one rule (--broken), or (--runs) an archive of consecutive runs of one "
        "management agent, plus manifest.json. The same --seed writes the same bytes on any "
        "machine.",
    )
    target = p.add_mutually_exclusive_group()
    target.add_argument("--out", type=Path, metavar="DIR", help="directory to write into")
    target.add_argument(
        "--coverage",
        action="store_true",
        help="write nothing: report which XSD elements, attributes and enumeration values the "
        "documents (and one broken document per rule) use",
    )
    p.add_argument("--count", type=_count, metavar="N", help="documents to write (default 10)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed (default 0)")
    p.add_argument(
        "--profile",
        choices=("strict", "product"),
        default="strict",
        help="the profile the manifest says to validate with (broken documents for P and L "
        "codes need product and say so)",
    )
    p.add_argument(
        "--broken",
        metavar="CODE|all",
        help="break this rule code (or comma-separated codes, or all: one of each in turn)",
    )
    p.add_argument(
        "--encoding",
        choices=("utf-8", "utf-16", "utf-8-declared-utf-16"),
        default="utf-8",
        help="utf-8 (default), utf-16 (LE with BOM) or utf-8-declared-utf-16 (D003)",
    )
    p.add_argument("--steps", type=_count, metavar="K", help="exactly K steps (default 1-3)")
    p.add_argument(
        "--errors",
        type=_count,
        metavar="M",
        help="exactly M error records per step, of the step's kind: ma-object-error (import), "
        "import-error (sync), export-error (export); default 0-3",
    )
    p.add_argument(
        "--kinds", type=_kinds, metavar="KINDS", help="step kinds to use: import,sync,export"
    )
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument(
        "--runs",
        type=_count,
        metavar="N",
        help="write N consecutive runs of one management agent instead, one file per run, as a "
        "schedule produces them (errors recur with rising retry-count until resolved)",
    )
    p.add_argument("--ma", metavar="NAME", help="with --runs: the management agent's name")
    p.add_argument(
        "--cycle",
        type=_cycle,
        default=None,
        metavar="PROFILES",
        help="with --runs: the run profiles the schedule repeats (default "
        "delta-import,delta-sync,export,delta-import; also full-import, full-sync)",
    )
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    sys.stderr.write(f"runhistory generate: {human(message)}\n")
    return ExitCode.USAGE


class _Usage(Exception):
    """A usage error: one line for stderr, exit 2."""


def _codes(broken: str | None) -> list[str | None]:
    """The rule codes to break in turn (``[None]``: conformant documents)."""
    from runhistory.generator.breaks import BREAKS

    if not broken:
        return [None]
    wanted = [c.strip().upper() for c in broken.split(",") if c.strip()]
    if wanted == ["ALL"]:
        return [*sorted(BREAKS)]
    unknown = [c for c in wanted if c not in BREAKS]
    if unknown or not wanted:
        raise _Usage(
            f"--broken: unknown rule code {', '.join(unknown) or repr(broken)}; "
            "see runhistory rules"
        )
    return list(wanted)


def _shape(args: argparse.Namespace) -> Any:
    from runhistory.generator.build import KINDS, Shape

    if args.steps == 0:
        raise _Usage("--steps: a run has at least one step")
    steps = (args.steps, args.steps) if args.steps is not None else (1, 3)
    errors = (args.errors, args.errors) if args.errors is not None else (0, 3)
    return Shape(
        steps=steps,
        kinds=args.kinds or KINDS,
        errors=errors,
        lazy_records=errors[0] >= _STREAM_FROM,
    )


def _targets(out: Path, names: list[str], force: bool) -> None:
    """Refuse an ``out`` that is not a directory, or files that exist (without --force)."""
    if out.exists() and not out.is_dir():
        raise _Usage(f"{out}: exists and is not a directory")
    folders = [t for t in (out / n for n in names) if t.is_dir() and not t.is_symlink()]
    if folders:
        raise _Usage(f"{folders[0]} is a directory; it is not replaced, even with --force")
    if not force:
        taken = [t for t in (out / n for n in names) if t.exists() or t.is_symlink()]
        if taken:
            more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
            raise _Usage(f"{taken[0]} exists{more}; use --force to overwrite")


def _write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2) + "\n"
    _write_new(out / "manifest.json", lambda fh: fh.write(text.encode("utf-8")))


def _write_new(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file of ``DIR`` as a new file renamed over ``path``: with --force, a symbolic
    link (or a FIFO, a hard link) that is there is replaced, never written through, so nothing
    outside DIR changes."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    try:
        if args.runs is not None:
            return _sequence(args)
        return _documents(args)
    except _Usage as err:
        return _fail(str(err))
    except OSError as err:
        return _fail(f"{err.filename or args.out}: {err.strerror or err}")


def _documents(args: argparse.Namespace) -> int:
    from runhistory import __version__
    from runhistory.generator.choices import RandomChooser
    from runhistory.generator.make import draft

    alone = [f"--{name}" for name in ("ma", "cycle") if getattr(args, name) is not None]
    if alone:
        raise _Usage(f"{', '.join(alone)}: only with --runs")
    codes = _codes(args.broken)
    count = args.count if args.count is not None else (len(codes) if args.broken else 10)
    shape = _shape(args)
    if args.coverage:
        return _coverage(args, shape, codes, count)
    if args.out is None:
        raise _Usage("--out DIR is required (or --coverage)")
    plans = []
    for i in range(count):
        seed = args.seed + i
        code = codes[i % len(codes)]
        plan = draft(
            RandomChooser(seed), shape, rule=code, profile=args.profile, encoding=args.encoding
        )
        plans.append((f"{i + 1:04d}-{plan.name}.xml", seed, plan))
    out: Path = args.out
    _targets(out, [name for name, _, _ in plans] + ["manifest.json"], args.force)
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, seed, plan in plans:
        _write_new(out / name, plan.draft.stream)
        entries.append(
            {
                "file": name,
                "seed": seed,
                "profile": plan.profile,
                "encoding": plan.draft.encoding,
                "rule": plan.rule,
                "path": plan.path,
                "expected": list(plan.expected),
            }
        )
    manifest = {
        "version": 1,
        "generator": f"runhistory {__version__}",
        "seed": args.seed,
        "count": count,
        "files": entries,
    }
    _write_manifest(out, manifest)
    print(human(f"wrote {count} document(s) and manifest.json to {out}"))
    return 0


# Options that shape single documents, which a run sequence shapes itself.
_NOT_WITH_RUNS = ("count", "broken", "steps", "errors", "kinds")


def _sequence(args: argparse.Namespace) -> int:
    from runhistory import __version__
    from runhistory.generator.choices import RandomChooser
    from runhistory.generator.sequence import DEFAULT_CYCLE, ma_name_problem, sequence

    clash = [f"--{name}" for name in _NOT_WITH_RUNS if getattr(args, name) is not None]
    if clash or args.coverage:
        raise _Usage(f"--runs: not with {', '.join(clash) or '--coverage'}")
    if args.runs < 1:
        raise _Usage("--runs: at least 1")
    if args.out is None:
        raise _Usage("--out DIR is required")
    problem = None if args.ma is None else ma_name_problem(args.ma)
    if problem is not None:
        raise _Usage(f"--ma: {problem}")
    try:
        seq = sequence(
            RandomChooser(args.seed),
            args.runs,
            ma_name=args.ma,
            cycle=args.cycle or DEFAULT_CYCLE,
            encoding=args.encoding,
        )
    except ValueError as err:
        raise _Usage(str(err)) from None
    out: Path = args.out
    _targets(out, [r.file for r in seq.runs] + ["manifest.json"], args.force)
    out.mkdir(parents=True, exist_ok=True)
    for r in seq.runs:
        _write_new(out / r.file, r.draft.stream)
    manifest = seq.manifest(
        generator=f"runhistory {__version__}", seed=args.seed, profile=args.profile
    )
    _write_manifest(out, manifest)
    print(human(f"wrote {len(seq.runs)} run(s) of {seq.ma_name} and manifest.json to {out}"))
    return 0


def _coverage(args: argparse.Namespace, shape: Any, codes: list[str | None], count: int) -> int:
    from runhistory.generator.breaks import BREAKS
    from runhistory.generator.choices import RandomChooser
    from runhistory.generator.coverage import Coverage
    from runhistory.generator.make import draft

    coverage = Coverage()
    for i in range(count):
        plan = draft(RandomChooser(args.seed + i), shape, rule=codes[i % len(codes)])
        coverage.add(plan.draft.root)
    for code in sorted(BREAKS):
        coverage.add(draft(RandomChooser(args.seed), shape, rule=code).draft.root)
    print(f"{count} document(s) from seed {args.seed}, and one broken document per rule:")
    for line in coverage.report():
        print(line)
    return 0 if coverage.complete() else 1
