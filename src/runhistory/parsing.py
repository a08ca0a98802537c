"""Safe XML parsing: no DTD loading, no entity expansion, no network, no XInclude."""

from __future__ import annotations

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


def parse(decoded: Decoded) -> etree._ElementTree:
    """Parse decoded bytes; raises :class:`lxml.etree.XMLSyntaxError` on malformed input."""
    parser = safe_parser(decoded.encoding)
    return etree.fromstring(decoded.body, parser).getroottree()
