"""HTTP on one aiohttp session: auth, timeouts, retries, redirects, status -> typed error.

The transport returns the body bytes of a success (a ``Payload``) and knows nothing of
models: ``_convert`` decodes them. aiohttp exceptions never
escape and are never chained: their reprs can carry the request headers.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
import attrs
import msgspec
from yarl import URL

from virtnum import _errors as errors
from virtnum._payload import Payload
from virtnum._retry import backoff_delay, parse_retry_after, should_retry

__all__ = ["Transport", "TransportConfig"]

logger = logging.getLogger("virtnum")
_BODY_SNIPPET = 500
_encode = msgspec.json.Encoder().encode
_MAX_REDIRECTS = 10
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


class _SharedSession:
    """The aiohttp session shared by a client and every copy made by ``with_options``."""

    def __init__(self, session: aiohttp.ClientSession | None) -> None:
        self.session = session
        self.owned = session is None
        self.closed = False


class Transport:
    """Sends requests with retries and returns the body of the success as a ``Payload``."""

    def __init__(
        self, config: TransportConfig, *, session: aiohttp.ClientSession | None = None
    ) -> None:
        self._shared = _SharedSession(session)
        self._owner = True
        self.configure(config)

    def configure(self, config: TransportConfig) -> None:
        self.config = config
        self._headers = {
            "Authorization": config.token,
            "Content-Type": "application/json; charset=UTF-8",
            "User-Agent": config.user_agent,
        }

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
        return self._shared.closed

    def _session(self) -> aiohttp.ClientSession:
        shared = self._shared
        if shared.closed:
            raise errors.VirtnumError("this client is closed; create a new one")
        if shared.session is None:
            connector = aiohttp.TCPConnector(limit=self.config.max_connections)
            shared.session = aiohttp.ClientSession(
                connector=connector, trust_env=self.config.trust_env
            )
        return shared.session

    async def close(self) -> None:
        """Close the session if this transport opened it; safe to call twice."""
        shared = self._shared
        if shared.closed or not self._owner:
            return
        shared.closed = True
        if shared.owned and shared.session is not None:
            await shared.session.close()

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
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            outcome = await self._send(method, url, params, data, config.timeout)
            status = outcome[0] if isinstance(outcome, tuple) else None
            if logger.isEnabledFor(logging.DEBUG):
                shown = str(URL(url).with_query(params or {})) if params else url
                logger.debug(
                    "%s %s -> %s attempt=%d elapsed=%.1fms",
                    method,
                    shown,
                    status if status is not None else type(outcome).__name__,
                    attempt,
                    (time.monotonic() - started) * 1000,
                )
            if isinstance(outcome, tuple) and 200 <= outcome[0] < 300:
                raw = outcome[2]
                return Payload(raw, method, url, functools.partial(self._snippet, raw, redact))
            error = (
                outcome
                if isinstance(outcome, errors.APIError)
                else self._status_error(method, url, *outcome, redact)
            )
            error.attempts = attempt
            retry_after = getattr(error, "retry_after", None)
            if not should_retry(
                method,
                status,
                attempt=attempt,
                max_retries=retries,
                retry_non_idempotent=config.retry_non_idempotent,
            ) or (retry_after is not None and retry_after > config.retry_after_cap):
                raise error
            delay = backoff_delay(attempt, retry_after=retry_after)
            logger.info(
                "retrying %s %s after %s (attempt %d of %d) in %.2fs",
                method,
                path.partition("?")[0],
                status if status is not None else type(error).__name__,
                attempt,
                retries + 1,
                delay,
            )
            await asyncio.sleep(delay)

    async def _send(
        self,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]] | None,
        data: bytes | None,
        client_timeout: aiohttp.ClientTimeout,
    ) -> tuple[int, Mapping[str, str], bytes] | errors.APIError:
        """One HTTP exchange (following same-origin redirects if allowed), never raising
        an aiohttp error: failures come back as a VirtnumError value, raised by the caller
        outside any ``except`` block so nothing from aiohttp is chained to it."""
        session = self._session()
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
                ) as response:
                    raw = await response.read()
                    location = self._redirect_target(response)
                    if location is None:
                        return response.status, response.headers, raw
                    target, params = location, None
            return response.status, response.headers, raw
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
            failure = errors.APIConnectionError(
                f"{method} {_path(url)}: connection failed ({type(exc).__name__})",
                method=method,
                url=url,
            )
        return failure

    def _redirect_target(self, response: aiohttp.ClientResponse) -> URL | None:
        """The URL to follow: only a same-origin 3xx, and only when allowed."""
        if not (300 <= response.status < 400 and self.config.follow_redirects):
            return None
        location = response.headers.get("Location")
        if not location:
            return None
        target = response.url.join(URL(location))
        if target.origin() != response.url.origin():
            return None
        return target

    def _status_error(
        self,
        method: str,
        url: str,
        status: int,
        headers: Mapping[str, str],
        raw: bytes,
        redact: Sequence[str] = (),
    ) -> errors.APIStatusError:
        cls = _STATUS_ERRORS.get(status) or (
            errors.InternalServerError if status >= 500 else errors.APIStatusError
        )
        hint = _STATUS_HINTS.get(status)
        text = self._snippet(raw, redact)
        message = f"{method} {_path(url)} failed with status {status}"
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
            request_id=next((headers[h] for h in _REQUEST_ID_HEADERS if h in headers), None),
            retry_after=parse_retry_after(headers.get("Retry-After"), now=time.time()),
        )

    def _snippet(self, raw: bytes, redact: Sequence[str] = ()) -> str:
        """The start of a body as text, with the token (and any other secret) cut out
        should the server echo it."""
        # each secret as sent, and as a JSON string escapes it (a body is usually JSON)
        forms = [
            form
            for secret in (self.config.token, *redact)
            for form in (secret, json.dumps(secret)[1:-1])
            if form
        ]
        # Redact before cutting, so a secret straddling the cut cannot half-survive; only
        # the prefix that can reach the snippet is decoded (at most 4 bytes a character).
        longest = max(map(len, forms), default=0)
        text = raw[: (_BODY_SNIPPET + longest) * 4].decode("utf-8", "replace")
        for form in forms:
            text = text.replace(form, "[redacted]")
        return text[:_BODY_SNIPPET]


def _path(url: str) -> str:
    """The path of a URL without its query string (which may carry personal data)."""
    return URL(url).path
