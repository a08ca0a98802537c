"""The prose rules of [MS-UPSMODS] 2.2.1, one module per spec section.

Importing this package registers every rule in :data:`runhistory.catalog.CATALOG`.
"""

from runhistory.rules import run  # noqa: F401  (registers the rules)
from runhistory.rules.engine import RULES, Context, Hit, Hits, rule, run_rules

__all__ = ["RULES", "Context", "Hit", "Hits", "rule", "run_rules"]
