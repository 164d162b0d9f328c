"""Random sequences of SDK calls against FakeServer, with faults, closes and interrupts in
between, checked after every step against the server's own ledger.

The machine runs reads (``get``, ``list`` with filters, ``get_many`` with
``return_exceptions=True``, ``iter`` by pages) and writes (``update``, ``delete``,
``add_sip_registration``, ``add_mobile``) on an ``AsyncClient`` (directly, or through the
FakeServer acting as its own HTTP proxy, with credentials), switches faults on (5xx, 429
with and without Retry-After, resets, stalls past the client's timeout, truncated
bodies, HTML pages, redirects, and stale answers on idle keep-alive connections),
closes the client (with calls in flight, too) and cancels in-flight calls. After each
step it waits until the server is idle, then checks:

- a read gives the server's record for that id (or the records the filter selects), or
  a typed ``VirtnumError`` (``NotFoundError`` only for an id the server does not have);
- a write reported done is in the ledger; one reported failed is not, unless it was
  raised as ``OutcomeUnknownError`` (or the test cancelled it): then either is fine;
- nothing but ``VirtnumError`` comes out of a call (``CancelledError`` only out of a
  task the test cancelled), and no call hangs;
- no token, SIP password or proxy credential is in any error (str, repr, the chain as
  a traceback shows it), any result's repr, or any ``virtnum`` log record.

It is derandomized (the same 25 examples on every run), bounded for CI, and does not
shrink a failing case there (replaying steps whose timing varies takes minutes): the
steps are printed as generated. To explore more locally, with fresh random examples
each run and failing cases shrunk to a minimal sequence::

    VIRTNUM_STATEFUL_EXAMPLES=500 python -m pytest -q tests/test_stateful.py
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from virtnum import VirtnumError
from virtnum._http.transport import Transport
from virtnum.testing import FakeServer

from . import _ledger_checks as checks
from . import _ledger_writes as writes
from ._ledger import Outcome, SecretWatch, View, as_records, selected
from ._ledger_calls import PROXY_PASSWORD, PROXY_USER, LedgerCalls
from ._ledger_faults import (
    FAULTS_NOW,
    WHERE,
    Faults,
    Where,
    differences,
    switch_on,
)
from ._ledger_writes import Write
from ._support import TOKEN

EXPLORE = int(os.environ.get("VIRTNUM_STATEFUL_EXAMPLES", "0"))
NUMBERS = 10
IDS = st.integers(1, NUMBERS + 4)  # some absent at first, some added later
PROXIES = ("direct", "direct", "itself", "dead")


async def _no_pause(delay: float) -> None:
    await asyncio.sleep(0)


class LedgerMachine(LedgerCalls, RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        self.watch = SecretWatch()
        self.watch.add(TOKEN)
        self.watch.add_basic(PROXY_USER, PROXY_PASSWORD)
        self.log = logging.getLogger("virtnum")
        self.level = self.log.level
        self.log.addHandler(self.watch)
        self.log.setLevel(logging.DEBUG)
        self.pause = Transport.sleep
        Transport.sleep = staticmethod(_no_pause)
        self.server = FakeServer(
            NUMBERS, token=TOKEN, seed=7, available_mobile=4, activation_delay=None
        )
        self.runner.run(self.server.start())
        self.model = View.of(self.server)
        self.client = self.new_client("direct")
        self.serial = 0

    def teardown(self) -> None:
        try:
            self.runner.run(self.client.close())
            self.runner.run(self.server.close())
            self.runner.close()
        finally:
            Transport.sleep = self.pause
            self.log.removeHandler(self.watch)
            self.log.setLevel(self.level)

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    # -- checks ----------------------------------------------------------------------

    def check_got(self, number_id: int, outcome: Outcome) -> None:
        checks.check_got(self.model, number_id, outcome)

    def check_selected(self, where: Where, outcome: Outcome) -> None:
        checks.check_selected(self.model, where, outcome)

    def judge(self, write: Write, outcome: Outcome) -> None:
        self.model = checks.judged(self.model, write, outcome, View.of(self.server))

    @invariant()
    def ledger_is_the_model(self) -> None:
        now = View.of(self.server)
        assert now == self.model, f"the ledger changed on its own ({differences(self.model, now)})"

    # -- reads -----------------------------------------------------------------------

    @rule(number_id=IDS, faults=FAULTS_NOW)
    def get(self, number_id: int, faults: Faults) -> None:
        self.check_got(number_id, self.call(lambda: self.client.numbers.get(number_id), faults))

    @rule(where=WHERE, faults=FAULTS_NOW)
    def list_numbers(self, where: Where, faults: Faults) -> None:
        query = {key: list(values) for key, values in where.items()}
        outcome = self.call(lambda: self.client.numbers.list(**query), faults)
        self.check_selected(where, outcome)

    @rule(ids=st.lists(IDS, max_size=6), faults=FAULTS_NOW)
    def get_many(self, ids: list[int], faults: Faults) -> None:
        api = self.client.numbers
        outcome = self.call(lambda: api.get_many(ids, return_exceptions=True), faults)
        if outcome.ok:
            assert len(outcome.value) == len(ids)
            for number_id, item in zip(ids, outcome.value, strict=True):
                error = item if isinstance(item, VirtnumError) else None
                result = Outcome(None if error else item, error=error)
                self.watch.check(result)
                self.check_got(number_id, result)

    @rule(where=WHERE, page_size=st.integers(1, 4), faults=FAULTS_NOW)
    def iter_numbers(self, where: Where, page_size: int, faults: Faults) -> None:
        query = {key: list(values) for key, values in where.items()}
        seen: list[Any] = []

        async def collect() -> list[Any]:
            async for number in self.client.numbers.iter(page_size=page_size, **query):
                seen.append(number)
            return seen

        outcome = self.call(collect, faults)
        self.check_selected(where, outcome)
        wanted = {r["id"]: r for r in selected(self.model.numbers, where)}
        for record in as_records(seen):  # what came before an error is right too
            assert wanted.get(record["id"]) == record, f"iter({where}) gave {record}"

    # -- writes ----------------------------------------------------------------------

    def write(self, write: Write, faults: Faults, served: int | None = None) -> None:
        """Make ``write`` (cancelled once the server took ``served`` requests, if
        given) and judge it against the ledger."""
        if write.secret is not None:
            self.watch.add(write.secret)
        if served is None:
            self.judge(write, self.call(write.make, faults))
        else:
            self.judge(write, self.interrupted(write.make, served, faults))

    def any_write(self, kind: str, number_id: int, index: int) -> Write:
        api, serial = self.client.numbers, self.next_serial()
        if kind == "update":
            return writes.update_comment(self.model, api, number_id, serial)
        if kind == "login" and writes.sip_ids(self.model):
            return writes.update_login(self.model, api, index, serial)
        if kind == "delete":
            return writes.delete(self.model, api, number_id)
        if kind == "add_mobile":
            return writes.add_mobile(self.model, api, index)
        return writes.add_sip(self.model, api, serial)

    @rule(number_id=IDS, faults=FAULTS_NOW)
    def update(self, number_id: int, faults: Faults) -> None:
        self.write(self.any_write("update", number_id, 0), faults)

    @rule(index=st.integers(0, 20), faults=FAULTS_NOW)
    def update_login(self, index: int, faults: Faults) -> None:
        """A SIP-registration number's login and password (an add, when there is none)."""
        self.write(self.any_write("login", 0, index), faults)

    @rule(number_id=IDS, faults=FAULTS_NOW)
    def delete(self, number_id: int, faults: Faults) -> None:
        self.write(self.any_write("delete", number_id, 0), faults)

    @rule(mobile=st.booleans(), index=st.integers(0, 20), faults=FAULTS_NOW)
    def add(self, mobile: bool, index: int, faults: Faults) -> None:
        self.write(self.any_write("add_mobile" if mobile else "add_sip", 0, index), faults)

    # -- closes, interrupts, the rest ------------------------------------------------

    @rule(proxy=st.sampled_from(PROXIES))
    def close_and_reopen(self, proxy: str) -> None:
        old = self.client
        self.runner.run(old.close())
        outcome = self.call(lambda: old.numbers.get(1), [])
        assert not outcome.ok, "a closed client still answered"
        self.client = self.new_client(proxy)

    @rule(ids=st.lists(IDS, min_size=1, max_size=5), served=st.integers(0, 2), faults=FAULTS_NOW)
    def close_with_calls_in_flight(self, ids: list[int], served: int, faults: Faults) -> None:
        """Close the client once the server has taken ``served`` of the calls (the rest
        wait for one of its two connections); every call ends in a result or an error."""
        client = self.client

        async def scenario() -> list[Outcome | BaseException]:
            calls = [asyncio.ensure_future(self.outcome(client.numbers.get(i))) for i in ids]
            await self.reached(served, calls[-1])
            await client.close()
            return await asyncio.gather(*calls, return_exceptions=True)

        switch_on(self.server, faults)
        outcomes = self.runner.run(self.guarded(scenario()))
        self.client = self.new_client("direct")
        for number_id, outcome in zip(ids, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                raise outcome
            self.watch.check(outcome)
            self.check_got(number_id, outcome)

    @rule(number_id=IDS, served=st.integers(0, 2), faults=FAULTS_NOW)
    def interrupt_get(self, number_id: int, served: int, faults: Faults) -> None:
        call = self.client.numbers.get
        self.check_got(number_id, self.interrupted(lambda: call(number_id), served, faults))

    @rule(where=WHERE, served=st.integers(0, 2), faults=FAULTS_NOW)
    def interrupt_list(self, where: Where, served: int, faults: Faults) -> None:
        query = {key: list(values) for key, values in where.items()}
        outcome = self.interrupted(lambda: self.client.numbers.list(**query), served, faults)
        self.check_selected(where, outcome)

    @rule(
        kind=st.sampled_from(["update", "login", "delete", "add_sip", "add_mobile"]),
        number_id=IDS,
        index=st.integers(0, 20),
        served=st.integers(0, 2),
        faults=FAULTS_NOW,
    )
    def interrupt_write(
        self, kind: str, number_id: int, index: int, served: int, faults: Faults
    ) -> None:
        self.write(self.any_write(kind, number_id, index), faults, served)

    @rule()
    def faults_wear_off(self) -> None:
        """A call with no fault left: the client recovers from whatever came before."""
        self.server.faults.clear()
        self.get(1, [])

    @rule(debug=st.booleans())
    def log_level(self, debug: bool) -> None:
        """DEBUG (every attempt observed and logged) or INFO (the lean path)."""
        self.log.setLevel(logging.DEBUG if debug else logging.INFO)


LedgerMachine.TestCase.settings = settings(
    max_examples=EXPLORE or 25,
    stateful_step_count=25,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
    # shrinking replays steps whose timing varies: minutes when exploring, not in CI
    phases=list(Phase) if EXPLORE else [Phase.explicit, Phase.generate],
)
TestLedger = LedgerMachine.TestCase
