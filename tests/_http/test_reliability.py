"""Faults against a real server on loopback: soak, redirects, cancellation, Retry-After."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from virtnum import (
    APIStatusError,
    AsyncClient,
    Client,
    NotFoundError,
    ResponseValidationError,
    VirtualNumber,
)
from virtnum._decode.structure import structure_one
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

from .._support import TOKEN

SOAK_NUMBERS = 2_000


class RetryCounter(logging.Handler):
    """Counts the INFO records the transport writes for each retry."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("retrying"):
            self.retries += 1


@pytest.fixture
def retry_counter() -> Iterator[RetryCounter]:
    counter = RetryCounter()
    logger = logging.getLogger("virtnum")
    previous = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


def inject_soak_faults(server: FakeServer) -> None:
    """10 % 5xx, 5 % resets, 2 % slow responses, of all requests (rules apply in order)."""
    server.faults.fail(503, fraction=0.10)
    server.faults.reset(fraction=0.05 / 0.90)
    server.faults.delay(0.05, fraction=0.02 / 0.85)


def report(label: str, requests: int, server: FakeServer, counter: RetryCounter, lost: int) -> None:
    print(
        f"\nsoak[{label}]: requests={requests} served={server.requests_served} "
        f"injected={dict(server.faults.injected)} retries={counter.retries} lost={lost}"
    )


@pytest.mark.soak
async def test_soak_async_10000_requests_lose_nothing(retry_counter: RetryCounter) -> None:
    async with FakeServer(SOAK_NUMBERS, token=TOKEN, record_requests=False, seed=11) as server:
        inject_soak_faults(server)
        want = {i: structure_one(r, VirtualNumber) for i, r in server.numbers.items()}
        ids = list(server.numbers)
        async with AsyncClient(TOKEN, base_url=server.url, max_retries=12) as client:
            got: list[VirtualNumber] = []
            for _ in range(4):  # 8,000 through get_many
                got += await client.numbers.get_many(ids, concurrency=64)
            limit = asyncio.Semaphore(64)

            async def one(number_id: int) -> VirtualNumber:
                async with limit:
                    return await client.numbers.get(number_id)

            got += await asyncio.gather(*(one(i) for i in ids))  # 2,000 single gets
        lost = sum(a != want[i] for a, i in zip(got, ids * 5, strict=True))
        report("async", len(got), server, retry_counter, lost)
        assert [n.id for n in got] == ids * 5
        assert lost == 0
        assert server.faults.injected["fail"] > 500
        assert server.faults.injected["reset"] > 200
        assert server.faults.injected["delay"] > 50
        assert retry_counter.retries >= server.faults.injected["fail"]


@pytest.mark.soak
def test_soak_sync_client_from_8_threads(retry_counter: RetryCounter) -> None:
    server = FakeServer(500, token=TOKEN, record_requests=False, seed=12)
    with serving_in_thread(server):
        inject_soak_faults(server)
        ids = list(server.numbers) * 2
        with (
            Client(TOKEN, base_url=server.url, max_retries=12) as client,
            ThreadPoolExecutor(8) as pool,
        ):
            got = list(pool.map(client.numbers.get, ids))
    want = {i: structure_one(r, VirtualNumber) for i, r in server.numbers.items()}
    lost = sum(n != want[i] for n, i in zip(got, ids, strict=True))
    report("sync-8-threads", len(got), server, retry_counter, lost)
    assert [n.id for n in got] == ids
    assert lost == 0
    assert server.faults.injected["fail"] > 50


@pytest.mark.soak
def test_soak_overload_server_and_rate_limit_lose_nothing(
    retry_counter: RetryCounter,
) -> None:
    """3,000 gets through an overloaded server (429 above 8 in flight) with the usual
    faults, from one client with a rate limit, on two event loops in two threads."""
    server = FakeServer(1000, token=TOKEN, record_requests=False, seed=13, max_in_flight=8)
    with serving_in_thread(server):
        inject_soak_faults(server)
        server.faults.delay(0.002)  # every other answer takes a moment: requests overlap
        want = {i: structure_one(r, VirtualNumber) for i, r in server.numbers.items()}
        ids = list(server.numbers)
        client = AsyncClient(TOKEN, base_url=server.url, max_retries=12, rate_limit=2000)

        def run_in_own_loop(chunk: list[int]) -> list[VirtualNumber]:
            return asyncio.run(client.numbers.get_many(chunk, concurrency=64))

        with ThreadPoolExecutor(2) as pool:
            halves = list(pool.map(run_in_own_loop, [ids * 2, ids]))
        asyncio.run(client.close())
    got = halves[0] + halves[1]
    lost = sum(n != want[i] for n, i in zip(got, ids * 3, strict=True))
    report("overload+rate-limit", len(got), server, retry_counter, lost)
    print(f"soak[overload+rate-limit]: refused_overload={server.refused_overload}")
    assert [n.id for n in got] == ids * 3
    assert lost == 0
    assert server.refused_overload > 0
    assert server.peak_in_flight <= 8 + 64  # bounded: the client backed off


async def test_same_origin_redirects_are_followed_when_allowed(server: FakeServer) -> None:
    server.faults.redirect(server.url + "/numbers/virtual-number/1?moved=yes", count=1)
    async with AsyncClient(TOKEN, base_url=server.url, follow_redirects=True) as client:
        number = await client.numbers.get(1)
    assert number.id == 1
    assert server.requests[-1].query == (("moved", "yes"),)
    assert server.requests[-1].headers["Authorization"] == TOKEN


async def test_a_redirect_to_another_numbers_record_is_refused(server: FakeServer) -> None:
    """Followed, but the id asked for is the id returned (issue 14): number 2 is not 1."""
    server.faults.redirect(server.url + "/numbers/virtual-number/2", count=1)
    async with AsyncClient(TOKEN, base_url=server.url, follow_redirects=True) as client:
        with pytest.raises(ResponseValidationError) as info:
            await client.numbers.get(1)
    assert info.value.errors == (("$.id", "expected 1, got another id"),)
    assert server.requests[-1].path == "/numbers/virtual-number/2"


async def test_the_token_never_reaches_another_origin(server: FakeServer) -> None:
    async with FakeServer(5, token=TOKEN) as other:
        assert other.url != server.url  # another port: another origin
        server.faults.redirect(other.url + "/numbers/virtual-number/1", count=1)
        async with AsyncClient(TOKEN, base_url=server.url, follow_redirects=True) as client:
            with pytest.raises(APIStatusError) as info:
                await client.numbers.get(1)
        assert info.value.status == 302
        assert other.requests == []


async def test_retry_after_is_honoured_then_succeeds(server: FakeServer) -> None:
    server.faults.fail(429, count=2, retry_after="0")
    async with AsyncClient(TOKEN, base_url=server.url, max_retries=2) as client:
        assert (await client.numbers.get(3)).id == 3
    assert len(server.requests) == 3


def other_tasks() -> set[asyncio.Task[object]]:
    return {t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()}


async def test_cancelling_a_caller_leaves_nothing_behind(server: FakeServer) -> None:
    server.faults.delay(5.0, count=1)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        task = asyncio.create_task(client.numbers.get(1))
        for _ in range(500):  # up to 5 s for the request to reach the server
            if server.in_flight:
                break
            await asyncio.sleep(0.01)
        assert server.in_flight == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        connector = client._transport.session.connector  # type: ignore[union-attr]
        assert connector is not None
        assert len(connector._acquired) == 0
        assert (await client.numbers.get(2)).id == 2  # the client still works
    assert not {t for t in other_tasks() if "virtnum" in repr(t.get_coro())}


async def test_get_many_cancels_in_flight_requests_on_failure(server: FakeServer) -> None:
    server.faults.delay(5.0, count=7)  # the first seven requests hang
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        with pytest.raises(NotFoundError):
            await client.numbers.get_many([1, 2, 3, 4, 5, 6, 7, 999], concurrency=8)
        connector = client._transport.session.connector  # type: ignore[union-attr]
        assert connector is not None
        assert len(connector._acquired) == 0  # the hanging seven were abandoned
        assert server.in_flight == 7  # ...while the server was still sitting on them
    assert not {t for t in other_tasks() if "virtnum" in repr(t.get_coro())}


async def test_get_many_with_return_exceptions_cancels_nothing(server: FakeServer) -> None:
    server.faults.delay(0.05, count=3)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        results = await client.numbers.get_many([1, 2, 999, 3], return_exceptions=True)
    assert [type(r).__name__ for r in results] == [
        "VirtualNumber",
        "VirtualNumber",
        "NotFoundError",
        "VirtualNumber",
    ]
