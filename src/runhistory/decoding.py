"""Bytes to a parseable document: find the real encoding of what users saved.

PowerShell captures of ``RunDetails().ReturnValue`` come as UTF-16 with a BOM, UTF-8 with or
without a BOM, and often as UTF-8 bytes that still carry the ``encoding="utf-16"`` declaration of
the original string.  The XML 1.0 rules for autodetection (Appendix F) decide the encoding from
the bytes; the declaration is only compared with that result.  Nothing is transcoded: the parser
is told the encoding, so line and column numbers stay those of the file.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from runhistory.findings import Finding, Severity

_DECL = re.compile(
    rb"^<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*([\"'])([A-Za-z0-9._:-]+)\1"
)

# (BOM, python codec, libxml2 name)
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
)
_SIXTEEN = {"utf-16", "utf-16le", "utf-16be", "ucs-2", "unicode", "utf16"}
_EIGHT = {"utf-8", "utf8", "us-ascii", "ascii"}


@dataclass(slots=True)
class Decoded:
    """The document's bytes with what decoding learned about them."""

    data: bytes
    encoding: str  # the encoding the bytes are really in, libxml2 spelling ("UTF-8", "UTF-16LE")
    bom: bool
    declared: str | None  # the encoding named in the XML declaration, as written
    findings: list[Finding] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        """The bytes after the BOM (what the parser is given with an explicit encoding)."""
        if not self.bom:
            return self.data
        return self.data[3:] if self.encoding == "UTF-8" else self.data[2:]

    @property
    def codec(self) -> str:
        return {"UTF-8": "utf-8", "UTF-16LE": "utf-16-le", "UTF-16BE": "utf-16-be"}[self.encoding]

    def text(self) -> str:
        """The document as text (BOM removed); undecodable bytes become U+FFFD."""
        return self.body.decode(self.codec, errors="replace")


def _sniff_16(data: bytes) -> str | None:
    """UTF-16 without BOM: '<' (or whitespace) with a zero byte on one side."""
    head = data[:4]
    if len(head) < 4:
        return None
    if head[1] == 0 and head[3] == 0 and head[0] != 0 and head[2] != 0:
        return "UTF-16LE"
    if head[0] == 0 and head[2] == 0 and head[1] != 0 and head[3] != 0:
        return "UTF-16BE"
    return None


def decode(data: bytes) -> Decoded:
    """Work out the encoding of ``data`` and check its declaration against it."""
    encoding, bom = "UTF-8", False
    for mark, _codec, name in _BOMS:
        if data.startswith(mark):
            encoding, bom = name, True
            break
    else:
        sniffed = _sniff_16(data)
        if sniffed:
            encoding = sniffed
    result = Decoded(data=data, encoding=encoding, bom=bom, declared=None)
    # Read the declaration in the real encoding (at most its first 200 characters).
    try:
        head = result.body[:400].decode(result.codec, errors="replace").encode("ascii", "replace")
    except LookupError:  # pragma: no cover - the codecs above always exist
        head = b""
    m = _DECL.match(head)
    if m:
        result.declared = m.group(2).decode("ascii")
        declared = result.declared.lower()
        if declared in _SIXTEEN and encoding == "UTF-8":
            result.findings.append(
                Finding(
                    rule="D003",
                    section="2.2.1",
                    severity=Severity.ERROR,
                    line=1,
                    column=m.start(2) + 1,
                    path="/",
                    message=(
                        f'the XML declaration says encoding="{result.declared}" but the bytes are '
                        "UTF-8; read as UTF-8. RunDetails() returns the string with that "
                        "declaration: PowerShell 7 (UTF-8 by default), Windows PowerShell 5.1's "
                        "Set-Content, or pasting it into an editor or script saves it as UTF-8 "
                        "(Windows PowerShell 5.1's Out-File writes UTF-16, which matches). Fix: "
                        'save it with Out-File -Encoding unicode, or declare encoding="utf-8"'
                    ),
                )
            )
        elif declared in _EIGHT and encoding.startswith("UTF-16"):
            result.findings.append(
                Finding(
                    rule="D003",
                    section="2.2.1",
                    severity=Severity.ERROR,
                    line=1,
                    column=m.start(2) + 1,
                    path="/",
                    message=(
                        f'the XML declaration says encoding="{result.declared}" but the bytes are '
                        f"{encoding}; read as {encoding}. Fix: declare utf-16 or save as UTF-8"
                    ),
                )
            )
    return result
