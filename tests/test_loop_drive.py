"""``_loop_drive``: a task run to its end by stepping asyncio's own loop, with what
``run_forever`` would have set up in place meanwhile and undone after."""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from virtnum._loop_drive import driver_for


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    made = asyncio.new_event_loop()
    made.set_debug(False)  # -X dev turns it on; the stepper is for loops not in debug
    yield made
    made.run_until_complete(made.shutdown_asyncgens())
    made.close()


def _stepped(loop: asyncio.AbstractEventLoop) -> bool:
    return isinstance(driver_for(loop), functools.partial)


def test_asyncios_own_loop_is_stepped_and_the_task_ends(loop: asyncio.AbstractEventLoop) -> None:
    async def twice() -> int:
        await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        return 2

    task = loop.create_task(twice())
    driver_for(loop)(task)
    assert _stepped(loop)
    assert task.result() == 2


def test_while_stepping_the_loop_runs_here_and_after_it_does_not(
    loop: asyncio.AbstractEventLoop,
) -> None:
    seen: dict[str, Any] = {}

    async def look() -> None:
        running = asyncio.get_running_loop()
        seen["loop"], seen["running"] = running, running.is_running()
        seen["firstiter"] = sys.get_asyncgen_hooks().firstiter

    before = sys.get_asyncgen_hooks()
    driver_for(loop)(loop.create_task(look()))
    assert seen["loop"] is loop
    assert seen["running"] is True
    assert seen["firstiter"] is not None
    assert seen["firstiter"] != before.firstiter
    assert asyncio.events._get_running_loop() is None
    assert not loop.is_running()
    assert sys.get_asyncgen_hooks() == before


def test_an_async_generator_begun_while_stepping_is_closed_at_shutdown(
    loop: asyncio.AbstractEventLoop,
) -> None:
    closed: list[bool] = []

    async def watcher() -> AsyncIterator[int]:
        try:
            yield 1
            yield 2
        finally:
            closed.append(True)

    held: list[AsyncIterator[int]] = []

    async def begin() -> None:
        generator = watcher()
        await generator.__anext__()
        held.append(generator)

    driver_for(loop)(loop.create_task(begin()))
    assert closed == []
    loop.run_until_complete(loop.shutdown_asyncgens())
    assert closed == [True]


def test_a_stop_asked_during_a_call_does_not_cut_the_next_run_short(
    loop: asyncio.AbstractEventLoop,
) -> None:
    async def stops() -> None:
        asyncio.get_running_loop().stop()
        await asyncio.sleep(0)

    driver_for(loop)(loop.create_task(stops()))

    async def three_steps() -> str:
        for _ in range(3):
            await asyncio.sleep(0)
        return "done"

    assert loop.run_until_complete(three_steps()) == "done"


def test_a_cancel_from_another_thread_ends_the_task(loop: asyncio.AbstractEventLoop) -> None:
    async def forever() -> None:
        await asyncio.sleep(3600)

    task = loop.create_task(forever())
    loop.call_later(0.01, lambda: loop.call_soon_threadsafe(task.cancel))
    driver_for(loop)(task)
    assert task.cancelled()


def test_a_loop_in_debug_mode_keeps_run_until_complete(loop: asyncio.AbstractEventLoop) -> None:
    loop.set_debug(True)
    assert driver_for(loop) == loop.run_until_complete


def test_a_loop_with_a_run_forever_of_its_own_keeps_run_until_complete() -> None:
    class Integrated(asyncio.SelectorEventLoop):
        def run_forever(self) -> None:
            super().run_forever()

    own = Integrated()
    try:
        assert driver_for(own) == own.run_until_complete
    finally:
        own.close()
