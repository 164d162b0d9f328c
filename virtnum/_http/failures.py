"""A failed request in words a user can act on: a non-2xx status as its typed error, a
broken connection as where and why, with every secret cut out of the details.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping, Sequence

import aiohttp
from yarl import URL

from virtnum import _errors as errors
from virtnum._http.redact import Redactor, redacted
from virtnum._http.retry import parse_retry_after

__all__ = [
    "TLS_FAILURE",
    "connection_failure",
    "describe",
    "path_of",
    "request_id_of",
    "status_error",
]

_STATUS_ERRORS: dict[int, type[errors.APIStatusError]] = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    429: errors.RateLimitError,
}
_STATUS_HINTS = {
    401: "the token is missing, wrong or revoked",
    403: "the API refuses requests from IP addresses that are not on the account's "
    "allow-list (web cabinet: Integrations > API > API settings)",
}
_REQUEST_ID_HEADERS = ("X-Request-Id", "X-Request-ID", "Request-Id")


def request_id_of(headers: Mapping[str, str], secrets: Sequence[str]) -> str | None:
    """The request id the server sent, with any secret it echoed cut out."""
    value = next((headers[h] for h in _REQUEST_ID_HEADERS if h in headers), None)
    return None if value is None else redacted(value[:200], secrets)


def status_error(
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    raw: bytes,
    redactor: Redactor,
    redact: Sequence[str] = (),
) -> errors.APIStatusError:
    """The error for ``status``; the token and the ``redact`` secrets are cut out of the
    body and the request id."""
    cls = _STATUS_ERRORS.get(status) or (
        errors.InternalServerError if status >= 500 else errors.APIStatusError
    )
    text = redactor.snippet(raw, redact)
    message = f"{method} {path_of(url)} failed with status {status}"
    hint = _STATUS_HINTS.get(status)
    if hint:
        message += f": {hint}"
    elif text:
        message += f": {text[:200]}"
    return cls(
        message,
        status=status,
        method=method,
        url=url,
        body=text,
        request_id=request_id_of(headers, redactor.forms(redact)),
        retry_after=parse_retry_after(headers.get("Retry-After"), now=time.time()),
    )


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


def connection_failure(
    exc: BaseException, method: str, url: str, redactor: Redactor
) -> errors.APIConnectionError:
    """The error for an exchange that produced no usable answer (timeout, cut-short
    body, refused, reset, TLS, ...); aiohttp's own text is kept, redacted, as ``detail``."""
    shown = f"{method} {path_of(url)}"
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        return errors.APITimeoutError(f"{shown} timed out", method=method, url=url)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return errors.APIConnectionError(
            f"{shown}: the response body was cut short", method=method, url=url
        )
    where, reason, detail = describe(exc, url)
    return errors.APIConnectionError(
        f"{shown}: connection failed: {where}: {reason} ({type(exc).__name__})",
        method=method,
        url=url,
        reason=reason,
        detail=redactor.text(detail),
    )


def path_of(url: str) -> str:
    """The path of a URL without its query string (which may carry personal data)."""
    return URL(url).path
