"""Ctrl-C during a blocking call: the call in flight is cancelled and the client goes on,
also when the call is made inside a coroutine."""

from __future__ import annotations

CTRL_C = """
import asyncio, os, signal, sys, threading, time

# Ctrl-C at its default, as in a terminal: the test run may ignore SIGINT (a background
# job of a shell without job control does), and its children inherit that
signal.signal(signal.SIGINT, signal.default_int_handler)

from virtnum import Client
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

inside_a_coroutine = sys.argv[1] == "inside a coroutine"  # a notebook cell, say


def ctrl_c_once_stalled(server):
    for _ in range(3000):  # bounded: the call reaches the server
        if server.in_flight:
            os.kill(os.getpid(), signal.SIGINT)
            return
        time.sleep(0.01)


async def calling(call):
    return call()


def get(client, id):
    call = lambda: client.numbers.get(id)
    return asyncio.run(calling(call)) if inside_a_coroutine else call()


with serving_in_thread(FakeServer(5, token="tok-ctrl-c")) as server:
    server.faults.delay(30.0, count=1)
    with Client("tok-ctrl-c", base_url=server.url) as client:
        threading.Thread(target=ctrl_c_once_stalled, args=(server,)).start()
        try:
            get(client, 1)
            print("not interrupted")
        except KeyboardInterrupt:  # the server still stalls: the call did not complete
            print("interrupted while stalled:", server.in_flight == 1)
        print("then", get(client, 2).id)
"""


def _ctrl_c(where: str) -> list[str]:
    from .._support import run_python

    done = run_python(CTRL_C, where)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.splitlines()


def test_ctrl_c_cancels_the_call_in_flight_and_the_client_goes_on() -> None:
    assert _ctrl_c("plain") == ["interrupted while stalled: True", "then 2"]


def test_ctrl_c_interrupts_a_call_made_inside_a_coroutine() -> None:
    """asyncio.run's Ctrl-C handler only cancels its main task, which is blocked in the
    call: the call must take Ctrl-C over while it waits, as it does outside a loop."""
    assert _ctrl_c("inside a coroutine") == ["interrupted while stalled: True", "then 2"]


def test_a_handler_of_the_callers_own_is_left_in_place() -> None:
    """Only Python's default handler and asyncio.run's are replaced during a call."""
    import signal

    from virtnum._sync.ctrl_c import give_back_ctrl_c, take_ctrl_c

    def mine(signum: int, frame: object) -> None: ...

    def ours(signum: int, frame: object) -> None: ...

    original = signal.signal(signal.SIGINT, mine)
    try:
        assert take_ctrl_c(ours) is None
        assert signal.getsignal(signal.SIGINT) is mine
        signal.signal(signal.SIGINT, signal.default_int_handler)
        previous = take_ctrl_c(ours)
        assert signal.getsignal(signal.SIGINT) is ours
        give_back_ctrl_c(previous)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, original)
