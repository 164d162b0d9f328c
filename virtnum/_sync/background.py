"""For blocking calls made inside a running event loop (a notebook cell, a callback),
which cannot run a loop of their own: the client's loop on a background thread that an
anyio blocking portal owns, started on first need."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from typing import Any, TypeVar

from anyio.from_thread import start_blocking_portal

from virtnum._client import AsyncClient
from virtnum._errors import VirtnumError
from virtnum._sync.ctrl_c import give_back_ctrl_c, take_ctrl_c
from virtnum._sync.own_loop import CLOSED

__all__ = ["BackgroundLoop"]

T = TypeVar("T")
_CANCELLED = object()


async def _awaited(func: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    return await func(*args, **kwargs)


async def _loop_and_thread() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    return asyncio.get_running_loop(), threading.current_thread()


class BackgroundLoop:
    """The client's event loop on a thread of its own, and the calls waiting on it, so
    that closing can end them with a VirtnumError."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._portal = self._stack.enter_context(start_blocking_portal())
        self.loop, self.thread = self._portal.call(_loop_and_thread)
        self._lock = threading.RLock()  # a finalizer may close the client while it is held
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self.closed = False

    def call(self, func: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` on the loop and wait for its result. The
        coroutine goes there with ``run_coroutine_threadsafe``, one hop, cheaper than
        ``portal.call``; the portal still owns the loop's life."""
        if threading.current_thread() is self.thread:
            raise VirtnumError(
                "the blocking Client cannot be called from its own event-loop thread "
                "(for example from an on_progress callback); use the AsyncClient there"
            )
        with self._lock:  # closing takes the lock too: no call slips onto a closed loop
            if self.closed:
                raise VirtnumError(CLOSED)
            future = asyncio.run_coroutine_threadsafe(_awaited(func, *args, **kwargs), self.loop)
            self._pending.add(future)
        interrupted = False

        def on_sigint(signum: int, frame: Any) -> None:  # Ctrl-C: stop the request too
            nonlocal interrupted
            interrupted = True
            future.cancel()

        previous = take_ctrl_c(on_sigint)
        result: Any = _CANCELLED
        try:
            result = future.result()
        except concurrent.futures.CancelledError:
            if not (interrupted or self.closed):
                raise
        except BaseException:
            future.cancel()  # e.g. Ctrl-C under another handler: stop the request too
            raise
        finally:
            if previous is not None:
                give_back_ctrl_c(previous)
            with self._lock:
                self._pending.discard(future)
        # raised outside the except block: no CancelledError chained; a Ctrl-C that came
        # as the call ended is raised all the same
        if interrupted:
            raise KeyboardInterrupt
        if result is _CANCELLED:
            raise VirtnumError("the client was closed while this call was waiting")
        return result  # type: ignore[no-any-return]

    def shutdown(self, client: AsyncClient) -> None:
        """End the waiting calls, close the client on its loop, stop the thread. From the
        loop's own thread (an ``on_progress`` callback) the stopping is handed to a
        short-lived thread, since a thread cannot wait for itself to end."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            pending = list(self._pending)
        for future in pending:
            future.cancel()
        if threading.current_thread() is self.thread:
            threading.Thread(target=self._stop, args=(client,), name="virtnum-close").start()
        else:
            self._stop(client)

    def _stop(self, client: AsyncClient) -> None:
        try:
            self._portal.call(client.close)
        finally:
            self._stack.close()
