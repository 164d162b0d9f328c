"""Ctrl-C during a blocking call: cancel the call in flight (its request stops cleanly)
and raise KeyboardInterrupt once it has ended, on either kind of loop."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["give_back_ctrl_c", "take_ctrl_c"]

_MAIN = threading.main_thread().ident
_SIGINT = int(signal.SIGINT)


def take_ctrl_c(on_sigint: Callable[[int, Any], None]) -> Any:
    """In the main thread, under Python's default Ctrl-C handler or ``asyncio.run``'s
    (which only cancels the main task: a task blocked in this very call, so nothing would
    happen until it returned), install ``on_sigint``; the handler to restore, or None."""
    if threading.get_ident() != _MAIN:
        return None
    current = signal.getsignal(_SIGINT)
    if current is signal.default_int_handler or _is_asyncio_runners(current):
        return signal.signal(_SIGINT, on_sigint)
    return None


def give_back_ctrl_c(previous: Any) -> None:
    """Restore the Ctrl-C handler ``take_ctrl_c`` replaced."""
    signal.signal(_SIGINT, previous)


def _is_asyncio_runners(handler: Any) -> bool:
    """Whether ``handler`` is an ``asyncio.Runner``'s (a partial of its bound method)."""
    method = getattr(handler, "func", handler)
    return isinstance(getattr(method, "__self__", None), asyncio.Runner)
