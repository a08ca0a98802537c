"""Fuzz targets: each takes the bytes of one (mutated) document and raises only on a bug.

Used by the hypothesis fuzz tests (``test_fuzz.py``) and by the atheris driver
(``tools/fuzz_atheris.py``).  Adding a target is one line at the bottom:

* ``api("name", function, ExpectedError, ...)`` for a library call on bytes that may raise only
  the documented exception types;
* ``command("name", *args)`` for a ``runhistory`` subcommand reading the bytes on standard input,
  which must exit 0, 1 or 2 with nothing escaping ``main``.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

Target = Callable[[bytes], None]
TARGETS: dict[str, Target] = {}


class FuzzBug(AssertionError):
    """What a target raises when it finds a bug (anything else escaping is a bug too)."""


def validate_bytes_target(data: bytes) -> None:
    from runhistory.catalog import CATALOG
    from runhistory.validate import validate_bytes

    first = validate_bytes(data, "fuzz.xml")
    if validate_bytes(data, "fuzz.xml") != first:
        raise FuzzBug("validate_bytes is not deterministic")
    for f in first.findings:
        if f.rule not in CATALOG:
            raise FuzzBug(f"unknown rule code {f.rule}")
        if "\n" in f.message or "\r" in f.message:
            raise FuzzBug(f"finding message spans lines: {f.message!r}")
        if f.line is not None and f.line < 1:
            raise FuzzBug(f"line {f.line}")


def run_main(args: Iterable[str], data: bytes) -> tuple[int, str, str]:
    """``runhistory ARGS`` in-process with ``data`` on standard input."""
    from runhistory.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def command(name: str, *args: str, codes: tuple[int, ...] = (0, 1, 2)) -> None:
    """Register ``runhistory NAME ARGS -`` as a target."""

    def target(data: bytes) -> None:
        code, out, err = run_main([name, *args, "-"], data)
        if code not in codes:
            raise FuzzBug(f"runhistory {name} exited {code}: {err}")
        if "Traceback" in out + err:
            raise FuzzBug(f"runhistory {name} printed a traceback: {err}")
        if "json" in args and code == 0:
            json.loads(out)  # what a JSON format prints must parse
        elif name != "validate" and code != 0 and (out or not err.strip() or "\n" in err.strip()):
            raise FuzzBug(f"runhistory {name} exited {code}: want one line on stderr, got {err!r}")

    TARGETS[" ".join(["cli", name, *args])] = target


def api(name: str, function: Callable[[bytes], object], *documented: type[BaseException]) -> None:
    """Register a library call: on bad bytes it may raise only ``documented`` exceptions."""

    def target(data: bytes) -> None:
        with contextlib.suppress(*documented):
            function(data)

    TARGETS[name] = target


def validate_cli_target(data: bytes) -> None:
    """``validate`` must say the same in text and JSON, and exit 1 exactly when JSON has errors."""
    code, out, err = run_main(["validate", "--format", "json", "-"], data)
    if err or code not in (0, 1):
        raise FuzzBug(f"validate exited {code}: {err}")
    report = json.loads(out)
    if (code == 1) != (report["summary"]["errors"] > 0):
        raise FuzzBug(f"exit {code} but {report['summary']}")
    code_text, text, _ = run_main(["validate", "-"], data)
    # The findings and the summary line; the notes under the summary are not findings.
    lines = [x for x in text.splitlines() if not x.startswith(("note: ", "failed because"))]
    if code_text != code or len(lines) != 1 + sum(len(f["findings"]) for f in report["files"]):
        raise FuzzBug("the text report disagrees with the JSON report")


TARGETS["validate_bytes"] = validate_bytes_target
TARGETS["cli validate"] = validate_cli_target
command("validate", "--profile", "product")


def stream_equals_tree_target(data: bytes) -> None:
    """Streaming must find exactly what tree mode finds, every rule on (under one profile or the
    other, chosen by the input, to keep the run short)."""
    from runhistory.selection import Selection
    from runhistory.stream import validate_stream
    from runhistory.validate import Options, validate_bytes

    for profile in [("strict", "product")[len(data) % 2]]:
        options = Options(profile=profile, selection=Selection(select=("ALL",)))
        tree = validate_bytes(data, "fuzz.xml", options)
        stream = validate_stream(io.BytesIO(data), "fuzz.xml", options)
        if stream != tree:
            only_tree = [f for f in tree.findings if f not in stream.findings]
            only_stream = [f for f in stream.findings if f not in tree.findings]
            raise FuzzBug(f"{profile}: tree only {only_tree}; stream only {only_stream}")


TARGETS["stream equals tree"] = stream_equals_tree_target


def screen_equals_every_rule_target(data: bytes) -> None:
    """Tree mode finds the same with the record screen as with every rule on every record, and
    with the schema checked beside the rules (a second thread) as in turn."""
    from runhistory.selection import Selection
    from runhistory.validate import Options

    module: Any = sys.modules["runhistory.validate"]  # runhistory.validate is also a function
    options = Options(
        profile=("strict", "product")[len(data) % 2],
        selection=Selection(select=("ALL",)),
        mode="tree",
    )
    screened = module.check_bytes(data, options)
    saved = module.containers, module.OVERLAP_ABOVE
    try:
        module.OVERLAP_ABOVE = -1
        beside = module.check_bytes(data, options)
        module.containers = lambda root, boxes=None: None
        every = module.check_bytes(data, options)
    finally:
        module.containers, module.OVERLAP_ABOVE = saved
    if not screened == beside == every:
        raise FuzzBug(f"screened {screened}; schema beside {beside}; every rule {every}")


TARGETS["screen equals every rule"] = screen_equals_every_rule_target


def model_round_trip_target(data: bytes) -> None:
    """``runhistory.loads`` raises only LoadError; what loads writes back and loads the same."""
    import runhistory

    try:
        history = runhistory.loads(data)
    except runhistory.LoadError:
        return
    again = runhistory.loads(runhistory.dumps(history))
    if again != history:
        raise FuzzBug("dumps(loads(x)) does not load back to the same model")


TARGETS["model round trip"] = model_round_trip_target
command("show")
command("errors", "--format", "json")
command("errors", "--format", "csv")
command("convert", "--to", "json")
command("convert", "--to", "xml")


def load_file_target(data: bytes) -> None:
    """``runhistory.load`` on a binary file object raises only LoadError."""
    import io

    import runhistory

    with contextlib.suppress(runhistory.LoadError):
        runhistory.load(io.BytesIO(data))


TARGETS["load"] = load_file_target
