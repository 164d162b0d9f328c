"""Ctrl-C held for a safe point: while a bulk command streams its results, the first
SIGINT is only noted (and wakes the event loop), so the command writes every result
already in, says what was not done, and then stops; a second Ctrl-C stops at once."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["Interrupt", "held_interrupt"]


class Interrupt:
    """Whether Ctrl-C was pressed; ``wake`` is called when it is (from the handler)."""

    def __init__(self) -> None:
        self.requested = False
        self.wake: Callable[[], None] = lambda: None


@contextmanager
def held_interrupt() -> Iterator[Interrupt]:
    """Within the block, the first SIGINT sets ``requested`` instead of raising
    KeyboardInterrupt. Off the main thread, or when SIGINT is not Python's default
    (ignored by the shell, handled by someone else), nothing is changed."""
    interrupt = Interrupt()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield interrupt
        return

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if interrupt.requested:
            raise KeyboardInterrupt
        interrupt.requested = True
        interrupt.wake()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, previous)
