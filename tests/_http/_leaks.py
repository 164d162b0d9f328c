"""The secret-leak search of tests/_http/test_redaction.py: the secrets, where it looks
(errors and their chains, models, reprs, log records) and a failing run's record."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

from virtnum import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    ResponseValidationError,
    VirtualNumber,
)
from virtnum.testing import Faults

TOKEN = "tok-SECRET-7c1e"
PASSWORD = "pw-SECRET-55aa"
WRONG_TOKEN = "wrong-tok-SECRET-d00d"
HIDDEN = {"token": TOKEN, "wrong token": WRONG_TOKEN, "password": PASSWORD}
MARKER = "SECRET"  # in every secret: catches a secret cut in half, too

PASSWORD_ID = 6  # the record that carries "password" and "login"
BAD_ID = 99  # a record with a field of the wrong type (holding the password)


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
