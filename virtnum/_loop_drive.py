"""Run one task to its end on a loop of this thread's own, at the cost of its steps.

``run_until_complete`` adds a done callback, and ``run_forever`` checks and sets up the
loop, then stops it one iteration after the task ends: per blocking call that is about
9 % of a small ``get``'s instructions (``benchmarks/RESULTS.md``). For a loop whose
``run_forever`` is asyncio's own, ``driver_for`` gives ``_step_until_done``: what
``run_forever`` sets up (the running loop, the loop's thread, the async generator
hooks), and the loop stepped only until the task is done. Any other loop (uvloop,
Windows' proactor, a loop in debug mode) keeps ``run_until_complete``.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import threading
from collections.abc import AsyncGenerator, Callable
from typing import Any

__all__ = ["Drive", "driver_for"]

Drive = Callable[[asyncio.Task[Any]], object]
_Hook = Callable[[AsyncGenerator[Any, Any]], None]

_set_running_loop = asyncio.events._set_running_loop
_get_hooks, _set_hooks = sys.get_asyncgen_hooks, sys.set_asyncgen_hooks
_get_ident = threading.get_ident
_Base = asyncio.BaseEventLoop
_ASYNCIOS_OWN = ("run_forever", "_run_once", "_asyncgen_firstiter_hook", "_asyncgen_finalizer_hook")


def driver_for(loop: asyncio.AbstractEventLoop) -> Drive:
    """How to run a task to its end on ``loop``, which only this thread ever runs and
    which is never asked to run while this thread is inside a running loop."""
    kind = type(loop)
    own = all(getattr(kind, name, None) is getattr(_Base, name, 0) for name in _ASYNCIOS_OWN)
    if not own or loop.get_debug() or not hasattr(loop, "_thread_id"):
        return loop.run_until_complete
    steps = (loop._run_once, loop._asyncgen_firstiter_hook, loop._asyncgen_finalizer_hook)  # type: ignore[attr-defined]
    return functools.partial(_step_until_done, loop, *steps)


def _step_until_done(
    loop: Any,
    run_once: Callable[[], None],
    firstiter: _Hook,
    finalizer: _Hook,
    task: asyncio.Task[Any],
) -> None:
    """``run_forever``'s set-up and clean-up around ``_run_once`` while ``task`` runs."""
    hooks = _get_hooks()
    loop._thread_id = _get_ident()  # loop.is_running() is True meanwhile
    _set_hooks(firstiter, finalizer)
    _set_running_loop(loop)
    try:
        while not task.done():
            run_once()
    finally:
        _set_running_loop(None)
        loop._thread_id = None
        loop._stopping = False  # a stop() asked meanwhile is spent, as in run_forever
        _set_hooks(*hooks)
