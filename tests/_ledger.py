"""Helpers of the stateful test: the server's state as one comparable value, what a
filter selects from it, call outcomes, and a watch for secrets in any output."""

from __future__ import annotations

import base64
import copy
import logging
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from virtnum import VirtnumError, to_dict
from virtnum.models import VirtualNumber
from virtnum.testing import FakeServer

Record = dict[str, Any]
#: Fields a list filter may name, with the values drawn for them.
FILTER_VALUES: dict[str, tuple[str, ...]] = {
    "type": ("def", "abc", "sip_registration", "sip_redirection", "toll_free"),
    "state": ("active", "activation", "debt_lock", "freeze"),
    "purpose": ("company", "employee", "not_specified"),
}


@attrs.frozen
class View:
    """What the server holds: numbers by id, the mobile numbers still available, and
    the SIP passwords by id (kept apart from the numbers)."""

    numbers: Mapping[int, Record]
    available: frozenset[str]
    passwords: Mapping[int, str]

    @classmethod
    def of(cls, server: FakeServer) -> View:
        return cls(server.ledger(), frozenset(server.capacity.available), dict(server.secrets))

    def with_numbers(self, numbers: Mapping[int, Record]) -> View:
        return attrs.evolve(self, numbers=numbers)

    def changed(self, number_id: int, **fields: Any) -> View:
        """This view with ``fields`` of number ``number_id`` changed."""
        numbers = copy.deepcopy(dict(self.numbers))
        numbers[number_id].update(fields)
        return self.with_numbers(numbers)


def matches(record: Record, where: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether ``record`` passes a filter: ``field`` is one of the values,
    ``field__ne`` none of them."""
    for key, values in where.items():
        field, _, operator = key.partition("__")
        if (record.get(field) in values) == (operator == "ne"):
            return False
    return True


def selected(numbers: Mapping[int, Record], where: Mapping[str, tuple[str, ...]]) -> list[Record]:
    return sorted((r for r in numbers.values() if matches(r, where)), key=lambda r: r["id"])


def as_records(items: Iterable[VirtualNumber]) -> list[Record]:
    """What the SDK returned, back in the API's JSON shape, by id."""
    return sorted((to_dict(item) for item in items), key=lambda r: r["id"])


@attrs.frozen
class Outcome:
    """How one call ended: its result, the VirtnumError it raised, or cancelled (by the
    test, which is the only one allowed to cancel)."""

    value: Any = None
    error: VirtnumError | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled


class SecretWatch(logging.Handler):
    """Collects every record the ``virtnum`` loggers emit and checks text for secrets
    (as given, and as an HTTP Basic credential)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.secrets: set[str] = set()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def add(self, *secrets: str) -> None:
        self.secrets.update(secrets)

    def add_basic(self, user: str, password: str) -> None:
        self.add(user, password, base64.b64encode(f"{user}:{password}".encode()).decode())

    def assert_clean(self, text: str, where: str) -> None:
        for secret in self.secrets:
            assert secret not in text, f"a secret ({secret[:4]}...) appears in {where}: {text}"

    def check(self, outcome: Outcome) -> None:
        """No secret in the logs so far, nor in the outcome's error (its whole chain,
        as a traceback shows it) or value."""
        lines, self.lines = self.lines, []
        for line in lines:
            self.assert_clean(line, "a log record")
        if outcome.error is not None:
            error = outcome.error
            shown = "".join(traceback.format_exception(error)) + repr(error)
            self.assert_clean(shown + repr(vars(error)), f"a {type(error).__name__}")
        self.assert_clean(repr(outcome.value), "a call's result")
