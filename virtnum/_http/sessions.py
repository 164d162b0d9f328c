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

__all__ = ["LoopSessions"]


class _LoopSession:
    """A loop's session and the watcher that closes it at the loop's shutdown."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.watcher: AsyncGenerator[None, None] | None = None
        self.pid = os.getpid()


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
        if session._loop is not loop:
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
            with self._lock:
                if self._by_loop.get(loop) is entry:
                    del self._by_loop[loop]
                self._last = None
            if entry.pid == os.getpid():  # a parent's sockets are not a child's to close
                await entry.session.close()

    async def close(self) -> None:
        """Close every session that can be closed now: this loop's here, a running loop's
        in another thread on that loop; a stopped loop's closes at its own shutdown."""
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
            elif loop.is_running() and not loop.is_closed():
                future = asyncio.run_coroutine_threadsafe(_close_here(entry), loop)
                elsewhere.append(asyncio.wrap_future(future))
        if elsewhere:
            await asyncio.wait(elsewhere, timeout=5.0)


async def _close_here(entry: _LoopSession) -> None:
    """Close a session on its own loop, and its watcher, so shutdown has nothing to do."""
    await entry.session.close()
    if entry.watcher is not None:
        await entry.watcher.aclose()


_everyone: weakref.WeakSet[LoopSessions] = weakref.WeakSet()
_inherited: list[_LoopSession] = []  # a parent's, kept from the garbage collector


def _after_fork_in_child() -> None:
    for sessions in list(_everyone):
        sessions._forget_the_parents()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
