"""The exit codes of every ``runhistory`` command, in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a ``runhistory`` process returns to its caller."""

    OK = 0  # nothing at the --fail-on level (warnings allowed by default)
    FAILED = 1  # a finding at the --fail-on level, or a document that is not valid
    USAGE = 2  # a usage error, or an input that could not be read
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)
