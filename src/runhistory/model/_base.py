"""What the generated classes are made of: field metadata, original text, and untyped XML."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from lxml import etree

_T = TypeVar("_T")

XmlKind = Literal["element", "attribute", "text"]  # where a field sits in XML
Occurs = Literal["one", "optional", "many", "some"]

Lexical = tuple[tuple[str, Any, str], ...]
"""The original text of values whose XML text is not the canonical form of the value.

Each entry is ``(field name, value as loaded, text as loaded)``; the writer uses the text while
the field still holds that value, so a changed value is written in canonical form.  Empty for
values written canonically (the usual case).
"""


def xml(name: str | None, type_: Any, node: XmlKind = "element", occurs: Occurs = "one") -> Any:
    """Field metadata: the XML name, the value type, what kind of node, how many.

    ``occurs`` is ``one`` (required), ``optional`` (``X | None``), ``many`` (a tuple, possibly
    empty) or ``some`` (a tuple of at least one).
    """
    meta: Mapping[str, Any] = {"xml": name, "type": type_, "node": node, "occurs": occurs}
    return meta


@dataclass(frozen=True, slots=True)
class AnyXml:
    """Content the schema leaves untyped (``xs:anyType``, as step-description), kept as XML.

    ``namespaces`` are the namespace declarations in scope at the element (prefix, URI; the
    default namespace has prefix None); ``attributes`` are the element's own attributes in
    document order (Clark notation, ``{uri}name``, when namespaced); ``content`` is everything
    between its start and end tags, as markup, exactly as read (comments included).
    """

    attributes: tuple[tuple[str, str], ...] = ()
    content: str = ""
    namespaces: tuple[tuple[str | None, str], ...] = ()

    def start_tag(self, tag: str) -> str:
        """The start tag for this content (without the closing ``>``): declarations, attributes."""
        parts = [f"<{tag}"]
        prefixes: dict[str, str] = {}
        for prefix, uri in self.namespaces:
            parts.append(
                f' xmlns="{_attr(uri)}"' if prefix is None else f' xmlns:{prefix}="{_attr(uri)}"'
            )
            if prefix is not None:
                prefixes.setdefault(uri, prefix)
        for name, value in self.attributes:
            if name.startswith("{"):
                uri, _, local = name[1:].partition("}")
                if uri not in prefixes:
                    prefixes[uri] = f"ns{len(prefixes)}"
                    parts.append(f' xmlns:{prefixes[uri]}="{_attr(uri)}"')
                name = f"{prefixes[uri]}:{local}"
            parts.append(f' {name}="{_attr(value)}"')
        return "".join(parts)

    def to_xml(self, tag: str = "step-description") -> str:
        """The element as XML text."""
        if not self.content:
            return self.start_tag(tag) + "/>"
        return f"{self.start_tag(tag)}>{self.content}</{tag}>"

    def element(self, tag: str = "step-description") -> etree._Element:
        """The content parsed into an element named ``tag`` (a new element each call).

        Raises :class:`lxml.etree.XMLSyntaxError` if ``content`` was set to malformed markup
        (content loaded from a document never is)."""
        from runhistory.parsing import safe_parser

        return etree.fromstring(self.to_xml(tag), safe_parser())

    def find_attribute(self, path: str, attribute: str) -> str | None:
        """The attribute ``attribute`` of the first element at ``path`` (ElementPath), if any."""
        if not self.content.strip():
            return None
        found = self.element().find(path)
        return None if found is None else found.get(attribute)

    @classmethod
    def from_element(cls, el: etree._Element) -> AnyXml:
        """The content of ``el`` (its children, text and own attributes), kept as XML."""
        namespaces = tuple((p, str(u)) for p, u in el.nsmap.items())
        attributes = tuple((str(k), str(v)) for k, v in el.attrib.items())
        if el.text is None and not len(el):
            return cls(attributes, "", namespaces)
        markup = etree.tostring(el, encoding="unicode", with_tail=False)
        start = markup.index(">") + 1
        end = markup.rindex("</")
        return cls(attributes, markup[start:end], namespaces)


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Frozen:
    """What ``@dataclass(frozen=True, slots=True, kw_only=True)`` records about a class."""


def model(*, frozen: bool, slots: bool, kw_only: bool) -> Callable[[type[_T]], type[_T]]:
    """``@dataclass(frozen=True, slots=True, kw_only=True)`` for a generated model class.

    tools/gen_model.py writes out the methods that decorator compiles for each class at every
    start (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, the frozen ``__setattr__`` and
    ``__delattr__``, pickling); here the fields, the slots and the metadata are made, and the
    class records the same parameters a frozen dataclass does."""
    if not (frozen and slots and kw_only):
        raise ValueError("the generated classes are frozen, slotted and keyword-only")

    def make(cls: type[_T]) -> type[_T]:
        done = dataclass(init=False, repr=False, eq=False, slots=True, kw_only=True)(cls)
        done.__dataclass_params__ = _Frozen.__dataclass_params__  # type: ignore[attr-defined]
        return done

    return make
