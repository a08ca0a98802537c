"""Where a generated document's choices come from.

The builder asks for integers, picks from sequences and flips booleans, and nothing else, so
the same code serves Hypothesis (which records and shrinks every draw) and a seeded
``random.Random`` (stable across machines and Python versions: it uses only ``getrandbits``
through ``randrange``, never hash order).  Shrinking goes toward the low end of an integer
range, the first element of a sequence and ``False``: the builder puts its simplest option
first.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")


class Chooser(Protocol):
    def integer(self, lo: int, hi: int) -> int:
        """A whole number from ``lo`` to ``hi`` inclusive."""
        ...

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options`` (a non-empty sequence)."""
        ...

    def boolean(self) -> bool: ...

    def fork(self) -> Chooser:
        """A chooser for a part of the document that may be produced later or lazily."""
        ...

    def group(self, make: Callable[[Chooser], T]) -> T:
        """``make(chooser)``, its choices kept together (Hypothesis shrinks a group as a whole:
        a step, a record, an incident can be dropped without disturbing the others)."""
        ...


class RandomChooser:
    """Choices from ``random.Random(seed)``."""

    def __init__(self, seed: int | str) -> None:
        self._rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self._rng.randrange(lo, hi + 1)

    def choice(self, options: Sequence[T]) -> T:
        return options[self._rng.randrange(len(options))]

    def boolean(self) -> bool:
        return self._rng.randrange(2) == 1

    def fork(self) -> Chooser:
        return RandomChooser(self._rng.getrandbits(64))

    def group(self, make: Callable[[Chooser], T]) -> T:
        return make(self)
