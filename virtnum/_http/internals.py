"""What the SDK reads or sets of aiohttp's, asyncio's and CPython's private state, all in
one place.

Each use is on purpose, measured or needed, checked on aiohttp 3.14.x and CPython 3.11
to 3.15, and harmless when its name is missing (``getattr``/``hasattr`` guard each one;
``tests/_http/test_internals.py`` proves both that each applies and that its absence
does no harm):

- ``smaller_reads``: asyncio's socket transport ``recv``s ``max_size`` bytes (256 KiB)
  on every read and shrinks the result; with glibc that allocation is above the mmap
  threshold (128 KiB), so each read costs an mmap, an mremap and a munmap
  (`benchmarks/RESULTS.md`). 64 KiB reads come from the heap. Reached through the
  response's ``_protocol`` (aiohttp) and, under TLS, the transport's ``_ssl_protocol``
  (asyncio); another event loop's transports have no such attribute and are left alone.
- ``no_reconnect``: aiohttp resends an idempotent request by itself when a reused
  connection drops (``ClientSession._retry_connection``); the transport's retry loop does
  that instead, so every request sent is counted and decided in one place.
- ``close_connections``: a loop closed without ``shutdown_asyncgens`` runs nothing more,
  so its transports cannot close the usual way and aiohttp's ``close()`` skips them. What
  the loop would have run is run here: each socket transport's ``_call_connection_lost``
  (asyncio), found through the connector's ``_conns`` and ``_acquired`` (aiohttp) and,
  under TLS, ``_ssl_protocol._transport`` (asyncio).
- ``loop_of``: the event loop a caller's own session belongs to (``_loop``; aiohttp's
  public ``loop`` property is deprecated), so it is used only there.
- ``sigint_handler``/``set_sigint_handler``: a blocking call in the main thread looks at
  the Ctrl-C handler and swaps it twice (``_sync.ctrl_c``). ``signal.getsignal`` and
  ``signal.signal`` wrap the C module ``_signal``'s functions only to turn SIG_DFL and
  SIG_IGN into enum members, and for a handler that is a function that conversion fails
  through two exceptions: 3 µs a call against 0.3 µs, about 8 % of a blocking ``get``'s
  client CPU on loopback (``benchmarks/RESULTS.md``). The C functions are used when
  there; the public ones otherwise, to the same effect: the SDK compares handlers by
  identity and hands back what it was given (SIG_DFL and SIG_IGN then come as their
  enum members, equal to the plain ints).
"""

from __future__ import annotations

import contextlib
import importlib
import signal
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import aiohttp

_SIGINT = int(signal.SIGINT)


def _c_signal() -> ModuleType:
    """The C module behind ``signal`` (CPython's ``_signal``), or ``signal`` itself."""
    try:
        return importlib.import_module("_signal")
    except ImportError:  # another Python: the public functions do the same, slower
        return signal


_SIGNALS = _c_signal()

__all__ = [
    "READ_SIZE",
    "close_connections",
    "loop_of",
    "no_reconnect",
    "set_sigint_handler",
    "sigint_handler",
    "smaller_reads",
]

READ_SIZE = 64 * 1024


def smaller_reads(response: aiohttp.ClientResponse) -> None:
    """Make the response's connection read at most ``READ_SIZE`` bytes at a time.

    A small body is read with the headers and its connection already released, so the
    transport is reached through the response's protocol (aiohttp's and asyncio's
    attributes, not their documented API: if one is renamed, this does nothing)."""
    protocol = getattr(response, "_protocol", None)
    transport = getattr(protocol, "transport", None)
    reader = getattr(transport, "_ssl_protocol", transport)  # TLS: the layer that reads
    size = getattr(reader, "max_size", None)
    if type(size) is int and size > READ_SIZE:
        reader.max_size = READ_SIZE  # type: ignore[union-attr]


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


def no_reconnect(session: aiohttp.ClientSession) -> None:
    """Turn off aiohttp's own resend of a request whose reused connection dropped."""
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False


def loop_of(session: aiohttp.ClientSession) -> Any:
    """The event loop ``session`` was made on, or None when that cannot be told."""
    return getattr(session, "_loop", None)


def sigint_handler() -> Any:
    """The Ctrl-C handler in place (``signal.getsignal(SIGINT)``)."""
    return _SIGNALS.getsignal(_SIGINT)


def set_sigint_handler(handler: Any) -> Any:
    """Install ``handler`` for Ctrl-C; the one it replaces (``signal.signal``)."""
    return _SIGNALS.signal(_SIGINT, handler)
