"""Shared fixtures: seed JSON, a FakeServer on the test's loop, one on its own thread."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from virtnum import AsyncClient, Client
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

DATA = Path(__file__).parent / "data"
TOKEN = "secret-token-9f3b2c"


def user_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell for a subprocess: this machine's ``PYTHON*``
    variables (PYTHONUNBUFFERED, PYTHONDONTWRITEBYTECODE, ...) removed, ``extra`` added."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    env.update(extra)
    return env


def load_seed(name: str) -> Any:
    """One of the seed examples under tests/data, parsed with the stdlib json module."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


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
