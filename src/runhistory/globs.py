"""Globs of the configuration (``include``, ``exclude``, the keys of ``per-path``), matched
without regular expressions.

``*`` and ``?`` stay within one directory, ``[abc]``, ``[a-z]`` and ``[!a-z]`` match one
character, ``**`` (a whole segment) spans any number of directories, a pattern without ``/``
matches a name at any depth, and a pattern that matches a directory matches every file under
it.

A glob compiled to a regular expression backtracks exponentially on patterns such as
``*a*a*a*a*a*a*a*a*b``; here a segment is matched with the two-pointer wildcard algorithm
(at most length x length steps), and segments are matched the same way against ``**``, so a
match costs at most a polynomial of the pattern's and path's lengths.  Patterns are compiled
once; :class:`GlobSet` finds the patterns without wildcards (the usual ``per-path`` table names
a folder or file) by looking the path up, not by trying each pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

_MAGIC = frozenset("*?[")


class GlobError(ValueError):
    """A pattern that cannot be used (an empty or reversed character class)."""


@dataclass(frozen=True, slots=True)
class _Class:
    """``[...]``: one character within the ranges (or outside them when negated)."""

    negated: bool
    ranges: tuple[tuple[str, str], ...]

    def __contains__(self, char: str) -> bool:
        inside = any(lo <= char <= hi for lo, hi in self.ranges)
        return inside != self.negated


class _Mark:
    """A wildcard token, told apart from literal characters by identity."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_STAR = _Mark("*")  # any run of characters within a segment
_ONE = _Mark("?")  # any one character
_DEEP = _Mark("**")  # the segment '**': any run of segments
_Token = str | _Class | _Mark
_Segment = tuple[_Token, ...] | _Mark


def _class(body: str, pattern: str) -> _Class:
    negated = body[:1] in ("!", "^")
    if negated:
        body = body[1:]
    if not body:
        raise GlobError(f"'{pattern}': empty character class '[]' (write [!x] or [x], or \\[)")
    ranges: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            lo, hi = body[i], body[i + 2]
            if lo > hi:
                raise GlobError(f"'{pattern}': the range '{lo}-{hi}' is reversed; write {hi}-{lo}")
            ranges.append((lo, hi))
            i += 3
        else:
            ranges.append((body[i], body[i]))
            i += 1
    return _Class(negated, tuple(ranges))


def _segment(part: str, pattern: str) -> _Segment:
    if part == "**":
        return _DEEP
    tokens: list[_Token] = []
    j = 0
    while j < len(part):
        c = part[j]
        if c == "[" and (end := part.find("]", j + 2)) > 0:
            tokens.append(_class(part[j + 1 : end], pattern))
            j = end + 1
            continue
        if c == "*":
            if not tokens or tokens[-1] is not _STAR:  # '**' inside a segment is one '*'
                tokens.append(_STAR)
        elif c == "?":
            tokens.append(_ONE)
        else:
            tokens.append(c)
        j += 1
    return tuple(tokens)


def _char_matches(token: object, char: str) -> bool:
    if isinstance(token, _Class):
        return char in token
    return token is _ONE or token == char


def _wildcard(
    tokens: Sequence[object], items: Sequence[str], star: _Mark, one: Callable[[object, str], bool]
) -> bool:
    """Two-pointer wildcard matching: ``star`` matches any run of items, every other token one
    item (``one`` tests a token against an item).  At most len(tokens) x len(items) steps:
    only the last star is ever backtracked to."""
    t = i = 0
    last_star, mark = -1, 0
    while i < len(items):
        if t < len(tokens) and tokens[t] is not star and one(tokens[t], items[i]):
            t += 1
            i += 1
        elif t < len(tokens) and tokens[t] is star:
            last_star, mark = t, i
            t += 1
        elif last_star >= 0:
            t, mark = last_star + 1, mark + 1
            i = mark
        else:
            return False
    while t < len(tokens) and tokens[t] is star:
        t += 1
    return t == len(tokens)


def _segment_matches(segment: object, name: str) -> bool:
    assert isinstance(segment, tuple)
    if _STAR not in segment:
        return len(segment) == len(name) and all(map(_char_matches, segment, name))
    return _wildcard(segment, name, _STAR, _char_matches)


@dataclass(frozen=True, slots=True)
class Glob:
    """One compiled pattern."""

    pattern: str
    segments: tuple[_Segment, ...]
    literal: str | None  # the normalised pattern when it has no wildcard

    def match(self, rel: str) -> bool:
        """Whether ``rel`` (relative, with '/'), or a directory above it, matches."""
        parts = rel.split("/")
        return any(self._whole(parts[:n]) for n in range(len(parts), 0, -1))

    def _whole(self, parts: list[str]) -> bool:
        return _wildcard(self.segments, parts, _DEEP, _segment_matches)


def compile_glob(pattern: str) -> Glob:
    """The compiled form of ``pattern``; :class:`GlobError` when it cannot be used."""
    text = pattern.strip().removeprefix("./").rstrip("/")
    anywhere = "/" not in text
    parts = text.split("/")
    segments: list[_Segment] = [_segment(p, pattern) for p in parts]
    if segments and segments[-1] is _DEEP:
        # 'dir/**' is everything under dir: at least one more segment.
        segments[-1:] = [(_STAR,), _DEEP]
    if anywhere:
        segments.insert(0, _DEEP)
    literal = None if _MAGIC & set(text) else text
    return Glob(pattern, tuple(segments), literal)


class GlobSet:
    """Many patterns, each with a value: which values' patterns match a path, in the order the
    patterns were given.  Patterns without wildcards are looked up by path, not tried."""

    def __init__(self, items: Iterable[tuple[Glob, object]]) -> None:
        self._order: list[tuple[Glob, object]] = list(items)
        self._literal: dict[str, list[int]] = {}  # 'a/b' (anchored) -> indexes
        self._named: dict[str, list[int]] = {}  # 'name' (at any depth) -> indexes
        self._wild: list[int] = []
        for index, (glob, _value) in enumerate(self._order):
            if glob.literal is None:
                self._wild.append(index)
            elif "/" in glob.literal:
                self._literal.setdefault(glob.literal, []).append(index)
            else:
                self._named.setdefault(glob.literal, []).append(index)

    def matching(self, rel: str) -> list[object]:
        parts = rel.split("/")
        hits: set[int] = set()
        for n in range(1, len(parts) + 1):
            hits.update(self._literal.get("/".join(parts[:n]), ()))
        for name in parts:
            hits.update(self._named.get(name, ()))
        hits.update(i for i in self._wild if self._order[i][0].match(rel))
        return [self._order[i][1] for i in sorted(hits)]
