"""Coverage-guided fuzzing of every fuzz target with atheris (optional: ``make fuzz``).

    python tools/fuzz_atheris.py [libFuzzer options, e.g. -max_total_time=600]

The corpus lives in ``.fuzz/corpus`` (seeded from ``fixtures/``, ``tests/hostile/`` and
``tests/fuzz_regressions/``), crashes go to ``.fuzz/``: copy one into ``tests/fuzz_regressions/``
once it is fixed.  The targets are those of ``tests/fuzz_targets.py``: any exception is a bug.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".fuzz"
CORPUS = WORK / "corpus"


def main() -> None:
    try:
        import atheris
    except ImportError:
        sys.exit("atheris is not installed (pip install -e '.[fuzz]'); nothing fuzzed")
    sys.path.insert(0, str(REPO / "tests"))
    with atheris.instrument_imports(include=["runhistory"]):
        import runhistory.cli
        import runhistory.validate  # noqa: F401
    from fuzz_targets import TARGETS

    CORPUS.mkdir(parents=True, exist_ok=True)
    seeds = [
        *sorted((REPO / "fixtures").rglob("*.xml")),
        *sorted((REPO / "tests" / "hostile").glob("*")),
        *sorted((REPO / "tests" / "fuzz_regressions").glob("*")),
    ]
    for seed in seeds:
        if seed.suffix == ".xml":
            shutil.copyfile(seed, CORPUS / f"seed-{seed.parent.name}-{seed.name}")
    targets = [TARGETS[name] for name in sorted(TARGETS)]

    def one_input(data: bytes) -> None:
        for target in targets:
            target(data)

    args = [sys.argv[0], f"-artifact_prefix={WORK}/", "-max_len=65536", *sys.argv[1:], str(CORPUS)]
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
