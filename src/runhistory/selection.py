"""Which codes are on, and at what severity: profile defaults, then select/ignore/overrides.

Prefixes work as in ruff: ``R`` selects every ``R`` code, ``R1`` every ``R1xx``, ``ALL`` all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from runhistory.catalog import CATALOG, PROFILES, Kind
from runhistory.findings import Severity

# Severity of a rule that is off by default in the profile but selected explicitly.
_WHEN_SELECTED = {Kind.LINT: Severity.INFO, Kind.PRODUCT: Severity.WARNING}


def _matches(code: str, prefixes: Iterable[str]) -> bool:
    # An empty prefix would match every code: it never matches (check_prefixes refuses it).
    return any(p == "ALL" or (p and code.startswith(p)) for p in prefixes)


class SelectionError(ValueError):
    """A code or prefix that names nothing in the catalog, or an unknown profile."""


def check_prefixes(prefixes: Iterable[str], what: str) -> None:
    """Refuse a code or prefix that names no rule.  An empty (or blank) one is refused too:
    as a prefix it would match every code, so ``ignore = [""]`` would turn everything off."""
    for p in prefixes:
        if not isinstance(p, str) or not p.strip():
            raise SelectionError(
                f"{what}: an empty code; name a rule code or prefix such as S106 or R1 "
                "(see 'runhistory rules')"
            )
        if p != "ALL" and not any(code.startswith(p) for code in CATALOG):
            raise SelectionError(f"{what}: '{p}' matches no rule code (see 'runhistory rules')")


@dataclass(frozen=True, slots=True)
class Selection:
    select: tuple[str, ...] | None = None  # None: the profile's defaults
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # code or prefix -> severity
    # A layer underneath (the configuration file under the command line): its result is the
    # starting point, and this layer's select, extend-select, ignore and severity win over it.
    base: Selection | None = None
    # enabled() per profile, computed once: it runs for every document of a batch.
    _cache: dict[str, Mapping[str, Severity]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def validate(self) -> None:
        """Raise :class:`SelectionError` for an empty or unknown code in this layer or below."""
        self._check_own()
        if self.base is not None:
            self.base.validate()

    def _check_own(self) -> None:
        check_prefixes(self.select or (), "select")
        check_prefixes(self.extend_select, "extend-select")
        check_prefixes(self.ignore, "ignore")
        check_prefixes(self.severity, "severity")

    def enabled(self, profile: str) -> Mapping[str, Severity]:
        """Every enabled code with the severity it reports with under ``profile`` (read-only:
        the same mapping for every document of a batch, so what is built from it is built
        once)."""
        cached = self._cache.get(profile)
        if cached is None:
            cached = self._cache[profile] = MappingProxyType(self._enabled(profile))
        return cached

    def _enabled(self, profile: str) -> dict[str, Severity]:
        if profile not in PROFILES:
            raise SelectionError(f"unknown profile '{profile}' (choose from {', '.join(PROFILES)})")
        self._check_own()  # whoever built this selection (command line, file, API), it is sound
        below = self.base.enabled(profile) if self.base is not None else None
        out: dict[str, Severity] = {}
        for code, info in CATALOG.items():
            default = info.severity(profile)
            if self.select is not None:
                on = _matches(code, self.select)
            elif below is not None:
                on = code in below
            else:
                on = default is not None
            on = on or _matches(code, self.extend_select)
            if on and _matches(code, self.ignore) and not info.fatal:
                on = False
            # A document that could not be read is always reported, whatever is selected:
            # otherwise `--select S106` would pass a file that is not even XML.
            on = on or info.fatal
            if not on:
                continue
            sev = default or _WHEN_SELECTED.get(info.kind, Severity.WARNING)
            if below is not None and code in below:
                sev = below[code]
            # The longest matching override wins.
            best = max((p for p in self.severity if _matches(code, [p])), key=len, default=None)
            if best is not None and not info.fatal:
                sev = self.severity[best]
            out[code] = sev
        return out
