"""Where the blocking Client runs coroutines: a loop of the calling thread's own, or,
for calls made inside a running loop, a background loop thread; per process, the async
client behind them (a fork makes fresh ones, lazily)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import ExitStack
from typing import Any, TypeVar

from anyio.from_thread import start_blocking_portal

from virtnum._client import AsyncClient
from virtnum._errors import VirtnumError
from virtnum._thread_loops import CLOSED, ThreadLoops, awaited, give_back_ctrl_c, take_ctrl_c

__all__ = ["LoopThread", "Root", "inherited_copies"]

T = TypeVar("T")
_CANCELLED = object()


async def _loop_and_thread() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    return asyncio.get_running_loop(), threading.current_thread()


class LoopThread:
    """The client's event loop on a thread of its own (an anyio portal owns it), and the
    calls waiting on it, so that closing can end them with a VirtnumError."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._portal = self._stack.enter_context(start_blocking_portal())
        self.loop, self.thread = self._portal.call(_loop_and_thread)
        self._lock = threading.RLock()  # a finalizer may close the client while it is held
        self._pending: set[concurrent.futures.Future[Any]] = set()
        self.closed = False

    def call(self, func: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` on the loop and wait for its result.

        The coroutine goes to the loop with ``run_coroutine_threadsafe`` rather than
        ``portal.call``: one hop either way, ~34 us instead of ~81 us on this kind of
        machine; the portal still owns the loop's life.
        """
        if threading.current_thread() is self.thread:
            raise VirtnumError(
                "the blocking Client cannot be called from its own event-loop thread "
                "(for example from an on_progress callback); use the AsyncClient there"
            )
        with self._lock:  # closing takes the lock too: no call slips onto a closed loop
            if self.closed:
                raise VirtnumError(CLOSED)
            future = asyncio.run_coroutine_threadsafe(awaited(func, *args, **kwargs), self.loop)
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


class Root:
    """What a Client and its ``with_options`` copies share: how to make the async client,
    and, per process, that async client, the loops of the threads that call it, and the
    background loop thread for calls made inside a running loop (started on first
    need). A fork gets fresh ones there, made lazily; the parent's are left alone. All
    stop when the original is closed, or when the last client sharing them is collected."""

    def __init__(
        self, args: tuple[Any, ...], options: dict[str, Any], made_at: str, first: AsyncClient
    ) -> None:
        self._args, self._options = args, options  # to make the client again after a fork
        self._made_at = made_at
        self._made_in = os.getpid()
        self._async = first
        self._loops = ThreadLoops()
        self._background: LoopThread | None = None
        self.users = 0

    def call(self, func: Callable[..., Coroutine[Any, Any, T]], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)``: on this thread's own loop, or, from inside a
        running loop (a notebook, a callback), on the background loop thread."""
        if self._made_in != os.getpid():
            self._after_fork()
        if asyncio.events._get_running_loop() is None:
            return self._loops.run(func, *args, **kwargs)
        return self._background_thread().call(func, *args, **kwargs)

    def client(self) -> AsyncClient:
        """This process's async client."""
        self._after_fork()
        return self._async

    def _background_thread(self) -> LoopThread:
        with _fork_lock():
            if self._loops.closed:
                raise VirtnumError(CLOSED)
            if self._background is None:
                self._background = LoopThread()
            return self._background

    def _after_fork(self) -> None:
        if self._made_in == os.getpid():
            return
        with _fork_lock():
            if self._made_in != os.getpid():
                # The parent's portal and loops must never be finalized here: that would
                # wait for threads this process does not have.
                _inherited.append((self._background, self._loops, self._async))
                self._background = None
                self._loops = ThreadLoops()
                self._async = AsyncClient(*self._args, **self._options)
                self._made_in = os.getpid()

    def join(self) -> None:
        with _fork_lock():
            self.users += 1

    def release(self) -> None:
        """One sharing client is gone; the last one stops the thread."""
        with _fork_lock():
            self.users -= 1
            last = self.users <= 0
        if not last:
            return
        forgotten = not self.closed and self._made_in == os.getpid()
        self.close()  # before warning: the warning may be turned into an exception
        if forgotten:
            warnings.warn(
                f"a virtnum Client made at {self._made_at} was never closed; use "
                "`with Client(...) as client:` or call client.close()",
                ResourceWarning,
                stacklevel=2,
            )

    def close(self) -> None:
        if self._made_in != os.getpid():
            return
        self._loops.close()
        with _fork_lock():
            background = self._background
        if background is not None:
            background.shutdown(self._async)  # closes the client on its loop
        else:
            self._async._transport.mark_closed()

    @property
    def closed(self) -> bool:
        return self._made_in == os.getpid() and self._loops.closed


_fork_locks: dict[int, threading.RLock] = {}
_inherited: list[tuple[Any, ...]] = []  # a parent's, kept unfinalized
inherited_copies: list[AsyncClient] = []  # a parent's with_options copies, likewise


def _fork_lock() -> threading.RLock:
    """A lock of this process's own (one held by a parent thread at fork time would stay
    held in the child forever); re-entrant, since a finalizer may run while it is held."""
    lock = _fork_locks.get(os.getpid())
    return lock if lock is not None else _fork_locks.setdefault(os.getpid(), threading.RLock())
