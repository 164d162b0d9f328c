"""Ctrl-C during a blocking call: cancel the call in flight (its request stops cleanly)
and raise KeyboardInterrupt once it has ended, on either kind of loop."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from typing import Any

from virtnum._http.internals import set_sigint_handler, sigint_handler

__all__ = ["give_back_ctrl_c", "take_ctrl_c"]

_MAIN = threading.main_thread().ident


def take_ctrl_c(on_sigint: Callable[[int, Any], None]) -> Any:
    """In the main thread, under Python's default Ctrl-C handler or ``asyncio.run``'s
    (which only cancels the main task: a task blocked in this very call, so nothing would
    happen until it returned), install ``on_sigint``; the handler to restore, or None."""
    if threading.get_ident() != _MAIN:
        return None
    current = sigint_handler()
    if current is signal.default_int_handler or _is_asyncio_runners(current):
        return set_sigint_handler(on_sigint)
    return None


def give_back_ctrl_c(previous: Any) -> None:
    """Restore the Ctrl-C handler ``take_ctrl_c`` replaced."""
    set_sigint_handler(previous)


def _is_asyncio_runners(handler: Any) -> bool:
    """Whether ``handler`` is an ``asyncio.Runner``'s (a partial of its bound method)."""
    method = getattr(handler, "func", handler)
    return isinstance(getattr(method, "__self__", None), asyncio.Runner)
