"""Scenarios 4 and 6: one page and the whole listing at once (``list``), and a page at a
time (``iter``); scenario 4's decode-alone rows come from ``_decode_alone.py``.

Retained sizes come from tracemalloc in this process; peaks from the RSS high-water mark
of a fresh process (see ``_rss.py`` for why not tracemalloc's peak)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp

from benchmarks._baseline import (
    decode_structs,
    first_page,
    pydantic_decoder,
    raw_bytes,
    raw_list,
    repeat,
)
from benchmarks._decode_alone import block_counts, decode_rows
from benchmarks._measure import (
    Context,
    Row,
    alternate,
    in_loop,
    info_row,
    log,
    memory_row,
    time_row,
    traced,
)
from benchmarks._rss import PeakRSS, peak_rss
from virtnum import AsyncClient, VirtualNumber

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


async def _one_page(client: AsyncClient, size: int) -> list[VirtualNumber]:
    """The SDK's one-page listing: the first page of ``pages(page_size=size)``, that is
    one ``GET ?_page=1&_limit=size`` and ``decode_list`` (``list()``'s path with paging)."""
    return await anext(client.numbers.pages(page_size=size))


def list_all(ctx: Context) -> list[Row]:
    """4. One page of ``page_size`` records and ``list()`` of every number (one response),
    each vs aiohttp + ``resp.json()`` of the same URL; memory; decoding alone."""
    n, size, blocks = ctx.sizes.listing, ctx.sizes.page_size, ctx.sizes.blocks
    query = first_page(size)
    if pydantic_decoder() is None:
        log("  note: pydantic is not installed: the pydantic decode rows are skipped")
    with _clients(ctx) as (runner, client, session):
        base = functools.partial(raw_list, session, ctx.url, ctx.token)
        base_page = functools.partial(raw_list, session, ctx.url, ctx.token, query)
        models, dicts = runner.run(client.numbers.list()), runner.run(base())
        assert len(models) == len(dicts) == n
        assert models[-1].id == dicts[-1]["id"]
        del models, dicts
        page_models, page_dicts = runner.run(_one_page(client, size)), runner.run(base_page())
        assert (
            [m.id for m in page_models] == [d["id"] for d in page_dicts] == list(range(1, size + 1))
        )
        del page_models, page_dicts
        requests, counts = ctx.sizes.page_requests, block_counts(ctx.sizes.page_requests, blocks)
        log(
            f"  list: {ctx.rounds} rounds of {requests:,} GETs of one {size:,}-record page "
            f"per side, in {blocks} blocks"
        )
        page = alternate(
            ctx.rounds,
            {
                "sdk": in_loop(
                    runner, lambda b: repeat(lambda: _one_page(client, size), counts[b])
                ),
                "base": in_loop(runner, lambda b: repeat(base_page, counts[b])),
            },
            blocks=blocks,
        )
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
        raw_page = runner.run(raw_bytes(session, ctx.url, ctx.token, query))
    struct_mem = traced(lambda: decode_structs(raw))
    decode_page = decode_rows(
        raw_page, ctx.url, size, ctx.rounds, times=ctx.sizes.page_decodes, blocks=blocks
    )
    decode_all = decode_rows(raw, ctx.url, n, ctx.rounds, times=1, blocks=1)
    log(f"  list: peak RSS, each side in {_PROBES} fresh processes")
    sdk_rss, base_rss = _peak(ctx, "list"), _peak(ctx, "raw-list")
    return [
        time_row(
            "4",
            f"one page of {size:,} (`pages(page_size={size:,})`, first page: one GET + "
            "`decode_list`, as `list()`) vs aiohttp + `resp.json()` of the same URL "
            f"(time per page, {requests:,} per round)",
            page["sdk"],
            page["base"],
            at_most=0.80,
            per=requests,
        ),
        time_row(
            "4",
            f"`list()` of {n:,} (one response): wall time vs aiohttp + `resp.json()` to dicts",
            wall["sdk"],
            wall["base"],
            at_most=1.00,
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
            "peak RSS growth (median of 3 fresh processes): `list()` vs aiohttp + `resp.json()`",
            sdk_rss.peak,
            base_rss.peak,
            at_most=0.50,
        ),
        memory_row(
            "4",
            "tracemalloc peak (Python allocations only): `list()` vs aiohttp + `resp.json()`",
            sdk_mem.peak,
            base_mem.peak,
            at_most=None,
        ),
        *decode_page,
        *decode_all,
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


#: Fresh processes per listing kind: one run's peak swings (137 or 164 MB for the same
#: ``list()``, by how the 48 MB body happens to arrive), so the median is reported.
_PROBES = 3


def _peak(ctx: Context, what: str) -> PeakRSS:
    """The median ``peak_rss`` of ``_PROBES`` fresh processes, once per run (scenarios 4
    and 6 both need the one of ``list()``)."""
    key = (ctx.url, what, ctx.sizes.listing, ctx.sizes.page_size)
    if key not in _peaks:
        found = sorted(
            (peak_rss(ctx.url, ctx.token, what, ctx.sizes.page_size) for _ in range(_PROBES)),
            key=lambda probe: probe.peak,
        )
        assert all(probe.items == ctx.sizes.listing for probe in found)
        _peaks[key] = found[len(found) // 2]
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
    log(f"  iter: peak RSS, each side in {_PROBES} fresh processes")
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
            "peak RSS growth (median of 3 fresh processes): a whole `iter` pass (items not "
            "kept) vs `list()`",
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
