"""``deadline=``: one bound for the whole call, attempts, pauses and waits included.

Elapsed times are checked against bounds many times the deadline (a stall of 10 s, a
Retry-After of 30 s), so a slow machine cannot make them fail; they prove that the
call did not wait for what it must not wait for.
"""

from __future__ import annotations

import math
import time
from typing import Any

import pytest

from virtnum import (
    APITimeoutError,
    AsyncClient,
    Client,
    InternalServerError,
    InvalidArgumentTypeError,
)
from virtnum.testing import FakeServer

from .._support import TOKEN

STALL = 10.0


async def test_a_stalled_server_fails_at_the_deadline(server: FakeServer) -> None:
    server.faults.delay(STALL)
    async with AsyncClient(TOKEN, base_url=server.url, timeout=30, deadline=0.3) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as info:
            await client.numbers.get(1)
    assert time.monotonic() - started < STALL / 2
    assert "deadline of 0.3s" in str(info.value)
    assert "1 attempt" in str(info.value)


async def test_the_deadline_names_every_attempt_made(server: FakeServer) -> None:
    server.faults.fail(503, count=1)
    server.faults.delay(STALL)
    async with AsyncClient(TOKEN, base_url=server.url, deadline=2.0) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.numbers.get(1)
    assert info.value.attempts == 2
    assert "deadline of 2s" in str(info.value)
    assert "after 2 attempts" in str(info.value)


async def test_a_retry_after_past_the_deadline_is_not_waited_for(server: FakeServer) -> None:
    server.faults.fail(503, retry_after=30, count=5)
    async with AsyncClient(TOKEN, base_url=server.url, deadline=1.0) as client:
        started = time.monotonic()
        with pytest.raises(InternalServerError) as info:
            await client.numbers.get(1)
    assert time.monotonic() - started < 15
    assert info.value.attempts == 1
    assert len(server.requests) == 1


async def test_backoff_pauses_stop_before_the_deadline(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.faults.fail(503)
    async with AsyncClient(TOKEN, base_url=server.url, max_retries=50, deadline=1.0) as client:
        with pytest.raises(InternalServerError):
            await client.numbers.get(1)
    # the recorded pauses are not slept, so each one is refused only once its end would
    # pass the deadline: backoff caps at 8 s, so far fewer than 50 retries fit
    assert 0 < len(sleeps) < 50
    assert max(sleeps) < 1.0


async def test_with_options_sets_a_deadline_for_the_copy_only(server: FakeServer) -> None:
    server.faults.delay(STALL, count=1)
    async with AsyncClient(TOKEN, base_url=server.url, timeout=30) as client:
        with pytest.raises(APITimeoutError):
            await client.with_options(deadline=0.3).numbers.get(1)
        assert client._transport.config.deadline is None
        assert (await client.numbers.get(2)).id == 2


def test_the_blocking_client_has_the_deadline_too(threaded_server: FakeServer) -> None:
    threaded_server.faults.delay(STALL, count=1)
    with Client(TOKEN, base_url=threaded_server.url, deadline=0.3) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.numbers.get(1)
        assert time.monotonic() - started < STALL / 2
        assert client.with_options(deadline=None).numbers.get(2).id == 2


async def test_get_many_applies_the_deadline_to_each_id(server: FakeServer) -> None:
    server.faults.delay(0.15, count=6)
    async with AsyncClient(TOKEN, base_url=server.url, deadline=0.6) as client:
        numbers = await client.numbers.get_many(range(1, 7), concurrency=1)
    assert [n.id for n in numbers] == [1, 2, 3, 4, 5, 6]  # 0.9 s in all, 0.15 s each


BAD_DEADLINES: list[tuple[Any, type[Exception]]] = [
    (0, ValueError),
    (-1.0, ValueError),
    (math.nan, ValueError),
    (math.inf, ValueError),
    (True, InvalidArgumentTypeError),
    ("2", InvalidArgumentTypeError),
]


@pytest.mark.parametrize(("value", "error"), BAD_DEADLINES)
async def test_a_bad_deadline_is_refused_at_construction(
    value: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="deadline"):
        AsyncClient(TOKEN, base_url="http://127.0.0.1:9", deadline=value)
    with pytest.raises(error, match="deadline"):
        Client(TOKEN, base_url="http://127.0.0.1:9", deadline=value)
    async with AsyncClient(TOKEN, base_url="http://127.0.0.1:9") as client:
        with pytest.raises(error, match="deadline"):
            client.with_options(deadline=value)
