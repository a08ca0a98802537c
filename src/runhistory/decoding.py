"""Bytes to a parseable document: find the real encoding of what users saved.

PowerShell captures of ``RunDetails().ReturnValue`` come as UTF-16 with a BOM, UTF-8 with or
without a BOM, and often as UTF-8 bytes that still carry the ``encoding="utf-16"`` declaration of
the original string.  The XML 1.0 rules for autodetection (Appendix F) decide the family of the
encoding from the bytes: a byte-order mark (UTF-8, UTF-16, UTF-32), or the zero bytes around the
first ``<`` (UTF-16 and UTF-32 without one), or else an ASCII-compatible encoding.  The
declaration is compared with that family:

- within the ASCII-compatible family it decides, as it does for libxml2: a document declared
  ``ISO-8859-1``, ``windows-1252`` or ``Shift_JIS`` is read in that encoding (any encoding both
  libxml2 and Python read);
- a declaration the bytes contradict (``utf-16`` or ``utf-32`` or an EBCDIC code page on
  ASCII-compatible bytes, ``utf-8`` or ``UTF-16BE`` on a UTF-16LE byte-order mark) is ``D003``,
  and the bytes decide;
- a name that is no encoding, or ``UTF-7`` (which can hide markup from other readers), is
  ``D008``, and the bytes decide.

Nothing is transcoded: the parser is told the encoding, so line and column numbers stay those
of the file.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from lxml import etree

from runhistory.catalog import CATALOG
from runhistory.findings import Finding, Severity

_DECL = re.compile(
    rb"^<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*([\"'])([A-Za-z0-9._:-]+)\1"
)

# (byte-order mark, encoding), longest first: the UTF-32LE mark begins with the UTF-16LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "UTF-32BE"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "UTF-16BE"),
)
_UNICODE_CODECS = {
    "UTF-8": "utf-8",
    "UTF-16LE": "utf-16-le",
    "UTF-16BE": "utf-16-be",
    "UTF-32LE": "utf-32-le",
    "UTF-32BE": "utf-32-be",
}
# What the markup of an XML declaration looks like in an ASCII-compatible encoding.
_PROBE = '<?xml version="1.0" encoding="abcdefghijklmnopqrstuvwxyz-0123456789"?>\n<run-history>'


class Family(Enum):
    """What a declared encoding name means, as far as matching it with the bytes goes."""

    UTF8 = "utf-8"
    UTF16 = "utf-16"  # no byte order named
    UTF16LE = "utf-16le"
    UTF16BE = "utf-16be"
    UTF32 = "utf-32"
    UTF32LE = "utf-32le"
    UTF32BE = "utf-32be"
    ASCII = "ascii-compatible"  # ISO-8859-1, windows-1252, Shift_JIS ...: the declaration decides
    OTHER = "other"  # a real encoding no ASCII-compatible bytes can be in (EBCDIC)
    UTF7 = "utf-7"  # refused: it can encode markup characters that other readers do not see
    UNKNOWN = "unknown"  # not an encoding both libxml2 and Python read


# Names Python's codecs do not know, which XML documents use.
_ALIASES = {
    "ucs-2": Family.UTF16,
    "iso-10646-ucs-2": Family.UTF16,
    "unicode": Family.UTF16,
    "ucs-4": Family.UTF32,
    "iso-10646-ucs-4": Family.UTF32,
}
_PYTHON_UNICODE = {
    "utf-8": Family.UTF8,
    "utf-8-sig": Family.UTF8,
    "ascii": Family.UTF8,  # UTF-8 is a superset: read as UTF-8, as before
    "utf-16": Family.UTF16,
    "utf-16-le": Family.UTF16LE,
    "utf-16-be": Family.UTF16BE,
    "utf-32": Family.UTF32,
    "utf-32-le": Family.UTF32LE,
    "utf-32-be": Family.UTF32BE,
    "utf-7": Family.UTF7,
}
# Which declared families each encoding found in the bytes agrees with.
_AGREES = {
    "UTF-8": {Family.UTF8},
    "UTF-16LE": {Family.UTF16, Family.UTF16LE},
    "UTF-16BE": {Family.UTF16, Family.UTF16BE},
    "UTF-32LE": {Family.UTF32, Family.UTF32LE},
    "UTF-32BE": {Family.UTF32, Family.UTF32BE},
}


@lru_cache(maxsize=128)
def _libxml2_reads(name: str) -> bool:
    try:
        etree.XMLParser(encoding=name)
    except LookupError:
        return False
    return True


def _ascii_compatible(codec: str) -> bool:
    try:
        return _PROBE.encode(codec) == _PROBE.encode("ascii")
    except UnicodeError:
        return False


_NOT_READ = (Family.UNKNOWN, "", "")


@lru_cache(maxsize=128)
def classify(declared: str) -> tuple[Family, str, str]:
    """(family, Python codec, libxml2 name) of an encoding name from an XML declaration.

    The codec and libxml2 name matter for :attr:`Family.ASCII` only (the others are read in
    the encoding found in the bytes)."""
    try:
        info = codecs.lookup(declared)
    except LookupError:
        return (_ALIASES[declared.lower()], "", "") if declared.lower() in _ALIASES else _NOT_READ
    if info.name in _PYTHON_UNICODE:
        return _PYTHON_UNICODE[info.name], info.name, ""
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13, zlib ...
        return _NOT_READ
    if not _ascii_compatible(info.name):  # EBCDIC: whether libxml2 reads it or not, the bytes
        return Family.OTHER, info.name, ""  # contradict it
    # Both readers must know it: Python for lines and columns, libxml2 to parse.
    libxml2 = next((n for n in (declared, info.name) if _libxml2_reads(n)), None)
    return _NOT_READ if libxml2 is None else (Family.ASCII, info.name, libxml2)


@dataclass(slots=True)
class Decoded:
    """The document's bytes with what decoding learned about them."""

    data: bytes
    # The encoding the bytes are read in, as libxml2 is told it ("UTF-8", "UTF-16LE",
    # "UTF-32BE", or a declared ASCII-compatible encoding such as "ISO-8859-1").
    encoding: str
    bom: bool
    declared: str | None  # the encoding named in the XML declaration, as written
    findings: list[Finding] = field(default_factory=list)
    codec: str = ""  # the Python codec of ``encoding``
    bom_length: int = 0

    def __post_init__(self) -> None:
        if not self.codec:
            self.codec = _UNICODE_CODECS[self.encoding]

    @property
    def body(self) -> bytes:
        """The bytes after the BOM (what the parser is given with an explicit encoding)."""
        return self.data[self.bom_length :] if self.bom_length else self.data

    def text(self) -> str:
        """The document as text (BOM removed); undecodable bytes become U+FFFD."""
        return self.body.decode(self.codec, errors="replace")


def _sniff(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a BOM: '<' (or whitespace) with zero bytes beside it."""
    head = data[:4]
    if len(head) < 4:
        return None
    if head[:3] == b"\0\0\0" and head[3]:
        return "UTF-32BE"
    if head[0] and head[1:] == b"\0\0\0":
        return "UTF-32LE"
    if head[1] == 0 and head[3] == 0 and head[0] != 0 and head[2] != 0:
        return "UTF-16LE"
    if head[0] == 0 and head[2] == 0 and head[1] != 0 and head[3] != 0:
        return "UTF-16BE"
    return None


def _bytes_encoding(data: bytes) -> tuple[str | None, int]:
    """(the encoding the bytes show, length of the BOM); None: ASCII-compatible, no BOM."""
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name, len(mark)
    return _sniff(data), 0


def _declaration(body: bytes, encoding: str | None) -> re.Match[bytes] | None:
    """The XML declaration's encoding (group 2), read in the family the bytes show."""
    codec = _UNICODE_CODECS[encoding] if encoding else "latin-1"
    width = 4 if encoding and "32" in encoding else 2 if encoding and "16" in encoding else 1
    head = body[: 200 * width].decode(codec, errors="replace").encode("ascii", "replace")
    return _DECL.match(head)


def decode(data: bytes) -> Decoded:
    """Work out the encoding of ``data`` and check its declaration against it."""
    found, bom_length = _bytes_encoding(data)
    result = Decoded(data, found or "UTF-8", bom_length > 0, None, bom_length=bom_length)
    m = _declaration(result.body, found)
    if m is None:
        return result
    result.declared = m.group(2).decode("ascii")
    family, codec, libxml2 = classify(result.declared)
    if family is Family.ASCII and found is None:
        result.encoding, result.codec = libxml2, codec  # the declaration decides
    else:
        finding = _disagreement(result.declared, family, found, result.encoding, m.start(2) + 1)
        if finding is not None:
            result.findings.append(finding)
    return result


def declaration_finding(code: str, column: int, message: str) -> Finding:
    """A finding about the XML declaration (line 1), with the catalog's section and severity."""
    info = CATALOG[code]
    severity = info.severity("strict") or Severity.ERROR
    return Finding(code, info.section, severity, 1, column, "/", message)


def _disagreement(
    declared: str, family: Family, found: str | None, actual: str, column: int
) -> Finding | None:
    """D003 or D008 when the declared encoding is not what the bytes are (None: it agrees)."""
    said = f'the XML declaration says encoding="{declared}"'
    if family is Family.UNKNOWN:
        return declaration_finding(
            "D008",
            column,
            f"{said}, which is not an encoding the XML parser reads; read as {actual}, what the "
            f"bytes are. Fix: declare {actual.lower()[:6]} (or the encoding the file is saved in)",
        )
    if family is Family.UTF7:
        return declaration_finding(
            "D008",
            column,
            f"{said}: UTF-7 is not read, as it can hide markup from other readers; read as "
            f"{actual}, what the bytes are. Fix: save the capture as UTF-8 and declare utf-8",
        )
    if family in _AGREES[actual] or (found is None and family is Family.ASCII):
        return None
    if actual == "UTF-8" and family in (Family.UTF16, Family.UTF16LE, Family.UTF16BE):
        message = (
            f"{said} but the bytes are UTF-8; read as UTF-8. RunDetails() returns the string "
            "with that declaration: PowerShell 7 (UTF-8 by default), Windows PowerShell 5.1's "
            "Set-Content, or pasting it into an editor or script saves it as UTF-8 (Windows "
            "PowerShell 5.1's Out-File writes UTF-16, which matches). Fix: save it with "
            'Out-File -Encoding unicode, or declare encoding="utf-8"'
        )
    else:
        bytes_are = "UTF-8 (ASCII-compatible)" if found is None else actual
        fix = "utf-8 or remove the encoding"
        if actual != "UTF-8":
            fix = f"{actual.lower()[:6]} or save as UTF-8"
        message = f"{said} but the bytes are {bytes_are}; read as {actual}. Fix: declare {fix}"
    return declaration_finding("D003", column, message)
