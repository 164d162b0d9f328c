"""Overload adaptation: fewer requests in flight after a 429 without Retry-After."""

from __future__ import annotations

import asyncio

import pytest

from virtnum import AsyncClient, RateLimitError
from virtnum._http.overload import AdaptiveLimit
from virtnum.testing import FakeServer

from .._support import TOKEN


async def test_get_many_against_a_server_that_takes_eight_at_once() -> None:
    """The issue's case: 800 ids at concurrency 64, 429 (no Retry-After) above 8 in flight."""
    async with FakeServer(800, token=TOKEN, max_in_flight=8, record_requests=False) as server:
        server.faults.delay(0.002)
        async with AsyncClient(TOKEN, base_url=server.url) as client:
            numbers = await client.numbers.get_many(range(1, 801), concurrency=64)
    assert [n.id for n in numbers] == list(range(1, 801))  # nothing lost, nothing doubled
    refused = server.refused_overload / server.requests_served
    assert refused < 0.14, f"{server.refused_overload} of {server.requests_served} refused"


async def test_a_server_that_always_refuses_still_ends_in_rate_limit_error() -> None:
    async with (
        FakeServer(3, token=TOKEN, max_in_flight=0) as server,
        AsyncClient(TOKEN, base_url=server.url) as client,
    ):
        with pytest.raises(RateLimitError) as info:
            await client.numbers.get(1)
    # the overload retries (8) do not use up the two ordinary ones, and they are bounded
    assert info.value.attempts == server.requests_served == 1 + 8 + 2


async def test_no_retries_means_one_attempt_even_when_overloaded() -> None:
    async with (
        FakeServer(3, token=TOKEN, max_in_flight=0) as server,
        AsyncClient(TOKEN, base_url=server.url, max_retries=0) as client,
    ):
        with pytest.raises(RateLimitError):
            await client.numbers.get(1)
    assert server.requests_served == 1


async def test_the_limit_halves_once_per_window_and_grows_back() -> None:
    limit = AdaptiveLimit(64)
    slots = [await limit.acquire() for _ in range(40)]
    for slot in slots[:30]:  # 30 refusals from requests sent in the same window
        limit.release(slot, overloaded=True)
    # halved once (not 30 times), then no higher than the 10 of the 40 that got through
    assert limit.limit == 10.0
    for slot in slots[30:]:
        limit.release(slot, succeeded=True)
    assert 10.0 < limit.limit < 11.0  # about one more per window of successes
    assert limit.in_flight == 0


async def test_until_a_first_overload_admission_is_free() -> None:
    limit = AdaptiveLimit(2)
    slots = [limit.try_acquire() for _ in range(5)]  # the connection pool bounds these
    assert all(slot is not None for slot in slots)
    assert not limit.engaged
    for slot in slots:
        assert slot is not None
        limit.release(slot, succeeded=True)
    assert not limit.engaged


async def test_waiters_are_admitted_as_slots_free_up() -> None:
    limit = AdaptiveLimit(2)
    probe = await limit.acquire()
    limit.release(probe, overloaded=True)  # engaged, and down to one at a time
    assert (limit.engaged, limit.limit) == (True, 1.0)
    first = await limit.acquire()
    second = asyncio.ensure_future(limit.acquire())
    await asyncio.sleep(0)
    assert not second.done()
    limit.release(first)
    await asyncio.wait_for(second, 1)
    cancelled = asyncio.ensure_future(limit.acquire())
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    limit.release(second.result())
    assert limit.in_flight == 0  # the cancelled waiter holds nothing
