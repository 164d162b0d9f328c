"""``Client``: the blocking facade. It runs AsyncClient's coroutines on an anyio portal.

One portal (an event loop on a background thread) lives as long as the client, because
an aiohttp session belongs to the loop that made it. Every public call is one hop; the
resource methods themselves are derived from the async ones (``resources._blocking``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import os
import sys
import threading
import warnings
import weakref
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from anyio.from_thread import start_blocking_portal

from virtnum._client import AsyncClient
from virtnum._errors import VirtnumError
from virtnum.resources._raw_numbers import BlockingRawNumbers
from virtnum.resources.numbers import Numbers

__all__ = ["Client"]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


async def _loop_and_thread() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    return asyncio.get_running_loop(), threading.current_thread()


_CLOSED = "this client is closed; create a new one"


class _LoopThread:
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
                raise VirtnumError(_CLOSED)
            future = asyncio.run_coroutine_threadsafe(_awaited(func, *args, **kwargs), self.loop)
            self._pending.add(future)
        closed_meanwhile = False
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            if not self.closed:
                raise
            closed_meanwhile = True
        except BaseException:
            future.cancel()  # e.g. Ctrl-C while waiting: stop the request too
            raise
        finally:
            with self._lock:
                self._pending.discard(future)
        assert closed_meanwhile
        raise VirtnumError("the client was closed while this call was waiting")

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


class _Root:
    """What a Client and its ``with_options`` copies share: how to make the async client,
    and, per process, the loop thread and that async client. A fork gets fresh ones
    there, made lazily; the parent's are left alone. The thread stops when the original
    is closed, or when the last of the clients sharing it is collected."""

    def __init__(
        self, args: tuple[Any, ...], options: dict[str, Any], made_at: str, first: AsyncClient
    ) -> None:
        self._args, self._options = args, options  # to make the client again after a fork
        self._made_at = made_at
        self._made_in = os.getpid()
        self._thread = _LoopThread()
        self._async = first
        self.users = 0

    def current(self) -> tuple[_LoopThread, AsyncClient]:
        if self._made_in != os.getpid():
            with _fork_lock():
                if self._made_in != os.getpid():
                    # The parent's portal must never be collected here: finalizing it
                    # would wait for a thread this process does not have.
                    _inherited.append((self._thread, self._async))
                    self._thread = _LoopThread()
                    self._async = AsyncClient(*self._args, **self._options)
                    self._made_in = os.getpid()
        return self._thread, self._async

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
        if self._made_in == os.getpid():
            self._thread.shutdown(self._async)

    @property
    def closed(self) -> bool:
        return self._made_in == os.getpid() and self._thread.closed


_fork_locks: dict[int, threading.RLock] = {}
_inherited: list[tuple[_LoopThread, AsyncClient]] = []  # a parent's, kept unfinalized
_inherited_copies: list[AsyncClient] = []


def _fork_lock() -> threading.RLock:
    """A lock of this process's own (one held by a parent thread at fork time would stay
    held in the child forever); re-entrant, since a finalizer may run while it is held."""
    lock = _fork_locks.get(os.getpid())
    return lock if lock is not None else _fork_locks.setdefault(os.getpid(), threading.RLock())


def _options_of(
    source: Callable[Concatenate[Any, P], Any],
) -> Callable[[Callable[..., R]], Callable[Concatenate[Any, P], R]]:
    """Give a method taking ``**options`` the exact parameters of ``source`` (for type
    checkers and ``inspect``): a typo such as ``Client(timout=5)`` is then an error."""

    def apply(method: Callable[..., R]) -> Callable[Concatenate[Any, P], R]:
        returns = inspect.signature(method).return_annotation
        method.__signature__ = inspect.signature(source).replace(  # type: ignore[attr-defined]
            return_annotation=returns
        )
        return method

    return apply


async def _awaited(func: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    return await func(*args, **kwargs)


class BlockingWithRawResponse:
    """``client.with_raw_response`` of the blocking client."""

    def __init__(self, client: Client) -> None:
        self.numbers = BlockingRawNumbers(
            client._call, lambda: client._async.with_raw_response.numbers
        )


class Client:
    """The blocking client: same arguments and methods as AsyncClient.

    Safe to use from many threads at once and from inside a running event loop
    (a notebook). Close it, or use ``with Client() as client:``.
    """

    _finalizer: weakref.finalize[..., Any]

    @_options_of(AsyncClient.__init__)
    def __init__(self, *args: Any, **options: Any) -> None:
        first = AsyncClient(*args, **options)  # validates before a thread starts
        caller = sys._getframe(1)
        made_at = f"{caller.f_code.co_filename}:{caller.f_lineno}"
        self._bind(_Root(args, options, made_at, first), {})

    def _bind(self, root: _Root, changes: dict[str, Any]) -> None:
        self._root = root
        self._changes = changes
        self._made_for: tuple[int, AsyncClient] | None = None
        self.numbers = Numbers(self._call, lambda: self._async.numbers)
        self.with_raw_response = BlockingWithRawResponse(self)
        root.join()
        self._finalizer = weakref.finalize(self, root.release)

    @property
    def _async(self) -> AsyncClient:
        """This process's async client (the root's, or a ``with_options`` copy of it)."""
        made = self._made_for
        if made is not None and made[0] == os.getpid():
            return made[1]
        if made is not None:  # a parent's copy: see _Root.current
            _inherited_copies.append(made[1])
        async_client = self._root.current()[1]
        if self._changes:
            async_client = async_client.with_options(**self._changes)
        self._made_for = (os.getpid(), async_client)
        return async_client

    def _call(self, func: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
        return self._root.current()[0].call(func, *args, **kwargs)

    @property
    def base_url(self) -> str:
        return self._async.base_url

    @_options_of(AsyncClient.with_options)
    def with_options(self, **options: Any) -> Client:
        """See ``AsyncClient.with_options``; the copy shares this client's thread and
        session, and keeps them alive while it is in use. Closing it is a no-op."""
        self._async.with_options(**options)  # checks the options now
        clone = object.__new__(type(self))
        clone._bind(self._root, {**self._changes, **options})
        clone._is_copy = True
        return clone

    _is_copy = False

    @property
    def is_closed(self) -> bool:
        return self._root.closed or self._async.is_closed

    def close(self) -> None:
        """Close the session and stop the background thread; idempotent. From a copy
        made by ``with_options``, a no-op."""
        if not self._is_copy:
            self._root.close()

    def __enter__(self) -> Self:
        if self.is_closed:
            raise VirtnumError("this client is closed; create a new one")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"
