"""HTTP on one aiohttp session: auth, timeouts, retries, redirects, status -> typed error.

The transport returns the body bytes of a success (a ``Payload``) and knows nothing of
models: ``_convert`` decodes them. aiohttp exceptions never
escape and are never chained: their reprs can carry the request headers.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl as ssl_module
import time
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
import attrs
import msgspec
from yarl import URL

from virtnum import _errors as errors
from virtnum._http.body import TooLarge, read_body
from virtnum._http.failures import TLS_FAILURE, describe, request_id_of, status_error
from virtnum._http.hooks import Hooks, RequestEvent, ResponseEvent
from virtnum._http.overload import AdaptiveLimit
from virtnum._http.payload import Payload
from virtnum._http.proxy import EnvProxies
from virtnum._http.ratelimit import TokenBucket
from virtnum._http.redact import Redactor
from virtnum._http.redirects import same_origin_target
from virtnum._http.retry import backoff_delay, overload_delay, should_retry
from virtnum._http.sessions import LoopSessions
from virtnum._logs import logger, shown_url

__all__ = ["Transport", "TransportConfig"]

_encode = msgspec.json.Encoder().encode
_MAX_REDIRECTS = 10
# A 429 without Retry-After is the server saying "fewer at once": the overload limit
# adapts, and such retries do not count against max_retries, up to this many per call.
_MAX_OVERLOAD_RETRIES = 8


@attrs.frozen
class TransportConfig:
    """Everything the transport needs, as plain data (the token is hidden from repr)."""

    base_url: str
    token: str = attrs.field(repr=False)
    user_agent: str
    timeout: aiohttp.ClientTimeout
    max_retries: int
    retry_after_cap: float = 60.0
    retry_non_idempotent: bool = False
    follow_redirects: bool = False
    trust_env: bool = False
    max_connections: int = 100
    max_response_size: int | None = 256 << 20
    rate_limit: float | None = None
    proxy: str | None = attrs.field(default=None, repr=False)  # may hold credentials
    ssl: ssl_module.SSLContext | bool = True
    hooks: Hooks = attrs.field(factory=Hooks)
    trace_configs: tuple[aiohttp.TraceConfig, ...] = ()


@attrs.frozen
class _Exchange:
    """One attempt's request: what ``_send`` puts on the wire."""

    method: str
    url: str
    params: Sequence[tuple[str, str]] | None
    data: bytes | None = attrs.field(repr=False)
    timeout: aiohttp.ClientTimeout


#: What an attempt gives: (status, headers, body), or the error it ended in.
_Outcome = tuple[int, Mapping[str, str], bytes] | errors.APIError


class _Shared:
    """What a client and its ``with_options`` copies share: a session per event loop,
    the rate limit and the overload limit."""

    def __init__(self, config: TransportConfig, session: aiohttp.ClientSession | None) -> None:
        self.sessions = LoopSessions(functools.partial(_new_session, config), session)
        # sessions the transport makes carry its headers; a caller's gets them per request
        self.headers_in_session = session is None
        self.bucket = TokenBucket(config.rate_limit) if config.rate_limit else None
        self.limit = AdaptiveLimit(config.max_connections)

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The running loop's session, if one was made."""
        return self.sessions.current()


def _new_session(config: TransportConfig) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=config.max_connections, ssl=config.ssl)
    # trust_env is the SDK's own (proxies only, see _proxy); aiohttp's would read netrc
    session = aiohttp.ClientSession(
        connector=connector,
        headers=_headers_for(config),
        trust_env=False,
        trace_configs=list(config.trace_configs) or None,
    )
    # aiohttp resends an idempotent request by itself when a reused connection drops;
    # the transport's retry loop does that instead, so every request sent is counted
    if hasattr(session, "_retry_connection"):
        session._retry_connection = False
    return session


def _headers_for(config: TransportConfig) -> dict[str, str]:
    return {
        "Authorization": config.token,
        "Content-Type": "application/json; charset=UTF-8",
        "User-Agent": config.user_agent,
    }


class Transport:
    """Sends requests with retries and returns the body of the success as a ``Payload``."""

    def __init__(
        self, config: TransportConfig, *, session: aiohttp.ClientSession | None = None
    ) -> None:
        self._shared = _Shared(config, session)
        self._owner = True
        self.configure(config)

    def configure(self, config: TransportConfig) -> None:
        self.config = config
        self._redactor = Redactor(config.token)
        self._proxies = EnvProxies(config.trust_env)
        self._headers = None if self._shared.headers_in_session else _headers_for(config)

    def copy(self, config: TransportConfig) -> Transport:
        """A transport with other settings over the same session (it does not own it)."""
        clone = object.__new__(Transport)
        clone._shared = self._shared
        clone._owner = False
        clone.configure(config)
        return clone

    def __repr__(self) -> str:
        return f"<Transport {self.config.base_url}>"

    @property
    def is_closed(self) -> bool:
        return self._shared.sessions.closed

    async def close(self) -> None:
        """Close the sessions this client opened (not one the caller passed in); safe to
        call twice."""
        if self._owner and not self.is_closed:
            await self._shared.sessions.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        body: Mapping[str, Any] | None = None,
        max_retries: int | None = None,
        redact: Sequence[str] = (),
    ) -> Payload:
        """Send one API call, retrying what is safe to retry; return the success's body."""
        config = self.config
        retries = config.max_retries if max_retries is None else max_retries
        url = config.base_url + path
        data = None if body is None else _encode(body)
        exchange = _Exchange(method, url, params, data, config.timeout)
        began = time.monotonic()
        attempt = charged = overloads = 0
        answer_lost = False  # the previous attempt may have been applied, its answer lost
        while True:
            attempt += 1
            charged += 1
            if config.hooks.on_request:
                await config.hooks.request(RequestEvent(method, _path(url), attempt))
            started = time.monotonic()
            outcome = await self._attempt(exchange)
            elapsed = time.monotonic() - started
            status = outcome[0] if isinstance(outcome, tuple) else None
            if logger.isEnabledFor(logging.DEBUG):
                shown = status if status is not None else type(outcome).__name__
                logger.debug(
                    "%s %s -> %s attempt=%d elapsed=%.1fms",
                    *(method, shown_url(url, params), shown, attempt, elapsed * 1000),
                )
            if isinstance(outcome, tuple) and 200 <= outcome[0] < 300:
                secrets = self._redactor.forms(redact)
                if config.hooks.on_response:
                    request_id = request_id_of(outcome[1], secrets)
                    event = ResponseEvent(method, _path(url), attempt, status, elapsed, request_id)
                    await config.hooks.response(event)
                metadata = (outcome[0], outcome[1], attempt, time.monotonic() - began)
                return Payload(outcome[2], method, url, secrets, *metadata)
            error = (
                outcome
                if isinstance(outcome, errors.APIError)
                else status_error(method, url, *outcome, self._redactor, redact)
            )
            # a status error carries the response's request id, already redacted
            request_id = error.request_id if isinstance(error, errors.APIStatusError) else None
            if answer_lost and method == "DELETE" and status == 404:
                error = _unknown_delete(url)
            if config.hooks.on_response:
                event = ResponseEvent(
                    method, _path(url), attempt, status, elapsed, request_id, type(error).__name__
                )
                await config.hooks.response(event)
            answer_lost = isinstance(outcome, errors.APIConnectionError)
            error.attempts = attempt
            if isinstance(error, _UnknownOutcome):
                raise error
            if isinstance(error, errors.ResponseTooLargeError) or (
                isinstance(error, errors.APIConnectionError) and error.reason == TLS_FAILURE
            ):
                raise error  # retrying cannot help
            retry_after = getattr(error, "retry_after", None)
            retryable = functools.partial(
                should_retry, method, status, retry_non_idempotent=config.retry_non_idempotent
            )
            # max_retries=0 still means one attempt, overload or not
            overload_retry = retries > 0 and overloads < _MAX_OVERLOAD_RETRIES
            if overload_retry and _overloaded(outcome) and retryable(attempt=0, max_retries=1):
                overloads += 1
                charged -= 1
                delay = overload_delay(overloads)
            elif not retryable(attempt=charged, max_retries=retries) or (
                retry_after is not None and retry_after > config.retry_after_cap
            ):
                raise error
            else:
                delay = backoff_delay(charged, retry_after=retry_after)
            logger.info(
                "retrying %s %s after %s (attempt %d of %d) in %.2fs",
                method,
                path.partition("?")[0],
                status if status is not None else type(error).__name__,
                attempt,
                retries + 1 + overloads,
                delay,
            )
            await asyncio.sleep(delay)

    async def _attempt(self, exchange: _Exchange) -> _Outcome:
        """One attempt under the rate limit and the overload limit, which learns from it."""
        shared = self._shared
        if shared.bucket is not None:
            await shared.bucket.acquire()
        slot = shared.limit.try_acquire() or await shared.limit.acquire()
        outcome: _Outcome | None = None
        try:
            outcome = await self._send(exchange)
            return outcome
        finally:
            succeeded = isinstance(outcome, tuple) and outcome[0] < 400
            shared.limit.release(slot, overloaded=_overloaded(outcome), succeeded=succeeded)

    async def _send(self, exchange: _Exchange) -> _Outcome:
        """One HTTP exchange (following same-origin redirects if allowed), never raising
        an aiohttp error: failures come back as a VirtnumError value, raised by the caller
        outside any ``except`` block so nothing from aiohttp is chained to it."""
        method, url, params = exchange.method, exchange.url, exchange.params
        data, client_timeout = exchange.data, exchange.timeout
        sessions = self._shared.sessions
        session = sessions.ready() or await sessions.get()
        proxy = self.config.proxy or (self._proxies.for_url(URL(url)) if self._proxies else None)
        target: str | URL = url
        failure: errors.APIError
        try:
            for _ in range(_MAX_REDIRECTS + 1):
                async with session.request(
                    method,
                    target,
                    params=params,
                    data=data,
                    headers=self._headers,
                    timeout=client_timeout,
                    allow_redirects=False,
                    proxy=proxy,
                ) as response:
                    raw = await read_body(response, self.config.max_response_size)
                    location = self._redirect_target(response)
                    if location is None:
                        return response.status, response.headers, raw
                    target, params = location, None
            return response.status, response.headers, raw
        except TooLarge as exc:
            failure = errors.ResponseTooLargeError(
                f"{method} {_path(url)}: the response is larger than max_response_size "
                f"({exc.limit:,} bytes); the rest was not read",
                method=method,
                url=url,
                limit=exc.limit,
            )
        except (TimeoutError, aiohttp.ServerTimeoutError):
            failure = errors.APITimeoutError(
                f"{method} {_path(url)} timed out", method=method, url=url
            )
        except aiohttp.ClientPayloadError:
            failure = errors.APIConnectionError(
                f"{method} {_path(url)}: the response body was cut short",
                method=method,
                url=url,
            )
        except (aiohttp.ClientError, OSError) as exc:
            where, reason, detail = describe(exc, url)
            failure = errors.APIConnectionError(
                f"{method} {_path(url)}: connection failed: {where}: {reason} "
                f"({type(exc).__name__})",
                method=method,
                url=url,
                reason=reason,
                detail=self._redactor.text(detail),
            )
        return failure

    def _redirect_target(self, response: aiohttp.ClientResponse) -> URL | None:
        """The URL to follow: only a same-origin 3xx, and only when allowed."""
        if not (300 <= response.status < 400 and self.config.follow_redirects):
            return None
        location = response.headers.get("Location")
        if not location:
            return None
        return same_origin_target(response.url, location)


class _UnknownOutcome(errors.APIConnectionError):
    """A write whose first answer was lost and whose resend cannot tell what happened."""


def _unknown_delete(url: str) -> errors.APIConnectionError:
    return _UnknownOutcome(
        f"DELETE {_path(url)}: the answer was lost and the resend found no such number; "
        "this call has probably deleted it, but the outcome is not certain",
        method="DELETE",
        url=url,
    )


def _overloaded(outcome: object) -> bool:
    """A 429 without Retry-After: the server refuses because too many are in flight."""
    return isinstance(outcome, tuple) and outcome[0] == 429 and "Retry-After" not in outcome[1]


def _path(url: str) -> str:
    """The path of a URL without its query string (which may carry personal data)."""
    return URL(url).path
