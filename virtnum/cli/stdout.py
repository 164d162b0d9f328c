"""stdout as the shell hands it over: closed (``>&-``), a pipe whose reader left
(``| head``: exit 0, quietly), or a full disk (one line, the output error's status)."""

from __future__ import annotations

import errno
import io
import os
import select
import sys

__all__ = ["GONE", "flush_stdout", "silence_stdout", "stand_in_for_a_closed_stdout"]


class _ClosedStdout(io.TextIOBase):
    """Stands in for a stdout the shell closed (``>&-``): every write fails as a write
    to a closed descriptor does, so a command says so in one line."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")

    def isatty(self) -> bool:
        return False


def stand_in_for_a_closed_stdout() -> None:
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


GONE = object()  # the reader of stdout went away


def flush_stdout() -> object:
    """Flush stdout: None when that worked, ``GONE`` when its reader has gone, or the
    OSError that stopped it (a full disk); stdout is silenced in both failures."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return GONE
    except OSError as exc:
        silence_stdout()
        return exc
    if _reader_gone():
        silence_stdout()
        return GONE
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
