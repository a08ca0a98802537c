"""runhistory: validate, read and generate MIIS RunDetails run-history XML ([MS-UPSMODS] 2.2.1).

Reading a run::

    import runhistory

    history = runhistory.load("capture.xml")  # a runhistory.model.RunHistory
    for run in history.run_details:
        for step in run.step_details:
            print(run.run_number, step.step_number, step.step_result.value)
    data = runhistory.dumps(history)  # UTF-8 XML, canonically equal to the input

``load``/``loads`` raise :class:`LoadError` (with the findings) for a document that is not valid
under the profile (or larger than ``max_bytes``, 1 GiB by default), ``load`` raises
:class:`OSError` for a file it cannot read (a FIFO or a device is refused, not opened), and both
raise :class:`TypeError` for a source of the wrong type and :class:`ValueError` for an unknown
profile; no other exception escapes for bad input.  The model
itself (its classes, JSON form, ``ModelError``) lives in :mod:`runhistory.model`, imported on
first use so that ``import runhistory`` stays light.
"""

from __future__ import annotations

import os
import sys
import types
from typing import IO, TYPE_CHECKING

from runhistory.errors import LoadError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from runhistory.model import RunHistory
    from runhistory.report import FileReport

__version__ = "0.1.0.dev0"


def loads(
    data: bytes | bytearray | memoryview | str,
    *,
    profile: str = "product",
    name: str = "<string>",
    max_bytes: int | None = None,
) -> RunHistory:
    """A :class:`runhistory.model.RunHistory` from a document's bytes or text.

    Raises :class:`LoadError` (the document is not valid, or is over ``max_bytes``, default
    1 GiB), :class:`TypeError` (``data`` is not bytes-like or text) or :class:`ValueError` (an
    unknown profile, ``max_bytes`` < 1).  See :func:`runhistory.model.loads`.
    """
    from runhistory.model import loads as _loads

    return _loads(data, profile=profile, name=name, max_bytes=max_bytes)


def load(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    profile: str = "product",
    max_bytes: int | None = None,
) -> RunHistory:
    """A :class:`runhistory.model.RunHistory` from a file name or a file object.

    Raises :class:`OSError` (the file cannot be read, or is not a regular file: a FIFO or device
    is refused without being opened), :class:`LoadError` (not valid, or over ``max_bytes``:
    at most that many bytes plus one are read), :class:`TypeError` (``source`` is neither a
    name nor a file object; bytes go to :func:`loads`) or :class:`ValueError` (an unknown
    profile).  See :func:`runhistory.model.load`.
    """
    from runhistory.model import load as _load

    return _load(source, profile=profile, max_bytes=max_bytes)


def validate(
    source: str | os.PathLike[str] | bytes | IO[bytes],
    *,
    profile: str = "strict",
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str = (),
    name: str | None = None,
    max_bytes: int | None = None,
) -> FileReport:
    """The report of one document (path, bytes or binary file) with every finding.

    See :func:`runhistory.api.validate` and docs/api.md.
    """
    from runhistory.api import validate as _validate

    return _validate(
        source, profile=profile, select=select, ignore=ignore, name=name, max_bytes=max_bytes
    )


def dumps(model: RunHistory) -> bytes:
    """The UTF-8 XML of a model.  See :func:`runhistory.model.dumps`."""
    from runhistory.model import dumps as _dumps

    return _dumps(model)


class _Package(types.ModuleType):
    """The ``runhistory`` package: importing its submodule ``runhistory.validate`` (the
    pipeline) must not replace the function :func:`validate` as the import system would."""

    def __setattr__(self, name: str, value: object) -> None:
        if name == "validate" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = ["LoadError", "__version__", "dumps", "load", "loads", "validate"]
