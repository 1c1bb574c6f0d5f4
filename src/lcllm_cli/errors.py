"""Exceptions that reach the user as one clear line and an exit code.

Every error lcllm raises on purpose derives from :class:`LcllmError`. The CLI catches it at the
boundary, prints ``error: <message>`` (and the hint, if any) and exits with ``exit_code``.
"""

from __future__ import annotations


class LcllmError(Exception):
    """Base class: a problem the user can act on. ``hint`` says what to do about it."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(LcllmError):
    """The command line itself is wrong (bad option value, unknown id form, ...)."""

    exit_code = 2


class StoreError(LcllmError):
    """``entries.toml`` is missing, unreadable, invalid or cannot be written. Never rewritten."""

    exit_code = 2


class LockTimeout(LcllmError):
    """Another lcllm process held the lock on ``entries.toml`` for too long."""

    exit_code = 1


class ImportFileError(LcllmError):
    """A file given to ``lcllm import`` cannot be read at all (missing, binary, unknown format)."""

    exit_code = 2


class InvalidIdError(UsageError, ValueError):
    """Text that is not an arXiv identifier in any accepted form."""


class NetworkError(LcllmError):
    """A remote service could not be reached or gave an unusable answer after all retries."""

    exit_code = 1


class NotFoundError(LcllmError):
    """An entry named on the command line is not in the list."""

    exit_code = 1
