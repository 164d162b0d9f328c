"""A failed request in words a user can act on: a non-2xx status as its typed error, a
broken connection as where and why, with every secret cut out of the details. Every
error an attempt ends in is built here; ``retry`` decides what to do about it.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping, Sequence

import aiohttp
from yarl import URL

import virtnum._errors as errors
from virtnum._http.retry_after import parse_retry_after
from virtnum._redact import Redactor, masked

__all__ = [
    "STALE_CONNECTION",
    "TLS_FAILURE",
    "answered_then",
    "connection_failure",
    "deadline_passed",
    "describe",
    "path_of",
    "request_id_of",
    "stale_failure",
    "status_error",
    "too_large",
    "undecodable",
    "unknown_outcome",
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
    """The request id the server sent, with any secret it echoed masked (before it is cut
    short, so that no part of a secret survives the cut)."""
    value = next((headers[h] for h in _REQUEST_ID_HEADERS if h in headers), None)
    return None if value is None else masked(value, secrets)[:200]


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
STALE_CONNECTION = "the pooled connection held an answer to no request"


def describe(exc: BaseException, url: str, proxy: str | None = None) -> tuple[str, str, str]:
    """``(where, reason, detail)`` for a failed connection to ``url`` (through ``proxy``);
    ``where`` names the host that failed: the proxy's when it was the proxy. ``detail``
    is aiohttp's own text, whole: mask it before it is shown (it may hold a proxy's URL)."""
    target = URL(url)
    where = f"{target.host}:{target.port}"
    if proxy is not None:
        via = URL(proxy)
        tried = exc.host if isinstance(exc, aiohttp.ClientConnectorError) else via.host
        if tried == via.host or isinstance(exc, aiohttp.ClientHttpProxyError):
            where = f"the proxy {via.host}:{via.port}"
    return where, _reason(exc), f"{type(exc).__name__}: {exc}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "name not resolved"
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError | aiohttp.ServerFingerprintMismatch):
        return TLS_FAILURE
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return "the proxy could not be reached"
    if isinstance(exc, aiohttp.ClientHttpProxyError):  # its text: the proxy's, not shown
        if exc.status == 407:
            return "the proxy refused its credentials (407)"
        return f"the proxy refused the connection ({exc.status})"
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
    exc: BaseException,
    method: str,
    url: str,
    redactor: Redactor,
    *,
    proxy: str | None = None,
    timeout: aiohttp.ClientTimeout | None = None,
) -> errors.APIConnectionError:
    """The error for an exchange that produced no usable answer (timeout, cut-short
    body, refused, reset, TLS, ...); aiohttp's own text is kept, redacted, as ``detail``."""
    shown = f"{method} {path_of(url)}"
    # no connection was ever made, or the proxy refused the tunnel: the request never left
    sent = not isinstance(
        exc,
        aiohttp.ClientConnectorError
        | aiohttp.ConnectionTimeoutError
        | aiohttp.ClientHttpProxyError,
    )
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        return errors.APITimeoutError(
            f"{shown} timed out: {_waited(exc, url, proxy, timeout)}",
            method=method,
            url=url,
            request_sent=sent,
        )
    if isinstance(exc, aiohttp.ClientPayloadError):
        return errors.APIConnectionError(
            f"{shown}: the response body was cut short", method=method, url=url
        )
    where, reason, detail = describe(exc, url, proxy)
    return errors.APIConnectionError(
        f"{shown}: connection failed: {where}: {reason} ({type(exc).__name__})",
        method=method,
        url=url,
        reason=reason,
        detail=redactor.text(detail)[:500],
        request_sent=sent,
    )


def _waited(
    exc: BaseException, url: str, proxy: str | None, timeout: aiohttp.ClientTimeout | None
) -> str:
    """What a timed-out attempt waited for, where, and how long it was allowed."""
    where = describe(exc, url, proxy)[0]
    connecting = isinstance(exc, aiohttp.ConnectionTimeoutError)
    limit = None if timeout is None else (timeout.connect if connecting else timeout.total)
    allowed = "" if limit is None else f" within {limit:g}s"
    if connecting:
        return f"could not connect to {where}{allowed}"
    return f"no answer from {where}{allowed}"


def deadline_passed(method: str, url: str, deadline: float, attempt: int) -> errors.APITimeoutError:
    """The error for a call whose deadline ran out while attempt ``attempt`` was under way."""
    made = "" if attempt > 1 else " (1 attempt)"
    return errors.APITimeoutError(
        f"{method} {path_of(url)}: no answer within the call's deadline of {deadline:g}s{made}",
        method=method,
        url=url,
    )


def stale_failure(method: str, url: str) -> errors.APIConnectionError:
    """The error of an attempt whose connection was discarded before it was written to
    (see ``stale``)."""
    return errors.APIConnectionError(
        f"{method} {path_of(url)}: connection failed: {STALE_CONNECTION}; "
        "it was closed and the request was not sent",
        method=method,
        url=url,
        reason=STALE_CONNECTION,
        request_sent=False,
    )


def too_large(method: str, url: str, limit: int) -> errors.ResponseTooLargeError:
    return errors.ResponseTooLargeError(
        f"{method} {path_of(url)}: the response is larger than "
        f"max_response_size ({limit:,} bytes); the rest was not read",
        method=method,
        url=url,
        limit=limit,
    )


def undecodable(
    method: str, url: str, status: int, reason: str, redactor: Redactor
) -> errors.ResponseValidationError:
    """The error of a 2xx whose body cannot be decoded; a write's says it was answered."""
    answered = "" if method in ("GET", "HEAD") else f" answered {status}, so it was done;"
    return errors.ResponseValidationError(
        f"{method} {path_of(url)}:{answered} could not decode the response: "
        + redactor.text(reason),
        method=method,
        url=url,
    )


def answered_then(error: errors.APIError, method: str, url: str) -> errors.APIError:
    """``error`` of the GET that a write's ``303 See Other`` pointed to, saying first that
    the write (``method`` ``url``) was done; it keeps the GET's own method and URL."""
    done = f"{method} {path_of(url)} was answered 303 See Other, so it was done"
    error.message = f"{done}; then {error.message}"
    error.args = (error.message,)
    return error


class _TimedOutUnknown(errors.OutcomeUnknownError, errors.APITimeoutError):
    """A write that timed out after it was sent: both an unknown outcome and a timeout."""


_WHAT_MAY_HAVE_HAPPENED = {
    "POST": "the number may have been added; list the numbers to check before adding it again",
    "DELETE": "this call has probably deleted it, but the outcome is not certain",
}


def unknown_outcome(error: errors.APIError) -> errors.OutcomeUnknownError:
    """``error`` of a write whose answer was lost, named as the unknown outcome it is."""
    method, url = error.method, error.url
    if isinstance(error, errors.APIStatusError):  # a resent DELETE that found nothing
        happened = "the answer was lost and the resend found no such number"
    else:
        happened = error.message.removeprefix(f"{method} {path_of(url)}").lstrip(": ")
    maybe = _WHAT_MAY_HAVE_HAPPENED.get(method, "it may have been applied; check before resending")
    cls = (
        _TimedOutUnknown
        if isinstance(error, errors.APITimeoutError)
        else errors.OutcomeUnknownError
    )
    unknown = cls(f"{method} {path_of(url)}: {happened}; {maybe}", method=method, url=url)
    if isinstance(error, errors.APIConnectionError):
        unknown.reason, unknown.detail = error.reason, error.detail
    return unknown


def path_of(url: str) -> str:
    """The path of a URL without its query string (which may carry personal data)."""
    return URL(url).path
