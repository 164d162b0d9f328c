"""``python -m benchmarks --profile [--only SCENARIO]``: where the SDK side spends its time.

Runs the SDK side of a scenario once under cProfile and prints the functions with the
most own time (``tottime``) overall and inside ``virtnum/``, as a share of the profiled
wall time. cProfile slows pure-Python code more than C code, so read the shares as
relative costs, not as the unprofiled split. For the blocking client both threads are
profiled: the caller's and the client's event-loop thread.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import virtnum
from benchmarks._baseline import PATH, gather_limited, raw_bytes, sequential
from benchmarks._measure import Context, log
from virtnum import AsyncClient, Client, VirtualNumber
from virtnum._decode.decode import decode_list
from virtnum._http.payload import Payload

__all__ = ["profile"]

_TOP = 12
_PACKAGE = str(Path(virtnum.__path__[0]))


def _show(title: str, stats: pstats.Stats, wall: float) -> None:
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)
    ours = [(key, value) for key, value in rows if key[0].startswith((_PACKAGE, "<virtnum"))]
    own = sum(value[2] for _, value in ours)
    print(
        f"\n## {title}: {wall:.2f} s wall under cProfile; own time inside virtnum/: "
        f"{own:.2f} s ({own / wall:.0%})"
    )
    for heading, selection in (("all code", rows), ("inside virtnum/", ours)):
        print(f"\n{heading}: tottime (share of wall) | cumtime | calls | function")
        for (path, line, name), (_, calls, tottime, cumtime, _) in selection[:_TOP]:
            where = path.replace(_PACKAGE, "virtnum").rpartition("site-packages/")[2]
            print(
                f"  {tottime:7.3f} s ({tottime / wall:5.1%}) | {cumtime:7.3f} s | "
                f"{calls:>8} | {name} ({where}:{line})"
            )


def _run_async(ctx: Context, title: str, work: Callable[[AsyncClient], Any]) -> None:
    async def main() -> None:
        async with AsyncClient(ctx.token, base_url=ctx.url) as client:
            await sequential(client.numbers.get, range(1, 201))  # warm up
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            await work(client)
            profiler.disable()
            _show(title, pstats.Stats(profiler), time.perf_counter() - started)

    asyncio.run(main())


async def _here(func: Callable[[], Any]) -> None:
    func()


def _on_loop(client: Client, func: Callable[[], Any]) -> None:
    """Run ``func()`` on the client's event-loop thread (through its private one-hop
    bridge, the way every public call goes; profiling only) and wait for it."""
    client._call(_here, func)


def _run_sync(ctx: Context) -> None:
    ids = range(1, ctx.sizes.sync_calls + 1)
    with Client(ctx.token, base_url=ctx.url) as client:
        for id in range(1, 201):
            client.numbers.get(id)  # warm up
        caller, loop_thread = cProfile.Profile(), cProfile.Profile()
        _on_loop(client, loop_thread.enable)
        started = time.perf_counter()
        caller.enable()
        for id in ids:
            client.numbers.get(id)
        caller.disable()
        wall = time.perf_counter() - started
        _on_loop(client, loop_thread.disable)
    _show(f"sync Client.get x{len(ids):,}, caller's thread", pstats.Stats(caller), wall)
    _show(f"sync Client.get x{len(ids):,}, event-loop thread", pstats.Stats(loop_thread), wall)


def _decode_only(ctx: Context) -> None:
    async def fetch() -> bytes:
        import aiohttp

        async with aiohttp.ClientSession() as session:
            return await raw_bytes(session, ctx.url, ctx.token)

    payload = Payload(asyncio.run(fetch()), "GET", f"{ctx.url}{PATH}")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    decode_list(payload, VirtualNumber)
    profiler.disable()
    _show("decode_list alone", pstats.Stats(profiler), time.perf_counter() - started)


async def _walk(client: AsyncClient, page_size: int) -> None:
    async for _ in client.numbers.iter(page_size=page_size):
        pass


def profile(name: str, ctx: Context) -> None:
    """Profile the SDK side of scenario ``name`` once, at the run's sizes."""
    s = ctx.sizes
    if name == "get":
        ids = range(1, s.get_sequential + 1)
        _run_async(ctx, f"get sequential x{len(ids):,}", lambda c: sequential(c.numbers.get, ids))
    elif name == "concurrent":
        ids = range(1, s.get_concurrent + 1)
        _run_async(
            ctx,
            f"get x{len(ids):,} at concurrency {s.concurrency}",
            lambda c: gather_limited(c.numbers.get, ids, s.concurrency),
        )
    elif name == "get-many":
        ids = range(1, s.get_concurrent + 1)
        _run_async(
            ctx,
            f"get_many x{len(ids):,} concurrency={s.concurrency}",
            lambda c: c.numbers.get_many(ids, concurrency=s.concurrency),
        )
    elif name == "list":
        _run_async(ctx, f"list() of {s.listing:,}", lambda c: c.numbers.list())
        _decode_only(ctx)
    elif name == "sync":
        _run_sync(ctx)
    elif name == "iter":
        _run_async(
            ctx, f"whole iter(page_size={s.page_size:,}) pass", lambda c: _walk(c, s.page_size)
        )
    elif name == "cli":  # fresh processes: profile one with python -m cProfile -m virtnum
        log("7 cli runs `python -m virtnum` in fresh processes: not profiled here")
