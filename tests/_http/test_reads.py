"""Smaller socket reads: the SDK's connections read 64 KiB at a time, plain or TLS."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

import virtnum._http.exchange as exchange
from virtnum import AsyncClient
from virtnum._http.reads import READ_SIZE, smaller_reads
from virtnum.testing import FakeServer

ASYNCIO_DEFAULT = 256 * 1024


def _response(transport: Any) -> Any:
    return SimpleNamespace(_protocol=SimpleNamespace(transport=transport))


def test_a_plain_transport_reads_at_most_read_size() -> None:
    transport = SimpleNamespace(max_size=ASYNCIO_DEFAULT)
    smaller_reads(_response(transport))
    assert transport.max_size == READ_SIZE


def test_a_tls_transport_bounds_the_layer_that_decrypts() -> None:
    ssl_protocol = SimpleNamespace(max_size=ASYNCIO_DEFAULT)
    transport = SimpleNamespace(_ssl_protocol=ssl_protocol)
    smaller_reads(_response(transport))
    assert ssl_protocol.max_size == READ_SIZE
    assert not hasattr(transport, "max_size")


@pytest.mark.parametrize(
    "response",
    [
        SimpleNamespace(),  # aiohttp renamed its attribute
        _response(None),  # no transport (the connection is gone)
        _response(SimpleNamespace()),  # another event loop's transport
        _response(SimpleNamespace(max_size="big")),
    ],
)
def test_what_it_does_not_recognise_is_left_alone(response: Any) -> None:
    smaller_reads(response)
    transport = getattr(getattr(response, "_protocol", None), "transport", None)
    assert getattr(transport, "max_size", "big") == "big"


def test_a_transport_already_reading_less_is_left_alone() -> None:
    transport = SimpleNamespace(max_size=4096)
    smaller_reads(_response(transport))
    assert transport.max_size == 4096


async def test_the_clients_connections_read_64_kib_and_pages_still_decode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transports: list[Any] = []

    def recording(response: Any) -> None:
        smaller_reads(response)
        transports.append(response._protocol.transport)

    monkeypatch.setattr(exchange, "smaller_reads", recording)
    async with (
        FakeServer(1500, token="tok") as server,
        AsyncClient("tok", base_url=server.url, max_retries=0) as client,
    ):
        assert (await client.numbers.get(1)).id == 1
        numbers = await client.numbers.list()  # a body of many 64 KiB reads
    assert len(numbers) == 1500
    assert transports
    assert {t.max_size for t in transports} == {READ_SIZE}
