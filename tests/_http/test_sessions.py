"""One AsyncClient from any event loop: a session per loop, closed before its loop; a
closed client refuses calls; with_options copies share the session, closed by the original."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aioresponses import aioresponses

from virtnum import APIConnectionError, APIError, AsyncClient, InternalServerError, VirtnumError
from virtnum.testing import FakeServer

from .._support import TOKEN, run_python
from ._calls import BASE, NUMBER_1, PAYLOAD, calls

SCRIPT = """
import asyncio, gc, os, sys, threading, warnings
warnings.simplefilter("error")
from virtnum import AsyncClient

client = AsyncClient(sys.argv[2], base_url=sys.argv[1])  # module level, as users write it


async def one(id):
    return (await client.numbers.get(id)).id


def fds():
    return len(os.listdir("/proc/self/fd"))


before = fds()
got = [asyncio.run(one(i)) for i in (1, 2, 3)]          # successive asyncio.run()
results = []
threads = [threading.Thread(target=lambda i=i: results.append(asyncio.run(one(i))))
           for i in range(4, 10)]                       # loops in several threads at once
for t in threads: t.start()
for t in threads: t.join()
got += sorted(results)
asyncio.run(client.close())
gc.collect()
print(got, fds() - before)
"""


def test_one_client_from_successive_runs_and_threads(threaded_server: FakeServer) -> None:
    result = run_python(SCRIPT, threaded_server.url, TOKEN, dev=True)
    assert result.returncode == 0, result.stderr
    numbers, leaked_fds = result.stdout.rsplit("]", 1)
    assert numbers + "]" == str(list(range(1, 10)))
    assert int(leaked_fds) <= 0  # every session, and its sockets, closed with its loop
    assert result.stderr == ""  # no "Unclosed client session", no ResourceWarning


DEAD_LOOP = """
import asyncio, gc, os, sys
from virtnum import AsyncClient

client = AsyncClient(sys.argv[2], base_url=sys.argv[1])


def fds():
    return len(os.listdir("/proc/self/fd"))


before = fds()
loop = asyncio.new_event_loop()
got = loop.run_until_complete(client.numbers.get(1)).id
loop.close()  # no shutdown_asyncgens: the session and its connection outlive the loop
asyncio.run(client.close())  # later, from another loop
left = fds() - before  # counted before the garbage collector could close anything
del loop
gc.collect()
print(got, left)
"""


def test_a_later_close_closes_what_a_loop_closed_without_shutdown_left(
    threaded_server: FakeServer,
) -> None:
    result = run_python(DEAD_LOOP, threaded_server.url, TOKEN, dev=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "0"]  # the connection's socket closed by close()
    assert result.stderr == ""  # no ResourceWarning, no "Unclosed client session"


async def test_close_closes_this_loops_session(threaded_server: FakeServer) -> None:
    client = AsyncClient(TOKEN, base_url=threaded_server.url)
    await client.numbers.get(1)
    session = client._transport.session
    assert session is not None
    assert not session.closed
    await client.close()
    assert session.closed
    with pytest.raises(VirtnumError, match="closed"):
        await client.numbers.get(1)


async def test_a_callers_session_on_another_loop_is_a_typed_error(
    threaded_server: FakeServer,
) -> None:
    import aiohttp
    from anyio.from_thread import start_blocking_portal

    async def make_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    with start_blocking_portal() as portal:
        foreign = portal.call(make_session)
        try:
            client = AsyncClient(TOKEN, base_url=threaded_server.url, session=foreign)
            with pytest.raises(VirtnumError, match="another event loop"):
                await client.numbers.get(1)
        finally:
            portal.call(foreign.close)


async def test_a_closed_callers_session_is_a_typed_error(threaded_server: FakeServer) -> None:
    import aiohttp

    session = aiohttp.ClientSession()
    await session.close()
    client = AsyncClient(TOKEN, base_url=threaded_server.url, session=session)
    with pytest.raises(VirtnumError, match="is closed"):
        await client.numbers.get(1)


async def _calls_waiting_for_the_pool(
    server: FakeServer, client: AsyncClient, count: int
) -> list[asyncio.Task[object]]:
    """``count`` calls on a stalled server: two on the wire, the rest waiting for them."""
    server.faults.delay(30.0)
    tasks: list[asyncio.Task[object]] = [
        asyncio.create_task(client.numbers.get(1 + i)) for i in range(count)
    ]
    for _ in range(1000):  # bounded: the two on the wire reach the server
        if server.in_flight >= 2:
            break
        await asyncio.sleep(0.01)
    assert server.in_flight == 2
    return tasks


async def test_closing_ends_calls_waiting_for_a_connection_with_typed_errors(
    server: FakeServer,
) -> None:
    client = AsyncClient(TOKEN, base_url=server.url, max_connections=2, max_retries=0)
    tasks = await _calls_waiting_for_the_pool(server, client, 8)
    await client.close()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(outcome, VirtnumError) for outcome in outcomes), outcomes
    waited = [o for o in outcomes if "waited for a connection" in str(o)]
    assert len(waited) == 6
    assert all(isinstance(o, APIConnectionError) and not o.request_sent for o in waited)


async def test_a_cancel_of_the_callers_own_task_is_still_a_cancel(server: FakeServer) -> None:
    client = AsyncClient(TOKEN, base_url=server.url, max_connections=2, max_retries=0)
    tasks = await _calls_waiting_for_the_pool(server, client, 4)
    tasks[3].cancel()  # waiting for a connection when its own task is cancelled
    with pytest.raises(asyncio.CancelledError):
        await tasks[3]
    await client.close()
    await asyncio.gather(*tasks[:3], return_exceptions=True)


async def test_use_after_close_raises() -> None:
    api = AsyncClient(TOKEN, base_url=BASE, max_retries=0)
    with aioresponses() as m:
        m.get(NUMBER_1, payload=PAYLOAD, repeat=True)
        assert (await api.numbers.get(1)).id == 1
        await api.close()
        assert api.is_closed
        with pytest.raises(VirtnumError, match="closed") as info:
            await api.numbers.get(1)
        assert not isinstance(info.value, APIError)
        with pytest.raises(VirtnumError, match="closed"):
            await api.numbers.list()
    assert len(calls(m)) == 1


async def test_use_after_close_without_any_request() -> None:
    api = AsyncClient(TOKEN, base_url=BASE)
    await api.close()
    with aioresponses() as m, pytest.raises(VirtnumError, match="closed"):
        await api.numbers.get(1)
    assert calls(m) == []


async def test_closed_client_cannot_be_reentered() -> None:
    api = AsyncClient(TOKEN, base_url=BASE)
    async with api:
        pass
    assert api.is_closed
    with pytest.raises(VirtnumError, match="closed"):
        async with api:
            pass


async def test_close_twice_is_fine() -> None:
    api = AsyncClient(TOKEN, base_url=BASE)
    with aioresponses() as m:
        m.get(NUMBER_1, payload=PAYLOAD)
        await api.numbers.get(1)
    await api.close()
    await api.close()
    assert api.is_closed


async def test_close_twice_without_session() -> None:
    api = AsyncClient(TOKEN, base_url=BASE)
    assert not api.is_closed
    await api.close()
    await api.close()
    assert api.is_closed


async def test_with_options_changes_only_the_copy(sleeps: list[float]) -> None:
    api = AsyncClient(TOKEN, base_url=BASE, max_retries=0, timeout=12.0)
    try:
        retrying = api.with_options(max_retries=5)
        assert retrying is not api
        assert retrying.max_retries == 5
        assert api.max_retries == 0
        assert retrying.base_url == api.base_url
        assert retrying.timeout.total == 12.0
        with aioresponses() as m:
            m.get(NUMBER_1, status=503, body="busy")
            m.get(NUMBER_1, payload=PAYLOAD)
            assert (await retrying.numbers.get(1)).id == 1
            m.get(NUMBER_1, status=503, body="busy")
            with pytest.raises(InternalServerError) as info:
                await api.numbers.get(1)
        assert info.value.attempts == 1
        assert len(sleeps) == 1
        # one session for both
        session = retrying._transport.session
        assert session is not None
        assert api._transport.session is session
        assert retrying._transport._shared is api._transport._shared
    finally:
        await api.close()


async def test_with_options_close_is_noop_and_original_close_closes_both() -> None:
    api = AsyncClient(TOKEN, base_url=BASE, max_retries=0)
    copy = api.with_options(max_retries=5)
    with aioresponses() as m:
        m.get(NUMBER_1, payload=PAYLOAD, repeat=True)
        await copy.numbers.get(1)
        await copy.close()
        assert not api.is_closed
        assert (await api.numbers.get(1)).id == 1
        await api.close()
        assert copy.is_closed
        with pytest.raises(VirtnumError, match="closed"):
            await copy.numbers.get(1)
    assert len(calls(m)) == 2


async def test_caller_session_is_not_closed() -> None:
    session = aiohttp.ClientSession()
    try:
        api = AsyncClient(TOKEN, base_url=BASE, session=session, max_retries=0)
        with aioresponses() as m:
            m.get(NUMBER_1, payload=PAYLOAD)
            assert (await api.numbers.get(1)).id == 1
        await api.close()
        assert api.is_closed
        assert not session.closed
    finally:
        await session.close()
