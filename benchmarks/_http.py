"""Scenarios 1, 2, 3 and 5: one number by id, sequentially, concurrently, in bulk, and
from the blocking client. Each round's requests are cut into interleaved blocks."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp

from benchmarks._baseline import gather_limited, raw_get, sequential
from benchmarks._measure import (
    Context,
    Row,
    Timer,
    alternate,
    cpu_row,
    in_loop,
    log,
    plain,
    split,
    throughput_row,
    time_row,
)
from virtnum import AsyncClient, Client

__all__ = ["concurrent_gets", "get_sequential", "sync_vs_async"]

_WARMUP = 200
Get = Callable[[int], Awaitable[Any]]


def _ids(count: int) -> list[int]:
    return list(range(1, count + 1))


@contextmanager
def _sides(ctx: Context) -> Iterator[tuple[asyncio.Runner, AsyncClient, Get]]:
    """One loop for the scenario, the SDK's client, and the baseline's get on its own
    session (aiohttp's defaults: 100 connections, as the SDK's), both warmed up."""
    with asyncio.Runner() as runner:
        client = AsyncClient(ctx.token, base_url=ctx.url)
        session = runner.run(_session())
        try:
            base = functools.partial(raw_get, session, ctx.url, ctx.token)
            runner.run(_warm_up(client.numbers.get, base))
            yield runner, client, base
        finally:
            runner.run(client.close())
            runner.run(session.close())


async def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


async def _warm_up(sdk: Get, base: Get) -> None:
    """Open connections, fill caches, and check both sides fetch the same records."""
    ids = _ids(_WARMUP)
    models = await gather_limited(sdk, ids, 16)
    dicts = await gather_limited(base, ids, 16)
    assert [m.id for m in models] == [d["id"] for d in dicts] == ids


def get_sequential(ctx: Context) -> list[Row]:
    """1. ``await client.numbers.get(id)`` one after the other vs ``session.get`` + ``json``."""
    n, blocks = ctx.sizes.get_sequential, ctx.sizes.blocks
    chunks = split(_ids(n), blocks)
    with _sides(ctx) as (runner, client, base):
        log(f"  {ctx.rounds} rounds of {n:,} requests per side, in {blocks} blocks")
        samples = alternate(
            ctx.rounds,
            {
                "sdk": in_loop(runner, lambda b: sequential(client.numbers.get, chunks[b])),
                "base": in_loop(runner, lambda b: sequential(base, chunks[b])),
            },
            blocks=blocks,
        )
    return [
        throughput_row(
            "1",
            f"`get` sequential, {n:,} requests vs aiohttp `resp.json()`",
            n,
            samples["sdk"],
            samples["base"],
            at_least=0.95,
        ),
        cpu_row("1", "client CPU per request (this process): `get` vs aiohttp", n, samples, "sdk"),
    ]


def concurrent_gets(ctx: Context, *, gather: bool = True, get_many: bool = True) -> list[Row]:
    """2. ``get`` under gather + Semaphore, and 3. ``get_many(ids, concurrency=...)``, each
    vs gather + Semaphore around raw aiohttp: one baseline, interleaved with both."""
    n, limit, blocks = ctx.sizes.get_concurrent, ctx.sizes.concurrency, ctx.sizes.blocks
    chunks = split(_ids(n), blocks)
    with _sides(ctx) as (runner, client, base):
        contenders: dict[str, Timer] = {}
        if gather:
            contenders["gather"] = in_loop(
                runner, lambda b: gather_limited(client.numbers.get, chunks[b], limit)
            )
        if get_many:
            contenders["get_many"] = in_loop(
                runner, lambda b: client.numbers.get_many(chunks[b], concurrency=limit)
            )
        contenders["base"] = in_loop(runner, lambda b: gather_limited(base, chunks[b], limit))
        log(
            f"  {ctx.rounds} rounds of {n:,} requests per side at concurrency {limit}, "
            f"in {blocks} blocks ({', '.join(contenders)})"
        )
        samples = alternate(ctx.rounds, contenders, blocks=blocks)
    rows = []
    if gather:
        rows.append(
            throughput_row(
                "2",
                f"`get` at concurrency {limit}, {n:,} requests vs aiohttp gather + Semaphore",
                n,
                samples["gather"],
                samples["base"],
                at_least=0.95,
            )
        )
        rows.append(cpu_row("2", "client CPU per request: `get` vs aiohttp", n, samples, "gather"))
    if get_many:
        rows.append(
            throughput_row(
                "3",
                f"`get_many({n:,} ids, concurrency={limit})` vs aiohttp gather + Semaphore",
                n,
                samples["get_many"],
                samples["base"],
                at_least=0.95,
            )
        )
        rows.append(
            cpu_row("3", "client CPU per request: `get_many` vs aiohttp", n, samples, "get_many")
        )
    return rows


def sync_vs_async(ctx: Context) -> list[Row]:
    """5. Blocking ``Client.get`` one after the other vs ``AsyncClient.get`` the same way."""
    n, blocks = ctx.sizes.sync_calls, ctx.sizes.blocks
    chunks = split(_ids(n), blocks)
    with (
        asyncio.Runner() as runner,
        Client(ctx.token, base_url=ctx.url) as sync_client,
    ):
        async_client = AsyncClient(ctx.token, base_url=ctx.url)
        try:
            warm = _ids(_WARMUP)
            assert [m.id for m in map(sync_client.numbers.get, warm)] == warm
            assert [m.id for m in runner.run(sequential(async_client.numbers.get, warm))] == warm
            log(f"  {ctx.rounds} rounds of {n:,} calls per side, in {blocks} blocks")
            samples = alternate(
                ctx.rounds,
                {
                    "sync": plain(lambda b: [sync_client.numbers.get(id) for id in chunks[b]]),
                    "async": in_loop(
                        runner, lambda b: sequential(async_client.numbers.get, chunks[b])
                    ),
                },
                blocks=blocks,
            )
        finally:
            runner.run(async_client.close())
    return [
        time_row(
            "5",
            f"sync `Client.get` vs `AsyncClient.get`, {n:,} sequential (time per call)",
            samples["sync"],
            samples["async"],
            at_most=1.2,
            per=n,
        )
    ]
