"""No secret leaks: the token, a wrong token, or a password the server sends.

A failing run (good calls, 404, 5xx/429/400 with and without retries, resets, a
truncated body, a garbage page echoing the secrets, a wrong token, a bad record)
through the async and the blocking client, then a search for the secrets in every log
record, every exception (its whole chain, its traceback), every client repr and every
returned model's repr. A record's ``extra`` may hold the password: its repr may not.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import pytest

from virtnum import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    InternalServerError,
    NotFoundError,
    ResponseValidationError,
    VirtualNumber,
)
from virtnum.testing import FakeServer, Faults, synthetic_numbers
from virtnum.testing.pytest_plugin import serving_in_thread

TOKEN = "tok-SECRET-7c1e"
PASSWORD = "pw-SECRET-55aa"
WRONG_TOKEN = "wrong-tok-SECRET-d00d"
HIDDEN = {"token": TOKEN, "wrong token": WRONG_TOKEN, "password": PASSWORD}
MARKER = "SECRET"  # in every secret: catches a secret cut in half, too

PASSWORD_ID = 6  # the record that carries "password" and "login"
BAD_ID = 99  # a record with a field of the wrong type (holding the password)
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


class Leaks:
    """Looks for the secrets in texts and remembers where each one was found."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.looked = 0

    def scan(self, where: str, text: str) -> None:
        self.looked += 1
        for label, secret in [*HIDDEN.items(), ("part of a secret", MARKER)]:
            at = text.find(secret)
            if at >= 0:
                shown = text[max(0, at - 150) : at + 150]
                self.found.append(f"{label} in {where}: ...{shown!r}...")
                return


def chain(error: BaseException) -> Iterator[BaseException]:
    """The error and everything reachable through __cause__, __context__ and groups."""
    seen: set[int] = set()
    todo = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        todo.extend(getattr(current, "exceptions", ()))


def scan_error(leaks: Leaks, label: str, error: BaseException) -> None:
    leaks.scan(f"traceback of {label}", "".join(traceback.format_exception(error)))
    for depth, link in enumerate(chain(error)):
        where = f"{label} (chain link {depth}: {type(link).__name__})"
        leaks.scan(f"str() of {where}", str(link))
        leaks.scan(f"repr() of {where}", repr(link))
        leaks.scan(f"args of {where}", repr(link.args))
        for note in getattr(link, "__notes__", ()):
            leaks.scan(f"note of {where}", str(note))
        for attribute in ("message", "url", "body", "request_id", "errors"):
            if hasattr(link, attribute):
                leaks.scan(f".{attribute} of {where}", str(getattr(link, attribute)))
        for item in getattr(link, "partial", ()):
            leaks.scan(f"a partial record of {where}", repr(item))


def scan_numbers(leaks: Leaks, label: str, numbers: Iterable[VirtualNumber]) -> int:
    count = 0
    for number in numbers:
        count += 1
        leaks.scan(f"repr() of {label} #{number.id}", repr(number))
        leaks.scan(f"str() of {label} #{number.id}", str(number))
        leaks.scan(f"redirects of {label} #{number.id}", repr(number.from_redirect_numbers))
    return count


def scan_logs(leaks: Leaks, log: pytest.LogCaptureFixture) -> None:
    assert log.records, "the run should have logged"
    for index, record in enumerate(log.records):
        where = f"log record {index} ({record.levelname}: {record.msg!r})"
        leaks.scan(f"getMessage() of {where}", record.getMessage())
        leaks.scan(f"args of {where}", repr(record.args))
        leaks.scan(f"msg of {where}", str(record.msg))


def check_levels(log: pytest.LogCaptureFixture, debug_query: str) -> None:
    """INFO and up never show a query string; DEBUG shows the one of ``debug_query``."""
    virtnum_records = [r for r in log.records if r.name.startswith("virtnum")]
    loud = [r.getMessage() for r in virtnum_records if r.levelno >= logging.INFO]
    assert loud, "the retries should have been logged at INFO"
    assert [m for m in loud if "?" in m] == []
    quiet = [r.getMessage() for r in virtnum_records if r.levelno == logging.DEBUG]
    assert any(f"?{debug_query}" in m for m in quiet), quiet


def expect(kind: type[BaseException], errors: list[tuple[str, BaseException]], label: str) -> None:
    found = dict(errors)
    assert label in found, f"{label} should have failed"
    assert isinstance(found[label], kind), f"{label}: {found[label]!r}"


class Run:
    """Collects what a run produced: results, errors, reprs."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, BaseException]] = []
        self.numbers: list[tuple[str, VirtualNumber]] = []
        self.reprs: list[tuple[str, str]] = []

    def keep(self, label: str, result: Any) -> None:
        items = result if isinstance(result, list) else [result]
        for item in items:
            if isinstance(item, VirtualNumber):
                self.numbers.append((label, item))
            elif isinstance(item, BaseException):
                self.errors.append((f"{label} (in place)", item))

    async def acall(self, label: str, func: Callable[[], Any]) -> Any:
        try:
            result = await func()
        except (APIError, ValueError, TypeError) as exc:
            self.errors.append((label, exc))
            return None
        self.keep(label, result)
        return result

    def call(self, label: str, func: Callable[[], Any]) -> Any:
        try:
            result = func()
        except (APIError, ValueError, TypeError) as exc:
            self.errors.append((label, exc))
            return None
        self.keep(label, result)
        return result

    def check(self, log: pytest.LogCaptureFixture) -> None:
        leaks = Leaks()
        for label, error in self.errors:
            scan_error(leaks, label, error)
        shown = scan_numbers(leaks, "number", (n for _, n in self.numbers))
        assert shown >= 10
        for label, text in self.reprs:
            leaks.scan(label, text)
        scan_logs(leaks, log)
        assert leaks.looked > 100
        assert leaks.found == [], "secrets leaked:\n" + "\n".join(leaks.found)

    def finish(self, make: Callable[..., Any], url: str, log: pytest.LogCaptureFixture) -> None:
        """The last calls of a failing run: the client class ``make`` refusing a token with a
        newline and credentials in the base URL (of ``url``'s server); then every check."""
        self.call("token with a newline", lambda: make(TOKEN + "\n", base_url=url))
        self.call(
            "credentials in base_url",
            lambda: make(TOKEN, base_url=f"https://sipuser:{PASSWORD}@pbx.example"),
        )
        self.expectations()
        check_levels(log, "type=def")
        self.check(log)

    def expectations(self) -> None:
        expect(NotFoundError, self.errors, "get unknown id")
        expect(InternalServerError, self.errors, "500 x3 exhausts the retries")
        expect(APIConnectionError, self.errors, "resets exhaust one retry")
        expect(ResponseValidationError, self.errors, "garbage page")
        expect(BadRequestError, self.errors, "400 echoing the token")
        expect(ResponseValidationError, self.errors, "get the bad record")
        expect(ResponseValidationError, self.errors, "list with the bad record")
        expect(AuthenticationError, self.errors, "wrong token get")
        expect(AuthenticationError, self.errors, "wrong token list")
        expect(ValueError, self.errors, "token with a newline")
        expect(ValueError, self.errors, "credentials in base_url")
        failed = dict(self.errors)
        assert failed["500 x3 exhausts the retries"].attempts == 3  # type: ignore[attr-defined]
        in_place = [e for label, e in self.errors if label.endswith("(in place)")]
        assert any(isinstance(e, NotFoundError) for e in in_place)
        labels = {label for label, _ in self.numbers}
        for label in ("429 then success", "reset x2 then success", "truncated then success"):
            assert label in labels, f"{label} should have succeeded: {dict(self.errors)}"
        password_numbers = [n for _, n in self.numbers if n.id == PASSWORD_ID]
        assert password_numbers, "the record with the password should have come back"
        for number in password_numbers:  # the secret is there, so the repr checks mean something
            assert number.extra == {"password": PASSWORD, "login": "sipuser"}
            assert PASSWORD in repr(dict(number.extra))


def injected_as_scripted(faults: Faults) -> None:
    """The failing run's faults all struck: five failures, one truncation, one garbage
    page, and at least four resets (aiohttp may use up two on one attempt)."""
    assert faults.injected["fail"] == 5
    assert faults.injected["truncate"] == faults.injected["garbage"] == 1
    assert faults.injected["reset"] >= 4


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
