"""client.numbers through the async client against a real FakeServer on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from virtnum import (
    AsyncClient,
    Filter,
    NotFoundError,
    NumberType,
    Purpose,
    ResponseValidationError,
    State,
    VirtualNumber,
)
from virtnum._decode.structure import structure_one
from virtnum.testing import FakeServer

from .._support import TOKEN


def expected(server: FakeServer, number_id: int) -> VirtualNumber:
    return structure_one(server.numbers[number_id], VirtualNumber)


async def test_get_returns_the_servers_record(client: AsyncClient, server: FakeServer) -> None:
    number = await client.numbers.get(7)
    assert number == expected(server, 7)
    assert number.number == server.numbers[7]["number"]


async def test_get_unknown_id_raises_not_found(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.numbers.get(10_000)
    assert info.value.status == 404
    assert info.value.url.endswith("/numbers/virtual-number/10000")


async def test_list_returns_everything_in_order(client: AsyncClient, server: FakeServer) -> None:
    numbers = await client.numbers.list()
    assert [n.id for n in numbers] == list(server.numbers)
    assert numbers[3] == expected(server, numbers[3].id)


async def test_list_filters_with_where(client: AsyncClient, server: FakeServer) -> None:
    numbers = await client.numbers.list(type=["def", "abc"], state=State.ACTIVE)
    want = [
        r["id"]
        for r in server.numbers.values()
        if r["type"] in ("def", "abc") and r["state"] == "active"
    ]
    assert want, "the synthetic data should contain matches"
    assert [n.id for n in numbers] == want
    assert server.requests[-1].query == (("state", "active"), ("type", "def"), ("type", "abc"))


async def test_list_outbound_sends_the_seed_query(client: AsyncClient, server: FakeServer) -> None:
    numbers = await client.numbers.list_outbound()
    sent = server.requests[-1]
    assert sent.path == "/numbers/virtual-number"
    assert "&".join(f"{k}={v}" for k, v in sent.query) == (
        "purpose__ne=not_specified&state=active&type=def&type=abc"
    )
    assert numbers
    for number in numbers:
        assert number.purpose != Purpose.NOT_SPECIFIED
        assert number.state == State.ACTIVE
        assert number.type in (NumberType.DEF, NumberType.ABC)


async def test_list_accepts_a_filter_and_a_query_string(client: AsyncClient) -> None:
    by_filter = await client.numbers.list(Filter(type="def").order_by("-number"))
    by_string = await client.numbers.list("type=def&_sort=number&_order=desc")
    assert by_filter == by_string
    assert [n.number for n in by_filter] == sorted((n.number for n in by_filter), reverse=True)


async def test_list_rejects_bad_filters_before_sending(
    client: AsyncClient, server: FakeServer
) -> None:
    before = len(server.requests)
    with pytest.raises(ValueError, match="tpye"):
        await client.numbers.list(tpye="def")
    with pytest.raises(ValueError, match="None"):
        await client.numbers.list(state=None)
    with pytest.raises(ValueError, match=r"'comment': .* UTF-8"):
        await client.numbers.list(comment="caf\udce9")
    with pytest.raises(ValueError, match=r"'comment': .* UTF-8"):
        await client.numbers.list("comment=caf\udce9")
    assert len(server.requests) == before


async def test_iter_without_page_size_makes_one_request(
    client: AsyncClient, server: FakeServer
) -> None:
    before = len(server.requests)
    ids = [n.id async for n in client.numbers.iter(state="active")]
    assert ids == [r["id"] for r in server.numbers.values() if r["state"] == "active"]
    assert len(server.requests) == before + 1


async def test_iter_pages_until_a_short_page(client: AsyncClient, server: FakeServer) -> None:
    ids = [n.id async for n in client.numbers.iter(page_size=8)]
    assert ids == list(server.numbers)
    pages = [dict(r.query) for r in server.requests if "_page" in dict(r.query)]
    assert [p["_page"] for p in pages] == ["1", "2", "3", "4", "5", "6", "7"]
    assert {p["_limit"] for p in pages} == {"8"}


async def test_iter_stops_on_an_empty_page(client: AsyncClient, server: FakeServer) -> None:
    ids = [n.id async for n in client.numbers.iter(page_size=10)]  # 50 = 5 full pages
    assert ids == list(server.numbers)
    assert dict(server.requests[-1].query)["_page"] == "6"


async def test_iter_yields_before_the_listing_ends(client: AsyncClient, server: FakeServer) -> None:
    iterator = client.numbers.iter(page_size=5)
    first = await anext(iterator)
    assert first.id == 1
    assert sum("_page" in dict(r.query) for r in server.requests) == 1
    await iterator.aclose()  # type: ignore[attr-defined]


class IgnoresPaging(FakeServer):
    """A server that answers every list request with the whole list."""

    async def _list(self, request: Any) -> Any:
        from aiohttp import web

        return web.json_response(list(self.numbers.values()))


@pytest.mark.parametrize("count", [3, 8, 20])
async def test_a_server_ignoring_paging_causes_no_loop_or_duplicates(count: int) -> None:
    async with (
        IgnoresPaging(count, token=TOKEN) as server,
        AsyncClient(TOKEN, base_url=server.url) as client,
    ):
        ids = [n.id async for n in client.numbers.iter(page_size=8)]
        assert ids == list(range(1, count + 1))
        assert len(server.requests) <= 2


async def test_a_bad_record_in_a_page_keeps_the_good_ones(server: FakeServer) -> None:
    server.numbers[4]["id"] = "four"
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        with pytest.raises(ResponseValidationError) as info:
            await client.numbers.list()
    assert ("$[3].id", "expected integer, got string") in info.value.errors
    assert len(info.value.partial) == 49
    assert all(isinstance(n, VirtualNumber) for n in info.value.partial)


async def test_get_many_keeps_order_and_content(client: AsyncClient, server: FakeServer) -> None:
    ids = [9, 3, 50, 1, 3]
    numbers = await client.numbers.get_many(ids, concurrency=2)
    assert numbers == [expected(server, i) for i in ids]


async def test_get_many_respects_concurrency(client: AsyncClient, server: FakeServer) -> None:
    server.faults.delay(0.005)
    numbers = await client.numbers.get_many(range(1, 41), concurrency=4)
    assert [n.id for n in numbers] == list(range(1, 41))
    assert server.peak_in_flight == 4


async def test_get_many_raises_the_first_failure(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.numbers.get_many([1, 2, 999, 3], concurrency=1)
    assert info.value.url.endswith("/999")


async def test_get_many_return_exceptions_puts_errors_in_place(client: AsyncClient) -> None:
    results = await client.numbers.get_many([1, 999, 2], return_exceptions=True)
    assert isinstance(results[0], VirtualNumber)
    assert isinstance(results[1], NotFoundError)
    assert results[2].id == 2


async def test_get_many_of_nothing_sends_nothing(client: AsyncClient, server: FakeServer) -> None:
    before = len(server.requests)
    assert await client.numbers.get_many([]) == []
    assert len(server.requests) == before


async def test_requests_carry_the_documented_headers(
    client: AsyncClient, server: FakeServer
) -> None:
    await client.numbers.get(1)
    headers = server.requests[-1].headers
    assert headers["Authorization"] == TOKEN
    assert headers["Content-Type"] == "application/json; charset=UTF-8"
    assert headers["User-Agent"].startswith("virtnum/")


async def test_a_callers_session_is_used_and_left_open(server: FakeServer) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        client = AsyncClient(TOKEN, base_url=server.url, session=session)
        assert (await client.numbers.get(2)).id == 2
        await client.close()
        assert not session.closed
