"""The command line's own errors, and the exit status of every error a command raises
(the documented table: ``EXIT_CODES``, ``EXIT_MEANINGS``)."""

from __future__ import annotations

from virtnum import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    VirtnumError,
    WaitTimeoutError,
)

__all__ = [
    "EXIT_CODES",
    "EXIT_MEANINGS",
    "INTERRUPTED",
    "SAME_CODE_AS",
    "CannotListenError",
    "MissingTokenError",
    "OutputEncodingError",
    "OutputError",
    "RowsFailed",
    "cannot_write",
    "exit_code",
]

INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class RowsFailed(VirtnumError):
    """Some rows of ``numbers apply`` failed (each one is in the report and on stderr)."""


class OutputEncodingError(VirtnumError):
    """stdout's encoding cannot write the output (``PYTHONIOENCODING=ascii``, a legacy
    code page and Cyrillic comments)."""


class CannotListenError(VirtnumError):
    """``virtnum fake-server`` cannot listen on its address (the port is taken, ...)."""


class OutputError(VirtnumError):
    """The output cannot be written: a full disk, a closed stdout, an ``--output`` or
    ``--report`` file that cannot be opened or written."""


class MissingTokenError(VirtnumError):
    """No token from any source: an authentication problem, with its exit code."""


#: Exit status per error class, most specific first (documented in the README).
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (AuthenticationError, 3),
    (PermissionDeniedError, 4),
    (NotFoundError, 5),
    (RateLimitError, 6),
    (InternalServerError, 7),
    (APIStatusError, 8),
    (APITimeoutError, 9),
    (APIConnectionError, 10),
    (ResponseValidationError, 11),
    (WaitTimeoutError, 13),
    (RowsFailed, 14),
    (OutputEncodingError, 15),
    (CannotListenError, 16),
    (OutputError, 17),
    (VirtnumError, 12),
    (ValueError, 2),
    (KeyboardInterrupt, INTERRUPTED),
)


#: Errors that take the exit status of another class (each status has one row above).
SAME_CODE_AS: tuple[tuple[type[BaseException], type[BaseException]], ...] = (
    (MissingTokenError, AuthenticationError),
)

#: What each exit status means, for ``virtnum --help`` and the docs.
EXIT_MEANINGS: tuple[tuple[int, str], ...] = (
    (0, "done (also when the reader of a pipe leaves early: | head)"),
    (1, "a declined confirmation"),
    (2, "bad arguments or a bad input file (no write was sent)"),
    (3, "authentication: no token, or the token was refused (401)"),
    (4, "permission denied (403: is this machine's IP on the allow-list?)"),
    (5, "not found (404)"),
    (6, "rate limited (429)"),
    (7, "server error (5xx)"),
    (8, "another error status (400, ...)"),
    (9, "timeout"),
    (10, "connection failed"),
    (11, "invalid response"),
    (12, "another virtnum error (credentials file, ...)"),
    (13, "wait timed out (add-mobile --wait)"),
    (14, "some rows of apply failed"),
    (15, "stdout's encoding cannot write the output"),
    (16, "the fake server cannot listen"),
    (17, "the output cannot be written (full disk, closed stdout, --output, --report)"),
    (130, "interrupted (Ctrl-C)"),
)


def exit_code(exc: BaseException) -> int:
    """The documented exit status for an error raised by a command."""
    cls = next((other for mine, other in SAME_CODE_AS if isinstance(exc, mine)), type(exc))
    return next((code for known, code in EXIT_CODES if issubclass(cls, known)), 1)


def cannot_write(where: str, exc: OSError) -> str:
    """The one-line reason an output could not be written (``where``: stdout, a file)."""
    return f"cannot write to {where}: {exc.strerror or exc}"
