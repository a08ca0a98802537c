"""The exceptions the ``runhistory`` API raises (cheap to import: no parser, no schema)."""

from __future__ import annotations

from runhistory.findings import Finding, Severity
from runhistory.sections import cited


class LoadError(ValueError):
    """A document could not be loaded: it is unreadable as XML or not valid under the profile.

    ``findings`` are the error findings ``runhistory validate`` reports for the same bytes and
    profile (sorted by position); ``name`` is the file name, or ``<string>``.  ``str()`` of the
    exception is one line: the first finding and how many more there are.
    """

    def __init__(self, name: str, findings: list[Finding], message: str | None = None) -> None:
        self.name = name
        self.findings = tuple(findings)
        super().__init__(message or self._summary())

    def _summary(self) -> str:
        errors = [f for f in self.findings if f.severity is Severity.ERROR] or list(self.findings)
        if not errors:
            return f"{self.name}: the document could not be loaded"
        first = errors[0]
        where = ":".join(str(p) for p in (first.line, first.column) if p is not None)
        more = len(errors) - 1
        tail = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        loc = f"{self.name}:{where}" if where else self.name
        return f"{loc}: {first.rule} {cited(first.section)}{first.message}{tail}"


__all__ = ["LoadError"]
