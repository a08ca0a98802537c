"""Results of a validation run: per file, then for the whole batch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from runhistory.findings import Finding, Severity


@dataclass(slots=True)
class FileReport:
    file: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """No finding of severity error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


@dataclass(slots=True)
class Report:
    profile: str
    files: list[FileReport] = field(default_factory=list)
    # Inputs that could not be read at all (missing, unreadable, not a file): one line each.
    problems: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(f.count(severity) for f in self.files)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    def statistics(self) -> Counter[str]:
        return Counter(f.rule for fr in self.files for f in fr.findings)
