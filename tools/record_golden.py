"""Record (or check) what ``runhistory validate`` prints, byte for byte, in every format.

The inputs are the bundled fixtures and about 500 generated documents (every rule's break three
times, the rest conformant, in every encoding).  Each is validated in-process through the
command line, under both profiles and in every ``--format``; ``tests/golden/`` keeps the result:

- ``fixtures.*``: the whole output for the fixtures (readable, so a diff says what changed;
  an output over 100 kB is kept gzip-compressed and still compared as text);
- ``generated.text``: the text report for the generated documents (their findings);
- ``generated.sha256``: a digest of each generated document and of every other output, which
  would be large (SARIF of 500 documents); when one changes, ``generated.text`` or the fixtures
  usually show why.

    python tools/record_golden.py           # re-record after an intended change of output
    python tools/record_golden.py --check   # compare, exit 1 and show the difference if any

``tests/test_golden.py`` runs the check.  A change of output that is intended is re-recorded
with the first command and named in the commit message.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gzip
import hashlib
import io
import os
import shutil
import sys
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")
COMPRESS_FROM = 100_000  # bytes: a larger output is kept gzip-compressed (still diffed as text)
CONFORMANT = 266  # plus three documents per rule code: about 500 in all
BROKEN_PER_CODE = 3


def _documents(folder: Path) -> None:
    """Write the generated documents into ``folder/strict`` and ``folder/product`` (the
    profile each is validated with)."""
    from runhistory.generator.breaks import BREAKS
    from runhistory.generator.build import Shape
    from runhistory.generator.choices import RandomChooser
    from runhistory.generator.encode import ENCODINGS
    from runhistory.generator.make import draft

    for profile in ("strict", "product"):
        (folder / profile).mkdir(parents=True)
    for i in range(CONFORMANT):
        shape = Shape(errors=(4, 12)) if i % 7 == 0 else Shape()
        profile = ("strict", "product")[i % 2]
        plan = draft(RandomChooser(i), shape, profile=profile, encoding=ENCODINGS[i % 3])
        (folder / profile / f"valid-{i:03d}.xml").write_bytes(plan.draft.to_bytes())
    for code in sorted(BREAKS):
        # A seed from the code, not from its place in the list: a new rule adds documents
        # and leaves the others alone.
        base = zlib.crc32(code.encode("ascii"))
        for j in range(BROKEN_PER_CODE):
            plan = draft(RandomChooser(base + j), rule=code, encoding=ENCODINGS[j % 3])
            (folder / plan.profile / f"{code}-{j}.xml").write_bytes(plan.draft.to_bytes())


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    old = Path.cwd()
    saved = {k: os.environ.pop(k) for k in ("FORCE_COLOR", "NO_COLOR") if k in os.environ}
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)
        os.environ.update(saved)


def _run(*args: str) -> bytes:
    """``runhistory ARGS`` in-process: exit code, standard output and standard error."""
    from runhistory.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["validate", "--jobs", "1", *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    text = f"exit {code}\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}"
    return text.encode("utf-8")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def record() -> dict[str, bytes]:
    """Every golden file's name and content, made afresh."""
    results: dict[str, bytes] = {}
    digests: list[str] = []
    with tempfile.TemporaryDirectory(prefix="runhistory-golden-") as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "fixtures", root / "fixtures")
        _documents(root / "generated")
        with _inside(root):
            for fmt in FORMATS:
                results[f"fixtures.{fmt}"] = b"".join(
                    _run("--profile", profile, "--format", fmt, "fixtures")
                    for profile in ("strict", "product")
                )
            results["fixtures.all.json"] = _run(
                "--profile", "product", "--select", "ALL", "--format", "json", "fixtures"
            )
            for doc in sorted((root / "generated").rglob("*.xml")):
                digests.append(f"{_digest(doc.read_bytes())}  {doc.relative_to(root).as_posix()}")
            for fmt in FORMATS:
                out = b"".join(
                    _run("--profile", profile, "--format", fmt, f"generated/{profile}")
                    for profile in ("strict", "product")
                )
                if fmt == "text":
                    results["generated.text"] = out
                digests.append(f"{_digest(out)}  validate --format {fmt} generated")
            every = _run("--select", "ALL", "--profile", "product", "--format", "json", "generated")
            digests.append(f"{_digest(every)}  validate --select ALL --format json generated")
            streamed = _run(
                "--select", "ALL", "--profile", "product", "--mode", "stream", "--format", "json",
                "generated",
            )  # fmt: skip
            digests.append(f"{_digest(streamed)}  ... the same with --mode stream")
    results["generated.sha256"] = ("\n".join(digests) + "\n").encode("utf-8")
    return {_stored_name(name, data): data for name, data in results.items()}


def _stored_name(name: str, data: bytes) -> str:
    return name + ".gz" if len(data) >= COMPRESS_FROM else name


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _write(path: Path, data: bytes) -> None:
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)


def differences(results: dict[str, bytes], folder: Path = GOLDEN) -> list[str]:
    """What differs from the recorded files, as readable lines (empty: the same)."""
    lines: list[str] = []
    recorded = {p.name for p in folder.glob("*")} if folder.is_dir() else set()
    for name in sorted(recorded - set(results)):
        lines.append(f"{name}: recorded but no longer produced")
    for name, data in sorted(results.items()):
        path = folder / name
        old = _read(path) if path.exists() else b""
        if old == data:
            continue
        diff = difflib.unified_diff(
            old.decode("utf-8", "replace").splitlines(),
            data.decode("utf-8", "replace").splitlines(),
            f"recorded/{name}",
            f"now/{name}",
            lineterm="",
            n=1,
        )
        lines += list(diff)[:60] or [f"{name}: differs"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare instead of recording")
    args = parser.parse_args(argv)
    results = record()
    if args.check:
        diff = differences(results)
        if diff:
            print("\n".join(diff))
            print("\nintended? re-record with: python tools/record_golden.py")
            return 1
        return 0
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*"):
        if old.name not in results:
            old.unlink()
    for name, data in results.items():
        _write(GOLDEN / name, data)
    size = sum(p.stat().st_size for p in GOLDEN.glob("*"))
    print(f"recorded {len(results)} files ({size // 1024} KiB) in {GOLDEN.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    sys.exit(main())
