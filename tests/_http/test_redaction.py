"""No secret leaks: the token, a wrong token, or a password the server sends.

A failing run (good calls, 404, 5xx/429/400 with and without retries, resets, a
truncated body, a garbage page echoing the secrets, a wrong token, a bad record)
through the async and the blocking client, then a search for the secrets in every log
record, every exception (its whole chain, its traceback), every client repr and every
returned model's repr. A record's ``extra`` may hold the password: its repr may not.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from virtnum import APITimeoutError, AsyncClient, Client, VirtualNumber
from virtnum.testing import FakeServer, synthetic_numbers
from virtnum.testing.pytest_plugin import serving_in_thread

from ._leaks import (
    BAD_ID,
    PASSWORD,
    PASSWORD_ID,
    TOKEN,
    WRONG_TOKEN,
    Leaks,
    Run,
    check_levels,
    expect,
    injected_as_scripted,
    scan_error,
    scan_logs,
)

# A GET never had the password, so the SDK cannot know to cut it from a proxy page that
# echoes it; the token it does know, and that is what this page echoes.
GARBAGE = f"<html>{TOKEN} {TOKEN}</html>".encode()


def records() -> list[dict[str, Any]]:
    data = synthetic_numbers(20)
    data[5]["password"] = PASSWORD
    data[5]["login"] = "sipuser"
    assert data[5]["id"] == PASSWORD_ID
    data.append({"id": BAD_ID, "type": "toll_free", "group_id": PASSWORD, "password": PASSWORD})
    return data


@pytest.fixture
async def secret_server() -> AsyncIterator[FakeServer]:
    async with FakeServer(records(), token=TOKEN) as fake:
        yield fake


@pytest.fixture
def threaded_secret_server() -> Iterator[FakeServer]:
    with serving_in_thread(FakeServer(records(), token=TOKEN)) as fake:
        yield fake


async def test_async_failing_run_leaks_no_secret(
    secret_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="virtnum")
    server, faults, run = secret_server, secret_server.faults, Run()
    async with AsyncClient(TOKEN, base_url=server.url, max_retries=2) as client:
        numbers = client.numbers
        once = client.with_options(max_retries=1)
        await run.acall("get the password record", lambda: numbers.get(PASSWORD_ID))
        await run.acall("list def", lambda: numbers.list(type="def"))
        await run.acall("list the password record", lambda: numbers.list(id=PASSWORD_ID))
        await run.acall("get unknown id", lambda: numbers.get(10_000))
        await run.acall(
            "get_many in place",
            lambda: numbers.get_many([PASSWORD_ID, 10_000, 1], return_exceptions=True),
        )
        faults.fail(500, count=3)
        await run.acall("500 x3 exhausts the retries", lambda: numbers.get(1))
        faults.fail(429, count=1, retry_after="0")
        await run.acall("429 then success", lambda: numbers.get(2))
        # aiohttp itself resends an idempotent request once when a reused keep-alive
        # connection is reset, so one SDK attempt may use up two resets: give plenty.
        faults.reset(count=10)
        await run.acall("resets exhaust one retry", lambda: once.numbers.get(3))
        faults.clear()
        faults.reset(count=2)
        await run.acall("reset x2 then success", lambda: numbers.get(PASSWORD_ID))
        faults.truncate(count=1)
        await run.acall("truncated then success", lambda: numbers.list(type="abc"))
        faults.garbage(body=GARBAGE, count=1)
        await run.acall("garbage page", lambda: numbers.get(4))
        faults.fail(400, count=1, body=TOKEN.encode())
        await run.acall("400 echoing the token", lambda: numbers.get(5))
        await run.acall("get the bad record", lambda: numbers.get(BAD_ID))
        await run.acall("list with the bad record", lambda: numbers.list())
        await run.acall("iter with the bad record", lambda: _drain(numbers.iter(page_size=7)))
        injected_as_scripted(faults)
        run.reprs += [
            ("repr() of the AsyncClient", repr(client)),
            ("repr() of its with_options copy", repr(once)),
            ("repr() of the transport config", repr(client._transport.config)),
            ("repr() of the transport", repr(client._transport)),
        ]
    async with AsyncClient(WRONG_TOKEN, base_url=server.url) as wrong:
        await run.acall("wrong token get", lambda: wrong.numbers.get(1))
        await run.acall("wrong token list", lambda: wrong.numbers.list(type="def"))
        run.reprs += [
            ("repr() of the wrong-token client", repr(wrong)),
            ("repr() of the wrong-token config", repr(wrong._transport.config)),
        ]
    run.finish(AsyncClient, server.url, caplog)


async def _drain(iterator: Any) -> list[VirtualNumber]:
    return [item async for item in iterator]


def test_sync_failing_run_leaks_no_secret(
    threaded_secret_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="virtnum")
    server, faults, run = threaded_secret_server, threaded_secret_server.faults, Run()
    with Client(TOKEN, base_url=server.url, max_retries=2) as client:
        numbers = client.numbers
        once = client.with_options(max_retries=1)
        run.call("get the password record", lambda: numbers.get(PASSWORD_ID))
        run.call("list def", lambda: numbers.list(type="def"))
        run.call("list the password record", lambda: numbers.list(id=PASSWORD_ID))
        run.call("get unknown id", lambda: numbers.get(10_000))
        run.call(
            "get_many in place",
            lambda: numbers.get_many([PASSWORD_ID, 10_000, 1], return_exceptions=True),
        )
        faults.fail(500, count=3)
        run.call("500 x3 exhausts the retries", lambda: numbers.get(1))
        faults.fail(429, count=1, retry_after="0")
        run.call("429 then success", lambda: numbers.get(2))
        # aiohttp itself resends an idempotent request once when a reused keep-alive
        # connection is reset, so one SDK attempt may use up two resets: give plenty.
        faults.reset(count=10)
        run.call("resets exhaust one retry", lambda: once.numbers.get(3))
        faults.clear()
        faults.reset(count=2)
        run.call("reset x2 then success", lambda: numbers.get(PASSWORD_ID))
        faults.truncate(count=1)
        run.call("truncated then success", lambda: numbers.list(type="abc"))
        faults.garbage(body=GARBAGE, count=1)
        run.call("garbage page", lambda: numbers.get(4))
        faults.fail(400, count=1, body=TOKEN.encode())
        run.call("400 echoing the token", lambda: numbers.get(5))
        run.call("get the bad record", lambda: numbers.get(BAD_ID))
        run.call("list with the bad record", lambda: numbers.list())
        run.call("iter with the bad record", lambda: list(numbers.iter(page_size=7)))
        injected_as_scripted(faults)
        run.reprs += [
            ("repr() of the Client", repr(client)),
            ("repr() of its with_options copy", repr(once)),
            ("repr() of the AsyncClient inside", repr(client._async)),
            ("repr() of the transport config", repr(client._async._transport.config)),
            ("repr() of the copy's config", repr(once._async._transport.config)),
        ]
    with Client(WRONG_TOKEN, base_url=server.url) as wrong:
        run.call("wrong token get", lambda: wrong.numbers.get(1))
        run.call("wrong token list", lambda: wrong.numbers.list(type="def"))
        run.reprs += [
            ("repr() of the wrong-token Client", repr(wrong)),
            ("repr() of the wrong-token config", repr(wrong._async._transport.config)),
        ]
    run.finish(Client, server.url, caplog)


async def test_timeouts_leak_no_secret(
    secret_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="virtnum")
    secret_server.faults.delay(0.5, count=2)
    run = Run()
    async with AsyncClient(TOKEN, base_url=secret_server.url, timeout=0.1, max_retries=1) as c:
        await run.acall("timeout", lambda: c.numbers.list(type="def"))
    expect(APITimeoutError, run.errors, "timeout")
    leaks = Leaks()
    scan_error(leaks, "timeout", run.errors[0][1])
    scan_logs(leaks, caplog)
    assert leaks.found == [], "secrets leaked:\n" + "\n".join(leaks.found)
    check_levels(caplog, "type=def")


async def test_info_logs_carry_no_query_string(
    secret_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="virtnum")
    secret_server.faults.fail(503, count=1)
    secret_server.faults.fail(429, count=1, retry_after="0")
    async with AsyncClient(TOKEN, base_url=secret_server.url) as client:
        found = await client.numbers.list(type="def", state="active")
    assert found
    assert all(n.type == "def" and n.state == "active" for n in found)
    retries = [r for r in caplog.records if r.levelno >= logging.INFO and r.name == "virtnum"]
    assert len(retries) == 2
    for record in retries:
        assert "/numbers/virtual-number" in record.getMessage()
        assert "type" not in record.getMessage()
    check_levels(caplog, "state=active&type=def")


def test_the_leak_finder_finds_leaks() -> None:
    leaks = Leaks()
    leaks.scan("a", f"x{TOKEN}x")
    leaks.scan("b", f"x{WRONG_TOKEN}")
    leaks.scan("c", f"{PASSWORD}")
    leaks.scan("d", TOKEN[:11])
    leaks.scan("e", "nothing here")
    assert [entry.split(":")[0] for entry in leaks.found] == [
        "token in a",
        "wrong token in b",
        "password in c",
        "part of a secret in d",
    ]
    try:
        try:
            raise KeyError(TOKEN)
        except KeyError as inner:
            raise ValueError("outer") from inner
    except ValueError as caught:
        chained = Leaks()
        scan_error(chained, "chained", caught)
    assert any("chain link 1: KeyError" in entry for entry in chained.found), chained.found
