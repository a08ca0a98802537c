"""Report formats: each module ``NAME_format`` here renders a report as ``--format NAME``.

A format module has ``render(report, stream, *, color=False)``.  Adding a format is adding a
module; :data:`FORMATS` lists them without importing them.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import IO, Protocol

from runhistory.report import Report

_SUFFIX = "_format"
FORMATS: tuple[str, ...] = tuple(
    sorted(
        (
            info.name.removesuffix(_SUFFIX)
            for info in pkgutil.iter_modules([str(Path(__file__).parent)])
            if info.name.endswith(_SUFFIX)
        ),
        key=lambda name: (name != "text", name),
    )
)


class Renderer(Protocol):
    def __call__(self, report: Report, stream: IO[str], *, color: bool = False) -> None: ...


def renderer(name: str) -> Renderer:
    if name not in FORMATS:
        raise ValueError(f"unknown format '{name}' (choose from {', '.join(FORMATS)})")
    module = importlib.import_module(f"runhistory.output.{name}{_SUFFIX}")
    render: Renderer = module.render
    return render
