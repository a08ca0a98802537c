"""The exit codes of every ``runhistory`` command, in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a ``runhistory`` process returns to its caller."""

    OK = 0  # nothing at the --fail-on level (warnings allowed by default)
    FAILED = 1  # a finding at the --fail-on level, or a document that is not valid
    USAGE = 2  # a usage error, an input that could not be read, output that could not be written
    # 128 + the signal, as a shell reports a process the signal killed (runhistory.interrupts).
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    BROKEN_PIPE = 141  # standard output closed by its reader (SIGPIPE)
    TERMINATED = 143  # SIGTERM, handled as Ctrl-C is
