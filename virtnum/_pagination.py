"""Paging through a list endpoint: ``_page``/``_limit`` until a short, empty or repeated page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

__all__ = ["PageIterator"]

T = TypeVar("T")
Query = list[tuple[str, str]]


class PageIterator(Generic[T]):
    """Async iterator over pages (lists of models) of one listing.

    Without ``page_size`` it makes one request. With it, it asks for ``_page=1, 2, ...``
    and stops after a page shorter than ``page_size``, an empty page, a page longer
    than asked for (the server ignores paging), or a page repeating the previous one
    (which it drops), so a server that ignores paging costs at most one extra request.
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
        self._previous_ids: list[Any] | None = None
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
        ids = _page_ids(page)
        if not page or ids == self._previous_ids:
            self._done = True
            raise StopAsyncIteration
        self._previous_ids = ids
        if len(page) != self._page_size:
            self._done = True
        return page

    def stop(self) -> None:
        """Stop paging; no further requests are made."""
        self._done = True

    async def aclose(self) -> None:
        """Async spelling of ``stop``, for ``contextlib.aclosing``."""
        self.stop()


def _page_ids(page: list[Any]) -> list[Any]:
    """What identifies a page's content cheaply: its records' ids in order."""
    return [getattr(item, "id", item) for item in page]
