"""Scenarios 1, 2 and 3: one number by id, sequentially, concurrently and in bulk. Each
round's requests are cut into interleaved blocks."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp

from benchmarks._baseline import gather_limited, raw_get, raw_read, sequential, worker_pool
from benchmarks._measure import (
    Context,
    Row,
    Samples,
    Timer,
    alternate,
    cpu_row,
    in_loop,
    log,
    split,
    throughput_row,
)
from virtnum import AsyncClient

__all__ = ["WARMUP", "concurrent_gets", "get_sequential", "ids", "session"]

WARMUP = 200
Get = Callable[[int], Awaitable[Any]]


def ids(count: int) -> list[int]:
    return list(range(1, count + 1))


@contextmanager
def _sides(ctx: Context) -> Iterator[tuple[asyncio.Runner, AsyncClient, aiohttp.ClientSession]]:
    """One loop for the scenario, the SDK's client, and the baseline's own session
    (aiohttp's defaults: 100 connections, as the SDK's), both warmed up."""
    with asyncio.Runner() as runner:
        client = AsyncClient(ctx.token, base_url=ctx.url)
        plain_session = runner.run(session())
        try:
            base = functools.partial(raw_get, plain_session, ctx.url, ctx.token)
            runner.run(_warm_up(client.numbers.get, base))
            yield runner, client, plain_session
        finally:
            runner.run(client.close())
            runner.run(plain_session.close())


async def session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


async def _warm_up(sdk: Get, base: Get) -> None:
    """Open connections, fill caches, and check both sides fetch the same records."""
    wanted = ids(WARMUP)
    models = await gather_limited(sdk, wanted, 16)
    dicts = await gather_limited(base, wanted, 16)
    assert [m.id for m in models] == [d["id"] for d in dicts] == wanted


def get_sequential(ctx: Context) -> list[Row]:
    """1. ``await client.numbers.get(id)`` one after the other vs ``session.get`` + ``json``."""
    n, blocks = ctx.sizes.get_sequential, ctx.sizes.blocks
    chunks = split(ids(n), blocks)
    with _sides(ctx) as (runner, client, plain_session):
        base = functools.partial(raw_get, plain_session, ctx.url, ctx.token)
        log(f"  {ctx.rounds} rounds of {n:,} requests per side, in {blocks} blocks")
        samples = alternate(
            ctx.rounds,
            {
                "sdk": in_loop(runner, lambda b: sequential(client.numbers.get, chunks[b])),
                "base": in_loop(runner, lambda b: sequential(base, chunks[b])),
            },
            blocks=blocks,
        )
    return _against_base(
        ("1", "sdk", n, samples),
        f"`get` sequential, {n:,} requests vs aiohttp `resp.json()`",
        "client CPU per request (this process): `get` vs aiohttp",
        at_least=1.0,
    )


def concurrent_gets(ctx: Context, *, gather: bool = True, get_many: bool = True) -> list[Row]:
    """2. ``get`` under gather + Semaphore, and 3. ``get_many(ids, concurrency=...)``, each
    vs gather + Semaphore around raw aiohttp: one baseline, interleaved with both; with 3,
    also ``resp.read()`` alone and the ideal worker pool."""
    n, limit, blocks = ctx.sizes.get_concurrent, ctx.sizes.concurrency, ctx.sizes.blocks
    chunks = split(ids(n), blocks)
    with _sides(ctx) as (runner, client, plain_session):
        base = functools.partial(raw_get, plain_session, ctx.url, ctx.token)
        contenders: dict[str, Timer] = {}
        if gather:
            contenders["gather"] = in_loop(
                runner, lambda b: gather_limited(client.numbers.get, chunks[b], limit)
            )
        if get_many:
            read = functools.partial(raw_read, plain_session, ctx.url, ctx.token)
            ideal = functools.partial(worker_pool, plain_session, ctx.url, ctx.token)
            runner.run(_check_ideal(client, ideal, limit))
            contenders["get_many"] = in_loop(
                runner, lambda b: client.numbers.get_many(chunks[b], concurrency=limit)
            )
            contenders["read"] = in_loop(runner, lambda b: gather_limited(read, chunks[b], limit))
            contenders["ideal"] = in_loop(runner, lambda b: ideal(chunks[b], limit))
        contenders["base"] = in_loop(runner, lambda b: gather_limited(base, chunks[b], limit))
        log(
            f"  {ctx.rounds} rounds of {n:,} requests per side at concurrency {limit}, "
            f"in {blocks} blocks ({', '.join(contenders)})"
        )
        samples = alternate(ctx.rounds, contenders, blocks=blocks)
    rows = _gather_rows(n, limit, samples) if gather else []
    return rows + (_get_many_rows(n, limit, samples) if get_many else [])


async def _check_ideal(client: AsyncClient, ideal: Callable[..., Any], limit: int) -> None:
    """The ideal pool decodes the same models as the SDK (``extra`` empty on both)."""
    wanted = ids(WARMUP)
    assert await ideal(wanted, limit) == await client.numbers.get_many(wanted)


def _against_base(
    of: tuple[str, str, int, Samples], measure: str, cpu_measure: str, *, at_least: float
) -> list[Row]:
    """Scenario ``of[0]``'s side ``of[1]`` against ``"base"`` over ``of[2]`` requests: its
    throughput row, then its CPU row."""
    scenario, side, n, samples = of
    return [
        throughput_row(scenario, measure, n, samples[side], samples["base"], at_least=at_least),
        cpu_row(scenario, cpu_measure, n, samples, side),
    ]


def _gather_rows(n: int, limit: int, samples: Samples) -> list[Row]:
    return _against_base(
        ("2", "gather", n, samples),
        f"`get` at concurrency {limit}, {n:,} requests vs aiohttp gather + Semaphore",
        "client CPU per request: `get` vs aiohttp",
        at_least=0.95,
    )


def _get_many_rows(n: int, limit: int, samples: Samples) -> list[Row]:
    many = f"`get_many({n:,} ids, concurrency={limit})`"
    raw = f"aiohttp gather + Semaphore({limit})"
    return [
        throughput_row(
            "3",
            f"{many} vs {raw} + `resp.json()`",
            n,
            samples["get_many"],
            samples["base"],
            at_least=1.05,
        ),
        throughput_row(
            "3",
            f"{many} vs {raw} + `resp.read()` only (no decoding)",
            n,
            samples["get_many"],
            samples["read"],
            at_least=0.95,
        ),
        throughput_row(
            "3",
            f"reference, the limit: {limit} worker tasks sharing one id iterator, `resp.read()` "
            f"+ `msgspec.json.Decoder(VirtualNumber)`, vs {raw} + `resp.json()`",
            n,
            samples["ideal"],
            samples["base"],
            at_least=None,
        ),
        cpu_row("3", "client CPU per request: `get_many` vs aiohttp", n, samples, "get_many"),
    ]
