"""pytest fixtures for testing code that uses virtnum, registered on install (``pytest11``).

- ``virtnum_fake_server``: a ``FakeServer`` with 50 synthetic numbers on a thread of its
  own, so sync and async tests (any event loop) can call it.
- ``virtnum_client``: a blocking ``Client`` bound to it, closed after the test.
- ``virtnum_async_client``: an ``AsyncClient`` bound to it, closed after the test (needs
  pytest-asyncio, or anyio's plugin for ``@pytest.mark.anyio`` tests).

Seed chosen numbers with ``@pytest.mark.virtnum_numbers(records_or_count)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal

from virtnum import AsyncClient, Client
from virtnum.testing._server import FakeServer

__all__ = [
    "FAKE_TOKEN",
    "serving_in_thread",
    "virtnum_async_client",
    "virtnum_client",
    "virtnum_fake_server",
]

#: The token the fixtures' server accepts and their clients send.
FAKE_TOKEN = "virtnum-fake-token"
_MARKER = "virtnum_numbers"

try:  # pytest-asyncio runs async fixtures in strict mode only when they are its own
    import pytest_asyncio

    _async_fixture: Callable[..., Any] = pytest_asyncio.fixture
except ImportError:  # pragma: no cover - depends on what the user installed
    _async_fixture = pytest.fixture


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(records_or_count): the numbers virtnum_fake_server starts with "
        "(a count of synthetic numbers, or a list of number records)",
    )


@contextmanager
def serving_in_thread(fake: FakeServer) -> Iterator[FakeServer]:
    """Run ``fake`` on an event loop of its own thread, for as long as the block lasts."""
    with start_blocking_portal() as portal:
        portal.call(fake.start)
        try:
            yield fake
        finally:
            portal.call(fake.close)


@pytest.fixture
def virtnum_fake_server(request: pytest.FixtureRequest) -> Iterator[FakeServer]:
    """A FakeServer on 127.0.0.1 (its own thread) accepting ``FAKE_TOKEN``."""
    marker = request.node.get_closest_marker(_MARKER)
    numbers = marker.args[0] if marker is not None and marker.args else 50
    with serving_in_thread(FakeServer(numbers, token=FAKE_TOKEN)) as fake:
        yield fake


@pytest.fixture
def virtnum_client(virtnum_fake_server: FakeServer) -> Iterator[Client]:
    """A blocking Client of ``virtnum_fake_server``."""
    with Client(FAKE_TOKEN, base_url=virtnum_fake_server.url) as client:
        yield client


@_async_fixture
async def virtnum_async_client(virtnum_fake_server: FakeServer) -> AsyncIterator[AsyncClient]:
    """An AsyncClient of ``virtnum_fake_server``, on the test's event loop."""
    async with AsyncClient(FAKE_TOKEN, base_url=virtnum_fake_server.url) as client:
        yield client
