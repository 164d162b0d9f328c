"""Hooks, aiohttp trace configs (OpenTelemetry) and raw responses."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from virtnum import (
    AsyncClient,
    Client,
    NotFoundError,
    RawResponse,
    RequestEvent,
    ResponseEvent,
    ResponseValidationError,
    VirtualNumber,
)
from virtnum.testing import FakeServer

from ._support import TOKEN


async def test_hooks_see_every_attempt_sync_and_async(server: FakeServer) -> None:
    requests: list[RequestEvent] = []
    responses: list[ResponseEvent] = []

    async def on_response(event: ResponseEvent) -> None:
        await asyncio.sleep(0)
        responses.append(event)

    server.faults.fail(503, count=1)
    async with AsyncClient(
        TOKEN, base_url=server.url, on_request=requests.append, on_response=[on_response]
    ) as client:
        await client.numbers.get(3)
        await client.numbers.list(state="active")
    assert [(e.method, e.path, e.attempt) for e in requests] == [
        ("GET", "/numbers/virtual-number/3", 1),
        ("GET", "/numbers/virtual-number/3", 2),
        ("GET", "/numbers/virtual-number", 1),
    ]
    assert [(e.status, e.error) for e in responses] == [
        (503, "InternalServerError"),
        (200, None),
        (200, None),
    ]
    assert all(e.elapsed >= 0 for e in responses)
    assert all(TOKEN not in repr(e) for e in requests + responses)
    assert all("?" not in e.path for e in requests)


async def test_a_raising_hook_never_breaks_the_call(
    server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: object) -> None:
        raise RuntimeError("hook bug")

    async with AsyncClient(TOKEN, base_url=server.url, on_request=broken) as client:
        assert (await client.numbers.get(1)).id == 1
    assert any("hook" in r.getMessage() for r in caplog.records)


def test_bad_hooks_and_trace_configs_are_refused() -> None:
    with pytest.raises(TypeError, match="on_request"):
        AsyncClient(TOKEN, base_url="https://example.invalid", on_request="print")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="trace_configs"):
        AsyncClient(TOKEN, base_url="https://example.invalid", trace_configs=[object()])  # type: ignore[list-item]


async def test_opentelemetry_sees_one_client_span_per_attempt(server: FakeServer) -> None:
    from opentelemetry.instrumentation.aiohttp_client import create_trace_config
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace_config = create_trace_config(tracer_provider=provider)
    server.faults.fail(503, count=1)
    async with AsyncClient(TOKEN, base_url=server.url, trace_configs=[trace_config]) as client:
        await client.numbers.get(2)  # retried once: two spans
        await client.numbers.get_many([4, 5, 6], concurrency=2)
    spans = exporter.get_finished_spans()
    statuses = [
        span.attributes.get("http.response.status_code", span.attributes.get("http.status_code"))
        for span in spans
    ]
    assert statuses == [503, 200, 200, 200, 200]
    assert all(span.kind.name == "CLIENT" for span in spans)


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
