"""The private attributes ``_http.dead_loop`` reads: present in the versions installed,
and harmless when missing (the sockets are then left to the garbage collector)."""

from __future__ import annotations

import types

import aiohttp

from virtnum._http.dead_loop import close_connections


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
