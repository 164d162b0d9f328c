"""Overload control: how many requests a client keeps in flight, adapted to the server.

A 429 without Retry-After means "too many at once": the limit is halved, once per window,
and it grows back by one per window of successes (additive increase, multiplicative
decrease, as TCP does). The other refusals of requests sent in the same window then tell
how many too many there were: the limit goes no higher than what was in flight minus
them. Until the first such 429 the limit is the connection limit, so a server that never
refuses costs nothing: until then a request is admitted with no lock and no allocation
(the connection pool bounds how many are in flight), and only counted. Shared across
event loops and threads: waiters are futures of their own loops, woken thread-safely.
"""

from __future__ import annotations

import asyncio
import collections
import threading

__all__ = ["AdaptiveLimit", "Slot"]


class Slot:
    """One admitted request: released with its outcome."""

    __slots__ = ("window",)

    def __init__(self, window: int) -> None:
        self.window = window


class AdaptiveLimit:
    """At most ``limit`` requests in flight; ``limit`` moves between 1 and ``ceiling``."""

    def __init__(self, ceiling: int) -> None:
        self.ceiling = ceiling
        self.limit = float(ceiling)
        self.in_flight = 0  # counted under the lock, once engaged
        self.engaged = False  # a first "too many at once" came: admission is limited
        self._free = 0  # admitted before that, counted without a lock (exact on one loop)
        self._window = 0
        self._window_size = 0  # in flight when the limit was last lowered
        self._window_refusals = 0  # refusals since, of requests sent before it
        self._waiters: collections.deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]]
        self._waiters = collections.deque()
        self._lock = threading.Lock()

    def try_acquire(self) -> Slot | None:
        """A slot at once if there is room (the common case, with no coroutine), else None."""
        if not self.engaged:
            self._free += 1
            return _FREE
        with self._lock:
            return self._admit_locked()

    def _admit_locked(self) -> Slot | None:
        if self.in_flight < int(self.limit) and not self._waiters:
            self.in_flight += 1
            return Slot(self._window)
        return None

    async def acquire(self) -> Slot:
        """Wait for room; the slot remembers the window it was admitted in."""
        admitted = self.try_acquire()
        if admitted is not None:
            return admitted
        with self._lock:
            admitted = self._admit_locked()  # room may have come since
            if admitted is not None:
                return admitted
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append((loop, waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            with self._lock:
                try:
                    self._waiters.remove((loop, waiter))
                except ValueError:  # the slot was handed to us as we were cancelled
                    self._release_locked()
            raise
        with self._lock:
            return Slot(self._window)

    def release(self, slot: Slot, *, overloaded: bool = False, succeeded: bool = False) -> None:
        """Give the slot back; ``overloaded`` for a 429 without Retry-After."""
        if slot is _FREE and not self.engaged:
            if not overloaded:
                self._free -= 1
                return
            self._engage()
        with self._lock:
            if overloaded and slot.window == self._window:
                self.limit = max(1.0, min(self.limit, self.in_flight) / 2)
                self._window += 1
                self._window_size, self._window_refusals = self.in_flight, 1
            elif overloaded and slot.window == self._window - 1:
                self._window_refusals += 1
                accepted = self._window_size - self._window_refusals
                self.limit = max(1.0, min(self.limit, float(accepted)))
            elif succeeded and self.limit < self.ceiling:
                self.limit = min(float(self.ceiling), self.limit + 1.0 / self.limit)
            self._release_locked()

    def _engage(self) -> None:
        """The first overload: from now on admission is counted and limited; what was
        admitted freely is in flight, this refused request included."""
        with self._lock:
            if not self.engaged:
                self.in_flight = max(self._free, 1)
                self.engaged = True

    def _release_locked(self) -> None:
        self.in_flight = max(self.in_flight - 1, 0)
        while self._waiters and self.in_flight < int(self.limit):
            loop, waiter = self._waiters.popleft()
            if loop.is_closed():
                continue
            self.in_flight += 1
            loop.call_soon_threadsafe(_wake, waiter)


#: The slot of every request admitted before the limit engaged (window 0).
_FREE = Slot(0)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
