"""The "stale bytes" fault: an extra, unrequested answer on an idle keep-alive connection.

A misbehaving proxy or server can send a second response nobody asked for after the
real one. A client that reuses the connection then reads it as the next call's answer.
The real answer is sent (and finished) first; the extra one is written ``seconds``
later straight to the connection's transport (``request.transport``, public in
aiohttp.web), so it arrives while the client holds the connection idle in its pool.
"""

from __future__ import annotations

import asyncio
import itertools

from aiohttp import web

__all__ = ["StaleAnswers", "stale_answer"]

_REASONS = {200: "OK", 404: "Not Found"}


def stale_answer(status: int) -> bytes:
    """A complete keep-alive HTTP/1.1 response: ``[]`` for a 2xx, else a JSON error."""
    body = b"[]" if 200 <= status < 300 else b'{"error": "unrequested answer"}'
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Stale')}\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


class StaleAnswers:
    """Sends answers, then the unrequested ones; ``pending`` counts those not yet written
    and ``written`` those that were."""

    def __init__(self) -> None:
        self._timers: dict[int, tuple[asyncio.TimerHandle, asyncio.Transport, int]] = {}
        self._keys = itertools.count()
        self.written = 0

    @property
    def pending(self) -> int:
        return len(self._timers)

    async def answer_then_stale(
        self, request: web.Request, response: web.StreamResponse, status: int, seconds: float
    ) -> None:
        """Send ``response`` in full now, and a stale ``status`` answer ``seconds`` later."""
        transport = request.transport
        if transport is None or transport.is_closing():
            return  # the client is gone: aiohttp drops the answer as usual
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionResetError:
            return
        key = next(self._keys)
        loop = asyncio.get_running_loop()
        timer = loop.call_later(seconds, self._write, key, transport, status)
        self._timers[key] = (timer, transport, status)

    def _write(self, key: int, transport: asyncio.Transport, status: int) -> None:
        del self._timers[key]
        if not transport.is_closing():
            transport.write(stale_answer(status))
            self.written += 1

    def flush(self) -> None:
        """Write every pending answer now: a point of the test's choosing, not a timer's."""
        for key, (timer, transport, status) in list(self._timers.items()):
            timer.cancel()
            self._write(key, transport, status)

    def cancel(self) -> None:
        """Drop the answers not yet written (the server is closing)."""
        for timer, _, _ in self._timers.values():
            timer.cancel()
        self._timers.clear()
