"""Blocking-client lifecycles real applications have: forks, temporary clients, closing
from a callback."""

from __future__ import annotations

import asyncio
import gc
import threading
import time

import pytest

from virtnum import Client, VirtnumError
from virtnum.testing import FakeServer

from .._support import TOKEN, run_python

FORK = """
import os, signal, sys
from virtnum import Client

signal.alarm(30)  # a hang fails the test instead of blocking it
client = Client(sys.argv[2], base_url=sys.argv[1])  # module level, made before the fork
assert client.numbers.get(1).id == 1
copy = client.with_options(max_retries=1)
pid = os.fork()
if pid == 0:  # the child: the parent's loop thread does not exist here
    try:
        ok = client.numbers.get(2).id == 2 and copy.numbers.get(3).id == 3
        ok = ok and [n.id for n in client.numbers.iter(page_size=20)][:3] == [1, 2, 3]
        client.close()
    except BaseException as exc:
        print("child failed:", type(exc).__name__, exc, flush=True)
        os._exit(1)
    os._exit(0 if ok else 2)
_, status = os.waitpid(pid, 0)
assert client.numbers.get(4).id == 4  # the parent's client is untouched
client.close()
print("child exit", os.waitstatus_to_exitcode(status))
"""


def test_a_client_made_before_a_fork_works_in_the_child(threaded_server: FakeServer) -> None:
    result = run_python(FORK, threaded_server.url, TOKEN)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("child exit 0"), result.stdout


FORK_FROM_A_LOOP_THREAD = """
import asyncio, os, signal, sys, threading, warnings
from virtnum import AsyncClient

signal.alarm(30)  # a hang fails the test instead of blocking it
client = AsyncClient(sys.argv[2], base_url=sys.argv[1])
loop = asyncio.new_event_loop()
thread = threading.Thread(target=loop.run_forever)
thread.start()
assert asyncio.run_coroutine_threadsafe(client.numbers.get(1), loop).result().id == 1


class FrozenClock(asyncio.SelectorEventLoop):
    def time(self):
        return 0.0  # a wait with a timeout never ends by itself on this loop


with warnings.catch_warnings():  # forking with a loop thread running is the case tested
    warnings.simplefilter("ignore", DeprecationWarning)
    pid = os.fork()
if pid == 0:  # the child: the parent's loop thread does not exist here
    signal.alarm(10)  # alarms are not inherited
    with asyncio.Runner(loop_factory=FrozenClock) as runner:
        runner.run(client.close())  # must not wait for the parent's loop
    os._exit(0 if client.is_closed else 2)
_, status = os.waitpid(pid, 0)
print("child exit", os.waitstatus_to_exitcode(status))
call = client.numbers.get(2)  # the parent's session and sockets are untouched
print("then", asyncio.run_coroutine_threadsafe(call, loop).result().id)
asyncio.run_coroutine_threadsafe(client.close(), loop).result()
loop.call_soon_threadsafe(loop.stop)
thread.join()
loop.close()
"""


def test_close_in_a_forked_child_leaves_the_parents_loop_alone(
    threaded_server: FakeServer,
) -> None:
    result = run_python(FORK_FROM_A_LOOP_THREAD, threaded_server.url, TOKEN)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["child exit 0", "then 2"], result.stdout
    assert result.stderr == ""


CLOSE_DURING_CALLS = """
import asyncio, sys, threading, time
from virtnum import Client, VirtnumError
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread


async def via_the_background_loop(client):
    return client.numbers.get(1).id


outcomes = set()
with serving_in_thread(FakeServer(20, token="tok-close")) as server:
    for _ in range(10):  # the race showed in about half of the runs
        server.faults.clear()
        client = Client("tok-close", base_url=server.url)
        assert asyncio.run(via_the_background_loop(client)) == 1
        server.faults.delay(30.0)
        before = server.in_flight

        def call(id):
            try:
                client.numbers.get(id)
            except BaseException as exc:
                outcomes.add(type(exc).__name__)

        threads = [threading.Thread(target=call, args=(i,)) for i in range(2, 18)]
        for thread in threads:
            thread.start()
        for _ in range(1000):  # bounded: the calls reach the server
            if server.in_flight >= before + 16:
                break
            time.sleep(0.01)
        client.close()
        for thread in threads:
            thread.join()
print(sorted(outcomes))
"""


def test_closing_during_calls_prints_nothing_but_their_errors() -> None:
    """Threads mid-call on their own loops, a session on the background loop too: the
    close must not race the threads' own loop shutdowns (no "Future exception was never
    retrieved", no "Task was destroyed")."""
    done = run_python(CLOSE_DURING_CALLS, seconds=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['VirtnumError']"]
    assert done.stderr == ""


def _drop(holder: list[Client]) -> None:
    """Let go of the clients in ``holder`` and collect them (they sit in a cycle)."""
    holder.clear()
    gc.collect()


def test_a_copy_of_a_temporary_client_keeps_working(threaded_server: FakeServer) -> None:
    copy = Client(TOKEN, base_url=threaded_server.url).with_options(max_retries=1)
    gc.collect()  # the original is gone; the copy keeps the thread alive
    assert copy.numbers.get(2).id == 2
    assert not copy.is_closed
    holder = [copy]
    del copy
    with pytest.warns(ResourceWarning, match="never closed"):
        _drop(holder)  # the last client sharing the thread, never closed


def test_the_thread_stops_when_the_last_sharing_client_is_collected(
    threaded_server: FakeServer,
) -> None:
    before = threading.active_count()
    client = Client(TOKEN, base_url=threaded_server.url)
    copy = client.with_options(max_retries=0)
    assert copy.numbers.get(1).id == 1
    del client
    gc.collect()
    assert copy.numbers.get(2).id == 2
    holder = [copy]
    del copy
    with pytest.warns(ResourceWarning, match=r"made at .*test_lifecycle.py:\d+ was never"):
        _drop(holder)  # the last one, forgotten: the thread stops, with a warning
    deadline = time.monotonic() + 10
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == before


def test_close_from_an_on_progress_callback(threaded_server: FakeServer) -> None:
    before = threading.active_count()
    client = Client(TOKEN, base_url=threaded_server.url)
    with pytest.raises(VirtnumError, match="closed"):
        client.numbers.get_many(range(1, 30), concurrency=2, on_progress=lambda *_: client.close())
    assert client.is_closed
    with pytest.raises(VirtnumError, match="closed"):
        client.numbers.get(1)
    deadline = time.monotonic() + 10
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == before  # no thread left behind


def test_a_closed_client_collected_inside_a_running_loop_starts_no_thread(
    threaded_server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(TOKEN, base_url=threaded_server.url)
    assert client.numbers.get(1).id == 1  # this thread's loop now holds a session
    client.close()

    def no_thread(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a thread was started")  # as deep in a recursion: none can

    async def collect() -> None:
        nonlocal client
        monkeypatch.setattr(threading, "Thread", no_thread)
        del client
        gc.collect()

    asyncio.run(collect())
