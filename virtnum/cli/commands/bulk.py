"""Commands over many ids do every id: each result in place, each failure named on
stderr, a summary line, and the exit status of the first failure. Only a failure that no
later id can escape (the token refused, no connection) stops the run, and the ids not
tried are then named."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import attrs
import click

from virtnum import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    PermissionDeniedError,
)
from virtnum.cli.errors import exit_code
from virtnum.cli.group import debug_traceback, error_line
from virtnum.cli.output.inert import clean_lines
from virtnum.cli.output.progress import progress

__all__ = ["Done", "each", "is_fatal", "report"]


@attrs.define
class Done:
    """What became of one id: its result, or its error; ``tried`` False when the run
    stopped before it, ``finished`` False while (or when interrupted) in flight."""

    id: int
    value: Any = None
    error: APIError | None = None
    tried: bool = False
    finished: bool = False

    @property
    def ok(self) -> bool:
        return self.finished and self.error is None


def is_fatal(exc: BaseException) -> bool:
    """Whether every later id would fail the same way: the run stops."""
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return True
    return isinstance(exc, APIConnectionError) and not isinstance(exc, APITimeoutError)


async def each(
    ids: Sequence[int],
    call: Callable[[int], Awaitable[Any]],
    concurrency: int,
    label: str | None = None,
) -> list[Done]:
    """``call(id)`` for each id, at most ``concurrency`` at once, results in ``ids``
    order; a progress bar named ``label`` on a terminal."""
    results = [Done(number_id) for number_id in ids]
    pending = iter(results)
    stopped = False
    done = 0
    with progress(label or "", len(results) if label else 0) as on_progress:

        async def worker() -> None:
            nonlocal stopped, done
            for item in pending:
                if stopped:
                    return
                item.tried = True
                try:
                    item.value = await call(item.id)
                except APIError as exc:
                    item.error = exc
                    stopped = stopped or is_fatal(exc)
                item.finished = True
                done += 1
                if on_progress is not None:
                    on_progress(done, len(results))

        import asyncio

        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(results)))))
    return results


def _say_failure(item: Done, debug: bool) -> None:
    assert item.error is not None
    if debug:
        click.echo(clean_lines(debug_traceback(item.error).rstrip()), err=True)
    line, _ = error_line(item.error, debug=debug)
    click.echo(line.replace(": error: ", f": error: id {item.id}: ", 1), err=True)


def report(
    results: Sequence[Done], verb: str, debug: bool = False, *, interrupted: bool = False
) -> int | None:
    """Each failure on stderr (a failure that stopped the run once), and with more than
    one id a summary (``3 ids: 2 deleted, 1 failed``), also after a Ctrl-C (naming the
    ids not done); the first failure's exit status, or None when every id went."""
    failed = [item for item in results if item.error is not None]
    if not failed and not interrupted:
        return None
    stop_said = False
    for item in failed:
        assert item.error is not None
        if is_fatal(item.error):
            if stop_said:
                continue
            stop_said = True
        _say_failure(item, debug)
    if len(results) > 1:
        click.echo(_summary(results, verb, len(failed), interrupted), err=True)
    if not failed:
        return None
    first = failed[0].error
    assert first is not None
    return exit_code(first)


def _summary(results: Sequence[Done], verb: str, failed: int, interrupted: bool) -> str:
    """``3 ids: 1 deleted, 1 failed, 1 not tried (16)``; after a Ctrl-C, the ids not
    done (never sent, or sent with no answer yet)."""
    went = sum(item.ok for item in results)
    summary = f"virtnum: {len(results)} ids: {went} {verb}, {failed} failed"
    if interrupted:
        left, why = [str(item.id) for item in results if not item.finished], "not done"
    else:
        left, why = [str(item.id) for item in results if not item.tried], "not tried"
    if left:
        shown = ", ".join(left[:10]) + (" ..." if len(left) > 10 else "")
        summary += f", {len(left)} {why} ({shown})"
        stop = next((i.error for i in results if i.error is not None and is_fatal(i.error)), None)
        if stop is not None and not interrupted:
            summary += f": stopped early, every call would fail the same way ({_why(stop)})"
    return summary


def _why(error: BaseException) -> str:
    """What the failure that stopped a run was, in a few words."""
    if isinstance(error, AuthenticationError):
        return "the token was refused"
    if isinstance(error, PermissionDeniedError):
        return "access denied: is this IP address on the allow-list?"
    return "the API could not be reached"
