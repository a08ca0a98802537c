"""Hypothesis strategies for RunDetails run-history documents (needs the ``generate`` extra).

::

    from hypothesis import given
    from runhistory.strategies import run_histories, broken_run_histories

    @given(run_histories(steps=(1, 2), kinds=("sync",), errors=(1, 5)))
    def test_my_parser_reads_every_valid_document(doc: bytes) -> None: ...

    @given(broken_run_histories("R304", output="document"))
    def test_my_monitor_flags_it(doc) -> None:
        assert doc.rule == "R304" and doc.path.endswith("/cd-error")

Documents are built to be valid by construction, never filtered, and shrink to small readable
ones: every choice shrinks to its plainest option (one step, no errors, the first value of each
list).  ``output`` selects what is drawn: ``"bytes"`` (default), ``"text"`` (the decoded
document), ``"document"`` (a :class:`~runhistory.generator.make.Generated` with the bytes, the
profile to validate with, the codes ``validate`` reports and, for a broken document, the path)
or, for conformant documents, ``"model"`` (a :class:`runhistory.model.RunHistory`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as _missing:  # pragma: no cover - exercised without the extra only
    raise ImportError(
        "runhistory.strategies needs Hypothesis: pip install hypothesis "
        "(or '.[generate]' in a clone of runhistory)"
    ) from _missing

from runhistory.generator.breaks import BREAKS
from runhistory.generator.build import KINDS, Shape
from runhistory.generator.choices import Chooser, RandomChooser, T
from runhistory.generator.encode import ENCODINGS
from runhistory.generator.make import Generated, draft
from runhistory.generator.sequence import DEFAULT_CYCLE, RunSequence, sequence

__all__ = [
    "ENCODINGS",
    "KINDS",
    "Generated",
    "RunSequence",
    "broken_run_histories",
    "run_histories",
    "run_sequences",
]

OUTPUTS = ("bytes", "text", "document", "model")


_INTEGERS: dict[tuple[int, int], st.SearchStrategy[int]] = {}
_BOOLEANS = st.booleans()


class _Draws:
    """A chooser that draws from Hypothesis, so every choice is recorded and shrinks.

    A choice is an index drawn as an integer: it shrinks toward the first option, like
    ``sampled_from``, and the strategies for each range are made once.
    """

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def integer(self, lo: int, hi: int) -> int:
        strategy = _INTEGERS.get((lo, hi))
        if strategy is None:
            strategy = st.integers(lo, hi)
            if len(_INTEGERS) < 4096:  # ranges that come from dates vary: keep the cache small
                _INTEGERS[(lo, hi)] = strategy
        return self._draw(strategy)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]

    def boolean(self) -> bool:
        return self._draw(_BOOLEANS)

    def fork(self) -> Chooser:
        return self

    def group(self, make: Callable[[Chooser], T]) -> T:
        return self._draw(_grouped(make))


@st.composite
def _grouped(draw: st.DrawFn, make: Callable[[Chooser], T]) -> T:
    return make(_Draws(draw))


def _range(value: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    lo, hi = value
    return (lo, hi)


def _shape(
    steps: int | tuple[int, int],
    kinds: Sequence[str],
    errors: int | tuple[int, int],
    sizes: int | tuple[int, int],
) -> Shape:
    shape = Shape(
        steps=_range(steps),
        kinds=tuple(kinds),
        errors=_range(errors),
        sizes=_range(sizes),
    )
    shape.validate()
    return shape


def _output(doc: Generated, output: str) -> Any:
    if output == "bytes":
        return doc.data
    if output == "text":
        return doc.text()
    if output == "model":
        return doc.model()
    return doc


def _check(output: str, encoding: str) -> None:
    if output not in OUTPUTS:
        raise ValueError(f"output: expected one of {', '.join(OUTPUTS)}, got '{output}'")
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding: expected one of {', '.join(ENCODINGS)}, got '{encoding}'")


def run_histories(
    profile: str = "strict",
    *,
    steps: int | tuple[int, int] = (1, 3),
    kinds: Sequence[str] = KINDS,
    errors: int | tuple[int, int] = (0, 3),
    sizes: int | tuple[int, int] = (1, 3),
    encoding: str = "utf-8",
    output: str = "bytes",
) -> st.SearchStrategy[Any]:
    """Documents valid under the XSD and every rule of ``profile``.

    ``steps``: how many step-details (a number or an inclusive range); ``kinds``: the step
    kinds to draw from (import, sync, export); ``errors``: error records per step, of the
    step's kind (ma-object-error, import-error, export-error); ``sizes``: repeated parts
    (incidents, values, outbound counters).  ``encoding``: utf-8, utf-16 (LE with BOM) or
    utf-8-declared-utf-16 (which validate reports as D003; the others validate clean).
    Hundreds of records per step trip Hypothesis's size health checks: ``runhistory generate
    --errors M`` writes large documents.
    """
    shape = _shape(steps, kinds, errors, sizes)
    _check(output, encoding)
    if profile not in ("strict", "product"):
        raise ValueError(f"profile: expected strict or product, got '{profile}'")

    @st.composite
    def documents(draw: st.DrawFn) -> Any:
        plan = draft(_Draws(draw), shape, profile=profile, encoding=encoding)
        return _output(plan.generated(), output)

    return documents()


def broken_run_histories(
    rule: str | None = None,
    *,
    steps: int | tuple[int, int] = (1, 2),
    kinds: Sequence[str] = KINDS,
    errors: int | tuple[int, int] = (0, 2),
    sizes: int | tuple[int, int] = (1, 2),
    encoding: str = "utf-8",
    output: str = "bytes",
) -> st.SearchStrategy[Any]:
    """Documents that break ``rule`` (any rule code of the catalog; None draws a code) and,
    wherever the format allows, nothing else: the catalog's ``implies`` lists what a break
    cannot avoid.  With ``output="document"`` the draw says where validate reports it."""
    shape = _shape(steps, kinds, errors, sizes)
    _check(output, encoding)
    if output == "model":
        raise ValueError("output: broken documents do not load into the model; use 'document'")
    if rule is not None and rule not in BREAKS:
        raise ValueError(f"rule: no broken documents for '{rule}' (not a code of the catalog)")
    codes = sorted(BREAKS)

    @st.composite
    def documents(draw: st.DrawFn) -> Any:
        code = rule if rule is not None else draw(st.sampled_from(codes))
        plan = draft(_Draws(draw), shape, rule=code, encoding=encoding)
        return _output(plan.generated(), output)

    return documents()


def run_sequences(
    runs: int | tuple[int, int] = (2, 12),
    *,
    ma_name: str | None = None,
    cycle: Sequence[str] = DEFAULT_CYCLE,
    encoding: str = "utf-8",
) -> st.SearchStrategy[RunSequence]:
    """Archives of consecutive runs of one management agent, as ``runhistory generate --runs``
    writes them: a :class:`~runhistory.generator.sequence.RunSequence` whose ``runs`` each have
    ``data`` (one document, valid under strict), ``number``, ``result`` and the ids of the
    errors it ``met``, met ``new`` and ``resolved``; ``troubles`` lists every error with its
    identity (cs-guid, dn, error-type, first-occurred).  ``cycle``: the run profiles the
    schedule repeats (delta-import, full-import, delta-sync, full-sync, export)."""
    lo, hi = _range(runs)
    if lo < 1 or hi < lo:
        raise ValueError(f"runs: expected 1 <= min <= max, got ({lo}, {hi})")
    _check("bytes", encoding)
    profiles = tuple(cycle)
    # Refuses an unknown profile or a name XML cannot carry now, not when drawing.
    sequence(RandomChooser(0), 1, ma_name=ma_name, cycle=profiles)

    @st.composite
    def sequences(draw: st.DrawFn) -> RunSequence:
        count = draw(st.integers(lo, hi))
        return sequence(_Draws(draw), count, ma_name=ma_name, cycle=profiles, encoding=encoding)

    return sequences()
