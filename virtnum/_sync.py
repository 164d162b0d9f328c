"""``Client``: the blocking facade. It runs AsyncClient's coroutines on an anyio portal.

One portal (an event loop on a background thread) lives as long as the client, because
an aiohttp session belongs to the loop that made it. Every public call is one hop.
"""

from __future__ import annotations

import asyncio
import builtins
import threading
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import ExitStack
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from virtnum._client import AsyncClient
from virtnum._errors import VirtnumError
from virtnum._pagination import PageIterator
from virtnum._types import NOT_GIVEN, NotGiven
from virtnum.filters import Filter
from virtnum.models import Purpose, VirtualNumber
from virtnum.resources.numbers import AsyncNumbers

__all__ = ["Client"]

T = TypeVar("T")


class _Call(Protocol):
    def __call__(self, func: Callable[..., Awaitable[T]], /, *args: Any) -> T: ...


def _nothing() -> None:
    """The finalizer of a copy made by ``with_options``: the original owns the thread."""


def _shutdown(stack: ExitStack, portal: BlockingPortal, client: AsyncClient) -> None:
    try:
        portal.call(client.close)
    finally:
        stack.close()


async def _loop_and_thread() -> tuple[asyncio.AbstractEventLoop, int]:
    return asyncio.get_running_loop(), threading.get_ident()


async def _awaited(func: Callable[..., Awaitable[T]], *args: Any) -> T:
    return await func(*args)


class Numbers:
    """Blocking ``client.numbers``: each method runs its async twin on the portal."""

    def __init__(self, call: _Call, numbers: AsyncNumbers) -> None:
        self._call = call
        self._numbers = numbers

    def get(self, id: int) -> VirtualNumber:
        """See ``AsyncNumbers.get``."""
        return self._call(self._numbers.get, id)

    def list(
        self, filter: Filter | str | None = None, **where: Any
    ) -> builtins.list[VirtualNumber]:
        """See ``AsyncNumbers.list``."""
        return self._call(lambda: self._numbers.list(filter, **where))

    def list_outbound(self) -> builtins.list[VirtualNumber]:
        """See ``AsyncNumbers.list_outbound``."""
        return self._call(self._numbers.list_outbound)

    def get_many(
        self,
        ids: Iterable[int],
        *,
        concurrency: int = 16,
        return_exceptions: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> builtins.list[Any]:
        """See ``AsyncNumbers.get_many``; ``on_progress`` runs on the client's thread."""
        return self._call(
            lambda: self._numbers.get_many(
                ids,
                concurrency=concurrency,
                return_exceptions=return_exceptions,
                on_progress=on_progress,
            )
        )

    def update(
        self,
        id: int,
        *,
        comment: str | NotGiven | None = NOT_GIVEN,
        purpose: Purpose | str | NotGiven = NOT_GIVEN,
        employee_id: int | NotGiven = NOT_GIVEN,
        login: str | NotGiven = NOT_GIVEN,
        password: str | NotGiven = NOT_GIVEN,
        server_host: str | NotGiven = NOT_GIVEN,
        server_port: int | NotGiven = NOT_GIVEN,
    ) -> VirtualNumber:
        """See ``AsyncNumbers.update``."""
        return self._call(
            lambda: self._numbers.update(
                id,
                comment=comment,
                purpose=purpose,
                employee_id=employee_id,
                login=login,
                password=password,
                server_host=server_host,
                server_port=server_port,
            )
        )

    def add_sip_registration(
        self,
        *,
        number: str,
        login: str,
        password: str,
        server_host: str,
        server_port: int,
        comment: str | None = None,
    ) -> VirtualNumber:
        """See ``AsyncNumbers.add_sip_registration``."""
        return self._call(
            lambda: self._numbers.add_sip_registration(
                number=number,
                login=login,
                password=password,
                server_host=server_host,
                server_port=server_port,
                comment=comment,
            )
        )

    def add_mobile(
        self,
        *,
        number: str,
        dgn_number: str,
        purpose: Purpose | str,
        comment: str | None = None,
    ) -> VirtualNumber:
        """See ``AsyncNumbers.add_mobile``."""
        return self._call(
            lambda: self._numbers.add_mobile(
                number=number, dgn_number=dgn_number, purpose=purpose, comment=comment
            )
        )

    def delete(self, id: int) -> None:
        """See ``AsyncNumbers.delete``."""
        self._call(self._numbers.delete, id)

    def iter(
        self, filter: Filter | str | None = None, *, page_size: int | None = None, **where: Any
    ) -> Iterator[VirtualNumber]:
        """A lazy blocking iterator: one portal hop per page, not per number."""
        pages = self._numbers.pages(filter, page_size=page_size, **where)
        return _blocking_items(self._call, pages)


def _blocking_items(call: _Call, pages: PageIterator[VirtualNumber]) -> Iterator[VirtualNumber]:
    try:
        while True:
            try:
                page = call(pages.__anext__)
            except StopAsyncIteration:
                return
            yield from page
    finally:
        pages.stop()


class Client:
    """The blocking client: same arguments and methods as AsyncClient.

    Safe to use from many threads at once and from inside a running event loop
    (a notebook). Close it, or use ``with Client() as client:``.
    """

    _finalizer: weakref.finalize[..., Any]

    def __init__(self, token: str | None = None, **options: Any) -> None:
        async_client = AsyncClient(token, **options)  # validates before a thread starts
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

    def _call(self, func: Callable[..., Awaitable[T]], *args: Any) -> T:
        """Run ``func(*args)`` on the portal's loop and wait for its result.

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
        future = asyncio.run_coroutine_threadsafe(_awaited(func, *args), self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # e.g. Ctrl-C while waiting: stop the request too
            raise

    @property
    def base_url(self) -> str:
        return self._async.base_url

    def with_options(self, **options: Any) -> Self:
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
