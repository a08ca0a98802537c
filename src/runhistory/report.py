"""Results of a validation run: per file, then for the whole batch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from runhistory.escaping import human
from runhistory.findings import Finding, Severity


@dataclass(slots=True)
class FileReport:
    file: str
    findings: list[Finding] = field(default_factory=list)
    # Findings past ``--max-findings``: counted in every total, not listed.
    hidden: list[Finding] = field(default_factory=list)
    # Under the strict profile: errors (by code) that are known departures of product output,
    # which the product profile reports as warnings instead.
    departures: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """No finding of severity error."""
        return self.count(Severity.ERROR) == 0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity) + sum(
            1 for f in self.hidden if f.severity is severity
        )

    def fails(self, threshold: Severity) -> bool:
        """A finding at ``threshold`` or more severe."""
        return any(f.severity.rank >= threshold.rank for f in (*self.findings, *self.hidden))

    def limit(self, max_findings: int | None) -> None:
        """List only the first ``max_findings`` findings; the rest stay counted."""
        if max_findings is not None and len(self.findings) > max_findings:
            self.hidden = self.findings[max_findings:] + self.hidden
            self.findings = self.findings[:max_findings]


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that could not be read at all (missing, unreadable, not a file)."""

    name: str
    message: str

    def __str__(self) -> str:
        """One line for a terminal: the name and message with controls escaped."""
        return f"{human(self.name)}: {human(self.message)}"


@dataclass(slots=True)
class Report:
    profile: str
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What makes a file fail (``--fail-on``): error by default, or warning.
    fail_on: Severity = Severity.ERROR
    # Ctrl-C or SIGTERM stopped the batch: the report covers only the inputs before that.
    interrupted: bool = False
    # Files and problems in the order of the operands (see add()).
    _order: list[FileReport | Problem] = field(default_factory=list, repr=False)

    def add(self, outcome: FileReport | Problem) -> None:
        """A file's report or an input's problem, in the order of the operands."""
        if isinstance(outcome, FileReport):
            self.files.append(outcome)
        else:
            self.problems.append(outcome)
        self._order.append(outcome)

    def entries(self) -> list[FileReport | Problem]:
        """Every operand's outcome, checked or not, in input order (those appended to
        ``files`` or ``problems`` directly come last)."""
        known = {id(x) for x in self._order}
        both: list[FileReport | Problem] = [*self.files, *self.problems]
        rest = [x for x in both if id(x) not in known]
        return [*self._order, *rest]

    def departures(self) -> Counter[str]:
        """Errors, by code, that are known departures of product output (strict profile)."""
        total: Counter[str] = Counter()
        for fr in self.files:
            total.update(fr.departures)
        return total

    def count(self, severity: Severity) -> int:
        return sum(f.count(severity) for f in self.files)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def failed(self) -> bool:
        return any(f.fails(self.fail_on) for f in self.files)

    def statistics(self) -> Counter[str]:
        return Counter(f.rule for fr in self.files for f in (*fr.findings, *fr.hidden))
