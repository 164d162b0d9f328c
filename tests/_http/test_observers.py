"""Observers: only those that are on are held, and each sees every attempt, the first
success of a call included."""

from __future__ import annotations

import pytest

from virtnum import AsyncClient
from virtnum._http import transport
from virtnum._http.exchange import Exchange, Response
from virtnum._http.hooks import Hooks
from virtnum._http.observers import DebugLine, Ended, HookCalls, Observer, observers_for
from virtnum._redact import Redactor
from virtnum.testing import FakeServer

from .._support import TOKEN


def test_nothing_on_is_an_empty_tuple() -> None:
    assert observers_for(Hooks(), Redactor(TOKEN), debug=False) == ()


def test_each_concern_on_adds_its_observer() -> None:
    hooks = Hooks(on_response=(print,))
    found = observers_for(hooks, Redactor(TOKEN), debug=True)
    assert [type(observer) for observer in found] == [DebugLine, HookCalls]


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int | None]] = []

    async def started(self, exchange: Exchange, attempt: int) -> None:
        self.seen.append(("started", attempt, None))

    async def ended(self, ended: Ended) -> None:
        outcome = ended.outcome
        status = outcome.status if isinstance(outcome, Response) else None
        self.seen.append(("ended", ended.attempt, status))


async def test_a_new_observer_sees_a_first_attempt_success(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder()

    def with_recorder(*args: object, **kwargs: object) -> tuple[Observer, ...]:
        return (recorder,)

    monkeypatch.setattr(transport, "observers_for", with_recorder)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        await client.numbers.get(1)
    assert recorder.seen == [("started", 1, None), ("ended", 1, 200)]
