#!/usr/bin/env python3
"""Extract the normative Run Detail XSD from the text of [MS-UPSMODS] section 2.2.1.

The spec text was extracted from a PDF and carries artifacts (see ``shared/spec/README.md``):
page footers, lines of link targets, a trailing blank on every line, and long lines broken
in two.  This script undoes exactly those artifacts and nothing else, so every comment,
name, facet and attribute of the schema stays as the spec has it.

Usage::

    python tools/extract_xsd.py [SPEC_TXT] [-o schema/ms-upsmods-run-details.xsd]
    python tools/extract_xsd.py --check   # exit 1 when the shipped file differs
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = REPO.parent / "shared" / "spec" / "MS-UPSMODS-v20180724.txt"
DEFAULT_OUT = REPO / "schema" / "ms-upsmods-run-details.xsd"

START = re.compile(r"^\s*<\?xml version=")
END = re.compile(r"^\s*</xs:schema>")
# Lines that the PDF extraction dropped into the text.
FOOTER = (
    re.compile(r"^\d+ / \d+ ?$"),
    re.compile(r"^\[MS-UPSMODS\] - v\d{8} ?$"),
    re.compile(r"^User Profile Synchronization \(UPS\): Management Objects Data Structure ?$"),
    re.compile(r"^Copyright © \d{4} Microsoft Corporation ?$"),
    re.compile(r"^Release: .* \d{4} ?$"),
)
LINK = re.compile(r"^\s*(https?://\S+|%5b\S+)\s*$")


def _is_artifact(line: str) -> bool:
    return any(p.match(line) for p in FOOTER) or bool(LINK.match(line))


def _open_tag(text: str) -> bool:
    """True when ``text`` ends inside a markup construct (a '<' with no closing '>')."""
    return text.rfind("<") > text.rfind(">")


def extract(spec_text: str) -> str:
    """Return the schema of section 2.2.1 as the XSD file's text (LF line ends)."""
    lines = spec_text.splitlines()
    try:
        begin = next(i for i, line in enumerate(lines) if START.match(line))
        end = next(i for i in range(begin, len(lines)) if END.match(lines[i]))
    except StopIteration:
        raise ValueError("no <?xml ...?> ... </xs:schema> block found in the spec text") from None

    out: list[str] = []
    pending: str | None = None  # a line broken by the PDF, waiting for its continuation
    for raw in lines[begin : end + 1]:
        if _is_artifact(raw):
            # A page break also leaves whitespace-only lines before its footer.
            while out and out[-1].strip() == "":
                out.pop()
            continue
        if raw == "":
            # Empty lines are PDF artifacts (after every broken line, around page breaks);
            # blank lines of the schema itself keep their indentation blanks.
            continue
        if pending is not None:
            if raw.strip() == "":
                continue  # whitespace between the halves of a broken line (page break)
            # A line broken inside a token has no trailing blank; one broken between two
            # tokens keeps the blank that separated them.
            raw = pending + raw.lstrip()
            pending = None
        if _open_tag(raw):
            pending = raw
            continue
        # Every line of the extracted text carries one trailing blank.
        out.append(raw[:-1] if raw.endswith(" ") else raw)
    if pending is not None:
        raise ValueError("schema block ends inside a broken line")
    # The XML declaration must open the document: the leading blank is an artifact too.
    out[0] = out[0].lstrip()
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = parser.parse_args(argv)
    text = extract(args.spec.read_text(encoding="utf-8"))
    if args.check:
        same = args.output.read_text(encoding="utf-8") == text
        print(f"{args.output}: {'up to date' if same else 'differs from the spec'}")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
