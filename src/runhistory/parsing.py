"""Safe XML parsing: no DTD loading, no entity expansion, no network, no XInclude."""

from __future__ import annotations

from lxml import etree

from runhistory.decoding import Decoded


def safe_parser(encoding: str | None = None) -> etree.XMLParser:
    """A parser that never reaches outside the bytes it is given.

    ``huge_tree`` stays off, so libxml2's own limits hold (text nodes of at most 10 MB,
    nesting of at most 256 levels) and a hostile document cannot exhaust memory that way.
    """
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


def parse(decoded: Decoded) -> etree._ElementTree:
    """Parse decoded bytes; raises :class:`lxml.etree.XMLSyntaxError` on malformed input."""
    parser = safe_parser(decoded.encoding)
    return etree.fromstring(decoded.body, parser).getroottree()
