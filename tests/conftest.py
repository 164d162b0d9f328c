"""Shared fixtures: seed JSON, a FakeServer on the test's loop, one on its own thread."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from virtnum import AsyncClient, Client
from virtnum._http.transport import Transport
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

from ._support import TOKEN, load_seed

# The tests' own subprocesses (python -m pytest, mypy, mkdocs, ...) turn warnings into
# errors too, as filterwarnings = error does here; user_env() sets the same.
os.environ["PYTHONWARNINGS"] = "error"


@pytest.fixture
def seed_number() -> dict[str, Any]:
    return load_seed("seed_000_get_number.json")  # type: ignore[no-any-return]


@pytest.fixture
def seed_list() -> list[dict[str, Any]]:
    return load_seed("seed_001_list_numbers.json")  # type: ignore[no-any-return]


@pytest.fixture
def seed_outbound() -> list[dict[str, Any]]:
    return load_seed("seed_002_outbound_numbers.json")  # type: ignore[no-any-return]


@pytest.fixture
async def server() -> AsyncIterator[FakeServer]:
    """A FakeServer with 50 synthetic numbers on the test's own event loop."""
    async with FakeServer(50, token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def client(server: FakeServer) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(TOKEN, base_url=server.url) as api:
        yield api


@pytest.fixture
def threaded_server() -> Iterator[FakeServer]:
    """A FakeServer with 50 synthetic numbers on a thread of its own."""
    with serving_in_thread(FakeServer(50, token=TOKEN)) as fake:
        yield fake


@pytest.fixture
def sync_client(threaded_server: FakeServer) -> Iterator[Client]:
    with Client(TOKEN, base_url=threaded_server.url) as api:
        yield api


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The transport's pause between attempts, as a recording no-op."""
    delays: list[float] = []

    async def fake_sleep(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr(Transport, "sleep", fake_sleep)
    return delays
