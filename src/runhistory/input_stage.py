"""The input stage both modes share: what cannot be checked, and libxml2's syntax errors read
as findings.

Before a document reaches the schema and the rules, it may turn out empty, not XML, not
well-formed, refused (a DOCTYPE, another root element) or too big; each of these is one finding,
worded the same in tree mode and streaming.  libxml2's syntax messages are interpreted here:
resource limits become D006, bad bytes in the document's encoding D001 at the first bad byte,
everything else D001 with a hint for an administrator.
"""

from __future__ import annotations

import re

from lxml import etree

from runhistory.catalog import CATALOG
from runhistory.decoding import Decoded
from runhistory.findings import Finding, Severity
from runhistory.parsing import refusing, safe_settings
from runhistory.rules.engine import sourceline

ROOT = "run-history"


def finding(
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
    utf16 = decoded.encoding.startswith("UTF-16")
    if (
        decoded.encoding == "UTF-8"
        and body[start] == 0xED
        and body[start + 1 : start + 2]
        and (0xA0 <= body[start + 1] <= 0xBF)
    ):
        shown = " ".join(f"{b:02X}" for b in body[start : start + 3])
        what = f"a UTF-16 surrogate written as UTF-8 (bytes {shown}), which UTF-8 does not allow"
    elif utf16 and len(body) - start < 2:
        what = "an odd last byte: the UTF-16 text is cut in the middle of a character"
    elif utf16 and 0xD8 <= _unit(body, start, decoded.encoding) >> 8 <= 0xDF:
        what = f"an unpaired UTF-16 surrogate (bytes {shown})"
    elif utf16 and err.end >= len(body):
        what = "a UTF-16 surrogate pair cut off at the end of the file"
    else:
        what = f"bytes that are not valid {decoded.encoding} ({shown})"
    return line, column, what


def syntax_finding(err: etree.XMLSyntaxError, decoded: Decoded) -> Finding:
    line, column = err.position
    message = _collapse_blanks(_LINE_IN_MESSAGE.sub("", _LIBXML_SUFFIX.sub("", str(err).strip())))
    for words, meaning in _SAFETY_LIMITS:
        if words in message:
            return finding(
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
            return syntax_finding(earlier, decoded)
        problem = _encoding_problem(decoded)
        if problem is not None:
            at_line, at_column, what = problem
            return finding(
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
    return finding("D001", f"not well-formed XML: {message}; {hint}", line or 1, column or None)


def _doctype_line(decoded: Decoded) -> int:
    head = decoded.body[:4096].decode(decoded.codec, errors="replace")
    at = head.find("<!DOCTYPE")
    return head.count("\n", 0, at) + 1 if at >= 0 else 1


_NOT_BLANK = re.compile(rb"[^ \t\n\r\x0b\x0c]")  # what bytes.strip() strips


def is_blank(decoded: Decoded) -> bool:
    body = decoded.body
    if decoded.encoding != "UTF-8":
        return not decoded.text().strip()
    # bytes.strip() would copy the whole document to find its first character.
    return _NOT_BLANK.search(body) is None


def looks_like_xml(decoded: Decoded) -> bool:
    head = decoded.body[:512].decode(decoded.codec, errors="replace").lstrip()
    return head.startswith("<")


def too_big_finding(size: int, limit: int, *, exact: bool = True) -> Finding:
    """D006 for a document over ``limit`` bytes; ``exact``: ``size`` is its size (from stat, or
    all of it in memory), else only that it is longer (a stream is not read past the limit)."""
    what = (
        f"{size:,} bytes, over the limit of {limit:,}"
        if exact
        else (f"more than {limit:,} bytes, over the limit (it was not read further)")
    )
    return finding(
        "D006",
        f"the document is {what}; raise the limit (--max-bytes, or max_bytes in Python) if the "
        "file is trusted",
        line=None,
    )


def doctype_finding(decoded: Decoded) -> Finding:
    return finding(
        "D004",
        "the document has a DOCTYPE declaration; it was neither loaded nor expanded, "
        "and the document was not checked further (RunDetails output never has one): "
        "remove it",
        line=_doctype_line(decoded),
        column=1,
    )


# The findings of a document that cannot be checked, worded once for tree and streaming mode.
def empty_finding() -> Finding:
    return finding("D002", "the document is empty; expected a <run-history> element", line=None)


def not_xml_finding() -> Finding:
    return finding(
        "D007",
        "the input is not XML (it does not start with '<'); expected the text of "
        "RunDetails().ReturnValue",
        column=1,
    )


def wrong_root_finding(root: etree._Element) -> Finding:
    name = root.tag if isinstance(root.tag, str) else "?"
    where = name.replace("{", "(namespace ").replace("}", ") ") if name.startswith("{") else name
    return finding(
        "D005",
        f"the root element is <{where}>, expected <run-history> (with no namespace); "
        "this is not RunDetails output",
        line=sourceline(root),
        path="/" + (etree.QName(root).localname if isinstance(root.tag, str) else "?"),
    )


def refusal(root: etree._Element, decoded: Decoded) -> Finding | None:
    """D004 (a DOCTYPE) or D005 (not run-history) for a parsed root, else None: the document is
    not checked further."""
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        return doctype_finding(decoded)
    if root.tag != ROOT:
        return wrong_root_finding(root)
    return None


def unreadable(decoded: Decoded) -> Finding | None:
    """D002 (empty) or D007 (not XML) for a whole document's bytes, else None."""
    if not decoded.data or is_blank(decoded):
        return empty_finding()
    if not looks_like_xml(decoded):
        return not_xml_finding()
    return None
