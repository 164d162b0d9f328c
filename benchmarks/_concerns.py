"""Scenario 8: optional concerns cost nothing when off. ``AsyncClient.get`` sequential
with one concern on, beside a client with every concern off (each row's baseline), all
interleaved block by block in one loop; each client has its own session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from benchmarks._baseline import sequential
from benchmarks._http import WARMUP, ids
from benchmarks._measure import Context, Row, Timer, alternate, in_loop, log, split, time_row
from virtnum import AsyncClient, VirtualNumber

__all__ = ["concerns"]


def _no_op(event: object) -> None:
    """A hook that does nothing."""


async def _no_op_trace(*_: Any) -> None:
    """A trace callback that does nothing."""


def _trace_config() -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_no_op_trace)
    trace.on_request_end.append(_no_op_trace)
    return trace


def _clients(ctx: Context) -> dict[str, AsyncClient]:
    """The all-off client and one client per concern turned on."""
    token, url = ctx.token, ctx.url
    return {
        "off": AsyncClient(token, base_url=url),
        "rate_limit": AsyncClient(token, base_url=url, rate_limit=1e9),
        "hooks": AsyncClient(token, base_url=url, on_request=_no_op, on_response=_no_op),
        "trace": AsyncClient(token, base_url=url, trace_configs=[_trace_config()]),
        "raw": AsyncClient(token, base_url=url),
        "request_id": AsyncClient(token, base_url=url),
    }


def _getters(clients: dict[str, AsyncClient]) -> dict[str, Callable[[int], Awaitable[Any]]]:
    async def raw(id: int) -> VirtualNumber:
        response = await clients["raw"].with_raw_response.numbers.get(id)
        return response.parse()

    async def request_id(id: int) -> VirtualNumber:
        response = await clients["request_id"].with_raw_response.numbers.get(id)
        response.request_id  # noqa: B018 - reading it is the measure
        return response.parse()

    getters: dict[str, Callable[[int], Awaitable[Any]]] = {
        name: client.numbers.get for name, client in clients.items()
    }
    return {**getters, "raw": raw, "request_id": request_id}


_LABELS = {
    "rate_limit": "`rate_limit=1e9` (on, never waits)",
    "hooks": "no-op `on_request` + `on_response` hooks",
    "trace": "a no-op `aiohttp.TraceConfig` (request start/end) in `trace_configs`",
    "raw": "`with_raw_response.numbers.get` (raw-response metadata), then `.parse()`",
    "request_id": "the same, reading `raw.request_id` too",
}


def _timer(
    runner: asyncio.Runner, get: Callable[[int], Awaitable[Any]], chunks: list[list[int]]
) -> Timer:
    return in_loop(runner, lambda b: sequential(get, chunks[b]))


async def _request_id_sent(client: AsyncClient) -> bool:
    response = await client.with_raw_response.numbers.get(1)
    return response.request_id is not None


def concerns(ctx: Context) -> list[Row]:
    """8. ``get`` sequential with each optional concern on vs all off."""
    n, blocks = ctx.sizes.concern_calls, ctx.sizes.blocks
    chunks = split(ids(n), blocks)
    with asyncio.Runner() as runner:
        clients = _clients(ctx)
        try:
            getters = _getters(clients)
            warm = ids(WARMUP)
            for get in getters.values():
                assert [m.id for m in runner.run(sequential(get, warm))] == warm
            sent = runner.run(_request_id_sent(clients["request_id"]))
            log(f"  {ctx.rounds} rounds of {n:,} calls per side, in {blocks} blocks")
            timers = {name: _timer(runner, get, chunks) for name, get in getters.items()}
            samples = alternate(ctx.rounds, timers, blocks=blocks)
        finally:
            for client in clients.values():
                runner.run(client.close())
    labels = {**_LABELS}
    labels["request_id"] += " (the server sends one)" if sent else " (the server sends none)"
    return [
        time_row(
            "8",
            f"`get` sequential, {n:,} calls (time per call): {label} vs every concern off",
            samples[name],
            samples["off"],
            at_most=None,
            per=n,
        )
        for name, label in labels.items()
    ]
