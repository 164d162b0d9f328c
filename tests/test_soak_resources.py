"""No file descriptor or thread is left behind, whichever way the clients are used.

Each way runs four phases; after each later phase the counts must come back to those
after the first (the first may open what is then reused: a session, a connection).
The server runs in this process too, so its side of a closed connection may take a
moment to close: the counts are given up to two seconds to settle.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from virtnum import AsyncClient, Client
from virtnum.testing import FakeServer

from ._support import TOKEN

PHASE = 150
IDS = [i % 50 + 1 for i in range(PHASE)]


def _counts() -> tuple[int, int]:
    gc.collect()
    return len(os.listdir("/proc/self/fd")), threading.active_count()


def _settled(first: tuple[int, int]) -> tuple[int, int]:
    """The counts once they are back to ``first`` (or as they are after two seconds)."""
    deadline = time.monotonic() + 2.0
    counts = _counts()
    while (counts[0] > first[0] or counts[1] > first[1]) and time.monotonic() < deadline:
        time.sleep(0.05)
        counts = _counts()
    return counts


def _grows(work: Callable[[], None]) -> list[tuple[int, int]] | None:
    """The counts of the phases, if a later one did not come back to the first's."""
    work()
    first = _settled((0, 0))
    seen = [first]
    for _ in range(3):
        work()
        seen.append(_settled(first))
    grew = any(fds > first[0] or threads > first[1] for fds, threads in seen)
    return seen if grew else None


def _async_ways(url: str) -> dict[str, Callable[[], None]]:
    client = AsyncClient(TOKEN, base_url=url)

    async def get_many() -> None:
        await client.numbers.get_many(IDS, concurrency=16)

    async def copies() -> None:
        for i in IDS[:50]:
            await client.with_options(max_retries=1).numbers.get(i)

    async def few() -> None:
        await client.numbers.get(1)

    def repeated_runs() -> None:
        for _ in range(20):
            asyncio.run(few())

    return {
        "get_many": lambda: asyncio.run(get_many()),
        "with_options per call": lambda: asyncio.run(copies()),
        "repeated asyncio.run": repeated_runs,
    }


def _blocking_ways(url: str, shared: Client) -> dict[str, Callable[[], None]]:
    def eight_threads() -> None:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(shared.numbers.get, IDS))

    def copies() -> None:
        for i in IDS[:50]:
            shared.with_options(max_retries=1).numbers.get(i)

    def new_clients() -> None:
        for i in IDS[:20]:
            with Client(TOKEN, base_url=url) as client:
                client.numbers.get(i)

    return {
        "a Client from 8 threads": eight_threads,
        "blocking with_options per call": copies,
        "a new Client per call": new_clients,
    }


@pytest.mark.soak
def test_no_descriptor_or_thread_grows(threaded_server: FakeServer) -> None:
    url = threaded_server.url
    with Client(TOKEN, base_url=url) as shared:
        ways = {**_async_ways(url), **_blocking_ways(url, shared)}
        grew = {name: seen for name, work in ways.items() if (seen := _grows(work))}
    assert grew == {}
