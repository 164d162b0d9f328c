"""The request loop through AsyncClient, with aiohttp mocked by aioresponses (no network):
a success's model, and retries (their pauses, their count, their log lines)."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aioresponses import aioresponses

from virtnum import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    InternalServerError,
    RateLimitError,
    VirtualNumber,
)

from ._calls import BASE, LIST_PATTERN, NUMBER_1, PAYLOAD, TOKEN, calls, only_call

# ---------------------------------------------------------------- success paths


async def test_get_returns_a_model(mocked_client: AsyncClient) -> None:
    with aioresponses() as m:
        m.get(NUMBER_1, payload=PAYLOAD)
        number = await mocked_client.numbers.get(1)
    assert isinstance(number, VirtualNumber)
    assert number.id == 1
    assert number.number == "79200000001"
    assert [(method, str(url)) for method, url, _ in calls(m)] == [("GET", NUMBER_1)]


async def test_list_returns_models(mocked_client: AsyncClient) -> None:
    with aioresponses() as m:
        m.get(LIST_PATTERN, payload=[PAYLOAD, {**PAYLOAD, "id": 2}])
        numbers = await mocked_client.numbers.list()
    assert [n.id for n in numbers] == [1, 2]
    assert only_call(m).kwargs["params"] is None


# ---------------------------------------------------------------- retries


async def test_retries_503_then_succeeds(sleeps: list[float]) -> None:
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=2) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, status=503, body="busy")
            m.get(NUMBER_1, status=503, body="busy")
            m.get(NUMBER_1, payload=PAYLOAD)
            number = await api.numbers.get(1)
    assert number.id == 1
    assert len(calls(m)) == 3
    assert len(sleeps) == 2
    assert 0.25 <= sleeps[0] < 0.5
    assert 0.5 <= sleeps[1] < 1.0


async def test_retries_exhausted_reports_attempts(sleeps: list[float]) -> None:
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=2) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, status=503, body="busy", repeat=True)
            with pytest.raises(InternalServerError) as info:
                await api.numbers.get(1)
    assert info.value.attempts == 3
    assert "after 3 attempts" in str(info.value)
    assert len(calls(m)) == 3
    assert len(sleeps) == 2


async def test_connection_error_is_retried(sleeps: list[float]) -> None:
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=1) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, exception=aiohttp.ServerDisconnectedError())
            m.get(NUMBER_1, payload=PAYLOAD)
            number = await api.numbers.get(1)
    assert number.id == 1
    assert len(sleeps) == 1


async def test_timeouts_exhausted(sleeps: list[float]) -> None:
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=2) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, exception=TimeoutError(), repeat=True)
            with pytest.raises(APITimeoutError) as info:
                await api.numbers.get(1)
    assert info.value.attempts == 3
    assert info.value.__context__ is None
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_not_retried(sleeps: list[float], status: int) -> None:
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=3) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, status=status, body="no", repeat=True)
            with pytest.raises(APIStatusError) as info:
                await api.numbers.get(1)
    assert info.value.status == status
    assert info.value.attempts == 1
    assert len(calls(m)) == 1
    assert sleeps == []


async def test_max_retries_zero_makes_one_attempt(
    mocked_client: AsyncClient, sleeps: list[float]
) -> None:
    with aioresponses() as m:
        m.get(NUMBER_1, status=503, body="busy", repeat=True)
        with pytest.raises(InternalServerError) as info:
            await mocked_client.numbers.get(1)
    assert info.value.attempts == 1
    assert len(calls(m)) == 1
    assert sleeps == []


async def test_retry_after_is_used_as_delay(sleeps: list[float]) -> None:
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=2) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, status=429, body="slow", headers={"Retry-After": "2"})
            m.get(NUMBER_1, status=429, body="slow", headers={"Retry-After": "60"})
            m.get(NUMBER_1, payload=PAYLOAD)
            number = await api.numbers.get(1)
    assert number.id == 1
    assert sleeps == [2.0, 60.0]


async def test_retry_after_over_cap_raises_at_once(sleeps: list[float]) -> None:
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=2) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, status=429, body="slow", headers={"Retry-After": "120"}, repeat=True)
            with pytest.raises(RateLimitError) as info:
                await api.numbers.get(1)
    assert info.value.retry_after == 120.0
    assert info.value.attempts == 1
    assert len(calls(m)) == 1
    assert sleeps == []


async def test_retry_after_cap_is_configurable(sleeps: list[float]) -> None:
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=1, retry_after_cap=300) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, status=429, body="slow", headers={"Retry-After": "120"})
            m.get(NUMBER_1, payload=PAYLOAD)
            assert (await api.numbers.get(1)).id == 1
    assert sleeps == [120.0]


async def test_many_retries_end_in_api_error(sleeps: list[float]) -> None:
    """Past attempt 1024 the backoff power overflows (virtnum/_http/retry.py backoff_delay):
    the caller must still get an APIConnectionError, not an OverflowError."""
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=1100) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, exception=aiohttp.ServerDisconnectedError(), repeat=True)
            with pytest.raises(APIConnectionError) as info:
                await api.numbers.get(1)
    assert info.value.attempts == 1101
    assert len(sleeps) == 1100
    assert max(sleeps) < 8.0


async def test_retries_are_logged_at_info_without_query(
    sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="virtnum")
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=2) as api:
        with aioresponses() as m:
            m.get(LIST_PATTERN, status=503, body="busy")
            m.get(LIST_PATTERN, exception=aiohttp.ServerDisconnectedError())
            m.get(LIST_PATTERN, payload=[])
            assert await api.numbers.list(type=["def", "abc"], state="active") == []
    info = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(info) == 2
    assert all(r.name == "virtnum" for r in info)
    first, second = (r.getMessage() for r in info)
    for message in (first, second):
        assert "GET" in message
        assert "/numbers/virtual-number" in message
        assert "?" not in message
        assert "state" not in message
        assert "active" not in message
        assert "type=" not in message
        assert "abc" not in message
    assert "503" in first
    assert "attempt 1" in first
    assert "APIConnectionError" in second
    assert "attempt 2" in second
    assert len(sleeps) == 2


async def test_no_info_log_without_retry(
    mocked_client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="virtnum")
    with aioresponses() as m:
        m.get(NUMBER_1, status=503, body="busy")
        with pytest.raises(InternalServerError):
            await mocked_client.numbers.get(1)
    assert [r for r in caplog.records if r.levelno >= logging.INFO] == []
