"""One generated document, conformant or broken, with what ``validate`` is expected to say.

Both front ends go through :func:`draft`: the Hypothesis strategies and ``runhistory generate``
differ only in the chooser they pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from runhistory.catalog import CATALOG
from runhistory.generator.breaks import BREAKS
from runhistory.generator.build import Shape, build
from runhistory.generator.choices import Chooser
from runhistory.generator.encode import ENCODINGS, Draft

if TYPE_CHECKING:
    from runhistory.model import RunHistory

PROFILES = ("strict", "product")
# Breaks whose output never reaches the encoding check (nothing to decode, or not XML).
_NO_DECLARATION_CHECK = ("D002", "D007")


@dataclass(frozen=True, slots=True)
class Generated:
    """A generated document and what validating it must report."""

    data: bytes
    encoding: str
    profile: str  # validate it under this profile
    rule: str | None  # the rule it breaks, or None for a conformant document
    path: str | None  # where validate reports ``rule``
    expected: tuple[str, ...]  # every code validate reports (empty: a clean document)
    name: str  # a few words saying what it is: 'valid-import-sync', 'R304-...'

    def text(self) -> str:
        from runhistory.decoding import decode

        return decode(self.data).text()

    def model(self) -> RunHistory:
        """The document as model objects (a conformant document only)."""
        from runhistory.model import loads

        if self.expected:
            raise ValueError(f"{self.name}: a document with findings does not load as a model")
        return loads(self.data, profile=self.profile, name=self.name)


@dataclass(slots=True)
class Drafted:
    """A drafted document before it is turned into bytes (streamed for large documents)."""

    draft: Draft
    profile: str
    rule: str | None
    path: str | None
    expected: tuple[str, ...]
    name: str

    def generated(self) -> Generated:
        return Generated(
            self.draft.to_bytes(),
            self.draft.encoding,
            self.profile,
            self.rule,
            self.path,
            self.expected,
            self.name,
        )


def expected_codes(rule: str | None, encoding: str) -> tuple[str, ...]:
    codes: list[str] = []
    if rule is not None:
        codes += [rule, *CATALOG[rule].implies]
    if encoding == "utf-8-declared-utf-16" and rule not in _NO_DECLARATION_CHECK:
        codes.append("D003")
    return tuple(sorted(set(codes)))


def _kinds(draft: Draft) -> list[str]:
    names = {"full-import": "import", "delta-import": "import", "apply-rules": "sync"}
    kinds = []
    for st in draft.root.all("run-details/step-details/step-description/step-type"):
        kind = st.attrs.get("type", "")
        kinds.append(names.get(kind, kind))
    return kinds


def draft(
    ch: Chooser,
    shape: Shape | None = None,
    *,
    rule: str | None = None,
    profile: str = "strict",
    encoding: str = "utf-8",
) -> Drafted:
    """Draft a conformant document, or one that breaks ``rule``, from ``ch``'s choices."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding '{encoding}' (choose from {', '.join(ENCODINGS)})")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile '{profile}' (choose from {', '.join(PROFILES)})")
    shape = shape or Shape()
    if rule is None:
        d = Draft(build(ch, shape), encoding)
        suffix = "" if encoding == "utf-8" else "-" + encoding.replace("-", "")
        expected = expected_codes(None, encoding)
        # Named by what it is: "valid" only when it validates without a finding.
        what = "-".join(expected) if expected else "valid"
        name = f"{what}-" + "-".join(dict.fromkeys(_kinds(d))) + suffix
        return Drafted(d, profile, None, None, expected, name)
    found = BREAKS.get(rule)
    if found is None:
        raise ValueError(f"no broken documents for '{rule}': not a rule code in the catalog")
    d = Draft(build(ch, found.needs(shape)), encoding)
    path = found.edit(ch, d)
    return Drafted(
        d, found.profile, rule, path, expected_codes(rule, d.encoding), f"{rule}-{found.what}"
    )
