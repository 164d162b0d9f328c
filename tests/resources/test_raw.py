"""Raw responses: status, headers and request id beside the parsed result."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from virtnum import (
    AsyncClient,
    Client,
    NotFoundError,
    RawResponse,
    ResponseValidationError,
    VirtualNumber,
)
from virtnum.testing import FakeServer

from .._support import TOKEN


async def test_raw_responses_carry_metadata_and_parse_like_the_plain_call(
    server: FakeServer,
) -> None:
    server.faults.fail(503, count=1)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        raw = await client.with_raw_response.numbers.get(7)
        assert isinstance(raw, RawResponse)
        assert (raw.status, raw.attempts) == (200, 2)
        assert raw.elapsed > 0
        assert raw.headers["Content-Type"].startswith("application/json")
        with pytest.raises(TypeError):
            raw.headers["X"] = "y"  # type: ignore[index]
        assert raw.parse() == await client.numbers.get(7)
        listed = await client.with_raw_response.numbers.list(state="active")
        assert listed.parse() == await client.numbers.list(state="active")
        deletable = next(i for i, r in server.numbers.items() if r["type"] != "abc")
        assert (await client.with_raw_response.numbers.delete(deletable)).parse() is None
        with pytest.raises(NotFoundError):
            await client.with_raw_response.numbers.get(deletable)
        server.numbers[8]["id"] = "eight"
        bad = await client.with_raw_response.numbers.get(8)
        assert b'"eight"' in bad.content
        with pytest.raises(ResponseValidationError):
            bad.parse()


def test_raw_responses_on_the_blocking_client(sync_client: Client) -> None:
    raw = sync_client.with_raw_response.numbers.get(3)
    assert raw.status == 200
    number = raw.parse()
    assert isinstance(number, VirtualNumber)
    assert number == sync_client.numbers.get(3)


async def test_raw_headers_are_case_insensitive_and_keep_repeats() -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        response = web.json_response({"id": 1})
        response.headers["X-Request-ID"] = "req-42"
        response.headers.add("Warning", "one")
        response.headers.add("Warning", "two")
        return response

    app = web.Application()
    app.router.add_get("/numbers/virtual-number/1", answer)
    async with TestServer(app, host="127.0.0.1") as http:
        base = str(http.make_url("")).rstrip("/")
        async with AsyncClient(TOKEN, base_url=base) as client:
            raw = await client.with_raw_response.numbers.get(1)
    assert raw.headers.get("X-Request-Id") == "req-42"
    assert raw.headers["x-request-id"] == "req-42"
    assert raw.headers.getall("warning") == ["one", "two"]
    assert raw.request_id == "req-42"
