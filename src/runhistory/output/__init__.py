"""Report formats.  Each module has ``render(report, stream, options)``."""

from __future__ import annotations

import importlib
from typing import IO, Protocol

from runhistory.report import Report

FORMATS = ("text", "json")


class Renderer(Protocol):
    def __call__(self, report: Report, stream: IO[str], *, color: bool = False) -> None: ...


def renderer(name: str) -> Renderer:
    if name not in FORMATS:
        raise ValueError(f"unknown format '{name}' (choose from {', '.join(FORMATS)})")
    module = importlib.import_module(f"runhistory.output.{name}_format")
    render: Renderer = module.render
    return render
