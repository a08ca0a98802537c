"""Reading a document into the model although validation found problems in it.

:func:`runhistory.model.loads` refuses any document with an error finding: right for code that
relies on every rule holding.  A person who wants to see what a run did needs less: this module
reads every well-formed document whose structure the model can hold.  A value outside an
enumeration (an error-type the product added after the spec) is kept as written, as a stand-in
member of its enumeration (:func:`is_unknown` tells it apart); other problems are returned with
the model.  Only a document without the structure the model needs (not XML, another root, a
required element missing, text that is not of its type) raises :class:`LoadError`.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

from runhistory.errors import LoadError
from runhistory.findings import Finding, Severity
from runhistory.model import _read
from runhistory.model._generated import ROOT, RunHistory
from runhistory.model._types import Unreadable, is_unknown

ENUMERATION = "S103"
"""The code of a value outside its enumeration: what a tolerant read shows as written."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A model read tolerantly, and the error findings of its profile that did not stop it."""

    history: RunHistory
    problems: tuple[Finding, ...]


def read(data: bytes, *, profile: str = "product", name: str = "<string>") -> Reading:
    """The model of ``data`` and the problems found in it (error findings under ``profile``).

    Raises :class:`LoadError` when the document cannot be read at all; its message names the
    first finding that explains why (or the element the model could not hold).
    """
    from runhistory.model import _errors_only
    from runhistory.validate import Options, apply_selection, check_document

    if profile not in ("strict", "product"):
        raise ValueError(f"unknown profile {profile!r}: choose 'strict' or 'product'")
    options = Options(profile=profile, selection=_errors_only(profile))
    paused = gc.isenabled()
    gc.disable()  # many objects are made and none is garbage
    try:
        findings, tree = check_document(data, options)
        errors = [f for f in apply_selection(findings, options) if f.severity is Severity.ERROR]
        if tree is None:
            raise LoadError(name, errors)
        try:
            history: RunHistory = _read.reader(ROOT, tolerant=True)(tree.getroot())
        except Unreadable as err:
            blocking = [f for f in errors if f.rule != ENUMERATION]
            where = f"{name}:{err.line}" if err.line else name
            raise LoadError(
                name, blocking, None if blocking else f"{where}: the document cannot be read: {err}"
            ) from None
    finally:
        if paused:
            gc.enable()
    return Reading(history, tuple(errors))


__all__ = ["ENUMERATION", "Reading", "is_unknown", "read"]
