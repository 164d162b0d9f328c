"""The item iterator of ``numbers.iter``: the event loop it belongs to."""

from __future__ import annotations

import asyncio

import pytest

from virtnum import AsyncClient, VirtnumError
from virtnum.testing import FakeServer

from .._support import TOKEN


def test_iterator_resumed_under_a_later_event_loop_raises_instead_of_stopping(
    threaded_server: FakeServer,
) -> None:
    client = AsyncClient(TOKEN, base_url=threaded_server.url)
    numbers = client.numbers.iter(page_size=10)

    async def first() -> int:
        return (await anext(numbers)).id

    async def second() -> int:
        return (await anext(numbers)).id

    assert asyncio.run(first()) == 1
    with pytest.raises(VirtnumError, match="finished event loop"):
        asyncio.run(second())
    asyncio.run(client.close())


async def test_iterator_yields_every_number_across_pages(client: AsyncClient) -> None:
    ids = [number.id async for number in client.numbers.iter(page_size=7)]
    assert ids == list(range(1, 51))
