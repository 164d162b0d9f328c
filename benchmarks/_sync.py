"""Scenario 5: the blocking ``Client.get`` vs ``AsyncClient.get``, sequential, in this
process (both cores free) and in a child process pinned to one core; also ``Client.get``
called inside a running event loop, which hops to the client's background loop thread.

Child side: ``python -m benchmarks._sync --url U --token T --calls N --blocks B --rounds R
--cpu C`` pins itself to core C first and prints its samples as one JSON line."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from benchmarks._baseline import sequential
from benchmarks._http import WARMUP, ids
from benchmarks._measure import Context, Row, alternate, in_loop, log, plain, split, time_row
from virtnum import AsyncClient, Client

__all__ = ["sync_vs_async"]

_ROOT = Path(__file__).resolve().parent.parent
Walls = dict[str, list[float]]


async def _blocking_in_loop(client: Client, chunk: Iterable[int]) -> None:
    """Blocking calls from a coroutine while its loop runs (a notebook cell, say)."""
    for id in chunk:
        client.numbers.get(id)


def _measure(url: str, token: str, calls: int, blocks: int, rounds: int) -> Walls:
    """Per-round seconds of the three ways, interleaved block by block."""
    chunks = split(ids(calls), blocks)
    with asyncio.Runner() as runner, Client(token, base_url=url) as sync_client:
        async_client = AsyncClient(token, base_url=url)
        try:
            warm = ids(WARMUP)
            assert [m.id for m in map(sync_client.numbers.get, warm)] == warm
            assert [m.id for m in runner.run(sequential(async_client.numbers.get, warm))] == warm
            runner.run(_blocking_in_loop(sync_client, warm))  # starts the background thread
            samples = alternate(
                rounds,
                {
                    "sync": plain(lambda b: [sync_client.numbers.get(id) for id in chunks[b]]),
                    "async": in_loop(
                        runner, lambda b: sequential(async_client.numbers.get, chunks[b])
                    ),
                    "in_loop": in_loop(runner, lambda b: _blocking_in_loop(sync_client, chunks[b])),
                },
                blocks=blocks,
            )
        finally:
            runner.run(async_client.close())
    return samples.wall


def _pinned(ctx: Context, cpu: int) -> Walls:
    """``_measure`` in a fresh process pinned to ``cpu`` (every thread it starts too)."""
    s = ctx.sizes
    argv = [
        *("--url", ctx.url, "--token", ctx.token, "--calls", str(s.sync_calls)),
        *("--blocks", str(s.blocks), "--rounds", str(ctx.rounds), "--cpu", str(cpu)),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks._sync", *argv],
        cwd=_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the pinned sync measurement failed:\n{done.stderr[-2000:]}")
    walls: Walls = json.loads(done.stdout.strip().splitlines()[-1])
    return walls


def sync_vs_async(ctx: Context) -> list[Row]:
    """5. Blocking ``Client.get`` one after the other vs ``AsyncClient.get`` the same way."""
    n, blocks = ctx.sizes.sync_calls, ctx.sizes.blocks
    log(f"  {ctx.rounds} rounds of {n:,} calls per side, in {blocks} blocks (sync, async, in_loop)")
    runs = {"both cores free": _measure(ctx.url, ctx.token, n, blocks, ctx.rounds)}
    if hasattr(os, "sched_setaffinity"):
        cpu = max(os.sched_getaffinity(0))
        log(f"  the same in a child process pinned to CPU {cpu}")
        runs[f"pinned to one core (CPU {cpu}, child process)"] = _pinned(ctx, cpu)
    else:
        log("  no os.sched_setaffinity here: the pinned rows are skipped")
    rows = []
    for where, walls in runs.items():
        rows.append(
            time_row(
                "5",
                f"sync `Client.get` vs `AsyncClient.get`, {n:,} sequential (time per call), "
                f"{where}",
                walls["sync"],
                walls["async"],
                at_most=None,  # reported, not a target (issue 34 retired "≤ 1.05")
                per=n,
            )
        )
    for where, walls in runs.items():
        rows.append(
            time_row(
                "5",
                "`Client.get` called inside a running event loop (hops to the background loop "
                f"thread) vs `AsyncClient.get` (time per call), {where}",
                walls["in_loop"],
                walls["async"],
                at_most=None,
                per=n,
            )
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu", type=int, required=True)
    for name in ("--url", "--token"):
        parser.add_argument(name, required=True)
    for name in ("--calls", "--blocks", "--rounds"):
        parser.add_argument(name, type=int, required=True)
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, {args.cpu})  # before any thread starts: they inherit it
    if not args.url.startswith("http://127.0.0.1:"):
        parser.error("the pinned measurement only talks to a server on 127.0.0.1")
    walls = _measure(args.url, args.token, args.calls, args.blocks, args.rounds)
    print(json.dumps(walls))


if __name__ == "__main__":
    main()
