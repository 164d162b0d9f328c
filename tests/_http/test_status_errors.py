"""A non-2xx answer as its typed error: the class for its status, the request's details, a
redacted request id, a bounded body, Retry-After (aioresponses, no network)."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from virtnum import (
    APIError,
    APIStatusError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    VirtnumError,
)

from ._calls import (
    BASE,
    LIST_PATTERN,
    NUMBER_1,
    NUMBERS,
    PAYLOAD,
    TOKEN,
    calls,
    get_error,
    get_or_list,
    url_of,
)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (409, APIStatusError),
        (422, APIStatusError),
        (302, APIStatusError),
        (418, APIStatusError),
    ],
)
@pytest.mark.parametrize("call", ["get", "list"])
async def test_status_maps_to_error_class(
    mocked_client: AsyncClient, status: int, error_class: type[APIStatusError], call: str
) -> None:
    with aioresponses() as m:
        m.get(url_of(call), status=status, body="nope")
        with pytest.raises(APIStatusError) as info:
            await get_or_list(mocked_client, call, state="active")
    error = info.value
    assert type(error) is error_class
    assert isinstance(error, APIError)
    assert isinstance(error, VirtnumError)
    assert error.status == status
    assert error.method == "GET"
    assert error.attempts == 1
    assert str(status) in str(error)
    assert len(calls(m)) == 1


async def test_403_message_mentions_allow_list(mocked_client: AsyncClient) -> None:
    error = await get_error(mocked_client, PermissionDeniedError, status=403, body="Forbidden")
    assert "allow-list" in str(error)


async def test_error_carries_request_details(mocked_client: AsyncClient) -> None:
    with aioresponses() as m:
        m.get(
            NUMBER_1,
            status=404,
            body='{"detail": "no such number"}',
            headers={"X-Request-Id": "req-42"},
        )
        with pytest.raises(NotFoundError) as info:
            await mocked_client.numbers.get(1)
    error = info.value
    assert error.status == 404
    assert error.method == "GET"
    assert error.url == NUMBER_1
    assert error.body == '{"detail": "no such number"}'
    assert error.request_id == "req-42"
    assert "/numbers/virtual-number/1" in str(error)


async def test_a_request_id_echoing_the_token_is_redacted(mocked_client: AsyncClient) -> None:
    error = await get_error(
        mocked_client,
        InternalServerError,
        status=500,
        body="boom",
        headers={"X-Request-Id": f"id-{TOKEN}-x"},
    )
    assert error.request_id == "id-[redacted]-x"
    assert TOKEN not in repr(error) + str(error) + str(vars(error))


async def test_hooks_and_raw_responses_see_the_redacted_request_id() -> None:
    events: list[Any] = []
    echoed = {"X-Request-Id": f"id-{TOKEN}-x"}
    async with AsyncClient(TOKEN, base_url=BASE, max_retries=1, on_response=events.append) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, status=503, body="busy", headers={"X-Request-Id": "first"})
            m.get(NUMBER_1, payload=PAYLOAD, headers=echoed)
            m.get(NUMBER_1, payload=PAYLOAD, headers=echoed)
            m.get(NUMBER_1, payload=PAYLOAD)
            assert (await api.numbers.get(1)).id == 1
            raw = await api.with_raw_response.numbers.get(1)
            bare = await api.with_raw_response.numbers.get(1)
    assert [(e.status, e.request_id) for e in events] == [
        (503, "first"),
        (200, "id-[redacted]-x"),
        (200, "id-[redacted]-x"),
        (200, None),
    ]
    assert raw.request_id == "id-[redacted]-x"
    assert bare.request_id is None


async def test_request_id_is_none_without_header(mocked_client: AsyncClient) -> None:
    error = await get_error(mocked_client, InternalServerError, status=500, body="boom")
    assert error.request_id is None
    assert error.body == "boom"


async def test_error_url_has_no_query_string(mocked_client: AsyncClient) -> None:
    with aioresponses() as m:
        m.get(LIST_PATTERN, status=400, body="bad")
        with pytest.raises(BadRequestError) as info:
            await mocked_client.numbers.list(state="active")
    assert info.value.url == NUMBERS
    assert "state=active" not in str(info.value)


@pytest.mark.parametrize("body", ["x" * 100_000, "я" * 50_000, "€" * 10_000])
async def test_huge_body_is_truncated(mocked_client: AsyncClient, body: str) -> None:
    error = await get_error(mocked_client, InternalServerError, status=500, body=body)
    assert 0 < len(error.body) <= 500
    assert body.startswith(error.body.rstrip("\ufffd"))
    assert len(str(error)) < 1000


async def test_rate_limit_parses_retry_after(mocked_client: AsyncClient) -> None:
    error = await get_error(
        mocked_client, RateLimitError, status=429, body="slow down", headers={"Retry-After": "7"}
    )
    assert error.retry_after == 7.0


async def test_rate_limit_without_retry_after(mocked_client: AsyncClient) -> None:
    error = await get_error(mocked_client, RateLimitError, status=429, body="slow down")
    assert error.retry_after is None
