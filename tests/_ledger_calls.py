"""How the stateful test makes its calls: a client of the ledger's server (direct,
through the server as its own proxy, or through a dead one), each call under a hang
guard and checked for secrets, and calls cancelled at a point that does not depend on
timing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from virtnum import AsyncClient, VirtnumError
from virtnum.testing import FakeServer

from ._ledger import Outcome, SecretWatch
from ._ledger_faults import TIMEOUT, Faults, closed_port, switch_on
from ._support import TOKEN

GUARD = 30.0  # a call still running after this long is hung
PROXY_USER, PROXY_PASSWORD = "proxy-user-4d2a", "proxy-pass-8e7f"


class LedgerCalls:
    """The calls of ``LedgerMachine``: made on its ``runner``, against its ``server``, each
    outcome checked by its ``watch``."""

    runner: asyncio.Runner
    server: FakeServer
    watch: SecretWatch

    def new_client(self, proxy: str) -> AsyncClient:
        """A client of the server: ``direct``, through the server as its own proxy
        (``itself``), or through a proxy that is not there (``dead``)."""
        url = self.server.url
        proxies = {"itself": url, "dead": f"http://127.0.0.1:{closed_port()}"}
        via = proxies.get(proxy)
        credentials = f"http://{PROXY_USER}:{PROXY_PASSWORD}@"
        return AsyncClient(
            TOKEN,
            base_url=url,
            allow_insecure_http=True,
            timeout=TIMEOUT,
            connect_timeout=TIMEOUT,
            max_retries=1,
            max_connections=2,
            proxy=None if via is None else via.replace("http://", credentials),
        )

    async def outcome(self, call: Awaitable[Any]) -> Outcome:
        """How ``call`` ended; AssertionError for a CancelledError nobody asked for."""
        try:
            return Outcome(await call)
        except VirtnumError as error:
            return Outcome(error=error)
        except asyncio.CancelledError as exc:
            raise AssertionError("a call the test did not cancel raised CancelledError") from exc

    async def guarded(self, scenario: Awaitable[Any]) -> Any:
        """``scenario`` with a hang guard, then waiting until the server is idle (the
        writes of timed-out requests applied, stale answers delivered: their fault holds
        them back until the step's calls are over, so they meet idle connections)."""
        async with asyncio.timeout(GUARD) as guard:
            try:
                result = await scenario
            except TimeoutError:
                assert not guard.expired(), f"a call still ran after {GUARD}s"
                raise
        for _ in range(int(GUARD / 0.01)):
            self.server.stale.flush()
            if self.server.idle:
                break
            await asyncio.sleep(0.01)
        assert self.server.idle, "the server never became idle"
        for _ in range(5):  # let the client's side read what arrived
            await asyncio.sleep(0)
        return result

    def call(self, make: Callable[[], Awaitable[Any]], faults: Faults) -> Outcome:
        switch_on(self.server, faults)
        outcome: Outcome = self.runner.run(self.guarded(self.outcome(make())))
        self.watch.check(outcome)
        return outcome

    async def reached(self, served: int, task: asyncio.Future[Any]) -> None:
        """Turn the loop until the server has taken ``served`` more requests (or ``task``
        is done): a point to interrupt at that does not depend on timing."""
        until = self.server.requests_served + served
        for _ in range(10_000):
            if self.server.requests_served >= until or task.done():
                return
            await asyncio.sleep(0)

    def interrupted(
        self, make: Callable[[], Awaitable[Any]], served: int, faults: Faults
    ) -> Outcome:
        """``make()`` in a task the test cancels once the server has taken ``served``
        requests (0: before it starts)."""

        async def scenario() -> Outcome:
            task = asyncio.ensure_future(make())
            await self.reached(served, task)
            task.cancel()
            try:
                return Outcome(await task)
            except asyncio.CancelledError:
                return Outcome(cancelled=True)
            except VirtnumError as error:
                return Outcome(error=error)

        switch_on(self.server, faults)
        outcome: Outcome = self.runner.run(self.guarded(scenario()))
        self.watch.check(outcome)
        return outcome
