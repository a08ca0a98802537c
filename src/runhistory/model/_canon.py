"""Canonical form of a document, for comparing what was loaded with what is written back."""

from __future__ import annotations

from lxml import etree

from runhistory.decoding import decode
from runhistory.parsing import parse


def canonical_form(data: bytes) -> bytes:
    """The C14N bytes of a document without insignificant whitespace.

    Whitespace-only text between elements (indentation, line ends) is dropped; comments and
    processing instructions are dropped; text inside elements that hold no child element is kept
    exactly.  Two documents with equal canonical forms carry the same data.  Raises
    :class:`lxml.etree.XMLSyntaxError` on malformed input.
    """
    tree = parse(decode(data))
    root = tree.getroot()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if len(el):
            if el.text is not None and not el.text.strip():
                el.text = None
            for child in el:
                if child.tail is not None and not child.tail.strip():
                    child.tail = None
    return etree.tostring(root, method="c14n", with_comments=False)
