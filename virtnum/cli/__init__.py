"""The ``virtnum`` command line (needs the ``cli`` extra: click and rich).

The library never imports this package.
"""

from __future__ import annotations

import sys

from virtnum import _errors as errors

__all__ = ["EXIT_CODES", "main"]

#: Exit status per error class, most specific first (documented in the README).
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (errors.AuthenticationError, 3),
    (errors.PermissionDeniedError, 4),
    (errors.NotFoundError, 5),
    (errors.RateLimitError, 6),
    (errors.InternalServerError, 7),
    (errors.APIStatusError, 8),
    (errors.APITimeoutError, 9),
    (errors.APIConnectionError, 10),
    (errors.ResponseValidationError, 11),
    (errors.VirtnumError, 12),
    (ValueError, 2),
)


def exit_code(exc: BaseException) -> int:
    """The documented exit status for an error raised by a command."""
    return next((code for cls, code in EXIT_CODES if isinstance(exc, cls)), 1)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``virtnum`` console script and ``python -m virtnum``."""
    try:
        from virtnum.cli._app import cli
    except ImportError as exc:  # pragma: no cover - depends on the environment
        sys.stderr.write(f"virtnum: the command line needs `pip install virtnum[cli]` ({exc})\n")
        raise SystemExit(1) from None
    cli.main(args=argv, prog_name="virtnum", standalone_mode=True)
