"""Many ids fetched as a stream: the results come out in the order of the ids, each as
soon as it and those before it are in (workers run at most a window ahead, so memory
stays bounded), and a Ctrl-C lets every finished result out before it stops the run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

from virtnum import APIError
from virtnum.cli.commands.bulk import Done, is_fatal
from virtnum.cli.commands.sigint import Interrupt, held_interrupt
from virtnum.cli.output.progress import ProgressCallback, progress
from virtnum.cli.settings import Settings

if TYPE_CHECKING:
    from virtnum import AsyncClient

__all__ = ["stream_each"]

Call = Callable[[int], Awaitable[Any]]


class _Pool:
    """Workers calling ``call(id)`` for ``results`` in order, ``window`` ids at most
    past the one the reader waits for; a failure no later id escapes stops new calls."""

    def __init__(
        self, results: Sequence[Done], call: Call, window: int, bar: ProgressCallback | None
    ) -> None:
        self.results, self.call, self.window, self.bar = results, call, window, bar
        self.started = self.reading = self.done = self.running = 0
        self.stopped = False
        self._changed = asyncio.Event()

    def notify(self) -> None:
        """Wake everyone waiting (each holds the event that is now set)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait(self) -> None:
        await self._changed.wait()

    async def worker(self) -> None:
        try:
            while not self.stopped and self.started < len(self.results):
                if self.started - self.reading >= self.window:
                    await self._wait()
                    continue
                item = self.results[self.started]
                self.started += 1
                item.tried = True
                try:
                    item.value = await self.call(item.id)
                except APIError as exc:
                    item.error = exc
                    self.stopped = self.stopped or is_fatal(exc)
                item.finished = True
                self.done += 1
                if self.bar is not None:
                    self.bar(self.done, len(self.results))
                self.notify()
        finally:
            self.running -= 1
            self.notify()

    async def until(self, index: int, interrupt: Interrupt) -> None:
        """Wait until result ``index`` is in, every worker has stopped, or Ctrl-C."""
        self.reading = index
        self.notify()
        while not self.results[index].finished and self.running and not interrupt.requested:
            await self._wait()


async def _open(settings: Settings) -> AsyncClient:
    return await settings.client().__aenter__()


async def _start(pool: _Pool, concurrency: int) -> list[asyncio.Task[None]]:
    pool.running = min(concurrency, len(pool.results))
    return [asyncio.create_task(pool.worker()) for _ in range(pool.running)]


async def _stop(tasks: Sequence[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def stream_each(
    settings: Settings,
    results: Sequence[Done],
    call: Callable[[AsyncClient], Call],
    concurrency: int,
    label: str,
) -> Generator[Any, None, None]:
    """The values of ``results`` (``Done(id)`` each, filled in as they go) that are
    fetched by ``call(client)(id)``, in their order; after a Ctrl-C, every value
    already in, then KeyboardInterrupt. A progress bar named ``label`` on a terminal."""
    if not results:
        return
    window = max(64, 4 * concurrency)
    with (
        held_interrupt() as interrupt,
        progress(label, len(results)) as bar,
        asyncio.Runner() as runner,
    ):
        client = runner.run(_open(settings))
        tasks: list[asyncio.Task[None]] = []
        try:
            pool = _Pool(results, call(client), window, bar)
            tasks = runner.run(_start(pool, concurrency))
            loop = runner.get_loop()

            def wake() -> None:
                loop.call_soon_threadsafe(pool.notify)

            interrupt.wake = wake
            index = 0
            while index < len(results) and pool.running and not interrupt.requested:
                runner.run(pool.until(index, interrupt))
                while index < len(results) and results[index].finished:
                    if results[index].ok:
                        yield results[index].value
                    index += 1
            # what finished past one still in flight (a Ctrl-C) or past a stop
            yield from (item.value for item in results[index:] if item.ok)
            if interrupt.requested:
                raise KeyboardInterrupt
        finally:
            interrupt.wake = lambda: None
            runner.run(_stop(tasks))
            runner.run(client.close())
