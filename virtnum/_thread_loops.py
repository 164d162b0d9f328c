"""A blocking call runs on an event loop owned by the calling thread: no thread hop.

Each thread that calls a Client gets a loop of its own, made lazily and kept for the
next call, so a blocking call costs what an async one does. The async client keeps an
aiohttp session per loop; a loop's session closes when the loop shuts down (its
watcher is an async generator, see ``_http.sessions``). A loop is shut when the client
closes, or when its thread ends (the thread-local entry is dropped then).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from virtnum._errors import VirtnumError
from virtnum._http.sessions import leave_to_owner
from virtnum._loop_drive import Drive, driver_for

__all__ = ["CLOSED", "ThreadLoops", "awaited", "give_back_ctrl_c", "off_loop", "take_ctrl_c"]

T = TypeVar("T")
CLOSED = "this client is closed; create a new one"
_MAIN = threading.main_thread().ident

# signal's own functions convert to and from enums (~5 us a call): on every blocking
# call that is a cost; the C module under it takes plain ints
_getsignal: Callable[[int], Any]
_setsignal: Callable[[int, Any], Any]
try:
    import _signal  # type: ignore[import-not-found,unused-ignore]

    _getsignal, _setsignal = _signal.getsignal, _signal.signal
except ImportError:  # pragma: no cover - another Python implementation
    _getsignal, _setsignal = signal.getsignal, signal.signal
_SIGINT = int(signal.SIGINT)
_DEFAULT_INT_HANDLER = signal.default_int_handler
_get_ident = threading.get_ident


async def awaited(func: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    return await func(*args, **kwargs)


def take_ctrl_c(on_sigint: Callable[[int, Any], None]) -> Any:
    """In the main thread, under Python's default Ctrl-C handler or ``asyncio.run``'s
    (which only cancels the main task: a task blocked in this very call, so nothing would
    happen until it returned), install ``on_sigint``; the handler to restore, or None."""
    if _get_ident() != _MAIN:
        return None
    current = _getsignal(_SIGINT)
    runner = getattr(getattr(current, "func", current), "__self__", None)
    if current is _DEFAULT_INT_HANDLER or isinstance(runner, asyncio.Runner):
        return _setsignal(_SIGINT, on_sigint)
    return None


def give_back_ctrl_c(previous: Any) -> None:
    """Restore the Ctrl-C handler ``take_ctrl_c`` replaced."""
    _setsignal(_SIGINT, previous)


def off_loop(work: Callable[[], None]) -> None:
    """Run blocking loop work here, or on a short-lived thread when this thread is
    inside a running loop (which cannot run another)."""
    if asyncio.events._get_running_loop() is None:
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


def _retire(loop: asyncio.AbstractEventLoop) -> None:
    """The entry's thread ended (or its client was dropped): shut the loop it left."""
    try:
        off_loop(lambda: _shut(loop))
    except Exception:  # a finalizer must not raise; the loop is closed at least
        if not loop.is_running():
            loop.close()


class ThreadLoop:
    """One thread's own event loop for one client, and the call running on it."""

    __slots__ = ("__weakref__", "drive", "interrupted", "lock", "loop", "task")

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        leave_to_owner(self.loop)  # _shut ends it with shutdown_asyncgens
        self.drive: Drive = driver_for(self.loop)
        self.lock = threading.Lock()  # held while a call runs on the loop
        self.task: asyncio.Task[Any] | None = None
        self.interrupted = False
        weakref.finalize(self, _retire, self.loop)

    def finish(self, task: asyncio.Task[Any]) -> Any:
        """Run ``task`` to its end and return its result. Ctrl-C in the main thread
        cancels it (the request stops cleanly) and is raised once it has ended."""
        previous = None
        self.interrupted = False
        if _get_ident() == _MAIN and _getsignal(_SIGINT) is _DEFAULT_INT_HANDLER:
            previous = _setsignal(_SIGINT, self._on_sigint)
        try:
            self.drive(task)
            result = task.result()
        except asyncio.CancelledError:
            if not self.interrupted:
                raise
        except BaseException:
            if not task.done():  # raised by the loop itself: stop the call before going up
                task.cancel()
                with contextlib.suppress(BaseException):
                    self.loop.run_until_complete(task)
            raise
        finally:
            if previous is not None:
                _setsignal(_SIGINT, previous)
        if self.interrupted:  # a Ctrl-C that came as the call ended is raised all the same
            raise KeyboardInterrupt
        return result

    def _on_sigint(self, signum: int, frame: Any) -> None:
        self.interrupted = True
        if (task := self.task) is not None:
            self.loop.call_soon_threadsafe(task.cancel)


class ThreadLoops:
    """The loops of every thread that calls one client."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: weakref.WeakSet[ThreadLoop] = weakref.WeakSet()
        self._lock = threading.Lock()
        self.closed = False

    def _new_entry(self) -> ThreadLoop:
        entry = self._local.entry = ThreadLoop()
        with self._lock:
            self._all.add(entry)
        return entry

    def run(self, func: Callable[..., Coroutine[Any, Any, T]], /, *args: Any, **kwargs: Any) -> T:
        """``func(*args, **kwargs)`` to completion on this thread's loop."""
        entry: ThreadLoop | None = getattr(self._local, "entry", None)
        if entry is None:
            entry = self._new_entry()
        with entry.lock:
            if self.closed:
                raise VirtnumError(CLOSED)
            task = entry.task = entry.loop.create_task(func(*args, **kwargs))
            try:
                result: T = entry.finish(task)
                return result
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
                    off_loop(lambda loop=entry.loop: _shut(loop))  # type: ignore[misc]
                finally:
                    entry.lock.release()
            elif (task := entry.task) is not None and not entry.loop.is_closed():
                entry.loop.call_soon_threadsafe(task.cancel)
