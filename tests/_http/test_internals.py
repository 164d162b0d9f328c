"""What `_http/internals.py` reads or sets of aiohttp's, asyncio's and CPython's private
state: each applies in the versions installed, and its absence does no harm."""

from __future__ import annotations

import asyncio
import types
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

import virtnum._http.exchange as exchange
import virtnum._http.internals as internals
from virtnum import AsyncClient
from virtnum._http.internals import (
    READ_SIZE,
    close_connections,
    loop_of,
    no_reconnect,
    set_sigint_handler,
    sigint_handler,
    smaller_reads,
)
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


async def test_the_private_attributes_read_are_there() -> None:
    connector = aiohttp.TCPConnector()
    try:
        assert isinstance(connector._conns, dict)
        assert isinstance(connector._acquired, set)
    finally:
        await connector.close()
    from asyncio.selector_events import _SelectorSocketTransport  # type: ignore[attr-defined]

    assert callable(_SelectorSocketTransport._call_connection_lost)


class _Placeholder:
    """A protocol with no transport (aiohttp's placeholder while connecting)."""


def test_their_absence_is_harmless() -> None:
    bare = types.SimpleNamespace()
    transport = types.SimpleNamespace(_ssl_protocol=types.SimpleNamespace())
    odd = types.SimpleNamespace(
        _conns={"key": [(types.SimpleNamespace(transport=transport), 0.0)]},
        _acquired={_Placeholder()},
    )
    for connector in (None, bare, odd):
        close_connections(connector)  # type: ignore[arg-type]


async def test_aiohttps_own_resend_is_turned_off_on_the_sdks_sessions() -> None:
    async with aiohttp.ClientSession() as session:
        assert session._retry_connection is True  # the private name this turns off
        no_reconnect(session)
        assert session._retry_connection is False


def test_without_aiohttps_resend_flag_nothing_is_set() -> None:
    bare = types.SimpleNamespace()
    no_reconnect(bare)  # type: ignore[arg-type]
    assert vars(bare) == {}


async def test_a_sessions_loop_is_read_and_unknown_without_the_attribute() -> None:
    async with aiohttp.ClientSession() as session:
        assert loop_of(session) is asyncio.get_running_loop()
    assert loop_of(types.SimpleNamespace()) is None  # type: ignore[arg-type]


def test_the_ctrl_c_handler_is_swapped_through_the_c_functions() -> None:
    """The public wrapper would turn SIG_IGN into an enum member: the C one does not."""
    import signal

    original = set_sigint_handler(internals._SIGNALS.SIG_IGN)
    try:
        ignored = set_sigint_handler(signal.default_int_handler)
        assert type(ignored) is int
        assert sigint_handler() is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, original)


def test_without_the_c_functions_the_public_ones_swap_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import signal
    import sys

    monkeypatch.setitem(sys.modules, "_signal", None)  # its import then fails
    monkeypatch.setattr(internals, "_SIGNALS", internals._c_signal())
    assert internals._SIGNALS is signal

    def mine(signum: int, frame: object) -> None: ...

    original = set_sigint_handler(mine)
    try:
        assert sigint_handler() is mine
        assert set_sigint_handler(original) is mine
    finally:
        signal.signal(signal.SIGINT, original)
