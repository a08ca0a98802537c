#!/usr/bin/env python3
"""Derive fixtures from ``fixtures/valid/delta-import-sync.xml``.

- ``fixtures/encoding/``: the same document saved every way PowerShell and other tools save it.
- ``fixtures/invalid/xsd-*.xml``: one XSD failure kind each, by one textual edit of the base.

Run ``python tools/make_fixtures.py`` after changing the base; ``--check`` exits 1 on drift
(the test suite runs it).  Hand-written fixtures elsewhere in ``fixtures/`` are not touched.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "fixtures"
BASE = ROOT / "valid" / "delta-import-sync.xml"
DECL8 = '<?xml version="1.0" encoding="utf-8"?>'
DECL16 = '<?xml version="1.0" encoding="utf-16"?>'


def encodings(text: str) -> dict[str, bytes]:
    as16 = text.replace(DECL8, DECL16)
    crlf16 = as16.replace("\n", "\r\n")
    return {
        "utf8-no-bom.xml": text.encode("utf-8"),
        "utf8-bom.xml": codecs.BOM_UTF8 + text.encode("utf-8"),
        # Windows PowerShell 5: Out-File writes UTF-16 LE with a BOM and CRLF.
        "utf16le-bom.xml": codecs.BOM_UTF16_LE + crlf16.encode("utf-16-le"),
        "utf16be-bom.xml": codecs.BOM_UTF16_BE + crlf16.encode("utf-16-be"),
        "utf16le-no-bom.xml": crlf16.encode("utf-16-le"),
        "utf16be-no-bom.xml": crlf16.encode("utf-16-be"),
        # PowerShell 7: Out-File/Set-Content write UTF-8 (no BOM) but the string keeps its
        # utf-16 declaration.
        "utf8-declared-utf16.xml": as16.encode("utf-8"),
        "utf8-bom-declared-utf16.xml": codecs.BOM_UTF8 + as16.encode("utf-8"),
        # The reverse: a declaration of utf-8 on UTF-16 bytes (a re-encoding editor).
        "utf16le-bom-declared-utf8.xml": codecs.BOM_UTF16_LE
        + crlf16.replace(DECL16, DECL8).encode("utf-16-le"),
    }


# name -> (old, new): one edit of the base each.
XSD_CASES: dict[str, tuple[str, str]] = {
    "xsd-unexpected-element.xml": (
        "  <run-profile-name>DS_DELTAIMPORT</run-profile-name>\n",
        "  <run-profile-name>DS_DELTAIMPORT</run-profile-name>\n  <run-profile-id>7</run-profile-id>\n",
    ),
    "xsd-missing-element.xml": ("   <end-date>2018-07-24 02:01:45.530</end-date>\n", ""),
    "xsd-enumeration.xml": (
        "<step-result>completed-sync-errors</step-result>",
        "<step-result>completed-sync-error</step-result>",
    ),
    "xsd-pattern.xml": (
        "<ma-id>{5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A}</ma-id>",
        "<ma-id>5E8A1C24-7D3F-4B9A-A1C2-3F4E5D6C7B8A</ma-id>",
    ),
    "xsd-fixed-value.xml": (
        '<stage-no-change detail="false">9870</stage-no-change>',
        '<stage-no-change detail="true">9870</stage-no-change>',
    ),
    "xsd-type.xml": ("<retry-count>1</retry-count>", "<retry-count>once</retry-count>"),
    "xsd-range.xml": ("<run-number>1842</run-number>", "<run-number>3000000000</run-number>"),
    "xsd-missing-attribute.xml": (
        '<step-details step-number="1" step-id="{0C4B0F5E-3A7B-4F8C-9D2E-1A2B3C4D5E6F}">',
        '<step-details step-number="1">',
    ),
    "xsd-unexpected-attribute.xml": (
        '<outbound-flow-counters ma="MOSS-UserProfile"',
        '<outbound-flow-counters ma="MOSS-UserProfile" ma-type="extensible2"',
    ),
    "xsd-text-content.xml": (
        "   <mv-retry-errors/>\n",
        "   <mv-retry-errors>none</mv-retry-errors>\n",
    ),
}


def build() -> dict[Path, bytes]:
    text = BASE.read_text(encoding="utf-8")
    out = {ROOT / "encoding" / name: data for name, data in encodings(text).items()}
    for name, (old, new) in XSD_CASES.items():
        if text.count(old) != 1:
            raise SystemExit(
                f"{name}: the edit's anchor occurs {text.count(old)} times in the base"
            )
        out[ROOT / "invalid" / name] = text.replace(old, new).encode("utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a derived file differs")
    args = parser.parse_args(argv)
    stale = []
    for path, data in build().items():
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for path in stale:
        print(f"stale: {path} (run python tools/make_fixtures.py)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
