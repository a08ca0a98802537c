"""The record screen: decide cheaply, per record, whether any rule could fire in it.

A big document is nearly all records (import-error, export-error, retry-error,
ma-object-error, incident), and nearly all records are clean.  Running every rule on every
element of every record costs tens of microseconds a record; a screen reads a record once and
answers whether any rule on the record or below it could report something.  Only the records
it flags are checked by the rules (:func:`runhistory.rules.engine.run_subtree`).

A screen is an optimisation, never a second rule set: it may flag a record no rule reports on
(the rules then find nothing), and must never pass a record a rule would report on.
``tests/test_screen.py`` holds every screen to that, against the rules run on every element.
A record kind without a screen is always flagged.
"""

from __future__ import annotations

from collections.abc import Callable

from runhistory.rules.engine import Element

Screen = Callable[[Element], bool]

# record name -> its screen (True: run the rules on this record)
SCREENS: dict[str, Screen] = {}


def needs_rules(record: Element) -> bool:
    """Whether the rules must run on ``record`` (a record kind without a screen: always)."""
    screen = SCREENS.get(record.tag)
    return screen is None or screen(record)
