"""Closing the connections a session left on a loop that was closed without
``shutdown_asyncgens`` (``loop.run_until_complete(...)`` then ``loop.close()``).

Nothing runs on a closed loop, so its transports cannot close the usual way
(``transport.close()`` hands the rest to the loop), and aiohttp's ``close()`` skips
them. What the loop would have run is run here: each socket transport's
``_call_connection_lost`` (asyncio, private; CPython 3.11-3.13 checked), found through
the connector's pooled and in-use connections (``_conns`` and ``_acquired``, private to
aiohttp; 3.14.x checked) and, under TLS, the SSL protocol's ``_ssl_protocol._transport``
(asyncio). These are read here only. Where one is missing, nothing is done: the sockets
are left to the garbage collector, as before (a ResourceWarning, no error).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import aiohttp

__all__ = ["close_connections"]


def close_connections(connector: aiohttp.BaseConnector | None) -> None:
    """Close the sockets of ``connector``'s connections, whose loop is closed."""
    for protocol in _protocols(connector):
        transport = getattr(protocol, "transport", None)
        ssl_protocol = getattr(transport, "_ssl_protocol", None)
        if ssl_protocol is not None:  # TLS: the socket is the SSL protocol's transport's
            transport = getattr(ssl_protocol, "_transport", None)
        lost = getattr(transport, "_call_connection_lost", None)
        if lost is not None:
            # what the loop would have run (a closed loop refuses what it schedules, and
            # a transport it already finished has no socket left: both are let be)
            with contextlib.suppress(RuntimeError, AttributeError):
                lost(None)


def _protocols(connector: aiohttp.BaseConnector | None) -> Iterator[Any]:
    """The protocols of the connector's idle (pooled) and in-use connections."""
    pooled = getattr(connector, "_conns", None)
    if isinstance(pooled, dict):
        for connections in pooled.values():
            for entry in connections:
                yield entry[0]  # (protocol, time it was put back)
    acquired = getattr(connector, "_acquired", None)
    if isinstance(acquired, set):
        yield from list(acquired)
