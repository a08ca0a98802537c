"""``--format junit``: JUnit XML for Jenkins, GitLab and other CI test reports.

One ``testsuite`` for the run, one ``testcase`` per file.  A file whose findings reach the
``--fail-on`` level has a ``failure`` whose text lists every finding (in the text format); the
findings of a file that passes go to its ``system-out``.  An input that could not be read is a
testcase with an ``error``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO

from runhistory.escaping import human
from runhistory.findings import Severity
from runhistory.output.text_format import line
from runhistory.report import Report

# Characters XML 1.0 cannot carry, even escaped (values quoted in messages may hold them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _shown(text: str) -> str:
    """A file name or message for an attribute: escaped for a person (controls, bidi), then
    for XML (U+FFFE and U+FFFF, which :func:`human` leaves, make the report not well-formed)."""
    return clean(human(text))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def build(report: Report) -> ET.Element:
    failures = sum(1 for fr in report.files if fr.fails(report.fail_on))
    tests = len(report.files) + len(report.problems)
    counts = {
        "tests": str(tests),
        "failures": str(failures),
        "errors": str(len(report.problems)),
        "skipped": "0",
    }
    root = ET.Element("testsuites", {"name": "runhistory", **counts})
    suite = ET.SubElement(
        root,
        "testsuite",
        {"name": f"runhistory validate ({report.profile} profile)", **counts},
    )
    for fr in report.files:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": "runhistory.validate", "name": _shown(fr.file), "file": _shown(fr.file)},
        )
        lines = [line(fr.file, f) for f in fr.findings]
        if fr.hidden:
            lines.append(f"... and {_plural(len(fr.hidden), 'more finding')} (--max-findings)")
        body = clean("\n".join(lines))
        if fr.fails(report.fail_on):
            first = fr.findings[0] if fr.findings else fr.hidden[0]
            message = (
                f"{_plural(fr.count(Severity.ERROR), 'error')}, "
                f"{_plural(fr.count(Severity.WARNING), 'warning')}"
            )
            failure = ET.SubElement(case, "failure", {"message": message, "type": first.rule})
            failure.text = body
        elif lines:
            ET.SubElement(case, "system-out").text = body
    for p in report.problems:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": "runhistory.validate", "name": _shown(p.name), "file": _shown(p.name)},
        )
        ET.SubElement(
            case, "error", {"message": _shown(p.message), "type": "unreadable"}
        ).text = clean(str(p))
    return root


def render(report: Report, stream: IO[str], *, color: bool = False) -> None:
    root = build(report)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
