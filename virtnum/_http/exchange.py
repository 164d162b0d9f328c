"""One HTTP exchange on an aiohttp session: the request as sent, the answer as a record.

``send`` follows same-origin redirects when allowed and never raises an aiohttp error:
a failure comes back as a VirtnumError value, raised by the caller outside any
``except`` block, so nothing from aiohttp (whose reprs can carry the request headers) is
chained to it.

Redirects (RFC 9110, section 15.4): a ``303 See Other`` is followed as a GET of its
``Location``, without the body; a 301, 302, 307 or 308 is followed only by a GET or a
HEAD. A write answered with one of those is not followed: its body (a SIP password,
maybe) is never sent again, and the 3xx is reported as it is (an ``APIStatusError``
with that status), since whether the server applied the write is for it to say. What
goes wrong after a write's 303 is the GET's failure, labelled with the GET's method and
URL: the write was done (``Response.followed``, ``failures.answered_then``).
"""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp
import attrs
from aiohttp.client_proto import ResponseHandler
from multidict import CIMultiDictProxy
from yarl import URL

import virtnum._errors as errors
from virtnum._http.body import TooLarge, Undecodable, read_body
from virtnum._http.failures import (
    answered_then,
    connection_failure,
    stale_failure,
    too_large,
    undecodable,
)
from virtnum._http.internals import smaller_reads
from virtnum._http.redirects import same_origin_target
from virtnum._http.stale import StaleConnection
from virtnum._redact import Redactor

__all__ = ["Exchange", "Outcome", "Response", "send"]

_MAX_REDIRECTS = 10
#: Redirects that keep the method, followed only when it is safe to repeat (GET, HEAD).
_SAME_METHOD = frozenset({301, 302, 307, 308})


@attrs.define  # made per request: mutable slotted classes build faster than frozen ones
class Exchange:
    """One call's request, as every attempt puts it on the wire; ``url`` for messages,
    ``target`` the same URL parsed once (aiohttp would parse a str on every attempt)."""

    method: str
    url: str
    target: URL = attrs.field(repr=False)
    params: Sequence[tuple[str, str]] | None
    data: bytes | None = attrs.field(repr=False)
    headers: dict[str, str] | None = attrs.field(repr=False)
    timeout: aiohttp.ClientTimeout
    proxy: str | None = attrs.field(repr=False)
    max_size: int | None
    follow_redirects: bool


@attrs.define
class Response:
    """What one attempt got back: the status, the headers and the whole body, and the
    connection it came on (None on a session the client did not make); ``followed`` is
    the URL of the GET that answered, when a write's 303 pointed to it."""

    status: int
    headers: CIMultiDictProxy[str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False)
    carrier: ResponseHandler | None = attrs.field(default=None, repr=False)
    followed: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def overloaded(self) -> bool:
        """A 429 without Retry-After: the server refuses because too many are in flight."""
        return self.status == 429 and "Retry-After" not in self.headers


#: What an attempt gives: the server's answer, or the error it ended in.
Outcome = Response | errors.APIError


async def send(session: aiohttp.ClientSession, exchange: Exchange, redactor: Redactor) -> Outcome:
    """One exchange, redirects included; failures come back as values, never raised."""
    method, target, params, data = exchange.method, exchange.target, exchange.params, exchange.data
    try:
        for _ in range(_MAX_REDIRECTS + 1):
            async with session.request(
                method,
                target,
                params=params,
                data=data,
                headers=exchange.headers,
                timeout=exchange.timeout,
                allow_redirects=False,
                proxy=exchange.proxy,
                auto_decompress=False,  # body decodes, within max_size
            ) as response:
                smaller_reads(response)
                try:
                    body = await read_body(response, exchange.max_size)
                except Undecodable as exc:
                    if 200 <= response.status < 300:
                        return _failure(exc, exchange, method, target, redactor, response.status)
                    body = b""  # a failure status is the answer; its body only explains it
                follow = _redirect(response, method) if exchange.follow_redirects else None
                if follow is None:
                    break
                method, target = follow
                params = None
                if method != exchange.method:  # a 303: the body stays behind
                    data = None
        carrier = getattr(response, "carrier", None)
        followed = None if method == exchange.method else _shown(target)
        return Response(response.status, response.headers, body, carrier, followed)
    except (TooLarge, StaleConnection, aiohttp.ClientError, OSError) as exc:
        return _failure(exc, exchange, method, target, redactor)


def _failure(
    exc: Exception,
    exchange: Exchange,
    method: str,
    target: URL,
    redactor: Redactor,
    status: int = 0,
) -> errors.APIError:
    """The error of the request ``method target`` that ``exc`` ended (``status``: the
    answer's, when its body could not be decoded); after a write's 303, the GET's,
    saying that the write was done."""
    url = exchange.url if method == exchange.method else _shown(target)
    error: errors.APIError
    if isinstance(exc, TooLarge):
        error = too_large(method, url, exc.limit)
    elif isinstance(exc, Undecodable):
        error = undecodable(method, url, status, exc.reason, redactor)
    elif isinstance(exc, StaleConnection):
        error = stale_failure(method, url)
    else:  # aiohttp's errors and OSError (TimeoutError among them)
        error = connection_failure(
            exc, method, url, redactor, proxy=exchange.proxy, timeout=exchange.timeout
        )
    if method == exchange.method:
        return error
    return answered_then(error, exchange.method, exchange.url)


def _shown(target: URL) -> str:
    """A followed URL as errors name it: without its query string."""
    return str(target.with_query(None))


def _redirect(response: aiohttp.ClientResponse, method: str) -> tuple[str, URL] | None:
    """The method and URL to follow a redirect with (same origin only), or None."""
    status = response.status
    if status == 303:
        method = "HEAD" if method == "HEAD" else "GET"
    elif status not in _SAME_METHOD or method not in ("GET", "HEAD"):
        return None
    location = response.headers.get("Location")
    target = same_origin_target(response.url, location) if location else None
    return None if target is None else (method, target)
