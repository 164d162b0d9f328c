"""The ``virtnum`` command line (needs the ``cli`` extra: click and rich).

The library never imports this package. Its modules import asyncio, aiohttp, cattrs,
msgspec, ssl and openpyxl inside the commands that need them, so that ``virtnum --help``
starts as fast as click itself.
"""

from __future__ import annotations

import errno
import io
import os
import select
import sys

from virtnum import _errors as errors

__all__ = [
    "EXIT_CODES",
    "CannotListenError",
    "MissingTokenError",
    "OutputEncodingError",
    "OutputError",
    "RowsFailed",
    "main",
]

INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class RowsFailed(errors.VirtnumError):
    """Some rows of ``numbers apply`` failed (each one is in the report and on stderr)."""


class OutputEncodingError(errors.VirtnumError):
    """stdout's encoding cannot write the output (``PYTHONIOENCODING=ascii``, a legacy
    code page and Cyrillic comments)."""


class CannotListenError(errors.VirtnumError):
    """``virtnum fake-server`` cannot listen on its address (the port is taken, ...)."""


class OutputError(errors.VirtnumError):
    """The output cannot be written: a full disk, a closed stdout, an ``--output`` or
    ``--report`` file that cannot be opened or written."""


class MissingTokenError(errors.VirtnumError):
    """No token from any source: an authentication problem, with its exit code."""


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
    (OutputError, 17),
    (errors.VirtnumError, 12),
    (ValueError, 2),
    (KeyboardInterrupt, INTERRUPTED),
)


#: Errors that take the exit status of another class (each status has one row above).
SAME_CODE_AS: tuple[tuple[type[BaseException], type[BaseException]], ...] = (
    (MissingTokenError, errors.AuthenticationError),
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
    _stand_in_for_a_closed_stdout()
    try:
        cli.main(args=argv, prog_name="virtnum", standalone_mode=True)
    except BrokenPipeError:
        silence_stdout()
        raise SystemExit(0) from None
    except SystemExit as exc:
        # What is still buffered is written here, inside the handler, rather than at the
        # interpreter's final flush, where a closed pipe would print a traceback (exit 120)
        # and a full disk "Exception ignored". click answers a closed pipe itself with
        # exit 1; the reader leaving is no failure.
        problem = _flush_stdout()
        if problem is _GONE and exc.code in (None, 0, 1):
            raise SystemExit(0) from None
        if isinstance(problem, OSError):
            sys.stderr.write(f"virtnum: error: {cannot_write('stdout', problem)}\n")
            if exc.code in (None, 0):
                raise SystemExit(exit_code(OutputError())) from None
        raise


class _ClosedStdout(io.TextIOBase):
    """Stands in for a stdout the shell closed (``>&-``): every write fails as a write
    to a closed descriptor does, so a command says so in one line."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    def isatty(self) -> bool:
        return False


def _stand_in_for_a_closed_stdout() -> None:
    """With file descriptor 1 closed, Python sets ``sys.stdout`` to None: keep the
    descriptor taken (a socket opened later must not get it) and fail every write."""
    if sys.stdout is not None:
        return
    try:
        os.fstat(1)
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        if devnull != 1:
            os.dup2(devnull, 1)
            os.close(devnull)
    sys.stdout = _ClosedStdout()


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


_GONE = object()  # the reader of stdout went away


def _flush_stdout() -> object:
    """Flush stdout: None when that worked, ``_GONE`` when its reader has gone, or the
    OSError that stopped it (a full disk); stdout is silenced in both failures."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return _GONE
    except OSError as exc:
        silence_stdout()
        return exc
    if _reader_gone():
        silence_stdout()
        return _GONE
    return None


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
