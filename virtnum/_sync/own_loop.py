"""A blocking call runs on an event loop owned by the calling thread: no thread hop.

Each thread that calls a Client gets a loop of its own, made lazily, kept for the next
call and driven by ``run_forever``, which the call itself stops as it ends (one loop
iteration fewer than ``run_until_complete``, whose done callback waits for the next
one). The async client keeps an aiohttp session per loop; a loop's session closes when
the loop shuts down (its watcher is an async generator, see ``_http.sessions``). A loop
is shut when the client closes, or when its thread ends (the thread-local entry is
dropped then).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from virtnum._errors import VirtnumError
from virtnum._http.sessions import leave_to_owner
from virtnum._sync.ctrl_c import give_back_ctrl_c, take_ctrl_c

__all__ = ["CLOSED", "LoopPerThread", "OwnLoop", "in_running_loop"]

T = TypeVar("T")
CLOSED = "this client is closed; create a new one"


def in_running_loop() -> bool:
    """Whether this thread is inside a running event loop (which cannot run another)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _off_loop(work: Callable[[], None]) -> None:
    """Run blocking loop work here, or on a short-lived thread when this thread is
    inside a running loop."""
    if not in_running_loop():
        work()
        return
    helper = threading.Thread(target=work, name="virtnum-close")
    helper.start()
    helper.join(timeout=30)


def _shut(loop: asyncio.AbstractEventLoop) -> None:
    """Close the loop's sessions (their watchers end in shutdown_asyncgens), then it."""
    if loop.is_closed():
        return
    try:
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()


async def _stopping(loop: asyncio.AbstractEventLoop, call: Awaitable[T]) -> T:
    """Await ``call``, then stop ``loop``: ``run_forever`` returns in the iteration that
    ends the call."""
    try:
        return await call
    finally:
        loop.stop()


def _retire(loop: asyncio.AbstractEventLoop) -> None:
    """The entry's thread ended (or its client was dropped): shut the loop it left."""
    try:
        _off_loop(lambda: _shut(loop))
    except Exception:  # a finalizer must not raise; the loop is closed at least
        if not loop.is_running():
            loop.close()


class OwnLoop:
    """One thread's own event loop for one client, and the call running on it."""

    __slots__ = ("__weakref__", "interrupted", "lock", "loop", "task")

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        leave_to_owner(self.loop)  # _shut ends it with shutdown_asyncgens
        self.lock = threading.Lock()  # held while a call runs on the loop
        self.task: asyncio.Task[Any] | None = None
        self.interrupted = False
        weakref.finalize(self, _retire, self.loop)

    def finish(self, task: asyncio.Task[T]) -> T:
        """Run ``task`` (made by ``_stopping``) to its end and return its result. Ctrl-C
        in the main thread cancels it (the request stops cleanly) and is raised once it
        has ended."""
        self.interrupted = False
        previous = take_ctrl_c(self._on_sigint)
        try:
            while not task.done():  # a stop left by an earlier fallback ends a run early
                self.loop.run_forever()
        except BaseException:
            if not task.done():  # raised by the loop itself: stop the call before going up
                task.cancel()
                with contextlib.suppress(BaseException):
                    self.loop.run_until_complete(task)
            raise
        finally:
            if previous is not None:
                give_back_ctrl_c(previous)
        if self.interrupted and (task.cancelled() or task.exception() is None):
            raise KeyboardInterrupt  # also when it came as the call ended
        return task.result()

    def _on_sigint(self, signum: int, frame: Any) -> None:
        self.interrupted = True
        if (task := self.task) is not None:
            self.loop.call_soon_threadsafe(task.cancel)


class LoopPerThread:
    """The own loops of every thread that calls one client."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: weakref.WeakSet[OwnLoop] = weakref.WeakSet()
        self._lock = threading.Lock()
        self.closed = False

    def _new_entry(self) -> OwnLoop:
        entry = self._local.entry = OwnLoop()
        with self._lock:
            self._all.add(entry)
        return entry

    def run(self, func: Callable[..., Coroutine[Any, Any, T]], /, *args: Any, **kwargs: Any) -> T:
        """``func(*args, **kwargs)`` to completion on this thread's loop."""
        entry: OwnLoop | None = getattr(self._local, "entry", None)
        if entry is None:
            entry = self._new_entry()
        with entry.lock:
            if self.closed:
                raise VirtnumError(CLOSED)
            loop = entry.loop
            task: asyncio.Task[T] = loop.create_task(_stopping(loop, func(*args, **kwargs)))
            entry.task = task
            try:
                return entry.finish(task)
            except asyncio.CancelledError:
                if not self.closed:
                    raise
            finally:
                entry.task = None
                if self.closed:  # closed meanwhile, maybe by this very call
                    _shut(entry.loop)
        # raised here, outside the except block, so that no CancelledError is chained
        raise VirtnumError("the client was closed while this call was waiting")

    def close(self) -> None:
        """Shut every idle thread's loop now; a busy one's call is cancelled, and its
        thread shuts the loop once the call has ended."""
        with self._lock:
            self.closed = True
            entries = list(self._all)
        for entry in entries:
            if entry.loop.is_closed():  # shut already: no thread to spawn (a finalizer
                continue  # may run deep in a caller's recursion, where none can start)
            if entry.lock.acquire(blocking=False):
                try:
                    _off_loop(lambda loop=entry.loop: _shut(loop))  # type: ignore[misc]
                finally:
                    entry.lock.release()
            elif (task := entry.task) is not None and not entry.loop.is_closed():
                entry.loop.call_soon_threadsafe(task.cancel)
