"""The ``virtnum`` command line (needs the ``cli`` extra: click and rich).

The library never imports this package.
"""

from __future__ import annotations

import os
import select
import sys

from virtnum import _errors as errors

__all__ = ["EXIT_CODES", "CannotListenError", "OutputEncodingError", "RowsFailed", "main"]

INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class RowsFailed(errors.VirtnumError):
    """Some rows of ``numbers apply`` failed (each one is in the report and on stderr)."""


class OutputEncodingError(errors.VirtnumError):
    """stdout's encoding cannot write the output (``PYTHONIOENCODING=ascii``, a legacy
    code page and Cyrillic comments)."""


class CannotListenError(errors.VirtnumError):
    """``virtnum fake-server`` cannot listen on its address (the port is taken, ...)."""


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
    (errors.WaitTimeoutError, 13),
    (RowsFailed, 14),
    (OutputEncodingError, 15),
    (CannotListenError, 16),
    (errors.VirtnumError, 12),
    (ValueError, 2),
    (KeyboardInterrupt, INTERRUPTED),
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
    except KeyboardInterrupt:  # pragma: no cover - a Ctrl-C while starting up
        sys.stderr.write("virtnum: interrupted\n")
        raise SystemExit(INTERRUPTED) from None
    try:
        cli.main(args=argv, prog_name="virtnum", standalone_mode=True)
    except BrokenPipeError:
        silence_stdout()
        raise SystemExit(0) from None
    except SystemExit as exc:
        # What is still buffered is written here, inside the handler, rather than at the
        # interpreter's final flush, where a closed pipe would print a traceback (exit 120).
        # click answers a closed pipe itself with exit 1; the reader leaving is no failure.
        if not _flushed() and exc.code in (None, 0, 1):
            raise SystemExit(0) from None
        raise


def silence_stdout() -> None:
    """Point stdout at /dev/null after its reader went away (``| head``), so nothing
    more is written there and Python's shutdown flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _flushed() -> bool:
    """Flush stdout; False when its reader has gone (stdout is then silenced)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return False
    if _reader_gone():
        silence_stdout()
        return False
    return True


def _reader_gone() -> bool:
    """Whether stdout is a pipe whose reading end is closed (poll reports an error)."""
    if not hasattr(select, "poll"):
        return False
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False
