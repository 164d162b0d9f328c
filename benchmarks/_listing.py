"""Scenarios 4 and 6: the whole listing at once (``list``) and a page at a time (``iter``).

Retained sizes come from tracemalloc in this process; peaks from the RSS high-water mark
of a fresh process (see ``_rss.py`` for why not tracemalloc's peak)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import orjson

from benchmarks._baseline import decode_structs, raw_bytes, raw_list
from benchmarks._measure import (
    Context,
    Row,
    alternate,
    in_loop,
    info_row,
    log,
    memory_row,
    plain,
    time_row,
    traced,
)
from benchmarks._rss import PeakRSS, peak_rss
from virtnum import AsyncClient, VirtualNumber
from virtnum._convert import structure_list

__all__ = ["iter_pages", "list_all"]


@contextmanager
def _clients(
    ctx: Context, *trace: aiohttp.TraceConfig
) -> Iterator[tuple[asyncio.Runner, AsyncClient, aiohttp.ClientSession]]:
    """A loop, the SDK client and a plain session; with ``trace`` the client uses a traced
    session of the caller's (to count its requests)."""
    with asyncio.Runner() as runner:
        session = runner.run(_session())
        traced_session = runner.run(_session(*trace)) if trace else None
        client = AsyncClient(ctx.token, base_url=ctx.url, session=traced_session)
        try:
            yield runner, client, session
        finally:
            runner.run(client.close())
            runner.run(session.close())
            if traced_session is not None:
                runner.run(traced_session.close())


async def _session(*trace: aiohttp.TraceConfig) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(trace_configs=list(trace) or None)


def list_all(ctx: Context) -> list[Row]:
    """4. ``list()`` of every number vs aiohttp + ``resp.json()``; memory; decoding alone."""
    n = ctx.sizes.listing
    with _clients(ctx) as (runner, client, session):
        base = functools.partial(raw_list, session, ctx.url, ctx.token)
        models, dicts = runner.run(client.numbers.list()), runner.run(base())
        assert len(models) == len(dicts) == n
        assert models[-1].id == dicts[-1]["id"]
        del models, dicts
        log(f"  list: {ctx.rounds} rounds of list() of {n:,} per side")
        wall = alternate(
            ctx.rounds,
            {
                "sdk": in_loop(runner, lambda _: client.numbers.list()),
                "base": in_loop(runner, lambda _: base()),
            },
        )
        log("  list: memory (tracemalloc)")
        sdk_mem = traced(lambda: runner.run(client.numbers.list()))
        base_mem = traced(lambda: runner.run(base()))
        raw = runner.run(raw_bytes(session, ctx.url, ctx.token))
    log(f"  list: decoding {len(raw) / 1e6:.0f} MB alone, {ctx.rounds} rounds")
    decode = alternate(
        ctx.rounds,
        {
            "sdk": plain(lambda _: structure_list(orjson.loads(raw), VirtualNumber)),
            "orjson": plain(lambda _: orjson.loads(raw)),
            "msgspec": plain(lambda _: decode_structs(raw)),
        },
    )
    struct_mem = traced(lambda: decode_structs(raw))
    log("  list: peak RSS, each side in a fresh process")
    sdk_rss, base_rss = _peak(ctx, "list"), _peak(ctx, "raw-list")
    return [
        time_row(
            "4",
            f"`list()` of {n:,}: wall time vs aiohttp + `resp.json()` to dicts",
            wall["sdk"],
            wall["base"],
            at_most=1.3,
        ),
        memory_row(
            "4",
            "retained size of the result: list of models vs list of dicts",
            sdk_mem.retained,
            base_mem.retained,
            at_most=0.65,
            records=n,
        ),
        memory_row(
            "4",
            "peak RSS growth (fresh process): `list()` vs aiohttp + `resp.json()`",
            sdk_rss.peak,
            base_rss.peak,
            at_most=None,
        ),
        memory_row(
            "4",
            "tracemalloc peak (counts orjson's reserved parse buffer): `list()` vs "
            "aiohttp + `resp.json()`",
            sdk_mem.peak,
            base_mem.peak,
            at_most=None,
        ),
        time_row(
            "4",
            f"decode+structure alone ({len(raw) / 1e6:.0f} MB): orjson + `structure_list` vs "
            "`orjson.loads` to dicts",
            decode["sdk"],
            decode["orjson"],
            at_most=None,
        ),
        time_row(
            "4",
            "decode+structure alone: orjson + `structure_list` vs msgspec frozen Structs",
            decode["sdk"],
            decode["msgspec"],
            at_most=None,
        ),
        memory_row(
            "4",
            "retained size: list of models vs list of msgspec frozen Structs",
            sdk_mem.retained,
            struct_mem.retained,
            at_most=None,
            records=n,
        ),
    ]


async def _first(client: AsyncClient, page_size: int) -> VirtualNumber:
    items = client.numbers.iter(page_size=page_size)
    try:
        return await anext(items)
    finally:
        await items.aclose()  # type: ignore[attr-defined]


async def _walk(client: AsyncClient, page_size: int) -> int:
    """Every item, none kept (what a streaming consumer does)."""
    count = 0
    async for _ in client.numbers.iter(page_size=page_size):
        count += 1
    return count


def _request_counter() -> tuple[aiohttp.TraceConfig, list[int]]:
    count = [0]

    async def started(*_: Any) -> None:
        count[0] += 1

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(started)
    return trace, count


def _requests_before_first_item(ctx: Context) -> tuple[int, int]:
    """Requests made until ``iter`` yields its first item, and for a whole pass."""
    page = ctx.sizes.page_size
    trace, count = _request_counter()
    with _clients(ctx, trace) as (runner, client, _):
        runner.run(_first(client, page))
        first = count[0]
        count[0] = 0
        assert runner.run(_walk(client, page)) == ctx.sizes.listing
        return first, count[0]


_peaks: dict[tuple[str, str, int, int], PeakRSS] = {}


def _peak(ctx: Context, what: str) -> PeakRSS:
    """``peak_rss`` once per run (scenarios 4 and 6 both need the one of ``list()``)."""
    key = (ctx.url, what, ctx.sizes.listing, ctx.sizes.page_size)
    if key not in _peaks:
        _peaks[key] = found = peak_rss(ctx.url, ctx.token, what, ctx.sizes.page_size)
        assert found.items == ctx.sizes.listing
    return _peaks[key]


def iter_pages(ctx: Context) -> list[Row]:
    """6. ``iter(page_size=...)``: time to the first item and peak memory vs ``list()``."""
    n, page = ctx.sizes.listing, ctx.sizes.page_size
    first_requests, all_requests = _requests_before_first_item(ctx)
    with _clients(ctx) as (runner, client, _):
        runner.run(_first(client, page))  # open the connection
        log(f"  iter: {ctx.rounds} rounds of first item vs list() of {n:,}")
        timings = alternate(
            ctx.rounds,
            {
                "first": in_loop(runner, lambda _: _first(client, page)),
                "list": in_loop(runner, lambda _: client.numbers.list()),
            },
        )
    log("  iter: peak RSS, each side in a fresh process")
    walk, whole = _peak(ctx, "iter"), _peak(ctx, "list")
    return [
        time_row(
            "6",
            f"time to first item: `iter(page_size={page:,})` vs `list()` of {n:,}",
            timings["first"],
            timings["list"],
            at_most=None,
        ),
        info_row(
            "6",
            f"requests sent before `iter` yields its first item (a whole pass: {all_requests})",
            str(first_requests),
            "",
            "= 1 (first page only)",
            first_requests == 1,
        ),
        memory_row(
            "6",
            "peak RSS growth (fresh process): a whole `iter` pass (items not kept) vs `list()`",
            walk.peak,
            whole.peak,
            at_most=0.2,
        ),
        time_row(
            "6",
            "wall time of a whole pass (one run each, in the RSS probes): `iter` vs `list()`",
            [walk.elapsed],
            [whole.elapsed],
            at_most=None,
        ),
    ]
