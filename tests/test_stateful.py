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

It is derandomized (the same examples on every run) and bounded for CI. To explore
more locally, with fresh random examples each run::

    VIRTNUM_STATEFUL_EXAMPLES=500 python -m pytest -q tests/test_stateful.py
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from virtnum import AsyncClient, NotFoundError, OutcomeUnknownError, VirtnumError, to_dict
from virtnum._http.transport import Transport
from virtnum.testing import FakeServer

from ._ledger import FILTER_VALUES, Outcome, SecretWatch, View, as_records, selected
from ._support import TOKEN

EXPLORE = int(os.environ.get("VIRTNUM_STATEFUL_EXAMPLES", "0"))
NUMBERS = 10
IDS = st.integers(1, NUMBERS + 4)  # some absent at first, some added later
TIMEOUT = 0.2  # the client's per-attempt timeout
STALL = 0.3  # a "delay" fault: longer than TIMEOUT
GUARD = 30.0  # a call still running after this long is hung
PROXY_USER, PROXY_PASSWORD = "proxy-user-4d2a", "proxy-pass-8e7f"
FAULTS = (
    "503",
    "500",
    "429",
    "429-overload",
    "reset",
    "delay",
    "truncate",
    "garbage",
    "redirect",
    "stale-200",
    "stale-404",
)


def _where() -> st.SearchStrategy[dict[str, tuple[str, ...]]]:
    def condition(key: str) -> st.SearchStrategy[tuple[str, tuple[str, ...]]]:
        values = st.lists(
            st.sampled_from(FILTER_VALUES[key.partition("__")[0]]),
            min_size=1,
            max_size=2,
            unique=True,
        )
        return st.tuples(st.just(key), values.map(tuple))

    keys = [field + op for field in FILTER_VALUES for op in ("", "__ne")]
    return st.lists(st.sampled_from(keys).flatmap(condition), max_size=2).map(dict)


WHERE = _where()
WRITES = st.sampled_from(["update", "password", "delete", "add_sip", "add_mobile"])


async def _no_pause(delay: float) -> None:
    await asyncio.sleep(0)


def add_fault(server: FakeServer, kind: str, count: int) -> None:
    faults = server.faults
    if kind in ("503", "500"):
        faults.fail(int(kind), count=count)
    elif kind == "429":
        faults.fail(429, retry_after="0", count=count)
    elif kind == "429-overload":
        faults.fail(429, count=count)
    elif kind == "delay":
        faults.delay(STALL, count=count)
    elif kind == "redirect":
        faults.redirect("/numbers/virtual-number", count=count)
    elif kind.startswith("stale-"):
        faults.stale(int(kind.removeprefix("stale-")), count=count)
    else:
        getattr(faults, kind)(count=count)


@attrs.frozen
class Write:
    """A write: ``what`` it is, ``make`` starts it, ``done(now)`` is the ledger it leaves
    if applied (None if it cannot apply), ``echo`` checks what a success returned."""

    what: str
    make: Callable[[], Awaitable[Any]]
    done: Callable[[View], View | None]
    echo: Callable[[Any, View], None]


class LedgerMachine(RuleBasedStateMachine):
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
        self.client = self.new_client(proxy=False)
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

    def new_client(self, *, proxy: bool) -> AsyncClient:
        url = self.server.url
        via = url.replace("http://", f"http://{PROXY_USER}:{PROXY_PASSWORD}@") if proxy else None
        return AsyncClient(
            TOKEN,
            base_url=url,
            allow_insecure_http=True,
            timeout=TIMEOUT,
            connect_timeout=TIMEOUT,
            max_retries=1,
            max_connections=2,
            proxy=via,
        )

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    # -- running calls ---------------------------------------------------------------

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
        writes of timed-out requests applied, stale answers delivered)."""
        async with asyncio.timeout(GUARD) as guard:
            try:
                result = await scenario
            except TimeoutError:
                assert not guard.expired(), f"a call still ran after {GUARD}s"
                raise
        for _ in range(int(GUARD / 0.01)):
            if self.server.idle:
                break
            await asyncio.sleep(0.01)
        assert self.server.idle, "the server never became idle"
        for _ in range(5):  # let the client's side read what arrived
            await asyncio.sleep(0)
        return result

    def call(self, make: Callable[[], Awaitable[Any]]) -> Outcome:
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

    def interrupted(self, make: Callable[[], Awaitable[Any]], served: int) -> Outcome:
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

        outcome: Outcome = self.runner.run(self.guarded(scenario()))
        self.watch.check(outcome)
        return outcome

    # -- checks ----------------------------------------------------------------------

    def check_got(self, number_id: int, outcome: Outcome) -> None:
        numbers = self.model.numbers
        if outcome.ok:
            assert number_id in numbers, f"get({number_id}) gave a number the server lacks"
            got = to_dict(outcome.value)
            assert got == numbers[number_id], f"get({number_id}) gave {got}"
        elif isinstance(outcome.error, NotFoundError):
            assert number_id not in numbers, (
                f"get({number_id}) raised NotFoundError, yet the server has it: {outcome.error}"
            )

    def check_selected(self, where: dict[str, tuple[str, ...]], outcome: Outcome) -> None:
        if outcome.ok:
            got, wanted = as_records(outcome.value), selected(self.model.numbers, where)
            assert got == wanted, (
                f"list({where}) gave ids {[r['id'] for r in got]}, "
                f"the server has {[r['id'] for r in wanted]}"
            )

    def judge(self, write: Write, outcome: Outcome) -> None:
        now = View.of(self.server)
        applied = write.done(now)
        if outcome.ok:
            assert now == applied, (
                f"{write.what} was reported done, but the ledger does not hold it "
                f"({differences(self.model, now)})"
            )
            write.echo(outcome.value, now)
        elif outcome.cancelled or isinstance(outcome.error, OutcomeUnknownError):
            assert now in (self.model, applied), (
                f"{write.what} (outcome unknown) left an unexpected ledger "
                f"({differences(self.model, now)})"
            )
        else:
            assert now == self.model, (
                f"{write.what} raised {type(outcome.error).__name__}: {outcome.error}, "
                f"yet the server applied it ({differences(self.model, now)})"
            )
        self.model = now

    @invariant()
    def ledger_is_the_model(self) -> None:
        now = View.of(self.server)
        assert now == self.model, f"the ledger changed on its own ({differences(self.model, now)})"

    # -- reads -----------------------------------------------------------------------

    @rule(number_id=IDS)
    def get(self, number_id: int) -> None:
        self.check_got(number_id, self.call(lambda: self.client.numbers.get(number_id)))

    @rule(where=WHERE)
    def list_numbers(self, where: dict[str, tuple[str, ...]]) -> None:
        query = {key: list(values) for key, values in where.items()}
        self.check_selected(where, self.call(lambda: self.client.numbers.list(**query)))

    @rule(ids=st.lists(IDS, max_size=6))
    def get_many(self, ids: list[int]) -> None:
        outcome = self.call(lambda: self.client.numbers.get_many(ids, return_exceptions=True))
        if outcome.ok:
            assert len(outcome.value) == len(ids)
            for number_id, item in zip(ids, outcome.value, strict=True):
                error = item if isinstance(item, VirtnumError) else None
                result = Outcome(None if error else item, error=error)
                self.watch.check(result)
                self.check_got(number_id, result)

    @rule(where=WHERE, page_size=st.integers(1, 4))
    def iter_numbers(self, where: dict[str, tuple[str, ...]], page_size: int) -> None:
        query = {key: list(values) for key, values in where.items()}
        seen: list[Any] = []

        async def collect() -> list[Any]:
            async for number in self.client.numbers.iter(page_size=page_size, **query):
                seen.append(number)
            return seen

        outcome = self.call(collect)
        self.check_selected(where, outcome)
        wanted = {r["id"]: r for r in selected(self.model.numbers, where)}
        for record in as_records(seen):  # what came before an error is right too
            assert wanted.get(record["id"]) == record, f"iter({where}) gave {record}"

    # -- writes ----------------------------------------------------------------------

    def update_comment(self, number_id: int) -> Write:
        comment = f"note {self.next_serial()}"
        model = self.model
        done = model.changed(number_id, comment=comment) if number_id in model.numbers else None

        def echo(value: Any, now: View) -> None:
            assert (value.id, value.comment) == (number_id, comment), f"update echoed {value!r}"

        return Write(
            f"update({number_id}, comment={comment!r})",
            lambda: self.client.numbers.update(number_id, comment=comment),
            lambda now: done,
            echo,
        )

    def update_password(self, index: int) -> Write:
        sip = sorted(i for i, r in self.model.numbers.items() if r["type"] == "sip_registration")
        number_id, serial = sip[index % len(sip)], self.next_serial()
        login, password = f"login-{serial}", f"sip-secret-{serial:04d}-Qx"
        self.watch.add(password)
        done = self.model.changed(number_id, login=login)
        done = attrs.evolve(done, passwords={**done.passwords, number_id: password})

        def echo(value: Any, now: View) -> None:
            assert value.id == number_id, repr(value)
            assert "password" not in to_dict(value)

        return Write(
            f"update({number_id}, login=..., password=...)",
            lambda: self.client.numbers.update(number_id, login=login, password=password),
            lambda now: done,
            echo,
        )

    def delete(self, number_id: int) -> Write:
        record = self.model.numbers.get(number_id)
        done = None
        if record is not None and record["type"] != "abc":  # city numbers stay
            numbers = {i: r for i, r in self.model.numbers.items() if i != number_id}
            passwords = {i: p for i, p in self.model.passwords.items() if i != number_id}
            done = attrs.evolve(self.model, numbers=numbers, passwords=passwords)
        return Write(
            f"delete({number_id})",
            lambda: self.client.numbers.delete(number_id),
            lambda now: done,
            lambda value, now: None,
        )

    def added(self, now: View, fields: dict[str, Any], **changes: Any) -> View | None:
        """``now`` if it is the model plus one new number with ``fields`` (and the
        ``changes`` to the rest of the view that adding it makes)."""
        new = [i for i in now.numbers if i not in self.model.numbers]
        if len(new) != 1:
            return None
        record = now.numbers[new[0]]
        if any(record.get(key) != value for key, value in fields.items()):
            return None
        expected = attrs.evolve(self.model, numbers={**self.model.numbers, new[0]: record})
        for name, change in changes.items():
            expected = attrs.evolve(expected, **{name: change(new[0])})
        return expected if expected == now else None

    def add_sip(self) -> Write:
        serial = self.next_serial()
        fields = {
            "number": f"7800{serial:07d}",
            "login": f"login-{serial}",
            "server_host": "sip.example",
            "server_port": 5060,
        }
        password = f"sip-secret-{serial:04d}-Qx"
        self.watch.add(password)
        passwords = self.model.passwords

        def echo(value: Any, now: View) -> None:
            assert value.number == fields["number"], repr(value)
            assert value.id in now.numbers, repr(value)
            assert "password" not in to_dict(value)

        return Write(
            f"add_sip_registration(number={fields['number']})",
            lambda: self.client.numbers.add_sip_registration(**fields, password=password),
            lambda now: self.added(
                now,
                {**fields, "type": "sip_registration"},
                passwords=lambda new: {**passwords, new: password},
            ),
            echo,
        )

    def add_mobile(self, index: int) -> Write:
        available = sorted(self.model.available)
        # one past the end: a number the contract does not offer (a 400)
        number = [*available, "79990000000"][index % (len(available) + 1)]
        left = self.model.available - {number}

        def echo(value: Any, now: View) -> None:
            assert value.number == number, repr(value)
            assert value.id in now.numbers, repr(value)

        return Write(
            f"add_mobile(number={number})",
            lambda: self.client.numbers.add_mobile(
                number=number, dgn_number="74950000001", purpose="company"
            ),
            lambda now: self.added(
                now,
                {"number": number, "type": "def", "state": "activation"},
                available=lambda new: left,
            ),
            echo,
        )

    def has_sip(self) -> bool:
        return any(r["type"] == "sip_registration" for r in self.model.numbers.values())

    def write(self, kind: str, number_id: int, index: int) -> Write:
        if kind == "update":
            return self.update_comment(number_id)
        if kind == "password" and self.has_sip():
            return self.update_password(index)
        if kind == "delete":
            return self.delete(number_id)
        if kind == "add_mobile":
            return self.add_mobile(index)
        return self.add_sip()

    @rule(kind=WRITES, number_id=IDS, index=st.integers(0, 20))
    def change(self, kind: str, number_id: int, index: int) -> None:
        write = self.write(kind, number_id, index)
        self.judge(write, self.call(write.make))

    # -- faults, closes, interrupts ----------------------------------------------------

    @rule(kind=st.sampled_from(FAULTS), count=st.integers(1, 3))
    def fault(self, kind: str, count: int) -> None:
        add_fault(self.server, kind, count)

    @rule()
    def no_faults(self) -> None:
        self.server.faults.clear()

    @rule(debug=st.booleans())
    def log_level(self, debug: bool) -> None:
        self.log.setLevel(logging.DEBUG if debug else logging.INFO)

    @rule(proxy=st.booleans())
    def close_and_reopen(self, proxy: bool) -> None:
        old = self.client
        self.runner.run(old.close())
        outcome = self.call(lambda: old.numbers.get(1))
        assert not outcome.ok, "a closed client still answered"
        self.client = self.new_client(proxy=proxy)

    @rule(ids=st.lists(IDS, min_size=1, max_size=5), served=st.integers(0, 2))
    def close_with_calls_in_flight(self, ids: list[int], served: int) -> None:
        """Close the client once the server has taken ``served`` of the calls (the rest
        wait for one of its two connections); every call ends in a result or an error."""
        client = self.client

        async def scenario() -> list[Outcome | BaseException]:
            calls = [asyncio.ensure_future(self.outcome(client.numbers.get(i))) for i in ids]
            await self.reached(served, calls[-1])
            await client.close()
            return await asyncio.gather(*calls, return_exceptions=True)

        outcomes = self.runner.run(self.guarded(scenario()))
        self.client = self.new_client(proxy=False)
        for number_id, outcome in zip(ids, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                raise outcome
            self.watch.check(outcome)
            self.check_got(number_id, outcome)

    @rule(number_id=IDS, served=st.integers(0, 2), where=WHERE, one=st.booleans())
    def interrupt_read(
        self, number_id: int, served: int, where: dict[str, tuple[str, ...]], one: bool
    ) -> None:
        if one:
            call = self.client.numbers.get
            self.check_got(number_id, self.interrupted(lambda: call(number_id), served))
            return
        query = {key: list(values) for key, values in where.items()}
        outcome = self.interrupted(lambda: self.client.numbers.list(**query), served)
        self.check_selected(where, outcome)

    @rule(kind=WRITES, number_id=IDS, index=st.integers(0, 20), served=st.integers(0, 2))
    def interrupt_write(self, kind: str, number_id: int, index: int, served: int) -> None:
        write = self.write(kind, number_id, index)
        self.judge(write, self.interrupted(write.make, served))

    @precondition(lambda self: self.server.faults.rules)
    @rule()
    def faults_wear_off(self) -> None:
        """Some calls with no fault left: the client recovers from whatever came before."""
        self.server.faults.clear()
        self.get(1)


def differences(before: View, after: View) -> str:
    """Which ids, capacity and passwords differ (never the passwords themselves)."""
    ids = sorted(
        i
        for i in before.numbers.keys() | after.numbers.keys()
        if before.numbers.get(i) != after.numbers.get(i)
    )
    parts = [f"numbers differ at ids {ids}"] if ids else []
    if before.available != after.available:
        parts.append(f"available {sorted(before.available ^ after.available)} differ")
    if before.passwords != after.passwords:
        parts.append("passwords differ")
    return "; ".join(parts) or "no difference"


LedgerMachine.TestCase.settings = settings(
    max_examples=EXPLORE or 20,
    stateful_step_count=25,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
)
TestLedger = LedgerMachine.TestCase
