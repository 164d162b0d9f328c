"""What a fork resets: a child process makes its own loops, background thread and async
client, lazily, and never finalizes the parent's (that would wait for threads the child
does not have)."""

from __future__ import annotations

import os
import threading
from typing import Any

__all__ = ["fork_lock", "keep_unfinalized"]

_locks: dict[int, threading.RLock] = {}
_kept: list[Any] = []  # a parent's loops, threads and clients, never finalized here


def fork_lock() -> threading.RLock:
    """A lock of this process's own (one held by a parent thread at fork time would stay
    held in the child forever); re-entrant, since a finalizer may run while it is held."""
    lock = _locks.get(os.getpid())
    return lock if lock is not None else _locks.setdefault(os.getpid(), threading.RLock())


def keep_unfinalized(*inherited: Any) -> None:
    """Hold on to what a parent process made, so that its finalizers never run here."""
    _kept.extend(inherited)
