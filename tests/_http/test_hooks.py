"""Hooks and aiohttp trace configs (OpenTelemetry): what each attempt shows them."""

from __future__ import annotations

import asyncio

import pytest

from virtnum import AsyncClient, RequestEvent, ResponseEvent
from virtnum.testing import FakeServer

from .._support import TOKEN


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
