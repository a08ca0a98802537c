"""A generated document as the bytes users save.

- ``utf-8``: UTF-8, no BOM, declared utf-8 (how most tools save it).
- ``utf-16``: UTF-16 little-endian with a BOM, declared utf-16 (Windows PowerShell 5
  ``Out-File``).  Written with the explicit little-endian codec: Python's ``utf-16`` codec
  follows the machine's byte order, and a seed must give the same bytes everywhere.
- ``utf-8-declared-utf-16``: UTF-8 bytes that keep the ``encoding="utf-16"`` declaration of the
  original string (PowerShell 7); ``validate`` reports it as ``D003``.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from runhistory.generator.node import Node, write

ENCODINGS = ("utf-8", "utf-16", "utf-8-declared-utf-16")
# The encodings whose documents validate without any finding.
CLEAN_ENCODINGS = ("utf-8", "utf-16")


def declaration(encoding: str) -> str:
    declared = "utf-8" if encoding == "utf-8" else "utf-16"
    return f'<?xml version="1.0" encoding="{declared}"?>\n'


def codec(encoding: str) -> tuple[bytes, str]:
    """(BOM, Python codec) for an output encoding."""
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE, "utf-16-le"
    if encoding in ("utf-8", "utf-8-declared-utf-16"):
        return b"", "utf-8"
    raise ValueError(f"unknown encoding '{encoding}' (choose from {', '.join(ENCODINGS)})")


@dataclass(slots=True)
class Draft:
    """A document on its way to bytes: the tree and what is written around it."""

    root: Node
    encoding: str = "utf-8"
    prolog: str = ""  # written after the XML declaration (a DOCTYPE, say)
    # Applied to the complete text (breaks that are not about the tree: truncation, prefixes).
    text_edit: Callable[[str], str] | None = None
    data: bytes | None = None  # the whole output, when a break replaces it (empty, binary)
    extra: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        parts = [declaration(self.encoding), self.prolog]
        write(self.root, parts.append)
        text = "".join(parts)
        return self.text_edit(text) if self.text_edit else text

    def to_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        bom, name = codec(self.encoding)
        return bom + self.text().encode(name)

    def stream(self, out: BinaryIO) -> None:
        """Write the bytes to ``out`` piece by piece (lazy records are produced on the way)."""
        if self.data is not None or self.text_edit is not None:
            out.write(self.to_bytes())
            return
        bom, name = codec(self.encoding)
        encoder = codecs.getincrementalencoder(name)()
        buffer: list[str] = []
        size = 0

        def emit(piece: str) -> None:
            nonlocal size
            buffer.append(piece)
            size += len(piece)
            if size >= 1 << 16:
                out.write(encoder.encode("".join(buffer)))
                buffer.clear()
                size = 0

        out.write(bom)
        emit(declaration(self.encoding))
        emit(self.prolog)
        write(self.root, emit)
        out.write(encoder.encode("".join(buffer), final=True))
