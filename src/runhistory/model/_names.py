"""XML names for what JSON can carry into XML: the attributes and namespace prefixes of untyped
content (``step-description``), checked before they are written into markup.

Without this check, a JSON key such as ``foo="1" bar`` became two attributes, and ``a b`` or
``1x`` broke the document.  The rules are those of XML 1.0 (fifth edition) names and of
Namespaces in XML 1.0 (an NCName has no colon).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_MORE = _START + "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NCNAME = re.compile(f"[{_START}][{_MORE}]*")
_CLARK = re.compile(r"\{([^{}]+)\}(.*)", re.DOTALL)
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
XMLNS_NAMESPACE = "http://www.w3.org/2000/xmlns/"


def is_ncname(name: str) -> bool:
    """Whether ``name`` is an XML name without a colon (an element, attribute or prefix)."""
    return _NCNAME.fullmatch(name) is not None


def attribute_problem(name: str) -> str | None:
    """Why ``name`` cannot be an attribute of untyped content (None: it can).  A namespaced
    attribute is written in Clark notation, ``{URI}local``, as the model holds it."""
    clark = _CLARK.fullmatch(name)
    local = clark.group(2) if clark else name
    if clark and clark.group(1) == XMLNS_NAMESPACE:
        return f"'{name}' is a namespace declaration: put it under 'namespaces'"
    if not is_ncname(local):
        return (
            f"'{name}' is not an XML attribute name (a name such as 'type', or '{{URI}}name' "
            "for a namespaced one)"
        )
    if not clark and local == "xmlns":
        return f"'{name}' is a namespace declaration: put it under 'namespaces'"
    return None


def prefix_problem(prefix: str, uri: str) -> str | None:
    """Why ``prefix`` (``""``: the default namespace) cannot be declared for ``uri``."""
    if prefix and not is_ncname(prefix):
        return f"'{prefix}' is not a namespace prefix (an XML name without ':')"
    if prefix == "xmlns" or uri == XMLNS_NAMESPACE:
        return f"'{prefix}' = '{uri}' cannot be declared (reserved for namespace declarations)"
    if (prefix == "xml") != (uri == XML_NAMESPACE):
        return f"'{prefix}' = '{uri}': the prefix xml and its namespace go only together"
    if prefix and not uri:
        return f"'{prefix}' has an empty URI, which XML 1.0 does not allow for a prefix"
    return None


def content_problem(content: str, namespaces: Iterable[tuple[str | None, str]]) -> str | None:
    """Why ``content`` is not the well-formed content of one element under ``namespaces`` (it
    must not close the element it is written into, nor leave anything open)."""
    declared = "".join(
        f' xmlns="{_attr(uri)}"' if not prefix else f' xmlns:{prefix}="{_attr(uri)}"'
        for prefix, uri in namespaces
        if prefix != "xml"
    )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        etree.fromstring(f"<x{declared}>{content}</x>".encode(errors="surrogatepass"), parser)
    except etree.XMLSyntaxError as err:
        return f"'content' is not well-formed XML content: {' '.join(str(err).split())}"
    return None


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
