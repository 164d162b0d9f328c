"""``python -m benchmarks --profile [--only SCENARIO]``: where the SDK side spends its time.

Runs each side of a scenario once under cProfile and prints the functions with the most
own time (``tottime``) overall and inside ``virtnum/``, as a share of the profiled wall
time; for scenarios 1, 2, 3 and 5, also that own time per request, summed by where the
code lives (``Split``; ``--write-results`` puts the table of 1, 3 and 5 in RESULTS.md).
cProfile slows pure-Python code far more than C code, so read the figures as relative
costs, not as the unprofiled split.
"""

from __future__ import annotations

import asyncio
import cProfile
import functools
import gc
import pstats
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

import virtnum
from benchmarks._baseline import PATH, gather_limited, raw_bytes, raw_get, sequential
from benchmarks._measure import Context, log
from virtnum import AsyncClient, Client, VirtualNumber
from virtnum._decode.decode import decode_list
from virtnum._http.payload import Payload

__all__ = ["TABLED", "Split", "profile", "split_table", "where_time_goes"]

_TOP = 12
_PACKAGE = str(Path(virtnum.__path__[0]))
_AIOHTTP = ("aiohttp", "yarl", "multidict", "propcache", "aiosignal", "frozenlist")
_AIOHTTP_FILE = re.compile(rf"[/\\]({'|'.join((*_AIOHTTP, 'aiohappyeyeballs'))})[/\\]")
_AIOHTTP_C = re.compile(rf"'({'|'.join(_AIOHTTP)})\.")
TABLED = ("get", "get-many", "sync")  # the scenarios whose split RESULTS.md carries
Profiled = tuple[pstats.Stats, float]  # the stats and the wall seconds under cProfile
Work = Callable[[AsyncClient, aiohttp.ClientSession], Awaitable[Any]]


@dataclass(frozen=True)
class Split:
    """One profiled side: its own time per request (µs) by where the code lives."""

    scenario: str
    side: str
    requests: int
    wall: float
    virtnum: float
    aiohttp: float
    asyncio: float
    system: float
    rest: float


_COLUMNS = ("virtnum", "aiohttp", "asyncio", "system", "rest")
_ASYNCIO_FILE = re.compile(r"[/\\]asyncio[/\\]")


def _where(path: str, name: str) -> str:
    """Which column a function's own time goes to."""
    if path.startswith((_PACKAGE, "<virtnum")):
        return "virtnum"
    if path == "~":  # C: a builtin, or a method of an extension type
        if "'_socket.socket'" in name or "'select.epoll'" in name:
            return "system"
        if "'_asyncio." in name or "'_contextvars.Context'" in name:
            return "asyncio"  # Context.run steps the C tasks
        return "aiohttp" if _AIOHTTP_C.search(name) else "rest"
    if _ASYNCIO_FILE.search(path):
        return "asyncio"
    return "aiohttp" if _AIOHTTP_FILE.search(path) else "rest"


def split(scenario: str, side: str, requests: int, profiled: Profiled) -> Split:
    """``profiled``'s own time (``tottime``) by column, per request, in µs."""
    stats, wall = profiled
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    own = dict.fromkeys(_COLUMNS, 0.0)
    for (path, _, name), (_, _, tottime, _, _) in entries.items():
        own[_where(path, name)] += tottime
    per = 1e6 / requests
    return Split(scenario, side, requests, wall * per, *(own[column] * per for column in _COLUMNS))


def split_table(splits: Sequence[Split]) -> str:
    """Own time per request in µs; the columns add up to about the wall time."""
    lines = [
        "| # | side | requests | wall under cProfile | virtnum/ (own) | aiohttp, yarl, "
        "multidict | asyncio | sockets, epoll | rest (stdlib, msgspec, ...) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in splits:
        cells = (s.wall, s.virtnum, s.aiohttp, s.asyncio, s.system, s.rest)
        figures = " | ".join(f"{value:,.0f} µs" for value in cells)
        lines.append(f"| {s.scenario} | {s.side} | {s.requests:,} | {figures} |")
    return "\n".join(lines)


def _show(title: str, profiled: Profiled) -> None:
    stats, wall = profiled
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)
    ours = [(key, value) for key, value in rows if _where(key[0], key[2]) == "virtnum"]
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


async def _under_profile(work: Awaitable[Any]) -> Profiled:
    gc.collect()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    await work
    profiler.disable()
    return pstats.Stats(profiler), time.perf_counter() - started


def _blocking_profile(work: Callable[[], Any]) -> Profiled:
    gc.collect()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    work()
    profiler.disable()
    return pstats.Stats(profiler), time.perf_counter() - started


def _run_async(ctx: Context, sides: dict[str, Work]) -> dict[str, Profiled]:
    """Each side once under cProfile, one after the other, on one warmed-up loop."""

    async def main() -> dict[str, Profiled]:
        async with AsyncClient(ctx.token, base_url=ctx.url) as client, aiohttp.ClientSession() as s:
            limit, warm = ctx.sizes.concurrency, range(1, 201)  # warm up, open the connections
            await gather_limited(client.numbers.get, warm, limit)
            await gather_limited(functools.partial(raw_get, s, ctx.url, ctx.token), warm, limit)
            return {side: await _under_profile(work(client, s)) for side, work in sides.items()}

    return asyncio.run(main())


def _run_sync(ctx: Context, ids: range) -> dict[str, Profiled]:
    """``Client.get`` (on a loop of this thread's own: one profiler sees all of it), then
    ``AsyncClient.get`` (its baseline), each once under cProfile."""
    with Client(ctx.token, base_url=ctx.url) as client:
        for id in range(1, 201):
            client.numbers.get(id)  # warm up
        sdk = _blocking_profile(lambda: [client.numbers.get(id) for id in ids])
    base = _run_async(ctx, {"": lambda c, _: sequential(c.numbers.get, ids)})[""]
    return {"`Client.get`": sdk, "`AsyncClient.get`": base}


def _raw(ctx: Context, session: aiohttp.ClientSession) -> Callable[[int], Awaitable[Any]]:
    return functools.partial(raw_get, session, ctx.url, ctx.token)


def _request_sides(name: str, ctx: Context) -> tuple[str, int, dict[str, Profiled]] | None:
    """Scenarios 1, 2, 3 and 5: the SDK side and its baseline, each profiled once."""
    s, limit = ctx.sizes, ctx.sizes.concurrency
    if name == "get":
        ids = range(1, s.get_sequential + 1)
        sides: dict[str, Work] = {
            "SDK `get`": lambda c, _: sequential(c.numbers.get, ids),
            "aiohttp + `resp.json()`": lambda _, session: sequential(_raw(ctx, session), ids),
        }
        return "1", len(ids), _run_async(ctx, sides)
    if name == "sync":
        ids = range(1, s.sync_calls + 1)
        return "5", len(ids), _run_sync(ctx, ids)
    if name not in ("concurrent", "get-many"):
        return None
    ids = range(1, s.get_concurrent + 1)
    base = f"aiohttp gather + Semaphore({limit}) + `resp.json()`"
    if name == "concurrent":
        sides = {"SDK `get` under gather": lambda c, _: gather_limited(c.numbers.get, ids, limit)}
    else:
        sides = {"SDK `get_many`": lambda c, _: c.numbers.get_many(ids, concurrency=limit)}
    sides[base] = lambda _, session: gather_limited(_raw(ctx, session), ids, limit)
    return ("2" if name == "concurrent" else "3"), len(ids), _run_async(ctx, sides)


def _decode_only(ctx: Context) -> Profiled:
    async def fetch() -> bytes:
        async with aiohttp.ClientSession() as session:
            return await raw_bytes(session, ctx.url, ctx.token)

    payload = Payload(asyncio.run(fetch()), "GET", f"{ctx.url}{PATH}")
    return _blocking_profile(lambda: decode_list(payload, VirtualNumber))


async def _walk(client: AsyncClient, page_size: int) -> None:
    async for _ in client.numbers.iter(page_size=page_size):
        pass


def _listing(name: str, ctx: Context) -> None:
    """Scenarios 4 and 6: the SDK side only."""
    s = ctx.sizes
    if name == "list":
        found = _run_async(ctx, {"list": lambda c, _: c.numbers.list()})
        _show(f"list() of {s.listing:,}", found["list"])
        _show("decode_list alone", _decode_only(ctx))
    else:
        found = _run_async(ctx, {"iter": lambda c, _: _walk(c, s.page_size)})
        _show(f"whole iter(page_size={s.page_size:,}) pass", found["iter"])


def profile(name: str, ctx: Context) -> list[Split]:
    """Profile scenario ``name`` once, at the run's sizes; print the top functions and
    return the per-request split of each side (none for 4 and 6)."""
    if name in ("list", "iter"):
        _listing(name, ctx)
        return []
    found = _request_sides(name, ctx)
    if found is None:  # fresh processes, or many clients: not profiled here
        log(f"{name}: not profiled here (profile one command with python -m cProfile)")
        return []
    scenario, requests, sides = found
    for side, profiled in sides.items():
        _show(f"scenario {scenario}, {side}, {requests:,} requests", profiled)
    return [split(scenario, side, requests, profiled) for side, profiled in sides.items()]


def where_time_goes(ctx: Context) -> list[Split]:
    """The splits of scenarios 1, 3 and 5 (what ``--write-results`` adds)."""
    log("[profiles of scenarios 1, 3 and 5 for RESULTS.md, under cProfile]")
    return [row for name in TABLED for row in _split_only(name, ctx)]


def _split_only(name: str, ctx: Context) -> list[Split]:
    found = _request_sides(name, ctx)
    assert found is not None
    scenario, requests, sides = found
    return [split(scenario, side, requests, profiled) for side, profiled in sides.items()]
