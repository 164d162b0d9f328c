"""Paging through a list endpoint: ``_page``/``_limit`` until a short page or one with
nothing new."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

from virtnum._errors import VirtnumError

__all__ = ["ItemIterator", "PageIterator"]

T = TypeVar("T")
Query = list[tuple[str, str]]


class PageIterator(Generic[T]):
    """Async iterator over pages (lists of models) of one listing.

    Without ``page_size`` it makes one request. With it, it asks for ``_page=1, 2, ...``
    and stops after a page shorter than ``page_size``, an empty page, a page longer
    than asked for (the server ignores paging), or a page that brings no id it has not
    yielded yet (the server ignores ``_page``): each id is yielded at most once and
    paging always ends. What it cannot do is find records a server that reorders rows
    between pages never sends: that needs a server that pages in a stable order.
    """

    def __init__(
        self,
        fetch: Callable[[Query], Awaitable[Any]],
        structure: Callable[[Any], list[T]],
        query: Query,
        page_size: int | None,
    ) -> None:
        self._fetch = fetch
        self._structure = structure
        self._query = query
        self._page_size = page_size
        self._page = 0
        self._seen: set[Any] = set()
        self._done = False

    def __aiter__(self) -> PageIterator[T]:
        return self

    async def __anext__(self) -> list[T]:
        if self._done:
            raise StopAsyncIteration
        if self._page_size is None:
            self._done = True
            return self._structure(await self._fetch(self._query))
        self._page += 1
        paging = [("_page", str(self._page)), ("_limit", str(self._page_size))]
        page = self._structure(await self._fetch(self._query + paging))
        if len(page) != self._page_size:
            self._done = True
        new = []
        for item in page:
            key = _id(item)
            if key not in self._seen:
                self._seen.add(key)
                new.append(item)
        if not new:
            self._done = True
            raise StopAsyncIteration
        return new

    def stop(self) -> None:
        """Stop paging; no further requests are made."""
        self._done = True

    async def aclose(self) -> None:
        """Async spelling of ``stop``, for ``contextlib.aclosing``."""
        self.stop()


class ItemIterator(Generic[T]):
    """Async iterator over the items of a ``PageIterator``, one page fetched at a time.

    It belongs to the event loop it began in: resumed under a later ``asyncio.run``
    after that loop finished, it raises instead of stopping as if the listing ended.
    """

    def __init__(self, pages: PageIterator[T]) -> None:
        self._pages = pages
        self._page: Iterator[T] = iter(())
        self._loop: asyncio.AbstractEventLoop | None = None

    def __aiter__(self) -> ItemIterator[T]:
        return self

    async def __anext__(self) -> T:
        self._check_loop()
        for item in self._page:
            return item
        async for page in self._pages:
            self._page = iter(page)
            for item in self._page:
                return item
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Stop paging; no further requests are made (for ``contextlib.aclosing``)."""
        self._pages.stop()

    def _check_loop(self) -> None:
        loop = asyncio.get_running_loop()
        began = self._loop
        if began is None:
            self._loop = loop
        elif began is not loop and (began.is_closed() or not began.is_running()):
            raise VirtnumError(
                "this iterator belongs to a finished event loop; "
                "call numbers.iter() again in the running one"
            )


def _id(item: Any) -> Any:
    """What identifies a record: its id."""
    return getattr(item, "id", item)
