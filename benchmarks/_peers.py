"""Scenario 10: virtnum against the clients a user would otherwise pick, on the same
FakeServer. Blocking, one call after the other: ``Client.numbers.get`` vs urllib3 (a
``PoolManager`` + ``json.loads``), requests (a ``Session`` + ``resp.json()``) and httpx (an
``httpx.Client``) + a pydantic model. Bulk: ``AsyncClient.numbers.get_many`` vs an
``httpx.AsyncClient`` + pydantic under gather + Semaphore at the same concurrency
(aiohttp + ``resp.json()`` is scenario 3).

Each peer is written as its documentation shows it, with its defaults (httpx: 100
connections, 20 kept alive; a pool of 64 kept alive measured no faster), no status check
(as the aiohttp baseline), environment proxies off (``trust_env=False``, the SDK's default
too, so every request stays on 127.0.0.1). A peer that is not installed gets a row saying so.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import ExitStack, suppress
from typing import Any

from benchmarks._baseline import PATH, gather_limited, pydantic_model
from benchmarks._http import WARMUP, ids
from benchmarks._measure import (
    Context,
    Row,
    Samples,
    Timer,
    alternate,
    cpu_row,
    in_loop,
    log,
    plain,
    split,
    throughput_row,
)
from virtnum import AsyncClient, Client

__all__ = ["MISSING", "peers"]

MISSING = "not installed: pip install 'virtnum[bench]'"
Get = Callable[[int], Any]
Make = Callable[[Context, ExitStack], Get]


def _validator() -> Callable[[bytes], Any]:
    """pydantic's ``model_validate_json`` of one number; ImportError without pydantic."""
    model = pydantic_model()
    if model is None:
        raise ImportError("pydantic")
    validate: Callable[[bytes], Any] = model.model_validate_json
    return validate


def _urllib3(ctx: Context, stack: ExitStack) -> Get:
    import urllib3

    pool = stack.enter_context(urllib3.PoolManager())
    url, headers = f"{ctx.url}{PATH}/", {"Authorization": ctx.token}
    return lambda id: json.loads(pool.request("GET", f"{url}{id}", headers=headers).data)


def _requests(ctx: Context, stack: ExitStack) -> Get:
    import requests

    session = stack.enter_context(requests.Session())
    session.trust_env = False
    session.headers["Authorization"] = ctx.token
    url = f"{ctx.url}{PATH}/"
    return lambda id: session.get(f"{url}{id}").json()


def _httpx(ctx: Context, stack: ExitStack) -> Get:
    import httpx

    validate = _validator()
    headers = {"Authorization": ctx.token}
    client = stack.enter_context(httpx.Client(headers=headers, trust_env=False))
    url = f"{ctx.url}{PATH}/"
    return lambda id: validate(client.get(f"{url}{id}").content)


# key: (what the row names, how to build the peer's get)
_BLOCKING: dict[str, tuple[str, Make]] = {
    "urllib3": ("urllib3 `PoolManager` + `json.loads`", _urllib3),
    "requests": ("requests `Session` + `resp.json()`", _requests),
    "httpx": ("httpx `Client` + pydantic `model_validate_json`", _httpx),
}


def _id(record: Any) -> int:
    return int(record["id"] if isinstance(record, dict) else record.id)


def _missing(measure: str) -> Row:
    log(f"  {measure}: {MISSING}")
    return Row("10", measure, "", MISSING, "", "≥ 1.00", None)


def _cpu(n: int, samples: Samples, peer: str) -> Row:
    """Client CPU per call (this process), virtnum over the peer: below 1, virtnum uses less."""
    measure = f"client CPU per call (this process): virtnum vs {peer}"
    return cpu_row("10", measure, n, samples, "virtnum", base=peer)


def _blocking(ctx: Context) -> list[Row]:
    """Sequential blocking gets: the SDK and each installed peer, interleaved by block."""
    n, blocks = ctx.sizes.peer_gets, ctx.sizes.blocks
    chunks = split(ids(n), blocks)
    with ExitStack() as stack:
        client = stack.enter_context(Client(ctx.token, base_url=ctx.url))
        gets: dict[str, Get] = {"virtnum": client.numbers.get}
        for name, (_, make) in _BLOCKING.items():
            with suppress(ImportError):  # its row says so
                gets[name] = make(ctx, stack)
        warm = ids(WARMUP)
        for name, get in gets.items():  # open the connections; the same records everywhere
            assert [_id(get(id)) for id in warm] == warm, name
        log(f"  {ctx.rounds} rounds of {n:,} blocking gets per side, in {blocks} blocks")
        timers: dict[str, Timer] = {
            name: plain(lambda b, get=get: [get(id) for id in chunks[b]])
            for name, get in gets.items()
        }
        samples = alternate(ctx.rounds, timers, blocks=blocks)
    rows = []
    for name, (label, _) in _BLOCKING.items():
        measure = f"blocking `Client.get`, {n:,} sequential vs {label}"
        if name not in gets:
            rows.append(_missing(measure))
            continue
        rows.append(
            throughput_row("10", measure, n, samples["virtnum"], samples[name], at_least=1.0)
        )
        rows.append(_cpu(n, samples, name))
    return rows


def _bulk(ctx: Context) -> list[Row]:
    """``get_many`` vs httpx ``AsyncClient`` + pydantic, gather + Semaphore, same limit."""
    n, limit, blocks = ctx.sizes.peer_bulk, ctx.sizes.concurrency, ctx.sizes.blocks
    measure = (
        f"`get_many({n:,} ids, concurrency={limit})` vs httpx `AsyncClient` + gather + "
        f"Semaphore({limit}) + pydantic `model_validate_json`"
    )
    try:
        import httpx

        validate = _validator()
    except ImportError:
        return [_missing(measure)]
    chunks = split(ids(n), blocks)
    headers, url = {"Authorization": ctx.token}, f"{ctx.url}{PATH}/"
    with asyncio.Runner() as runner:
        client = AsyncClient(ctx.token, base_url=ctx.url)
        peer = httpx.AsyncClient(headers=headers, trust_env=False)
        try:

            async def get(id: int) -> Any:
                return validate((await peer.get(f"{url}{id}")).content)

            warm = ids(WARMUP)
            found = runner.run(client.numbers.get_many(warm, concurrency=limit))
            assert [m.id for m in found] == warm
            assert [m.id for m in runner.run(gather_limited(get, warm, limit))] == warm
            log(f"  {ctx.rounds} rounds of {n:,} ids per side at concurrency {limit}")
            timers = {
                "virtnum": in_loop(
                    runner, lambda b: client.numbers.get_many(chunks[b], concurrency=limit)
                ),
                "httpx async": in_loop(runner, lambda b: gather_limited(get, chunks[b], limit)),
            }
            samples = alternate(ctx.rounds, timers, blocks=blocks)
        finally:
            runner.run(client.close())
            runner.run(peer.aclose())
    return [
        throughput_row("10", measure, n, samples["virtnum"], samples["httpx async"], at_least=1.0),
        _cpu(n, samples, "httpx async"),
    ]


def peers(ctx: Context) -> list[Row]:
    """10. virtnum vs urllib3, requests and httpx + pydantic, blocking and in bulk. Each
    throughput ratio is the peer's time over virtnum's (above 1: virtnum is faster); each
    CPU ratio is virtnum's CPU over the peer's (below 1: virtnum uses less)."""
    log("  throughput ratio = peer time / virtnum time (above 1: virtnum is faster)")
    return _blocking(ctx) + _bulk(ctx)
