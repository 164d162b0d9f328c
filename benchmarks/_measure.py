"""Timing, interleaving, medians, peak memory, and the rows of the results table."""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FULL",
    "QUICK",
    "Context",
    "Memory",
    "Row",
    "Samples",
    "Sizes",
    "Timer",
    "alternate",
    "cpu_row",
    "in_loop",
    "info_row",
    "log",
    "memory_row",
    "plain",
    "split",
    "throughput_row",
    "time_row",
    "traced",
]

Timer = Callable[[int], tuple[float, float]]  # runs one block; returns (wall, CPU) seconds


@dataclass(frozen=True)
class Sizes:
    """How much work each scenario does."""

    get_sequential: int = 5_000
    get_concurrent: int = 10_000
    concurrency: int = 64
    listing: int = 100_000
    sync_calls: int = 1_000
    page_size: int = 1_000  # also the size of scenario 4's one-page listing
    page_requests: int = 150  # GETs of that page per side and round (scenario 4)
    page_decodes: int = 100  # decodes of that page's body per side and round (scenario 4)
    blocks: int = 10  # interleaved blocks per round of the request scenarios
    cli_gets: int = 10_000  # ids for scenario 7's ``numbers get -``
    concern_calls: int = 2_000  # sequential gets per client and round (scenario 8)
    cold_starts: int = 3  # fresh processes of each command per round (scenario 9)
    peer_gets: int = 2_000  # blocking sequential gets per side and round (scenario 10)
    peer_bulk: int = 5_000  # ids per bulk lookup per side and round (scenario 10)


FULL = Sizes()
QUICK = Sizes(
    get_sequential=200,
    get_concurrent=400,
    concurrency=64,
    listing=2_000,
    sync_calls=100,
    page_size=100,
    page_requests=10,
    page_decodes=10,
    blocks=2,
    cli_gets=200,
    concern_calls=100,
    cold_starts=1,
    peer_gets=100,
    peer_bulk=200,
)


@dataclass(frozen=True)
class Context:
    """What every scenario gets: the server, the sizes and the number of rounds."""

    url: str
    token: str
    sizes: Sizes
    rounds: int


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Samples:
    """Per-round wall-clock and process-CPU seconds of each contender; ``samples[name]``
    is the wall-clock list."""

    wall: dict[str, list[float]]
    cpu: dict[str, list[float]]

    def __getitem__(self, name: str) -> list[float]:
        return self.wall[name]


def alternate(rounds: int, contenders: dict[str, Timer], *, blocks: int = 1) -> Samples:
    """Interleave the contenders and return each one's time per round.

    A round is cut into ``blocks``; each contender runs block 0, then each runs block 1,
    and so on, so every side sees the same moments of a noisy machine. The side that goes
    first rotates from block to block. A round's time is the sum of its blocks.
    """
    names = list(contenders)
    samples = Samples({name: [] for name in names}, {name: [] for name in names})
    for round_ in range(rounds):
        wall = dict.fromkeys(names, 0.0)
        cpu = dict.fromkeys(names, 0.0)
        for block in range(blocks):
            shift = (round_ * blocks + block) % len(names)
            for name in names[shift:] + names[:shift]:
                gc.collect()  # start each run with no garbage left over by the previous one
                spent, used = contenders[name](block)
                wall[name] += spent
                cpu[name] += used
        for name in names:
            samples.wall[name].append(wall[name])
            samples.cpu[name].append(cpu[name])
    return samples


def split(ids: list[int], blocks: int) -> list[list[int]]:
    """``ids`` cut into ``blocks`` consecutive runs of (nearly) equal length."""
    size, extra = divmod(len(ids), blocks)
    bounds = [i * size + min(i, extra) for i in range(blocks + 1)]
    return [ids[bounds[i] : bounds[i + 1]] for i in range(blocks)]


def in_loop(runner: asyncio.Runner, work: Callable[[int], Awaitable[Any]]) -> Timer:
    """A timer for async work (given the block number), measured inside the loop."""

    async def measure(block: int) -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        await work(block)
        return time.perf_counter() - started, time.process_time() - cpu

    return lambda block: runner.run(measure(block))


def plain(work: Callable[[int], Any]) -> Timer:
    """A timer for blocking work (given the block number)."""

    def measure(block: int) -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        work(block)
        return time.perf_counter() - started, time.process_time() - cpu

    return measure


@dataclass(frozen=True)
class Memory:
    """Bytes still allocated after the work (its result) and at the peak during it."""

    retained: int
    peak: int


def traced(work: Callable[[], Any]) -> Memory:
    """Measure ``work()`` with tracemalloc: only blocks allocated while it runs count;
    ``retained`` is what is still alive (the result) after a full collection."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = work()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        del result
    finally:
        tracemalloc.stop()
    return Memory(retained=current - before, peak=peak - before)


@dataclass(frozen=True)
class Row:
    """One line of the results table; ``met`` is None for a row without a target."""

    scenario: str
    measure: str
    sdk: str
    baseline: str
    ratio: str
    target: str
    met: bool | None


def _spread(ratios: list[float]) -> str:
    return f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 else ""


def _compared(
    scenario: str,
    measure: str,
    shown: list[str],
    ratio: float,
    paired: list[float],
    bound: tuple[str, float | None] = ("", None),
) -> Row:
    """A row of the SDK (``shown[0]``) against the baseline (``shown[1]``): the ratio, its
    spread over the ``paired`` rounds, held to ``bound`` (``("≥", 1.0)``, ``("≤", 2.0)``)."""
    sign, limit = bound
    met = None if limit is None else (ratio >= limit if sign == "≥" else ratio <= limit)
    target = "" if limit is None else f"{sign} {limit:.2f}"
    return Row(scenario, measure, *shown, f"{ratio:.2f}{_spread(paired)}", target, met)


def throughput_row(
    scenario: str,
    measure: str,
    requests: int,
    sdk: list[float],
    base: list[float],
    *,
    at_least: float | None,
) -> Row:
    """Requests per second from per-round durations; ratio = SDK/baseline throughput."""
    ratio = statistics.median(base) / statistics.median(sdk)
    paired = [b / s for s, b in zip(sdk, base, strict=True)]
    shown = [f"{requests / statistics.median(side):,.0f} req/s" for side in (sdk, base)]
    return _compared(scenario, measure, shown, ratio, paired, ("≥", at_least))


def _seconds(value: float, per: int) -> str:
    value /= per
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def time_row(
    scenario: str,
    measure: str,
    sdk: list[float],
    base: list[float],
    *,
    at_most: float | None,
    per: int = 1,
) -> Row:
    """Median durations (divided by ``per`` for a per-call figure); ratio = SDK/baseline."""
    ratio = statistics.median(sdk) / statistics.median(base)
    paired = [s / b for s, b in zip(sdk, base, strict=True)]
    shown = [_seconds(statistics.median(side), per) for side in (sdk, base)]
    return _compared(scenario, measure, shown, ratio, paired, ("≤", at_most))


def _megabytes(size: int, records: int | None) -> str:
    text = f"{size / 1e6:,.1f} MB"
    return f"{text} ({size / records:,.0f} B/rec)" if records else text


def memory_row(
    scenario: str,
    measure: str,
    sdk: int,
    base: int,
    *,
    at_most: float | None,
    records: int | None = None,
) -> Row:
    """Bytes (shown in MB, and per record when ``records`` is given); ratio = SDK/baseline."""
    shown = [_megabytes(side, records) for side in (sdk, base)]
    return _compared(scenario, measure, shown, sdk / base, [], ("≤", at_most))


def info_row(scenario: str, measure: str, sdk: str, baseline: str, target: str, met: bool) -> Row:
    """A row whose target is a fact rather than a ratio."""
    return Row(scenario, measure, sdk, baseline, "", target, met)


def cpu_row(
    scenario: str, measure: str, requests: int, samples: Samples, sdk: str, *, base: str = "base"
) -> Row:
    """This process's CPU time per request (median over rounds), SDK over baseline: less
    sensitive than wall-clock throughput to other load on a shared machine; no target."""
    theirs = samples.cpu[base]
    mine, base_cpu = statistics.median(samples.cpu[sdk]), statistics.median(theirs)
    paired = [s / b for s, b in zip(samples.cpu[sdk], theirs, strict=True)]
    shown = [f"{cpu / requests * 1e6:,.0f} µs/req" for cpu in (mine, base_cpu)]
    return _compared(scenario, measure, shown, mine / base_cpu, paired)
