"""One AsyncClient from any event loop: a session per loop, closed before its loop."""

from __future__ import annotations

import asyncio

import pytest

from virtnum import APIConnectionError, AsyncClient, VirtnumError
from virtnum.testing import FakeServer

from .._support import TOKEN, run_python

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
