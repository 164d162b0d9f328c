"""A client-wide rate limit: a token bucket with at most one second of burst.

Shared by a client, its ``with_options`` copies and every event loop they run on, so its
state is guarded by a thread lock and waiting is a plain ``asyncio.sleep``.
"""

from __future__ import annotations

import asyncio
import threading
import time

__all__ = ["TokenBucket"]


class TokenBucket:
    """``rate`` requests per second; a request takes a token or waits for the next one."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._capacity = max(1.0, rate)
        self._tokens = self._capacity
        self._updated = time.monotonic()
        self._lock = threading.Lock()

    def _reserve(self) -> float:
        """Take a token (the balance may go below zero); return how long to wait for it."""
        with self._lock:
            now = time.monotonic()
            elapsed = now - self._updated
            self._tokens = min(self._capacity, self._tokens + elapsed * self.rate)
            self._updated = now
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def _refund(self) -> None:
        with self._lock:
            self._tokens = min(self._capacity, self._tokens + 1.0)

    async def acquire(self) -> None:
        """Wait until this request may be sent; a cancelled wait gives its token back."""
        delay = self._reserve()
        if delay <= 0:
            return
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError:
            self._refund()
            raise
