"""One aiohttp session per event loop, made lazily and closed before its loop closes.

An aiohttp session belongs to the loop that made it, so a client used from successive
``asyncio.run()`` calls, or from loops in several threads, needs one per loop. Each loop
gets a watcher: an async generator that the loop finalizes in ``shutdown_asyncgens()``
(which ``asyncio.run`` and anyio call before closing the loop), closing the session
there, on its own loop. A forked child forgets its parent's sessions (their loops do
not run there, and their sockets are the parent's): it makes its own.
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections.abc import AsyncGenerator, Callable

import aiohttp

from virtnum._errors import VirtnumError
from virtnum._http.internals import close_connections, loop_of

__all__ = ["LoopSessions", "leave_to_owner"]


class _LoopSession:
    """A loop's session and the watcher that closes it at the loop's shutdown."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.watcher: AsyncGenerator[None, None] | None = None
        self.pid = os.getpid()
        self.finalizing = False  # the watcher's closing has begun


class LoopSessions:
    """The sessions of one client (shared by its ``with_options`` copies), by loop.

    A caller's own ``session`` is used as it is, only on its loop, and never closed.
    """

    def __init__(
        self,
        factory: Callable[[], aiohttp.ClientSession],
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._factory = factory
        self._given = session
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopSession] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        self._last: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = None
        self.closed = False
        _everyone.add(self)

    def _forget_the_parents(self) -> None:
        """In a forked child: keep the parent's sessions, untouched, out of the way."""
        self._lock = threading.Lock()  # one held by a parent thread stays held here
        _inherited.extend(self._by_loop.values())
        self._by_loop = weakref.WeakKeyDictionary()
        self._last = None

    def ready(self) -> aiohttp.ClientSession | None:
        """The running loop's session when it is already made (no coroutine needed)."""
        last = self._last
        if last is not None and not self.closed and last[0] is asyncio.get_running_loop():
            return last[1]
        return None

    async def get(self) -> aiohttp.ClientSession:
        """The session for the running loop, made (and watched) on first use."""
        if self.closed:
            raise VirtnumError("this client is closed; create a new one")
        loop = asyncio.get_running_loop()
        last = self._last
        if last is not None and last[0] is loop:  # the common case: the same loop again
            return last[1]
        if self._given is not None:
            return self._check_given(loop)
        with self._lock:
            entry = self._by_loop.get(loop)
            if entry is None:
                entry = self._by_loop[loop] = _LoopSession(self._factory())
        if entry.watcher is None:
            entry.watcher = self._watch(loop, entry)
            await entry.watcher.__anext__()  # started: the loop now finalizes it at shutdown
        self._last = (loop, entry.session)
        return entry.session

    def current(self) -> aiohttp.ClientSession | None:
        """The running loop's session if one was made (for debugging and tests)."""
        if self._given is not None:
            return self._given
        entry = self._by_loop.get(asyncio.get_running_loop())
        return None if entry is None else entry.session

    def _check_given(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        session = self._given
        assert session is not None
        if session.closed:
            raise VirtnumError("the aiohttp session passed to the client is closed")
        if loop_of(session) not in (loop, None):
            raise VirtnumError(
                "the aiohttp session passed to the client belongs to another event loop; "
                "use the client on that loop, or let it make its own sessions"
            )
        return session

    async def _watch(
        self, loop: asyncio.AbstractEventLoop, entry: _LoopSession
    ) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            entry.finalizing = True
            with self._lock:
                if self._by_loop.get(loop) is entry:
                    del self._by_loop[loop]
                self._last = None
            if entry.pid == os.getpid():  # a parent's sockets are not a child's to close
                await entry.session.close()

    async def close(self) -> None:
        """Close every session that can be closed now: this loop's here, a running loop's
        in another thread on that loop, a closed loop's without it; a stopped loop's, or
        one whose owner shuts it down (see ``leave_to_owner``), closes at its shutdown."""
        self.closed = True
        with self._lock:
            self._last = None
            entries = list(self._by_loop.items())
            self._by_loop.clear()
        current = asyncio.get_running_loop()
        elsewhere = []
        for loop, entry in entries:
            if loop is current:
                await _close_here(entry)
            elif loop.is_closed() and entry.pid == os.getpid():  # closed without shutdown
                close_connections(entry.session.connector)
                await entry.session.close()  # nothing left that needs its loop
            elif loop.is_running() and loop not in _owned:
                future = _close_on(loop, entry)
                if future is not None:
                    elsewhere.append(future)
        if elsewhere:
            await asyncio.wait(elsewhere, timeout=5.0)
            for future in elsewhere:  # retrieved: a loop that ended meanwhile is no error
                if future.done() and not future.cancelled():
                    future.exception()


def leave_to_owner(loop: asyncio.AbstractEventLoop) -> None:
    """``loop``'s owner always ends it with ``shutdown_asyncgens`` (the blocking client's
    thread loops): ``close`` leaves its sessions to their watchers then, rather than
    reaching into a loop that its thread may be shutting down at that very moment."""
    _owned.add(loop)


def _close_on(loop: asyncio.AbstractEventLoop, entry: _LoopSession) -> asyncio.Future[None] | None:
    """``_close_here`` sent to another thread's running loop; None if it closed meanwhile."""
    coroutine = _close_here(entry)
    try:
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, loop))
    except RuntimeError:  # the loop closed since it was seen running
        coroutine.close()
        return None


async def _close_here(entry: _LoopSession) -> None:
    """Close a session on its own loop, then its watcher, so shutdown has nothing to do.

    The loop's ``shutdown_asyncgens`` may be closing the watcher meanwhile (a thread
    shutting its loop as the client closes): the watcher is then left to it. Once the
    session is closed, the watcher's closing never suspends, so the two cannot overlap.
    """
    await entry.session.close()
    if entry.watcher is not None and not entry.finalizing:
        await entry.watcher.aclose()


_owned: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
_everyone: weakref.WeakSet[LoopSessions] = weakref.WeakSet()
_inherited: list[_LoopSession] = []  # a parent's, kept from the garbage collector


def _after_fork_in_child() -> None:
    for sessions in list(_everyone):
        sessions._forget_the_parents()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
