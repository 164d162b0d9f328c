"""The token never shows: not in errors, reprs or log records, even when the server echoes
it, nor cut in half by a body's truncation (aioresponses, no network)."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aioresponses import aioresponses

from virtnum import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    VirtnumError,
)

from ._calls import (
    BASE,
    LIST_PATTERN,
    NUMBER_1,
    PAYLOAD,
    TOKEN,
    assert_no_token,
    calls,
    get_error,
)


async def test_token_never_in_errors_repr_or_logs(
    sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="virtnum")
    errors: list[BaseException] = []
    api = AsyncClient(TOKEN, base_url=BASE, max_retries=1)
    try:
        assert_no_token(repr(api), str(api), repr(api.with_options(max_retries=3)))
        with aioresponses() as m:
            m.get(NUMBER_1, status=400, body=f"bad token {TOKEN} given")
            m.get(NUMBER_1, status=401, body=f"who is {TOKEN}?")
            m.get(NUMBER_1, status=403, body=TOKEN)
            m.get(NUMBER_1, status=503, body=f"busy {TOKEN}", repeat=2)
            m.get(NUMBER_1, status=200, body=f"<html>{TOKEN}</html>")
            m.get(NUMBER_1, exception=aiohttp.ClientConnectionError(f"x {TOKEN}"), repeat=2)
            m.get(NUMBER_1, exception=TimeoutError(TOKEN), repeat=2)
            m.get(NUMBER_1, status=500, body=TOKEN * 100, repeat=2)
            m.get(LIST_PATTERN, status=429, body=TOKEN, headers={"Retry-After": "999"})
            m.get(NUMBER_1, payload=PAYLOAD)
            for _ in range(8):
                with pytest.raises(VirtnumError) as info:
                    await api.numbers.get(1)
                errors.append(info.value)
            with pytest.raises(RateLimitError) as info:
                await api.numbers.list(state="active")
            errors.append(info.value)
            assert (await api.numbers.get(1)).id == 1
        # the token really was sent
        assert all(c.kwargs["headers"]["Authorization"] == TOKEN for _, _, c in calls(m))
    finally:
        await api.close()
    assert [type(e) for e in errors] == [
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        InternalServerError,
        ResponseValidationError,
        APIConnectionError,
        APITimeoutError,
        InternalServerError,
        RateLimitError,
    ]
    for error in errors:
        assert_no_token(str(error), repr(error), error.args, vars(error))
        assert error.__cause__ is None
        assert error.__context__ is None
    assert errors[0].body == "bad token [redacted] given"  # type: ignore[attr-defined]
    assert_no_token(repr(api))
    assert caplog.records, "expected DEBUG records"
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    for record in caplog.records:
        assert_no_token(record.getMessage(), record.msg, record.args, record.exc_text)


async def test_echoed_token_is_replaced_in_body(mocked_client: AsyncClient) -> None:
    error = await get_error(
        mocked_client, BadRequestError, status=400, body=f'{{"error": "invalid token {TOKEN}"}}'
    )
    assert TOKEN not in error.body
    assert "[redacted]" in error.body
    assert error.body.startswith('{"error": "invalid token ')
    assert_no_token(str(error), repr(error))


async def test_token_straddling_body_truncation_is_not_leaked(mocked_client: AsyncClient) -> None:
    """The body is cut to 500 characters before the token is cut out, so a token that
    straddles character 500 leaves its first part in ``.body``."""
    body = "x" * 490 + TOKEN + "y" * 100
    error = await get_error(mocked_client, BadRequestError, status=400, body=body)
    assert len(error.body) <= 500
    assert TOKEN[:10] not in error.body  # "tok-SECRET"


async def test_transport_repr_hides_token(mocked_client: AsyncClient) -> None:
    assert_no_token(
        repr(mocked_client), repr(mocked_client._transport), repr(mocked_client._transport.config)
    )
