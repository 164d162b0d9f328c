"""Pages of a listing as a plain iterator: each page is fetched on the command's event
loop when the renderer asks for the next record, so output starts with the first page
and memory holds one page (plus what the format must keep) at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator
from typing import TYPE_CHECKING, TypeVar

from virtnum.cli.settings import Settings

if TYPE_CHECKING:
    from virtnum import AsyncClient

__all__ = ["stream"]

T = TypeVar("T")


async def _next_page(pages: AsyncIterator[list[T]]) -> list[T] | None:
    try:
        return await anext(pages)
    except StopAsyncIteration:
        return None


def stream(
    settings: Settings, pages: Callable[[AsyncClient], AsyncIterator[list[T]]]
) -> Generator[T, None, None]:
    """The items of ``pages(client)``, page by page, with a client closed at the end
    (also when the consumer stops early or fails)."""

    async def open_client() -> AsyncClient:
        return await settings.client().__aenter__()

    import asyncio

    with asyncio.Runner() as runner:
        client = runner.run(open_client())
        try:
            source = pages(client)
            while (page := runner.run(_next_page(source))) is not None:
                yield from page
                del page  # the page's models can go once written
        finally:
            runner.run(client.close())
