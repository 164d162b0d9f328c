"""Connection failures say where and why; TLS failures are not retried; proxies are used."""

from __future__ import annotations

import socket
import ssl

import pytest

from virtnum import APIConnectionError, AsyncClient
from virtnum.testing import FakeServer

from .._support import TOKEN


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_refused_connection_names_host_port_and_reason() -> None:
    port = _closed_port()
    async with AsyncClient(TOKEN, base_url=f"http://127.0.0.1:{port}", max_retries=0) as api:
        with pytest.raises(APIConnectionError) as info:
            await api.numbers.get(1)
    assert f"connection failed: 127.0.0.1:{port}: connection refused" in str(info.value)
    assert info.value.reason == "connection refused"
    assert "ClientConnectorError" in info.value.detail
    assert TOKEN not in info.value.detail


async def test_https_to_a_plain_http_server_is_a_tls_failure_tried_once(
    server: FakeServer,
) -> None:
    https = server.url.replace("http://", "https://")
    async with AsyncClient(TOKEN, base_url=https, max_retries=3) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.numbers.get(1)
    assert info.value.reason == "TLS/certificate failure"
    assert info.value.attempts == 1


async def test_requests_go_through_the_proxy(server: FakeServer) -> None:
    """FakeServer answers absolute-form requests too, so it can stand in for a proxy to
    an origin that does not exist."""
    origin = f"http://127.0.0.1:{_closed_port()}"
    async with AsyncClient(TOKEN, base_url=origin, proxy=server.url) as client:
        assert (await client.numbers.get(4)).id == 4
    assert server.requests[-1].path == "/numbers/virtual-number/4"


@pytest.mark.parametrize("bad", ["ftp://proxy", "not a url", 5, "http://"])
def test_a_bad_proxy_is_refused_at_construction(bad: object) -> None:
    with pytest.raises(ValueError, match="proxy"):
        AsyncClient(TOKEN, base_url="https://example.invalid", proxy=bad)  # type: ignore[arg-type]


def test_ssl_takes_a_context_or_a_bool() -> None:
    AsyncClient(TOKEN, base_url="https://example.invalid", ssl=ssl.create_default_context())
    AsyncClient(TOKEN, base_url="https://example.invalid", ssl=False)
    with pytest.raises(TypeError, match="ssl"):
        AsyncClient(TOKEN, base_url="https://example.invalid", ssl="no")  # type: ignore[arg-type]
