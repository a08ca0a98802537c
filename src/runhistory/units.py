"""Sizes as people write them: ``1000``, ``64K``, ``1M``, ``1G``, ``1GiB``, ``500MB``."""

from __future__ import annotations

import argparse
import re

# K, M, G and KiB, MiB, GiB are powers of 1024 (the help says "1 GiB"); KB, MB, GB are powers
# of 1000, as the SI writes them.  Case does not matter; a trailing B alone means bytes.
_UNITS = {
    "": 1,
    "b": 1,
    "k": 1 << 10,
    "kib": 1 << 10,
    "kb": 1000,
    "m": 1 << 20,
    "mib": 1 << 20,
    "mb": 1000**2,
    "g": 1 << 30,
    "gib": 1 << 30,
    "gb": 1000**3,
    "t": 1 << 40,
    "tib": 1 << 40,
    "tb": 1000**4,
}
MAX_BYTES_HELP = (
    "refuse documents larger than SIZE: bytes, or with a unit such as 64K, 512M, 1G, "
    "1GiB (powers of 1024) or 1GB (powers of 1000); default 1G"
)
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """The number of bytes ``text`` names; :class:`ValueError` saying what is accepted."""
    m = _SIZE.fullmatch(text)
    unit = m.group(2).lower() if m else None
    if m is None or unit not in _UNITS:
        raise ValueError(
            f"'{text}': expected a size such as 1000, 64K, 512MiB, 1G or 1GB "
            "(K, M, G, KiB, MiB, GiB: powers of 1024; KB, MB, GB: powers of 1000)"
        )
    n = int(float(m.group(1)) * _UNITS[unit])
    if n < 1:
        raise ValueError(f"'{text}': expected a size of at least 1 byte")
    return n


def size_argument(value: str) -> int:
    """:func:`parse_size` as an argparse ``type`` (``--max-bytes`` of every command)."""
    try:
        return parse_size(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
