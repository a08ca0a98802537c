"""Writing model objects as XML text, built directly from the per-class layouts."""

from __future__ import annotations

from typing import Any

from runhistory.model._base import AnyXml
from runhistory.model._types import Layout, Slot, layout, lexical_text

# -- writing XML ----------------------------------------------------------------------------


def _escape_text(text: str | None) -> str:
    if not text:
        return ""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _escape_attr(text: str) -> str:
    text = _escape_text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#9;")
    return text


def _write_any(value: AnyXml, tag: str, pad: str, out: list[str]) -> None:
    out.append(f"{pad}{value.to_xml(tag)}\n")


def write(obj: Any, tag: str, pad: str, out: list[str]) -> None:
    """Append the XML of ``obj`` as element ``tag``, indented by ``pad``, to ``out``."""
    p = layout(obj.__class__)
    parts = [pad, "<", tag, *_attributes(obj, p)]
    if p.text is not None:
        simple = p.text.simple
        assert simple is not None
        value = obj.value
        raw = lexical_text(obj, "value", value, simple) if obj._lexical else simple.write(value)
        if raw:
            parts += [">", _escape_text(raw), "</", tag, ">\n"]
        else:
            parts.append("/>\n")
        out.append("".join(parts))
        return
    body: list[str] = []
    for s in p.elements:
        _element(obj, s, pad + " ", body)
    if body:
        parts.append(">\n")
        out.append("".join(parts))
        out.extend(body)
        out.append(f"{pad}</{tag}>\n")
    else:
        parts.append("/>\n")
        out.append("".join(parts))


def _attributes(obj: Any, p: Layout) -> list[str]:
    parts: list[str] = []
    for s in p.attributes:
        value = getattr(obj, s.py)
        if value is None:
            continue
        simple = s.simple
        assert simple is not None
        raw = lexical_text(obj, s.py, value, simple) if obj._lexical else simple.write(value)
        parts += [" ", str(s.xml), '="', _escape_attr(raw), '"']
    return parts


def _element(obj: Any, s: Slot, inner: str, body: list[str]) -> None:
    """Append the XML of ``obj``'s field ``s`` (every item of a repeated one) to ``body``."""
    value = getattr(obj, s.py)
    if value is None:
        return
    repeated = s.occurs in ("many", "some")
    name = str(s.xml)
    for item in value if repeated else (value,):
        if s.simple is not None:
            raw = (
                lexical_text(obj, s.py, item, s.simple)
                if obj._lexical and not repeated
                else s.simple.write(item)
            )
            if raw:
                body.append(f"{inner}<{name}>{_escape_text(raw)}</{name}>\n")
            else:
                body.append(f"{inner}<{name}/>\n")
        elif isinstance(item, AnyXml):
            _write_any(item, name, inner, body)
        else:
            write(item, name, inner, body)
