"""Configuration from ``[tool.runhistory]`` in pyproject.toml, or from runhistory.toml.

The file is found by walking up from the current directory: in each directory a
``runhistory.toml`` (whose top level is the configuration, or which may use
``[tool.runhistory]`` too) is taken first, then a ``pyproject.toml`` that has a
``[tool.runhistory]`` table.  ``--config FILE`` names the file instead.  Globs (``include``,
``exclude``, the keys of ``per-path``) are relative to the directory of the file.

Every key is checked: an unknown key, a value of the wrong type, an unknown code or level is a
:class:`ConfigError` naming the key and the file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from runhistory import rules as _rules  # noqa: F401  (registers the prose rules)
from runhistory.catalog import PROFILES
from runhistory.findings import Severity
from runhistory.globs import Glob, GlobError, GlobSet, compile_glob
from runhistory.selection import Selection, SelectionError, check_prefixes

CONFIG_NAMES = ("runhistory.toml", "pyproject.toml")
FAIL_ON = ("error", "warning")


class ConfigError(ValueError):
    """Bad configuration: one line naming the file and the key."""

    def __init__(self, file: Path, key: str | None, message: str) -> None:
        where = f"{file}: [tool.runhistory]" + (f" {key}" if key else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Override:
    """Settings for the files that match one ``per-path`` glob."""

    pattern: str
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    # Codes each matching file must report (a fixture broken on purpose): they are not listed,
    # and one that is missing is reported as U002.
    expect: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    file: Path | None = None  # None: no configuration file
    profile: str | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_path: tuple[Override, ...] = ()
    fail_on: str | None = None
    max_findings: int | None = None
    max_bytes: int | None = None
    inline_ignores: bool | None = None
    # The globs compiled once (a file's settings are looked up for every file of a batch).
    _globs: tuple[tuple[Glob, ...], tuple[Glob, ...], GlobSet] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        compiled = (
            tuple(map(_compiled, self.include)),
            tuple(map(_compiled, self.exclude)),
            GlobSet((_compiled(o.pattern), o) for o in self.per_path),
        )
        object.__setattr__(self, "_globs", compiled)

    @property
    def root(self) -> Path:
        return self.file.parent if self.file is not None else Path.cwd()

    def selection(self) -> Selection:
        return Selection(
            select=self.select,
            extend_select=self.extend_select,
            ignore=self.ignore,
            severity=dict(self.severity),
        )

    def relative(self, path: Path) -> str | None:
        """``path`` relative to the configuration's directory, with '/' (None if outside)."""
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        if rel == ".." or rel.startswith(".." + os.sep):
            return None
        return rel.replace(os.sep, "/")

    def wanted(self, path: Path) -> bool:
        """Whether ``include`` and ``exclude`` let this file be checked."""
        if not self.include and not self.exclude:
            return True
        rel = self.relative(path)
        if rel is None:
            return True
        include, exclude, _ = self._globs
        if include and not any(g.match(rel) for g in include):
            return False
        return not any(g.match(rel) for g in exclude)

    def overrides_for(self, path: Path | None) -> tuple[Override, ...]:
        if not self.per_path:
            return ()
        rel = self.relative(path) if path is not None else None
        if rel is None:
            return ()
        found = self._globs[2].matching(rel)
        return tuple(o for o in found if isinstance(o, Override))


# -- globs --------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _compiled(pattern: str) -> Glob:
    return compile_glob(pattern)


def glob_match(pattern: str, rel: str) -> bool:
    """Whether the relative path ``rel`` (or a directory above it) matches ``pattern``
    (see :mod:`runhistory.globs`); :class:`~runhistory.globs.GlobError` for a bad pattern."""
    return _compiled(pattern).match(rel)


def _glob(file: Path, key: str, pattern: str) -> str:
    try:
        _compiled(pattern)
    except GlobError as err:
        raise ConfigError(file, key, str(err)) from None
    return pattern


# -- loading ------------------------------------------------------------------------------------


def _read(file: Path) -> dict[str, Any]:
    import tomllib  # here: most runs find no configuration file, and it costs start-up time

    try:
        with open(file, "rb") as fh:
            return tomllib.load(fh)
    except OSError as err:
        raise ConfigError(file, None, f"cannot be read: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(file, None, f"is not valid TOML: {err}") from None
    except UnicodeDecodeError as err:
        raise ConfigError(
            file, None, f"is not UTF-8 text (byte {err.start + 1} is not; TOML files are UTF-8)"
        ) from None


def _table(file: Path) -> dict[str, Any] | None:
    """The runhistory table of a file, or None when the file has none."""
    data = _read(file)
    tool = data.get("tool")
    table = tool.get("runhistory") if isinstance(tool, dict) else None
    if table is not None:
        if not isinstance(table, dict):
            raise ConfigError(file, None, "must be a table")
        return table
    if file.name == "runhistory.toml":
        return {k: v for k, v in data.items() if k != "tool"}
    return None


# A [tool.runhistory...] header or a tool.runhistory / runhistory key, however it is quoted.
_MENTIONS_US = re.compile(
    r"^[ \t]*(?:\[[ \t]*tool[ \t]*\.[ \t]*[\"']?runhistory\b"
    r"|(?:tool[ \t]*\.[ \t]*)?[\"']?runhistory[\"']?[ \t]*[.=])",
    re.MULTILINE,
)


def _ours(file: Path) -> bool:
    """Whether a pyproject.toml that cannot be parsed looks as if it holds our table: a broken
    file of another tool in a folder above must not stop every run, a broken one of ours must
    be reported."""
    try:
        text = file.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False  # unreadable: it cannot hold settings that apply
    return _MENTIONS_US.search(text) is not None


def _is_file(path: Path, *, report: bool = False) -> bool:
    """``path.is_file()``; a name too long or a folder that cannot be searched is no file
    there, or (``report``) a :class:`ConfigError` saying so."""
    try:
        return path.is_file()
    except OSError as err:
        if report:
            raise ConfigError(path, None, f"cannot be read: {err.strerror or err}") from None
        return False


def find(start: Path | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the current directory).

    A ``pyproject.toml`` counts only when it has a ``[tool.runhistory]`` table; one that cannot
    be read or parsed counts (so that it is reported) only when it appears to have one."""
    try:
        here = (start or Path.cwd()).resolve()
    except OSError:  # the current directory was removed
        return None
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not _is_file(candidate):
                continue
            if name == "runhistory.toml":
                return candidate
            try:
                if _table(candidate) is not None:
                    return candidate
            except ConfigError:
                if _ours(candidate):
                    return candidate  # let load() report it
    return None


def load(file: Path | None = None, *, start: Path | None = None) -> Config:
    """The configuration in ``file`` (or the one found from ``start``); empty when none.

    Raises :class:`ConfigError` (one line naming the file, the key and what is wrong)."""
    if file is None:
        file = find(start)
        if file is None:
            return Config()
    elif not _is_file(file, report=True):
        raise ConfigError(file, None, "no such file")
    table = _table(file)
    if table is None:
        raise ConfigError(file, None, "has no [tool.runhistory] table")
    return _parse(file, table)


_KEYS = {
    "profile",
    "select",
    "extend-select",
    "ignore",
    "severity",
    "include",
    "exclude",
    "per-path",
    "fail-on",
    "max-findings",
    "max-bytes",
    "inline-ignores",
}
_OVERRIDE_KEYS = {"expect", "extend-select", "ignore", "severity"}


def _strings(file: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(file, key, f"expected a list of strings, got {_shown(value)}")
    return tuple(value)


def _codes(file: Path, key: str, value: Any) -> tuple[str, ...]:
    codes = tuple(c.strip().upper() for c in _strings(file, key, value))
    try:
        check_prefixes(codes, key)
    except SelectionError as err:
        raise ConfigError(file, key, str(err).split(": ", 1)[-1]) from None
    return codes


def _severities(file: Path, key: str, value: Any) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(file, key, f"expected a table of CODE = LEVEL, got {_shown(value)}")
    out: dict[str, Severity] = {}
    for code, level in value.items():
        _codes(file, f"{key}.{code}", [code])
        if not isinstance(level, str) or level.lower() not in Severity.__members__.values():
            raise ConfigError(
                file,
                f"{key}.{code}",
                f"{_shown(level)} is not a level (choose from error, warning, info)",
            )
        out[code.strip().upper()] = Severity(level.lower())
    return out


def _integer(file: Path, key: str, value: Any, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ConfigError(file, key, f"expected a whole number >= {minimum}, got {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    for t, word in kinds.items():
        if type(value) is t:
            return f"{word} ({value!r})" if t is not str else repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _unknown(file: Path, prefix: str, keys: set[str], allowed: set[str]) -> None:
    for key in sorted(keys - allowed):
        raise ConfigError(file, prefix + key, f"unknown key (known: {', '.join(sorted(allowed))})")


def _parse(file: Path, table: dict[str, Any]) -> Config:
    _unknown(file, "", set(table), _KEYS)
    kw: dict[str, Any] = {"file": file}
    if "profile" in table:
        value = table["profile"]
        if value not in PROFILES:
            raise ConfigError(
                file, "profile", f"{_shown(value)} is not a profile ({', '.join(PROFILES)})"
            )
        kw["profile"] = value
    _parse_selection(file, table, kw)
    _parse_limits(file, table, kw)
    for key in ("include", "exclude"):
        if key in table:
            kw[key] = tuple(_glob(file, key, p) for p in _strings(file, key, table[key]))
    if "per-path" in table:
        kw["per_path"] = _per_path(file, table["per-path"])
    return Config(**kw)


def _parse_selection(file: Path, table: dict[str, Any], kw: dict[str, Any]) -> None:
    for key in ("select", "extend-select", "ignore"):
        if key in table:
            kw[key.replace("-", "_")] = _codes(file, key, table[key])
    if "severity" in table:
        kw["severity"] = _severities(file, "severity", table["severity"])


def _parse_limits(file: Path, table: dict[str, Any], kw: dict[str, Any]) -> None:
    if "fail-on" in table:
        if table["fail-on"] not in FAIL_ON:
            raise ConfigError(file, "fail-on", f"{_shown(table['fail-on'])}: use error or warning")
        kw["fail_on"] = table["fail-on"]
    for key in ("max-findings", "max-bytes"):
        if key in table:
            kw[key.replace("-", "_")] = _integer(file, key, table[key], 1)
    if "inline-ignores" in table:
        value = table["inline-ignores"]
        if not isinstance(value, bool):
            raise ConfigError(
                file, "inline-ignores", f"expected true or false, got {_shown(value)}"
            )
        kw["inline_ignores"] = value


def _per_path(file: Path, per_path: Any) -> tuple[Override, ...]:
    if not isinstance(per_path, dict):
        raise ConfigError(
            file, "per-path", f"expected a table of GLOB = {{...}}, got {_shown(per_path)}"
        )
    overrides = []
    for pattern, settings in per_path.items():
        key = f'per-path."{pattern}"'
        _glob(file, key, pattern)
        if not isinstance(settings, dict):
            raise ConfigError(file, key, f"expected a table, got {_shown(settings)}")
        _unknown(file, key + ".", set(settings), _OVERRIDE_KEYS)
        overrides.append(
            Override(
                pattern=pattern,
                extend_select=_codes(
                    file, f"{key}.extend-select", settings.get("extend-select", [])
                ),
                ignore=_codes(file, f"{key}.ignore", settings.get("ignore", [])),
                severity=_severities(file, f"{key}.severity", settings.get("severity", {})),
                expect=_codes(file, f"{key}.expect", settings.get("expect", [])),
            )
        )
    return tuple(overrides)


def layered(config: Config, overrides: tuple[Override, ...], command_line: Selection) -> Selection:
    """The selection for one file: the file's settings, then its per-path overrides, then the
    command line (which wins)."""
    sel = config.selection()
    for o in overrides:
        sel = Selection(
            extend_select=o.extend_select + o.expect,
            ignore=o.ignore,
            severity=dict(o.severity),
            base=sel,
        )
    return Selection(
        select=command_line.select,
        extend_select=command_line.extend_select,
        ignore=command_line.ignore,
        severity=command_line.severity,
        base=sel,
    )
