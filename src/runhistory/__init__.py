"""runhistory: validate, read and generate MIIS RunDetails run-history XML ([MS-UPSMODS] 2.2.1)."""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
