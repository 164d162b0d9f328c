"""``_sync.own_loop``: each calling thread's own loop, driven with public asyncio only."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest

from virtnum import VirtnumError
from virtnum._sync.own_loop import LoopPerThread, in_running_loop


def test_an_async_generator_begun_in_a_call_is_closed_when_the_loops_close() -> None:
    """What closes a loop's aiohttp session: its watcher is an async generator."""
    closed: list[bool] = []
    held: list[AsyncIterator[int]] = []

    async def watcher() -> AsyncIterator[int]:
        try:
            yield 1
            yield 2
        finally:
            closed.append(True)

    async def begin() -> int:
        generator = watcher()
        held.append(generator)
        return await generator.__anext__()

    loops = LoopPerThread()
    assert loops.run(begin) == 1
    assert closed == []
    loops.close()
    assert closed == [True]


def test_a_call_leaves_no_running_loop_behind_and_reuses_its_loop() -> None:
    async def running() -> asyncio.AbstractEventLoop:
        await asyncio.sleep(0)
        return asyncio.get_running_loop()

    loops = LoopPerThread()
    try:
        first = loops.run(running)
        assert not in_running_loop()
        assert loops.run(running) is first
        assert not first.is_running()
    finally:
        loops.close()
    assert first.is_closed()


def test_each_thread_gets_a_loop_of_its_own() -> None:
    loops = LoopPerThread()
    seen: list[asyncio.AbstractEventLoop] = []

    async def which() -> None:
        seen.append(asyncio.get_running_loop())

    try:
        loops.run(which)
        other = threading.Thread(target=loops.run, args=(which,))
        other.start()
        other.join()
        assert len(set(seen)) == 2
    finally:
        loops.close()


def test_a_close_from_another_thread_ends_the_waiting_call() -> None:
    loops = LoopPerThread()
    started = threading.Event()

    async def waits() -> None:
        started.set()
        await asyncio.sleep(3600)

    closer = threading.Thread(target=lambda: started.wait(30) and loops.close())
    closer.start()
    with pytest.raises(VirtnumError, match="closed while this call was waiting"):
        loops.run(waits)
    closer.join()


def test_a_call_stops_its_loop_in_the_iteration_that_ends_it() -> None:
    """``run_until_complete`` would run one more iteration, for its done callback: a
    callback the call scheduled as it ended would have run by then."""
    ran: list[int] = []

    async def schedules() -> int:
        asyncio.get_running_loop().call_soon(ran.append, 1)
        return len(ran)

    loops = LoopPerThread()
    try:
        assert loops.run(schedules) == 0
        assert ran == []
        assert loops.run(schedules) == 1  # left for the next call, which runs it first
    finally:
        loops.close()
