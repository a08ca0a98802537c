"""Streaming validation: the same findings as tree mode, in memory that does not grow with the
number of records, with Python doing nothing for most elements.

The document is fed to libxml2 in chunks (never decoded into one string).  The pull parser
reports only the end of the repeated records (import-error, export-error, retry-error,
ma-object-error, incident), where a big document's size is, and of the few elements outside
them that enabled rules look at (:mod:`runhistory.stream_walk`).  Each record, when it ends:

1. is screened (:func:`runhistory.rules.screen.needs_rules`); only when the screen says a rule
   could fire do the rules run on its subtree, in document order, as tree mode runs them;
2. is validated on its own against a schema that declares the records globally (lxml validates
   an element as the root of a document, with its own line numbers);
3. is counted and cleared, and removed once the next record has ended (its tail is complete
   then), except for the first record of each run of same-named records (and one whose tail
   holds text), which stays as an empty shell standing for its run.

Rules outside the records run at their elements' ends, in the same order as in tree mode (a
rule above the records may use what record-level rules left in ``ctx.state``; ``ctx.count``
counts the records through the shells).  When the document has ended, what is left (the
skeleton) is validated against a schema in which the records' content is open; every content
model around a record repeats it without bound, so one shell per run keeps the skeleton valid
exactly when the document is.

A finding's path is a token until the document has ended (:mod:`runhistory.stream_places`): the
skeleton and the runs give libxml2's path, the element's index in document order (lines past
65,535 made exact from the text) and, for minified lines, which same-named start tag of its
line it is.  Columns come from a second, line-by-line read of the lines that have findings.

Past :data:`~runhistory.stream_walk.MAX_HELD` elements held at once (a huge skeleton or
record), streaming stops checking (D006) and reads on for well-formedness, holding nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from lxml import etree

from runhistory import suppress
from runhistory.decoding import Decoded, decode
from runhistory.findings import Finding
from runhistory.input_stage import (
    empty_finding,
    is_blank,
    looks_like_xml,
    not_xml_finding,
    syntax_finding,
)
from runhistory.locate import add_columns, exact_lines, read_lines
from runhistory.report import FileReport
from runhistory.schema_check import skeleton_findings
from runhistory.sections import section_for
from runhistory.stream_places import Occurrences, Places
from runhistory.stream_source import Source, TooBig, lost_error, whole
from runhistory.stream_walk import MAX_HELD, Walker
from runhistory.validate import Options, apply_selection, no_cycle_collection

__all__ = ["MAX_HELD", "Walker", "check_stream", "validate_stream"]


def check_stream(fh: BinaryIO, options: Options) -> list[Finding]:
    """Every finding for the document read from ``fh``, before selection is applied."""
    return _checked(fh, options)[0]


def _checked(fh: BinaryIO, options: Options) -> tuple[list[Finding], list[suppress.Suppression]]:
    """The findings, and the document's inline suppressions (when ``options`` honours them)."""
    with no_cycle_collection():
        found: list[list[suppress.Suppression]] = []
        findings = _check_stream(fh, options, found)
        return findings, found[0] if found else []


def _check_stream(
    fh: BinaryIO, options: Options, suppressions: list[list[suppress.Suppression]]
) -> list[Finding]:
    source = Source(fh, options.max_bytes)
    try:
        return _check_source(source, options, suppressions)
    except TooBig:
        return source.too_big()


def _check_source(
    source: Source, options: Options, suppressions: list[list[suppress.Suppression]]
) -> list[Finding]:
    head = source.head
    if len(head) > options.max_bytes:
        raise TooBig(len(head))
    if not head:
        return [empty_finding()]
    decoded = decode(head)
    chunks = source.rest()
    stop = _cannot_read(decoded, chunks)
    if stop is not None:
        return [stop]
    walker = Walker(decoded, options.profile, dict(options.selection.enabled(options.profile)))
    stopped = _walk(walker, decoded, chunks, source)
    findings: list[Finding] = list(decoded.findings)
    if stopped is not None:
        return [*findings, stopped]
    if options.inline_ignores and source.marked:
        suppressions.append(suppress.scan_chunks(decoded.encoding, source.again(decoded)))
    findings.extend(_located(walker, options.profile, source, decoded))
    return findings


def _cannot_read(decoded: Decoded, chunks: Iterator[bytes]) -> Finding | None:
    """D002 (only blanks) or D007 (not XML) from the head, reading on only for blanks."""
    if is_blank(decoded) and _all_blank(chunks, decoded):
        return empty_finding()
    if not looks_like_xml(decoded):
        return not_xml_finding()
    return None


def _all_blank(chunks: Iterator[bytes], decoded: Decoded) -> bool:
    return all(not c.decode(decoded.codec, errors="replace").strip() for c in chunks)


def _walk(
    walker: Walker, decoded: Decoded, chunks: Iterator[bytes], source: Source
) -> Finding | None:
    """Feed the whole document to ``walker``; the syntax finding when it is not well-formed."""
    try:
        walker.feed(decoded.body)
        for chunk in chunks:
            walker.feed(chunk)
        walker.close()
    except etree.XMLSyntaxError as err:
        for _ in chunks:  # standard input: keep what is left for locating the error
            pass
        # Only these two cases need the whole document (a broken file: memory is not kept low).
        text = str(err)
        if err.position == (0, 0) or "encoding" in text or "UTF-8" in text:
            document = whole(source.store, source.start, source.limit)
            if err.position == (0, 0):
                err = lost_error(document) or err
            return syntax_finding(err, document)
        return syntax_finding(err, decoded)
    return None


def _located(walker: Walker, profile: str, source: Source, decoded: Decoded) -> list[Finding]:
    """The walk's findings with their paths, exact lines and columns."""

    def chunks() -> Iterator[bytes]:
        return source.again(decoded)

    root = walker.root
    if walker.refusal is not None or root is None:
        found = [] if walker.refusal is None else [walker.refusal]
        return add_columns(found, lambda wanted: read_lines(chunks(), decoded.codec, wanted), _none)
    xsd, unexpected = skeleton_findings(root.getroottree(), profile, walker.token)
    places = Places(root, walker.runs, walker.tokens)
    xsd.extend(f for token, f in walker.record_findings if not places.skipped(token, unexpected))
    rules = walker.rule_findings
    both = exact_lines([*rules, *xsd], places.order_of, chunks, decoded.codec)
    findings = [replace(f, path=places.resolve(f.path)) for f in both[: len(rules)]]
    for f in both[len(rules) :]:
        path = places.resolve(f.path)
        findings.append(replace(f, path=path, section=section_for(path)))
    if not findings:
        return findings
    occurrence = Occurrences(places, chunks, decoded.codec)

    def lines(wanted: set[int]) -> dict[int, str]:
        found = read_lines(chunks(), decoded.codec, wanted)
        occurrence.lines = found
        return found

    return add_columns(findings, lines, occurrence)


def _none(path: str) -> int | None:
    return None


def validate_stream(fh: BinaryIO, name: str, options: Options | None = None) -> FileReport:
    """Validate the document read from ``fh`` in streaming mode; never raises on bad input."""
    options = options or Options()
    findings, suppressions = _checked(fh, options)
    findings = apply_selection(findings, options)
    if suppressions:
        enabled = options.selection.enabled(options.profile)
        findings = suppress.apply_found(suppressions, findings, enabled)
    return FileReport(file=name, findings=findings)
