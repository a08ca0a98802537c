"""The prose rules of [MS-UPSMODS] 2.2.1, one module per spec section.

Importing this package imports every module in it, which registers each rule in
:data:`runhistory.catalog.CATALOG`.  Adding a rule module is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

from runhistory.rules.engine import RULES, Hit, Hits, RuleContext, rule, run_rules

_INFRASTRUCTURE = {"engine", "catalog_doc"}
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    if _info.name not in _INFRASTRUCTURE and not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["RULES", "Hit", "Hits", "RuleContext", "rule", "run_rules"]
