"""The ``virtnum`` command line (needs the ``cli`` extra: click and rich).

The library never imports this package. It is built by command: ``app`` (the root
group and its global options), ``commands/`` (one module per command group), ``output/``
(formats, tables, CSV and workbooks), and the plumbing they share: ``settings``,
``options``, ``words``, ``group`` (failures as one line each) and ``errors`` (the exit
statuses). Its modules import asyncio, aiohttp, cattrs, msgspec, ssl and openpyxl
inside the commands that need them, so that ``virtnum --help`` starts as fast as click
itself; it uses only the public names of ``virtnum``.
"""

from __future__ import annotations

import sys

from virtnum.cli.errors import (
    EXIT_CODES,
    INTERRUPTED,
    CannotListenError,
    MissingTokenError,
    OutputEncodingError,
    OutputError,
    RowsFailed,
    cannot_write,
    exit_code,
)
from virtnum.cli.stdout import GONE, flush_stdout, silence_stdout, stand_in_for_a_closed_stdout

__all__ = [
    "EXIT_CODES",
    "CannotListenError",
    "MissingTokenError",
    "OutputEncodingError",
    "OutputError",
    "RowsFailed",
    "exit_code",
    "main",
]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``virtnum`` console script and ``python -m virtnum``."""
    try:
        from virtnum.cli.app import cli
    except ImportError as exc:  # pragma: no cover - depends on the environment
        sys.stderr.write(f"virtnum: the command line needs `pip install virtnum[cli]` ({exc})\n")
        raise SystemExit(1) from None
    except KeyboardInterrupt:  # pragma: no cover - a Ctrl-C while starting up
        sys.stderr.write("virtnum: interrupted\n")
        raise SystemExit(INTERRUPTED) from None
    stand_in_for_a_closed_stdout()
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
        problem = flush_stdout()
        if problem is GONE and exc.code in (None, 0, 1):
            raise SystemExit(0) from None
        if isinstance(problem, OSError):
            sys.stderr.write(f"virtnum: error: {cannot_write('stdout', problem)}\n")
            if exc.code in (None, 0):
                raise SystemExit(exit_code(OutputError())) from None
        raise
