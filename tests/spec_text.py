"""The spec's text by section, as running prose: PDF footers and link lines dropped, broken
lines joined, white space collapsed (see ../shared/spec/README.md)."""

from __future__ import annotations

import re
from functools import cache

from conftest import spec_text

# Every heading from 2.2.1 on, in order; a section's text runs to the next heading.  Matched as
# whole lines: the PDF also has a line "2.2.1.1.1 for information about ..." (a broken line).
HEADINGS = (
    "2.2.1 Run Detail Schema",
    "2.2.1.1 run-history",
    "2.2.1.1.1 step-details",
    "2.2.1.1.1.1 ma-connection",
    "2.2.1.1.1.2 ma-discovery-errors",
    "2.2.1.1.1.3 ma-discovery-counters",
    "2.2.1.1.1.4 synchronization-errors",
    "2.2.1.1.1.5 mv-retry-errors",
    "2.2.1.1.1.6 outbound-flow-counters",
    "2.2.1.1.1.7 staging-counters",
    "2.2.1.1.1.8 inbound-flow-counters",
    "2.2.1.1.1.9 export-counters",
    "3 Protocol Details",
)
_FOOTER = re.compile(r"\d+ / \d+|\[MS-UPSMODS\] - v2018.*|Copyright .*|Release: .*")
_BULLET = re.compile("[\uf000-\uf0ff]")  # the PDF's list bullets (private use area)


def need_spec() -> None:
    """Skip when the spec text is absent; under CI fail instead (see ``conftest.spec_text``)."""
    spec_text()


def normalise(text: str) -> str:
    """Collapse white space and drop the PDF's bullet characters."""
    return re.sub(r"\s+", " ", _BULLET.sub(" ", text)).strip()


def _join(lines: list[str]) -> str:
    """Lines as the PDF broke them, joined again: a line broken inside a token has no trailing
    blank and continues directly; a blank line separates paragraphs."""
    text = ""
    for raw in lines:
        s = raw.strip()
        if s.startswith(("http", "%5b")) or _FOOTER.fullmatch(s):
            continue
        if not s:
            if text and not text.endswith((" ", "-")):
                text += " "
            continue
        text += raw
    return normalise(text)


@cache
def sections() -> dict[str, str]:
    """Section number -> its text as running prose (schema fragments included)."""
    lines = spec_text().split("\n")
    starts = [next(i for i, line in enumerate(lines) if line.strip() == h) for h in HEADINGS]
    return {
        heading.split()[0]: _join(lines[a + 1 : b])
        for heading, a, b in zip(HEADINGS, starts, starts[1:], strict=False)
    }


def pieces(quote: str) -> list[str]:
    """A quote's pieces: ' ... ' marks where words of the spec's sentence were left out."""
    return [normalise(p) for p in quote.split(" ... ")]


def quoted_in(quote: str, text: str) -> bool:
    """True when every piece of ``quote`` occurs in ``text``, in order."""
    at = 0
    for piece in pieces(quote):
        found = text.find(piece, at)
        if not piece or found < 0:
            return False
        at = found + len(piece)
    return True
