"""The validation pipeline: bytes -> decoded -> tree -> findings -> report.

Each stage lives in its own module (:mod:`decoding`, :mod:`parsing`, :mod:`xsd`,
:mod:`rules`); this module runs them in order and stops at the first stage that cannot go on.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from lxml import etree

from runhistory import rules as _rules  # noqa: F401  (registers the rule catalog)
from runhistory import suppress
from runhistory.catalog import CATALOG
from runhistory.decoding import Decoded, decode
from runhistory.findings import Finding, Severity
from runhistory.locate import add_columns, byte_chunks, read_lines
from runhistory.parsing import parse, refusing, safe_settings
from runhistory.report import FileReport
from runhistory.rules.engine import run_rules, sourceline
from runhistory.selection import Selection
from runhistory.xsd import findings_from_log, schema_for

ROOT = "run-history"
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB
# --mode auto streams files larger than this (tree mode needs about 8 bytes of memory per byte).
STREAM_ABOVE = 64 << 20
MODES = ("auto", "tree", "stream")


@dataclass(frozen=True, slots=True)
class Options:
    profile: str = "strict"
    selection: Selection = field(default_factory=Selection)
    max_bytes: int = DEFAULT_MAX_BYTES
    inline_ignores: bool = True  # honour <!-- runhistory: ignore CODE --> comments
    mode: str = "auto"  # one of MODES

    def streams(self, size: int | None) -> bool:
        """Whether a document of ``size`` bytes (None: unknown, standard input) is streamed."""
        if self.mode == "auto":
            return size is not None and size > STREAM_ABOVE
        return self.mode == "stream"


def _finding(
    code: str, message: str, line: int | None = 1, column: int | None = None, path: str = "/"
) -> Finding:
    info = CATALOG[code]
    return Finding(code, info.section, Severity.ERROR, line, column, path, message)


_LIBXML_SUFFIX = re.compile(r"(, line \d+, column \d+)? \(<string>, line \d+\)$")
# libxml2 names the line inside some messages when it parses whole bytes, not when it is fed
# chunks (streaming); the finding gives the line either way.
_LINE_IN_MESSAGE = re.compile(r" line \d+$")

# libxml2's resource limits (huge_tree is off): its words, and what they mean for an administrator.
_SAFETY_LIMITS: tuple[tuple[str, str], ...] = (
    ("Excessive depth in document", "elements are nested deeper than 256 levels"),
    ("depth too deep", "declarations are nested too deeply"),
    ("Text node too long", "a text node is longer than 10,000,000 characters"),
    (
        "Buffer size limit exceeded",
        "a name, attribute value or text is longer than 10,000,000 characters",
    ),
    ("AttValue length too long", "an attribute value is longer than 10,000,000 characters"),
    ("Name too long", "an element or attribute name is longer than 50,000 characters"),
    (
        "amplification factor exceeded",
        "its entity declarations would expand to many times its "
        "own size (an entity expansion attack such as 'billion laughs')",
    ),
    ("entity nesting depth exceeded", "entities are nested too deeply"),
    ("entity length too long", "an entity is longer than the parser allows"),
    ("Resource limit exceeded", "a parser resource limit"),
)


def _collapse_blanks(message: str) -> str:
    """``message`` with each run of blanks and line breaks made one space (libxml2 wraps its
    messages; :func:`runhistory.findings.one_line` escapes what cannot print instead)."""
    return " ".join(message.split())


def _unit(body: bytes, at: int, encoding: str) -> int:
    """The UTF-16 code unit at byte offset ``at`` (0 when the body ends there)."""
    pair = body[at : at + 2]
    if len(pair) < 2:
        return 0
    return int.from_bytes(pair, "little" if encoding == "UTF-16LE" else "big")


def _first_bad_bytes(decoded: Decoded) -> UnicodeDecodeError | None:
    """Where the first byte sequence that is not valid in the document's encoding is."""
    try:
        decoded.body.decode(decoded.codec)
    except UnicodeDecodeError as caught:
        return caught
    return None


class _Discard:
    """A parser target that keeps nothing: syntax is checked, no tree is built."""

    def start(self, tag: str | bytes, attrib: dict[str | bytes, str | bytes]) -> None:
        pass

    def end(self, tag: str | bytes) -> None:
        pass

    def data(self, data: str | bytes) -> None:
        pass

    def comment(self, text: str | bytes) -> None:
        pass

    def close(self) -> None:
        pass


def _syntax_error_before(decoded: Decoded, end: int) -> etree.XMLSyntaxError | None:
    """The syntax error libxml2 finds in the bytes before offset ``end`` of the body, if any.

    libxml2 converts its input to UTF-8 a block at a time, so bad bytes can be reported before
    a syntax error that comes earlier in the same block (and where the blocks fall differs
    between a whole parse and a streamed one).  Parsing only the bytes before the bad ones
    finds the problem that comes first in the document, in either mode, in little memory.
    """
    parser = refusing(etree.XMLParser(target=_Discard(), **safe_settings(decoded.encoding)))
    body = decoded.body
    try:
        for at in range(0, end, 1 << 16):
            parser.feed(body[at : min(end, at + (1 << 16))])
        parser.close()  # libxml2 holds back the last part of what it is fed until the end
    except etree.XMLSyntaxError as err:
        # The prefix is cut, so closing it fails at its end: only an error before the cut
        # counts (columns compared on the cut's line, as characters).
        before = body[:end].decode(decoded.codec, errors="replace")
        cut = (before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        line, column = err.position
        return err if (line, column) < cut else None
    return None


def _encoding_problem(decoded: Decoded) -> tuple[int, int, str] | None:
    """(line, column, description) of the first byte sequence that is not valid in the
    document's encoding, or None when Python's codec accepts every byte."""
    err = _first_bad_bytes(decoded)
    if err is None:
        return None
    start = err.start
    body = decoded.body
    before = body[:start].decode(decoded.codec, errors="replace")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    shown = " ".join(f"{b:02X}" for b in body[start : min(err.end, start + 4)])
    if (
        decoded.encoding == "UTF-8"
        and body[start] == 0xED
        and body[start + 1 : start + 2]
        and (0xA0 <= body[start + 1] <= 0xBF)
    ):
        shown = " ".join(f"{b:02X}" for b in body[start : start + 3])
        what = f"a UTF-16 surrogate written as UTF-8 (bytes {shown}), which UTF-8 does not allow"
    elif decoded.encoding != "UTF-8" and len(body) - start < 2:
        what = "an odd last byte: the UTF-16 text is cut in the middle of a character"
    elif decoded.encoding != "UTF-8" and 0xD8 <= _unit(body, start, decoded.encoding) >> 8 <= 0xDF:
        what = f"an unpaired UTF-16 surrogate (bytes {shown})"
    elif decoded.encoding != "UTF-8" and err.end >= len(body):
        what = "a UTF-16 surrogate pair cut off at the end of the file"
    else:
        what = f"bytes that are not valid {decoded.encoding} ({shown})"
    return line, column, what


def _syntax_finding(err: etree.XMLSyntaxError, decoded: Decoded) -> Finding:
    line, column = err.position
    message = _collapse_blanks(_LINE_IN_MESSAGE.sub("", _LIBXML_SUFFIX.sub("", str(err).strip())))
    for words, meaning in _SAFETY_LIMITS:
        if words in message:
            return _finding(
                "D006",
                f"the document exceeds a safety limit: {meaning}; it was not read further "
                "(RunDetails output never comes near this limit; the file is damaged or hostile)",
                line or 1,
                column or None,
            )
    if "Invalid bytes in character encoding" in message or "not proper UTF-8" in message:
        bad = _first_bad_bytes(decoded)
        earlier = _syntax_error_before(decoded, bad.start) if bad is not None else None
        if earlier is not None and "encoding" not in str(earlier) and "UTF-8" not in str(earlier):
            return _syntax_finding(earlier, decoded)
        problem = _encoding_problem(decoded)
        if problem is not None:
            at_line, at_column, what = problem
            return _finding(
                "D001",
                f"not well-formed XML: the {decoded.encoding} text holds {what}; re-save the "
                "capture as UTF-8 or UTF-16, or re-capture RunDetails().ReturnValue",
                at_line,
                at_column,
            )
    if "Document is empty" in message or ("Start tag expected" in message and line == 1):
        hint = "the file holds no XML element; re-capture RunDetails().ReturnValue"
    elif "Premature end of data" in message or "EndTag" in message or "expected '>'" in message:
        hint = "the file looks truncated or edited by hand; re-capture RunDetails().ReturnValue"
    elif "Char 0x0 " in message:
        hint = (
            "the file holds NUL bytes (damaged, or UTF-16 saved without its BOM and cut); "
            "re-capture RunDetails().ReturnValue"
        )
    else:
        hint = "fix the markup at this position or re-capture RunDetails().ReturnValue"
    return _finding("D001", f"not well-formed XML: {message}; {hint}", line or 1, column or None)


def _doctype_line(decoded: Decoded) -> int:
    head = decoded.body[:4096].decode(decoded.codec, errors="replace")
    at = head.find("<!DOCTYPE")
    return head.count("\n", 0, at) + 1 if at >= 0 else 1


_NOT_BLANK = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # what bytes.strip() strips


def _is_blank(decoded: Decoded) -> bool:
    body = decoded.body
    if decoded.encoding != "UTF-8":
        return not decoded.text().strip()
    # bytes.strip() would copy the whole document to find its first character.
    return _NOT_BLANK.search(body) is None


def _looks_like_xml(decoded: Decoded) -> bool:
    head = decoded.body[:512].decode(decoded.codec, errors="replace").lstrip()
    return head.startswith("<")


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Hold Python's cycle collector off while a document is checked.

    A big tree makes hundreds of thousands of lxml proxies; each full collection walks them all
    and nearly doubled the time of the rules on 100,000 records.  Checking creates no reference
    cycles worth collecting (everything is freed by reference counting), so the collector is
    switched back on, as it was, at the end.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def check_bytes(data: bytes, options: Options) -> list[Finding]:
    """Every finding for one document, before selection is applied."""
    return check_document(data, options)[0]


def check_document(
    data: bytes, options: Options
) -> tuple[list[Finding], etree._ElementTree | None]:
    """Every finding for one document (before selection), and its tree when it was checked
    against the schema (None when an earlier stage stopped: unreadable, DOCTYPE, wrong root)."""
    with no_cycle_collection():
        return _check_document(data, options)


def _check_document(
    data: bytes, options: Options
) -> tuple[list[Finding], etree._ElementTree | None]:
    if len(data) > options.max_bytes:
        return [too_big_finding(len(data), options.max_bytes)], None
    decoded = decode(data)
    if not data or _is_blank(decoded):
        return [empty_finding()], None
    if not _looks_like_xml(decoded):
        return [not_xml_finding()], None
    findings: list[Finding] = list(decoded.findings)
    try:
        tree = parse(decoded)
    except etree.XMLSyntaxError as err:
        return [*findings, _syntax_finding(err, decoded)], None
    docinfo = tree.docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        findings.append(doctype_finding(decoded))
        return _finish(findings, decoded, tree), None
    root = tree.getroot()
    if root.tag != ROOT:
        findings.append(_wrong_root(root))
        return _finish(findings, decoded, tree), None
    schema = schema_for(options.profile)
    try:
        schema.validate(tree)
    except etree.XMLSchemaValidateError as err:  # libxml2 gave up on the tree
        findings.append(_finding("S199", f"schema validation could not complete: {err}", line=None))
    else:
        findings.extend(findings_from_log(schema.error_log, siblings=_sibling_lookup(tree)))
    enabled = options.selection.enabled(options.profile)
    findings.extend(run_rules(root, enabled, options.profile))
    return _finish(findings, decoded, tree), tree


def too_big_finding(size: int, limit: int) -> Finding:
    return _finding(
        "D006",
        f"the document is {size:,} bytes, over the limit of {limit:,}; "
        "raise it with --max-bytes if the file is trusted",
        line=None,
    )


def doctype_finding(decoded: Decoded) -> Finding:
    return _finding(
        "D004",
        "the document has a DOCTYPE declaration; it was neither loaded nor expanded, "
        "and the document was not checked further (RunDetails output never has one): "
        "remove it",
        line=_doctype_line(decoded),
        column=1,
    )


# The findings of a document that cannot be checked, worded once for tree and streaming mode.
def empty_finding() -> Finding:
    return _finding("D002", "the document is empty; expected a <run-history> element", line=None)


def not_xml_finding() -> Finding:
    return _finding(
        "D007",
        "the input is not XML (it does not start with '<'); expected the text of "
        "RunDetails().ReturnValue",
        column=1,
    )


def _wrong_root(root: etree._Element) -> Finding:
    name = root.tag if isinstance(root.tag, str) else "?"
    where = name.replace("{", "(namespace ").replace("}", ") ") if name.startswith("{") else name
    return _finding(
        "D005",
        f"the root element is <{where}>, expected <run-history> (with no namespace); "
        "this is not RunDetails output",
        line=sourceline(root),
        path="/" + (etree.QName(root).localname if isinstance(root.tag, str) else "?"),
    )


def _sibling_lookup(
    tree: etree._ElementTree,
) -> Callable[[str], tuple[list[str], list[str]] | None]:
    def lookup(path: str) -> tuple[list[str], list[str]] | None:
        found = tree.xpath(path)
        if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
            return None
        el = found[0]
        after = [str(e.tag) for e in el.itersiblings() if isinstance(e.tag, str)]
        before = [str(e.tag) for e in el.itersiblings(preceding=True) if isinstance(e.tag, str)]
        return after, before

    return lookup


def _finish(findings: list[Finding], decoded: Decoded, tree: etree._ElementTree) -> list[Finding]:
    if not findings:
        return findings

    def occurrence(path: str) -> int | None:
        """Index of the element at ``path`` among the same-named start tags on its line."""
        found = tree.xpath(path)
        if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
            return None
        el = found[0]
        index = 0
        for e in tree.iter(el.tag):  # document order
            if e is el:
                return index
            if e.sourceline == el.sourceline:
                index += 1
        return None

    def lines(wanted: set[int]) -> dict[int, str]:
        return read_lines(byte_chunks(decoded.body), decoded.codec, wanted)

    return add_columns(findings, lines, occurrence)


def apply_selection(findings: list[Finding], options: Options) -> list[Finding]:
    enabled = options.selection.enabled(options.profile)
    out = []
    for f in findings:
        sev = enabled.get(f.rule)
        if sev is None:
            continue
        if sev is not f.severity:
            f = Finding(f.rule, f.section, sev, f.line, f.column, f.path, f.message)
        out.append(f)
    out.sort(key=Finding.sort_key)
    return out


def validate_bytes(data: bytes, name: str, options: Options | None = None) -> FileReport:
    """Validate one document's bytes; never raises on bad input."""
    options = options or Options()
    findings = apply_selection(check_bytes(data, options), options)
    if options.inline_ignores and suppress.has_marker(data):
        findings = suppress.apply(data, findings, options.selection.enabled(options.profile))
    return FileReport(file=name, findings=findings)


Validator = Callable[[bytes, str, Options], FileReport]
