"""Inline suppression: ``<!-- runhistory: ignore CODE[,CODE] -->`` in a document.

The comment suppresses the codes it names for the element that follows it and that element's
subtree.  This runs after the findings are produced, and needs only the findings (their codes
and paths) and one light pass over the document's markup to learn where the comments are and
which element each one precedes; it never needs the document's tree in memory.

A named code that suppressed nothing, a code that does not exist and a comment with no element
after it are reported as ``U001`` (info), so stale suppressions do not pile up in fixtures.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from lxml import etree

from runhistory.catalog import CATALOG
from runhistory.decoding import Decoded, decode
from runhistory.findings import Finding, Severity, one_line
from runhistory.location import render_path, step
from runhistory.parsing import refusing, safe_settings

CODE = "U001"
EXPECTED = "U002"
MARKER = "runhistory:"
_COMMENT = re.compile(r"^\s*runhistory:\s*ignore(?![\w-])(?P<codes>.*)$", re.DOTALL)
# Every comment is looked at (a misspelled marker must be found too): a document without one
# needs no scan.  RunDetails output has none; hand-edited fixtures have a few.
_OPEN = "<!--"
_UNICODE = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


@lru_cache(maxsize=1)
def _opens() -> tuple[bytes, ...]:
    """``<!--`` in each encoding a capture may be in (looked up when first needed: the codecs
    are imported then, not at start-up)."""
    return tuple(_OPEN.encode(c) for c in _UNICODE)


_CHUNK = 1 << 16


@dataclass(slots=True)
class _Frame:
    """An open element during the scan: its name, its place among same-named siblings, and how
    many children of each name it has (final once the element has ended)."""

    name: str
    index: int
    children: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class Suppression:
    line: int
    codes: tuple[str, ...]
    # The frames from the root down to the element the comment precedes (empty: none follows).
    chain: list[_Frame] = field(default_factory=list)
    target_line: int | None = None
    used: set[str] = field(default_factory=set)
    # Why a comment meant as a suppression is not read (misspelled): it suppresses nothing.
    problem: str | None = None

    def path(self) -> str | None:
        """The element's path, as lxml's getpath writes it (``[n]`` only among namesakes)."""
        if not self.chain:
            return None
        parts = [self.chain[0].name]
        for parent, frame in zip(self.chain, self.chain[1:], strict=False):
            parts.append(step(frame.name, frame.index, parent.children[frame.name] > 1))
        return render_path(parts)


# What counts as an attempted suppression (U001 when it is not in the one form that is read):
# a comment whose first word is, in any case and without '-' or '_', within two edits of
# "runhistory", followed by a word within two edits of "ignore" (not "ignored", "ignores",
# "ignoring"); or a comment that starts with exactly "runhistory:" (the marker is ours, so any
# directive after it is meant for this tool).  Anything else is an ordinary comment.
_WORDS = re.compile(r"\s*([A-Za-z][A-Za-z_-]*)[ \t\r\n]*(:?)[ \t\r\n]*([A-Za-z][A-Za-z_-]*)?")
_NOT_IGNORE = frozenset({"ignored", "ignores", "ignoring"})
FORM = "<!-- runhistory: ignore CODE[,CODE] -->"


def _near(word: str, target: str) -> bool:
    """Whether ``word`` is within two edits of ``target`` (insertions, deletions, changes and
    swaps of neighbours: the optimal string alignment distance)."""
    if abs(len(word) - len(target)) > 2:
        return False
    before: list[int] = []
    previous = list(range(len(target) + 1))
    for i, a in enumerate(word, 1):
        current = [i] + [0] * len(target)
        for j, b in enumerate(target, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == target[j - 2] and word[i - 2] == b:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[-1] <= 2


def attempt(text: str) -> str | None:
    """Why the comment ``text`` is a suppression that is not read (None: an ordinary comment,
    or one in the form that is read)."""
    if _COMMENT.match(text):
        return None
    m = _WORDS.match(text)
    if m is None:
        return None
    first, colon, second = m.group(1), m.group(2), (m.group(3) or "").lower()
    if not _near(first.lower().replace("-", "").replace("_", ""), "runhistory"):
        return None
    ours = first == "runhistory" and colon
    if not ours and (second in _NOT_IGNORE or not _near(second, "ignore")):
        return None
    shown = one_line(" ".join(text.split())[:60])
    return f"'{shown}' is not read: write {FORM} (lower case, with the colon)"


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.upper() for c in re.split(r"[\s,]+", text.strip()) if c)


def _local(tag: object) -> str:
    name = str(tag)
    return name.rsplit("}", 1)[-1]


def has_marker(data: bytes, codec: str | None = None) -> bool:
    """Whether the bytes may hold a suppression comment, spelled right or not: whether they
    hold a comment at all (cheap; no decoding).

    Given the document's codec, one pass in that encoding; without it, one pass for each
    encoding a capture may be in."""
    if codec is not None:
        try:
            return _OPEN.encode(codec) in data
        except LookupError:
            pass
    return any(m in data for m in _opens())


def scan(data: bytes) -> list[Suppression]:
    """Every suppression comment of a document with the element it precedes.

    An empty list when the document holds none, or cannot be read (its findings say why)."""
    decoded = decode(data)
    if not _may_suppress(decoded):  # no comment, or none that is meant as a suppression
        return []
    stream = io.BytesIO(decoded.body)
    return scan_chunks(decoded.encoding, iter(lambda: stream.read(_CHUNK), b""))


def scan_tree(tree: etree._ElementTree, decoded: Decoded) -> list[Suppression]:
    """:func:`scan` of a document already parsed into ``tree`` from ``decoded``: its comments
    are looked at in the tree (in C, no second read of the bytes); only when one is meant as a
    suppression is the document read again, to place each comment before its element."""
    if not any(_meant(str(c.text or "")) for c in _comments(tree.getroot())):
        return []
    stream = io.BytesIO(decoded.body)
    return scan_chunks(decoded.encoding, iter(lambda: stream.read(_CHUNK), b""))


def _comments(root: etree._Element) -> Iterator[etree._Element]:
    """Every comment of the document: before the root element, in it, after it."""
    yield from root.itersiblings(etree.Comment, preceding=True)
    yield from root.iter(etree.Comment)
    yield from root.itersiblings(etree.Comment)


def _meant(comment: str) -> bool:
    """Whether a comment is a suppression, or an attempt at one."""
    return bool(_COMMENT.match(comment)) or attempt(comment) is not None


def _may_suppress(decoded: Decoded) -> bool:
    """Whether some comment of the document is a suppression or an attempt at one (False: every
    comment is an ordinary one, and the pull parse that places comments is not needed).

    Reads the bytes, not the markup: every comment's text lies between a ``<!--`` and the next
    ``-->``.  A ``<!--`` that is not a comment (inside CDATA) only adds a candidate, so no
    comment is missed; a comment that cannot be decoded is left to the full scan."""
    width = _WIDTHS.get(decoded.codec)
    if width is None:  # another encoding: the markers are searched for in the text
        try:
            return _any_attempt(decoded.body.decode(decoded.codec), "<!--", "-->", 1, str)
        except (UnicodeError, LookupError):
            return True
    opening, closing = _OPEN.encode(decoded.codec), "-->".encode(decoded.codec)
    return _any_attempt(decoded.body, opening, closing, width, lambda b: b.decode(decoded.codec))


# The Unicode encodings, by the width of their code unit: a marker found at an offset that is
# not a multiple of it is the middle of other characters.
_WIDTHS = {"utf-8": 1, "utf-16-le": 2, "utf-16-be": 2, "utf-32-le": 4, "utf-32-be": 4}

_Text = TypeVar("_Text", str, bytes)


def _any_attempt(
    text: _Text, opening: _Text, closing: _Text, width: int, as_str: Callable[[_Text], str]
) -> bool:
    at = _aligned(text, opening, 0, width)
    close = -1
    while at >= 0:
        start = at + len(opening)
        if close < start:  # the next "-->" after this candidate (shared by nested candidates)
            close = _aligned(text, closing, start, width)
            if close < 0:
                return True  # an unclosed comment: malformed, the full scan says so
        try:
            comment = as_str(text[start:close])
        except UnicodeError:
            return True
        if _COMMENT.match(comment) or attempt(comment):
            return True
        at = _aligned(text, opening, start, width)
    return False


def _aligned(text: _Text, marker: _Text, start: int, width: int) -> int:
    """The first offset of ``marker`` in ``text`` from ``start`` that is a multiple of
    ``width`` (-1: none)."""
    at = text.find(marker, start)
    while at > 0 and at % width:
        at = text.find(marker, at + 1)
    return at


def scan_chunks(encoding: str, chunks: Iterable[bytes]) -> list[Suppression]:
    """:func:`scan` of a document given as chunks of its bytes after any BOM, in ``encoding``
    (streaming validation reads the file again this way)."""
    parser = refusing(
        etree.XMLPullParser(events=("start", "end", "comment"), **safe_settings(encoding))
    )
    found: list[Suppression] = []
    waiting: list[Suppression] = []  # comments not yet followed by a start or an end tag
    stack: list[_Frame] = []
    top = Counter[str]()  # names at the top level (only the root element)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for event, item in parser.read_events():
                if not isinstance(item, etree._Element):
                    continue
                el = item
                line: int | None = getattr(el, "sourceline", None)
                if event == "comment":
                    text = str(el.text or "")
                    m = _COMMENT.match(text)
                    problem = None if m else attempt(text)
                    if m or problem:
                        codes = _codes(m.group("codes")) if m else ()
                        s = Suppression(line or 1, codes, problem=problem)
                        found.append(s)
                        waiting.append(s)
                elif event == "start":
                    name = _local(el.tag)
                    siblings = stack[-1].children if stack else top
                    siblings[name] += 1
                    stack.append(_Frame(name, siblings[name]))
                    for s in waiting:
                        s.chain = list(stack)
                        s.target_line = line
                    waiting.clear()
                else:  # end: a comment right before an end tag precedes no element
                    waiting.clear()
                    stack.pop()
                    # Keep memory flat: what has ended is not needed again.
                    el.clear()
                    parent = el.getparent()
                    if parent is not None:
                        while el.getprevious() is not None:
                            del parent[0]
        parser.close()
    except etree.XMLSyntaxError:
        return []
    return found


@lru_cache(maxsize=1024)
def _names_a_rule(prefix: str) -> bool:
    return any(_covers(prefix, known) for known in CATALOG)


def _covers(prefix: str, code: str) -> bool:
    return prefix == "ALL" or code.startswith(prefix)


def apply(data: bytes, findings: list[Finding], enabled: Mapping[str, Severity]) -> list[Finding]:
    """``findings`` without those an inline comment suppresses, plus ``U001`` for each
    suppression that suppressed nothing (when ``U001`` is enabled)."""
    return apply_found(scan(data), findings, enabled)


def _enclosing(path: str) -> Iterator[str]:
    """``path`` and the paths of the elements that enclose it (``/a/b/@c``: itself, ``/a/b``
    and ``/a``)."""
    yield path
    at = path.rfind("/")
    while at > 0:
        path = path[:at]
        yield path
        at = path.rfind("/")


def _suppressed(f: Finding, by_path: Mapping[str, list[Suppression]]) -> bool:
    """Whether a suppression on ``f``'s element or an ancestor names its code (marking the
    codes it used).  Looked up by path: linear in findings plus comments, not their product."""
    if CATALOG[f.rule].fatal:
        return False
    hit = False
    for path in _enclosing(f.path):
        for s in by_path.get(path, ()):
            for c in s.codes:
                if _covers(c, f.rule):
                    s.used.add(c)
                    hit = True
    return hit


def apply_found(
    suppressions: list[Suppression], findings: list[Finding], enabled: Mapping[str, Severity]
) -> list[Finding]:
    """:func:`apply` with the document's suppressions already scanned."""
    if not suppressions:
        return findings
    targets = [(s, s.path()) for s in suppressions]
    by_path: dict[str, list[Suppression]] = {}
    for s, path in targets:
        if path is not None:
            by_path.setdefault(path, []).append(s)
    kept = [f for f in findings if not _suppressed(f, by_path)]
    severity = enabled.get(CODE)
    if severity is None:
        return kept
    info = CATALOG[CODE]
    for s, path in targets:
        problems: list[str] = []
        if s.problem is not None:
            problems.append(s.problem)
        elif not s.codes:
            problems.append("names no code; write <!-- runhistory: ignore CODE[,CODE] -->")
        elif path is None:
            problems.append(
                "is not followed by an element (it must come right before the element "
                "whose findings it suppresses)"
            )
        else:
            for c in s.codes:
                if not _names_a_rule(c):
                    problems.append(f"names '{c}', which is no rule code")
                elif c not in s.used:
                    problems.append(
                        f"suppresses {c}, but {c} reported nothing at <{s.chain[-1].name}> "
                        f"(line {s.target_line}) or inside it; remove {c} from the comment"
                    )
        kept.extend(
            Finding(CODE, info.section, severity, s.line, None, path or "/", f"the suppression {p}")
            for p in problems
        )
    kept.sort(key=Finding.sort_key)
    return kept


def expected(
    findings: list[Finding], expect: tuple[tuple[str, str], ...], enabled: Mapping[str, Severity]
) -> list[Finding]:
    """``findings`` without those of the expected codes, plus ``U002`` for each expected code
    (or prefix) that none of them has.  Expected codes the selection turned off are passed
    over: they cannot be reported."""
    kept = [f for f in findings if not any(_covers(c, f.rule) for c, _ in expect)]
    severity = enabled.get(EXPECTED)
    if severity is None:
        return kept
    info = CATALOG[EXPECTED]
    for code, origin in expect:
        if not any(_covers(code, on) for on in enabled):
            continue
        if any(_covers(code, f.rule) for f in findings):
            continue
        kept.append(
            Finding(
                EXPECTED,
                info.section,
                severity,
                None,
                None,
                "/",
                f"{code} is expected in this file ({origin}) but was not reported: the document "
                "does not have (or no longer has) the defect it is kept for",
            )
        )
    kept.sort(key=Finding.sort_key)
    return kept
