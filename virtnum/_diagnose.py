"""Why a connection failed, in words a user can act on, from aiohttp's exception.

``connection failed (ClientConnectorError)`` says neither where nor why; the message
names ``host:port`` and the reason (refused, name not resolved, TLS), and the
exception's own text is kept apart as ``detail`` (shown by ``--debug``), with secrets cut.
"""

from __future__ import annotations

import ssl

import aiohttp
from yarl import URL

__all__ = ["TLS_FAILURE", "describe"]

TLS_FAILURE = "TLS/certificate failure"


def describe(exc: BaseException, url: str) -> tuple[str, str, str]:
    """``(where, reason, detail)`` for a failed connection to ``url``."""
    target = URL(url)
    where = f"{target.host}:{target.port}"
    return where, _reason(exc), f"{type(exc).__name__}: {exc}"[:500]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "name not resolved"
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError | aiohttp.ServerFingerprintMismatch):
        return TLS_FAILURE
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return "the proxy could not be reached"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the server closed the connection"
    cause = getattr(exc, "os_error", None) or exc
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, ConnectionResetError | aiohttp.ClientConnectionResetError):
        return "connection reset"
    if isinstance(cause, ssl.SSLError):
        return TLS_FAILURE
    strerror = getattr(cause, "strerror", None)
    return strerror.lower() if isinstance(strerror, str) and strerror else type(exc).__name__
