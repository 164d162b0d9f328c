"""``Client``: the blocking facade. It runs AsyncClient's coroutines on an anyio portal.

One portal (an event loop on a background thread) lives as long as the client, because
an aiohttp session belongs to the loop that made it. Every public call is one hop; the
resource methods themselves are derived from the async ones (``resources._blocking``).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import weakref
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from virtnum._client import AsyncClient
from virtnum._errors import VirtnumError
from virtnum.resources.numbers import Numbers

__all__ = ["Client"]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


def _nothing() -> None:
    """The finalizer of a copy made by ``with_options``: the original owns the thread."""


def _shutdown(stack: ExitStack, portal: BlockingPortal, client: AsyncClient) -> None:
    try:
        portal.call(client.close)
    finally:
        stack.close()


async def _loop_and_thread() -> tuple[asyncio.AbstractEventLoop, int]:
    return asyncio.get_running_loop(), threading.get_ident()


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


class Client:
    """The blocking client: same arguments and methods as AsyncClient.

    Safe to use from many threads at once and from inside a running event loop
    (a notebook). Close it, or use ``with Client() as client:``.
    """

    _finalizer: weakref.finalize[..., Any]

    @_options_of(AsyncClient.__init__)
    def __init__(self, *args: Any, **options: Any) -> None:
        async_client = AsyncClient(*args, **options)  # validates before a thread starts
        stack = ExitStack()
        portal = stack.enter_context(start_blocking_portal())
        loop, loop_thread = portal.call(_loop_and_thread)
        self._bind(loop, loop_thread, async_client)
        self._finalizer = weakref.finalize(self, _shutdown, stack, portal, async_client)

    def _bind(
        self, loop: asyncio.AbstractEventLoop, loop_thread: int, async_client: AsyncClient
    ) -> None:
        self._loop = loop
        self._loop_thread = loop_thread
        self._async = async_client
        self.numbers = Numbers(self._call, async_client.numbers)

    def _call(self, func: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)`` on the portal's loop and wait for its result.

        The coroutine goes to the portal's loop with ``run_coroutine_threadsafe`` rather
        than ``portal.call``: one hop either way, ~34 us instead of ~81 us on this kind
        of machine (shared/PERF-NOTES.md); the portal still owns the loop's life.
        """
        if self._async.is_closed:
            raise VirtnumError("this client is closed; create a new one")
        if threading.get_ident() == self._loop_thread:
            raise VirtnumError(
                "the blocking Client cannot be called from its own event-loop thread "
                "(for example from an on_progress callback); use the AsyncClient there"
            )
        future = asyncio.run_coroutine_threadsafe(_awaited(func, *args, **kwargs), self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # e.g. Ctrl-C while waiting: stop the request too
            raise

    @property
    def base_url(self) -> str:
        return self._async.base_url

    @_options_of(AsyncClient.with_options)
    def with_options(self, **options: Any) -> Client:
        """See ``AsyncClient.with_options``; the copy shares this client's thread and session."""
        clone = object.__new__(type(self))
        clone._bind(self._loop, self._loop_thread, self._async.with_options(**options))
        clone._finalizer = weakref.finalize(clone, _nothing)
        return clone

    @property
    def is_closed(self) -> bool:
        return not self._finalizer.alive or self._async.is_closed

    def close(self) -> None:
        """Close the session and stop the background thread; idempotent."""
        self._finalizer()

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
