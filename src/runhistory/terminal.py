"""What the terminal gets beyond the report: colour and a progress bar, on a TTY only."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import IO

from runhistory.escaping import human

# A progress bar for batches above this many files, or above this many bytes in all.
PROGRESS_FILES = 300
PROGRESS_BYTES = 32 << 20
# A document this big gets its name on the bar while it is checked (serial runs).
BIG_FILE = 8 << 20


def use_color(stream: IO[str], environ: Mapping[str, str] | None = None) -> bool:
    """Colour on a terminal; ``NO_COLOR`` (non-empty) turns it off, ``FORCE_COLOR`` on."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """``[#####.....]  1234/10000 files  12.3 MB`` on stderr, redrawn at most 10 times a
    second, erased when done.  Inactive (draws nothing) unless ``stream`` is a terminal and the
    batch is large enough to be worth it."""

    def __init__(self, stream: IO[str], total_files: int, total_bytes: int) -> None:
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        self.active = tty and (total_files > PROGRESS_FILES or total_bytes > PROGRESS_BYTES)
        self.stream = stream
        self.total_files = total_files
        self.total_bytes = max(total_bytes, 1)
        self.files = 0
        self.bytes = 0
        self._drawn = 0.0

    def begin(self, name: str, size: int) -> None:
        """A document is about to be checked: name it if it is big enough to take a while."""
        if not self.active or size < BIG_FILE:
            return
        self._draw(f"  checking {human(name)} ({size / 1e6:.0f} MB)")

    def advance(self, size: int) -> None:
        self.files += 1
        self.bytes += size
        if not self.active:
            return
        now = time.monotonic()
        if now - self._drawn < 0.1 and self.files < self.total_files:
            return
        self._draw()

    def _draw(self, note: str = "") -> None:
        self._drawn = time.monotonic()
        width = 30
        # By bytes, so one huge file shows as the large share of the work it is.
        done = int(width * min(self.bytes / self.total_bytes, 1.0))
        bar = "#" * done + "." * (width - done)
        self.stream.write(
            f"\r\033[K[{bar}] {self.files}/{self.total_files} files  "
            f"{self.bytes / 1e6:.1f} MB{note}"
        )
        self.stream.flush()

    def clear(self) -> None:
        """Erase the bar (before another line goes to the same stream, or at the end)."""
        if self.active and self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = 0.0

    close = clear
