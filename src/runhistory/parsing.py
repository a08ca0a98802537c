"""Safe XML parsing: no DTD loading, no entity expansion, no network, no XInclude."""

from __future__ import annotations

import os
from functools import cache
from typing import Any, TypeVar

from lxml import etree

from runhistory.decoding import Decoded


class RefuseExternal(etree.Resolver):
    """Answer every request for an external resource (DTD, entity) with nothing.

    libxml2 asks its entity loader for an external DTD subset or parameter entity in some option
    combinations even when DTD loading is off (``collect_ids=False`` is one); this resolver is
    consulted first, so no file is opened and no connection is made whatever the options.
    """

    # lxml calls resolve(url, public_id, context); lxml-stubs leave ``context`` out.
    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:  # type: ignore[override]
        return self.resolve_string("", context, base_url=None)


_Parser = TypeVar("_Parser", etree.XMLParser, etree.XMLPullParser)


def safe_settings(encoding: str | None) -> dict[str, Any]:
    """The settings of every parser in this package (whole, streaming or syntax-only).

    No network, no DTD loaded or validated.  ``huge_tree`` stays off, so libxml2's own limits
    hold (text nodes of at most 10 MB, nesting of at most 256 levels) and a hostile document
    cannot exhaust memory that way.  ``collect_ids`` keeps its default: turning it off makes
    libxml2 read an external DTD.  Entities stay unresolved unless a caller says otherwise.
    """
    return {
        "encoding": encoding,
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
    }


def refusing(parser: _Parser) -> _Parser:
    """``parser`` with :class:`RefuseExternal` consulted first for any external resource."""
    parser.resolvers.add(RefuseExternal())
    return parser


def safe_parser(encoding: str | None = None) -> etree.XMLParser:
    """A parser that never reaches outside the bytes it is given (see :func:`safe_settings`)."""
    return refusing(etree.XMLParser(**safe_settings(encoding)))


# Past this size, glibc's fast bins are turned off before a parse (see no_fast_bins).
_BIG = 4 << 20


@cache
def no_fast_bins() -> bool:
    """Turn glibc's malloc fast bins off for this process (True when done).

    A big tree is a million small blocks.  Freed, they wait in glibc's fast bins, and the next
    request for a large block consolidates them all first: about 0.3 s on 100,000 records,
    spent by whatever allocates next (the next file of a batch, the output).  With fast bins
    off (``mallopt(M_MXFAST, 0)``) small blocks are merged as they are freed, at no measurable
    cost to the parse.  Done once, lazily, before the first big parse (not at start-up: ctypes
    is not imported for small files); a no-op on other C libraries.
    """
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
    except (ValueError, OSError):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - glibc always has mallopt
        return False
    m_mxfast = 1
    return bool(mallopt(m_mxfast, 0))


def parse(decoded: Decoded) -> etree._ElementTree:
    """Parse decoded bytes; raises :class:`lxml.etree.XMLSyntaxError` on malformed input."""
    if len(decoded.data) > _BIG:
        no_fast_bins()
    parser = safe_parser(decoded.encoding)
    return etree.fromstring(decoded.body, parser).getroottree()
